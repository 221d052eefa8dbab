"""The legal representative of a minor (issue 14, "Parents").

Who the representative is must be checkable: their consent carries the phone number they
shared with Telegram's own contact button, and the curator confirms them against the school's
records (or records that a paper consent was received) before the child can be matched
(:func:`bot.participants.candidate_status`). The representative is then told when the child's
pair is approved (the mentor's name and role, never a contact), gets the meeting times if they
choose to (date, time and format; never the place, which may be someone's home), can see the
child's plan and can write to the curator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.meeting_sides import MeetingView
from bot.models.organizations import OrganizationForm
from bot.models.plans import PlanRow
from bot.organizations import OrganizationService
from bot.paging import clamp_page
from bot.pair_plans import PairPlanService
from bot.pairing import PairPeople
from bot.support import MAX_REQUESTS_PER_DAY, SupportRejection, SupportService
from dialogs.workplace import WORKPLACE_ORG, WORKPLACE_POSITION
from storage.repositories.representatives import (
    Recipient,
    RepresentativeRepository,
    RepresentedChild,
)
from storage.repositories.support import SupportRepository

__all__ = [
    "CheckOutcome",
    "CheckWay",
    "ChildPlan",
    "CuratorMessage",
    "MeetingNotice",
    "PairNotice",
    "RepresentativeService",
    "RepresentedChild",
]


class CheckWay(StrEnum):
    RECORDS = "records"  # the curator compared the name and phone with the school's records
    PAPER = "paper"  # a paper consent signed by the representative was received


class CheckOutcome(StrEnum):
    DONE = "done"
    ALREADY = "already"  # checked before (a double tap, or another curator)
    NOT_FOUND = "not_found"  # not a minor with a representative of this organization


@dataclass(frozen=True)
class PairNotice:
    """What a representative is told of the child's approved pair: no contact of anyone."""

    telegram_id: int
    participant_id: int
    child_name: str
    mentor_name: str
    position: str | None  # the mentor's position, class or course, as they gave it
    workplace: str | None  # the mentor's organization
    form: OrganizationForm | None
    form_code: str
    meeting_times: bool


@dataclass(frozen=True)
class MeetingNotice:
    """A meeting of the child's pair confirmed (a moved meeting is confirmed anew at its new
    time): when and how, never where."""

    telegram_id: int
    child_name: str
    view: MeetingView
    moved_from: datetime | None = None  # when the meeting was to be before it was moved


@dataclass(frozen=True)
class ChildPlan:
    child: RepresentedChild
    in_pair: bool
    plan: PlanRow | None


@dataclass(frozen=True)
class CuratorMessage:
    child: RepresentedChild | None
    rejection: SupportRejection | None
    curators: tuple[int, ...] = ()


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


class RepresentativeService:
    def __init__(
        self,
        repository: RepresentativeRepository,
        organizations: OrganizationService,
        pair_plans: PairPlanService,
        support: SupportRepository,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._organizations = organizations
        self._pair_plans = pair_plans
        self._support = support
        self._clock = clock

    # -- the representative ------------------------------------------------------------
    async def children(self, telegram_id: int) -> list[RepresentedChild]:
        return await self._repository.children_of(telegram_id)

    async def child(self, telegram_id: int, participant_id: int) -> RepresentedChild | None:
        """The child, only for the person who consented for them."""
        for child in await self._repository.children_of(telegram_id):
            if child.participant.id == participant_id:
                return child
        return None

    async def set_meeting_times(
        self, telegram_id: int, participant_id: int, on: bool
    ) -> RepresentedChild | None:
        if await self.child(telegram_id, participant_id) is None:
            return None
        await self._repository.set_meeting_times(participant_id, telegram_id, on)
        return await self.child(telegram_id, participant_id)

    async def plan(self, telegram_id: int, participant_id: int) -> ChildPlan | None:
        """The plan of the child's active pair (goals and the program's end); None for
        anyone but the child's representative."""
        child = await self.child(telegram_id, participant_id)
        if child is None:
            return None
        pair_id = await self._repository.active_pair_of(participant_id)
        if pair_id is None:
            return ChildPlan(child, False, None)
        return ChildPlan(child, True, await self._pair_plans.plan_of(pair_id))

    async def write_to_curator(
        self, telegram_id: int, participant_id: int, body: str
    ) -> CuratorMessage:
        """A message to the curators of the child's organization, kept like a support
        request (the same limits); the curators are returned to be told."""
        child = await self.child(telegram_id, participant_id)
        if child is None:
            return CuratorMessage(None, None)
        rejection = SupportService.check_body(body)
        if rejection is not None:
            return CuratorMessage(child, rejection)
        now = self._clock.now()
        if await self._support.count_since(telegram_id, now - timedelta(days=1)) >= (
            MAX_REQUESTS_PER_DAY
        ):
            return CuratorMessage(child, SupportRejection.TOO_MANY)
        await self._support.add(telegram_id, "question", body.strip(), now)
        curators = await self._organizations.curators(child.participant.organization_id)
        return CuratorMessage(child, None, tuple(c.telegram_id for c in curators))

    # -- the curator ----------------------------------------------------------------------
    async def card(self, organization_id: int, participant_id: int) -> RepresentedChild | None:
        return await self._repository.child(organization_id, participant_id)

    async def waiting(
        self, organization_id: int, page: int, size: int
    ) -> tuple[list[RepresentedChild], int, int, int]:
        """A page of the minors waiting for the check: (children, how many, page, pages)."""
        _shown, total = await self._repository.waiting_check(organization_id, 0, 0)
        page, pages = clamp_page(page, total, size)
        shown, total = await self._repository.waiting_check(organization_id, page * size, size)
        return shown, total, page, pages

    async def check(
        self, organization_id: int, participant_id: int, way: CheckWay, curator: int
    ) -> CheckOutcome:
        child = await self._repository.child(organization_id, participant_id)
        if child is None:
            return CheckOutcome.NOT_FOUND
        if await self._repository.check(
            organization_id, participant_id, way.value, curator, self._clock.now()
        ):
            return CheckOutcome.DONE
        return CheckOutcome.ALREADY

    # -- what representatives are told ------------------------------------------------------
    async def pair_notices(self, people: PairPeople) -> list[PairNotice]:
        """The representatives of the pair's mentee, to be told of the approved pair."""
        recipients = await self._repository.recipients([people.mentee.id])
        if not recipients:
            return []
        forms = await self._organizations.forms(people.pair.organization_id)
        form = next((f for f in forms if f.code == people.pair.form), None)
        answers = people.mentor_answers
        name = _text(answers.get("full_name")) or ""
        return [
            PairNotice(
                telegram_id=r.telegram_id,
                participant_id=r.participant_id,
                child_name=r.child_name,
                mentor_name=name,
                position=_text(answers.get(WORKPLACE_POSITION)),
                workplace=_text(answers.get(WORKPLACE_ORG)),
                form=form,
                form_code=people.pair.form,
                meeting_times=r.meeting_times,
            )
            for r in recipients
        ]

    async def meeting_notices(self, view: MeetingView) -> list[MeetingNotice]:
        """The representatives of the pair's mentee who chose to get the meeting times."""
        recipients: list[Recipient] = await self._repository.recipients(
            [view.side.people.mentee.id]
        )
        wanted = [r for r in recipients if r.meeting_times]
        if not wanted:
            return []
        moved = await self._repository.moved_from(view.meeting.id)
        return [MeetingNotice(r.telegram_id, r.child_name, view, moved) for r in wanted]
