"""Organizations, the forms of mentorship they run, and their curators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogs.forms import FormPace, ParticipantKind, default_kinds


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
    # Who the form brings together, as the organization declared it (None: the default of
    # :func:`dialogs.forms.default_kinds`), and how its pairs work.
    declared_mentor_kind: ParticipantKind | None = None
    declared_mentee_kind: ParticipantKind | None = None
    pace: FormPace = FormPace.REGULAR
    allows_groups: bool = True  # a mentor with several mentees of the form may lead a group

    @property
    def is_own(self) -> bool:
        return self.title is not None

    @property
    def mentor_kind(self) -> ParticipantKind:
        return self.declared_mentor_kind or default_kinds(self.code)[0]

    @property
    def mentee_kind(self) -> ParticipantKind:
        return self.declared_mentee_kind or default_kinds(self.code)[1]


@dataclass(frozen=True)
class Curator:
    telegram_id: int
    organization_id: int
    added_at: datetime
