"""The calendar rules of meetings: kinds, rhythm, time zones, holidays, cadence, calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule import (
    CalendarDay,
    Holiday,
    MeetingKind,
    Occurrence,
    Rhythm,
    calendar_days,
    check_rhythm,
    local_to_utc,
    next_kind,
    next_meeting,
    upcoming,
    utc_to_local,
)

CHITA = "Asia/Chita"  # UTC+9
KALININGRAD = "Europe/Kaliningrad"  # UTC+2
TUE, THU, SUN = 1, 3, 6

# --- kinds ---------------------------------------------------------------------------------


def test_kind_values_are_stable_strings() -> None:
    assert [k.value for k in MeetingKind] == [
        "acquaintance",
        "trial",
        "planning",
        "regular",
        "final",
    ]


def test_next_kind_follows_the_documents_order() -> None:
    K = MeetingKind
    assert next_kind([]) is K.ACQUAINTANCE
    assert next_kind([K.ACQUAINTANCE]) is K.TRIAL
    assert next_kind([K.ACQUAINTANCE, K.TRIAL]) is K.PLANNING
    assert next_kind([K.ACQUAINTANCE, K.TRIAL, K.PLANNING]) is K.REGULAR
    assert next_kind([K.ACQUAINTANCE, K.TRIAL, K.PLANNING, K.REGULAR, K.REGULAR]) is K.REGULAR


def test_next_kind_fills_a_skipped_opening_meeting_first() -> None:
    assert next_kind([MeetingKind.TRIAL, MeetingKind.PLANNING]) is MeetingKind.ACQUAINTANCE


def test_next_kind_never_proposes_final_and_refuses_after_it() -> None:
    many = [MeetingKind.ACQUAINTANCE, MeetingKind.TRIAL, MeetingKind.PLANNING]
    many += [MeetingKind.REGULAR] * 20
    assert next_kind(many) is not MeetingKind.FINAL
    with pytest.raises(ValueError):
        next_kind([*many, MeetingKind.FINAL])


# --- holidays and rhythm -------------------------------------------------------------------


def test_holiday_is_an_inclusive_range_and_validated() -> None:
    winter = Holiday(date(2025, 12, 29), date(2026, 1, 11), "Зимние каникулы")
    assert winter.contains(date(2025, 12, 29))
    assert winter.contains(date(2026, 1, 11))
    assert not winter.contains(date(2026, 1, 12))
    assert Holiday(date(2026, 3, 1), date(2026, 3, 1), "один день").contains(date(2026, 3, 1))
    with pytest.raises(ValueError):
        Holiday(date(2026, 1, 11), date(2025, 12, 29), "наоборот")


def test_rhythm_defaults_to_two_weeks_and_validates_fields() -> None:
    assert Rhythm(TUE, time(16, 0)).interval_weeks == 2
    with pytest.raises(ValueError):
        Rhythm(7, time(16, 0))
    with pytest.raises(ValueError):
        Rhythm(-1, time(16, 0))
    with pytest.raises(ValueError):
        Rhythm(TUE, time(16, 0, tzinfo=UTC))
    with pytest.raises(ValueError):
        Rhythm(TUE, time(16, 0, 0, 5))


def test_interval_longer_than_two_weeks_needs_the_curator() -> None:
    every_three = Rhythm(TUE, time(16, 0), interval_weeks=3)
    assert check_rhythm(every_three, curator_consent=False) == "interval_too_long"
    assert check_rhythm(every_three, curator_consent=True) is None
    assert not every_three.allowed(curator_consent=False)
    assert every_three.allowed(curator_consent=True)
    for weeks in (1, 2):
        assert check_rhythm(Rhythm(TUE, time(16, 0), weeks), curator_consent=False) is None
    for weeks in (0, -2):
        bad = Rhythm(TUE, time(16, 0), weeks)
        assert check_rhythm(bad, curator_consent=False) == "interval_invalid"
        assert check_rhythm(bad, curator_consent=True) == "interval_invalid"


# --- time zones ----------------------------------------------------------------------------


def test_local_and_utc_round_trip_in_russian_zones() -> None:
    assert local_to_utc(datetime(2026, 2, 3, 16, 0), CHITA) == datetime(
        2026, 2, 3, 7, 0, tzinfo=UTC
    )
    assert local_to_utc(datetime(2026, 2, 3, 16, 0), KALININGRAD) == datetime(
        2026, 2, 3, 14, 0, tzinfo=UTC
    )
    local = utc_to_local(datetime(2026, 2, 3, 7, 0, tzinfo=UTC), CHITA)
    assert (local.date(), local.time()) == (date(2026, 2, 3), time(16, 0))
    assert local.utcoffset() == timedelta(hours=9)


def test_naive_and_aware_mixups_are_refused() -> None:
    with pytest.raises(ValueError):
        local_to_utc(datetime(2026, 2, 3, 16, 0, tzinfo=UTC), CHITA)
    with pytest.raises(ValueError):
        utc_to_local(datetime(2026, 2, 3, 7, 0), CHITA)


def test_non_existent_local_time_moves_past_the_gap() -> None:
    # Chita went from UTC+8 to UTC+9 at 02:00 on 2016-03-27: 02:30 never happened there.
    moment = local_to_utc(datetime(2016, 3, 27, 2, 30), CHITA)
    assert moment == datetime(2016, 3, 26, 18, 30, tzinfo=UTC)
    assert utc_to_local(moment, CHITA).time() == time(3, 30)
    # The same rule in a zone with today's DST.
    spring = local_to_utc(datetime(2026, 3, 29, 2, 30), "Europe/Berlin")
    assert utc_to_local(spring, "Europe/Berlin").time() == time(3, 30)


def test_ambiguous_local_time_means_the_first_occurrence_unless_fold_says_otherwise() -> None:
    # Moscow turned clocks back from 02:00 to 01:00 on 2014-10-26.
    first = local_to_utc(datetime(2014, 10, 26, 1, 30), "Europe/Moscow")
    second = local_to_utc(datetime(2014, 10, 26, 1, 30, fold=1), "Europe/Moscow")
    assert first == datetime(2014, 10, 25, 21, 30, tzinfo=UTC)
    assert second == first + timedelta(hours=1)


# --- occurrences ---------------------------------------------------------------------------


def test_two_weekly_rule_in_chita_gives_the_right_utc_instants() -> None:
    rhythm = Rhythm(TUE, time(16, 0))
    after = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)
    got = upcoming(rhythm, timezone=CHITA, after=after, count=3, anchor=date(2026, 2, 2))
    assert got == [
        Occurrence(datetime(2026, 2, 3, 7, 0, tzinfo=UTC), date(2026, 2, 3), None),
        Occurrence(datetime(2026, 2, 17, 7, 0, tzinfo=UTC), date(2026, 2, 17), None),
        Occurrence(datetime(2026, 3, 3, 7, 0, tzinfo=UTC), date(2026, 3, 3), None),
    ]


def test_same_rhythm_in_kaliningrad_is_seven_hours_later() -> None:
    rhythm = Rhythm(TUE, time(16, 0))
    after = datetime(2026, 2, 1, tzinfo=UTC)
    chita = upcoming(rhythm, timezone=CHITA, after=after, count=2, anchor=date(2026, 2, 2))
    kgd = upcoming(rhythm, timezone=KALININGRAD, after=after, count=2, anchor=date(2026, 2, 2))
    assert [k.starts_at - c.starts_at for c, k in zip(chita, kgd, strict=True)] == [
        timedelta(hours=7)
    ] * 2


def test_meeting_just_after_midnight_is_the_previous_day_in_utc() -> None:
    rhythm = Rhythm(THU, time(0, 30), interval_weeks=1)
    after = datetime(2026, 2, 1, tzinfo=UTC)
    (first,) = upcoming(rhythm, timezone=CHITA, after=after, count=1)
    assert first.local_date == date(2026, 2, 5)  # Thursday in Chita
    assert first.starts_at == datetime(2026, 2, 4, 15, 30, tzinfo=UTC)  # Wednesday in UTC


def test_occurrences_are_strictly_after_the_given_moment() -> None:
    rhythm = Rhythm(TUE, time(16, 0))
    at_meeting = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
    (first,) = upcoming(rhythm, timezone=CHITA, after=at_meeting, count=1, anchor=date(2026, 2, 3))
    assert first.local_date == date(2026, 2, 17)
    (same_day,) = upcoming(rhythm, timezone=CHITA, after=at_meeting - timedelta(seconds=1), count=1)
    assert same_day.local_date == date(2026, 2, 3)


def test_anchor_fixes_the_phase_even_far_in_the_past() -> None:
    rhythm = Rhythm(TUE, time(16, 0))
    after = datetime(2026, 2, 1, tzinfo=UTC)
    odd = upcoming(rhythm, timezone=CHITA, after=after, count=2, anchor=date(2020, 1, 7))
    even = upcoming(rhythm, timezone=CHITA, after=after, count=2, anchor=date(2020, 1, 14))
    # 2026-02-10 is 318 weeks (an even number) after 2020-01-07, so that phase meets then.
    assert [o.local_date for o in odd] == [date(2026, 2, 10), date(2026, 2, 24)]
    assert [o.local_date for o in even] == [date(2026, 2, 3), date(2026, 2, 17)]


def test_future_anchor_starts_on_the_first_matching_weekday() -> None:
    rhythm = Rhythm(TUE, time(16, 0))
    got = upcoming(
        rhythm,
        timezone=CHITA,
        after=datetime(2026, 2, 1, tzinfo=UTC),
        count=1,
        anchor=date(2026, 3, 5),  # a Thursday
    )
    assert got[0].local_date == date(2026, 3, 10)


def test_count_zero_and_invalid_inputs() -> None:
    rhythm = Rhythm(TUE, time(16, 0))
    after = datetime(2026, 2, 1, tzinfo=UTC)
    assert upcoming(rhythm, timezone=CHITA, after=after, count=0) == []
    with pytest.raises(ValueError):
        upcoming(rhythm, timezone=CHITA, after=after, count=-1)
    with pytest.raises(ValueError):
        upcoming(Rhythm(TUE, time(16, 0), 0), timezone=CHITA, after=after, count=1)
    with pytest.raises(ValueError):
        upcoming(rhythm, timezone=CHITA, after=datetime(2026, 2, 1), count=1)


def test_winter_break_skips_exactly_the_occurrences_inside_it() -> None:
    winter = Holiday(date(2025, 12, 29), date(2026, 1, 11), "Зимние каникулы")
    weekly = Rhythm(TUE, time(16, 0), interval_weeks=1)
    got = upcoming(
        weekly,
        timezone=CHITA,
        after=datetime(2025, 12, 15, tzinfo=UTC),
        count=5,
        holidays=[winter],
    )
    assert [(o.local_date, o.skipped_for) for o in got] == [
        (date(2025, 12, 16), None),
        (date(2025, 12, 23), None),
        (date(2025, 12, 30), winter),
        (date(2026, 1, 6), winter),
        (date(2026, 1, 13), None),
    ]


def test_holiday_edges_are_inclusive_in_local_dates() -> None:
    # 00:30 on Thursday in Chita is Wednesday in UTC: the local date decides.
    one_day = Holiday(date(2026, 2, 5), date(2026, 2, 5), "День школы")
    rhythm = Rhythm(THU, time(0, 30), interval_weeks=1)
    after = datetime(2026, 2, 1, tzinfo=UTC)
    got = upcoming(rhythm, timezone=CHITA, after=after, count=2, holidays=[one_day])
    assert [o.skipped_for for o in got] == [one_day, None]


def test_next_meeting_skips_holidays() -> None:
    winter = Holiday(date(2025, 12, 29), date(2026, 1, 11), "Зимние каникулы")
    rhythm = Rhythm(TUE, time(16, 0))
    found = next_meeting(
        rhythm,
        timezone=KALININGRAD,
        after=datetime(2025, 12, 24, tzinfo=UTC),
        holidays=[winter],
        anchor=date(2025, 12, 30),
    )
    assert found == Occurrence(datetime(2026, 1, 13, 14, 0, tzinfo=UTC), date(2026, 1, 13), None)


def test_next_meeting_without_holidays_is_the_first_occurrence() -> None:
    rhythm = Rhythm(SUN, time(10, 0))
    after = datetime(2026, 2, 1, tzinfo=UTC)
    assert (
        next_meeting(rhythm, timezone=CHITA, after=after)
        == upcoming(rhythm, timezone=CHITA, after=after, count=1)[0]
    )


def test_next_meeting_gives_up_when_breaks_cover_a_whole_year() -> None:
    endless = Holiday(date(2026, 1, 1), date(2028, 1, 1), "ошибка ввода")
    rhythm = Rhythm(TUE, time(16, 0), interval_weeks=1)
    after = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_meeting(rhythm, timezone=CHITA, after=after, holidays=[endless]) is None


RUSSIAN_ZONES = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Chita",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
]


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(RUSSIAN_ZONES),
    anchor=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    after_days=st.integers(min_value=-30, max_value=400),
    weekday=st.integers(min_value=0, max_value=6),
    # Every offset change Russia ever made happened at night, so daytime wall clocks exist.
    hour=st.integers(min_value=6, max_value=22),
    minute=st.integers(min_value=0, max_value=59),
    interval=st.integers(min_value=1, max_value=4),
)
def test_occurrences_keep_wall_clock_time_and_spacing(
    zone: str,
    anchor: date,
    after_days: int,
    weekday: int,
    hour: int,
    minute: int,
    interval: int,
) -> None:
    rhythm = Rhythm(weekday, time(hour, minute), interval)
    after = datetime.combine(anchor + timedelta(days=after_days), time(12), tzinfo=UTC)
    got = upcoming(rhythm, timezone=zone, after=after, count=6, anchor=anchor)
    assert len(got) == 6
    for occurrence in got:
        local = utc_to_local(occurrence.starts_at, zone)
        assert occurrence.starts_at > after
        assert occurrence.starts_at.utcoffset() == timedelta(0)
        assert local.time() == rhythm.time
        assert local.date() == occurrence.local_date
        assert occurrence.local_date.weekday() == weekday
        assert occurrence.local_date >= anchor
    for earlier, later in pairwise(got):
        assert (later.local_date - earlier.local_date).days == interval * 7
    # The phase is the anchor's: whole intervals from the first matching weekday.
    first = anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    assert (got[0].local_date - first).days % (interval * 7) == 0
    # And none was lost: the one before the first returned is before the anchor or `after`.
    previous = got[0].local_date - timedelta(weeks=interval)
    assert previous < first or local_to_utc(datetime.combine(previous, rhythm.time), zone) <= after


# --- inline calendar -----------------------------------------------------------------------


def test_calendar_rows_start_on_monday_and_cover_the_weeks() -> None:
    today = date(2026, 2, 5)  # Thursday
    rows = calendar_days(today)
    assert len(rows) == 4
    assert all(len(row) == 7 for row in rows)
    assert all(row[0].day.weekday() == 0 for row in rows)
    assert rows[0][0].day == date(2026, 2, 2)
    assert rows[-1][-1].day == date(2026, 3, 1)
    days = [cell.day for row in rows for cell in row]
    assert days == [date(2026, 2, 2) + timedelta(days=i) for i in range(28)]
    assert len(calendar_days(today, weeks=1)) == 1
    with pytest.raises(ValueError):
        calendar_days(today, weeks=0)


def test_calendar_marks_past_days_and_holidays_unselectable() -> None:
    today = date(2026, 2, 5)
    spring = Holiday(date(2026, 2, 9), date(2026, 2, 10), "Каникулы")
    rows = calendar_days(today, weeks=2, holidays=[spring])
    cells = {cell.day: cell for row in rows for cell in row}
    for past in (date(2026, 2, 2), date(2026, 2, 3), date(2026, 2, 4)):
        assert cells[past] == CalendarDay(past, False, None)
    assert cells[today].selectable
    assert cells[date(2026, 2, 9)] == CalendarDay(date(2026, 2, 9), False, spring)
    assert cells[date(2026, 2, 10)].holiday is spring
    assert cells[date(2026, 2, 11)] == CalendarDay(date(2026, 2, 11), True, None)


def test_calendar_on_a_monday_and_a_sunday() -> None:
    assert calendar_days(date(2026, 2, 2), weeks=1)[0][0] == CalendarDay(
        date(2026, 2, 2), True, None
    )
    sunday_rows = calendar_days(date(2026, 2, 8), weeks=1)
    assert [c.selectable for c in sunday_rows[0]] == [False] * 6 + [True]
