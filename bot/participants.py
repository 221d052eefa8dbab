"""Joining the programme: age, consent (a legal representative's for minors), statuses."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.clock import Clock
from bot.models.participants import CandidateRow, Consent, GuardianRequest, Participant
from bot.paging import clamp_page
from bot.versioned import VersionedCache
from dialogs.ages import age_group
from storage.repositories.participants import ParticipantRepository

# Bumped whenever the wording of a consent template changes; stored with every consent.
CONSENT_VERSION = "2026-12-1"

MIN_AGE = 10

# A full name: at least two words of letters (hyphens and apostrophes inside a word allowed).
_FULL_NAME = re.compile(r"^[^\W\d_][^\W\d_'’\-]*(?:[ '’\-]+[^\W\d_][^\W\d_'’\-]*)+$")


def clean_full_name(text: str) -> str | None:
    """The name with single spaces, or None when it does not look like a person's full name."""
    name = " ".join(text.split())
    return name if 5 <= len(name) <= 200 and _FULL_NAME.match(name) else None


def clean_phone(number: str) -> str:
    """A number from Telegram's contact button as the curator reads it: digits with a leading
    «+» (Telegram sends them without it)."""
    digits = "".join(ch for ch in number if ch.isdigit())[:20]
    return f"+{digits}" if digits else number.strip()[:32]


class AgeGroup(StrEnum):
    CHILD = "child"  # under 14: only a legal representative can consent
    TEEN = "teen"  # 14 to 17: own consent, and a representative's before matching
    ADULT = "adult"


class Status(StrEnum):
    WAITING_CONSENT = "waiting_consent"
    WAITING_GUARDIAN = "waiting_guardian"
    QUESTIONNAIRE = "questionnaire"
    READY = "ready"
    # The curator's view only (:func:`candidate_status`): a representative consented and the
    # curator has not yet checked them; the minor is not matched until then.
    WAITING_CHECK = "waiting_check"


class Relation(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    GUARDIAN = "guardian"
    OTHER = "other"


def text_fingerprint(text: str) -> str:
    """SHA-256 of the exact consent text shown, so the record proves what was agreed to."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def status_of(participant: Participant, has_self: bool, has_representative: bool) -> Status:
    group = participant.age_group
    if group == AgeGroup.CHILD and not has_representative:
        return Status.WAITING_GUARDIAN
    if group != AgeGroup.CHILD and not has_self:
        return Status.WAITING_CONSENT
    if participant.confirmed_at is None:
        return Status.QUESTIONNAIRE
    if group == AgeGroup.TEEN and not has_representative:
        return Status.WAITING_GUARDIAN
    return Status.READY


def candidate_status(row: CandidateRow) -> Status:
    """The status the curator's lists and matching see: :func:`status_of`, except that a
    representative's consent the curator has not checked holds the minor at
    :attr:`Status.WAITING_CHECK` (the minor's own view does not change: they have done their
    part). Mirrors the ``status`` of ``storage.repositories.participants.CANDIDATES_SQL``."""
    status = status_of(row.participant, row.has_self_consent, row.has_representative_consent)
    if status in (Status.WAITING_GUARDIAN, Status.WAITING_CONSENT):
        return status
    if row.has_representative_consent and not row.representative_checked:
        return Status.WAITING_CHECK
    return status


def may_answer(participant: Participant, consents: list[Consent]) -> bool:
    """The questionnaire opens with the person's own consent, or a representative's for a child."""
    needed = "representative" if participant.age_group == AgeGroup.CHILD else "self"
    return any(c.kind == needed for c in consents)


class GuardianProblem(StrEnum):
    UNKNOWN = "unknown"
    TAKEN = "taken"  # another person opened this single-use link first
    OWN_LINK = "own_link"  # the child opened the link meant for the parent
    ALREADY_GIVEN = "already_given"


@dataclass(frozen=True)
class GuardianCase:
    request: GuardianRequest
    child: Participant


@dataclass(frozen=True)
class StatusCount:
    role: str
    status: Status
    names: list[str | None]


@dataclass(frozen=True)
class CandidatePage:
    """A page of the organization's candidates and the counts of all of them."""

    counts: dict[tuple[str, Status], int]  # (role, status): how many
    rows: list[tuple[CandidateRow, Status]]
    page: int
    pages: int


class ParticipantService:
    def __init__(self, repository: ParticipantRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock
        self._lists: VersionedCache[Any] = VersionedCache()

    @property
    def today(self) -> date:
        return self._clock.now().date()

    async def get(self, participant_id: int | None) -> Participant | None:
        """The participant; None when there is none, e.g. the empty side of a pair whose
        participant withdrew (``participant_id`` None)."""
        if participant_id is None:
            return None
        return await self._repository.get(participant_id)

    async def many(self, participant_ids: Collection[int]) -> dict[int, Participant]:
        return await self._repository.many(participant_ids)

    async def owned(self, participant_id: int, telegram_id: int) -> Participant | None:
        """The participant, only if it is this person's own."""
        participant = await self._repository.get(participant_id)
        if participant is None or participant.telegram_id != telegram_id:
            return None
        return participant

    async def find(self, organization_id: int, telegram_id: int, role: str) -> Participant | None:
        return await self._repository.find(organization_id, telegram_id, role)

    async def of_user(self, telegram_id: int) -> list[Participant]:
        return await self._repository.of_telegram_user(telegram_id)

    async def other_role(
        self, organization_id: int, telegram_id: int, role: str
    ) -> Participant | None:
        """The person's participation in the other role of the same organization, if any.

        Both roles at once are legitimate (in the teacher–teacher form a teacher mentors one
        colleague and is mentored by another), but joining a second time must be a choice the
        person makes knowingly, not a side effect of opening the wrong link."""
        for participant in await self._repository.of_telegram_user(telegram_id):
            if participant.organization_id == organization_id and participant.role != role:
                return participant
        return None

    async def waiting_for_guardian(self, telegram_id: int) -> Participant | None:
        """The person's participation that waits for a legal representative's consent."""
        for participant in await self._repository.of_telegram_user(telegram_id):
            if await self.status(participant) is Status.WAITING_GUARDIAN:
                return participant
        return None

    async def join(
        self,
        *,
        organization_id: int,
        telegram_id: int,
        role: str,
        birth_date: date | None,
        invitation_id: int | None,
    ) -> Participant | None:
        group = AgeGroup(age_group(birth_date, self.today)) if birth_date else AgeGroup.ADULT
        return await self._repository.create(
            organization_id=organization_id,
            telegram_id=telegram_id,
            role=role,
            age_group=group.value,
            birth_date=birth_date if group != AgeGroup.ADULT else None,
            invitation_id=invitation_id,
            now=self._clock.now(),
        )

    async def consents(self, participant_id: int) -> list[Consent]:
        return await self._repository.consents_of(participant_id)

    async def status(self, participant: Participant) -> Status:
        kinds = {c.kind for c in await self._repository.consents_of(participant.id)}
        return status_of(participant, "self" in kinds, "representative" in kinds)

    async def give_own_consent(
        self, participant: Participant, shown_text: str, locale: str
    ) -> bool:
        return await self._repository.add_consent(
            participant_id=participant.id,
            kind="self",
            given_by=participant.telegram_id,
            text_version=CONSENT_VERSION,
            text_sha256=text_fingerprint(shown_text),
            locale=locale,
            now=self._clock.now(),
        )

    async def decline(self, participant: Participant) -> None:
        """Declining keeps nothing but an anonymous count of refusals."""
        await self._repository.delete(participant.id, "declined", self.today, self._clock.now())

    async def guardian_request(self, participant: Participant, child_name: str) -> GuardianRequest:
        """The parent's link of this minor: the existing one while nobody has opened it (so a
        link sent again is the same link), a fresh one when someone else opened it first
        without consenting (the old one then stops working)."""
        request = await self._repository.create_guardian_request(
            participant.id, secrets.token_urlsafe(18), child_name[:128], self._clock.now()
        )
        if request.opened_by is not None:
            kinds = {c.kind for c in await self._repository.consents_of(participant.id)}
            if "representative" not in kinds:
                request = await self._repository.renew_guardian_request(
                    request.id, secrets.token_urlsafe(18)
                )
        return request

    async def open_guardian_link(
        self, token: str, telegram_id: int
    ) -> GuardianCase | GuardianProblem:
        request = await self._repository.guardian_request_by_token(token)
        child = await self._repository.get(request.participant_id) if request else None
        if request is None or child is None:
            return GuardianProblem.UNKNOWN
        if child.telegram_id == telegram_id:
            return GuardianProblem.OWN_LINK
        if any(c.kind == "representative" for c in await self._repository.consents_of(child.id)):
            return GuardianProblem.ALREADY_GIVEN
        if not await self._repository.claim_guardian_request(
            request.id, telegram_id, self._clock.now()
        ):
            return GuardianProblem.TAKEN
        return GuardianCase(request, child)

    async def give_guardian_consent(
        self,
        case: GuardianCase,
        telegram_id: int,
        name: str,
        relation: Relation,
        shown_text: str,
        locale: str,
        child_name: str,
        phone: str | None = None,
    ) -> bool:
        """``phone``: the representative's own number from Telegram's contact button."""
        if case.request.opened_by not in (None, telegram_id):
            return False
        return await self._repository.add_consent(
            participant_id=case.child.id,
            kind="representative",
            given_by=telegram_id,
            representative_name=name,
            representative_relation=relation.value,
            child_name=child_name,
            representative_phone=phone,
            text_version=CONSENT_VERSION,
            text_sha256=text_fingerprint(shown_text),
            locale=locale,
            now=self._clock.now(),
        )

    async def guardian_declines(self, case: GuardianCase) -> None:
        """A representative's refusal: the child's data is deleted, the refusal counted."""
        await self._repository.delete(
            case.child.id, "guardian_declined", self.today, self._clock.now()
        )

    async def candidates(self, organization_id: int) -> list[tuple[CandidateRow, Status]]:
        rows = await self._repository.candidates(organization_id)
        return [
            (
                row,
                candidate_status(row),
            )
            for row in rows
        ]

    async def version(self, organization_id: int) -> int:
        """The organization's change counter (:mod:`bot.versioned`)."""
        return await self._repository.version(organization_id)

    async def versions(self, organization_id: int) -> tuple[int, int]:
        """The lists' counter and the pairs' activity counter (meetings, feedback, names)."""
        return await self._repository.versions(organization_id)

    async def candidate_page(
        self, organization_id: int, page: int, size: int, order: Sequence[Status]
    ) -> CandidatePage:
        """One page of :meth:`candidates` ordered by role, status in ``order`` and id, with
        the counts of all of them. The order and the statuses of the whole list are kept
        until the school's counter moves; a page reads its own rows. A page past the end (the
        list became shorter) is the last one.

        The counts and each page's ids are kept until the school's counter moves; both are
        counted in SQL (a few rows each), not by reading the whole list: the counter moves
        whenever anyone of a large school answers a question."""
        version = await self.version(organization_id)
        counts = await self._lists.get(
            ("candidate counts", organization_id),
            version,
            lambda: self._candidate_counts(organization_id),
        )
        page, pages = clamp_page(page, sum(counts.values()), size)
        statuses = tuple(status.value for status in order)
        ids = await self._lists.get(
            ("candidate page", organization_id, statuses, page, size),
            version,
            lambda: self._repository.candidate_page_ids(
                organization_id, statuses, page * size, size
            ),
        )
        found = await self._repository.candidate_rows(organization_id, ids)
        rows = [found[i] for i in ids if i in found]
        return CandidatePage(
            counts,
            [
                (
                    row,
                    candidate_status(row),
                )
                for row in rows
            ],
            page,
            pages,
        )

    async def _candidate_counts(self, organization_id: int) -> dict[tuple[str, Status], int]:
        """How many of today's candidates there are by (role, status)."""
        counted = await self._repository.candidate_counts(organization_id)
        return {(role, Status(status)): count for role, status, count in counted}

    async def candidate(
        self, organization_id: int, participant_id: int
    ) -> tuple[CandidateRow, Status] | None:
        """One of :meth:`candidates` by id, with their status; None for anyone else."""
        row = await self._repository.candidate(organization_id, participant_id)
        if row is None:
            return None
        return row, candidate_status(row)

    async def ready_mentor_page(
        self, organization_id: int, page: int, size: int
    ) -> tuple[list[Participant], int, int, int, int]:
        """One page of the mentors ready for admission (those waiting for a decision first,
        then by id): (the page's mentors, how many there are, how many wait for a decision,
        the page shown, the page count). The list is kept until the school's counter moves."""
        listed = await self._lists.get(
            ("ready_mentors", organization_id),
            await self.version(organization_id),
            lambda: self._repository.ready_mentor_order(organization_id),
        )
        waiting = sum(1 for _, undecided in listed if undecided)
        page, pages = clamp_page(page, len(listed), size)
        ids = [pid for pid, _ in listed[page * size : (page + 1) * size]]
        found = await self._repository.many(ids)
        return [found[i] for i in ids if i in found], len(listed), waiting, page, pages

    async def refusals(self, organization_id: int) -> dict[str, int]:
        return await self._repository.count_events(organization_id)
