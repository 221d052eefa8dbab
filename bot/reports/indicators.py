"""The indicators (показатели эффективности) of an organization for a period.

How people are counted (the documents leave some of it to the organization; this is our
reading). Which rows a period selects is decided in :mod:`storage.repositories.period_sql`: a
cycle (the current one by default, or an earlier one) is membership — the pairs and people of
that cycle; a school year, a calendar year or a date range goes by dates — a pair *entered* the
period when it started in it and *completed* in it when it completed and ended in it.

* Stages count people (mentees and mentors) of the period (of the cycle; for dates, those who
  joined in the period): *invited* — everyone who opened an invitation and started joining;
  *consented* — the consent the law requires exists (a representative's for a child, their own
  otherwise); *questionnaire done* — confirmed; *matched* — in an open proposal or in any pair
  of the period; *in pairs* — in an active pair now (for dates: in a pair that lived in the
  period); *completed* — in a pair that completed the program in the period. A person's form is
  the one they chose in the questionnaire; people who have not chosen yet count only in the row
  of all forms.
* "Completed the program" is decided once, by :func:`bot.cycles.completes_program`: the pair
  held its final meeting, or the curator closed it (finishing the cycle) after it had held a
  meeting of its form's minimum kind or a later one (default: the planning meeting). A pair
  that met once did not complete the program.
* Meetings and feedback go by the day of the meeting (for dates) or by the cycle of its pair,
  and per form by the form of the pair: the forms add up to the total.
* Involvement (the four shares against the denominators) counts, each person once, those who
  *entered* a program in the period («вошедшие в программу»: a pair of theirs started in it) —
  the share's numerator — and, beside it, those who *completed* it in the period
  («завершившие программу»). A mentee is *aged 10-19* and a mentor *aged 15-19* by their age on
  the day they entered (the start of their pair): exact from a date of birth (the
  questionnaire's, or the one given when joining); with only a year of birth (``birth_year``)
  the age that day is year − birth year or one less, so it counts only when both are in the
  band. Mentors whose age is *unknown* (no date or year of birth) and whose year of birth leaves
  the band open (*ambiguous*: 14 or 15, 19 or 20) are reported apart, never guessed. A *young
  teacher* is a mentee who answered "Young teacher (0–3 years)"; an *enterprise* is a distinct
  organization named by the mentors of pairs in the forms "employer – pupil" and "employer –
  student" (:func:`bot.reports.enterprises.enterprise_key`: ignoring case, quotes, spaces and
  the legal form; the curators' merges of two spellings applied), counted once across the
  organizations of a summary.
* Satisfaction is the share of *all* mentees (mentors) of the pairs completed in the period —
  they are the ones asked the final poll — who rated it ``SATISFIED_FROM`` (7) or more out of
  10; those who did not answer count against it. The response rate (who rated / all asked) is
  shown beside it (``Share.answered``, ``Ratio.answered``). Each answers the poll of their
  pair's cycle (``cycle:<id>``). Per form, a person counts in the forms of their completed
  pairs (a mentor with pairs of two forms counts in both, so the forms may add up to more than
  all forms together, where everyone counts once). In a summary over several organizations
  their own forms (``own_1``, ``own_2``... mean different things in each) are shown together
  as :data:`OWN_FORMS`.
* Targets are per indicator and calendar year (:mod:`bot.reports.targets`); a report is
  compared with the targets of the year its period ends in (a cycle: the year it began closing,
  or this year while it is open). Denominators are those of the school year the period ends in,
  or the latest entered before it.
* A participant who withdraws is deleted; the pairs and meetings stay with that side empty, so
  the other side still counts (a mentee whose mentor withdrew still completed the program) and
  the withdrawn person counts nowhere.
* A closed cycle keeps its figures: when the next cycle opens, the closing one's indicators are
  stored as they are, and a report of that cycle shows them (``Indicators.as_of`` is the time it
  closed). Cycles closed before this was recorded are counted live. Open cycles and dated
  periods are always counted live.
* Counted live, but not counted twice: what is counted over every person, pair, meeting and
  poll of the organizations (the stages, the meetings held and missed with their feedback,
  the final polls, who entered and completed) is kept with their change counters (migrations
  0019-0021: every change those figures read moves one) and counted again when one has
  moved; the confirmed meetings whose time has come, the denominators, targets and merges of
  enterprises are read at every report.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from bot.clock import Clock
from bot.models.enterprises import EnterpriseAlias
from bot.models.periods import Period
from bot.models.reports import (
    DENOMINATOR_FIELDS,
    INVOLVEMENT_KEYS,
    DenominatorRow,
    Involvement,
    MeetingRow,
    MeetingTotals,
    PollTotals,
    StageCounts,
    StageRow,
)
from bot.reports.enterprises import count_distinct, enterprise_key
from bot.reports.indicator_figures import (
    COMPLETED_TITLES,
    SHARE_KEYS,
    SHARE_TITLES,
    FormFigures,
    Indicators,
    Ratio,
    Share,
    indicators_from_json,
    indicators_to_json,
)
from bot.reports.targets import (
    SHARE_DENOMINATORS,
    InputProblem,
    default_target,
    parse_count,
    parse_percent,
    school_year_of,
)
from dialogs.final_poll import SATISFIED_FROM
from storage.database import Database
from storage.repositories.coordinators import MunicipalityRepository
from storage.repositories.denominators import DenominatorRepository
from storage.repositories.enterprises import EnterpriseRepository
from storage.repositories.organizations import OrganizationRepository
from storage.repositories.reports import OWN_FORMS as OWN_FORMS  # shown by the handlers
from storage.repositories.reports import (
    CoordinatorRepository,
    MeetingCounts,
    ReportRepository,
    meeting_rows,
)

# The key of each spelling of a place of work, remembered: a region's summary has thousands of
# mentors' workplaces, most typed alike, and the per-school table asks for every school in turn
# (working the keys out anew took a quarter of a second of the event loop at region scale).
_enterprise_key = functools.lru_cache(maxsize=16_384)(enterprise_key)
KEYS_BETWEEN_YIELDS = 500
# Reports kept with the counters of their organizations (periods, sets of schools).
KEPT_LIMIT = 64
SCHOOLS_BETWEEN_YIELDS = 10


async def _learn_keys(rows: _Rows) -> None:
    """Work out the keys of the workplaces new to :func:`_enterprise_key` before the figures
    are put together, letting the event loop serve others every few hundred of them."""
    workplaces = {e.workplace for one in rows.involvement.values() for e in one.employers}
    for number, workplace in enumerate(workplaces, 1):
        _enterprise_key(workplace)
        if number % KEYS_BETWEEN_YIELDS == 0:
            await asyncio.sleep(0)


@dataclass(frozen=True)
class Viewer:
    """What a person may see: the organization they curate and those they cover as a bot
    administrator (all) or a municipal coordinator."""

    telegram_id: int
    curated: int | None
    covered: tuple[int, ...]

    @property
    def allowed(self) -> bool:
        return self.curated is not None or bool(self.covered)

    def may_see(self, organization_id: int) -> bool:
        return organization_id == self.curated or organization_id in self.covered


class _OfOrganization(Protocol):
    @property
    def organization_id(self) -> int: ...


_Row = TypeVar("_Row", bound=_OfOrganization)


def _form_key(code: str, fold_own: bool) -> str:
    return OWN_FORMS if fold_own and code.startswith("own_") else code


def _sum_stages(rows: Sequence[StageCounts]) -> StageCounts:
    return StageCounts(
        sum(r.invited for r in rows),
        sum(r.consented for r in rows),
        sum(r.questionnaire_done for r in rows),
        sum(r.matched for r in rows),
        sum(r.in_pairs for r in rows),
        sum(r.completed for r in rows),
    )


def _sum_meetings(rows: Sequence[MeetingTotals]) -> MeetingTotals:
    return MeetingTotals(
        sum(r.held for r in rows),
        sum(r.planned for r in rows),
        sum(r.feedback_answered for r in rows),
    )


def _ratio(poll: PollTotals | None) -> Ratio:
    if poll is None:
        return Ratio(0, 0, 0)
    return Ratio(poll.satisfied, poll.asked, poll.answered)


@dataclass(frozen=True)
class _Rows:
    """What the repository counted for a set of organizations in one period, by organization
    (a fixed number of queries however many organizations)."""

    stages: dict[int, list[StageRow]]
    enabled: dict[int, list[str]]
    meetings: dict[int, list[MeetingRow]]
    polls: dict[int, dict[str | None, dict[str, PollTotals]]]
    involvement: dict[int, Involvement]
    denominators: dict[int, DenominatorRow]
    target_year: int
    targets: dict[int, dict[str, float]]  # the organizations' own targets of target_year
    aliases: list[EnterpriseAlias]  # the curators' merges of enterprise spellings


@dataclass(frozen=True)
class _Counted:
    """The part of :class:`_Rows` counted over every person, pair, meeting and poll of the
    organizations: it changes only when their data does, and every such change moves their
    change counters (migrations 0019-0021), so it is kept with them (:class:`_Kept`)."""

    stages: dict[int, list[StageRow]]
    meetings: list[MeetingCounts]
    polls: dict[int, dict[str | None, dict[str, PollTotals]]]
    involvement: dict[int, Involvement]


class _Kept:
    """Counted figures by key, each with the organizations' counters it was counted at; the
    least recently stored go first beyond ``limit`` keys."""

    def __init__(self, limit: int = KEPT_LIMIT) -> None:
        self._values: dict[Hashable, tuple[tuple[int, ...], _Counted]] = {}
        self._limit = limit

    async def get(
        self,
        key: Hashable,
        versions: tuple[int, ...],
        count: Callable[[], Awaitable[_Counted]],
    ) -> _Counted:
        kept = self._values.get(key)
        if kept is not None and kept[0] == versions:
            return kept[1]
        value = await count()
        self._values.pop(key, None)
        self._values[key] = (versions, value)
        while len(self._values) > self._limit:
            del self._values[next(iter(self._values))]
        return value


def _by_organization(rows: Sequence[_Row]) -> dict[int, list[_Row]]:
    found: dict[int, list[_Row]] = {}
    for row in rows:
        found.setdefault(row.organization_id, []).append(row)
    return found


def _sum_polls(
    polls: Sequence[dict[str | None, dict[str, PollTotals]]],
) -> dict[str | None, dict[str, PollTotals]]:
    found: dict[str | None, dict[str, PollTotals]] = {}
    for one in polls:
        for form, roles in one.items():
            into = found.setdefault(form, {})
            for role, poll in roles.items():
                was = into.get(role, PollTotals(0, 0, 0))
                into[role] = PollTotals(
                    was.asked + poll.asked,
                    was.answered + poll.answered,
                    was.satisfied + poll.satisfied,
                )
    return found


class IndicatorService:
    def __init__(
        self,
        reports: ReportRepository,
        denominators: DenominatorRepository,
        coordinators: CoordinatorRepository,
        organizations: OrganizationRepository,
        clock: Clock,
        enterprises: EnterpriseRepository | None = None,
        municipalities: MunicipalityRepository | None = None,
    ) -> None:
        self._reports = reports
        # The curators' merges of two spellings of one enterprise (none when not given).
        self._enterprises = enterprises
        # A coordinator's own numbers for the municipality as a whole (see summary_for).
        self._municipalities = municipalities
        self._denominators = denominators
        self._coordinators = coordinators
        self._organizations = organizations
        self._clock = clock
        self._counted = _Kept()

    # --- who sees what ------------------------------------------------------------------

    async def viewer(self, telegram_id: int, *, is_admin: bool) -> Viewer:
        curator = await self._organizations.curator(telegram_id)
        if is_admin:
            covered = await self._coordinators.all_organizations()
        else:
            covered = await self._coordinators.covered(telegram_id)
        return Viewer(telegram_id, curator.organization_id if curator else None, tuple(covered))

    async def for_viewer(
        self,
        telegram_id: int,
        organization_id: int,
        *,
        is_admin: bool,
        period: Period = Period.current_cycle(),
    ) -> Indicators | None:
        """One organization's indicators, only for its curator, a coordinator covering it or
        an administrator; ``None`` for anyone else."""
        viewer = await self.viewer(telegram_id, is_admin=is_admin)
        if not viewer.may_see(organization_id):
            return None
        return await self.for_organization(organization_id, period)

    async def summary_for(
        self, telegram_id: int, *, is_admin: bool, period: Period = Period.current_cycle()
    ) -> Indicators | None:
        """The indicators summed over the organizations a coordinator or an administrator
        covers; ``None`` for someone who covers none."""
        viewer = await self.viewer(telegram_id, is_admin=is_admin)
        if not viewer.covered:
            return None
        if is_admin or self._municipalities is None:
            return await self.for_organizations(viewer.covered, period)
        # The schools' sums miss the children outside the covered schools, so a number the
        # coordinator entered for the municipality as a whole is the share's denominator; the
        # schools' sum is used for a number they have not entered.
        ids = tuple(sorted(set(viewer.covered)))
        rows = await self._rows(ids, period, fold_own=len(ids) > 1)
        own = await self._municipalities.latest(
            telegram_id, school_year_of(await self._end_of(period))
        )
        return self._assemble(
            ids, rows, period, fold_own=len(ids) > 1, municipal=own.values if own else None
        )

    # --- the figures --------------------------------------------------------------------

    async def for_organization(
        self, organization_id: int, period: Period = Period.current_cycle()
    ) -> Indicators:
        return await self.for_organizations([organization_id], period)

    async def for_organizations(
        self, organization_ids: Sequence[int], period: Period = Period.current_cycle()
    ) -> Indicators:
        """The indicators of the organizations taken together (their own forms shown as one,
        :data:`OWN_FORMS`, when there are several). A closed cycle of one organization is
        the figures stored when it closed."""
        ids = tuple(sorted(set(organization_ids)))
        if len(ids) == 1 and period.cycle_id is not None:
            stored = await self._reports.snapshots(ids, period.cycle_id)
            if ids[0] in stored:
                return self._stored(stored[ids[0]], period)
        fold = len(ids) > 1
        rows = await self._rows(ids, period, fold_own=fold)
        return self._assemble(ids, rows, period, fold_own=fold)

    async def per_organization(
        self, organization_ids: Sequence[int], period: Period = Period.current_cycle()
    ) -> dict[int, Indicators]:
        """Each organization's own indicators (equal to :meth:`for_organization` of each),
        counted with the same fixed number of queries however many organizations."""
        ids = tuple(sorted(set(organization_ids)))
        stored = (
            await self._reports.snapshots(ids, period.cycle_id)
            if period.cycle_id is not None
            else {}
        )
        live = tuple(i for i in ids if i not in stored)
        rows = await self._rows(live, period, fold_own=False) if live else None
        found: dict[int, Indicators] = {}
        for number, i in enumerate(ids, 1):
            if number % SCHOOLS_BETWEEN_YIELDS == 0:
                await asyncio.sleep(0)  # a region's table: others are served between schools
            if i in stored:
                found[i] = self._stored(stored[i], period)
            else:
                assert rows is not None
                found[i] = self._assemble((i,), rows, period, fold_own=False)
        return found

    async def closing_figures(self, organization_id: int, cycle_id: int) -> str:
        """The cycle's indicators counted now, as the JSON kept when it closes."""
        rows = await self._rows((organization_id,), Period.cycle(cycle_id), fold_own=False)
        figures = self._assemble((organization_id,), rows, Period.cycle(cycle_id), fold_own=False)
        return indicators_to_json(figures)

    @staticmethod
    def _stored(stored: tuple[datetime, str], period: Period) -> Indicators:
        taken_at, figures = stored
        return indicators_from_json(figures, period, taken_at)

    async def _end_of(self, period: Period) -> date:
        """The day a period ends, for its targets and denominators: a dated period's last
        day; the day a cycle began closing (also when its figures are stored, as the next cycle
        opens: a cycle of September to May is of that school year even if the next one opens
        in September), or the day it closed; today for the current or another open cycle."""
        if period.end is not None:
            return period.end
        if period.cycle_id is not None:
            ended = await self._reports.cycle_ended_at(period.cycle_id)
            if ended is not None:
                return ended.date()
        return self._clock.now().date()

    async def _rows(self, ids: tuple[int, ...], period: Period, *, fold_own: bool) -> _Rows:
        """One snapshot: the figures of a report agree with each other."""
        async with self._reports.snapshot():
            rows = await self._rows_now(ids, period, fold_own=fold_own)
        await _learn_keys(rows)
        return rows

    async def _rows_now(self, ids: tuple[int, ...], period: Period, *, fold_own: bool) -> _Rows:
        now = self._clock.now()
        end = await self._end_of(period)
        year = period.target_year(end)
        # What is counted over every person, pair and meeting is kept until a counter moves;
        # the counters are read in the same snapshot as the figures they date.
        versions = await self._reports.versions(ids)
        counted = await self._counted.get(
            (ids, period, fold_own), versions, lambda: self._count(ids, period, fold_own=fold_own)
        )
        due = await self._reports.meetings_due(ids, now, period)
        return _Rows(
            stages=counted.stages,
            enabled=await self._reports.enabled_forms(ids),
            meetings=_by_organization(meeting_rows(counted.meetings, due)),
            polls=counted.polls,
            involvement=counted.involvement,
            denominators=await self._denominators.latest(ids, school_year_of(end)),
            target_year=year,
            targets=await self._denominators.targets(ids, year),
            aliases=await self._enterprises.aliases(ids) if self._enterprises else [],
        )

    async def _count(self, ids: tuple[int, ...], period: Period, *, fold_own: bool) -> _Counted:
        return _Counted(
            stages=_by_organization(await self._reports.stages(ids, period)),
            meetings=await self._reports.meeting_counts(ids, period),
            polls=await self._reports.polls(ids, SATISFIED_FROM, fold_own=fold_own, period=period),
            involvement=await self._reports.involvement(ids, period),
        )

    def _assemble(
        self,
        ids: tuple[int, ...],
        rows: _Rows,
        period: Period,
        *,
        fold_own: bool,
        municipal: Mapping[str, int | None] | None = None,
    ) -> Indicators:
        fold = fold_own
        per_form: dict[str | None, list[StageCounts]] = {}
        whole: list[StageCounts] = []
        for row in (r for i in ids for r in rows.stages.get(i, [])):
            if row.whole:
                whole.append(row.counts)
            elif row.form is not None:
                per_form.setdefault(_form_key(row.form, fold), []).append(row.counts)
        stages: dict[str | None, StageCounts] = {None: _sum_stages(whole)}
        empty = StageCounts(0, 0, 0, 0, 0, 0)
        named = {form for form in per_form if form is not None}
        enabled = {_form_key(code, fold) for i in ids for code in rows.enabled.get(i, [])}
        for form in sorted(named | enabled):
            stages[form] = _sum_stages(per_form[form]) if form in per_form else empty

        meeting_rows: dict[str, list[MeetingTotals]] = {}
        for row_met in (r for i in ids for r in rows.meetings.get(i, [])):
            meeting_rows.setdefault(_form_key(row_met.form, fold), []).append(row_met.totals)
        meetings = {code: _sum_meetings(totals) for code, totals in meeting_rows.items()}
        total_meetings = _sum_meetings(list(meetings.values()))
        polls = _sum_polls([rows.polls[i] for i in ids if i in rows.polls])
        forms: dict[str, FormFigures] = {}
        for code in sorted(named | enabled | set(meetings) | {c for c in polls if c}):
            met = meetings.get(code, MeetingTotals(0, 0, 0))
            answered = polls.get(code, {})
            forms[code] = FormFigures(
                met.held,
                met.planned,
                met.feedback_answered,
                _ratio(answered.get("mentee")),
                _ratio(answered.get("mentor")),
            )
        totals = polls.get(None, {})
        involvement = [rows.involvement[i] for i in ids if i in rows.involvement]
        entered = {k: sum(one.entered[k] for one in involvement) for k in INVOLVEMENT_KEYS}
        completed = {k: sum(one.completed[k] for one in involvement) for k in INVOLVEMENT_KEYS}
        # An enterprise counts once however many schools of the set its mentors came from,
        # after the merges of spellings the curators of those schools made.
        employers = [e for one in involvement for e in one.employers]
        aliases = [a for a in rows.aliases if a.organization_id in ids]
        keys = [(_enterprise_key(e.workplace), e) for e in employers]
        entered["enterprises"] = count_distinct([k for k, e in keys if e.entered], aliases)
        completed["enterprises"] = count_distinct([k for k, e in keys if e.completed], aliases)

        denominators = {i: rows.denominators[i] for i in ids if i in rows.denominators}
        year = rows.target_year
        missing = tuple(i for i in ids if not self._complete(denominators.get(i)))
        shares: list[Share] = []
        for key in SHARE_KEYS:
            default = default_target(key, year)
            target = sum(rows.targets.get(i, {}).get(key, default) for i in ids)
            target = target / len(ids) if ids else default
            if key in SHARE_DENOMINATORS:
                name = SHARE_DENOMINATORS[key]
                entered_for_all = municipal.get(name) if municipal is not None else None
                total = (
                    entered_for_all
                    if entered_for_all is not None
                    else self._total(denominators, ids, name)
                )
                shares.append(
                    Share(
                        key,
                        SHARE_TITLES[key],
                        entered[key],
                        total,
                        target,
                        completed=completed[key],
                        completed_title=COMPLETED_TITLES[key],
                    )
                )
            else:
                poll = totals.get(
                    "mentee" if key == "satisfied_mentees" else "mentor", PollTotals(0, 0, 0)
                )
                shares.append(
                    Share(
                        key,
                        SHARE_TITLES[key],
                        poll.satisfied,
                        poll.asked,
                        target,
                        answered=poll.answered,
                    )
                )
        years = {row.school_year for row in denominators.values()}
        return Indicators(
            organization_ids=ids,
            stages=stages,
            meetings_held=total_meetings.held,
            meetings_planned=total_meetings.planned,
            feedback_answered=total_meetings.feedback_answered,
            feedback_expected=2 * total_meetings.held,
            shares=shares,
            denominator_year=years.pop() if len(years) == 1 else None,
            missing_denominators=missing,
            forms=forms,
            period=period,
            target_year=year,
            mentors_age_unknown=entered["mentors_age_unknown"],
            mentors_age_ambiguous=entered["mentors_age_ambiguous"],
        )

    @staticmethod
    def _complete(row: DenominatorRow | None) -> bool:
        return row is not None and all(row.values.get(f) is not None for f in DENOMINATOR_FIELDS)

    @staticmethod
    def _total(
        denominators: dict[int, DenominatorRow], ids: Sequence[int], name: str
    ) -> int | None:
        # A sum over organizations is only honest when each of them entered its number.
        values = [denominators[i].values.get(name) if i in denominators else None for i in ids]
        if not values or any(v is None for v in values):
            return None
        return sum(v for v in values if v is not None)

    # --- what the curator enters ----------------------------------------------------------

    def school_year(self) -> int:
        return school_year_of(self._clock.now().date())

    async def denominators(self, organization_id: int) -> DenominatorRow | None:
        """The denominators in force now (this school year's, or the latest before it)."""
        return (await self._denominators.latest([organization_id], self.school_year())).get(
            organization_id
        )

    def target_year(self) -> int:
        """The calendar year whose targets the curator sees and enters now."""
        return self._clock.now().year

    async def targets(self, organization_id: int, year: int | None = None) -> dict[str, float]:
        """The organization's targets of ``year`` (this year by default): its own, else the
        defaults of that year."""
        year = self.target_year() if year is None else year
        changed = (await self._denominators.targets([organization_id], year)).get(
            organization_id, {}
        )
        return {key: changed.get(key, default_target(key, year)) for key in SHARE_KEYS}

    async def set_denominator(
        self, organization_id: int, name: str, text: str, entered_by: int
    ) -> int | InputProblem:
        """Store one denominator of this school year for the organization's curator.

        The other numbers of a year not entered yet are carried from the latest year, so a
        curator who corrects one number in September does not lose the others.
        """
        if name not in DENOMINATOR_FIELDS:
            return InputProblem.UNKNOWN_FIELD
        value = parse_count(text)
        if isinstance(value, InputProblem):
            return value
        if not await self._may_edit(entered_by, organization_id):
            return InputProblem.NOT_ALLOWED
        year = self.school_year()
        current = await self.denominators(organization_id)
        values: dict[str, int | None] = dict.fromkeys(DENOMINATOR_FIELDS)
        if current is not None:
            values.update(current.values)
        values[name] = value
        await self._denominators.save(organization_id, year, values, entered_by, self._clock.now())
        return value

    async def set_target(
        self,
        organization_id: int,
        key: str,
        text: str,
        entered_by: int,
        year: int | None = None,
    ) -> float | InputProblem:
        """Set the organization's own target of an indicator for ``year`` (this year by
        default); only its curator may."""
        if key not in SHARE_KEYS:
            return InputProblem.UNKNOWN_FIELD
        value = parse_percent(text)
        if isinstance(value, InputProblem):
            return value
        if not await self._may_edit(entered_by, organization_id):
            return InputProblem.NOT_ALLOWED
        year = self.target_year() if year is None else year
        await self._denominators.save_target(organization_id, key, year, value)
        return value

    async def _may_edit(self, telegram_id: int, organization_id: int) -> bool:
        curator = await self._organizations.curator(telegram_id)
        return curator is not None and curator.organization_id == organization_id

    # --- coordinators ---------------------------------------------------------------------

    async def add_coordinator(self, telegram_id: int, organization_id: int) -> bool:
        return await self._coordinators.add(telegram_id, organization_id, self._clock.now())

    async def remove_coordinator(self, telegram_id: int, organization_id: int) -> bool:
        return await self._coordinators.remove(telegram_id, organization_id)

    async def covered(self, telegram_id: int) -> list[int]:
        return await self._coordinators.covered(telegram_id)


def build_indicator_service(db: Database, clock: Clock) -> IndicatorService:
    """The service with all its repositories: the bot, the export, the per-school table and
    the benchmarks count the same way (the merges of enterprises and the municipalities'
    numbers included)."""
    return IndicatorService(
        # The figures' long reads run on read-only connections: no one waits behind them.
        ReportRepository(db.reads),
        DenominatorRepository(db),
        CoordinatorRepository(db),
        OrganizationRepository(db),
        clock,
        enterprises=EnterpriseRepository(db),
        municipalities=MunicipalityRepository(db),
    )
