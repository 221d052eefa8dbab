"""Coordinator links (made by an administrator for a set of organizations) and the
municipality's own denominators, entered by its coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.models.reports import DENOMINATOR_FIELDS


class CoordinatorJoin(StrEnum):
    JOINED = "joined"
    ALREADY_HERE = "already_here"  # this person opened the link before: nothing new
    USED = "used"  # somebody else opened it first
    EXPIRED = "expired"
    NO_ORGANIZATIONS = "no_organizations"  # every organization of the link was deleted
    UNKNOWN = "unknown"  # no such link


@dataclass(frozen=True)
class CoordinatorLink:
    id: int
    token: str
    municipality: str | None
    organization_ids: tuple[int, ...]
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None


@dataclass(frozen=True)
class MunicipalDenominators:
    """Like :class:`bot.models.reports.DenominatorRow`, for a municipality as a whole: the
    numbers its coordinator entered for ``school_year`` (the year it starts in)."""

    telegram_id: int
    school_year: int
    values: dict[str, int | None]  # field of DENOMINATOR_FIELDS -> number (None: not entered)

    @property
    def complete(self) -> bool:
        return all(self.values.get(field) is not None for field in DENOMINATOR_FIELDS)
