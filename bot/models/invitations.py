"""Invitation links and what joining as a curator through one can come to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class InvitationRole(StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    CURATOR = "curator"


class CuratorJoin(StrEnum):
    JOINED = "joined"
    ALREADY_HERE = "already_here"  # already the curator of this very organization
    OTHER_ORGANIZATION = "other_organization"  # a person curates one organization only
    INVALID = "invalid"  # not a curator link, or revoked, expired or used up meanwhile


@dataclass(frozen=True)
class Invitation:
    id: int
    token: str
    organization_id: int
    role: InvitationRole
    created_by: int | None
    created_at: datetime
    expires_at: datetime | None
    max_uses: int | None
    uses: int
    revoked_at: datetime | None

    @property
    def uses_left(self) -> int | None:
        return None if self.max_uses is None else max(0, self.max_uses - self.uses)
