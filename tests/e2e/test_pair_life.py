"""A pair's life after its opening meetings, in the real bot process on a clock the test moves.

The organization is in Asia/Chita (UTC+9) with spring holidays; the pair and its acquaintance
and trial meetings are seeded (the chat for them is covered elsewhere). Through the chat: the
planning meeting is agreed on, both are asked "Did the meeting take place?", both say yes and
fill the feedback form; the next regular meeting comes from the rhythm two weeks later, a
holiday skipped; two regular meetings do not happen, which puts the pair on the curator's
list; the next morning's cadence run nudges the overdue pair.

The meetings are at 08:00 local time and the organization's meeting length and follow-up
delay are 30 and 15 minutes, so every "did it take place?" comes at 08:45: before the cadence
guard's 09:00, so its minute tick (real time) can only act on the morning the test chooses.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import to_db
from bot.config import Settings
from bot.followups import Answer
from bot.wiring import build_services
from handlers.followups import FollowupAnswer, ReasonSkip
from handlers.meeting_board_views import ViewMenu
from handlers.meeting_texts import MeetPlan
from handlers.response_views import FormPick
from handlers.workspace_views import Section
from storage.database import Database
from tests.clock import ManualClock
from tests.e2e.participants import holding, query, user_until
from tests.e2e.participants import press_data as press
from tests.e2e.process import BotProcess, clocked_bot
from tests.e2e.test_reminders import CURATOR, MASHA, OLGA, START, seed_pair
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.fake_telegram.models import ChatMessage

CHITA = ZoneInfo("Asia/Chita")
LINK = "https://meet.example/chita-9"
HOLIDAYS = "Весенние каникулы"
PAIR = "Ольга Викторовна — Маша Иванова"
TYPED = "Разобрали задачи олимпиады, всё было понятно"
TICK = 15.0  # follow-ups tick every 5 s of real time; allow for a slow machine
CADENCE_WAIT = 140.0  # the cadence guard ticks every 60 s of real time


def chita(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHITA).astimezone(UTC)


# The planning meeting: Tuesday 17 March 2026, 08:00 in Chita = 16 March 23:00 UTC.
PLANNING_DAY = date(2026, 3, 17)
# The rhythm's next date, 31 March, falls on the holidays: the meeting is on 14 April.
SECOND_DAY, THIRD_DAY, FOURTH_DAY = date(2026, 4, 14), date(2026, 4, 28), date(2026, 5, 12)


def said(text: str, *variants: str) -> bool:
    """An English msgid or its Russian translation: the catalogs are merged separately."""
    return any(variant in text for variant in variants)


async def seed(database: Path) -> int:
    """The pair of tests/e2e/test_reminders, the holidays, the organization's short meetings,
    and the acquaintance and trial meetings held. Returns the pair's id."""
    await seed_pair(database)
    db = Database(database)
    await db.connect()
    try:
        services = build_services(Settings(_env_file=None), db, ManualClock(START))  # type: ignore[call-arg]
        org_id = int(await db.fetch_value("SELECT id FROM organizations"))
        added = await services.holidays.add(
            org_id, date(2026, 3, 28), date(2026, 4, 5), HOLIDAYS, date(2026, 3, 12)
        )
        assert not isinstance(added, str), added
        assert await services.reminders.change_length(org_id, "30") is None
        assert await services.followups.change_delay(org_id, "15") is None
        pair_id, mentor = await db.fetch_one("SELECT id, mentor_id FROM pairs")
        async with db.transaction() as tx:
            for kind, starts in (
                ("acquaintance", chita(date(2026, 3, 11), 19)),
                ("trial", chita(date(2026, 3, 12), 15)),
            ):
                await tx.execute(
                    "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, "
                    "place, proposed_by, created_at) VALUES (?, ?, 'held', ?, 'online', ?, ?, ?)",
                    (pair_id, kind, to_db(starts), LINK, mentor, to_db(starts)),
                )
        return int(pair_id)
    finally:
        await db.close()


@pytest.fixture
async def life(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, int]]:
    async with clocked_bot(tg, tmp_path, START, seed) as running:
        yield running


# -- buttons by their data: the texts of the newer strings may still change with the catalogs --
def sent_with(tg: FakeTelegram, chat_id: int, data: str) -> int:
    """How many messages the bot delivered to this chat with a button of this data."""
    return sum(
        1
        for call in tg.methods_called("sendMessage")
        if call.ok
        and str(call.params.get("chat_id")) == str(chat_id)
        and data in str(call.params.get("reply_markup"))
    )


def followup_data(meeting_id: int, answer: Answer) -> str:
    return FollowupAnswer(meeting_id=meeting_id, answer=answer.value).pack()


def form_question(user: FakeUser, response_id: int) -> tuple[ChatMessage, str] | None:
    """The newest message of this response's form with buttons, and its question key."""
    prefix = f"rs1:{response_id}:"
    for message in reversed(user.bot_messages()):
        for data in message.button_data.values():
            if data and data.startswith(prefix):
                return message, FormPick.unpack(data).k
    return None


async def wait_question(user: FakeUser, response_id: int, key: str) -> ChatMessage:
    def shown() -> bool:
        found = form_question(user, response_id)
        return found is not None and found[1] == key

    await user_until(user, shown)
    found = form_question(user, response_id)
    assert found is not None
    return found[0]


def feedback_response(database: Path, telegram_id: int, meeting_id: int) -> int:
    rows = query(
        database,
        "SELECT r.id FROM responses r JOIN participants p ON p.id = r.participant_id "
        "WHERE r.form = 'meeting_feedback' AND r.meeting_id = ? AND p.telegram_id = ?",
        (meeting_id, telegram_id),
    )
    assert len(rows) == 1, rows
    return int(str(rows[0][0]))


async def fill_feedback(
    user: FakeUser, database: Path, meeting_id: int, usefulness: int, *, topic: bool
) -> None:
    """The scale by a button, the topics ticked (or skipped), a typed answer, then skips."""
    await user_until(user, lambda: bool(query(
        database, "SELECT 1 FROM responses WHERE form = 'meeting_feedback' AND meeting_id = ? "
        "AND participant_id = (SELECT id FROM participants WHERE telegram_id = ?)",
        (meeting_id, user.id))))  # fmt: skip
    rid = feedback_response(database, user.id, meeting_id)
    scale = await wait_question(user, rid, "usefulness")
    assert "1" in str(scale.buttons) and "5" in str(scale.buttons), scale.describe()
    await user.press_data(
        FormPick(r=rid, k="usefulness", a="p", v=str(usefulness)).pack(), scale.message_id
    )
    topics = await wait_question(user, rid, "worked_on")
    if topic:
        first = next(d for d in topics.button_data.values() if d and ":worked_on:p:" in d)
        await user.press_data(first, topics.message_id)
        # The keyboard is edited in place: the choice is ticked and «Done» carries it.
        await user_until(user, lambda: "✓" in str(topics.buttons))
        done = FormPick(r=rid, k="worked_on", a="d", s=1).pack()
        assert done in topics.button_data.values(), topics.describe()
        await user.press_data(done, topics.message_id)
    else:
        await user.press_data(FormPick(r=rid, k="worked_on", a="s").pack(), topics.message_id)
    await wait_question(user, rid, "went_well")
    await user.send_text(TYPED)
    later = await wait_question(user, rid, "to_change")
    await user.press_data(FormPick(r=rid, k="to_change", a="s").pack(), later.message_id)
    last = await wait_question(user, rid, "comment")
    await user.press_data(FormPick(r=rid, k="comment", a="s").pack(), last.message_id)
    await user.wait_for_bot_message("ответы сохранены", after=0)  # «Ваши» or «Твои»


def meetings(database: Path) -> list[tuple[object, ...]]:
    return query(database, "SELECT id, kind, status, starts_at FROM meetings ORDER BY id")


def followups(database: Path, meeting_id: int) -> list[tuple[object, ...]]:
    return query(
        database,
        "SELECT telegram_id, answer, reason FROM followups WHERE meeting_id = ? "
        "ORDER BY telegram_id",
        (meeting_id,),
    )


async def both_asked(tg: FakeTelegram, olga: FakeUser, masha: FakeUser, meeting_id: int) -> None:
    held = followup_data(meeting_id, Answer.HELD)
    await tg.wait_until(
        lambda: holding(olga, held) is not None and holding(masha, held) is not None, TICK
    )


async def agree_on_planning_meeting(olga: FakeUser, masha: FakeUser) -> None:
    """Olga proposes Tuesday 17 March, 08:00, online; Masha confirms (as in the reminders
    test, whose chat texts are settled)."""
    await olga.send_text("/meetings")
    await olga.wait_for_bot_message("пока не запланирована")
    await olga.press("Предложить встречу")
    await olga.wait_for_bot_message("Выберите день встречи")
    await olga.press("17")
    await olga.wait_for_bot_message("во сколько")
    await olga.press("08:00")
    await olga.wait_for_bot_message("Как будете встречаться")
    await olga.press("Онлайн")
    await olga.wait_for_bot_message("ссылку")
    await olga.send_text(LINK)
    offer = await masha.wait_for_bot_message("предлагает встречу", after=0)
    assert "17 марта 2026" in offer.text and "08:00" in offer.text, offer.text
    await masha.press("Подтвердить", message_id=offer.message_id)
    await masha.wait_for_bot_message("Встреча подтверждена")


async def test_a_pairs_life_held_planning_then_two_missed_then_the_curator_and_a_nudge(
    tg: FakeTelegram, life: tuple[BotProcess, int]
) -> None:
    bot, pair_id = life
    db = bot.database
    olga, masha = tg.user(OLGA, "Ольга"), tg.user(MASHA, "Маша")
    curator = tg.user(CURATOR, "Куратор")

    # -- the planning meeting, agreed on in the chat ---------------------------------------
    await agree_on_planning_meeting(olga, masha)
    ((planning, kind, status, starts),) = [m for m in meetings(db) if m[1] == "planning"]
    assert (kind, status, starts) == ("planning", "confirmed", "2026-03-16T23:00:00+00:00")
    assert isinstance(planning, int)
    due = query(db, "SELECT DISTINCT due_at FROM followups WHERE meeting_id = ?", (planning,))
    assert due == [("2026-03-16T23:45:00+00:00",)]  # 08:00 + 30 minutes + 15 minutes

    # -- "Did the meeting take place?" once its end and the delay have passed --------------
    bot.set_time(chita(PLANNING_DAY, 8, 44))
    await bot.wait_for_run("followups")  # a tick passes: not due yet
    assert sent_with(tg, OLGA, followup_data(planning, Answer.HELD)) == 0
    bot.set_time(chita(PLANNING_DAY, 8, 46))
    await both_asked(tg, olga, masha, planning)
    for user in (olga, masha):
        question = holding(user, followup_data(planning, Answer.HELD))
        assert question is not None
        assert "17 марта 2026" in question.text and "08:00" in question.text, question.text
        assert set(question.button_data.values()) == {
            followup_data(planning, answer) for answer in Answer
        }

    # Both say yes: Olga first (she decides), then Masha.
    await press(olga, followup_data(planning, Answer.HELD))
    # The rhythm gives the next regular meeting; 31 March falls on the holidays.
    announcements = [await user.wait_for_bot_message(HOLIDAYS, after=0) for user in (olga, masha)]
    for told in announcements:
        assert "14 апреля 2026" in told.text and "08:00" in told.text, told.text
        assert "(UTC+9)" in told.text and "31 марта 2026" in told.text, told.text
    await press(masha, followup_data(planning, Answer.HELD))
    await fill_feedback(olga, db, planning, 5, topic=True)
    await fill_feedback(masha, db, planning, 4, topic=False)

    rows = meetings(db)
    assert [m[1:] for m in rows if m[0] == planning] == [
        ("planning", "held", "2026-03-16T23:00:00+00:00")
    ]
    ((second, _, status, starts),) = [m for m in rows if m[1] == "regular"]
    assert isinstance(second, int)
    # Tuesday 14 April, 08:00 in Chita: still 13 April in UTC.
    assert (status, starts) == ("confirmed", "2026-04-13T23:00:00+00:00")
    for told in announcements:  # and either of them can move it
        assert MeetPlan(pair_id=pair_id, replaces=second).pack() in told.button_data.values()
    assert followups(db, planning) == [(OLGA, "held", None), (MASHA, "held", None)]
    forms = query(db, "SELECT p.telegram_id, r.answers, r.completed_at IS NOT NULL FROM "
                  "responses r JOIN participants p ON p.id = r.participant_id WHERE "
                  "r.form = 'meeting_feedback' ORDER BY p.telegram_id")  # fmt: skip
    assert [(chat, done) for chat, _, done in forms] == [(OLGA, 1), (MASHA, 1)]
    olga_form, masha_form = (json.loads(str(answers)) for _, answers, _ in forms)
    assert (olga_form["usefulness"], masha_form["usefulness"]) == (5, 4)
    assert len(olga_form["worked_on"]["choices"]) == 1 and masha_form["worked_on"] is None
    assert olga_form["went_well"] == masha_form["went_well"] == TYPED
    assert masha_form["to_change"] is None and masha_form["comment"] is None

    # A day later nobody is asked again about the planning meeting (both answered).
    bot.set_time(chita(PLANNING_DAY + timedelta(days=1), 8, 50))
    await bot.wait_for_run("followups")
    for chat in (OLGA, MASHA):
        assert sent_with(tg, chat, followup_data(planning, Answer.HELD)) == 1

    # -- the second meeting does not happen: Masha tells why, Olga skips the reason ---------
    bot.set_time(chita(SECOND_DAY, 8, 46))
    await both_asked(tg, olga, masha, second)
    await press(masha, followup_data(second, Answer.NOT_HELD))
    await user_until(
        masha, lambda: holding(masha, ReasonSkip(meeting_id=second).pack()) is not None
    )
    await masha.send_text("Заболела, была температура")
    third = next_meeting_after(db, second)
    await user_until(masha, lambda: holding(masha, MeetPlan(pair_id=pair_id, replaces=third).pack())
                     is not None)  # fmt: skip
    await press(olga, followup_data(second, Answer.NOT_HELD))
    await press(olga, ReasonSkip(meeting_id=second).pack())
    await user_until(olga, lambda: holding(olga, MeetPlan(pair_id=pair_id, replaces=third).pack())
                     is not None)  # fmt: skip
    assert followups(db, second) == [
        (OLGA, "not_held", None), (MASHA, "not_held", "Заболела, была температура")
    ]  # fmt: skip
    assert query(db, "SELECT status FROM meetings WHERE id = ?", (second,)) == [("missed",)]
    assert query(db, "SELECT count(*) FROM attention") == [(0,)]  # one missed is not two

    # -- the third does not happen either: the pair needs attention, the curator is told ----
    bot.set_time(chita(THIRD_DAY, 8, 46))
    await both_asked(tg, olga, masha, third)
    await press(olga, followup_data(third, Answer.NOT_HELD))
    told = await curator.wait_for_bot_message("⚠️", after=0, timeout=TICK)
    assert PAIR in told.text, told.text
    assert said(told.text, "two meetings in a row", "две встречи подряд"), told.text
    await press(olga, ReasonSkip(meeting_id=third).pack())
    await press(masha, followup_data(third, Answer.NOT_HELD))
    await press(masha, ReasonSkip(meeting_id=third).pack())
    fourth = next_meeting_after(db, third)
    assert query(db, "SELECT starts_at FROM meetings WHERE id = ?", (third,)) == [
        ("2026-04-27T23:00:00+00:00",)
    ]
    assert query(db, "SELECT status, starts_at FROM meetings WHERE id = ?", (fourth,)) == [
        ("confirmed", to_db(chita(FOURTH_DAY, 8)))
    ]
    assert query(db, "SELECT pair_id, reason, resolved_at FROM attention") == [
        (pair_id, "missed_twice", None)
    ]

    # -- the next morning's cadence run: the overdue pair (no meeting held since 17 March) --
    # is nudged, once to each side.
    bot.set_time(chita(THIRD_DAY + timedelta(days=1), 9, 5))
    await tg.wait_until(lambda: len(nudges(olga)) == 1 and len(nudges(masha)) == 1, CADENCE_WAIT)
    assert "Маша Иванова" in nudges(olga)[0] and "Ольга Викторовна" in nudges(masha)[0]
    assert query(db, "SELECT count(*) FROM cadence_nudges WHERE pair_id = ?", (pair_id,)) == [(1,)]
    assert query(db, "SELECT job, scope, period FROM job_runs WHERE job = 'cadence' AND "
                 "period >= '2026-04'") == [("cadence", "1", "2026-04-29")]  # fmt: skip

    # The curator's list shows the pair and why; the overdue view shows it too.
    await curator.send_text("/curator")
    await press(curator, Section(name="meeting_views").pack())
    await press(curator, ViewMenu(view="attention").pack())
    listing = await curator.wait_for_bot_message(PAIR, after=0)
    assert said(listing.text, "two meetings in a row", "две встречи подряд"), listing.text
    await press(curator, ViewMenu(view="overdue").pack())
    overdue = await curator.wait_for_bot_message("17 марта 2026", after=0)
    assert PAIR in overdue.text, overdue.text

    # Exactly once: every question, the curator's alert, the nudges.
    for meeting_id in (planning, second, third):
        for chat in (OLGA, MASHA):
            assert sent_with(tg, chat, followup_data(meeting_id, Answer.HELD)) == 1
    assert sum("⚠️" in m.text for m in curator.bot_messages()) == 1
    assert followups(db, third) == [(OLGA, "not_held", None), (MASHA, "not_held", None)]
    # A follow-up and a cadence run after the clock moved: nothing new is asked or nudged.
    await bot.wait_for_run("followups")
    await bot.wait_for_run("cadence")
    assert sent_with(tg, OLGA, followup_data(fourth, Answer.HELD)) == 0
    assert len(nudges(olga)) == len(nudges(masha)) == 1


def next_meeting_after(database: Path, meeting_id: int) -> int:
    rows = query(database, "SELECT id FROM meetings WHERE id > ? AND status = 'confirmed'",
                 (meeting_id,))  # fmt: skip
    assert len(rows) == 1, meetings(database)
    return int(str(rows[0][0]))


def nudges(user: FakeUser) -> list[str]:
    return [m.text for m in user.bot_messages() if said(m.text, "two weeks", "двух недель")]
