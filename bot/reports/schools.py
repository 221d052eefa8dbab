"""The per-school table of a municipality: for each organization a coordinator covers (an
administrator: all), its stage counts, meetings held against planned, the involvement and
satisfaction shares against their targets, and a mark; worst first.

The marks (our reading; the documents name the targets, not how to judge a school mid-way):

* **not started** (не начали): the school has no participants in the period, or no pairs in it.
* **behind** (отстаёт): fewer than :data:`MEETINGS_NEEDED` (75 %) of the meetings that were due
  were held (held against held + missed + confirmed ones whose time has come), or the share of
  children aged 10–19 who entered the programme as mentees is below its target *pro rata*: the
  target times the part of the period that has passed (for the current cycle, from the cycle's
  start to its planned end, or to 31 May when no end is set; a closed cycle or a period that is
  over asks for the whole target). The share is judged only where the school entered the number
  of its pupils.
* **on track** (в графике): everything else.

Worst first: not started, then behind, then on track; inside each, the school furthest below
its bar first (its *standing*: the lowest of the figures divided by what they need, 1 = on the
bar), then by name.

The figures come from :meth:`IndicatorService.per_organization` (a fixed number of queries for
any number of schools); the pairs and cycles of the period from
:class:`storage.repositories.schools.SchoolRepository`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from babel.numbers import format_percent

from bot.clock import Clock
from bot.models.periods import Period, PeriodKind
from bot.models.reports import StageCounts
from bot.reports.indicator_figures import Indicators, Share
from bot.reports.indicators import IndicatorService, build_indicator_service
from dialogs.i18n import N_
from storage.database import Database
from storage.repositories.reports import CoordinatorRepository
from storage.repositories.schools import CycleSpan, SchoolRepository

Translate = Callable[[str], str]

# A school is behind when it held fewer than this part of the meetings that were due.
MEETINGS_NEEDED = 0.75
# The involvement judged against its target pro rata: pupils 10–19 who entered as mentees
# (the share the regional letter asks for by 31 December).
KEY_SHARE = "mentees_10_19"
SATISFACTION_SHARES = ("satisfied_mentees", "satisfied_mentors")

NO_STAGES = StageCounts(0, 0, 0, 0, 0, 0)


class SchoolMark(StrEnum):
    NOT_STARTED = "not_started"
    BEHIND = "behind"
    ON_TRACK = "on_track"


MARK_ORDER = {SchoolMark.NOT_STARTED: 0, SchoolMark.BEHIND: 1, SchoolMark.ON_TRACK: 2}
MARK_TITLES = {
    SchoolMark.NOT_STARTED: N_("not started"),
    SchoolMark.BEHIND: N_("behind"),
    SchoolMark.ON_TRACK: N_("on track"),
}


class Reason(StrEnum):
    """Why a school got its mark (none for on track)."""

    NO_PARTICIPANTS = "no_participants"
    NO_PAIRS = "no_pairs"
    MEETINGS = "meetings"
    INVOLVEMENT = "involvement"


REASON_TITLES = {
    Reason.NO_PARTICIPANTS: N_("no participants"),
    Reason.NO_PAIRS: N_("no pairs"),
    Reason.MEETINGS: N_("fewer than {share} of the due meetings held"),
    Reason.INVOLVEMENT: N_("pupils 10–19 involved below the target for this point"),
}
# How the marks are given, for the reader (the sheet's note, the chat's legend).
MARK_RULE = N_(
    "Not started: no participants or no pairs in the period. Behind: fewer than {share} of the "
    "meetings that were due were held, or the share of pupils aged 10–19 who entered the "
    "programme as mentees is below its target taken in proportion to the part of the period "
    "that has passed. On track: everything else."
)


@dataclass(frozen=True)
class SchoolRow:
    organization_id: int
    name: str
    stages: StageCounts  # all forms
    pairs: int  # pairs of the period
    meetings_held: int
    meetings_planned: int
    shares: tuple[Share, ...]
    needed: float  # the share of the key involvement needed by the report's day
    mark: SchoolMark
    reasons: tuple[Reason, ...]
    standing: float  # the lowest figure over what it needs (1 = on the bar); 0 not started

    def share(self, key: str) -> Share:
        return next(s for s in self.shares if s.key == key)

    @property
    def key_share(self) -> Share:
        return self.share(KEY_SHARE)

    @property
    def meetings_share(self) -> float | None:
        if self.meetings_planned <= 0:
            return None
        return self.meetings_held / self.meetings_planned


@dataclass(frozen=True)
class SchoolTable:
    period: Period
    today: date
    rows: list[SchoolRow]

    def count(self, mark: SchoolMark) -> int:
        return sum(1 for row in self.rows if row.mark is mark)


def needed_meetings(locale: str) -> str:
    """:data:`MEETINGS_NEEDED` as the reader writes a percent («75 %» in Russian)."""
    return format_percent(MEETINGS_NEEDED, locale=locale)


def reasons_text(row: SchoolRow, translate: Translate, locale: str) -> str:
    share = needed_meetings(locale)
    return "; ".join(translate(REASON_TITLES[reason]).format(share=share) for reason in row.reasons)


def mark_rule(translate: Translate, locale: str) -> str:
    return translate(MARK_RULE).format(share=needed_meetings(locale))


def period_name(period: Period, translate: Translate) -> str:
    """The period as a heading names it (the current cycle, a cycle, a year, a range)."""
    if period.kind is PeriodKind.CYCLE:
        if period.cycle_id is None:
            return translate(N_("the current cycle"))
        return translate(N_("an earlier cycle"))
    assert period.start is not None and period.end is not None
    if period.kind is PeriodKind.SCHOOL_YEAR:
        return translate(N_("the school year {start}/{end}")).format(
            start=period.start.year, end=period.end.year
        )
    if period.kind is PeriodKind.CALENDAR_YEAR:
        return translate(N_("the year {year}")).format(year=period.start.year)
    return f"{period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}"


# --- how far into the period ---------------------------------------------------------------


def _part(start: date, end: date, today: date) -> float:
    """The part of the days from ``start`` to ``end`` (both included) passed by ``today``."""
    if today < start:
        return 0.0
    if today >= end:
        return 1.0
    return ((today - start).days + 1) / ((end - start).days + 1)


def cycle_end(span: CycleSpan) -> date:
    """The planned end of a cycle, else 31 May after its start (cycles run September–May)."""
    if span.planned_end is not None:
        return span.planned_end
    year = span.started_on.year if span.started_on.month <= 5 else span.started_on.year + 1
    return date(year, 5, 31)


def progress(period: Period, today: date, span: CycleSpan | None) -> float:
    """How much of the period has passed on ``today``, 0..1: a dated period by its days; a
    cycle from its start to its (planned) end, a closed one wholly; a cycle period without a
    cycle in this school asks for nothing."""
    if period.start is not None and period.end is not None:
        return _part(period.start, period.end, today)
    if span is None:
        return 0.0
    if span.closed:
        return 1.0
    return _part(span.started_on, max(cycle_end(span), span.started_on), today)


# --- a row ---------------------------------------------------------------------------------


def school_row(
    organization_id: int, name: str, indicators: Indicators, pairs: int, passed: float
) -> SchoolRow:
    """One school's row: its figures and its mark (``passed``: the part of the period gone)."""
    stages = indicators.stages.get(None, NO_STAGES)
    shares = tuple(indicators.shares)
    key = next(s for s in shares if s.key == KEY_SHARE)
    needed = key.target * passed
    reasons: list[Reason] = []
    standings: list[float] = []
    if stages.invited == 0:
        reasons.append(Reason.NO_PARTICIPANTS)
    elif pairs == 0:
        reasons.append(Reason.NO_PAIRS)
    if reasons:
        mark, standing = SchoolMark.NOT_STARTED, 0.0
    else:
        held, planned = indicators.meetings_held, indicators.meetings_planned
        if planned > 0:
            standings.append(held / planned / MEETINGS_NEEDED)
            if held < MEETINGS_NEEDED * planned:
                reasons.append(Reason.MEETINGS)
        share = key.share
        if share is not None and needed > 0:
            standings.append(share / needed)
            if share < needed:
                reasons.append(Reason.INVOLVEMENT)
        mark = SchoolMark.BEHIND if reasons else SchoolMark.ON_TRACK
        standing = min(standings, default=1.0)
    return SchoolRow(
        organization_id=organization_id,
        name=name,
        stages=stages,
        pairs=pairs,
        meetings_held=indicators.meetings_held,
        meetings_planned=indicators.meetings_planned,
        shares=shares,
        needed=needed,
        mark=mark,
        reasons=tuple(reasons),
        standing=standing,
    )


def worst_first(rows: Iterable[SchoolRow]) -> list[SchoolRow]:
    return sorted(
        rows,
        key=lambda row: (
            MARK_ORDER[row.mark],
            row.standing,
            row.stages.invited,
            row.name.casefold(),
            row.organization_id,
        ),
    )


# --- the service ---------------------------------------------------------------------------

# How long a table is shown again when its pages are turned, and how many are kept.
REUSE_SECONDS = 120
REUSE_TABLES = 8


class SchoolTableService:
    def __init__(
        self,
        indicators: IndicatorService,
        schools: SchoolRepository,
        coordinators: CoordinatorRepository,
        clock: Clock,
    ) -> None:
        self._indicators = indicators
        self._schools = schools
        self._coordinators = coordinators
        self._clock = clock
        # Tables made lately, for the pages of the one a coordinator is reading (counting a
        # region takes seconds; turning a page should not).
        self._recent: OrderedDict[tuple[tuple[int, ...], Period], tuple[datetime, SchoolTable]]
        self._recent = OrderedDict()

    async def covered(self, telegram_id: int, *, is_admin: bool) -> list[int]:
        """The organizations whose table this person may see: an administrator all, a
        coordinator those they cover, anyone else none (a curator sees their own in /stats)."""
        if is_admin:
            return await self._coordinators.all_organizations()
        return await self._coordinators.covered(telegram_id)

    async def for_viewer(
        self, telegram_id: int, period: Period, *, is_admin: bool, reuse: bool = False
    ) -> SchoolTable | None:
        """The table of the organizations this person covers now; ``None`` for anyone else.

        With ``reuse`` (turning a page) a table of the same organizations and period made in
        the last :data:`REUSE_SECONDS` is shown again instead of counting anew."""
        ids = await self.covered(telegram_id, is_admin=is_admin)
        if not ids:
            return None
        key = (tuple(sorted(set(ids))), period)
        now = self._clock.now()
        recent = self._recent.get(key)
        if reuse and recent is not None and now - recent[0] <= timedelta(seconds=REUSE_SECONDS):
            return recent[1]
        table = await self.table(ids, period)
        self._recent[key] = (now, table)
        self._recent.move_to_end(key)
        while len(self._recent) > REUSE_TABLES:
            self._recent.popitem(last=False)
        return table

    async def table(self, organization_ids: Sequence[int], period: Period) -> SchoolTable:
        """The table of these organizations, counted now in one snapshot (no rights checked)."""
        async with self._schools.snapshot():
            return await self._table_now(organization_ids, period)

    async def _table_now(self, organization_ids: Sequence[int], period: Period) -> SchoolTable:
        """The table of these organizations, counted now (no rights checked here)."""
        ids = sorted(set(organization_ids))
        today = self._clock.now().date()
        names = await self._schools.names(ids)
        ids = [i for i in ids if i in names]  # an organization deleted meanwhile
        figures = await self._indicators.per_organization(ids, period)
        pairs = await self._schools.pair_counts(ids, period)
        spans = await self._schools.cycle_spans(ids, period)
        rows = [
            school_row(
                i, names[i], figures[i], pairs.get(i, 0), progress(period, today, spans.get(i))
            )
            for i in ids
        ]
        return SchoolTable(period, today, worst_first(rows))


def build_school_table_service(db: Database, clock: Clock) -> SchoolTableService:
    """The service with its own repositories (the bot's factory, the export, the benchmark)."""
    coordinators = CoordinatorRepository(db)
    indicators = build_indicator_service(db, clock)
    return SchoolTableService(indicators, SchoolRepository(db.reads), coordinators, clock)
