"""The cadence guard's rows: the "needs attention" list, nudges, and the runs of the daily and
weekly jobs; plus the organization-wide meeting queries the curator's views need.

The overdue check reads what it needs for all active pairs of many organizations in a few
queries (:meth:`CadenceRepository.active_cadence`, :meth:`CadenceRepository.calendars`) and
decides in Python; nothing is read pair by pair."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.attention import Attention
from bot.models.cadence import CadenceCalendar, PairCadence
from bot.models.followups import DEFAULT_GRACE_DAYS, Followup
from bot.models.holidays import HolidayRow
from bot.models.meetings import Meeting
from bot.models.pairs import ActivePair
from bot.models.plans import RhythmRow
from dialogs.forms import FormPace
from storage.database import Database
from storage.repositories.followups import followup_from_row
from storage.repositories.holidays import holiday_from_row
from storage.repositories.matching import active_pair_from_row, pair_from_row
from storage.repositories.meetings import meeting_from_row

# SQLite limits the number of bound values per statement; a region's organizations are read in
# chunks of this many ids.
_CHUNK = 500


# Active pairs with their last held meeting and their rhythm (PairCadence).
_CADENCE = (
    "SELECT p.*, r.weekday AS rhythm_weekday, r.local_time AS rhythm_time, "
    "r.interval_weeks AS rhythm_weeks, r.anchor_on AS rhythm_anchor, "
    "r.curator_consent AS rhythm_consent, "
    "(SELECT f.pace FROM organization_forms f "
    " WHERE f.organization_id = p.organization_id AND f.code = p.form) AS form_pace, "
    "(SELECT max(m.starts_at) FROM meetings m "
    " WHERE m.pair_id = p.id AND m.status = 'held') AS cadence_last_held "
    "FROM pairs p LEFT JOIN rhythms r ON r.pair_id = p.id"
)


def _cadence(r: aiosqlite.Row) -> PairCadence:
    return PairCadence(
        pair=pair_from_row(r),
        last_held=from_db(r["cadence_last_held"]) if r["cadence_last_held"] else None,
        rhythm=_rhythm(r),
        pace=FormPace(r["form_pace"] or FormPace.REGULAR),
    )


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def _rhythm(row: aiosqlite.Row) -> RhythmRow | None:
    if row["rhythm_weeks"] is None:
        return None
    return RhythmRow(
        pair_id=row["id"],
        weekday=row["rhythm_weekday"],
        local_time=time.fromisoformat(row["rhythm_time"]),
        interval_weeks=row["rhythm_weeks"],
        anchor_on=date.fromisoformat(row["rhythm_anchor"]),
        curator_consent=bool(row["rhythm_consent"]),
    )


@dataclass(frozen=True)
class MarkFacts:
    """What a pair's mark needs besides the overdue rule (see :func:`bot.cadence.pair_mark`)."""

    meetings_due: int
    last_missed: bool
    attention_open: bool


def _attention(row: aiosqlite.Row) -> Attention:
    resolved = row["resolved_at"]
    return Attention(
        id=row["id"],
        pair_id=row["pair_id"],
        reason=row["reason"],
        detail=row["detail"],
        raised_at=from_db(row["raised_at"]),
        resolved_at=from_db(resolved) if resolved else None,
    )


class CadenceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def raise_attention(
        self, pair_id: int, reason: str, detail: str | None, now: datetime
    ) -> int | None:
        """A new open reason for the pair; None when the same reason is already open."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO attention (pair_id, reason, detail, raised_at) "
                "VALUES (?, ?, ?, ?)",
                (pair_id, reason, detail, to_db(now)),
            )
            if changed != 1:
                return None
            value = await tx.fetch_one("SELECT last_insert_rowid()")
        assert value is not None
        return int(value[0])

    async def resolve_pair(self, pair_id: int, now: datetime) -> int:
        """A held meeting resolves every open reason of the pair."""
        async with self._db.transaction() as tx:
            return await tx.execute_rowcount(
                "UPDATE attention SET resolved_at = ?, resolved_by = 'meeting' "
                "WHERE pair_id = ? AND resolved_at IS NULL",
                (to_db(now), pair_id),
            )

    async def resolve(self, attention_id: int, organization_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE attention SET resolved_at = ?, resolved_by = 'curator' "
                "WHERE id = ? AND resolved_at IS NULL AND pair_id IN "
                "(SELECT id FROM pairs WHERE organization_id = ?)",
                (to_db(now), attention_id, organization_id),
            )
        return changed == 1

    async def open_of_organization(self, organization_id: int) -> list[Attention]:
        rows = await self._db.fetch_all(
            "SELECT a.* FROM attention a JOIN pairs p ON p.id = a.pair_id "
            "WHERE p.organization_id = ? AND p.ended_on IS NULL AND a.resolved_at IS NULL "
            "ORDER BY a.raised_at, a.id",
            (organization_id,),
        )
        return [_attention(r) for r in rows]

    async def open_of_pair(self, pair_id: int) -> list[Attention]:
        rows = await self._db.fetch_all(
            "SELECT * FROM attention WHERE pair_id = ? AND resolved_at IS NULL ORDER BY id",
            (pair_id,),
        )
        return [_attention(r) for r in rows]

    async def raised_since(self, pair_id: int, reason: str, since: datetime) -> bool:
        """Whether the reason was raised (open or resolved since) at or after ``since``."""
        value = await self._db.fetch_value(
            "SELECT count(*) FROM attention WHERE pair_id = ? AND reason = ? AND raised_at >= ?",
            (pair_id, reason, to_db(since)),
        )
        return bool(value)

    async def nudge_once(self, pair_id: int, since: datetime, now: datetime) -> bool:
        """True the first time this overdue spell (named by ``since``) is nudged."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO cadence_nudges (pair_id, since, nudged_at) VALUES (?, ?, ?)",
                (pair_id, to_db(since), to_db(now)),
            )
        return changed == 1

    async def nudged_at(self, pair_id: int, since: datetime) -> datetime | None:
        value = await self._db.fetch_value(
            "SELECT nudged_at FROM cadence_nudges WHERE pair_id = ? AND since = ?",
            (pair_id, to_db(since)),
        )
        return from_db(value) if value else None

    async def claim_run(self, job: str, scope: str, period: str, now: datetime) -> bool:
        """True for the one run that does this job for this scope and period."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO job_runs (job, scope, period, ran_at) VALUES (?, ?, ?, ?)",
                (job, scope, period, to_db(now)),
            )
        return changed == 1

    async def claim_runs(
        self, job: str, runs: Sequence[tuple[str, str]], now: datetime
    ) -> list[str]:
        """The scopes of ``(scope, period)`` whose run this is, claimed in one transaction (a
        region's organizations cost one commit, not one each)."""
        claimed: list[str] = []
        if not runs:
            return claimed
        async with self._db.transaction() as tx:
            for scope, period in runs:
                changed = await tx.execute_rowcount(
                    "INSERT OR IGNORE INTO job_runs (job, scope, period, ran_at) "
                    "VALUES (?, ?, ?, ?)",
                    (job, scope, period, to_db(now)),
                )
                if changed == 1:
                    claimed.append(scope)
        return claimed

    async def organizations(self) -> list[tuple[int, str]]:
        rows = await self._db.fetch_all("SELECT id, timezone FROM organizations ORDER BY id")
        return [(r["id"], r["timezone"]) for r in rows]

    async def meetings_of_organization(
        self, organization_id: int, statuses: tuple[str, ...], since: datetime, until: datetime
    ) -> list[Meeting]:
        marks = ",".join("?" for _ in statuses)
        rows = await self._db.fetch_all(
            "SELECT m.* FROM meetings m JOIN pairs p ON p.id = m.pair_id "
            f"WHERE p.organization_id = ? AND m.status IN ({marks}) "
            "AND m.starts_at >= ? AND m.starts_at < ? ORDER BY m.starts_at, m.id",
            (organization_id, *statuses, to_db(since), to_db(until)),
        )
        return [meeting_from_row(r) for r in rows]

    # -- the board's upcoming meetings, a page at a time -----------------------------------------
    # Proposed and confirmed meetings of the active pairs in a time window; from the active
    # pairs on (their index), each pair's meetings found by (pair, status, time).
    _UPCOMING = (
        "FROM pairs p CROSS JOIN meetings m ON m.pair_id = p.id "
        "WHERE p.organization_id = ? AND p.ended_on IS NULL "
        "AND m.status IN ('proposed', 'confirmed') AND m.starts_at >= ? AND m.starts_at < ? "
        # A group's meeting (migration 0025) once: its lead row.
        "AND (m.group_meeting_id IS NULL OR m.id = "
        "(SELECT g.lead_meeting_id FROM group_meetings g WHERE g.id = m.group_meeting_id))"
    )

    async def upcoming_count(self, organization_id: int, since: datetime, until: datetime) -> int:
        value = await self._db.fetch_value(
            f"SELECT count(*) {self._UPCOMING}", (organization_id, to_db(since), to_db(until))
        )
        return int(value or 0)

    async def upcoming_page(
        self, organization_id: int, since: datetime, until: datetime, offset: int, limit: int
    ) -> list[Meeting]:
        """One page of the upcoming meetings of the active pairs, by time then id."""
        rows = await self._db.fetch_all(
            f"SELECT m.* {self._UPCOMING} ORDER BY m.starts_at, m.id LIMIT ? OFFSET ?",
            (organization_id, to_db(since), to_db(until), limit, offset),
        )
        return [meeting_from_row(r) for r in rows]

    async def active_pairs_by_id(
        self, organization_id: int, pair_ids: Sequence[int]
    ) -> dict[int, ActivePair]:
        """These pairs, those of them that are active pairs of the organization."""
        if not pair_ids:
            return {}
        marks = ",".join("?" for _ in pair_ids)
        rows = await self._db.fetch_all(
            f"SELECT * FROM pairs WHERE id IN ({marks}) AND organization_id = ? "
            "AND ended_on IS NULL",
            (*pair_ids, organization_id),
        )
        return {r["id"]: active_pair_from_row(r) for r in rows}

    # -- the board's unanswered follow-ups, a page at a time -------------------------------------
    # "Did the meeting take place?" asked and not answered, of the active pairs' meetings
    # (what FollowupRepository.unanswered_of_organization reads, in the same order).
    _UNANSWERED = (
        "FROM followups f JOIN meetings m ON m.id = f.meeting_id JOIN pairs p ON p.id = m.pair_id "
        "WHERE p.organization_id = ? AND p.ended_on IS NULL AND f.state IN ('asked', 'reminded')"
    )

    async def unanswered_count(self, organization_id: int) -> int:
        value = await self._db.fetch_value(
            f"SELECT count(*) {self._UNANSWERED}", (organization_id,)
        )
        return int(value or 0)

    async def unanswered_page(
        self, organization_id: int, offset: int, limit: int
    ) -> tuple[list[Followup], int | None]:
        """A page of the unanswered questions and how many there are, in one statement; the
        count is None when the page is past the end (then only :meth:`unanswered_count`
        tells), 0 for an empty first page."""
        rows = await self._db.fetch_all(
            f"SELECT f.*, m.starts_at AS meeting_starts_at, count(*) OVER () AS total "
            f"{self._UNANSWERED} ORDER BY m.starts_at, f.id LIMIT ? OFFSET ?",
            (organization_id, limit, offset),
        )
        if not rows:
            return [], 0 if offset == 0 else None
        return [followup_from_row(r) for r in rows], int(rows[0]["total"])

    async def in_active_pairs(
        self, organization_id: int, participant_ids: Sequence[int]
    ) -> set[int]:
        """Those of these people who are a side of an active pair of the organization."""
        if not participant_ids:
            return set()
        marks = ",".join("?" for _ in participant_ids)
        rows = await self._db.fetch_all(
            "SELECT mentor_id AS id FROM pairs WHERE organization_id = ? AND ended_on IS NULL "
            f"AND mentor_id IN ({marks}) UNION SELECT mentee_id FROM pairs "
            f"WHERE organization_id = ? AND ended_on IS NULL AND mentee_id IN ({marks})",
            (organization_id, *participant_ids, organization_id, *participant_ids),
        )
        return {r["id"] for r in rows}

    # -- the overdue check, for many organizations at once -------------------------------------
    async def active_cadence(
        self, organization_ids: Sequence[int], silent_since: datetime | None = None
    ) -> list[PairCadence]:
        """Every active pair of these organizations with its last held meeting and its rhythm,
        in one query per chunk of organizations; ordered like the curator's lists.

        With ``silent_since``, only the pairs with no held meeting from that moment on that
        started no later than the day after it: the only ones whose overdue clock can have
        started before it (a pair's clock starts at its start's local midnight, less than a
        day from the UTC one, or at a later moment)."""
        silent = ""
        bounds: tuple[str, ...] = ()
        if silent_since is not None:
            silent = (
                " AND p.started_on <= ? AND NOT EXISTS (SELECT 1 FROM meetings h "
                "WHERE h.pair_id = p.id AND h.status = 'held' AND h.starts_at >= ?)"
            )
            latest_start = (silent_since + timedelta(days=1)).date().isoformat()
            bounds = (latest_start, to_db(silent_since))
        result: list[PairCadence] = []
        for chunk in _chunks(organization_ids):
            marks = ",".join("?" for _ in chunk)
            rows = await self._db.fetch_all(
                f"{_CADENCE} WHERE p.organization_id IN ({marks}) AND p.ended_on IS NULL"
                f"{silent} ORDER BY p.organization_id, p.mentor_id, p.id",
                (*chunk, *bounds),
            )
            result += [_cadence(r) for r in rows]
        return result

    async def group_members(self, pair_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
        """For the pairs among ``pair_ids`` in a group (migration 0025): the active pairs of
        their group, the pair itself included."""
        found: dict[int, set[int]] = {}
        for chunk in _chunks(pair_ids):
            marks = ",".join("?" for _ in chunk)
            rows = await self._db.fetch_all(
                "SELECT p.group_id, p.id FROM pairs p WHERE p.ended_on IS NULL AND p.group_id IN "
                f"(SELECT group_id FROM pairs WHERE id IN ({marks}) AND group_id IS NOT NULL) "
                "ORDER BY p.id",
                tuple(chunk),
            )
            for row in rows:
                found.setdefault(int(row["group_id"]), set()).add(int(row["id"]))
        wanted = set(pair_ids)
        return {
            pair_id: tuple(sorted(ids))
            for ids in found.values()
            for pair_id in ids
            if pair_id in wanted
        }

    async def active_pair_count(self, organization_id: int) -> int:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM pairs WHERE organization_id = ? AND ended_on IS NULL",
            (organization_id,),
        )
        return int(value or 0)

    async def active_cadence_page(
        self, organization_id: int, offset: int, limit: int
    ) -> list[PairCadence]:
        """One page of :meth:`active_cadence` of one organization, in the same order."""
        rows = await self._db.fetch_all(
            f"{_CADENCE} WHERE p.organization_id = ? AND p.ended_on IS NULL "
            "ORDER BY p.mentor_id, p.id LIMIT ? OFFSET ?",
            (organization_id, limit, offset),
        )
        return [_cadence(r) for r in rows]

    async def calendars(self, organization_ids: Sequence[int]) -> dict[int, CadenceCalendar]:
        """Time zone, grace days and holidays of these organizations: two queries per chunk."""
        result: dict[int, CadenceCalendar] = {}
        for chunk in _chunks(organization_ids):
            marks = ",".join("?" for _ in chunk)
            holidays: dict[int, list[HolidayRow]] = {}
            for r in await self._db.fetch_all(
                f"SELECT * FROM holidays WHERE organization_id IN ({marks}) ORDER BY starts_on, id",
                chunk,
            ):
                holidays.setdefault(r["organization_id"], []).append(holiday_from_row(r))
            for r in await self._db.fetch_all(
                "SELECT o.id, o.timezone, COALESCE(s.grace_days, ?) AS grace_days "
                "FROM organizations o LEFT JOIN meeting_settings s ON s.organization_id = o.id "
                f"WHERE o.id IN ({marks})",
                (DEFAULT_GRACE_DAYS, *chunk),
            ):
                result[r["id"]] = CadenceCalendar(
                    r["id"], r["timezone"], r["grace_days"], tuple(holidays.get(r["id"], ()))
                )
        return result

    async def mark_facts(
        self, organization_id: int, now: datetime, pair_ids: Sequence[int] | None = None
    ) -> dict[int, MarkFacts]:
        """Per active pair (of ``pair_ids`` only, when given): meetings whose time has come,
        whether the last decided meeting did not happen, whether a reason is open; one query
        for the whole organization."""
        only = "" if pair_ids is None else f" AND p.id IN ({','.join('?' * len(pair_ids))})"
        rows = await self._db.fetch_all(
            "SELECT p.id, "
            "(SELECT count(*) FROM meetings m WHERE m.pair_id = p.id "
            " AND m.status IN ('held', 'missed', 'confirmed') AND m.starts_at <= ?) AS due, "
            "(SELECT m.status FROM meetings m WHERE m.pair_id = p.id "
            " AND m.status IN ('held', 'missed') ORDER BY m.starts_at DESC, m.id DESC LIMIT 1) "
            "AS last_decided, "
            "EXISTS (SELECT 1 FROM attention a WHERE a.pair_id = p.id "
            " AND a.resolved_at IS NULL) AS attention_open "
            "FROM pairs p WHERE p.organization_id = ? AND p.ended_on IS NULL" + only,
            (to_db(now), organization_id, *(pair_ids or ())),
        )
        return {
            r["id"]: MarkFacts(r["due"], r["last_decided"] == "missed", bool(r["attention_open"]))
            for r in rows
        }
