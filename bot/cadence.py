"""The cadence guard and the curator's view of meetings.

The documents require a meeting at least every two weeks. A pair is overdue when the time since
its last held meeting (or its start), not counting the organization's holidays, is longer than
the allowed interval plus the organization's grace days; the interval is fourteen days, or the
longer rhythm the curator approved (:func:`is_overdue`, the one place this is decided). Once a
day (per organization's local date, recorded in ``job_runs``, so a restart or a fake clock never
repeats or skips a run) the guard nudges an overdue pair, once per overdue spell, and puts it on
the "needs attention" list if it is still overdue a grace later. Two missed meetings in a row
and an incompatibility answer put a pair on the list at once. A held meeting resolves the
pair's open reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from bot.clock import Clock
from bot.followups import FollowupService
from bot.models.attention import Attention
from bot.models.cadence import CadenceCalendar, PairCadence
from bot.models.followups import Followup
from bot.models.meetings import Meeting
from bot.models.plans import PlanRow, RhythmRow
from bot.organizations import OrganizationService
from bot.paging import clamp_page
from bot.pairing import PairingService, PairPeople
from bot.schedule import Holiday, Rhythm, local_to_utc, upcoming, utc_to_local
from dialogs.compatibility import is_incompatible
from dialogs.forms import FormPace
from storage.repositories.cadence import CadenceRepository
from storage.repositories.meetings import MeetingRepository

OVERDUE_DAYS = 14  # the documents: a meeting at least once every two weeks
DAILY_FROM = time(9, 0)  # nudges come in the school's morning, not at night
DIGEST_FROM = time(8, 0)  # the weekly digest: Monday from 08:00 local time
UPCOMING_DAYS = 14


# The answers of the compatibility form that alert the curator when they are a "no".
ALERTING_QUESTIONS = ("comfortable", "understand_plan")


def alerts_curator(answers: Mapping[str, Any]) -> bool:
    """A "no" from either side alerts the curator (the issue's wording): rather not or not
    comfortable working together, or not understanding what to do together."""
    return is_incompatible(answers) or answers.get("understand_plan") in (False, "no")


# -- the overdue rule ------------------------------------------------------------------------------
def allowed_days(cadence: PairCadence) -> int:
    """Days a pair may go without a held meeting, the grace aside: the documents' fourteen, or
    the interval of the pair's rhythm when the curator approved a longer one. An approval only
    relaxes the rule: a weekly rhythm the curator agreed to still has fourteen days."""
    rhythm = cadence.rhythm
    if rhythm is not None and rhythm.curator_consent:
        return max(OVERDUE_DAYS, rhythm.interval_weeks * 7)
    return OVERDUE_DAYS


def clock_start(cadence: PairCadence, calendar: CadenceCalendar, now: datetime) -> datetime:
    """Where the overdue clock starts: the latest of the pair's start (local midnight), its last
    held meeting, and a meeting of its rhythm that fell on a holiday and so was skipped while
    the pair was still on time.

    The start keeps a restarted pair (or a meeting recorded before the start) from being
    overdue at once; the skipped meeting keeps the holidays from making a pair overdue: its
    next meeting comes a whole interval later, which the holiday days alone do not make up
    for when the break is shorter than the interval and the grace. A pair already overdue
    when the holidays came gets no amnesty from them. The moment also names the overdue
    spell (one nudge per spell)."""
    zone = calendar.timezone
    since = local_to_utc(datetime.combine(cadence.pair.started_on, time()), zone)
    if cadence.last_held is not None:
        since = max(since, cadence.last_held)
    limit = _limit(cadence, calendar)
    for skipped in _skipped_meetings(cadence.rhythm, calendar, since, now):
        if counted_time(since, skipped, calendar) <= limit:
            since = skipped
    return since


def _limit(cadence: PairCadence, calendar: CadenceCalendar) -> timedelta:
    return timedelta(days=allowed_days(cadence) + calendar.grace_days)


def _skipped_meetings(
    row: RhythmRow | None, calendar: CadenceCalendar, since: datetime, now: datetime
) -> list[datetime]:
    """The meetings of the rhythm after ``since`` and by ``now`` that fell on a holiday."""
    if row is None or not calendar.holidays or now <= since or row.interval_weeks < 1:
        return []
    holidays = [Holiday(h.starts_on, h.ends_on, h.title) for h in calendar.holidays]
    step = timedelta(weeks=row.interval_weeks)
    count = min((now - since) // step + 2, _MAX_OCCURRENCES)
    found = upcoming(
        Rhythm(row.weekday, row.local_time, row.interval_weeks),
        timezone=calendar.timezone,
        after=since,
        count=count,
        holidays=holidays,
        anchor=row.anchor_on,
    )
    return [o.starts_at for o in found if o.starts_at <= now and o.skipped_for is not None]


# A pair silent since September is at most a school year of weekly meetings behind.
_MAX_OCCURRENCES = 60


def counted_time(since: datetime, now: datetime, calendar: CadenceCalendar) -> timedelta:
    """The time from ``since`` to ``now`` outside the organization's holidays (whole local days,
    overlapping holidays counted once)."""
    if now <= since:
        return timedelta(0)
    off = timedelta(0)
    cursor = since
    for start, end in _holiday_spans(calendar):
        start, end = max(start, cursor), min(end, now)
        if end > start:
            off += end - start
            cursor = end
    return now - since - off


@lru_cache(maxsize=4096)
def _holiday_spans(calendar: CadenceCalendar) -> tuple[tuple[datetime, datetime], ...]:
    """The holidays as UTC instants from the first day's local midnight to the midnight after
    the last day, in order; computed once per calendar, not once per pair."""
    zone = calendar.timezone
    return tuple(
        sorted(
            (
                local_to_utc(datetime.combine(h.starts_on, time()), zone),
                local_to_utc(datetime.combine(h.ends_on + timedelta(days=1), time()), zone),
            )
            for h in calendar.holidays
        )
    )


def is_overdue(cadence: PairCadence, calendar: CadenceCalendar, now: datetime) -> bool:
    """Whether the pair has gone longer than allowed without a held meeting: the one rule.

    The time since the clock started (:func:`clock_start`), holiday days not counted
    (:func:`counted_time`), against the allowed interval (:func:`allowed_days`) plus the
    organization's grace days. Exactly the limit is still on time: "once every two weeks"
    allows a meeting on the fourteenth day.
    """
    if not keeps_rhythm(cadence.pace):
        return False
    since = clock_start(cadence, calendar, now)
    return counted_time(since, now, calendar) > _limit(cadence, calendar)


def keeps_rhythm(pace: FormPace) -> bool:
    """Whether pairs of a form of this pace owe a meeting every two weeks: only the full cycle.

    A short-term pair meets «по заранее установленному графику для постановки конкретных
    целей, ориентированных на определенные краткосрочные результаты» (003, краткосрочное или
    целеполагающее наставничество) — one or a few meetings around its goal, so a month
    without one is its plan, not a failure: it is never overdue, never nudged, never on the
    "needs attention" list for it (missed meetings and incompatibility still are). A speed
    session is «однократная встреча» and makes no pairs; a pair made in a speed form anyway
    (matching does not know the pace) follows the full cycle and so keeps its rhythm."""
    return pace is not FormPace.SHORT


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
    allowed_days: int = OVERDUE_DAYS  # the pair's interval: 14, or its approved rhythm's

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
    keeps_rhythm: bool = True  # False for a short-term pair: no two-weekly rhythm to relax


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
        """Run the guard for every organization whose local day has not been checked yet.

        The pairs of all these organizations are read and judged at once (a few queries for the
        whole region); only the overdue ones cost more queries (their nudge and people)."""
        now = self._clock.now()
        runs: list[tuple[str, str]] = []
        for organization_id, timezone in await self._repository.organizations():
            local = utc_to_local(now, timezone)
            if local.time() >= DAILY_FROM:
                runs.append((str(organization_id), local.date().isoformat()))
        due = [int(scope) for scope in await self._repository.claim_runs("cadence", runs, now)]
        report = DailyReport([], [])
        if not due:
            return report
        late = await self._overdue_of(due, now)
        people = await self._pairing.people_of([cadence.pair for cadence, _ in late])
        for cadence, calendar in late:
            found = people.get(cadence.pair.id)
            if found is not None:  # a pair one of whose people is gone is nobody's to nudge
                await self._check_pair(found, cadence, calendar, now, report)
        return report

    async def _overdue_of(
        self, organization_ids: Sequence[int], now: datetime
    ) -> list[tuple[PairCadence, CadenceCalendar]]:
        calendars = await self._repository.calendars(organization_ids)
        if not calendars:
            return []
        # Only pairs silent for at least the shortest limit can be overdue (:func:`is_overdue`
        # never allows less than fourteen days plus the grace): the rest are not read.
        grace = min(calendar.grace_days for calendar in calendars.values())
        silent_since = now - timedelta(days=OVERDUE_DAYS + grace)
        late = [
            (cadence, calendars[cadence.pair.organization_id])
            for cadence in await self._repository.active_cadence(organization_ids, silent_since)
            if is_overdue(cadence, calendars[cadence.pair.organization_id], now)
        ]
        return await self._groups_once(late)

    async def _groups_once(
        self, late: list[tuple[PairCadence, CadenceCalendar]]
    ) -> list[tuple[PairCadence, CadenceCalendar]]:
        """A group (migration 0025) is judged once, by its meetings: it is overdue when none
        of its members has held a meeting in time (every member's pair is late), and then it
        is one row, its first member's pair (the mentor schedules the group's meetings). A
        member alone without a held meeting while the group meets is not overdue: their
        absences are the group meetings missed for their pair (two in a row raise attention)."""
        members = await self._repository.group_members([c.pair.id for c, _ in late])
        if not members:
            return late
        late_ids = {cadence.pair.id for cadence, _ in late}
        kept: list[tuple[PairCadence, CadenceCalendar]] = []
        for cadence, calendar in late:
            group = members.get(cadence.pair.id)
            if group is None or (cadence.pair.id == min(group) and set(group) <= late_ids):
                kept.append((cadence, calendar))
        return kept

    async def _check_pair(
        self,
        people: PairPeople,
        cadence: PairCadence,
        calendar: CadenceCalendar,
        now: datetime,
        report: DailyReport,
    ) -> None:
        """An overdue pair: nudged once per spell, raised a grace (holidays aside) later."""
        pair = people.pair
        since = clock_start(cadence, calendar, now)
        if await self._repository.nudge_once(pair.id, since, now):
            report.nudged.append(Nudge(people, cadence.last_held, allowed_days(cadence)))
            return
        nudged = await self._repository.nudged_at(pair.id, since)
        grace = timedelta(days=max(calendar.grace_days, 1))
        if nudged is None or counted_time(nudged, now, calendar) < grace:
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

    async def upcoming_page(
        self, organization_id: int, page: int, size: int
    ) -> tuple[list[tuple[Meeting, PairPeople]], int, int, int]:
        """One page of the proposed and confirmed meetings of the active pairs in the next two
        weeks (by time), each with its pair's people, how many there are, the page shown and
        the page count: a count, a page and the page's pairs. A meeting whose pair lost one
        of its people is counted and not shown."""
        now = self._clock.now()
        until = now + timedelta(days=UPCOMING_DAYS)
        total = await self._repository.upcoming_count(organization_id, now, until)
        page, pages = clamp_page(page, total, size)
        meetings = await self._repository.upcoming_page(
            organization_id, now, until, page * size, size
        )
        pairs = await self._repository.active_pairs_by_id(
            organization_id, sorted({m.pair_id for m in meetings})
        )
        people = await self._pairing.people_of(list(pairs.values()))
        shown = [(m, people[m.pair_id]) for m in meetings if m.pair_id in people]
        return shown, total, page, pages

    async def overdue(self, organization_id: int) -> list[OverdueRow]:
        """Active pairs with no held meeting for longer than allowed (:func:`is_overdue`)."""
        late = await self._overdue_of([organization_id], self._clock.now())
        people = await self._pairing.people_of([cadence.pair for cadence, _ in late])
        return [
            OverdueRow(people[cadence.pair.id], cadence.last_held)
            for cadence, _ in late
            if cadence.pair.id in people
        ]

    async def overdue_page(
        self, organization_id: int, page: int, size: int
    ) -> tuple[list[OverdueRow], int, int, int]:
        """One page of :meth:`overdue` (the same order), how many overdue pairs there are, the
        page shown and the page count: the pairs are judged in one read, only the page's
        people are read. A pair one of whose people is gone is counted and not shown."""
        late = await self._overdue_of([organization_id], self._clock.now())
        page, pages = clamp_page(page, len(late), size)
        shown = [cadence for cadence, _ in late[page * size : (page + 1) * size]]
        people = await self._pairing.people_of([cadence.pair for cadence in shown])
        rows = [
            OverdueRow(people[cadence.pair.id], cadence.last_held)
            for cadence in shown
            if cadence.pair.id in people
        ]
        return rows, len(late), page, pages

    async def unanswered(self, organization_id: int) -> list[Followup]:
        return await self._followups.unanswered(organization_id)

    async def unanswered_page(
        self, organization_id: int, page: int, size: int
    ) -> tuple[list[Followup], set[int], int, int, int]:
        """One page of :meth:`unanswered` (the same order), those of its people who are a side
        of an active pair (the ones to name), how many there are, the page shown and the page
        count: the page and the count in one statement (a count of its own only for a page
        past the end, which shows the last page)."""
        asked = max(page, 0)
        shown, counted = await self._repository.unanswered_page(organization_id, asked * size, size)
        total = (
            counted
            if counted is not None
            else await self._repository.unanswered_count(organization_id)
        )
        page, pages = clamp_page(asked, total, size)
        if page != asked:
            shown, _ = await self._repository.unanswered_page(organization_id, page * size, size)
        named = await self._repository.in_active_pairs(
            organization_id, sorted({f.participant_id for f in shown})
        )
        return shown, named, total, page, pages

    async def history(self, organization_id: int, pair_id: int) -> PairHistory | None:
        """One pair of this organization (None for another organization's pair)."""
        pair = await self._pairing.pair(organization_id, pair_id)
        people = await self._pairing.people(pair) if pair else None
        calendar = (await self._repository.calendars([organization_id])).get(organization_id)
        if people is None or calendar is None:
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
        rhythm = await self._followups.rhythm(pair_id)
        paces = {f.code: f.pace for f in await self._organizations.forms(organization_id)}
        pace = paces.get(people.pair.form, FormPace.REGULAR)
        cadence = PairCadence(people.pair, last_held, rhythm, pace)
        overdue = is_overdue(cadence, calendar, now)
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
            rhythm=rhythm,
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
            keeps_rhythm=keeps_rhythm(pace),
        )

    async def marks(self, organization_id: int) -> list[tuple[PairPeople, PairMark]]:
        """Every active pair's mark, by the same rules as :meth:`history`, in a few queries for
        the whole organization."""
        cadences = await self._repository.active_cadence([organization_id])
        return await self._marks_of(organization_id, cadences, None)

    async def marks_page(
        self, organization_id: int, page: int, size: int
    ) -> tuple[list[tuple[PairPeople, PairMark]], int, int, int]:
        """One page of :meth:`marks` (the same order) and how many active pairs there are,
        the page shown and the page count: only the page's pairs are judged and read."""
        total = await self._repository.active_pair_count(organization_id)
        page, pages = clamp_page(page, total, size)
        cadences = await self._repository.active_cadence_page(organization_id, page * size, size)
        marks = await self._marks_of(organization_id, cadences, [c.pair.id for c in cadences])
        return marks, total, page, pages

    async def _marks_of(
        self, organization_id: int, cadences: list[PairCadence], pair_ids: list[int] | None
    ) -> list[tuple[PairPeople, PairMark]]:
        now = self._clock.now()
        calendar = (await self._repository.calendars([organization_id])).get(organization_id)
        if calendar is None or not cadences:
            return []
        facts = await self._repository.mark_facts(organization_id, now, pair_ids)
        people = await self._pairing.people_of([cadence.pair for cadence in cadences])
        result = []
        for cadence in cadences:
            found, fact = people.get(cadence.pair.id), facts.get(cadence.pair.id)
            if found is None or fact is None:
                continue
            mark = pair_mark(
                meetings_due=fact.meetings_due,
                attention_open=fact.attention_open,
                last_missed=fact.last_missed,
                overdue=is_overdue(cadence, calendar, now),
            )
            result.append((found, mark))
        return result
