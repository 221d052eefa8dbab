"""The overdue rule of the cadence guard (`bot.cadence.is_overdue`) on hand-made calendars, and
the guard reading a region's pairs in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from bot.cadence import allowed_days, counted_time, is_overdue
from bot.clock import to_db
from bot.models.cadence import CadenceCalendar, PairCadence
from bot.models.holidays import HolidayRow
from bot.models.pairs import Pair
from bot.models.plans import RhythmRow
from jobs.cadence import run_cadence
from tests.inprocess import Harness

CHITA = "Asia/Chita"  # UTC+9, no daylight saving time
WINTER = HolidayRow(1, 1, date(2026, 12, 31), date(2027, 1, 8), "Зимние каникулы")


def cadence(
    *,
    started: date = date(2026, 9, 1),
    last_held: datetime | None = None,
    weeks: int | None = None,
    approved: bool = False,
    weekday: int = 1,
    anchor: date = date(2026, 9, 1),
) -> PairCadence:
    pair = Pair(1, 1, 10, 20, "student_pupil", started, None, None, False)
    rhythm = None
    if weeks is not None:
        rhythm = RhythmRow(1, weekday, time(15, 0), weeks, anchor, approved)
    return PairCadence(pair, last_held, rhythm)


def calendar(grace: int = 3, *holidays: HolidayRow, zone: str = CHITA) -> CadenceCalendar:
    return CadenceCalendar(1, zone, grace, holidays)


def local(year: int, month: int, day: int, hour: int = 15) -> datetime:
    """A wall-clock moment in Chita, as the UTC instant the database keeps."""
    return datetime(year, month, day, hour, tzinfo=UTC) - timedelta(hours=9)


HELD = local(2026, 10, 6)  # a Tuesday, 15:00 in Chita


# -- the documents' fourteen days ------------------------------------------------------------
def test_fourteen_days_are_on_time_a_second_more_is_overdue() -> None:
    pair = cadence(last_held=HELD)
    assert not is_overdue(pair, calendar(0), HELD + timedelta(days=14))
    assert is_overdue(pair, calendar(0), HELD + timedelta(days=14, seconds=1))


def test_the_grace_days_extend_the_limit() -> None:
    pair = cadence(last_held=HELD)
    assert not is_overdue(pair, calendar(3), HELD + timedelta(days=17))
    assert is_overdue(pair, calendar(3), HELD + timedelta(days=17, minutes=1))


def test_without_a_meeting_the_clock_runs_from_the_pairs_start_local_midnight() -> None:
    pair = cadence(started=date(2026, 9, 1))
    midnight = datetime(2026, 8, 31, 15, 0, tzinfo=UTC)  # 1 September, 00:00 in Chita
    assert not is_overdue(pair, calendar(0), midnight + timedelta(days=14))
    assert is_overdue(pair, calendar(0), midnight + timedelta(days=14, minutes=1))


def test_a_restarted_pair_counts_from_the_restart() -> None:
    pair = cadence(started=date(2026, 11, 1), last_held=HELD)  # held before the restart
    assert not is_overdue(pair, calendar(0), local(2026, 11, 10))
    assert is_overdue(pair, calendar(0), local(2026, 11, 16))


# -- the rhythm the curator approved ----------------------------------------------------------
def test_an_approved_three_week_rhythm_is_overdue_after_three_weeks_and_the_grace() -> None:
    pair = cadence(last_held=HELD, weeks=3, approved=True)
    assert allowed_days(pair) == 21
    assert not is_overdue(pair, calendar(3), HELD + timedelta(days=22))
    assert not is_overdue(pair, calendar(3), HELD + timedelta(days=24))
    assert is_overdue(pair, calendar(3), HELD + timedelta(days=24, minutes=1))


def test_an_unapproved_three_week_rhythm_keeps_the_fourteen_days() -> None:
    pair = cadence(last_held=HELD, weeks=3, approved=False)
    assert allowed_days(pair) == 14
    assert is_overdue(pair, calendar(3), HELD + timedelta(days=17, minutes=1))


@pytest.mark.parametrize(("weeks", "days"), [(None, 14), (1, 14), (2, 14), (4, 28), (8, 56)])
def test_an_approval_only_relaxes_the_rule(weeks: int | None, days: int) -> None:
    assert allowed_days(cadence(weeks=weeks, approved=True)) == days


# -- the holidays ------------------------------------------------------------------------------
def test_fourteen_days_across_the_winter_holidays_are_not_overdue() -> None:
    held = local(2026, 12, 24)
    pair = cadence(last_held=held)
    now = held + timedelta(days=14, hours=1)  # 7 January, in the middle of the holidays
    assert is_overdue(pair, calendar(0), now)  # without the holidays it would be
    assert not is_overdue(pair, calendar(0, WINTER), now)
    assert not is_overdue(pair, calendar(3, WINTER), local(2027, 1, 14))
    # Counted: 24 Dec 15:00 – 31 Dec 00:00 (6 days 9 hours), then from 9 January 00:00.
    assert counted_time(held, local(2027, 1, 19, 10), calendar(3, WINTER)) == timedelta(
        days=16, hours=19
    )
    assert not is_overdue(pair, calendar(3, WINTER), local(2027, 1, 19, 15))
    assert is_overdue(pair, calendar(3, WINTER), local(2027, 1, 19, 15) + timedelta(minutes=1))


def test_a_meeting_skipped_for_the_holidays_does_not_make_a_pair_overdue() -> None:
    """A two-week rhythm on Thursdays: 24 December held, 7 January falls on the holidays and is
    skipped, the next meeting is 21 January. Nine holiday days do not make up for the skipped
    fortnight (28 days, 19 of them counted); the skipped meeting restarts the clock."""
    held = local(2026, 12, 24)
    on_rhythm = cadence(last_held=held, weeks=2, weekday=3, anchor=date(2026, 12, 10))
    without = cadence(last_held=held)
    days = [local(2027, 1, 1, 10) + timedelta(hours=n) for n in range(0, 40 * 24)]
    first = next(day for day in days if is_overdue(without, calendar(3, WINTER), day))
    assert first == local(2027, 1, 19, 16)  # before the meeting of 21 January
    first = next(day for day in days if is_overdue(on_rhythm, calendar(3, WINTER), day))
    assert first == local(2027, 1, 26, 1)  # counted from 9 January: 17 days and the first hour
    # Without the holidays nothing is skipped: the fourteen days and the grace as usual.
    assert is_overdue(on_rhythm, calendar(3), local(2027, 1, 10, 16))


def test_a_pair_overdue_before_the_holidays_gets_no_amnesty_from_them() -> None:
    """Last met 26 November; overdue since mid-December; the meeting of 7 January, skipped for
    the holidays, does not restart the clock of a pair that had stopped meeting."""
    pair = cadence(last_held=local(2026, 11, 26), weeks=2, weekday=3, anchor=date(2026, 11, 26))
    assert is_overdue(pair, calendar(3, WINTER), local(2026, 12, 20))
    for day in (local(2027, 1, 7, 16), local(2027, 1, 12), local(2027, 1, 25)):
        assert is_overdue(pair, calendar(3, WINTER), day)
    # The same dates for a pair that met on 24 December: not overdue.
    met = cadence(last_held=local(2026, 12, 24), weeks=2, weekday=3, anchor=date(2026, 11, 26))
    for day in (local(2027, 1, 7, 16), local(2027, 1, 12), local(2027, 1, 25)):
        assert not is_overdue(met, calendar(3, WINTER), day)


def test_an_approved_rhythm_skipped_for_the_holidays_counts_from_the_skipped_meeting() -> None:
    """Three weeks on Tuesdays: 22 December held, 12 January outside the 31 Dec – 11 Jan
    holidays; the meeting is not skipped, so the holiday days alone are excused."""
    long_winter = HolidayRow(1, 1, date(2026, 12, 31), date(2027, 1, 11), "Зимние каникулы")
    held = local(2026, 12, 22)
    pair = cadence(last_held=held, weeks=3, approved=True, weekday=1, anchor=date(2026, 12, 1))
    # 8 days 9 hours before the holidays; 24 days in all are reached 15 days 15 hours later.
    assert not is_overdue(pair, calendar(3, long_winter), local(2027, 1, 27, 15))
    assert is_overdue(pair, calendar(3, long_winter), local(2027, 1, 27, 16))
    # A break over 12 January skips that meeting: counted from it, after the break.
    late = HolidayRow(1, 1, date(2027, 1, 5), date(2027, 1, 15), "Карантин")
    assert not is_overdue(pair, calendar(3, late), local(2027, 2, 8, 23))
    assert is_overdue(pair, calendar(3, late), local(2027, 2, 9, 1))


def test_overlapping_holidays_are_counted_once() -> None:
    other = HolidayRow(2, 1, date(2027, 1, 5), date(2027, 1, 12), "Карантин")
    start, end = local(2026, 12, 30, 0), local(2027, 1, 14, 0)
    # 30 December, then 31 Dec – 12 Jan (13 days) off, then 13 January.
    assert counted_time(start, end, calendar(0, WINTER, other)) == timedelta(days=2)
    assert counted_time(start, end, calendar(0, other, WINTER)) == timedelta(days=2)


def test_holidays_are_the_organizations_local_days() -> None:
    day_off = HolidayRow(1, 1, date(2027, 2, 23), date(2027, 2, 23), "День защитника Отечества")
    start = datetime(2027, 2, 22, 12, 0, tzinfo=UTC)  # 22 Feb 21:00 in Chita, 14:00 in Moscow
    end = start + timedelta(days=2)
    chita = counted_time(start, end, calendar(0, day_off, zone=CHITA))
    moscow = counted_time(start, end, calendar(0, day_off, zone="Europe/Moscow"))
    assert chita == moscow == timedelta(days=1)
    # Before the holiday: three hours in Chita, ten in Moscow.
    before = datetime(2027, 2, 22, 15, 0, tzinfo=UTC)
    assert counted_time(start, before, calendar(0, day_off, zone=CHITA)) == timedelta(hours=3)
    past_midnight = datetime(2027, 2, 22, 16, 0, tzinfo=UTC)  # 23 Feb 01:00 in Chita
    assert counted_time(start, past_midnight, calendar(0, day_off, zone=CHITA)) == timedelta(
        hours=3
    )
    assert counted_time(start, past_midnight, calendar(0, day_off, zone="Europe/Moscow")) == (
        timedelta(hours=4)
    )


def test_no_time_runs_backwards() -> None:
    assert counted_time(HELD, HELD - timedelta(days=1), calendar(0)) == timedelta(0)


# -- the guard in the running bot ---------------------------------------------------------------
async def _seed_region(harness: Harness, schools: int, pairs_each: int) -> None:
    """Schools with pairs that met yesterday: nobody is overdue."""
    db = harness.app.db
    now = harness.clock.now()
    async with db.transaction() as tx:
        person = 0
        for school in range(schools):
            org = await tx.execute(
                "INSERT INTO organizations (name, timezone, created_at) VALUES (?, ?, ?)",
                (f"Школа {school}", CHITA, to_db(now)),
            )
            await tx.execute(
                "INSERT INTO holidays (organization_id, starts_on, ends_on, title) "
                "VALUES (?, '2026-03-28', '2026-04-05', 'Весенние каникулы')",
                (org,),
            )
            for _ in range(pairs_each):
                ids = []
                for role in ("mentor", "mentee"):
                    person += 1
                    ids.append(
                        await tx.execute(
                            "INSERT INTO participants (organization_id, telegram_id, role, "
                            "age_group, joined_at) VALUES (?, ?, ?, 'adult', ?)",
                            (org, 500_000 + person, role, to_db(now)),
                        )
                    )
                pair = await tx.execute(
                    "INSERT INTO pairs (organization_id, mentor_id, mentee_id, form, started_on, "
                    "created_at) VALUES (?, ?, ?, 'teacher_teacher', '2026-03-01', ?)",
                    (org, ids[0], ids[1], to_db(now)),
                )
                await tx.execute(
                    "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, "
                    "place, proposed_by, created_at) VALUES (?, 'acquaintance', 'held', ?, "
                    "'online', 'link', ?, ?)",
                    (pair, to_db(now - timedelta(days=1)), ids[0], to_db(now)),
                )


async def _reads_of_daily_run(harness: Harness) -> list[str]:
    statements: list[str] = []

    def trace(sql: str) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append(sql)

    harness.clock.advance(timedelta(days=1))  # a new local day: every school is due
    await harness.app.db.set_trace_callback(trace)
    try:
        report = await harness.app.services.cadence.daily()
    finally:
        await harness.app.db.set_trace_callback(None)
    assert report.nudged == [] and report.raised == []
    return statements


@pytest.mark.parametrize("pairs_each", [2, 30])
async def test_the_daily_check_reads_a_region_in_a_fixed_number_of_queries(
    harness: Harness, pairs_each: int
) -> None:
    await _seed_region(harness, schools=12, pairs_each=pairs_each)
    reads = await _reads_of_daily_run(harness)
    # The organizations, their calendars (settings and holidays), the pairs with their last
    # meeting and rhythm; however many schools and pairs.
    assert len(reads) <= 6, reads
    assert not any("FROM meetings WHERE pair_id" in sql for sql in reads)


async def _held_pair(harness: Harness, held: datetime) -> tuple[dict[str, int], int]:
    from tests.test_meetings import approved_pair

    ids, pair_id = await approved_pair(harness)
    db = harness.app.db
    mentor = await db.fetch_value("SELECT mentor_id FROM pairs WHERE id = ?", (pair_id,))
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (?, 'planning', 'held', ?, 'online', 'link', ?, ?)",
            (pair_id, to_db(held), mentor, to_db(held)),
        )
    return ids, pair_id


async def _run(harness: Harness, moment: datetime) -> list[Any]:
    """The cadence job at this moment; the nudges the pair got (the curator's digest aside)."""
    from tests.test_meetings import MASHA, OLGA

    harness.clock.advance(moment - harness.clock.now())
    before = len(harness.session.sent)
    await run_cadence(harness.app.services)
    await harness.app.services.outbox.idle()
    return [sent for sent in harness.session.sent[before:] if sent.chat_id in (OLGA, MASHA)]


async def test_the_winter_holidays_do_not_make_a_pair_overdue(harness: Harness) -> None:
    ids, _ = await _held_pair(harness, local(2026, 12, 24))
    await harness.app.services.holidays.add(
        ids["org"], date(2026, 12, 31), date(2027, 1, 8), "Зимние каникулы", date(2026, 3, 12)
    )
    for day in (local(2027, 1, 7, 10), local(2027, 1, 14, 10), local(2027, 1, 19, 10)):
        assert await _run(harness, day) == []
        assert await harness.app.services.cadence.overdue(ids["org"]) == []
    nudges = await _run(harness, local(2027, 1, 20, 10))  # 17 days and 19 hours counted
    assert len(nudges) == 2
    assert [row.people.pair.id for row in await harness.app.services.cadence.overdue(ids["org"])]
    assert await harness.app.db.fetch_value("SELECT count(*) FROM cadence_nudges") == 1


async def test_a_pair_on_an_approved_three_week_rhythm_is_reminded_of_its_rhythm(
    harness: Harness,
) -> None:
    ids, pair_id = await _held_pair(harness, local(2026, 3, 17))
    async with harness.app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO rhythms (pair_id, weekday, local_time, interval_weeks, anchor_on, "
            "curator_consent, updated_at) VALUES (?, 1, '15:00', 3, '2026-03-17', 1, ?)",
            (pair_id, to_db(harness.clock.now())),
        )
    assert await _run(harness, local(2026, 4, 8, 10)) == []  # 21 days and 19 hours
    assert await _run(harness, local(2026, 4, 10, 10)) == []  # 23 days and 19 hours
    history = await harness.app.services.cadence.history(ids["org"], pair_id)
    assert history is not None and not history.overdue
    nudges = await _run(harness, local(2026, 4, 11, 10))  # 24 days and 19 hours
    assert len(nudges) == 2
    assert all("3 недели" in sent.text or "3 weeks" in sent.text for sent in nudges)
    history = await harness.app.services.cadence.history(ids["org"], pair_id)
    assert history is not None and history.overdue
    marks = dict(
        (people.pair.id, mark)
        for people, mark in await harness.app.services.cadence.marks(ids["org"])
    )
    assert marks[pair_id] == history.mark
