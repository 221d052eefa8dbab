"""The calendar rules of a pair's meetings (stage 6, работа пар), kept free of I/O.

Everything here is a pure function of its arguments, so the reminders, the inline calendar
and the cadence guard can share one set of rules and the tests can pin them down without a
clock, a database or Telegram. Instants cross the boundary as aware UTC datetimes (the form
the database keeps); wall-clock times live only in the organization's IANA time zone,
because Russia spans eleven zones and a meeting "on Tuesday at 16:00" means the school's
Tuesday, not the server's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import islice
from typing import Final
from zoneinfo import ZoneInfo

from dateutil.rrule import MO, WEEKLY, rrule

from dialogs.forms import FormPace

__all__ = [
    "DEFAULT_INTERVAL_WEEKS",
    "MAX_INTERVAL_WITHOUT_CONSENT",
    "MEETING_TIMES",
    "SHORT_ORDER",
    "CalendarDay",
    "Holiday",
    "MeetingKind",
    "Occurrence",
    "Rhythm",
    "calendar_days",
    "check_rhythm",
    "holiday_on",
    "local_to_utc",
    "next_kind",
    "next_meeting",
    "upcoming",
    "utc_to_local",
]

DEFAULT_INTERVAL_WEEKS: Final = 2
# The documents require meetings "not less than once every two weeks"; a longer gap is an
# exception only the curator may grant.
MAX_INTERVAL_WITHOUT_CONSENT: Final = 2
# The times a meeting can be planned at, local wall-clock time: every half hour of a school's
# day (lessons end at odd times; whole hours alone leave a teacher without the time she needs).
MEETING_TIMES = tuple(time(hour, minute) for hour in range(8, 21) for minute in (0, 30))
# How far next_meeting looks for a date outside the holidays before giving up; a school
# cycle runs September to May, so a year is more than any real break.
SEARCH_HORIZON: Final = timedelta(days=366)


class MeetingKind(StrEnum):
    ACQUAINTANCE = "acquaintance"  # встреча-знакомство
    TRIAL = "trial"  # пробная рабочая встреча
    PLANNING = "planning"  # встреча-планирование
    REGULAR = "regular"  # регулярная встреча
    FINAL = "final"  # заключительная встреча


# The documents' order: a pair gets to know each other, tries working together (and both
# answer the compatibility questionnaire), then agrees on goals and dates.
_OPENING_KINDS: Final = (MeetingKind.ACQUAINTANCE, MeetingKind.TRIAL, MeetingKind.PLANNING)

# Short-term, goal-oriented mentoring (003: «наставник и наставляемый встречаются по заранее
# установленному графику для постановки конкретных целей, ориентированных на определенные
# краткосрочные результаты»): no getting acquainted, trial or compatibility questionnaire
# first. The first meeting is a working one where the goal and its dates are agreed (the
# planning meeting's kind, so the mentor records the goal after it), and the next is the final
# meeting, where the pair sums up; holding it completes the program. A pair that needs more
# time for its goal asks for further working meetings (the regular kind) before the final one,
# each agreed on by itself: there is no two-weekly rhythm.
SHORT_ORDER: Final = (MeetingKind.PLANNING, MeetingKind.FINAL)


def next_kind(
    held: Sequence[MeetingKind], pace: FormPace = FormPace.REGULAR, further: int = 0
) -> MeetingKind:
    """The kind the pair's next meeting should be, following the documents' order.

    The first opening meeting not yet held comes next, even if a later one was recorded out
    of order, so a skipped acquaintance is never silently lost. The final meeting ends the
    programme and is a decision of the pair or the curator, so it is never proposed here;
    once it has been held there is no next meeting, and asking is a caller's mistake.

    A short-term pair (:data:`FormPace.SHORT`) follows its own order, :data:`SHORT_ORDER`,
    with ``further`` working meetings between its first and its final one when it asked for
    them.
    """
    if MeetingKind.FINAL in held:
        raise ValueError("the pair has already held its final meeting")
    if pace is FormPace.SHORT:
        if not held:
            return SHORT_ORDER[0]
        if sum(kind is MeetingKind.REGULAR for kind in held) < further:
            return MeetingKind.REGULAR
        return SHORT_ORDER[-1]
    for kind in _OPENING_KINDS:
        if kind not in held:
            return kind
    return MeetingKind.REGULAR


@dataclass(frozen=True)
class Holiday:
    """A break (каникулы) the curator enters; both ends are days without meetings."""

    start: date
    end: date
    title: str

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"holiday {self.title!r} ends before it starts")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def holiday_on(day: date, holidays: Sequence[Holiday]) -> Holiday | None:
    """The first listed break covering the day, so overlapping entries still name one."""
    for holiday in holidays:
        if holiday.contains(day):
            return holiday
    return None


@dataclass(frozen=True)
class Rhythm:
    """The pair's agreed weekday and local wall-clock time, every `interval_weeks` weeks.

    The time is naive on purpose: it is read in the organization's zone, which belongs to
    the organization and not to the rhythm. The interval is not refused here, because a
    pair may type any number and deserves a problem code (see `check_rhythm`), not a crash.
    """

    weekday: int
    time: time
    interval_weeks: int = DEFAULT_INTERVAL_WEEKS

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        if self.time.tzinfo is not None:
            raise ValueError("the rhythm's time is a wall-clock time; the zone comes separately")
        if self.time.microsecond:
            # rrule drops microseconds, which would break "every meeting starts at `time`".
            raise ValueError("the rhythm's time must not have microseconds")

    def allowed(self, *, curator_consent: bool) -> bool:
        return check_rhythm(self, curator_consent=curator_consent) is None


def check_rhythm(rhythm: Rhythm, *, curator_consent: bool) -> str | None:
    """The problem code to show the pair, or None when the rhythm may be kept.

    "interval_invalid": fewer than one week between meetings makes no rhythm at all.
    "interval_too_long": more than two weeks breaks the documents' minimum cadence unless
    the curator has agreed to it.
    """
    if rhythm.interval_weeks < 1:
        return "interval_invalid"
    if rhythm.interval_weeks > MAX_INTERVAL_WITHOUT_CONSENT and not curator_consent:
        return "interval_too_long"
    return None


@dataclass(frozen=True)
class Occurrence:
    """One planned meeting; `skipped_for` is set when it falls on a break.

    Occurrences on a holiday are still returned so the caller can choose between dropping
    them and asking the pair for another date.
    """

    starts_at: datetime
    local_date: date
    skipped_for: Holiday | None


def local_to_utc(local: datetime, timezone: str) -> datetime:
    """The UTC instant of a wall-clock time in the zone, as an aware datetime.

    Resolution follows PEP 495 with ``fold`` as given (0 by default):
    - an ambiguous time (clocks turned back, the hour happens twice) means its first
      occurrence, the earlier instant; pass ``fold=1`` for the second;
    - a non-existent time (clocks turned forward) is read with the offset in force before
      the jump, so it lands after the gap: 02:30 on a night that skips 02:00–03:00 becomes
      03:30 — the meeting moves later rather than disappearing.
    Russia keeps no DST today, but zones have changed offsets (2011, 2014, 2016, 2020), and
    old dates or other countries' zones must still come out right.
    """
    if local.tzinfo is not None:
        raise ValueError("local_to_utc expects a naive wall-clock datetime")
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def utc_to_local(moment: datetime, timezone: str) -> datetime:
    """The moment as an aware datetime in the zone, ready for its date and wall-clock time.

    A naive moment is refused: guessing whether it is UTC or server time is how meetings
    drift by hours.
    """
    if moment.tzinfo is None:
        raise ValueError("utc_to_local expects an aware datetime")
    return moment.astimezone(ZoneInfo(timezone))


def _first_on_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _occurrences(
    rhythm: Rhythm,
    *,
    timezone: str,
    after: datetime,
    holidays: Sequence[Holiday],
    anchor: date | None,
) -> Iterator[Occurrence]:
    if check_rhythm(rhythm, curator_consent=True) is not None:
        raise ValueError("interval_weeks must be at least 1")
    if after.tzinfo is None:
        raise ValueError("after must be an aware datetime")
    local_after = utc_to_local(after, timezone).date()
    # The anchor fixes the phase of a two-weekly rhythm: the first meeting is the rhythm's
    # weekday on or after it, then every interval. Without one the phase starts at `after`.
    first = _first_on_weekday(anchor if anchor is not None else local_after, rhythm.weekday)
    # Jump over whole intervals that end well before `after` (a day of margin covers any
    # UTC offset) so an old anchor costs nothing and the phase is kept.
    step = 7 * rhythm.interval_weeks
    lower = local_after - timedelta(days=1)
    if first < lower:
        first += timedelta(days=step * ((lower - first).days // step))
    rule = rrule(
        WEEKLY,
        interval=rhythm.interval_weeks,
        byweekday=rhythm.weekday,
        wkst=MO,  # the default follows calendar.firstweekday(), a process-wide setting
        dtstart=datetime.combine(first, rhythm.time),
    )
    for local in rule:
        starts_at = local_to_utc(local, timezone)
        if starts_at > after:
            day = local.date()
            yield Occurrence(starts_at, day, holiday_on(day, holidays))


def upcoming(
    rhythm: Rhythm,
    *,
    timezone: str,
    after: datetime,
    count: int,
    holidays: Sequence[Holiday] = (),
    anchor: date | None = None,
) -> list[Occurrence]:
    """The next `count` meetings strictly after `after`, holidays included but marked.

    Dates are generated in local time and only then converted, so a meeting keeps its
    wall-clock time whatever the zone's offset does. Store the `anchor` with the rhythm:
    without it a two-weekly phase is counted from `after` and would shift between calls.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    found = _occurrences(rhythm, timezone=timezone, after=after, holidays=holidays, anchor=anchor)
    return list(islice(found, count))


def next_meeting(
    rhythm: Rhythm,
    *,
    timezone: str,
    after: datetime,
    holidays: Sequence[Holiday] = (),
    anchor: date | None = None,
) -> Occurrence | None:
    """The first meeting not on a holiday, or None if breaks cover the next whole year.

    None means the curator's holidays are probably mistyped; looping for ever would hang
    the reminder job instead of letting the caller say so.
    """
    found = _occurrences(rhythm, timezone=timezone, after=after, holidays=holidays, anchor=anchor)
    limit = after + SEARCH_HORIZON
    for occurrence in found:
        if occurrence.starts_at > limit:
            return None
        if occurrence.skipped_for is None:
            return occurrence
    return None


@dataclass(frozen=True)
class CalendarDay:
    day: date
    selectable: bool
    holiday: Holiday | None


def calendar_days(
    today: date, *, weeks: int = 4, holidays: Sequence[Holiday] = ()
) -> list[list[CalendarDay]]:
    """Rows for an inline calendar keyboard, Monday first as Russian calendars are.

    Starting on this week's Monday keeps the grid aligned with the weekday header; the days
    already gone are shown (so the row is whole) but cannot be picked, nor can breaks.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    monday = today - timedelta(days=today.weekday())
    rows: list[list[CalendarDay]] = []
    for week in range(weeks):
        row: list[CalendarDay] = []
        for offset in range(7):
            day = monday + timedelta(days=7 * week + offset)
            holiday = holiday_on(day, holidays)
            row.append(CalendarDay(day, day >= today and holiday is None, holiday))
        rows.append(row)
    return rows
