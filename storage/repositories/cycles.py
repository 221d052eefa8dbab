"""Cycles of the program, their pairs and their closing; the long-term mentor base and the mentor
ranking are in :mod:`storage.repositories.mentor_base`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.cycles import Cycle, CycleCounts, FinalAnswers
from bot.models.pairs import ActivePair, Pair
from storage.database import Database, ReadSource
from storage.repositories.matching import _active_pair, _pair
from storage.repositories.mentor_base import MentorBaseQueries


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def cycle_from_row(row: aiosqlite.Row) -> Cycle:
    return Cycle(
        id=row["id"],
        organization_id=row["organization_id"],
        number=row["number"],
        started_on=date.fromisoformat(row["started_on"]),
        planned_end=_date(row["planned_end"]),
        closing_since=_moment(row["closing_since"]),
        closed_at=_moment(row["closed_at"]),
    )


class CycleRepository(MentorBaseQueries):
    def __init__(self, db: Database, reads: ReadSource | None = None) -> None:
        self._db = db
        # The ranking (``mentor_figures``) reads here: ``Database.reads`` in the bot.
        self._reads = reads if reads is not None else db

    # -- cycles --------------------------------------------------------------------------
    async def get(self, cycle_id: int) -> Cycle | None:
        row = await self._db.fetch_one("SELECT * FROM cycles WHERE id = ?", (cycle_id,))
        return cycle_from_row(row) if row else None

    async def of_organizations(self, organization_ids: Sequence[int]) -> list[Cycle]:
        """Every cycle of these organizations, the latest first (a report's period picker)."""
        if not organization_ids:
            return []
        marks = ", ".join("?" * len(organization_ids))
        rows = await self._db.fetch_all(
            f"SELECT * FROM cycles WHERE organization_id IN ({marks}) "
            "ORDER BY organization_id, number DESC",
            tuple(organization_ids),
        )
        return [cycle_from_row(r) for r in rows]

    async def open_cycle(self, organization_id: int) -> Cycle | None:
        row = await self._db.fetch_one(
            "SELECT * FROM cycles WHERE organization_id = ? AND closed_at IS NULL",
            (organization_id,),
        )
        return cycle_from_row(row) if row else None

    async def ensure_open(self, organization_id: int, today: date) -> Cycle:
        """The open cycle; one numbered after the last is opened when there is none."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO cycles (organization_id, number, started_on) "
                "SELECT ?, coalesce(max(number), 0) + 1, ? FROM cycles WHERE organization_id = ? "
                "AND NOT EXISTS (SELECT 1 FROM cycles WHERE organization_id = ? "
                "AND closed_at IS NULL)",
                (organization_id, today.isoformat(), organization_id, organization_id),
            )
        cycle = await self.open_cycle(organization_id)
        assert cycle is not None
        return cycle

    async def set_planned_end(self, cycle_id: int, planned_end: date | None) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE cycles SET planned_end = ? WHERE id = ? AND closed_at IS NULL",
                (planned_end.isoformat() if planned_end else None, cycle_id),
            )
        return changed == 1

    async def start_closing(self, cycle_id: int, now: datetime) -> bool:
        """True for the one call that started the closing."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE cycles SET closing_since = ? "
                "WHERE id = ? AND closing_since IS NULL AND closed_at IS NULL",
                (to_db(now), cycle_id),
            )
        return changed == 1

    async def open_with_planned_end(self) -> list[tuple[Cycle, str]]:
        """Open cycles not closing yet that have a planned end, with their time zone."""
        rows = await self._db.fetch_all(
            "SELECT c.*, o.timezone FROM cycles c JOIN organizations o ON o.id = c.organization_id "
            "WHERE c.closed_at IS NULL AND c.closing_since IS NULL AND c.planned_end IS NOT NULL"
        )
        return [(cycle_from_row(r), r["timezone"]) for r in rows]

    async def closing_cycles(self) -> list[Cycle]:
        rows = await self._db.fetch_all(
            "SELECT * FROM cycles WHERE closing_since IS NOT NULL AND closed_at IS NULL"
        )
        return [cycle_from_row(r) for r in rows]

    async def counts(self, cycle_id: int) -> CycleCounts:
        row = await self._db.fetch_one(
            "SELECT "
            " (SELECT count(*) FROM participants WHERE cycle_id = :c) AS participants, "
            " (SELECT count(*) FROM pairs WHERE cycle_id = :c) AS pairs, "
            " (SELECT count(*) FROM pairs WHERE cycle_id = :c AND ended_on IS NULL) AS active, "
            " (SELECT count(*) FROM (SELECT mentor_id AS pid FROM pairs "
            "   WHERE cycle_id = :c AND ended_on IS NULL UNION SELECT mentee_id FROM pairs "
            "   WHERE cycle_id = :c AND ended_on IS NULL)) AS people, "
            " (SELECT count(*) FROM pairs WHERE cycle_id = :c AND completed = 1) AS completed, "
            " (SELECT count(*) FROM pairs WHERE cycle_id = :c AND ended_on IS NOT NULL "
            "   AND completed = 0) AS ended_early",
            {"c": cycle_id},
        )
        assert row is not None
        return CycleCounts(
            row["participants"],
            row["pairs"],
            row["active"],
            row["people"],
            row["completed"],
            row["ended_early"],
        )

    async def open_new(
        self,
        old_cycle_id: int,
        organization_id: int,
        today: date,
        now: datetime,
        carried: Sequence[int],
        *,
        figures: str | None = None,
    ) -> Cycle | None:
        """Close the old cycle and open the next one with the carried participants, at once;
        ``figures`` (the old cycle's indicators as JSON) are kept as they are at closing.

        None when the old cycle is no longer the open one (a second tap, another curator).
        """
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE cycles SET closed_at = ? WHERE id = ? AND organization_id = ? "
                "AND closed_at IS NULL",
                (to_db(now), old_cycle_id, organization_id),
            )
            if not changed:
                return None
            if figures is not None:
                await tx.execute(
                    "INSERT INTO cycle_snapshots (cycle_id, organization_id, taken_at, figures) "
                    "VALUES (?, ?, ?, ?)",
                    (old_cycle_id, organization_id, to_db(now), figures),
                )
            cycle_id = await tx.execute(
                "INSERT INTO cycles (organization_id, number, started_on) "
                "SELECT ?, max(number) + 1, ? FROM cycles WHERE organization_id = ?",
                (organization_id, today.isoformat(), organization_id),
            )
            await tx.executemany(
                "UPDATE participants SET cycle_id = ? WHERE id = ? AND organization_id = ?",
                [(cycle_id, pid, organization_id) for pid in carried],
            )
        return await self.get(cycle_id)

    # -- pairs of a cycle ------------------------------------------------------------------
    async def active_pairs(self, cycle_id: int) -> list[ActivePair]:
        rows = await self._db.fetch_all(
            "SELECT * FROM pairs WHERE cycle_id = ? AND ended_on IS NULL ORDER BY id", (cycle_id,)
        )
        return [_active_pair(r) for r in rows]

    async def pairs_of_cycle(self, cycle_id: int) -> list[Pair]:
        rows = await self._db.fetch_all(
            "SELECT * FROM pairs WHERE cycle_id = ? ORDER BY id", (cycle_id,)
        )
        return [_pair(r) for r in rows]

    async def completed_pairs(self, cycle_id: int) -> list[Pair]:
        rows = await self._db.fetch_all(
            "SELECT * FROM pairs WHERE cycle_id = ? AND completed = 1 ORDER BY id", (cycle_id,)
        )
        return [_pair(r) for r in rows]

    async def unasked_for_final(self) -> list[tuple[ActivePair, int]]:
        """Active pairs of closing cycles not yet asked for their final meeting (with cycle)."""
        rows = await self._db.fetch_all(
            "SELECT pr.* FROM pairs pr JOIN cycles c ON c.id = pr.cycle_id "
            "WHERE c.closing_since IS NOT NULL AND c.closed_at IS NULL AND pr.ended_on IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM cycle_deliveries d WHERE d.cycle_id = c.id "
            "AND d.participant_id = pr.mentor_id AND d.what = 'final_meeting:' || pr.id) "
            "ORDER BY pr.id"
        )
        return [(_active_pair(r), r["cycle_id"]) for r in rows]

    async def completed_unfinished(self) -> list[Pair]:
        """Completed pairs of open cycles whose polls or results request are not all sent (to
        the sides still taking part: nothing goes to a side that withdrew)."""
        rows = await self._db.fetch_all(
            "SELECT pr.* FROM pairs pr JOIN cycles c ON c.id = pr.cycle_id "
            "WHERE c.closed_at IS NULL AND pr.completed = 1 AND ("
            " pr.mentor_id IS NOT NULL AND "
            " NOT EXISTS (SELECT 1 FROM cycle_deliveries d WHERE d.cycle_id = c.id "
            "  AND d.participant_id = pr.mentor_id AND d.what = 'poll') OR "
            " pr.mentee_id IS NOT NULL AND "
            " NOT EXISTS (SELECT 1 FROM cycle_deliveries d WHERE d.cycle_id = c.id "
            "  AND d.participant_id = pr.mentee_id AND d.what = 'poll') OR "
            " pr.mentor_id IS NOT NULL AND pr.mentee_id IS NOT NULL AND "
            " NOT EXISTS (SELECT 1 FROM cycle_deliveries d WHERE d.cycle_id = c.id "
            "  AND d.participant_id = pr.mentor_id AND d.what = 'results:' || pr.id)) "
            "ORDER BY pr.id"
        )
        return [_pair(r) for r in rows]

    async def open_cycle_ids(self) -> list[int]:
        rows = await self._db.fetch_all("SELECT id FROM cycles WHERE closed_at IS NULL")
        return [r["id"] for r in rows]

    async def pair(self, pair_id: int) -> Pair | None:
        row = await self._db.fetch_one("SELECT * FROM pairs WHERE id = ?", (pair_id,))
        return _pair(row) if row else None

    async def final_held_active_pairs(self) -> list[tuple[ActivePair, datetime]]:
        """Active pairs whose final meeting was held, with the meeting's start."""
        rows = await self._db.fetch_all(
            "SELECT pr.*, max(m.starts_at) AS final_at "
            "FROM meetings m INDEXED BY meetings_final_held "
            "JOIN pairs pr ON pr.id = m.pair_id "
            "WHERE m.status = 'held' AND m.kind = 'final' AND pr.ended_on IS NULL "
            "GROUP BY pr.id ORDER BY pr.id"
        )
        return [(_active_pair(r), from_db(r["final_at"])) for r in rows]

    async def final_held(self, pair_id: int) -> bool:
        value = await self._db.fetch_value(
            "SELECT 1 FROM meetings WHERE pair_id = ? AND status = 'held' AND kind = 'final'",
            (pair_id,),
        )
        return value is not None

    async def held_kinds(self, pair_id: int) -> list[str]:
        """The kinds of the meetings the pair has held, each once."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT kind FROM meetings WHERE pair_id = ? AND status = 'held'",
            (pair_id,),
        )
        return [str(r["kind"]) for r in rows]

    async def completion_minimum(self, organization_id: int, form: str) -> str | None:
        """The form's own minimum meeting kind for completing the program (None: default)."""
        value = await self._db.fetch_value(
            "SELECT min_kind FROM completion_minimums WHERE organization_id = ? AND form = ?",
            (organization_id, form),
        )
        return str(value) if value is not None else None

    async def completion_minimums_of(self, organization_id: int) -> dict[str, str]:
        """Form -> its own minimum, for the forms that have one: one query for the settings."""
        rows = await self._db.fetch_all(
            "SELECT form, min_kind FROM completion_minimums WHERE organization_id = ?",
            (organization_id,),
        )
        return {str(row["form"]): str(row["min_kind"]) for row in rows}

    async def set_completion_minimum(self, organization_id: int, form: str, kind: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO completion_minimums (organization_id, form, min_kind) "
                "VALUES (?, ?, ?) ON CONFLICT (organization_id, form) "
                "DO UPDATE SET min_kind = excluded.min_kind",
                (organization_id, form, kind),
            )

    async def finish_pair(
        self, pair_id: int, ended_on: date, *, completed: bool, reason: str | None
    ) -> bool:
        """End an active pair, completed or not; False when it had ended already."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE pairs SET ended_on = ?, completed = ?, end_reason = ? "
                "WHERE id = ? AND ended_on IS NULL",
                (ended_on.isoformat(), int(completed), reason, pair_id),
            )
            if changed:
                # Nothing planned of a finished pair takes place any more.
                await tx.execute(
                    "UPDATE meetings SET status = 'cancelled', cancel_reason = 'pair finished' "
                    "WHERE pair_id = ? AND status IN ('proposed', 'confirmed')",
                    (pair_id,),
                )
        return changed == 1

    async def set_results(self, pair_id: int, results: str | None) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE pairs SET results = ? WHERE id = ?", (results, pair_id)
            )
        return changed == 1

    async def set_good_practice(self, pair_id: int, value: bool) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE pairs SET good_practice = ? WHERE id = ?", (int(value), pair_id)
            )
        return changed == 1

    # -- what was sent -----------------------------------------------------------------------
    async def claim(self, cycle_id: int, participant_id: int, what: str, now: datetime) -> bool:
        """Record a message as sent; False when it had been recorded before (send nothing)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO cycle_deliveries (cycle_id, participant_id, what, sent_at) "
                "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM participants WHERE id = ?)",
                (cycle_id, participant_id, what, to_db(now), participant_id),
            )
        return changed == 1

    async def claimed(self, cycle_id: int, participant_id: int, what: str) -> bool:
        value = await self._db.fetch_value(
            "SELECT 1 FROM cycle_deliveries WHERE cycle_id = ? AND participant_id = ? AND what = ?",
            (cycle_id, participant_id, what),
        )
        return value is not None

    # -- responses (written by the forms runner) -------------------------------------------
    async def completed_form(self, participant_id: int, subject: str) -> str | None:
        """The form a person completed about ``subject`` (e.g. monitoring 'before:<id>')."""
        value = await self._db.fetch_value(
            "SELECT form FROM responses WHERE participant_id = ? AND subject = ? "
            "AND completed_at IS NOT NULL ORDER BY id LIMIT 1",
            (participant_id, subject),
        )
        return str(value) if value is not None else None

    async def final_answers(self, subject: str) -> list[FinalAnswers]:
        rows = await self._db.fetch_all(
            "SELECT participant_id, form, answers FROM responses WHERE subject = ? "
            "AND form IN ('final_mentee', 'final_mentor') AND completed_at IS NOT NULL",
            (subject,),
        )
        return [
            FinalAnswers(r["participant_id"], r["form"], json.loads(r["answers"])) for r in rows
        ]

    async def waiting_participants(self, cycle_id: int) -> list[int]:
        """Participants of the cycle who never were in a pair of it (the search goes on)."""
        rows = await self._db.fetch_all(
            "SELECT p.id FROM participants p WHERE p.cycle_id = ? AND NOT EXISTS ("
            "SELECT 1 FROM pairs pr WHERE pr.cycle_id = ? "
            "AND (pr.mentor_id = p.id OR pr.mentee_id = p.id))",
            (cycle_id, cycle_id),
        )
        return [r["id"] for r in rows]
