"""The health check (bot/health.py): the heartbeat file touched when Telegram answered a
getUpdates or an update was served, at most every few seconds, and `python -m bot health`
judging its age. File times are set explicitly; nothing sleeps."""

from __future__ import annotations

import inspect
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.methods import GetMe, GetUpdates

from bot.__main__ import main
from bot.health import Heartbeat, check_health
from tests.inprocess import running_harness

NOW = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)


def touched(path: Path, moment: datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def test_healthy_within_a_minute_of_the_last_sign_of_life(tmp_path: Path) -> None:
    beat = tmp_path / "bot.sqlite3.alive"
    missing = check_health(beat, NOW, 60)
    assert not missing.ok and "has not polled Telegram yet" in missing.message
    beat.touch()
    touched(beat, NOW - timedelta(seconds=59))
    assert check_health(beat, NOW, 60).ok
    touched(beat, NOW - timedelta(seconds=61))
    stale = check_health(beat, NOW, 60)
    assert not stale.ok and "for 61 s" in stale.message


def test_the_heartbeat_touches_the_file_at_most_every_few_seconds(tmp_path: Path) -> None:
    ticks = [100.0]
    beat = tmp_path / "sub" / "alive"
    heartbeat = Heartbeat(beat, every=5.0, monotonic=lambda: ticks[0])
    heartbeat.beat()  # the first beat creates the file (and its folder)
    assert beat.exists()
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    touched(beat, long_ago)
    ticks[0] = 104.9
    heartbeat.beat()
    assert beat.stat().st_mtime == long_ago.timestamp()  # too soon: not written
    ticks[0] = 105.0
    heartbeat.beat()
    assert beat.stat().st_mtime > long_ago.timestamp()


def test_a_heartbeat_that_cannot_be_written_does_not_stop_the_bot(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ticks = [0.0]
    heartbeat = Heartbeat(blocker / "alive", monotonic=lambda: ticks[0])
    heartbeat.beat()
    ticks[0] = 10.0
    heartbeat.beat()
    assert caplog.text.count("Cannot write the heartbeat file") == 1


async def test_a_finished_get_updates_and_a_served_update_are_signs_of_life(
    tmp_path: Path,
) -> None:
    async with running_harness(tmp_path) as h:
        beat = h.app.settings.heartbeat_file
        assert beat == tmp_path / "bot.sqlite3.alive"
        await h.app.bot(GetMe())
        assert not beat.exists()  # other requests say nothing about polling
        await h.app.bot(GetUpdates(timeout=0))  # an empty long poll
        assert beat.exists()
    async with running_harness(tmp_path / "webhook") as h:
        beat = h.app.settings.heartbeat_file
        await h.send(555, "/help")  # what a webhook request hands to the dispatcher
        assert beat.exists()


def test_aiogram_s_long_poll_is_shorter_than_the_health_limit() -> None:
    """The heartbeat comes with each answered getUpdates: a long poll must end within the
    minute (aiogram's default is 30 s; the bot does not change it)."""
    timeout = inspect.signature(Dispatcher.start_polling).parameters["polling_timeout"]
    assert timeout.default < 60 - 10


def test_the_health_command_exits_by_the_age_of_the_heartbeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    monkeypatch.delenv("HEALTH_FILE", raising=False)
    assert main(["health"]) == 1
    assert "has not polled Telegram yet" in capsys.readouterr().err
    beat = tmp_path / "bot.sqlite3.alive"
    beat.touch()  # now
    assert main(["health"]) == 0
    assert capsys.readouterr().out.startswith("ok")
    touched(beat, datetime.now(UTC) - timedelta(minutes=5))
    assert main(["health"]) == 1
    assert "has not polled Telegram or served a webhook" in capsys.readouterr().err
    monkeypatch.setenv("HEALTH_MAX_AGE_SECONDS", "600")
    assert main(["health"]) == 0
