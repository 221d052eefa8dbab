"""A short-term pair (its form marked short) in the real bot process on a clock the test moves.

The pair of tests/e2e/test_reminders (Chita, UTC+9), its form marked short-term: the first
meeting is agreed on and held through the chat; then nothing happens for two months while the
daily cadence guard runs on several mornings — a regular pair would be nudged after two weeks
and put on the curator's list a grace later; this one never is, and the curator's boards do
not show it as overdue. Then the pair holds its final meeting and completes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.followups import Answer
from bot.wiring import build_services
from dialogs.forms import FormPace
from handlers.meeting_board_views import ViewMenu
from handlers.workspace_views import Section
from storage.database import Database
from storage.repositories.organizations import OrganizationRepository
from tests.clock import ManualClock
from tests.e2e.participants import press_data as press
from tests.e2e.participants import query
from tests.e2e.process import BotProcess, clocked_bot
from tests.e2e.test_pair_life import (
    LINK,
    PLANNING_DAY,
    agree_on_planning_meeting,
    both_asked,
    chita,
    followup_data,
    meetings,
)
from tests.e2e.test_reminders import CURATOR, MASHA, OLGA, START, seed_pair
from tests.fake_telegram import FakeTelegram, FakeUser

PAIR = "Ольга Викторовна — Маша Иванова"
# Mornings the guard runs on after the first meeting (17 March): 20 days later a regular
# pair is overdue and nudged, five days later it would be on the curator's list.
MORNINGS = (date(2026, 4, 6), date(2026, 4, 11), date(2026, 4, 27), date(2026, 5, 16))
FINAL_DAY = date(2026, 5, 20)  # a Wednesday, two months after the first meeting


async def seed(database: Path) -> int:
    """The pair, its form marked short-term, meetings of 30 minutes asked about 15 later."""
    await seed_pair(database)
    db = Database(database)
    await db.connect()
    try:
        services = build_services(Settings(_env_file=None), db, ManualClock(START))  # type: ignore[call-arg]
        org_id = int(await db.fetch_value("SELECT id FROM organizations"))
        pair_id, form = await db.fetch_one("SELECT id, form FROM pairs")
        marked = await OrganizationRepository(db).set_form_profile(
            org_id, str(form), mentor_kind=None, mentee_kind=None, pace=FormPace.SHORT
        )
        assert marked is not None and marked.pace is FormPace.SHORT
        assert await services.reminders.change_length(org_id, "30") is None
        assert await services.followups.change_delay(org_id, "15") is None
        return int(pair_id)
    finally:
        await db.close()


@pytest.fixture
async def short(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, int]]:
    async with clocked_bot(tg, tmp_path, START, seed) as running:
        yield running


def alarms(user: FakeUser) -> list[str]:
    """Nudges («…at least every two weeks…») and the curator's ⚠️ alerts this user got."""
    return [
        m.text
        for m in user.bot_messages()
        if "⚠️" in m.text or "двух недель" in m.text or "two weeks" in m.text
    ]


def ran_on(database: Path, day: date) -> bool:
    """Whether the daily guard has run for the organization's local day."""
    return bool(
        query(
            database,
            "SELECT 1 FROM job_runs WHERE job = 'cadence' AND period = ?",
            (day.isoformat(),),
        )
    )


async def hold(bot: BotProcess, tg: FakeTelegram, olga: FakeUser, masha: FakeUser, day: date,
               meeting_id: int) -> None:  # fmt: skip
    """The meeting of 08:00 that day: both are asked at 08:46 and both say it took place."""
    bot.set_time(chita(day, 8, 46))
    await both_asked(tg, olga, masha, meeting_id)
    await press(olga, followup_data(meeting_id, Answer.HELD))
    await press(masha, followup_data(meeting_id, Answer.HELD))


async def test_a_short_term_pair_is_never_overdue_and_completes_by_its_final_meeting(
    tg: FakeTelegram, short: tuple[BotProcess, int]
) -> None:
    bot, pair_id = short
    db = bot.database
    olga, masha = tg.user(OLGA, "Ольга"), tg.user(MASHA, "Маша")
    curator = tg.user(CURATOR, "Куратор")

    # -- the first meeting: a working one where the goal is agreed (no acquaintance first) --
    await agree_on_planning_meeting(olga, masha)
    ((first, kind, status, _),) = meetings(db)
    assert (kind, status) == ("planning", "confirmed")
    assert isinstance(first, int)
    await hold(bot, tg, olga, masha, PLANNING_DAY, first)
    # The mentor is asked for the next meeting, which is the final one; no rhythm plans a
    # regular meeting two weeks later.
    await olga.wait_for_bot_message("заключительную встречу", after=0)
    assert [m[1:3] for m in meetings(db)] == [("planning", "held")]
    assert query(db, "SELECT count(*) FROM rhythms") == [(0,)]

    # -- two months without a meeting: the guard runs and never nudges or raises it ------
    for morning in MORNINGS:
        bot.set_time(chita(morning, 9, 5))
        await tg.wait_until(lambda morning=morning: ran_on(db, morning), 20.0)
        await bot.wait_for_run("cadence")  # a whole run after the day's: nothing queued late
        assert query(db, "SELECT count(*) FROM cadence_nudges") == [(0,)]
        assert query(db, "SELECT count(*) FROM attention") == [(0,)]
    assert query(db, "SELECT count(*) FROM outbox WHERE kind IN ('nudge', 'attention')") == [(0,)]
    for user in (olga, masha, curator):
        assert alarms(user) == [], alarms(user)

    # The curator's boards: nothing overdue, nobody needing attention, the pair not flagged.
    await curator.send_text("/curator")
    await press(curator, Section(name="meeting_views").pack())
    await press(curator, ViewMenu(view="overdue").pack())
    overdue = await curator.wait_for_bot_message("дольше допустимого", after=0)
    assert PAIR not in overdue.text and "17 марта 2026" not in overdue.text, overdue.text
    assert overdue.text.split("\n")[1] == "нет", overdue.text
    await press(curator, ViewMenu(view="attention").pack())
    await curator.wait_for_bot_message("ни одной паре не требуется внимание", after=0)
    await press(curator, ViewMenu(view="pairs").pack())
    pairs = await curator.wait_for_bot_message(PAIR, after=0)
    assert "🟠" not in pairs.text, pairs.text

    # -- the final meeting: proposed, held, and the pair completes -------------------------
    bot.set_time(chita(FINAL_DAY - timedelta(days=2), 10))
    await olga.send_text("/meetings")
    await olga.wait_for_bot_message("пока не запланирована")
    await olga.press("Предложить встречу")
    await olga.wait_for_bot_message("Выберите день встречи")
    await olga.press(str(FINAL_DAY.day))
    await olga.wait_for_bot_message("во сколько")
    await olga.press("08:00")
    await olga.wait_for_bot_message("Как будете встречаться")
    await olga.press("Онлайн")
    await olga.wait_for_bot_message("ссылку")
    await olga.send_text(LINK)
    offer = await masha.wait_for_bot_message("20 мая 2026", after=0)
    assert "предлагает встречу" in offer.text, offer.text
    assert "аключительная встреча" in offer.text, offer.text
    await masha.press("Подтвердить", message_id=offer.message_id)
    await masha.wait_for_bot_message("Встреча подтверждена")
    final = int(str(meetings(db)[-1][0]))
    assert meetings(db)[-1][1:3] == ("final", "confirmed")
    await hold(bot, tg, olga, masha, FINAL_DAY, final)
    await tg.wait_until(
        lambda: query(db, "SELECT completed FROM pairs WHERE id = ?", (pair_id,)) == [(1,)], 20.0
    )
    assert query(db, "SELECT ended_on, completed, end_reason FROM pairs WHERE id = ?",
                 (pair_id,)) == [("2026-05-20", 1, None)]  # fmt: skip
    assert [m[1:3] for m in meetings(db)] == [("planning", "held"), ("final", "held")]
    for user in (olga, masha, curator):
        assert alarms(user) == [], alarms(user)
