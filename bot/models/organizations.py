"""Organizations, the forms of mentorship they run, and their curators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    timezone: str
    created_at: datetime


@dataclass(frozen=True)
class OrganizationListing:
    organization: Organization
    curators: int
    enabled_forms: int


@dataclass(frozen=True)
class OrganizationForm:
    organization_id: int
    code: str
    title: str | None  # None for the federal forms: their names come from the catalogs
    enabled: bool

    @property
    def is_own(self) -> bool:
        return self.title is not None


@dataclass(frozen=True)
class Curator:
    telegram_id: int
    organization_id: int
    added_at: datetime
