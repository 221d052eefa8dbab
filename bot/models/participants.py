"""Participants of the programme, their consents, guardian requests and the curator's
candidate rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Participant:
    id: int
    organization_id: int
    telegram_id: int
    role: str
    age_group: str
    birth_date: date | None
    invitation_id: int | None
    joined_at: datetime
    current_question: str | None
    confirmed_at: datetime | None
    # The cycle the person takes part in (the organization's open cycle when they joined).
    cycle_id: int | None = None


@dataclass(frozen=True)
class Consent:
    id: int
    participant_id: int
    kind: str
    given_by: int
    representative_name: str | None
    representative_relation: str | None
    text_version: str
    text_sha256: str
    locale: str
    given_at: datetime
    # A representative's consent (migration 0026): the phone they shared with Telegram's
    # contact button, and the curator's check ('records' or 'paper', by whom, when).
    representative_phone: str | None = None
    checked_as: str | None = None
    checked_by: int | None = None
    checked_at: datetime | None = None
    meeting_times: bool = False

    @property
    def checked(self) -> bool:
        return self.checked_at is not None


@dataclass(frozen=True)
class GuardianRequest:
    id: int
    participant_id: int
    token: str
    child_name: str
    created_at: datetime
    opened_by: int | None


@dataclass(frozen=True)
class CandidateRow:
    participant: Participant
    has_self_consent: bool
    has_representative_consent: bool
    full_name: str | None
    # The curator checked the representative who consented (migration 0026).
    representative_checked: bool = False
