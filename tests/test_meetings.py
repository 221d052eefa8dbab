"""A pair agrees on a meeting in the chat: proposal, confirmation, moving, cancelling."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.matching_views import MatchMenu, ProposalAct
from handlers.meeting_texts import MeetAnswer, MeetCancel, MeetDay, MeetFormat, MeetPlan, MeetTime
from tests.inprocess import Harness
from tests.joining import CURATOR
from tests.test_pairing import cohort, texts

OLGA, MASHA = 101, 201


async def approved_pair(harness: Harness) -> tuple[dict[str, int], int]:
    ids = await cohort(harness)
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    proposal = await harness.app.db.fetch_value(
        "SELECT id FROM proposals WHERE mentee_id = ?", (ids["masha"],)
    )
    await harness.press(CURATOR, ProposalAct(proposal_id=proposal, action="approve").pack())
    pair_id = await harness.app.db.fetch_value("SELECT id FROM pairs")
    return ids, int(pair_id)


async def propose(
    harness: Harness,
    user: int,
    pair_id: int,
    day: str,
    at: str,
    place: str,
    *,
    online: bool = True,
    replaces: int = 0,
) -> None:
    await harness.press(user, MeetPlan(pair_id=pair_id, replaces=replaces).pack())
    await harness.press(user, MeetDay(pair_id=pair_id, day=day, replaces=replaces).pack())
    await harness.press(user, MeetTime(pair_id=pair_id, day=day, at=at, replaces=replaces).pack())
    await harness.press(user, MeetFormat(pair_id=pair_id, day=day, at=at, online=online,
                                         replaces=replaces).pack())  # fmt: skip
    await harness.send(user, place)


async def test_times_go_by_half_hours_and_a_half_hour_can_be_agreed(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    await harness.press(OLGA, MeetPlan(pair_id=pair_id).pack())
    times = (await harness.press(OLGA, MeetDay(pair_id=pair_id, day="20260317").pack()))[-1]
    labels = [text for text, _ in times.buttons]
    assert labels[:3] == ["08:00", "08:30", "09:00"] and labels[-1] == "20:30"
    await propose(harness, OLGA, pair_id, "20260317", "1530", "https://meet.example/abc")
    offer = next(s for s in reversed(harness.session.sent) if s.chat_id == MASHA)
    assert "15:30" in offer.text, offer.text


async def test_the_mentor_proposes_and_the_mentee_confirms(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    intro = next(s for s in harness.session.sent if s.chat_id == OLGA and "Знакомьтесь" in s.text)
    assert "Предложить первую встречу" in str(intro.buttons)
    calendar = (await harness.press(OLGA, MeetPlan(pair_id=pair_id).pack()))[-1]
    # The clock says 12 March 2026, 18:30 in Chita: earlier days of the week are not offered.
    # Above the days: their months, then the weekdays (captions that do nothing).
    buttons = [text for text, _ in calendar.buttons]
    assert buttons[:8] == ["Март – Апрель 2026", "Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]
    assert [len(row) for row in calendar.markup.inline_keyboard] == [1, 7, 7, 7, 7, 7]
    first_week = buttons[8:15]
    assert first_week == ["·", "·", "·", "12", "13", "14", "15"]
    header = dict(calendar.buttons)["Пн"]
    assert await harness.press(OLGA, header) == []  # a caption changes nothing

    await propose(harness, OLGA, pair_id, "20260317", "1500", "https://meet.example/abc")
    offer = [s for s in harness.session.sent if s.chat_id == MASHA][-1]
    assert "предлагает встречу" in offer.text and "Встреча-знакомство" in offer.text
    assert "17 марта 2026" in offer.text and "15:00" in offer.text and "(UTC+9)" in offer.text
    assert "Asia/Chita" not in offer.text  # the zone as people read it, not its IANA name
    row = await harness.app.db.fetch_one("SELECT id, status, starts_at, kind FROM meetings")
    # 15:00 in Chita (UTC+9) is 06:00 UTC.
    assert tuple(row)[1:] == ("proposed", "2026-03-17T06:00:00+00:00", "acquaintance")

    # The proposer cannot confirm their own proposal; a stranger cannot either.
    await harness.press(OLGA, MeetAnswer(meeting_id=row["id"], confirm=True).pack())
    await harness.press(9999, MeetAnswer(meeting_id=row["id"], confirm=True).pack())
    assert await harness.app.db.fetch_value("SELECT status FROM meetings") == "proposed"

    await harness.press(MASHA, MeetAnswer(meeting_id=row["id"], confirm=True).pack())
    assert await harness.app.db.fetch_value("SELECT status FROM meetings") == "confirmed"
    assert "Встреча подтверждена" in texts(harness, OLGA)
    assert "Встреча подтверждена" in texts(harness, MASHA)
    listing = await harness.send(MASHA, "/meetings")
    assert "подтверждена" in listing[0].text and "Ольга Викторовна" in listing[0].text
    # A second tap on the old button decides nothing twice.
    await harness.press(MASHA, MeetAnswer(meeting_id=row["id"], confirm=True).pack())
    assert "Уже решено" in (harness.session.callback_answers()[-1].text or "")


async def test_another_time_moving_and_cancelling(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    await propose(harness, OLGA, pair_id, "20260317", "1500", "Кабинет 12", online=False)
    first = await harness.app.db.fetch_value("SELECT id FROM meetings")
    await harness.press(MASHA, MeetAnswer(meeting_id=first, confirm=False).pack())
    await propose(harness, MASHA, pair_id, "20260318", "1600", "Кабинет 12", online=False)
    rows = await harness.app.db.fetch_all("SELECT status, cancel_reason FROM meetings ORDER BY id")
    assert [tuple(r) for r in rows] == [("cancelled", "superseded"), ("proposed", None)]
    second = await harness.app.db.fetch_value("SELECT max(id) FROM meetings")
    await harness.press(OLGA, MeetAnswer(meeting_id=second, confirm=True).pack())

    await propose(harness, OLGA, pair_id, "20260319", "1700", "Кабинет 14", online=False,
                  replaces=second)  # fmt: skip
    statuses = await harness.app.db.fetch_all("SELECT status FROM meetings ORDER BY id")
    assert [r[0] for r in statuses] == ["cancelled", "cancelled", "proposed"]
    third = await harness.app.db.fetch_value("SELECT max(id) FROM meetings")
    await harness.press(MASHA, MeetCancel(meeting_id=third).pack())
    await harness.send(MASHA, "Заболела")
    assert await harness.app.db.fetch_value("SELECT cancel_reason FROM meetings WHERE id = ?",
                                            (third,)) == "Заболела"  # fmt: skip
    assert "Причина: Заболела" in texts(harness, OLGA)
    assert (
        "Встреча с вашей парой пока не запланирована"
        in (await harness.send(OLGA, "/meetings"))[-1].text
    )


async def test_times_out_of_range_and_strangers_are_refused(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    await propose(harness, OLGA, pair_id, "20260312", "0900", "link")  # already past in Chita
    assert "слишком близко или уже прошло" in harness.session.sent[-1].text
    await propose(harness, OLGA, pair_id, "20261001", "0900", "link")
    assert "восьми недель" in harness.session.sent[-1].text
    await propose(harness, 9999, pair_id, "20260317", "1500", "link")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM meetings") == 0
    assert harness.clock.now() == datetime(2026, 3, 12, 9, 30, tzinfo=UTC)


async def test_holidays_are_entered_by_the_curator_and_avoided(harness: Harness) -> None:
    from handlers.holiday_views import HolidayAdd, HolidayRemove

    _, pair_id = await approved_pair(harness)
    empty = (await harness.send(CURATOR, "/holidays"))[0]
    assert "Каникулы не указаны" in empty.text
    await harness.press(CURATOR, HolidayAdd().pack())
    refused = await harness.send(CURATOR, "каникулы скоро")
    assert "две даты и название" in refused[-1].text
    await harness.send(CURATOR, "20.03.2026 – 29.03.2026 Весенние каникулы")
    listing = harness.session.sent[-1]
    assert "20.03.2026 – 29.03.2026: Весенние каникулы" in listing.text

    calendar = (await harness.press(OLGA, MeetPlan(pair_id=pair_id).pack()))[-1]
    days = [text for text, _ in calendar.buttons][8:]  # after the month and the weekdays
    assert days[7:14] == ["16", "17", "18", "19", "·", "·", "·"]  # 20-22 March: holidays
    await propose(harness, OLGA, pair_id, "20260324", "1500", "link")
    assert "приходится на каникулы" in harness.session.sent[-1].text
    assert await harness.app.db.fetch_value("SELECT count(*) FROM meetings") == 0

    # A pupil cannot touch the holidays.
    await harness.send(MASHA, "/holidays")
    assert "куратор" in harness.session.sent[-1].text.lower()
    holiday_id = await harness.app.db.fetch_value("SELECT id FROM holidays")
    await harness.press(MASHA, HolidayRemove(holiday_id=holiday_id).pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM holidays") == 1
    await harness.press(CURATOR, HolidayRemove(holiday_id=holiday_id).pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM holidays") == 0


async def confirmed_meeting(harness: Harness) -> tuple[int, int]:
    _, pair_id = await approved_pair(harness)
    await propose(harness, OLGA, pair_id, "20260317", "1500", "https://meet.example/abc")
    meeting_id = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    await harness.press(MASHA, MeetAnswer(meeting_id=meeting_id, confirm=True).pack())
    return pair_id, meeting_id


def reminders_to(harness: Harness, chat: int) -> list[str]:
    return [s.text for s in harness.session.sent if s.chat_id == chat and "⏰" in s.text]


async def test_reminders_a_day_and_an_hour_before_both_sides_once(harness: Harness) -> None:
    from datetime import timedelta

    from jobs.reminders import deliver_reminders

    _, meeting_id = await confirmed_meeting(harness)
    rows = await harness.app.db.fetch_all(
        "SELECT minutes_before, due_at FROM reminders ORDER BY due_at, telegram_id"
    )
    assert [tuple(r) for r in rows] == [
        (1440, "2026-03-16T06:00:00+00:00"), (1440, "2026-03-16T06:00:00+00:00"),
        (60, "2026-03-17T05:00:00+00:00"), (60, "2026-03-17T05:00:00+00:00"),
    ]  # fmt: skip
    app = harness.app
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 0  # nothing due yet
    harness.clock.advance(timedelta(days=3, hours=20, minutes=31))  # 16 March, 06:01 UTC
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 2
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 0  # never twice
    day_before = reminders_to(harness, MASHA)[0]
    # 15:01 in Chita on 16 March, the meeting at 15:00 on the 17th.
    assert "завтра в 15:00" in day_before and "https://meet.example/abc" in day_before
    assert "Ольга Викторовна" in day_before
    assert "Маша Иванова" in reminders_to(harness, OLGA)[0]
    harness.clock.advance(timedelta(hours=23))  # 17 March, 05:01 UTC: an hour before
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 2
    assert "через час" in reminders_to(harness, OLGA)[-1]
    states = await harness.app.db.fetch_all("SELECT state FROM reminders WHERE meeting_id = ?",
                                            (meeting_id,))  # fmt: skip
    assert {r[0] for r in states} == {"sent"}


async def test_reminders_follow_moves_and_cancellations(harness: Harness) -> None:
    from datetime import timedelta

    from jobs.reminders import deliver_reminders

    pair_id, meeting_id = await confirmed_meeting(harness)
    await propose(harness, OLGA, pair_id, "20260319", "1700", "Кабинет 14", online=False,
                  replaces=meeting_id)  # fmt: skip
    states = await harness.app.db.fetch_all("SELECT DISTINCT state FROM reminders")
    assert [r[0] for r in states] == ["dropped"]
    moved = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    await harness.press(MASHA, MeetAnswer(meeting_id=moved, confirm=True).pack())
    await harness.press(MASHA, MeetCancel(meeting_id=moved).pack())
    await harness.send(MASHA, "Экскурсия всем классом")
    harness.clock.advance(timedelta(days=10))
    app = harness.app
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 0
    assert reminders_to(harness, OLGA) == [] and reminders_to(harness, MASHA) == []


async def test_a_bot_that_was_down_skips_reminders_no_longer_useful(harness: Harness) -> None:
    from datetime import timedelta

    from jobs.reminders import deliver_reminders

    await confirmed_meeting(harness)
    # Down from before the day-before reminder until after the meeting began.
    harness.clock.advance(timedelta(days=4, hours=21))
    app = harness.app
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 0
    states = await harness.app.db.fetch_all("SELECT DISTINCT state FROM reminders")
    assert [r[0] for r in states] == ["dropped"]


async def test_the_curator_rehearses_with_reminders_in_minutes(harness: Harness) -> None:
    from datetime import timedelta

    from bot.reminders import parse_minutes
    from handlers.meeting_settings_views import SettingField, SettingsEdit
    from jobs.reminders import deliver_reminders

    assert parse_minutes("1440, 60") == (1440, 60)
    assert parse_minutes("5 2") == (5, 2)
    assert parse_minutes("0") is None and parse_minutes("1,2,3,4") is None
    assert parse_minutes("много") is None and parse_minutes("20000") is None

    _, pair_id = await approved_pair(harness)
    shown = (await harness.send(CURATOR, "/meetingsettings"))[0]
    assert "за 1440, 60 минут до встречи" in shown.text and "ещё 3 дня получает" in shown.text
    await harness.press(CURATOR, SettingsEdit(field=SettingField.REMINDERS).pack())
    refused = await harness.send(CURATOR, "через час")
    assert "от одного до трёх целых чисел" in refused[-1].text
    saved = await harness.send(CURATOR, "10, 2")
    assert "за 10, 2 минуты до встречи" in saved[-1].text
    await harness.press(CURATOR, SettingsEdit(field=SettingField.LENGTH).pack())
    assert "встречи: 45 минут" in (await harness.send(CURATOR, "45"))[-1].text

    # A meeting in 40 minutes: reminders come 10 and 2 minutes before.
    harness.clock.advance(timedelta(hours=12, minutes=30))  # 13 March 07:00 in Chita
    await propose(harness, OLGA, pair_id, "20260313", "0800", "link")
    meeting = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    await harness.press(MASHA, MeetAnswer(meeting_id=meeting, confirm=True).pack())
    app = harness.app
    # Each says how long is left when it is sent, here a minute after it was due.
    harness.clock.advance(timedelta(minutes=51))
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 2
    assert "через 9 минут" in reminders_to(harness, MASHA)[-1]
    harness.clock.advance(timedelta(minutes=8))
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 2
    assert "через 1 минуту" in reminders_to(harness, OLGA)[-1]
    # A pupil cannot change the settings.
    await harness.send(MASHA, "/meetingsettings")
    assert "куратор" in harness.session.sent[-1].text.lower()


def unreachable_told(harness: Harness) -> list[str]:
    """The curator's lines about someone the bot can no longer reach."""
    return [line for line in texts(harness, CURATOR).split("\n") if "бот заблокирован" in line]


async def test_a_blocked_participant_is_reported_to_the_curator_once(harness: Harness) -> None:
    from datetime import timedelta

    from jobs.reminders import deliver_reminders

    await confirmed_meeting(harness)
    harness.session.fail_chats.add(MASHA)
    harness.clock.advance(timedelta(days=3, hours=20, minutes=31))
    app = harness.app
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 1  # only Olga
    told = unreachable_told(harness)
    assert len(told) == 1 and "Маша Иванова" in told[0]
    assert await app.db.fetch_value(
        "SELECT unreachable_since IS NOT NULL FROM participants WHERE telegram_id = ?", (MASHA,)
    )
    harness.clock.advance(timedelta(hours=23))
    await deliver_reminders(app.bot, app.i18n, app.services)
    told = unreachable_told(harness)
    assert len(told) == 1  # not at every failed message


PAVEL, PETYA = 102, 202


async def second_pair(harness: Harness) -> int:
    """Pavel and Petya: the other proposal of the matching run, approved too."""
    proposal = await harness.app.db.fetch_value("SELECT id FROM proposals WHERE status = 'open'")
    await harness.press(CURATOR, ProposalAct(proposal_id=proposal, action="approve").pack())
    return int(await harness.app.db.fetch_value("SELECT max(id) FROM pairs"))


async def test_a_forged_replaces_cannot_touch_another_pairs_meeting(harness: Harness) -> None:
    from datetime import date, time

    from bot.meeting_sides import MeetingProblem

    pair_a, meeting_a = await confirmed_meeting(harness)
    pair_b = await second_pair(harness)
    assert pair_b != pair_a

    async def states(table: str) -> set[str]:
        rows = await harness.app.db.fetch_all(
            f"SELECT DISTINCT state FROM {table} WHERE meeting_id = ?", (meeting_a,)
        )
        return {r[0] for r in rows}

    assert await states("reminders") == {"pending"} and await states("followups") == {"pending"}
    # Pavel (pair B) forges the button data: "move" pair A's meeting.
    calendar = await harness.press(PAVEL, MeetPlan(pair_id=pair_b, replaces=meeting_a).pack())
    assert calendar == []
    assert "изменить не можете" in (harness.session.callback_answers()[-1].text or "")
    await propose(harness, PAVEL, pair_b, "20260318", "1600", "link", replaces=meeting_a)
    refused = await harness.app.services.meetings.propose(
        pair_b, PAVEL, date(2026, 3, 18), time(16), "online", "link", replaces=meeting_a
    )
    # Pair A's meeting, its reminders and its follow-ups are untouched; nothing was proposed.
    assert await states("reminders") == {"pending"} and await states("followups") == {"pending"}
    assert refused is MeetingProblem.NOT_YOURS
    assert "изменить не можете" in [s for s in harness.session.sent if s.chat_id == PAVEL][-1].text
    row = await harness.app.db.fetch_one("SELECT status FROM meetings WHERE id = ?", (meeting_a,))
    assert row["status"] == "confirmed"
    assert (
        await harness.app.db.fetch_value(
            "SELECT count(*) FROM meetings WHERE pair_id = ?", (pair_b,)
        )
        == 0
    )
    # A decided meeting of the pair's own cannot be "moved" either.
    await harness.press(MASHA, MeetCancel(meeting_id=meeting_a).pack())
    await harness.send(MASHA, "Заболела")
    await propose(harness, OLGA, pair_a, "20260318", "1600", "link", replaces=meeting_a)
    assert "Уже решено" in harness.session.sent[-1].text
    assert (
        await harness.app.db.fetch_value(
            "SELECT count(*) FROM meetings WHERE pair_id = ?", (pair_a,)
        )
        == 1
    )


def test_the_calendar_captions_and_the_zone_as_people_read_them() -> None:
    from datetime import date

    from handlers.meeting_texts import month_caption, weekday_captions, zone_label

    assert month_caption(date(2026, 12, 3), date(2026, 12, 27), "ru") == "Декабрь 2026"
    assert month_caption(date(2026, 3, 12), date(2026, 4, 5), "ru") == "Март – Апрель 2026"
    assert month_caption(date(2026, 12, 17), date(2027, 1, 10), "ru") == (
        "Декабрь 2026 – Январь 2027"
    )
    assert month_caption(date(2026, 3, 12), date(2026, 4, 5), "en") == "March – April 2026"
    assert weekday_captions("ru") == ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]
    assert weekday_captions("en")[0] == "Mon"
    moment = datetime(2026, 3, 17, 6, 0, tzinfo=UTC)
    assert zone_label(moment, "Asia/Chita") == "UTC+9"
    assert zone_label(moment, "Europe/Moscow") == "UTC+3"
    assert zone_label(moment, "Asia/Kolkata") == "UTC+5:30"
    assert zone_label(moment, "UTC") == "UTC"
    assert zone_label(moment, "America/New_York") == "UTC-4"  # summer time already
    assert zone_label(datetime(2026, 1, 17, tzinfo=UTC), "America/New_York") == "UTC-5"
