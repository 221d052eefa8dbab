"""Who is writing, read once per update in one statement.

Every role filter, the locale middleware, /start and /help and the FSM storage need a part of
the same picture: is this update a repeat, which language does the person speak, are they a
curator (of which organization), a coordinator (of which), a participant (which, with which
consents), and where their dialogue stands. Reading it in one statement per update, instead of
one per router that asks, keeps an update to a handful of statements however many routers it
passes. It is read anew for every update and never kept across updates: a curator removed a
second ago is not a curator for the next update.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bot.models.participants import Participant
from bot.participants import Status, status_of
from storage.database import Database
from storage.repositories.participants import _PARTICIPANT_COLUMNS, _participant


@dataclass(frozen=True)
class FsmRecord:
    """The stored dialogue of the update's FSM key as it was read (None: no row)."""

    key: str
    state: str | None
    data: str | None
    updated_at: str | None = None


@dataclass(frozen=True)
class Identity:
    telegram_id: int | None
    # The update's id is in processed_updates: it was handled (and changed something) before.
    seen: bool = False
    # A users row exists (the person's language choice or Telegram's hint is stored).
    known: bool = False
    language: str | None = None
    telegram_language: str | None = None
    curator_org_id: int | None = None
    coordinator_org_ids: tuple[int, ...] = ()
    participants: tuple[Participant, ...] = ()
    # Participant id -> the kinds of consent given ("self", "representative").
    consents: dict[int, frozenset[str]] = field(default_factory=dict)
    fsm: FsmRecord | None = None
    # The person gave a legal representative's consent for a minor (issue 14, parents).
    represents: bool = False

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_org_ids)

    def status(self, participant: Participant) -> Status:
        """:meth:`bot.participants.ParticipantService.status` from what was read."""
        kinds = self.consents.get(participant.id, frozenset())
        return status_of(participant, "self" in kinds, "representative" in kinds)


_WHO = f"""
SELECT
    EXISTS (SELECT 1 FROM processed_updates WHERE update_id = :update_id) AS seen,
    u.telegram_id IS NOT NULL AS known,
    u.language AS language,
    u.telegram_language AS telegram_language,
    (SELECT organization_id FROM curators WHERE telegram_id = :user_id) AS curator_org_id,
    (SELECT json_group_array(organization_id) FROM (
        SELECT organization_id FROM coordinators WHERE telegram_id = :user_id
        ORDER BY organization_id)) AS coordinator_orgs,
    (SELECT json_group_array(json_object(
        'id', id, 'organization_id', organization_id, 'telegram_id', telegram_id,
        'role', role, 'age_group', age_group, 'birth_date', birth_date,
        'invitation_id', invitation_id, 'joined_at', joined_at,
        'current_question', current_question, 'confirmed_at', confirmed_at,
        'cycle_id', cycle_id, 'consents', consents))
     FROM (SELECT {_PARTICIPANT_COLUMNS},
                  (SELECT json_group_array(DISTINCT c.kind) FROM consents c
                   WHERE c.participant_id = p.id) AS consents
           FROM participants p WHERE p.telegram_id = :user_id ORDER BY p.id)) AS participants,
    f.storage_key IS NOT NULL AS has_fsm,
    f.state AS fsm_state,
    f.data AS fsm_data,
    f.updated_at AS fsm_updated_at,
    EXISTS (SELECT 1 FROM consents r WHERE r.given_by = :user_id
            AND r.kind = 'representative') AS represents
FROM (SELECT 1) AS one
LEFT JOIN users u ON u.telegram_id = :user_id
LEFT JOIN fsm_records f ON f.storage_key = :fsm_key
"""


class IdentityRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def who(
        self, update_id: int | None, telegram_id: int | None, fsm_key: str | None
    ) -> Identity:
        """One statement: the update's repeat check, the person's roles, language, participations
        and the FSM record of ``fsm_key``."""
        # fetch_all: one trip to the connection's thread (a cursor takes three); the
        # statement gives exactly one row (FROM (SELECT 1), joins on unique keys).
        (row,) = await self._db.fetch_all(
            _WHO, {"update_id": update_id, "user_id": telegram_id, "fsm_key": fsm_key}
        )
        participants: list[Participant] = []
        consents: dict[int, frozenset[str]] = {}
        for item in json.loads(row["participants"]):
            participant = _participant(item)
            participants.append(participant)
            consents[participant.id] = frozenset(json.loads(item["consents"]))
        fsm = (
            FsmRecord(fsm_key, row["fsm_state"], row["fsm_data"], row["fsm_updated_at"])
            if fsm_key is not None
            else None
        )
        return Identity(
            telegram_id=telegram_id,
            seen=bool(row["seen"]),
            known=bool(row["known"]),
            language=row["language"],
            telegram_language=row["telegram_language"],
            curator_org_id=row["curator_org_id"],
            coordinator_org_ids=tuple(json.loads(row["coordinator_orgs"])),
            participants=tuple(participants),
            consents=consents,
            fsm=fsm,
            represents=bool(row["represents"]),
        )
