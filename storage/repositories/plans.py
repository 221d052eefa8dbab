"""The pairs' plans (migration 0024): versions, their history, progress on goals, and what the
plan's daily run claimed. The program's end asks for the final meeting through the cycle's own
claims (``cycle_deliveries``, 'final_meeting:<pair>'), so a pair is asked once, whether its
program or its cycle ended first."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.pairs import Pair
from bot.models.plans import PlanEvent, PlanGoal, PlanVersion
from storage.database import Database, ReadSource
from storage.repositories.matching import pair_from_row


def goals_to_json(goals: Sequence[PlanGoal]) -> str:
    return json.dumps(
        [
            {
                "text": goal.text,
                "deadline": goal.deadline.isoformat(),
                "measure": goal.measure,
                "activities": list(goal.activities),
            }
            for goal in goals
        ],
        ensure_ascii=False,
    )


def goals_from_json(text: str) -> tuple[PlanGoal, ...]:
    return tuple(
        PlanGoal(
            str(goal["text"]),
            date.fromisoformat(goal["deadline"]),
            str(goal["measure"]),
            tuple(str(activity) for activity in goal["activities"]),
        )
        for goal in json.loads(text)
    )


def _version(row: aiosqlite.Row, progress: dict[int, str]) -> PlanVersion:
    goals = goals_from_json(row["goals"])
    return PlanVersion(
        id=row["id"],
        pair_id=row["pair_id"],
        status=row["status"],
        program_end=date.fromisoformat(row["program_end"]),
        goals=goals,
        submitted_at=from_db(row["submitted_at"]),
        decided_at=from_db(row["decided_at"]) if row["decided_at"] else None,
        comment=row["comment"],
        progress=tuple(progress.get(n, "not_started") for n in range(1, len(goals) + 1)),
        group_id=row["group_id"],
    )


# The versions of the plan a pair works by (migration 0029): its group's, or its own outside a
# group. ``:pair`` names the pair.
_PLAN_OF_PAIR = (
    "SELECT w.id FROM plan_versions w JOIN pairs p ON p.id = :pair "
    "WHERE (p.group_id IS NULL AND w.pair_id = p.id AND w.group_id IS NULL) "
    "OR (p.group_id IS NOT NULL AND w.group_id = p.group_id)"
)
# The versions of the same plan as version ``:version``.
_SAME_PLAN = (
    "SELECT w.id FROM plan_versions w JOIN plan_versions v ON v.id = :version "
    "WHERE coalesce(-w.group_id, w.pair_id) = coalesce(-v.group_id, v.pair_id)"
)


async def _progress_of(db: ReadSource, version_id: int) -> dict[int, str]:
    rows = await db.fetch_all(
        "SELECT position, status FROM plan_progress WHERE version_id = ?", (version_id,)
    )
    return {int(r["position"]): str(r["status"]) for r in rows}


class PlanSheetReads:
    """The plans of a school's workbook, on the export's read-only connections."""

    def __init__(self, db: ReadSource) -> None:
        self._db = db

    async def organization_sheet(self, organization_id: int) -> list[PlanVersion]:
        """Each pair's version that counts (the approved one, else the newest) of the plan it
        works by: a member of a group is listed with the group's plan (as ``pair_id``)."""
        rows = await self._db.fetch_all(
            "SELECT v.*, pr.id AS for_pair FROM pairs pr JOIN plan_versions v ON v.id = ("
            "  SELECT w.id FROM plan_versions w "
            "  WHERE (pr.group_id IS NULL AND w.pair_id = pr.id AND w.group_id IS NULL) "
            "     OR (pr.group_id IS NOT NULL AND w.group_id = pr.group_id) "
            "  ORDER BY w.status = 'approved' DESC, w.id DESC LIMIT 1) "
            "WHERE pr.organization_id = ? ORDER BY pr.id",
            (organization_id,),
        )
        return [
            replace(_version(r, await _progress_of(self._db, r["id"])), pair_id=r["for_pair"])
            for r in rows
        ]


class PlanRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def _progress(self, version_id: int) -> dict[int, str]:
        return await _progress_of(self._db, version_id)

    async def version(self, version_id: int) -> PlanVersion | None:
        row = await self._db.fetch_one("SELECT * FROM plan_versions WHERE id = ?", (version_id,))
        return _version(row, await self._progress(row["id"])) if row else None

    async def versions(self, pair_id: int) -> list[PlanVersion]:
        """The versions of the plan the pair works by (its group's, or its own), oldest first."""
        rows = await self._db.fetch_all(
            f"SELECT * FROM plan_versions WHERE id IN ({_PLAN_OF_PAIR}) ORDER BY id",
            {"pair": pair_id},
        )
        return [_version(r, await self._progress(r["id"])) for r in rows]

    async def events(self, pair_id: int) -> list[PlanEvent]:
        rows = await self._db.fetch_all(
            f"SELECT e.* FROM plan_events e WHERE e.version_id IN ({_PLAN_OF_PAIR}) ORDER BY e.id",
            {"pair": pair_id},
        )
        return [
            PlanEvent(
                r["version_id"], r["event"], r["by_role"], r["curator_id"], r["comment"],
                from_db(r["at"]),
            )
            for r in rows
        ]  # fmt: skip

    async def submit(
        self,
        pair_id: int,
        program_end: date,
        goals: Sequence[PlanGoal],
        by_role: str,
        now: datetime,
    ) -> int:
        """A new version waits for the curator; one that was waiting is replaced by it. A
        pair in a group submits the group's plan."""
        async with self._db.transaction() as tx:
            await tx.execute(
                f"UPDATE plan_versions SET status = 'replaced' WHERE id IN ({_PLAN_OF_PAIR}) "
                "AND status IN ('submitted', 'returned')",
                {"pair": pair_id},
            )
            version_id = await tx.execute(
                "INSERT INTO plan_versions "
                "(pair_id, status, program_end, goals, submitted_at, group_id) "
                "SELECT id, 'submitted', ?, ?, ?, group_id FROM pairs WHERE id = ?",
                (program_end.isoformat(), goals_to_json(goals), to_db(now), pair_id),
            )
            await tx.execute(
                "INSERT INTO plan_events (version_id, event, by_role, at) "
                "VALUES (?, 'submitted', ?, ?)",
                (version_id, by_role, to_db(now)),
            )
        return version_id

    async def decide(
        self,
        version_id: int,
        approve: bool,
        curator_id: int,
        comment: str | None,
        now: datetime,
        carried: dict[int, str],
    ) -> bool:
        """The curator's decision on a waiting version; False when it no longer waits. An
        approved version replaces the one in force and takes over its progress (``carried``:
        position -> status)."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT pair_id FROM plan_versions WHERE id = ? AND status = 'submitted'",
                (version_id,),
            )
            if row is None:
                return False
            if approve:
                await tx.execute(
                    f"UPDATE plan_versions SET status = 'replaced' WHERE id IN ({_SAME_PLAN}) "
                    "AND status = 'approved'",
                    {"version": version_id},
                )
                await tx.executemany(
                    "INSERT INTO plan_progress (version_id, position, status, marked_at) "
                    "VALUES (?, ?, ?, ?)",
                    [(version_id, n, status, to_db(now)) for n, status in carried.items()],
                )
            await tx.execute(
                "UPDATE plan_versions SET status = ?, decided_at = ?, comment = ? WHERE id = ?",
                ("approved" if approve else "returned", to_db(now), comment, version_id),
            )
            await tx.execute(
                "INSERT INTO plan_events (version_id, event, by_role, curator_id, comment, at) "
                "VALUES (?, ?, 'curator', ?, ?, ?)",
                (version_id, "approved" if approve else "returned", curator_id, comment,
                 to_db(now)),
            )  # fmt: skip
        return True

    async def mark(self, version_id: int, position: int, status: str, now: datetime) -> bool:
        """Progress on a goal of the version in force; False when it is no longer in force."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT INTO plan_progress (version_id, position, status, marked_at) "
                "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM plan_versions WHERE id = ? "
                "AND status = 'approved') ON CONFLICT (version_id, position) DO UPDATE SET "
                "status = excluded.status, marked_at = excluded.marked_at",
                (version_id, position, status, to_db(now), version_id),
            )
        return changed == 1

    async def in_force_of_active(self) -> list[tuple[Pair, str, PlanVersion]]:
        """Approved plans still worked by, each with the pair that stands for it and its
        organization's time zone: a pair's own plan while the pair is active; a group's plan
        while the group has an active member (the first of them stands for the group)."""
        rows = await self._db.fetch_all(
            "SELECT v.*, pr.id AS p_id, pr.organization_id, pr.mentor_id, pr.mentee_id, pr.form, "
            "pr.started_on, pr.ended_on, pr.end_reason, pr.directive, pr.cycle_id, pr.completed, "
            "pr.results, pr.good_practice, o.timezone FROM plan_versions v "
            "JOIN pairs pr ON pr.id = CASE WHEN v.group_id IS NULL THEN v.pair_id ELSE ("
            "  SELECT min(q.id) FROM pairs q WHERE q.group_id = v.group_id "
            "  AND q.ended_on IS NULL) END "
            "JOIN organizations o ON o.id = pr.organization_id "
            "WHERE v.status = 'approved' AND pr.ended_on IS NULL ORDER BY pr.id"
        )
        found = []
        for r in rows:
            pair = pair_from_row({**dict(r), "id": r["p_id"]})  # type: ignore[arg-type]
            found.append((pair, str(r["timezone"]), _version(r, await self._progress(r["id"]))))
        return found

    async def audience(self, version_id: int) -> list[Pair]:
        """The pairs that work by this version's plan: a group's active members, or the
        version's own pair outside a group (also when it has ended)."""
        rows = await self._db.fetch_all(
            "SELECT q.* FROM plan_versions v JOIN pairs q "
            "  ON (v.group_id IS NULL AND q.id = v.pair_id) "
            "  OR (q.group_id = v.group_id AND q.ended_on IS NULL) "
            "WHERE v.id = ? ORDER BY q.id",
            (version_id,),
        )
        return [pair_from_row(r) for r in rows]

    async def planning_held(self, pair_id: int) -> bool:
        """Whether the pair (or, for a member of a group, any member) held its planning
        meeting: a group plans together, though a member may have missed that meeting."""
        value = await self._db.fetch_value(
            "SELECT 1 FROM pairs p JOIN pairs q "
            "  ON q.id = p.id OR (p.group_id IS NOT NULL AND q.group_id = p.group_id) "
            "JOIN meetings m ON m.pair_id = q.id AND m.status = 'held' AND m.kind = 'planning' "
            "WHERE p.id = ? LIMIT 1",
            (pair_id,),
        )
        return value is not None

    async def worked_by(self, version_id: int) -> bool:
        """Whether the version's plan is still worked by: its pair is active, or, for a
        group's plan, the group has an active member."""
        value = await self._db.fetch_value(
            "SELECT 1 FROM plan_versions v JOIN pairs q ON "
            "  (v.group_id IS NULL AND q.id = v.pair_id) OR q.group_id = v.group_id "
            "WHERE v.id = ? AND q.ended_on IS NULL LIMIT 1",
            (version_id,),
        )
        return value is not None

    async def timezone_of_pair(self, pair_id: int) -> str | None:
        value = await self._db.fetch_value(
            "SELECT o.timezone FROM pairs pr JOIN organizations o ON o.id = pr.organization_id "
            "WHERE pr.id = ?",
            (pair_id,),
        )
        return str(value) if value is not None else None

    async def claim(self, pair_id: int, what: str, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO plan_deliveries (pair_id, what, sent_at) VALUES (?, ?, ?)",
                (pair_id, what, to_db(now)),
            )
        return changed == 1

    async def claim_final_meeting(self, pair: Pair, now: datetime) -> bool:
        """The cycle's own claim of the final-meeting request ('final_meeting:<pair>'), so the
        cycle's closing does not ask this pair again (and asks it only if this did not)."""
        if pair.cycle_id is None or pair.mentor_id is None:
            return False
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO cycle_deliveries (cycle_id, participant_id, what, sent_at) "
                "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cycles WHERE id = ? "
                "AND closed_at IS NULL)",
                (pair.cycle_id, pair.mentor_id, f"final_meeting:{pair.id}", to_db(now),
                 pair.cycle_id),
            )  # fmt: skip
        return changed == 1
