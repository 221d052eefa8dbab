"""Invitation links: per role, with optional limits, resolved and used atomically."""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.models.invitations import CuratorJoin, Invitation, InvitationRole
from bot.models.organizations import Organization
from storage.repositories.invitations import InvitationRepository
from storage.repositories.organizations import OrganizationRepository

__all__ = [
    "CURATOR_LINK_VALIDITY",
    "CuratorAcceptance",
    "CuratorJoin",
    "Invitation",
    "InvitationLimit",
    "InvitationLookup",
    "InvitationRole",
    "InvitationService",
    "InvitationStatus",
    "invitation_link",
]

# What Telegram accepts as a start parameter; tokens we draw are 32 characters of it.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
TOKEN_BYTES = 24

# A curator link gives a person the run of an organization, so it works once and not forever.
CURATOR_LINK_VALIDITY = timedelta(days=7)

PARTICIPANT_ROLES = (InvitationRole.MENTEE, InvitationRole.MENTOR)


class InvitationLimit(StrEnum):
    """The limits a curator picks with a button."""

    NONE = "none"
    USES_30 = "u30"
    DAYS_7 = "d7"


LIMITS: dict[InvitationLimit, tuple[int | None, timedelta | None]] = {
    InvitationLimit.NONE: (None, None),
    InvitationLimit.USES_30: (30, None),
    InvitationLimit.DAYS_7: (None, timedelta(days=7)),
}


class InvitationStatus(StrEnum):
    ACTIVE = "active"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED_UP = "used_up"


@dataclass(frozen=True)
class InvitationLookup:
    status: InvitationStatus
    invitation: Invitation | None  # set for every token that exists, active or not


@dataclass(frozen=True)
class CuratorAcceptance:
    outcome: CuratorJoin
    organization: Organization | None
    # Why a link did not work (revoked, expired, used up); UNKNOWN for a non-curator link.
    status: InvitationStatus = InvitationStatus.ACTIVE


def invitation_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


def status_of(invitation: Invitation, now: datetime) -> InvitationStatus:
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return InvitationStatus.EXPIRED
    if invitation.max_uses is not None and invitation.uses >= invitation.max_uses:
        return InvitationStatus.USED_UP
    return InvitationStatus.ACTIVE


class InvitationService:
    def __init__(
        self,
        repository: InvitationRepository,
        organizations: OrganizationRepository,
        clock: Clock,
        token_factory: Callable[[], str] | None = None,
    ) -> None:
        self._repository = repository
        self._organizations = organizations
        self._clock = clock
        self._new_token = token_factory or (lambda: secrets.token_urlsafe(TOKEN_BYTES))

    async def create(
        self,
        organization_id: int,
        role: InvitationRole,
        created_by: int | None,
        *,
        max_uses: int | None = None,
        valid_for: timedelta | None = None,
    ) -> Invitation:
        if max_uses is not None and max_uses < 1:
            raise ValueError("max_uses must be at least 1")
        if role is InvitationRole.CURATOR and max_uses != 1:
            raise ValueError("a curator invitation is single-use")
        now = self._clock.now()
        expires_at = now + valid_for if valid_for is not None else None
        for _attempt in range(5):
            token = self._new_token()
            if not TOKEN_PATTERN.match(token):
                raise ValueError("the token factory made a token Telegram would not accept")
            try:
                return await self._repository.create(
                    token,
                    organization_id,
                    role,
                    created_by,
                    now,
                    expires_at=expires_at,
                    max_uses=max_uses,
                )
            except sqlite3.IntegrityError:
                # Two equal 192-bit random tokens: practically never, but a retry is cheap.
                if await self._repository.by_token(token) is None:
                    raise
        raise RuntimeError("could not draw a unique invitation token")

    async def create_with_limit(
        self,
        organization_id: int,
        role: InvitationRole,
        created_by: int | None,
        limit: InvitationLimit,
    ) -> Invitation:
        """A mentee or mentor link with one of the limits a curator picks from buttons."""
        if role not in PARTICIPANT_ROLES:
            raise ValueError("curators get links for mentees and mentors only")
        max_uses, valid_for = LIMITS[limit]
        return await self.create(
            organization_id, role, created_by, max_uses=max_uses, valid_for=valid_for
        )

    async def create_for_curator(self, organization_id: int, created_by: int | None) -> Invitation:
        """A single-use link that makes its first opener a curator of the organization."""
        return await self.create(
            organization_id,
            InvitationRole.CURATOR,
            created_by,
            max_uses=1,
            valid_for=CURATOR_LINK_VALIDITY,
        )

    async def get(self, invitation_id: int) -> Invitation | None:
        return await self._repository.get(invitation_id)

    async def lookup(self, token: str) -> InvitationLookup:
        """What a token stands for, with the reason when it no longer works."""
        if not TOKEN_PATTERN.match(token):
            return InvitationLookup(InvitationStatus.UNKNOWN, None)
        invitation = await self._repository.by_token(token)
        if invitation is None:
            return InvitationLookup(InvitationStatus.UNKNOWN, None)
        return InvitationLookup(status_of(invitation, self._clock.now()), invitation)

    async def resolve(self, token: str) -> Invitation | None:
        """The invitation behind a token if it works now (not revoked, not expired, uses left)."""
        lookup = await self.lookup(token)
        return lookup.invitation if lookup.status is InvitationStatus.ACTIVE else None

    async def use(self, invitation_id: int) -> bool:
        """Count one use; False when the invitation no longer works (the last use was taken)."""
        return await self._repository.use(invitation_id, self._clock.now())

    async def revoke(self, invitation_id: int, organization_id: int) -> bool:
        """Revoke a link of this organization; False when it is not theirs or already revoked."""
        return await self._repository.revoke(invitation_id, organization_id, self._clock.now())

    async def active(
        self, organization_id: int, roles: Iterable[InvitationRole] = PARTICIPANT_ROLES
    ) -> list[Invitation]:
        return await self._repository.active(organization_id, roles, self._clock.now())

    async def accept_curator(self, token: str, telegram_id: int) -> CuratorAcceptance:
        """Make the person a curator through a curator link (the link is used once)."""
        lookup = await self.lookup(token)
        invitation = lookup.invitation
        if invitation is None or invitation.role is not InvitationRole.CURATOR:
            return CuratorAcceptance(CuratorJoin.INVALID, None, InvitationStatus.UNKNOWN)
        # The person's own organization is reported even when the link is dead: telling
        # someone who already curates that they do is more useful than "link expired".
        outcome, organization_id = await self._repository.accept_curator(
            invitation.id, telegram_id, self._clock.now()
        )
        organization = (
            await self._organizations.get(organization_id) if organization_id is not None else None
        )
        status = InvitationStatus.ACTIVE
        if outcome is CuratorJoin.INVALID:
            status = (await self.lookup(token)).status
            if status is InvitationStatus.ACTIVE:  # cannot happen: the UPDATE checked the same
                status = InvitationStatus.USED_UP
        return CuratorAcceptance(outcome, organization, status)
