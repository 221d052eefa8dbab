"""How a reminder goes from claimed to sent: leases, the mark before the request, flood control,
a stopping sender. (What the reminders say is in tests/test_meetings.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.reminders import LEASE
from jobs.reminders import ReminderDelivery, deliver_one, deliver_reminders
from tests.inprocess import Harness
from tests.test_meetings import MASHA, OLGA, confirmed_meeting, reminders_to

DAY_BEFORE = timedelta(days=3, hours=20, minutes=31)  # from the harness's start: 16 March 06:01


async def day_before_states(harness: Harness) -> list[tuple[int, str, bool]]:
    rows = await harness.app.db.fetch_all(
        "SELECT telegram_id, state, handled_at IS NOT NULL FROM reminders "
        "WHERE minutes_before = 1440 ORDER BY telegram_id"
    )
    return [(r[0], r[1], bool(r[2])) for r in rows]


async def until_states(
    harness: Harness, wanted: Callable[[list[tuple[int, str, bool]]], bool]
) -> list[tuple[int, str, bool]]:
    """The states once ``wanted`` holds: each look waits for the sender's next step."""
    async with asyncio.timeout(5):
        states = await day_before_states(harness)
        while not wanted(states):  # each read gives the event loop to the sender
            states = await day_before_states(harness)
    return states


async def test_a_claim_is_a_lease_and_an_expired_lease_is_claimed_again(harness: Harness) -> None:
    await confirmed_meeting(harness)
    reminders = harness.app.services.reminders
    harness.clock.advance(DAY_BEFORE)
    jobs = await reminders.claim(10)
    assert sorted(job.reminder.telegram_id for job in jobs) == [OLGA, MASHA]
    # Claimed is not sent: the rows are pending, leased (handled_at is the lease's end).
    assert await day_before_states(harness) == [(OLGA, "pending", True), (MASHA, "pending", True)]
    assert await reminders.claim(10) == []  # a live lease is not handed out twice
    harness.clock.advance(LEASE - timedelta(seconds=1))
    assert await reminders.claim(10) == []
    # The process that claimed them was killed: once its lease runs out they come back.
    harness.clock.advance(timedelta(seconds=2))
    again = await reminders.claim(10)
    assert sorted(job.reminder.id for job in again) == sorted(job.reminder.id for job in jobs)
    harness.clock.advance(LEASE + timedelta(seconds=1))
    app = harness.app
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 2
    assert len(reminders_to(harness, OLGA)) == len(reminders_to(harness, MASHA)) == 1
    assert await day_before_states(harness) == [(OLGA, "sent", True), (MASHA, "sent", True)]


async def test_a_reminder_of_a_meeting_cancelled_after_the_claim_is_not_sent(
    harness: Harness,
) -> None:
    _, meeting_id = await confirmed_meeting(harness)
    services = harness.app.services
    harness.clock.advance(DAY_BEFORE)
    jobs = await services.reminders.claim(10)
    await services.reminders.drop(meeting_id)  # cancelled between the claim and the send
    app = harness.app
    assert [await deliver_one(app.bot, app.i18n, services, job) for job in jobs] == [False] * 2
    assert reminders_to(harness, OLGA) == [] and reminders_to(harness, MASHA) == []
    assert {state for _, state, _ in await day_before_states(harness)} == {"dropped"}


async def test_marks_asked_for_during_a_commit_share_the_next_one(harness: Harness) -> None:
    await confirmed_meeting(harness)
    services = harness.app.services
    ids = [
        int(r[0]) for r in await harness.app.db.fetch_all("SELECT id FROM reminders ORDER BY id")
    ]
    async with harness.app.db.transaction() as tx:
        await tx.execute("UPDATE reminders SET state = 'dropped' WHERE id = ?", (ids[3],))
    repository = services.reminders._repository
    commits: list[list[int]] = []
    original = repository.mark_sent

    async def counting(reminder_ids: Any, now: Any) -> set[int]:
        commits.append(list(reminder_ids))
        return await original(reminder_ids, now)

    repository.mark_sent = counting  # type: ignore[method-assign]
    marked = await asyncio.gather(*(services.reminders.mark_sent(i) for i in ids))
    assert marked == [True, True, True, False]  # the dropped one must not be sent
    assert commits == [ids]  # one commit for the four, not one each
    rows = await harness.app.db.fetch_all("SELECT state FROM reminders ORDER BY id")
    assert [r[0] for r in rows] == ["sent", "sent", "sent", "dropped"]


def flood_once(harness: Harness, retry_after: int) -> tuple[list[str], asyncio.Event]:
    """The first reminder sent gets a 429; returns a log of the send attempts, and an event
    set at the 429."""
    session = harness.session
    original = session.make_request
    attempts: list[str] = []
    flooded = asyncio.Event()

    async def make_request(bot: Any, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage) and method.text.startswith("⏰"):
            attempts.append(str(method.chat_id))
            if len(attempts) == 1:
                flooded.set()
                raise TelegramRetryAfter(
                    method=method, message="Too Many Requests", retry_after=retry_after
                )
        return await original(bot, method, timeout)

    session.make_request = make_request  # type: ignore[method-assign]
    return attempts, flooded


async def test_flood_control_puts_the_reminder_back_to_pending_while_waiting(
    harness: Harness,
) -> None:
    await confirmed_meeting(harness)
    attempts, flood = flood_once(harness, retry_after=1)
    harness.clock.advance(DAY_BEFORE)
    app = harness.app
    delivery = asyncio.create_task(deliver_reminders(app.bot, app.i18n, app.services))
    await asyncio.wait_for(flood.wait(), 5)
    flooded = int(attempts[0])
    # Within the second the sender waits, once the flooded reminder is put back:
    states = await until_states(harness, lambda s: (flooded, "pending", True) in s)
    # Not delivered, so not marked sent: a kill now would not lose it.
    assert (flooded, "pending", True) in states
    assert await delivery == 2
    assert len(reminders_to(harness, OLGA)) == len(reminders_to(harness, MASHA)) == 1
    assert attempts.count(str(flooded)) == 2
    assert {state for _, state, _ in await day_before_states(harness)} == {"sent"}


async def test_a_stopping_sender_gives_back_what_it_did_not_send(harness: Harness) -> None:
    await confirmed_meeting(harness)
    _, flood = flood_once(harness, retry_after=600)  # everything waits for ten minutes
    harness.clock.advance(DAY_BEFORE)
    app = harness.app
    delivery = ReminderDelivery(app.bot, app.i18n, app.services)
    running = asyncio.create_task(delivery.run())
    await asyncio.wait_for(flood.wait(), 5)
    await until_states(harness, lambda s: {state for _, state, _ in s} == {"pending"})
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    # Released, not merely left to their leases: the next start sends them at once.
    assert await day_before_states(harness) == [
        (OLGA, "pending", False),
        (MASHA, "pending", False),
    ]
    assert reminders_to(harness, OLGA) == [] and reminders_to(harness, MASHA) == []


async def test_the_tick_runs_one_delivery_loop_at_a_time(harness: Harness) -> None:
    await confirmed_meeting(harness)
    harness.clock.advance(DAY_BEFORE)
    app = harness.app
    delivery = ReminderDelivery(app.bot, app.i18n, app.services)
    await delivery.tick()
    await delivery.tick()  # the loop is still running: no second one
    assert app.services.background.active == 1
    assert await app.services.background.wait_idle(5)
    assert len(reminders_to(harness, OLGA)) == len(reminders_to(harness, MASHA)) == 1


async def test_a_person_known_to_have_blocked_the_bot_gets_no_request(harness: Harness) -> None:
    await confirmed_meeting(harness)
    app = harness.app
    assert await app.services.announcements.mark_unreachable(MASHA)
    harness.clock.advance(DAY_BEFORE)
    assert await deliver_reminders(app.bot, app.i18n, app.services) == 1
    assert len(reminders_to(harness, OLGA)) == 1
    assert reminders_to(harness, MASHA) == []  # no request that could only earn a 403
    assert await day_before_states(harness) == [(OLGA, "sent", True), (MASHA, "unreachable", True)]
