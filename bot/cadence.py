"""The cadence guard and the curator's view of meetings.

The documents require a meeting at least every two weeks. Once a day (per organization's local
date, recorded in ``job_runs``, so a restart or a fake clock never repeats or skips a run) the
guard nudges a pair with no held meeting for 14 days plus the organization's grace, once per
overdue spell, and puts it on the "needs attention" list if it is still overdue a grace later.
Two missed meetings in a row and an incompatibility answer put a pair on the list at once.
A held meeting resolves the pair's open reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from bot.clock import Clock
from bot.followups import FollowupService
from bot.models.attention import Attention
from bot.models.followups import Followup
from bot.models.meetings import Meeting
from bot.models.plans import PlanRow, RhythmRow
from bot.organizations import OrganizationService
from bot.pairing import PairingService, PairPeople
from bot.schedule import is_overdue, local_to_utc, utc_to_local
from dialogs.compatibility import is_incompatible
from storage.repositories.cadence import CadenceRepository
from storage.repositories.meetings import MeetingRepository

OVERDUE_DAYS = 14
DAILY_FROM = time(9, 0)  # nudges come in the school's morning, not at night
DIGEST_FROM = time(8, 0)  # the weekly digest: Monday from 08:00 local time
UPCOMING_DAYS = 14


# The answers of the compatibility form that alert the curator when they are a "no".
ALERTING_QUESTIONS = ("comfortable", "understand_plan")


def alerts_curator(answers: Mapping[str, Any]) -> bool:
    """A "no" from either side alerts the curator (the issue's wording): rather not or not
    comfortable working together, or not understanding what to do together."""
    return is_incompatible(answers) or answers.get("understand_plan") in (False, "no")


class Reason(StrEnum):
    MISSED_TWICE = "missed_twice"
    INCOMPATIBLE = "incompatible"
    OVERDUE = "overdue"


class PairMark(StrEnum):
    ON_TRACK = "on_track"
    NEEDS_CHECK_IN = "needs_check_in"
    TOO_EARLY = "too_early"


def pair_mark(
    *, meetings_due: int, attention_open: bool, last_missed: bool, overdue: bool
) -> PairMark:
    """How the pair is doing, for the curator's list.

    A reason to look comes first, even for a new pair (an incompatibility answer after the
    trial meeting must not hide behind "too early"): an open attention reason, a last meeting
    that did not happen, or no held meeting for too long means "needs check-in". Otherwise
    fewer than two meetings whose time has come is "too early to tell", and the rest is "on
    track".
    """
    if attention_open or last_missed or overdue:
        return PairMark.NEEDS_CHECK_IN
    if meetings_due < 2:
        return PairMark.TOO_EARLY
    return PairMark.ON_TRACK


@dataclass(frozen=True)
class Raised:
    """A reason the pair was just put on the list for; the curators are told once."""

    attention: Attention
    people: PairPeople


@dataclass(frozen=True)
class Nudge:
    """A pair nudged for having no held meeting for too long."""

    people: PairPeople
    last_held: datetime | None  # None: the pair has never met

    @property
    def never_met(self) -> bool:
        return self.last_held is None


@dataclass(frozen=True)
class DailyReport:
    nudged: list[Nudge]
    raised: list[Raised]


@dataclass(frozen=True)
class Digest:
    organization_id: int
    curator_telegram_ids: list[int]
    week_start: date
    held: list[Meeting]
    missed: list[Meeting]
    unanswered: int  # "did the meeting take place?" asked and not answered
    feedback_missing: int  # said "held" and did not complete the feedback form
    attention: list[tuple[Attention, PairPeople]]

    @property
    def empty(self) -> bool:
        return not (
            self.held or self.missed or self.unanswered or self.feedback_missing or self.attention
        )


@dataclass(frozen=True)
class PairHistory:
    people: PairPeople
    held: int
    moved: int
    missed: int
    cancelled: int
    usefulness: float | None
    plan: PlanRow | None
    rhythm: RhythmRow | None
    attention: list[Attention]
    last_held: datetime | None
    overdue: bool
    mark: PairMark
    unanswered: list[Followup]


@dataclass(frozen=True)
class OverdueRow:
    people: PairPeople
    last_held: datetime | None


class CadenceService:
    def __init__(
        self,
        repository: CadenceRepository,
        meetings: MeetingRepository,
        followups: FollowupService,
        pairing: PairingService,
        organizations: OrganizationService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._meetings = meetings
        self._followups = followups
        self._pairing = pairing
        self._organizations = organizations
        self._clock = clock

    # -- reactions to answers ------------------------------------------------------------------
    async def meeting_held(self, pair_id: int) -> None:
        await self._repository.resolve_pair(pair_id, self._clock.now())

    async def meeting_missed(self, organization_id: int, pair_id: int) -> Raised | None:
        """Two missed meetings in a row (by time, the cancelled ones aside) raise attention."""
        decided = [
            m for m in await self._meetings.of_pair(pair_id) if m.status in ("held", "missed")
        ]
        if len(decided) < 2 or any(m.status != "missed" for m in decided[-2:]):
            return None
        return await self._raise(organization_id, pair_id, Reason.MISSED_TWICE, None)

    async def incompatible(
        self, organization_id: int, pair_id: int, detail: str | None
    ) -> Raised | None:
        return await self._raise(organization_id, pair_id, Reason.INCOMPATIBLE, detail)

    async def _raise(
        self, organization_id: int, pair_id: int, reason: Reason, detail: str | None
    ) -> Raised | None:
        pair = await self._pairing.pair(organization_id, pair_id)
        if pair is None or pair.ended_on is not None:
            return None
        people = await self._pairing.people(pair)
        if people is None:
            return None
        detail = " ".join(detail.split())[:500] if detail else None
        now = self._clock.now()
        attention_id = await self._repository.raise_attention(pair_id, reason.value, detail, now)
        if attention_id is None:
            return None  # already on the list for this reason: the curator was told
        return Raised(Attention(attention_id, pair_id, reason.value, detail, now, None), people)

    async def resolve(self, organization_id: int, attention_id: int) -> bool:
        return await self._repository.resolve(attention_id, organization_id, self._clock.now())

    async def attention(self, organization_id: int) -> list[tuple[Attention, PairPeople]]:
        result = []
        for item in await self._repository.open_of_organization(organization_id):
            pair = await self._pairing.pair(organization_id, item.pair_id)
            people = await self._pairing.people(pair) if pair else None
            if people is not None:
                result.append((item, people))
        return result

    # -- the daily guard -----------------------------------------------------------------------
    async def daily(self) -> DailyReport:
        """Run the guard for every organization whose local day has not been checked yet."""
        now = self._clock.now()
        report = DailyReport([], [])
        for organization_id, timezone in await self._repository.organizations():
            local = utc_to_local(now, timezone)
            if local.time() < DAILY_FROM:
                continue
            if not await self._repository.claim_run(
                "cadence", str(organization_id), local.date().isoformat(), now
            ):
                continue
            grace = (await self._followups.settings(organization_id)).grace_days
            for people in await self._pairing.active_pairs(organization_id):
                await self._check_pair(people, timezone, grace, now, report)
        return report

    async def _check_pair(
        self, people: PairPeople, timezone: str, grace: int, now: datetime, report: DailyReport
    ) -> None:
        pair = people.pair
        last_held = self._last_held(await self._meetings.of_pair(pair.id))
        started = self._started(people, timezone)
        if not is_overdue(last_held, now=now, started=started, days=OVERDUE_DAYS, grace_days=grace):
            return
        since = started if last_held is None else max(last_held, started)
        if await self._repository.nudge_once(pair.id, since, now):
            report.nudged.append(Nudge(people, last_held))
            return
        nudged = await self._repository.nudged_at(pair.id, since)
        if nudged is None or now - nudged < timedelta(days=max(grace, 1)):
            return
        # Once per overdue spell: a reason the curator has resolved is not raised again daily.
        if not await self._repository.raised_since(pair.id, Reason.OVERDUE.value, nudged):
            raised = await self._raise(pair.organization_id, pair.id, Reason.OVERDUE, None)
            if raised is not None:
                report.raised.append(raised)

    @staticmethod
    def _last_held(meetings: list[Meeting]) -> datetime | None:
        held = [m.starts_at for m in meetings if m.status == "held"]
        return max(held) if held else None

    @staticmethod
    def _started(people: PairPeople, timezone: str) -> datetime:
        return local_to_utc(datetime.combine(people.pair.started_on, time()), timezone)

    # -- the weekly digest ---------------------------------------------------------------------
    async def digests(self) -> list[Digest]:
        """One digest per organization and local ISO week, on Monday from 08:00 local time.

        A bot that was down on Monday sends the week's digest on Tuesday when it is back."""
        now = self._clock.now()
        digests: list[Digest] = []
        for organization_id, timezone in await self._repository.organizations():
            curators = await self._organizations.curators(organization_id)
            if not curators:
                continue
            local = utc_to_local(now, timezone)
            monday = local.date() - timedelta(days=local.weekday())
            # Monday from 08:00; a bot that was down then catches up on Tuesday.
            if local.weekday() > 1 or (local.weekday() == 0 and local.time() < DIGEST_FROM):
                continue
            year, week, _ = monday.isocalendar()
            if not await self._repository.claim_run(
                "digest", str(organization_id), f"{year}-W{week:02d}", now
            ):
                continue
            recipients = [c.telegram_id for c in curators]
            digest = await self.digest(organization_id, timezone, monday, recipients)
            # An organization with no pairs yet (or any more) and a quiet week gets no message
            # of zeros: the digest is for following pairs, not a weekly ping.
            if digest.empty and not await self._pairing.active_pairs(organization_id):
                continue
            digests.append(digest)
        return digests

    async def digest(
        self, organization_id: int, timezone: str, monday: date, recipients: list[int]
    ) -> Digest:
        """The week before ``monday`` (local), for the organization's curators."""
        start = local_to_utc(datetime.combine(monday - timedelta(days=7), time()), timezone)
        end = local_to_utc(datetime.combine(monday, time()), timezone)
        decided = await self._repository.meetings_of_organization(
            organization_id, ("held", "missed"), start, end
        )
        return Digest(
            organization_id=organization_id,
            curator_telegram_ids=recipients,
            week_start=monday - timedelta(days=7),
            held=[m for m in decided if m.status == "held"],
            missed=[m for m in decided if m.status == "missed"],
            unanswered=len(await self._followups.unanswered(organization_id)),
            feedback_missing=await self._followups.feedback_missing(organization_id, start),
            attention=await self.attention(organization_id),
        )

    # -- the curator's views -------------------------------------------------------------------
    async def upcoming(self, organization_id: int) -> list[Meeting]:
        now = self._clock.now()
        return await self._repository.meetings_of_organization(
            organization_id, ("proposed", "confirmed"), now, now + timedelta(days=UPCOMING_DAYS)
        )

    async def overdue(self, organization_id: int) -> list[OverdueRow]:
        """Active pairs with no held meeting beyond the limit (14 days and the grace)."""
        organization = await self._organizations.get(organization_id)
        if organization is None:
            return []
        grace = (await self._followups.settings(organization_id)).grace_days
        now = self._clock.now()
        rows = []
        for people in await self._pairing.active_pairs(organization_id):
            last = self._last_held(await self._meetings.of_pair(people.pair.id))
            started = self._started(people, organization.timezone)
            if is_overdue(last, now=now, started=started, days=OVERDUE_DAYS, grace_days=grace):
                rows.append(OverdueRow(people, last))
        return rows

    async def unanswered(self, organization_id: int) -> list[Followup]:
        return await self._followups.unanswered(organization_id)

    async def history(self, organization_id: int, pair_id: int) -> PairHistory | None:
        """One pair of this organization (None for another organization's pair)."""
        pair = await self._pairing.pair(organization_id, pair_id)
        organization = await self._organizations.get(organization_id)
        people = await self._pairing.people(pair) if pair else None
        if people is None or organization is None:
            return None
        now = self._clock.now()
        meetings = await self._meetings.of_pair(pair_id)
        decided = [m for m in meetings if m.status in ("held", "missed")]
        due = [
            m
            for m in meetings
            if m.status in ("held", "missed", "confirmed") and m.starts_at <= now
        ]
        last_held = self._last_held(meetings)
        grace = (await self._followups.settings(organization_id)).grace_days
        overdue = is_overdue(
            last_held,
            now=now,
            started=self._started(people, organization.timezone),
            days=OVERDUE_DAYS,
            grace_days=grace,
        )
        attention = await self._repository.open_of_pair(pair_id)
        unanswered = [
            f for f in await self._followups.unanswered(organization_id)
            if f.meeting_id in {m.id for m in meetings}
        ]  # fmt: skip
        return PairHistory(
            people=people,
            held=sum(1 for m in meetings if m.status == "held"),
            moved=sum(
                1 for m in meetings if m.status == "cancelled" and m.cancel_reason == "moved"
            ),
            missed=sum(1 for m in meetings if m.status == "missed"),
            cancelled=sum(
                1
                for m in meetings
                if m.status == "cancelled" and m.cancel_reason not in ("moved", "superseded")
            ),
            usefulness=await self._followups.usefulness(pair_id),
            plan=await self._followups.plan_of(pair_id),
            rhythm=await self._followups.rhythm(pair_id),
            attention=attention,
            last_held=last_held,
            overdue=overdue,
            mark=pair_mark(
                meetings_due=len(due),
                attention_open=bool(attention),
                last_missed=bool(decided) and decided[-1].status == "missed",
                overdue=overdue,
            ),
            unanswered=unanswered,
        )

    async def marks(self, organization_id: int) -> list[tuple[PairPeople, PairMark]]:
        result = []
        for people in await self._pairing.active_pairs(organization_id):
            history = await self.history(organization_id, people.pair.id)
            if history is not None:
                result.append((people, history.mark))
        return result
