"""Mentor admission, matching runs and proposals, rejected pairs and the pairs themselves."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.matching import Admission, ProposalRow
from bot.models.pairs import ActivePair, NewPair, Pair
from storage.database import Database
from storage.repositories.participants import CANDIDATES_SQL as _CANDIDATES


def _proposal(row: aiosqlite.Row) -> ProposalRow:
    return ProposalRow(
        id=row["id"],
        run_id=row["run_id"],
        rank=row["rank"],
        mentee_id=row["mentee_id"],
        mentor_id=row["mentor_id"],
        score=row["score"],
        explanation=json.loads(row["explanation"]),
        status=row["status"],
        organization_id=row["organization_id"],
    )


def _pair(row: aiosqlite.Row) -> Pair:
    return Pair(
        id=row["id"],
        organization_id=row["organization_id"],
        mentor_id=row["mentor_id"],
        mentee_id=row["mentee_id"],
        form=row["form"],
        started_on=date.fromisoformat(row["started_on"]),
        ended_on=date.fromisoformat(row["ended_on"]) if row["ended_on"] else None,
        end_reason=row["end_reason"],
        directive=bool(row["directive"]),
        cycle_id=row["cycle_id"],
        completed=bool(row["completed"]),
        results=row["results"],
        good_practice=bool(row["good_practice"]),
    )


def _active_pair(row: aiosqlite.Row) -> ActivePair:
    pair = _pair(row)
    if pair.ended_on is not None or pair.mentor_id is None or pair.mentee_id is None:
        # The database refuses an active pair without a side; reading one is a bug.
        raise ValueError(f"pair {pair.id} is not an active pair with both sides")
    return ActivePair(**vars(pair))


# The row readers, for other repositories that read pairs.
pair_from_row = _pair
active_pair_from_row = _active_pair


_PROPOSAL = (
    "SELECT p.*, r.organization_id FROM proposals p JOIN matching_runs r ON r.id = p.run_id "
)


# Ready mentees of the organization :org in no active pair and without an open proposal of
# the run :run.
_WAITING = (
    f"{_CANDIDATES} SELECT s.id FROM s WHERE s.role = 'mentee' AND s.status = 'ready' "
    "AND NOT EXISTS (SELECT 1 FROM pairs x WHERE x.mentee_id = s.id AND x.ended_on IS NULL) "
    "AND NOT EXISTS (SELECT 1 FROM proposals o WHERE o.run_id = :run AND o.mentee_id = s.id "
    "AND o.status = 'open')"
)


class MatchingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- admission ---------------------------------------------------------------------
    async def admissions(self, organization_id: int) -> dict[int, Admission]:
        rows = await self._db.fetch_all(
            "SELECT a.* FROM mentor_admissions a JOIN participants p ON p.id = a.participant_id "
            "WHERE p.organization_id = ?",
            (organization_id,),
        )
        return {r["participant_id"]: _admission(r) for r in rows}

    async def admissions_of(self, participant_ids: Collection[int]) -> dict[int, Admission]:
        """The decisions on these people only (a page of the admission list)."""
        ids = sorted(set(participant_ids))
        if not ids:
            return {}
        rows = await self._db.fetch_all(
            "SELECT * FROM mentor_admissions "
            f"WHERE participant_id IN ({', '.join('?' * len(ids))})",
            ids,
        )
        return {r["participant_id"]: _admission(r) for r in rows}

    async def admission_facts_of(
        self, participant_ids: Collection[int]
    ) -> tuple[dict[int, Admission], dict[int, int]]:
        """For a page of the admission list, in one statement: the decisions on these people
        (:meth:`admissions_of`) and their active pairs (:meth:`active_counts_of`)."""
        ids = sorted(set(participant_ids))
        if not ids:
            return {}, {}
        rows = await self._db.fetch_all(
            "SELECT p.id AS pid, a.participant_id, a.decision, a.reason, a.trained, "
            "a.decided_at, "
            "(SELECT count(*) FROM pairs WHERE mentor_id = p.id AND ended_on IS NULL) + "
            "(SELECT count(*) FROM pairs WHERE mentee_id = p.id AND ended_on IS NULL) AS active "
            "FROM participants p LEFT JOIN mentor_admissions a ON a.participant_id = p.id "
            f"WHERE p.id IN ({', '.join('?' * len(ids))})",
            ids,
        )
        admissions = {r["pid"]: _admission(r) for r in rows if r["participant_id"] is not None}
        return admissions, {r["pid"]: r["active"] for r in rows if r["active"]}

    async def decide_admission(
        self, participant_id: int, decision: str, reason: str | None, by: int, now: datetime
    ) -> bool:
        """Record the first decision only; False when it was already decided."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO mentor_admissions "
                "(participant_id, decision, reason, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)",
                (participant_id, decision, reason, by, to_db(now)),
            )
        return changed == 1

    async def set_reason(self, participant_id: int, reason: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE mentor_admissions SET reason = ? WHERE participant_id = ?",
                (reason, participant_id),
            )

    async def mark_trained(self, participant_id: int) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE mentor_admissions SET trained = 1 "
                "WHERE participant_id = ? AND decision = 'admitted' AND trained = 0",
                (participant_id,),
            )
        return changed == 1

    # -- settings ----------------------------------------------------------------------
    async def weights(self, organization_id: int) -> dict[str, Any] | None:
        value = await self._db.fetch_value(
            "SELECT weights FROM matching_settings WHERE organization_id = ?", (organization_id,)
        )
        return json.loads(value) if value else None

    async def save_weights(self, organization_id: int, weights: dict[str, Any]) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO matching_settings (organization_id, weights) VALUES (?, ?) "
                "ON CONFLICT (organization_id) DO UPDATE SET weights = excluded.weights",
                (organization_id, json.dumps(weights)),
            )

    # -- runs and proposals --------------------------------------------------------------
    async def save_run(
        self,
        organization_id: int,
        started_by: int,
        now: datetime,
        proposals: Sequence[tuple[int, int, int, list[dict[str, Any]]]],
        unmatched: list[dict[str, Any]],
    ) -> int:
        """Store a run; earlier open proposals of the organization are superseded (skipped)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE proposals SET status = 'skipped', decided_at = ? WHERE status = 'open' "
                "AND run_id IN (SELECT id FROM matching_runs WHERE organization_id = ?)",
                (to_db(now), organization_id),
            )
            run_id = await tx.execute(
                "INSERT INTO matching_runs (organization_id, started_by, created_at, unmatched) "
                "VALUES (?, ?, ?, ?)",
                (organization_id, started_by, to_db(now), json.dumps(unmatched)),
            )
            await tx.executemany(
                "INSERT INTO proposals (run_id, rank, mentee_id, mentor_id, score, explanation) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (run_id, rank, mentee, mentor, score, json.dumps(parts))
                    for rank, (mentee, mentor, score, parts) in enumerate(proposals, start=1)
                ],
            )
        return run_id

    async def latest_run(
        self, organization_id: int
    ) -> tuple[int, list[dict[str, Any]], int] | None:
        """The latest run: its id, its unmatched mentees and how many proposals it made."""
        row = await self._db.fetch_one(
            "SELECT r.id, r.unmatched, (SELECT count(*) FROM proposals p WHERE p.run_id = r.id) "
            "AS proposals FROM matching_runs r WHERE r.organization_id = ? "
            "ORDER BY r.id DESC LIMIT 1",
            (organization_id,),
        )
        return (row["id"], json.loads(row["unmatched"]), row["proposals"]) if row else None

    async def proposal(self, proposal_id: int) -> ProposalRow | None:
        row = await self._db.fetch_one(_PROPOSAL + "WHERE p.id = ?", (proposal_id,))
        return _proposal(row) if row else None

    async def proposals(self, run_id: int, status: str | None = None) -> list[ProposalRow]:
        if status is None:
            rows = await self._db.fetch_all(
                _PROPOSAL + "WHERE p.run_id = ? ORDER BY p.rank", (run_id,)
            )
        else:
            rows = await self._db.fetch_all(
                _PROPOSAL + "WHERE p.run_id = ? AND p.status = ? ORDER BY p.rank",
                (run_id, status),
            )
        return [_proposal(r) for r in rows]

    async def proposal_count(self, run_id: int, status: str) -> int:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM proposals WHERE run_id = ? AND status = ?", (run_id, status)
        )
        return int(value or 0)

    async def proposals_page(
        self,
        run_id: int,
        status: str,
        limit: int,
        ranks: tuple[int, int] | None = None,
    ) -> list[ProposalRow]:
        """The first ``limit`` proposals of the run in this status by rank (those with a rank
        in ``ranks``, inclusive, when given)."""
        low, high = ranks or (0, 2**62)
        rows = await self._db.fetch_all(
            _PROPOSAL + "WHERE p.run_id = ? AND p.status = ? AND p.rank BETWEEN ? AND ? "
            "ORDER BY p.rank LIMIT ?",
            (run_id, status, low, high, limit),
        )
        return [_proposal(r) for r in rows]

    async def decisions_of(self, run_id: int, mentee_ids: Collection[int]) -> dict[int, str]:
        """The status of these mentees' proposals in the run (a mentee has one at most)."""
        ids = sorted(set(mentee_ids))
        if not ids:
            return {}
        rows = await self._db.fetch_all(
            "SELECT mentee_id, status FROM proposals "
            f"WHERE run_id = ? AND mentee_id IN ({', '.join('?' * len(ids))})",
            (run_id, *ids),
        )
        return {r["mentee_id"]: r["status"] for r in rows}

    # -- the cohort, counted and paged in SQL --------------------------------------------
    async def cohort_counts(self, organization_id: int) -> tuple[int, int, int]:
        """What PairingService.cohort gives, counted in the database: ready mentees in no
        active pair, admitted ready mentors with free places, and those places (a mentor's
        place count is the questionnaire's whole number, 1 when missing or 0, less the
        active pairs)."""
        row = await self._db.fetch_one(
            # r is read twice: MATERIALIZED counts it once. A mentor's pairs are found by
            # mentor_id, a mentee's by mentee_id (an OR of the two uses neither index well).
            f"{_CANDIDATES}, r AS MATERIALIZED (SELECT s.id, s.role, CASE s.role "
            "WHEN 'mentor' THEN (SELECT count(*) FROM pairs x WHERE x.mentor_id = s.id "
            "AND x.ended_on IS NULL) ELSE (SELECT count(*) FROM pairs x "
            "WHERE x.mentee_id = s.id AND x.ended_on IS NULL) END AS taken "
            "FROM s WHERE s.status = 'ready'), "
            # A mentor in several forms (issue 14) has places per form ('cap_<form>'),
            # each less the active pairs of that form.
            "m AS (SELECT CASE WHEN coalesce(json_array_length(f.value, '$.choices'), 0) > 1 "
            "THEN (SELECT sum(max(0, coalesce((SELECT CASE WHEN json_type(c.value) = 'integer' "
            "THEN nullif(CAST(c.value AS INTEGER), 0) END FROM answers c "
            "WHERE c.participant_id = r.id AND c.question = 'cap_' || j.value), 1) "
            "- (SELECT count(*) FROM pairs x WHERE x.mentor_id = r.id AND x.ended_on IS NULL "
            "AND x.form = j.value))) FROM json_each(f.value, '$.choices') j) "
            "ELSE max(0, coalesce((SELECT CASE WHEN json_type(a.value) = 'integer' "
            "THEN nullif(CAST(a.value AS INTEGER), 0) END FROM answers a "
            "WHERE a.participant_id = r.id AND a.question = 'capacity'), 1) - r.taken) END "
            "AS free "
            "FROM r JOIN mentor_admissions d ON d.participant_id = r.id "
            "AND d.decision = 'admitted' "
            "LEFT JOIN answers f ON f.participant_id = r.id AND f.question = 'form' "
            "WHERE r.role = 'mentor') "
            "SELECT (SELECT count(*) FROM r WHERE r.role = 'mentee' AND r.taken = 0) AS mentees, "
            "(SELECT count(*) FROM m WHERE m.free > 0) AS mentors, "
            "(SELECT coalesce(sum(m.free), 0) FROM m WHERE m.free > 0) AS places",
            {"org": organization_id},
        )
        assert row is not None
        return row["mentees"], row["mentors"], row["places"]

    async def waiting_mentee_page(
        self, organization_id: int, run_id: int | None, offset: int, limit: int
    ) -> list[int]:
        """The ids of ready mentees in no active pair and without an open proposal of the
        run, by id: ``limit`` of them from ``offset`` (a ``limit`` of -1: all)."""
        rows = await self._db.fetch_all(
            f"{_WAITING} ORDER BY s.id LIMIT :limit OFFSET :offset",
            {"org": organization_id, "run": run_id, "limit": limit, "offset": offset},
        )
        return [r["id"] for r in rows]

    async def decide_proposal(self, proposal_id: int, status: str, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE proposals SET status = ?, decided_at = ? WHERE id = ? AND status = 'open'",
                (status, to_db(now), proposal_id),
            )
            if changed and status == "rejected":
                await tx.execute(
                    "INSERT OR IGNORE INTO rejected_pairs (mentee_id, mentor_id, rejected_at) "
                    "SELECT mentee_id, mentor_id, ? FROM proposals WHERE id = ?",
                    (to_db(now), proposal_id),
                )
        return changed == 1

    async def rejected(self, organization_id: int) -> set[tuple[int, int]]:
        rows = await self._db.fetch_all(
            "SELECT r.mentee_id, r.mentor_id FROM rejected_pairs r "
            "JOIN participants p ON p.id = r.mentee_id WHERE p.organization_id = ?",
            (organization_id,),
        )
        return {(r["mentee_id"], r["mentor_id"]) for r in rows}

    # -- pairs -------------------------------------------------------------------------------
    async def create_pair(
        self, pair: NewPair, capacity: int, now: datetime, *, in_form: bool = False
    ) -> tuple[int | None, str | None]:
        """Create the pair if the mentee is free and the mentor has room, atomically.

        Returns (pair id, None) or (None, problem) with problem "mentee_busy" or "mentor_full";
        a proposal it came from is marked approved in the same transaction. ``in_form``:
        ``capacity`` is the mentor's places in the pair's form (a mentor in several forms),
        so only the active pairs of that form fill it.
        """
        async with self._db.transaction() as tx:
            busy = await tx.fetch_one(
                "SELECT 1 FROM pairs WHERE mentee_id = ? AND ended_on IS NULL", (pair.mentee_id,)
            )
            if busy:
                return None, "mentee_busy"
            taken = await tx.fetch_one(
                "SELECT count(*) AS n FROM pairs WHERE mentor_id = ? AND ended_on IS NULL"
                + (" AND form = ?" if in_form else ""),
                (pair.mentor_id, pair.form) if in_form else (pair.mentor_id,),
            )
            if taken is not None and taken["n"] >= capacity:
                return None, "mentor_full"
            if pair.proposal_id is not None:
                changed = await tx.execute_rowcount(
                    "UPDATE proposals SET status = 'approved', decided_at = ? "
                    "WHERE id = ? AND status = 'open'",
                    (to_db(now), pair.proposal_id),
                )
                if not changed:
                    return None, "decided"
            # A new pair works in the organization's open cycle.
            pair_id = await tx.execute(
                "INSERT INTO pairs (organization_id, mentor_id, mentee_id, form, started_on, "
                "directive, proposal_id, created_at, cycle_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                "(SELECT id FROM cycles WHERE organization_id = ? AND closed_at IS NULL))",
                (
                    pair.organization_id,
                    pair.mentor_id,
                    pair.mentee_id,
                    pair.form,
                    pair.started_on.isoformat(),
                    int(pair.directive),
                    pair.proposal_id,
                    to_db(now),
                    pair.organization_id,
                ),
            )
        return pair_id, None

    async def pair(self, pair_id: int) -> Pair | None:
        row = await self._db.fetch_one("SELECT * FROM pairs WHERE id = ?", (pair_id,))
        return _pair(row) if row else None

    async def active_pairs(self, organization_id: int) -> list[ActivePair]:
        rows = await self._db.fetch_all(
            "SELECT * FROM pairs WHERE organization_id = ? AND ended_on IS NULL "
            "ORDER BY mentor_id, id",
            (organization_id,),
        )
        return [_active_pair(r) for r in rows]

    async def active_pair_count(self, organization_id: int) -> int:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM pairs WHERE organization_id = ? AND ended_on IS NULL",
            (organization_id,),
        )
        return int(value or 0)

    async def active_pairs_page(
        self, organization_id: int, offset: int, limit: int
    ) -> list[ActivePair]:
        """One page of :meth:`active_pairs`, in the same order."""
        rows = await self._db.fetch_all(
            "SELECT * FROM pairs WHERE organization_id = ? AND ended_on IS NULL "
            "ORDER BY mentor_id, id LIMIT ? OFFSET ?",
            (organization_id, limit, offset),
        )
        return [_active_pair(r) for r in rows]

    async def active_counts(self, organization_id: int) -> dict[int, int]:
        """Active pairs per participant id (mentors and mentees alike)."""
        rows = await self._db.fetch_all(
            "SELECT mentor_id AS pid, count(*) AS n FROM pairs WHERE organization_id = ? "
            "AND ended_on IS NULL GROUP BY mentor_id UNION ALL "
            "SELECT mentee_id, count(*) FROM pairs WHERE organization_id = ? "
            "AND ended_on IS NULL GROUP BY mentee_id",
            (organization_id, organization_id),
        )
        return {r["pid"]: r["n"] for r in rows}

    async def active_counts_of(self, participant_ids: Collection[int]) -> dict[int, int]:
        """:meth:`active_counts` of these people only, through the pairs' indexes by mentor
        and by mentee."""
        ids = sorted(set(participant_ids))
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        rows = await self._db.fetch_all(
            "SELECT pid, sum(n) AS n FROM ("
            f"SELECT mentor_id AS pid, count(*) AS n FROM pairs WHERE mentor_id IN ({marks}) "
            "AND ended_on IS NULL GROUP BY mentor_id UNION ALL "
            f"SELECT mentee_id, count(*) FROM pairs WHERE mentee_id IN ({marks}) "
            "AND ended_on IS NULL GROUP BY mentee_id) GROUP BY pid",
            (*ids, *ids),
        )
        return {r["pid"]: r["n"] for r in rows}

    async def active_form_counts(
        self, organization_id: int, mentor_ids: Collection[int] | None = None
    ) -> dict[tuple[int, str], int]:
        """Active pairs per (mentor id, form): a mentor in several forms has places per form
        (of these mentors only, when given)."""
        where, params = "organization_id = ?", [organization_id]
        if mentor_ids is not None:
            ids = sorted(set(mentor_ids))
            if not ids:
                return {}
            where += f" AND mentor_id IN ({', '.join('?' * len(ids))})"
            params += ids
        rows = await self._db.fetch_all(
            "SELECT mentor_id, form, count(*) AS n FROM pairs "
            f"WHERE {where} AND ended_on IS NULL GROUP BY mentor_id, form",
            tuple(params),
        )
        return {(r["mentor_id"], r["form"]): r["n"] for r in rows}

    async def end_pair(self, pair_id: int, reason: str, today: date) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE pairs SET ended_on = ?, end_reason = ? WHERE id = ? AND ended_on IS NULL",
                (today.isoformat(), reason, pair_id),
            )
        return changed == 1


class PairLookup:
    """The active pairs a Telegram user belongs to, on either side."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def active_of_telegram_user(self, telegram_id: int) -> list[ActivePair]:
        rows = await self._db.fetch_all(
            "SELECT pr.* FROM pairs pr JOIN participants p "
            "ON p.id = pr.mentor_id OR p.id = pr.mentee_id "
            "WHERE p.telegram_id = ? AND pr.ended_on IS NULL ORDER BY pr.id",
            (telegram_id,),
        )
        return [_active_pair(r) for r in rows]


def _admission(row: Any) -> Admission:
    return Admission(
        row["participant_id"],
        row["decision"],
        row["reason"],
        bool(row["trained"]),
        from_db(row["decided_at"]),
    )
