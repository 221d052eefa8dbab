"""Reminders from the real bot process on a clock the test moves (:mod:`tests.e2e.clocked`).

The pair agrees on its first meeting in the chat; then the clock jumps to a day and an hour
before it. Flood control, a blocked participant and restarts between the due time and the
send are provoked through the fake Bot API server.
"""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.reminders import LEASE
from bot.wiring import build_services
from storage.database import Database
from storage.migrations import migrate
from tests.clock import ManualClock
from tests.cohort import mentee_answers, mentor_answers, seed_ready
from tests.e2e.participants import query
from tests.e2e.process import BotProcess, clocked_bot
from tests.fake_telegram import FakeTelegram, FakeUser

CURATOR, OLGA, MASHA = 555, 101, 201
# Thursday 12 March 2026, 18:30 in Chita (UTC+9).
START = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
# The meeting: Tuesday 17 March, 15:00 in Chita = 06:00 UTC.
MEETING = datetime(2026, 3, 17, 6, 0, tzinfo=UTC)
DAY_BEFORE = MEETING - timedelta(hours=24) + timedelta(seconds=30)
HOUR_BEFORE = MEETING - timedelta(hours=1) + timedelta(seconds=30)
LINK = "https://meet.example/chita-7"
TICK = 15.0  # the scheduler ticks every 5 s of real time; allow for a slow machine


async def seed_pair(database: Path) -> None:
    """An organization in Chita with a curator, and a pair the curator formed."""
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
        clock = ManualClock(START - timedelta(days=1))
        services = build_services(Settings(_env_file=None), db, clock)  # type: ignore[call-arg]
        org = await services.organizations.create("Школа № 30", "Asia/Chita")
        await services.organizations.add_curator(org.id, CURATOR)
        now = clock.now()
        olga = await seed_ready(
            services, db, now, org.id, OLGA, "mentor", mentor_answers("Ольга Викторовна")
        )
        masha = await seed_ready(
            services, db, now, org.id, MASHA, "mentee", mentee_answers("Маша Иванова")
        )
        assert await services.admission.admit(org.id, olga, CURATOR) is None
        outcome = await services.pairing.assign_directly(org.id, masha, olga, force=True)
        assert outcome.pair is not None, outcome
    finally:
        await db.close()


def reminders(user: FakeUser) -> list[str]:
    return [m.text for m in user.bot_messages() if m.text.startswith("⏰")]


def reminder_states(database: Path) -> list[tuple[object, ...]]:
    return query(
        database,
        "SELECT telegram_id, minutes_before, state FROM reminders ORDER BY minutes_before DESC, "
        "telegram_id",
    )


async def agree_on_first_meeting(olga: FakeUser, masha: FakeUser) -> None:
    """Olga proposes Tuesday 15:00 online through the calendar; Masha confirms."""
    await olga.send_text("/meetings")
    await olga.wait_for_bot_message("пока не запланирована")
    await olga.press("Предложить встречу")
    await olga.wait_for_bot_message("Выберите день встречи")
    await olga.press("17")
    await olga.wait_for_bot_message("во сколько")
    await olga.press("15:00")
    await olga.wait_for_bot_message("Как будете встречаться")
    await olga.press("Онлайн")
    await olga.wait_for_bot_message("ссылку")
    await olga.send_text(LINK)
    offer = await masha.wait_for_bot_message("предлагает встречу", after=0)
    assert "17 марта 2026" in offer.text and "15:00" in offer.text, offer.text
    await masha.press("Подтвердить", message_id=offer.message_id)
    await masha.wait_for_bot_message("Встреча подтверждена")
    await olga.wait_for_bot_message("Встреча подтверждена", after=0)


@pytest.fixture
async def clocked(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    async with clocked_bot(tg, tmp_path, START, seed_pair) as (process, _seeded):
        yield process


@pytest.fixture
async def agreed(tg: FakeTelegram, clocked: BotProcess) -> tuple[FakeUser, FakeUser]:
    olga, masha = tg.user(OLGA, "Ольга"), tg.user(MASHA, "Маша")
    tg.user(CURATOR, "Куратор")
    await agree_on_first_meeting(olga, masha)
    assert len(reminder_states(clocked.database)) == 4
    return olga, masha


async def ticks(process: BotProcess) -> None:
    """Two reminder runs that started now: the first starts the delivery loop (a background
    task), the second comes after it has claimed and sent what was due."""
    await process.wait_for_run("reminders")
    await process.wait_for_run("reminders")


async def test_both_sides_get_both_reminders_once_in_the_organizations_time_zone(
    tg: FakeTelegram, clocked: BotProcess, agreed: tuple[FakeUser, FakeUser]
) -> None:
    olga, masha = agreed
    await ticks(clocked)  # nothing is due yet
    assert reminders(olga) == [] and reminders(masha) == []

    clocked.set_time(DAY_BEFORE)
    await tg.wait_until(lambda: len(reminders(olga)) == len(reminders(masha)) == 1, TICK)
    for user, other in ((olga, "Маша Иванова"), (masha, "Ольга Викторовна")):
        text = reminders(user)[0]
        assert "завтра в 15:00" in text and other in text, text
        assert LINK in text and "15:00" in text and "(UTC+9)" in text, text

    clocked.set_time(HOUR_BEFORE)
    await tg.wait_until(lambda: len(reminders(olga)) == len(reminders(masha)) == 2, TICK)
    assert "через час" in reminders(olga)[1] and "через час" in reminders(masha)[1]
    await ticks(clocked)  # nothing is sent twice
    assert len(reminders(olga)) == len(reminders(masha)) == 2
    assert {state for *_, state in reminder_states(clocked.database)} == {"sent"}


async def test_flood_control_is_waited_out_and_the_reminder_delivered_once(
    tg: FakeTelegram, clocked: BotProcess, agreed: tuple[FakeUser, FakeUser]
) -> None:
    olga, masha = agreed
    tg.fail_next("sendMessage", 429, retry_after=3)
    clocked.set_time(DAY_BEFORE)
    await tg.wait_until(lambda: len(reminders(olga)) == len(reminders(masha)) == 1, TICK)
    assert tg.flood_answers == 1
    assert tg.early_retries == [], tg.early_retries  # nothing came before the 3 s were over
    flooded = next(c for c in tg.methods_called("sendMessage") if c.status == 429)
    delivered = [
        c
        for c in tg.methods_called("sendMessage")
        if c.ok and c.time > flooded.time and c.params["chat_id"] in (OLGA, MASHA)
    ]  # the curator's weekly digest may go meanwhile: the pause holds for every message
    assert len(delivered) == 2 and min(c.time for c in delivered) >= flooded.time + 2.9
    await ticks(clocked)
    assert len(reminders(olga)) == len(reminders(masha)) == 1


async def test_a_blocked_participant_is_unreachable_and_the_curator_told_once(
    tg: FakeTelegram, clocked: BotProcess, agreed: tuple[FakeUser, FakeUser]
) -> None:
    olga, masha = agreed
    curator = tg.user(CURATOR)
    masha.blocked = True  # silently: only a send finds out
    clocked.set_time(DAY_BEFORE)
    told = "Маша Иванова: бот заблокирован"
    await curator.wait_for_bot_message(told, after=0, timeout=TICK)
    await tg.wait_until(lambda: len(reminders(olga)) == 1, TICK)
    assert query(
        clocked.database, "SELECT unreachable_since IS NOT NULL FROM participants "
        "WHERE telegram_id = ?", (MASHA,),
    ) == [(1,)]  # fmt: skip

    clocked.set_time(HOUR_BEFORE)
    await tg.wait_until(lambda: len(reminders(olga)) == 2, TICK)
    await ticks(clocked)
    assert sum(told in m.text for m in curator.bot_messages()) == 1
    states = dict(((chat, minutes), state) for chat, minutes, state in
                  reminder_states(clocked.database))  # fmt: skip
    assert states[(MASHA, 1440)] == states[(MASHA, 60)] == "unreachable"


async def test_a_bot_stopped_before_the_due_time_sends_after_restart_once(
    tg: FakeTelegram, clocked: BotProcess, agreed: tuple[FakeUser, FakeUser]
) -> None:
    olga, masha = agreed
    assert await clocked.stop(signal.SIGTERM) == 0
    clocked.set_time(DAY_BEFORE)  # due while the bot is down
    await clocked.start()
    await tg.wait_until(lambda: len(reminders(olga)) == len(reminders(masha)) == 1, TICK)
    await ticks(clocked)
    assert len(reminders(olga)) == len(reminders(masha)) == 1


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
async def test_a_claimed_reminder_not_yet_sent_survives_a_restart(
    tg: FakeTelegram,
    clocked: BotProcess,
    agreed: tuple[FakeUser, FakeUser],
    stop: signal.Signals,
) -> None:
    """Claimed = leased, not sent. The first attempt gets a 429 with a long retry_after: the
    row is pending again (held by the lease) while the bot waits, and the bot stops then."""
    olga, masha = agreed
    tg.fail_next("sendMessage", 429, retry_after=120)
    clocked.set_time(DAY_BEFORE)
    await tg.wait_until(lambda: tg.flood_answers == 1, TICK)
    await ticks(clocked)
    assert len(reminders(olga)) + len(reminders(masha)) == 0
    pending = query(clocked.database, "SELECT count(*) FROM reminders WHERE minutes_before = "
                    "1440 AND state = 'pending' AND handled_at IS NOT NULL")  # fmt: skip
    assert pending == [(2,)]  # both claimed (leased), neither marked sent

    clocked.expect_errors = stop is signal.SIGKILL
    code = await clocked.stop(stop)
    assert code == (0 if stop is signal.SIGTERM else -signal.SIGKILL)
    released = query(clocked.database, "SELECT count(*) FROM reminders WHERE minutes_before = "
                      "1440 AND state = 'pending' AND handled_at IS NULL")  # fmt: skip
    # A graceful stop gives the leases back; a killed process leaves them to run out.
    assert released == [(2,)] if stop is signal.SIGTERM else [(0,)]
    await clocked.start()
    if stop is signal.SIGKILL:
        await ticks(clocked)
        assert len(reminders(olga)) + len(reminders(masha)) == 0  # the lease still holds
        clocked.set_time(DAY_BEFORE + LEASE + timedelta(seconds=10))
    await tg.wait_until(lambda: len(reminders(olga)) == len(reminders(masha)) == 1, TICK)
    await ticks(clocked)
    assert len(reminders(olga)) == len(reminders(masha)) == 1
