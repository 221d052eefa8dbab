"""The legal representatives of minors (migration 0026): whom they consented for, the curator's
check of them, whether they want the meeting times, and what they are told about."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_db, to_db
from bot.models.participants import Consent, Participant
from storage.database import Database
from storage.repositories.participants import (
    _PARTICIPANT_COLUMNS,
    _consent,
    _participant,
)


@dataclass(frozen=True)
class RepresentedChild:
    """A minor and the representative's consent for them, as the representative or the
    curator sees it; ``name`` is the full name the representative typed for the consent."""

    participant: Participant
    consent: Consent
    name: str
    timezone: str = "Europe/Moscow"  # the organization's, for the dates shown


@dataclass(frozen=True)
class Recipient:
    """A representative to tell something about a child: their chat, the child's name."""

    telegram_id: int
    participant_id: int
    child_name: str
    meeting_times: bool


# The name the consent gave the child (the link's request keeps it), else the questionnaire's.
_CHILD_NAME = (
    "coalesce((SELECT g.child_name FROM guardian_requests g WHERE g.participant_id = p.id), "
    "(SELECT json_extract(a.value, '$') FROM answers a WHERE a.participant_id = p.id "
    "AND a.question = 'full_name'), '') AS child_name"
)


# The consent's columns beside the child's, prefixed (both tables have an ``id``).
_CONSENT_FIELDS = (
    "id", "participant_id", "kind", "given_by", "representative_name",
    "representative_relation", "text_version", "text_sha256", "locale", "given_at",
    "representative_phone", "checked_as", "checked_by", "checked_at", "meeting_times",
)  # fmt: skip
_CONSENT_AS = ", ".join(f"c.{name} AS c_{name}" for name in _CONSENT_FIELDS)


class RepresentativeRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def _children(self, where: str, params: dict[str, object]) -> list[RepresentedChild]:
        """The children with their representative's consent, in one statement (a parent's
        /start reads it: who-am-I and this)."""
        rows = await self._db.fetch_all(
            f"SELECT {_PARTICIPANT_COLUMNS}, {_CHILD_NAME}, {_CONSENT_AS}, "
            "(SELECT o.timezone FROM organizations o WHERE o.id = p.organization_id) AS zone "
            "FROM consents c JOIN participants p ON p.id = c.participant_id "
            f"WHERE c.kind = 'representative' AND {where} ORDER BY p.id",
            params,
        )
        return [
            RepresentedChild(
                _participant(row),
                _consent({name: row[f"c_{name}"] for name in _CONSENT_FIELDS}),  # type: ignore[arg-type]
                row["child_name"],
                row["zone"],
            )
            for row in rows
        ]

    async def children_of(self, telegram_id: int) -> list[RepresentedChild]:
        """The minors this person consented for as their legal representative."""
        return await self._children("c.given_by = :by", {"by": telegram_id})

    async def child(self, organization_id: int, participant_id: int) -> RepresentedChild | None:
        """The minor of this organization with a representative's consent, by id."""
        found = await self._children(
            "p.organization_id = :org AND p.id = :id",
            {"org": organization_id, "id": participant_id},
        )
        return found[0] if found else None

    async def waiting_check(
        self, organization_id: int, offset: int, limit: int
    ) -> tuple[list[RepresentedChild], int]:
        """A page of the organization's minors whose representative is not checked yet (of
        today's candidates: not of a closed cycle), and how many there are."""
        where = (
            "p.organization_id = :org AND c.checked_at IS NULL "
            "AND (p.cycle_id IS NULL OR p.cycle_id = (SELECT y.id FROM cycles y "
            "WHERE y.organization_id = :org AND y.closed_at IS NULL))"
        )
        total = await self._db.fetch_value(
            "SELECT count(*) FROM consents c JOIN participants p ON p.id = c.participant_id "
            f"WHERE c.kind = 'representative' AND {where}",
            {"org": organization_id},
        )
        page = await self._children(
            f"{where} AND p.id IN (SELECT p.id FROM consents c JOIN participants p "
            f"ON p.id = c.participant_id WHERE c.kind = 'representative' AND {where} "
            "ORDER BY p.id LIMIT :limit OFFSET :offset)",
            {"org": organization_id, "limit": limit, "offset": offset},
        )
        return page, int(total or 0)

    async def check(
        self, organization_id: int, participant_id: int, way: str, by: int, now: datetime
    ) -> bool:
        """Record the curator's check of the representative; False when it was recorded
        already (a double tap) or the child is not of this organization."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE consents SET checked_as = ?, checked_by = ?, checked_at = ? "
                "WHERE kind = 'representative' AND checked_at IS NULL AND participant_id = ? "
                "AND participant_id IN (SELECT id FROM participants WHERE organization_id = ?)",
                (way, by, to_db(now), participant_id, organization_id),
            )
        return changed == 1

    async def set_meeting_times(self, participant_id: int, given_by: int, on: bool) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE consents SET meeting_times = ? WHERE kind = 'representative' "
                "AND participant_id = ? AND given_by = ?",
                (int(on), participant_id, given_by),
            )
        return changed == 1

    async def recipients(self, participant_ids: Collection[int]) -> list[Recipient]:
        """The representatives who consented for these people (minors), if any."""
        ids = sorted(set(participant_ids))
        if not ids:
            return []
        rows = await self._db.fetch_all(
            f"SELECT c.given_by, p.id, c.meeting_times, {_CHILD_NAME} FROM consents c "
            "JOIN participants p ON p.id = c.participant_id WHERE c.kind = 'representative' "
            f"AND p.id IN ({', '.join('?' * len(ids))}) ORDER BY p.id",
            ids,
        )
        return [
            Recipient(r["given_by"], r["id"], r["child_name"], bool(r["meeting_times"]))
            for r in rows
        ]

    async def moved_from(self, meeting_id: int) -> datetime | None:
        """When the meeting this one replaced was to start, if it was moved: the moved meeting
        is cancelled ('moved') in the very transaction that proposed this one."""
        value = await self._db.fetch_value(
            "SELECT o.starts_at FROM meetings n JOIN meetings o ON o.pair_id = n.pair_id "
            "AND o.id <> n.id AND o.status = 'cancelled' AND o.cancel_reason = 'moved' "
            "AND o.decided_at = n.created_at WHERE n.id = ?",
            (meeting_id,),
        )
        return from_db(value) if value else None

    async def active_pair_of(self, participant_id: int) -> int | None:
        """The child's active pair as a mentee (the newest, should there be more)."""
        value = await self._db.fetch_value(
            "SELECT id FROM pairs WHERE mentee_id = ? AND ended_on IS NULL ORDER BY id DESC "
            "LIMIT 1",
            (participant_id,),
        )
        return int(value) if value is not None else None
