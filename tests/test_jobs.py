"""The jobs' plumbing: the scheduler's run counts, the tick settings, the wiring in bot/app.py
and the outbox job that sends what a killed process left queued."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.clock import to_db
from bot.config import Settings
from bot.scheduler import APSchedulerAdapter
from bot.screens import Screen
from jobs.outbox import run_outbox_tick
from tests.inprocess import Harness, running_harness


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_harness(tmp_path, outbox_tick_seconds=7, cycle_tick_seconds=0.5) as h:
        yield h


async def test_a_test_waits_for_a_run_that_started_after_it_asked() -> None:
    scheduler = APSchedulerAdapter("Europe/Moscow")
    seen: list[int] = []
    failing = 0

    async def job() -> None:
        seen.append(len(seen))

    async def broken() -> None:
        nonlocal failing
        failing += 1
        raise RuntimeError("a failed run is a run")

    scheduler.add_interval("job", job, timedelta(seconds=0.05))
    scheduler.add_interval("broken", broken, timedelta(seconds=0.05))
    scheduler.start()
    try:
        async with asyncio.timeout(10):
            first = await scheduler.wait_for_run("job")
            assert first >= 1 and len(seen) >= first
            before = len(seen)
            assert await scheduler.wait_for_run("job") > first
            assert len(seen) > before  # the job itself ran again, not only the count
            assert await scheduler.wait_for_run("broken", after=2) == 3
            assert failing >= 3
    finally:
        scheduler.shutdown()
    assert scheduler.runs("job") == len(seen)


def test_tick_intervals_are_settings_with_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMINDER_TICK_SECONDS", "2.5")
    monkeypatch.setenv("HOUSEKEEPING_HOURS", "12")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.reminder_tick_seconds == 2.5 and settings.housekeeping_hours == 12
    assert settings.outbox_tick_seconds == 30 and settings.cycle_tick_seconds == 60
    for name, value in (("CYCLE_TICK_SECONDS", "0"), ("OUTBOX_TICK_SECONDS", "99999")):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValidationError):
            Settings(_env_file=None)  # type: ignore[call-arg]
        monkeypatch.delenv(name)


async def test_the_jobs_are_wired_at_their_settings(harness: Harness) -> None:
    scheduler = harness.app.scheduler
    assert set(scheduler.job_ids) == {
        "housekeeping", "reminders", "cycles", "followups", "cadence", "outbox", "backups",
        "monitoring_offers", "speed", "plans",
    }  # fmt: skip
    scheduler.start()
    async with asyncio.timeout(10):
        # The first run comes at the start; the next one the setting's half second later.
        await scheduler.wait_for_run("cycles", after=1)


async def test_the_outbox_job_sends_what_a_killed_process_left_queued(harness: Harness) -> None:
    """Rows queued (and one claimed, its lease run out) by a process that was killed."""
    db, now = harness.app.db, harness.clock.now()
    screen = Screen("Left behind").to_json()
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO outbox (telegram_id, kind, screen, created_at) VALUES (?, 'x', ?, ?)",
            (301, screen, to_db(now)),
        )
        await tx.execute(
            "INSERT INTO outbox (telegram_id, kind, screen, created_at, lease_until) "
            "VALUES (?, 'x', ?, ?, ?)",
            (302, screen, to_db(now), to_db(now - timedelta(seconds=1))),
        )
        await tx.execute(
            "INSERT INTO outbox (telegram_id, kind, screen, created_at, lease_until) "
            "VALUES (?, 'x', ?, ?, ?)",
            (303, screen, to_db(now), to_db(now + timedelta(seconds=20))),
        )
    await run_outbox_tick(harness.app.services)
    await harness.app.services.outbox.idle()
    assert [s.chat_id for s in harness.session.sent] == [301, 302]
    assert all(s.text == "Left behind" for s in harness.session.sent)
    # The one still leased by a (maybe living) sender waits for its lease, then goes once.
    assert await harness.app.services.outbox.pending() == 1
    harness.clock.advance(timedelta(seconds=21))
    await run_outbox_tick(harness.app.services)
    await harness.app.services.outbox.idle()
    await run_outbox_tick(harness.app.services)
    await harness.app.services.outbox.idle()
    assert [s.chat_id for s in harness.session.sent] == [301, 302, 303]
    assert await harness.app.services.outbox.pending() == 0
