"""Groups of one mentor and several mentees, and their meetings (migration 0025)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.groups import Group, GroupListing, GroupMeeting
from bot.models.meetings import Meeting
from bot.models.pairs import ActivePair
from storage.database import Database, Transaction
from storage.repositories.matching import active_pair_from_row
from storage.repositories.meetings import meeting_from_row


def _group(row: aiosqlite.Row) -> Group:
    return Group(
        id=row["id"],
        organization_id=row["organization_id"],
        mentor_id=row["mentor_id"],
        form=row["form"],
        created_at=from_db(row["created_at"]),
        ended_at=from_db(row["ended_at"]) if row["ended_at"] else None,
    )


def _group_meeting(row: aiosqlite.Row) -> GroupMeeting:
    return GroupMeeting(
        id=row["id"],
        group_id=row["group_id"],
        lead_meeting_id=row["lead_meeting_id"],
        settled_at=from_db(row["settled_at"]) if row["settled_at"] else None,
    )


class GroupRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- groups ----------------------------------------------------------------------------------
    async def create(
        self,
        organization_id: int,
        mentor_id: int,
        form: str,
        pair_ids: Sequence[int],
        now: datetime,
    ) -> Group | None:
        """A group of these active pairs of one mentor and form, none in another group; None
        when one of them no longer is (checked in the same transaction as the write)."""
        marks = ",".join("?" for _ in pair_ids)
        async with self._db.transaction() as tx:
            found = await tx.fetch_one(
                f"SELECT count(*) AS n FROM pairs WHERE id IN ({marks}) AND organization_id = ? "
                "AND mentor_id = ? AND form = ? AND ended_on IS NULL AND group_id IS NULL",
                (*pair_ids, organization_id, mentor_id, form),
            )
            if found is None or found["n"] != len(set(pair_ids)):
                return None
            group_id = await tx.execute(
                "INSERT INTO groups (organization_id, mentor_id, form, created_at) "
                "VALUES (?, ?, ?, ?)",
                (organization_id, mentor_id, form, to_db(now)),
            )
            await tx.execute(
                f"UPDATE pairs SET group_id = ? WHERE id IN ({marks})", (group_id, *pair_ids)
            )
            row = await tx.fetch_one("SELECT * FROM groups WHERE id = ?", (group_id,))
        assert row is not None
        return _group(row)

    async def led_by(self, organization_id: int, mentor_id: int, form: str) -> Group | None:
        """The active group the mentor leads in this form, if any."""
        row = await self._db.fetch_one(
            "SELECT * FROM groups WHERE organization_id = ? AND mentor_id = ? AND form = ? "
            "AND ended_at IS NULL ORDER BY id LIMIT 1",
            (organization_id, mentor_id, form),
        )
        return _group(row) if row else None

    async def join(self, group_id: int, pair_ids: Sequence[int]) -> bool:
        """Active pairs of the group's mentor and form, in no group, join it."""
        marks = ",".join("?" for _ in pair_ids)
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                f"UPDATE pairs SET group_id = ? WHERE id IN ({marks}) AND group_id IS NULL "
                "AND ended_on IS NULL AND (mentor_id, form, organization_id) = "
                "(SELECT mentor_id, form, organization_id FROM groups "
                "WHERE id = ? AND ended_at IS NULL)",
                (group_id, *pair_ids, group_id),
            )
        return changed > 0

    async def get(self, group_id: int) -> Group | None:
        row = await self._db.fetch_one("SELECT * FROM groups WHERE id = ?", (group_id,))
        return _group(row) if row else None

    async def of_pair(self, pair_id: int) -> Group | None:
        """The active group of an active pair."""
        row = await self._db.fetch_one(
            "SELECT g.* FROM pairs pr JOIN groups g ON g.id = pr.group_id "
            "WHERE pr.id = ? AND pr.ended_on IS NULL AND g.ended_at IS NULL",
            (pair_id,),
        )
        return _group(row) if row else None

    async def members(self, group_id: int) -> list[ActivePair]:
        """The group's active pairs, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM pairs WHERE group_id = ? AND ended_on IS NULL ORDER BY id",
            (group_id,),
        )
        return [active_pair_from_row(r) for r in rows]

    async def ungrouped(self, organization_id: int) -> list[ActivePair]:
        """The organization's active pairs in no group, by mentor."""
        rows = await self._db.fetch_all(
            "SELECT * FROM pairs WHERE organization_id = ? AND ended_on IS NULL "
            "AND group_id IS NULL ORDER BY mentor_id, id",
            (organization_id,),
        )
        return [active_pair_from_row(r) for r in rows]

    async def next_meeting(self, group_id: int, now: datetime) -> Meeting | None:
        row = await self._db.fetch_one(
            "SELECT m.* FROM group_meetings g JOIN meetings m ON m.id = g.lead_meeting_id "
            "WHERE g.group_id = ? AND m.status = 'confirmed' AND m.starts_at >= ? "
            "ORDER BY m.starts_at LIMIT 1",
            (group_id, to_db(now)),
        )
        return meeting_from_row(row) if row else None

    async def of_organization(self, organization_id: int) -> list[GroupListing]:
        rows = await self._db.fetch_all(
            "SELECT g.*, (SELECT count(*) FROM pairs pr WHERE pr.group_id = g.id "
            "AND pr.ended_on IS NULL) AS members FROM groups g "
            "WHERE g.organization_id = ? AND g.ended_at IS NULL ORDER BY g.id",
            (organization_id,),
        )
        return [GroupListing(_group(r), int(r["members"])) for r in rows]

    async def leave(self, pair_id: int, group_id: int, now: datetime) -> bool:
        """The pair leaves the group (it goes on one-to-one); a group left with fewer than two
        members ends, and its last member goes on one-to-one too."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE pairs SET group_id = NULL WHERE id = ? AND group_id = ?",
                (pair_id, group_id),
            )
            if changed != 1:
                return False
            await self._end_if_small(tx, group_id, now)
        return True

    async def move(
        self, pair_id: int, from_group: int, to_group: int, today: date, now: datetime
    ) -> int | None:
        """The member moves to another active group of the same organization and form; the
        id of the member's pair afterwards, or None when something changed meanwhile.

        A group of the same mentor takes the pair as it is. A group of another mentor means
        another mentor: the pair ends (not completed: «moved to another group») and a new pair
        with that group's mentor starts today in the same cycle, as a directive assignment of
        the curator's, in the new group."""
        async with self._db.transaction() as tx:
            target = await tx.fetch_one(
                "SELECT g.mentor_id FROM groups g JOIN groups f ON f.id = ? "
                "WHERE g.id = ? AND g.ended_at IS NULL AND g.organization_id = f.organization_id "
                "AND g.form = f.form AND g.id <> f.id AND g.mentor_id IS NOT NULL",
                (from_group, to_group),
            )
            pair = await tx.fetch_one(
                "SELECT * FROM pairs WHERE id = ? AND group_id = ? AND ended_on IS NULL",
                (pair_id, from_group),
            )
            if target is None or pair is None:
                return None
            if target["mentor_id"] == pair["mentor_id"]:
                await tx.execute("UPDATE pairs SET group_id = ? WHERE id = ?", (to_group, pair_id))
                moved = pair_id
            else:
                await tx.execute(
                    "UPDATE pairs SET ended_on = ?, end_reason = 'moved to another group', "
                    "group_id = NULL WHERE id = ?",
                    (today.isoformat(), pair_id),
                )
                moved = await tx.execute(
                    "INSERT INTO pairs (organization_id, mentor_id, mentee_id, form, started_on, "
                    "directive, created_at, cycle_id, group_id) "
                    "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
                    (pair["organization_id"], target["mentor_id"], pair["mentee_id"],
                     pair["form"], today.isoformat(), to_db(now), pair["cycle_id"], to_group),
                )  # fmt: skip
            await self._end_if_small(tx, from_group, now)
        return moved

    @staticmethod
    async def _end_if_small(tx: Transaction, group_id: int, now: datetime) -> None:
        left = await tx.fetch_one(
            "SELECT count(*) AS n FROM pairs WHERE group_id = ? AND ended_on IS NULL", (group_id,)
        )
        if left is None or left["n"] < 2:
            await tx.execute("UPDATE pairs SET group_id = NULL WHERE group_id = ?", (group_id,))
            await tx.execute(
                "UPDATE groups SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                (to_db(now), group_id),
            )
            # The last member's meetings not yet answered become the pair's own: answered
            # as a pair's are (the mentor's reminders and question are on them already).
            await tx.execute(
                "UPDATE meetings SET group_meeting_id = NULL WHERE status = 'confirmed' "
                "AND group_meeting_id IN (SELECT id FROM group_meetings "
                "WHERE group_id = ? AND settled_at IS NULL)",
                (group_id,),
            )

    # -- group meetings --------------------------------------------------------------------------
    async def create_meeting(
        self,
        *,
        group_id: int,
        rows: Sequence[tuple[int, str]],
        starts_at: datetime,
        meeting_format: str,
        place: str,
        proposed_by: int,
        now: datetime,
        replaces: int | None,
    ) -> tuple[GroupMeeting, list[Meeting]]:
        """A confirmed meeting of the group: a row per (pair id, kind); the group meeting it
        replaces (a moved one) is cancelled with it."""
        async with self._db.transaction() as tx:
            if replaces is not None:
                await tx.execute(
                    "UPDATE meetings SET status = 'cancelled', decided_at = ?, "
                    "cancel_reason = 'moved' WHERE group_meeting_id = ? "
                    "AND status IN ('proposed', 'confirmed')",
                    (to_db(now), replaces),
                )
            group_meeting_id = await tx.execute(
                "INSERT INTO group_meetings (group_id, created_at) VALUES (?, ?)",
                (group_id, to_db(now)),
            )
            ids = []
            for pair_id, kind in rows:
                ids.append(
                    await tx.execute(
                        "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, "
                        "place, proposed_by, created_at, decided_at, group_meeting_id) "
                        "VALUES (?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?)",
                        (
                            pair_id,
                            kind,
                            to_db(starts_at),
                            meeting_format,
                            place,
                            proposed_by,
                            to_db(now),
                            to_db(now),
                            group_meeting_id,
                        ),
                    )
                )
            await tx.execute(
                "UPDATE group_meetings SET lead_meeting_id = ? WHERE id = ?",
                (min(ids), group_meeting_id),
            )
            row = await tx.fetch_one(
                "SELECT * FROM group_meetings WHERE id = ?", (group_meeting_id,)
            )
            meetings = await tx.fetch_all(
                "SELECT * FROM meetings WHERE group_meeting_id = ? ORDER BY id",
                (group_meeting_id,),
            )
        assert row is not None
        return _group_meeting(row), [meeting_from_row(m) for m in meetings]

    async def upcoming(self, group_id: int, now: datetime) -> list[Meeting]:
        """The lead rows of the group's meetings still ahead (confirmed, not answered)."""
        rows = await self._db.fetch_all(
            "SELECT m.* FROM group_meetings g JOIN meetings m ON m.id = g.lead_meeting_id "
            "WHERE g.group_id = ? AND g.settled_at IS NULL AND m.status = 'confirmed' "
            "AND m.starts_at > ? ORDER BY m.starts_at",
            (group_id, to_db(now)),
        )
        return [meeting_from_row(r) for r in rows]

    async def add_row(
        self, lead: Meeting, pair_id: int, kind: str, now: datetime
    ) -> Meeting | None:
        """A member who joined the group gets a row of a group meeting ahead (like the lead's);
        None when the pair already has one."""
        async with self._db.transaction() as tx:
            found = await tx.fetch_one(
                "SELECT 1 FROM meetings WHERE pair_id = ? AND group_meeting_id = ?",
                (pair_id, lead.group_meeting_id),
            )
            if found is not None:
                return None
            meeting_id = await tx.execute(
                "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
                "proposed_by, created_at, decided_at, group_meeting_id) "
                "VALUES (?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?)",
                (pair_id, kind, to_db(lead.starts_at), lead.meeting_format, lead.place,
                 lead.proposed_by, to_db(now), to_db(now), lead.group_meeting_id),
            )  # fmt: skip
            row = await tx.fetch_one("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        return meeting_from_row(row) if row else None

    async def hand_over_lead(self, meeting_id: int, mentor_id: int, mentor_chat: int) -> None:
        """A lead row about to be cancelled (its member leaves the group): the lead, with the
        mentor's reminders and question, goes to another member's row of the meeting."""
        async with self._db.transaction() as tx:
            found = await tx.fetch_one(
                "SELECT g.id, (SELECT min(o.id) FROM meetings o JOIN pairs q ON q.id = o.pair_id "
                "WHERE o.group_meeting_id = g.id AND o.id <> ? AND o.status = 'confirmed' "
                "AND q.ended_on IS NULL) AS next_id "
                "FROM group_meetings g WHERE g.lead_meeting_id = ? AND g.settled_at IS NULL",
                (meeting_id, meeting_id),
            )
            if found is None or found["next_id"] is None:
                return
            following = found["next_id"]
            await tx.execute(
                "UPDATE group_meetings SET lead_meeting_id = ? WHERE id = ?",
                (following, found["id"]),
            )
            await tx.execute(
                "UPDATE reminders SET meeting_id = ? WHERE meeting_id = ? AND telegram_id = ? "
                "AND state = 'pending'",
                (following, meeting_id, mentor_chat),
            )
            await tx.execute(
                "UPDATE followups SET meeting_id = ? WHERE meeting_id = ? AND participant_id = ?",
                (following, meeting_id, mentor_id),
            )

    async def meeting(self, group_meeting_id: int) -> GroupMeeting | None:
        row = await self._db.fetch_one(
            "SELECT * FROM group_meetings WHERE id = ?", (group_meeting_id,)
        )
        return _group_meeting(row) if row else None

    async def meeting_rows(self, group_meeting_id: int) -> list[Meeting]:
        rows = await self._db.fetch_all(
            "SELECT * FROM meetings WHERE group_meeting_id = ? ORDER BY id", (group_meeting_id,)
        )
        return [meeting_from_row(r) for r in rows]

    async def toggle_present(self, group_meeting_id: int, pair_id: int) -> None:
        async with self._db.transaction() as tx:
            removed = await tx.execute_rowcount(
                "DELETE FROM group_attendance WHERE group_meeting_id = ? AND pair_id = ?",
                (group_meeting_id, pair_id),
            )
            if removed == 0:
                await tx.execute(
                    "INSERT INTO group_attendance (group_meeting_id, pair_id) VALUES (?, ?)",
                    (group_meeting_id, pair_id),
                )

    async def present(self, group_meeting_id: int) -> set[int]:
        rows = await self._db.fetch_all(
            "SELECT pair_id FROM group_attendance WHERE group_meeting_id = ?", (group_meeting_id,)
        )
        return {int(r["pair_id"]) for r in rows}

    async def settle(
        self,
        group_meeting_id: int,
        held: Sequence[int],
        missed: Sequence[int],
        now: datetime,
        mentor_id: int,
    ) -> bool:
        """The mentor's answer, once: the rows of ``held`` meetings become held, of ``missed``
        missed. False when the group meeting was already answered (a double tap).

        When the lead row's member was absent, the first present member's row becomes the
        lead and the mentor's question moves with it: the mentor's answer and feedback then
        belong to a meeting that was held."""
        async with self._db.transaction() as tx:
            claimed = await tx.execute_rowcount(
                "UPDATE group_meetings SET settled_at = ? WHERE id = ? AND settled_at IS NULL",
                (to_db(now), group_meeting_id),
            )
            if claimed != 1:
                return False
            for status, ids in (("held", held), ("missed", missed)):
                for meeting_id in ids:
                    await tx.execute(
                        "UPDATE meetings SET status = ?, decided_at = ? "
                        "WHERE id = ? AND group_meeting_id = ? AND status = 'confirmed'",
                        (status, to_db(now), meeting_id, group_meeting_id),
                    )
            if held:
                lead = await tx.fetch_one(
                    "SELECT lead_meeting_id FROM group_meetings WHERE id = ?", (group_meeting_id,)
                )
                old = lead["lead_meeting_id"] if lead else None
                if old is not None and old not in held:
                    await tx.execute(
                        "UPDATE group_meetings SET lead_meeting_id = ? WHERE id = ?",
                        (min(held), group_meeting_id),
                    )
                    await tx.execute(
                        "UPDATE followups SET meeting_id = ? "
                        "WHERE meeting_id = ? AND participant_id = ?",
                        (min(held), old, mentor_id),
                    )
        return True
