"""Changes to agreed meetings: a cancelled regular meeting keeps the rhythm, a begun meeting is
not cancelled, holidays entered after meetings were agreed ask the pair for another date, and
the plan of the pair is checked by the service (in-process; the organization is in Asia/Chita,
UTC+9)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.meeting_sides import MeetingProblem
from handlers.followups import FollowupAnswer
from handlers.holiday_views import HolidayAdd
from handlers.meeting_texts import MeetCancel, MeetPlan
from handlers.pair_plan_views import GoalsStart
from tests.inprocess import Harness
from tests.joining import CURATOR
from tests.test_followups import (
    FOLLOWUP_DUE,
    MEETING_UTC,
    at,
    confirmed,
    planning_held,
    said,
    status,
    tick,
)
from tests.test_meetings import MASHA, OLGA, PAVEL, PETYA, approved_pair, propose, second_pair


def last_to(harness: Harness, chat: int) -> str:
    return [s for s in harness.session.sent if s.chat_id == chat][-1].text


async def regular_after_planning(harness: Harness) -> tuple[int, int]:
    """The planning meeting held; the rhythm planned the regular one of 31 March."""
    _ids, pair_id, planning = await planning_held(harness)
    regular = int(await harness.app.db.fetch_value(
        "SELECT id FROM meetings WHERE id > ? AND kind = 'regular'", (planning,)
    ))  # fmt: skip
    return pair_id, regular


async def test_a_cancelled_regular_meeting_keeps_the_rhythm(harness: Harness) -> None:
    _pair_id, regular = await regular_after_planning(harness)
    assert await harness.app.db.fetch_value(
        "SELECT starts_at FROM meetings WHERE id = ?", (regular,)
    ) == "2026-03-31T06:00:00+00:00"  # fmt: skip
    await harness.press(MASHA, MeetCancel(meeting_id=regular).pack())
    await harness.send(MASHA, "Олимпиада в этот день")
    assert await status(harness, regular) == "cancelled"
    rows = await harness.app.db.fetch_all(
        "SELECT id, kind, status, starts_at FROM meetings WHERE id > ?", (regular,)
    )
    # The next date of the two-weekly rhythm: Tuesday 14 April, 15:00 in Chita.
    assert [tuple(r)[1:] for r in rows] == [("regular", "confirmed", "2026-04-14T06:00:00+00:00")]
    following = rows[0]["id"]
    assert await harness.app.db.fetch_value(
        "SELECT count(*) FROM reminders WHERE meeting_id = ? AND state = 'pending'", (following,)
    ) == 4  # fmt: skip
    assert await harness.app.db.fetch_value(
        "SELECT count(*) FROM followups WHERE meeting_id = ? AND state = 'pending'", (following,)
    ) == 2  # fmt: skip
    for chat in (OLGA, MASHA):
        told = last_to(harness, chat)
        assert "14 апреля 2026" in told and "15:00" in told, told
        assert said(told, "planned by your rhythm", "по вашему графику")
        cancelled = [s.text for s in harness.session.sent if s.chat_id == chat][-2]
        assert "Причина: Олимпиада в этот день" in cancelled

    # Cancelling that one too plans the next one again; a proposal ahead stops the rhythm.
    await harness.press(OLGA, MeetCancel(meeting_id=following).pack())
    await harness.send(OLGA, "Каникулы у наставника")
    third = await harness.app.db.fetch_value(
        "SELECT starts_at FROM meetings WHERE id > ? AND status = 'confirmed'", (following,)
    )
    assert third == "2026-04-28T06:00:00+00:00"


async def test_a_cancelled_opening_meeting_plans_nothing(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    await harness.press(MASHA, MeetCancel(meeting_id=meeting_id).pack())
    await harness.send(MASHA, "Заболела")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM meetings") == 1


async def test_a_begun_meeting_cannot_be_cancelled(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    # The cancel button pressed before the meeting, the reason typed after it began.
    at(harness, MEETING_UTC - timedelta(minutes=5))
    await harness.press(MASHA, MeetCancel(meeting_id=meeting_id).pack())
    at(harness, MEETING_UTC + timedelta(minutes=10))
    await harness.send(MASHA, "Не смогла прийти")
    assert said(last_to(harness, MASHA), "already begun", "уже началась")
    assert await status(harness, meeting_id) == "confirmed"
    # The button pressed after the start is refused at once, kindly.
    assert await harness.press(OLGA, MeetCancel(meeting_id=meeting_id).pack()) == []
    answer = harness.session.callback_answers()[-1]
    assert said(answer.text or "", "already begun", "уже началась") and answer.show_alert
    assert await harness.state_of(OLGA) is None
    refused = await harness.app.services.meeting_changes.cancel(meeting_id, OLGA, "Поздно")
    assert refused is MeetingProblem.STARTED
    # It is answered through "did the meeting take place?" instead.
    at(harness, FOLLOWUP_DUE)
    assert await tick(harness) == 2
    await harness.press(OLGA, FollowupAnswer(meeting_id=meeting_id, answer="not_held").pack())
    assert await status(harness, meeting_id) == "missed"


async def test_holidays_entered_after_meetings_ask_the_pairs_for_another_date(
    harness: Harness,
) -> None:
    _, pair_a = await approved_pair(harness)
    meeting_a = await confirmed(harness, pair_a)  # Tuesday 17 March, 15:00 in Chita
    pair_b = await second_pair(harness)
    await propose(harness, PAVEL, pair_b, "20260320", "0900", "Кабинет 5", online=False)
    meeting_b = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    await propose(harness, OLGA, pair_a, "20260324", "1500", "link")  # after the holidays
    later_a = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    before = await harness.app.db.fetch_all("SELECT id, status, starts_at FROM meetings")

    await harness.press(CURATOR, HolidayAdd().pack())
    await harness.send(CURATOR, "16.03.2026 – 20.03.2026 Карантин")
    await harness.app.services.outbox.idle()  # the notices are queued for the pairs
    listing = last_to(harness, CURATOR)
    assert "16.03.2026 – 20.03.2026: Карантин" in listing
    assert said(listing, "2 planned meetings fall", "приходятся 2 запланированные встречи")
    # The meetings stay as they are until moved.
    assert await harness.app.db.fetch_all("SELECT id, status, starts_at FROM meetings") == before

    for mentor, mentee, pair_id, meeting_id in (
        (OLGA, MASHA, pair_a, meeting_a),
        (PAVEL, PETYA, pair_b, meeting_b),
    ):
        told = [s for s in harness.session.sent if s.chat_id == mentor][-1]
        assert "Карантин" in told.text and "(UTC+9)" in told.text
        move = MeetPlan(pair_id=pair_id, replaces=meeting_id).pack()
        assert move in [data for _, data in told.buttons]  # the usual «Move» of /meetings
        heard = last_to(harness, mentee)
        assert "Карантин" in heard and "mtg1s" not in str(
            [s for s in harness.session.sent if s.chat_id == mentee][-1].buttons
        )
    assert "17 марта 2026" in last_to(harness, MASHA) and "Ольга Викторовна" in last_to(
        harness, MASHA
    )
    assert "20 марта 2026" in last_to(harness, PETYA) and "Павел Андреевич" in last_to(
        harness, PETYA
    )
    # One message per meeting on the holidays; the meeting of 24 March is not among them.
    about = [s.text for s in harness.session.sent if s.chat_id == OLGA and "Карантин" in s.text]
    assert len(about) == 1 and "24 марта" not in about[0]
    assert await status(harness, later_a) == "proposed"

    # Olga moves her meeting through the usual flow; the old one is replaced.
    calendar = await harness.press(OLGA, MeetPlan(pair_id=pair_a, replaces=meeting_a).pack())
    assert f":{meeting_a}" in calendar[-1].buttons[-1][1]
    await propose(harness, OLGA, pair_a, "20260323", "1500", "link", replaces=meeting_a)
    assert await status(harness, meeting_a) == "cancelled"

    # Holidays touching no planned meeting say so.
    await harness.press(CURATOR, HolidayAdd().pack())
    await harness.send(CURATOR, "01.06.2026 – 31.08.2026 Летние каникулы")
    assert said(last_to(harness, CURATOR), "No planned meeting", "не приходится ни одна")


async def test_holidays_already_begun_do_not_ask_about_past_meetings(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    at(harness, MEETING_UTC + timedelta(hours=2))
    views = await harness.app.services.meeting_changes.on_holidays(
        1, date(2026, 3, 16), date(2026, 3, 20)
    )
    assert views == [] and await status(harness, meeting_id) == "confirmed"
    # The range is of the organization's local days: 18 March 00:30 in Chita is 17 March UTC.
    second = await confirmed(harness, pair_id, day="20260318", at="0800")
    async with harness.app.db.transaction() as tx:
        await tx.execute(
            "UPDATE meetings SET starts_at = ? WHERE id = ?", ("2026-03-17T15:30:00+00:00", second)
        )
    on_18th = await harness.app.services.meeting_changes.on_holidays(
        1, date(2026, 3, 18), date(2026, 3, 18)
    )
    assert [v.meeting.id for v in on_18th] == [second]
    assert (
        await harness.app.services.meeting_changes.on_holidays(
            1, date(2026, 3, 17), date(2026, 3, 17)
        )
        == []
    )


async def test_the_service_refuses_more_than_three_goals(harness: Harness) -> None:
    _ids, pair_id, _planning = await planning_held(harness)
    plans = harness.app.services.pair_plans
    four = ["Олимпиада", "Проект", "Профориентация", "Чтение"]
    assert await plans.record_plan(pair_id, OLGA, four, None) is MeetingProblem.BAD_GOALS
    assert await plans.record_plan(pair_id, OLGA, [], None) is MeetingProblem.BAD_GOALS
    assert await plans.record_plan(pair_id, OLGA, ["x" * 201], None) is (MeetingProblem.BAD_GOALS)
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pair_plans") == 0
    assert await plans.record_plan(pair_id, OLGA, four[:3], None) is None
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pair_plans") == 1


async def test_the_planned_end_is_after_the_organizations_today(harness: Harness) -> None:
    _ids, pair_id, _planning = await planning_held(harness)
    # 20 March, 20:00 UTC: already 21 March, 05:00 in Chita.
    at(harness, datetime(2026, 3, 20, 20, 0, tzinfo=UTC))
    plans = harness.app.services.pair_plans
    assert await plans.record_plan(pair_id, OLGA, ["Олимпиада"], date(2026, 3, 21)) is (
        MeetingProblem.BAD_END
    )
    await harness.press(OLGA, GoalsStart(pair_id=pair_id).pack())
    await harness.send(OLGA, "1. Подготовиться к олимпиаде")
    await harness.send(OLGA, "21.03.2026")  # today in Chita, though still 20 March in UTC
    assert said(last_to(harness, OLGA), "in the future", "в будущем")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pair_plans") == 0
    await harness.send(OLGA, "22.03.2026")
    assert await harness.app.db.fetch_value("SELECT planned_end FROM pair_plans") == "2026-03-22"
