"""Organizations, the forms of mentorship they run, and their curators (stage 1 of the cycle)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from bot.clock import Clock
from bot.models.organizations import Curator, Organization, OrganizationForm, OrganizationListing
from dialogs.forms import (
    OWN_FORM_PREFIX,
    FederalForm,
    FormPace,
    ParticipantKind,
    default_kinds,
)
from storage.repositories.organizations import OrganizationRepository

__all__ = [
    "ZONES",
    "CuratorAppointment",
    "FormChange",
    "FormProfileChange",
    "FormRejection",
    "Organization",
    "OrganizationError",
    "OrganizationForm",
    "OrganizationListing",
    "OrganizationProblem",
    "OrganizationService",
    "RussianZone",
    "normalize_timezone",
    "parse_federal_forms",
]

MAX_NAME_LENGTH = 200
MAX_FORM_TITLE_LENGTH = 100
MAX_OWN_FORMS = 20


class RussianZone(StrEnum):
    """The usual zones of Russia, from Kaliningrad (MSK-1) to Kamchatka (MSK+9)."""

    KALININGRAD = "kgd"
    MOSCOW = "msk"
    SAMARA = "sam"
    YEKATERINBURG = "yek"
    OMSK = "oms"
    NOVOSIBIRSK = "nsk"
    IRKUTSK = "irk"
    CHITA = "cht"
    VLADIVOSTOK = "vvo"
    MAGADAN = "mag"
    KAMCHATKA = "kam"


ZONES: dict[RussianZone, str] = {
    RussianZone.KALININGRAD: "Europe/Kaliningrad",
    RussianZone.MOSCOW: "Europe/Moscow",
    RussianZone.SAMARA: "Europe/Samara",
    RussianZone.YEKATERINBURG: "Asia/Yekaterinburg",
    RussianZone.OMSK: "Asia/Omsk",
    RussianZone.NOVOSIBIRSK: "Asia/Novosibirsk",
    RussianZone.IRKUTSK: "Asia/Irkutsk",
    RussianZone.CHITA: "Asia/Chita",
    RussianZone.VLADIVOSTOK: "Asia/Vladivostok",
    RussianZone.MAGADAN: "Asia/Magadan",
    RussianZone.KAMCHATKA: "Asia/Kamchatka",
}


class OrganizationProblem(StrEnum):
    EMPTY_NAME = "empty_name"
    NAME_TOO_LONG = "name_too_long"
    BAD_TIMEZONE = "bad_timezone"
    UNKNOWN_FORM = "unknown_form"
    NO_FORMS = "no_forms"
    UNKNOWN_ORGANIZATION = "unknown_organization"


class OrganizationError(Exception):
    def __init__(self, problem: OrganizationProblem, detail: str = "") -> None:
        super().__init__(problem.value if not detail else f"{problem.value}: {detail}")
        self.problem = problem
        self.detail = detail


class FormRejection(StrEnum):
    UNKNOWN = "unknown"  # no such form in this organization
    LAST_ENABLED = "last_enabled"  # at least one form stays on
    EMPTY_TITLE = "empty_title"
    TITLE_TOO_LONG = "title_too_long"
    DUPLICATE = "duplicate"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class FormChange:
    form: OrganizationForm | None
    rejection: FormRejection | None = None


@dataclass(frozen=True)
class FormProfileChange:
    """What :meth:`OrganizationService.set_form_profile` did: the form as it is now, or why
    nothing changed (the form as it was, when there is one)."""

    form: OrganizationForm | None
    rejection: FormRejection | None = None


@dataclass(frozen=True)
class CuratorAppointment:
    added: bool
    organization_id: int  # the one they curate now (their existing one when not added)


@cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def normalize_timezone(value: str) -> str | None:
    """The canonical IANA name for what was typed ("asia/novosibirsk" too), or None."""
    typed = value.strip().replace(" ", "_")
    if not typed:
        return None
    return _zone_names().get(typed.lower())


def check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise OrganizationError(OrganizationProblem.EMPTY_NAME)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise OrganizationError(OrganizationProblem.NAME_TOO_LONG, str(len(cleaned)))
    return cleaned


def check_timezone(timezone: str) -> str:
    canonical = normalize_timezone(timezone)
    if canonical is None:
        raise OrganizationError(OrganizationProblem.BAD_TIMEZONE, timezone.strip())
    return canonical


def parse_federal_forms(codes: str) -> list[FederalForm]:
    """``"pupil_pupil,teacher_teacher"`` -> the forms; raises OrganizationError."""
    forms: list[FederalForm] = []
    for part in codes.split(","):
        code = part.strip().lower()
        if not code:
            continue
        try:
            form = FederalForm(code)
        except ValueError:
            raise OrganizationError(OrganizationProblem.UNKNOWN_FORM, code) from None
        if form not in forms:
            forms.append(form)
    if not forms:
        raise OrganizationError(OrganizationProblem.NO_FORMS)
    return forms


def _form_order(form: OrganizationForm) -> tuple[int, int]:
    federal = list(FederalForm)
    if form.is_own:
        return len(federal), int(form.code.removeprefix(OWN_FORM_PREFIX))
    return federal.index(FederalForm(form.code)), 0


def ordered_forms(forms: Iterable[OrganizationForm]) -> list[OrganizationForm]:
    """Federal forms in the order of the federal model, then own forms by number."""
    return sorted(forms, key=_form_order)


class OrganizationService:
    def __init__(self, repository: OrganizationRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock

    async def create(
        self, name: str, timezone: str, forms: Iterable[FederalForm] | None = None
    ) -> Organization:
        """A new organization; all five federal forms on unless ``forms`` says which.

        Raises :class:`OrganizationError` for an empty or long name or an unknown time zone.
        """
        cleaned = check_name(name)
        zone = check_timezone(timezone)
        chosen = set(FederalForm) if forms is None else set(forms)
        if not chosen:
            raise OrganizationError(OrganizationProblem.NO_FORMS)
        rows = [(form.value, form in chosen) for form in FederalForm]
        return await self._repository.create(cleaned, zone, rows, self._clock.now())

    async def get(self, organization_id: int) -> Organization | None:
        return await self._repository.get(organization_id)

    async def count(self) -> int:
        return await self._repository.count()

    async def listing(self, page: int, per_page: int) -> list[OrganizationListing]:
        """One page (from 0) of organizations, oldest first."""
        return await self._repository.listing(per_page, max(0, page) * per_page)

    # -- forms ----------------------------------------------------------------------------
    async def forms(self, organization_id: int) -> list[OrganizationForm]:
        """Federal forms in the order of the federal model, then own forms by number."""
        return ordered_forms(await self._repository.forms(organization_id))

    async def enabled_forms(self, organization_id: int) -> list[OrganizationForm]:
        return [form for form in await self.forms(organization_id) if form.enabled]

    async def toggle_form(self, organization_id: int, code: str) -> FormChange:
        form = await self._repository.form(organization_id, code)
        if form is None:
            return FormChange(None, FormRejection.UNKNOWN)
        changed = await self._repository.set_form_enabled(organization_id, code, not form.enabled)
        if changed is None:
            return FormChange(None, FormRejection.UNKNOWN)
        if form.enabled and changed.enabled:
            return FormChange(changed, FormRejection.LAST_ENABLED)
        return FormChange(changed)

    @staticmethod
    def check_form_title(title: str) -> FormRejection | None:
        cleaned = " ".join(title.split())
        if not cleaned:
            return FormRejection.EMPTY_TITLE
        if len(cleaned) > MAX_FORM_TITLE_LENGTH:
            return FormRejection.TITLE_TOO_LONG
        return None

    async def add_own_form(self, organization_id: int, title: str) -> FormChange:
        rejection = self.check_form_title(title)
        if rejection:
            return FormChange(None, rejection)
        cleaned = " ".join(title.split())
        own = [form for form in await self._repository.forms(organization_id) if form.is_own]
        if any((form.title or "").casefold() == cleaned.casefold() for form in own):
            return FormChange(None, FormRejection.DUPLICATE)
        if len(own) >= MAX_OWN_FORMS:
            return FormChange(None, FormRejection.TOO_MANY)
        return FormChange(await self._repository.add_own_form(organization_id, cleaned))

    # -- curators -------------------------------------------------------------------------
    async def add_curator(self, organization_id: int, telegram_id: int) -> CuratorAppointment:
        """Appoint a curator directly (administrators); a person curates one organization.

        Raises :class:`OrganizationError` when the organization does not exist.
        """
        if await self._repository.get(organization_id) is None:
            raise OrganizationError(OrganizationProblem.UNKNOWN_ORGANIZATION, str(organization_id))
        added, current = await self._repository.add_curator(
            organization_id, telegram_id, self._clock.now()
        )
        return CuratorAppointment(added, current)

    async def curator_organization_id(self, telegram_id: int) -> int | None:
        curator = await self._repository.curator(telegram_id)
        return None if curator is None else curator.organization_id

    async def curators(self, organization_id: int) -> list[Curator]:
        return await self._repository.curators_of(organization_id)

    async def all_curators(self) -> list[Curator]:
        return await self._repository.all_curators()

    # -- a form's people and pace (issue 14) --------------------------------------------------
    async def form(self, organization_id: int, code: str) -> OrganizationForm | None:
        """One form of this organization; None when it has none with this code."""
        return await self._repository.form(organization_id, code)

    async def set_form_profile(
        self,
        organization_id: int,
        code: str,
        *,
        mentor_kind: ParticipantKind | None = None,
        mentee_kind: ParticipantKind | None = None,
        pace: FormPace | None = None,
        allows_groups: bool | None = None,
    ) -> FormProfileChange:
        """Declare who a form's mentors and mentees are, how its pairs work and whether a
        mentor may lead a group. Only what is given changes; the rest stays as it was.

        The organization is the caller's (a curator's own): a form of another organization
        is "unknown", and nothing changes. A kind equal to the form's default is stored as
        the default (None), so a federal form keeps following its own profile.
        """
        form = await self._repository.form(organization_id, code)
        if form is None:
            return FormProfileChange(None, FormRejection.UNKNOWN)
        defaults = default_kinds(code)
        new_mentor = form.mentor_kind if mentor_kind is None else mentor_kind
        new_mentee = form.mentee_kind if mentee_kind is None else mentee_kind
        changed = await self._repository.set_form_profile(
            organization_id,
            code,
            mentor_kind=None if new_mentor is defaults[0] else new_mentor,
            mentee_kind=None if new_mentee is defaults[1] else new_mentee,
            pace=form.pace if pace is None else pace,
            allows_groups=form.allows_groups if allows_groups is None else allows_groups,
        )
        if changed is None:
            return FormProfileChange(None, FormRejection.UNKNOWN)
        return FormProfileChange(changed)
