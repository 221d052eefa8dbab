"""Municipal coordinators: appointed by an administrator's single-use link for a set of
organizations, and the municipality's own denominators they enter.

A coordinator sees the figures of the organizations they cover and changes none of a school's
data; the only thing they enter is their municipality's own numbers (pupils aged 10–19, young
people aged 15–19, young teachers, enterprises) per school year. The schools' sums miss the
children outside the covered schools, so a summary over a coordinator's organizations should
prefer these numbers (see :meth:`CoordinatorService.municipal_denominators`).
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.invitations import CURATOR_LINK_VALIDITY, TOKEN_BYTES, TOKEN_PATTERN
from bot.models.coordinators import CoordinatorJoin, CoordinatorLink, MunicipalDenominators
from bot.models.organizations import Organization
from bot.models.reports import DENOMINATOR_FIELDS
from bot.reports.targets import InputProblem, parse_count, school_year_of
from storage.repositories.coordinators import CoordinatorLinkRepository, MunicipalityRepository
from storage.repositories.reports import CoordinatorRepository

__all__ = [
    "COORDINATOR_LINK_VALIDITY",
    "MAX_MUNICIPALITY_LENGTH",
    "CoordinatorAcceptance",
    "CoordinatorJoin",
    "CoordinatorLink",
    "CoordinatorService",
    "LinkProblem",
    "MunicipalDenominators",
    "check_municipality",
]

# A coordinator link shows a municipality's figures to whoever opens it: it works once and,
# like a curator link, for a week.
COORDINATOR_LINK_VALIDITY: timedelta = CURATOR_LINK_VALIDITY
MAX_MUNICIPALITY_LENGTH = 200


class LinkProblem(StrEnum):
    NOT_ALLOWED = "not_allowed"  # only administrators make coordinator links
    NO_ORGANIZATIONS = "no_organizations"
    UNKNOWN_ORGANIZATION = "unknown_organization"
    EMPTY_NAME = "empty_name"
    NAME_TOO_LONG = "name_too_long"


def check_municipality(text: str) -> str | LinkProblem:
    """The municipality's name as typed, spaces tidied; or what is wrong with it."""
    name = " ".join(text.split())
    if not name:
        return LinkProblem.EMPTY_NAME
    if len(name) > MAX_MUNICIPALITY_LENGTH:
        return LinkProblem.NAME_TOO_LONG
    return name


@dataclass(frozen=True)
class CoordinatorAcceptance:
    outcome: CoordinatorJoin
    municipality: str | None
    organizations: tuple[Organization, ...]  # the link's, for the joined and the already-here


class CoordinatorService:
    def __init__(
        self,
        links: CoordinatorLinkRepository,
        municipalities: MunicipalityRepository,
        coordinators: CoordinatorRepository,
        clock: Clock,
        admin_ids: Collection[int],
        token_factory: Callable[[], str] | None = None,
    ) -> None:
        self._links = links
        self._municipalities = municipalities
        self._coordinators = coordinators
        self._clock = clock
        self._admins = frozenset(admin_ids)
        self._new_token = token_factory or (lambda: secrets.token_urlsafe(TOKEN_BYTES))

    # -- links -----------------------------------------------------------------------------
    async def create_link(
        self, organization_ids: Sequence[int], municipality: str | None, created_by: int | None
    ) -> CoordinatorLink | LinkProblem:
        """A single-use link for these organizations; ``created_by`` None is the command line
        (run by whoever administers the server), any other person must be an administrator."""
        if created_by is not None and created_by not in self._admins:
            return LinkProblem.NOT_ALLOWED
        if not organization_ids:
            return LinkProblem.NO_ORGANIZATIONS
        name: str | None = None
        if municipality is not None:
            checked = check_municipality(municipality)
            if isinstance(checked, LinkProblem):
                return checked
            name = checked
        now = self._clock.now()
        for _attempt in range(5):
            token = self._new_token()
            if not TOKEN_PATTERN.match(token):
                raise ValueError("the token factory made a token Telegram would not accept")
            try:
                link = await self._links.create(
                    token, organization_ids, name, created_by, now, now + COORDINATOR_LINK_VALIDITY
                )
            except sqlite3.IntegrityError:
                # Two equal 192-bit random tokens: practically never, but a retry is cheap.
                if await self._links.by_token(token) is None:
                    raise
                continue
            return LinkProblem.UNKNOWN_ORGANIZATION if link is None else link
        raise RuntimeError("could not draw a unique coordinator link token")

    async def lookup(self, token: str) -> CoordinatorLink | None:
        """The coordinator link behind a /start token, used or not; None for any other token."""
        if not TOKEN_PATTERN.match(token):
            return None
        return await self._links.by_token(token)

    async def accept(self, token: str, telegram_id: int) -> CoordinatorAcceptance:
        """Whoever opens the link first covers exactly its organizations."""
        if not TOKEN_PATTERN.match(token):
            return CoordinatorAcceptance(CoordinatorJoin.UNKNOWN, None, ())
        outcome, link = await self._links.accept(token, telegram_id, self._clock.now())
        if link is None or outcome not in (CoordinatorJoin.JOINED, CoordinatorJoin.ALREADY_HERE):
            return CoordinatorAcceptance(outcome, None, ())
        organizations = await self._links.organizations(link.organization_ids)
        return CoordinatorAcceptance(outcome, link.municipality, tuple(organizations))

    async def organization_page(
        self, page: int, per_page: int
    ) -> tuple[list[Organization], int, int]:
        """The organizations an administrator picks from: a page of them, that page (a page
        beyond the last, after organizations were deleted, is the last) and the page count."""
        found, total = await self._links.organization_page(per_page, page * per_page)
        pages = max(1, -(-total // per_page))
        if not found and page >= pages and total:
            page = pages - 1
            found, _ = await self._links.organization_page(per_page, page * per_page)
        return found, min(page, pages - 1), pages

    async def all_organization_ids(self) -> list[int]:
        return await self._coordinators.all_organizations()

    async def organizations(self, organization_ids: Sequence[int]) -> list[Organization]:
        return await self._links.organizations(organization_ids)

    # -- the coordinator -------------------------------------------------------------------
    async def covered(self, telegram_id: int) -> list[int]:
        return await self._coordinators.covered(telegram_id)

    async def covered_organizations(self, telegram_id: int) -> list[Organization]:
        return await self._links.organizations(await self._coordinators.covered(telegram_id))

    async def is_coordinator(self, telegram_id: int) -> bool:
        return bool(await self._coordinators.covered(telegram_id))

    async def all_coordinators(self) -> list[int]:
        return await self._municipalities.coordinators()

    async def municipality(self, telegram_id: int) -> str | None:
        return await self._municipalities.name(telegram_id)

    def school_year(self) -> int:
        return school_year_of(self._clock.now().date())

    # -- the municipality's own denominators -------------------------------------------------
    async def municipal_denominators(
        self, telegram_id: int, school_year: int
    ) -> MunicipalDenominators | None:
        """The municipality's own numbers for a summary of this coordinator's organizations:
        those of ``school_year``, or else of the latest year before it (``.school_year`` says
        which), or None when the coordinator entered none (or is no coordinator any more).

        A summary over the coordinator's organizations divides an involvement share by the
        municipality's number where it is entered (``values[field] is not None``) and by the
        sum of the schools' numbers otherwise.
        """
        if not await self.is_coordinator(telegram_id):
            return None
        return await self._municipalities.latest(telegram_id, school_year)

    async def current_denominators(self, telegram_id: int) -> MunicipalDenominators | None:
        return await self.municipal_denominators(telegram_id, self.school_year())

    async def set_municipal_denominator(
        self, telegram_id: int, name: str, text: str
    ) -> int | InputProblem:
        """Store one number of this school year for the coordinator's municipality.

        Only a coordinator (someone who covers an organization) may; the other numbers of a
        year not entered yet are carried from the latest year, as for a school.
        """
        if name not in DENOMINATOR_FIELDS:
            return InputProblem.UNKNOWN_FIELD
        value = parse_count(text)
        if isinstance(value, InputProblem):
            return value
        if not await self.is_coordinator(telegram_id):
            return InputProblem.NOT_ALLOWED
        year = self.school_year()
        current = await self._municipalities.latest(telegram_id, year)
        values: dict[str, int | None] = dict.fromkeys(DENOMINATOR_FIELDS)
        if current is not None:
            values.update(current.values)
        values[name] = value
        await self._municipalities.save(telegram_id, year, values, self._clock.now())
        return value
