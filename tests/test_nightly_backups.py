"""The nightly backup (bot/backups.py, jobs/backups.py): one checked copy a day from 03:00 in
the bot's time zone, the newest BACKUP_KEEP kept, and a failure told to the administrators once
through the outbox while the bot goes on."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.backups import NightlyBackups, backup_name
from bot.config import Settings
from jobs.backups import run_backups
from storage.backup import check_database
from tests.inprocess import START, Harness, running_harness

# START is 12:30 in Moscow (UTC+3), the bot's default time zone, on 12 March 2026.
TODAY = date(2026, 3, 12)


def nightly(harness: Harness) -> NightlyBackups:
    settings = harness.app.settings
    return NightlyBackups(
        settings.database_path, settings.backup_folder, settings.backup_keep,
        settings.default_timezone, harness.clock,
    )  # fmt: skip


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_harness(tmp_path) as h:
        yield h


def test_the_settings_default_to_a_folder_beside_the_database_and_fourteen_copies(
    tmp_path: Path,
) -> None:
    settings = Settings(_env_file=None, database_path=tmp_path / "db" / "bot.sqlite3")  # type: ignore[call-arg]
    assert settings.backup_folder == tmp_path / "db" / "backups"
    assert settings.backup_keep == 14
    other = Settings(_env_file=None, backup_dir=tmp_path / "elsewhere", backup_keep=3)  # type: ignore[call-arg]
    assert other.backup_folder == tmp_path / "elsewhere" and other.backup_keep == 3


async def test_the_job_is_wired(harness: Harness) -> None:
    assert "backups" in harness.app.scheduler.job_ids


async def test_the_day_s_backup_is_made_once_and_the_newest_fourteen_are_kept(
    harness: Harness,
) -> None:
    backups = nightly(harness)
    folder = backups.folder
    folder.mkdir(parents=True)
    older = [TODAY - timedelta(days=n) for n in range(16, 0, -1)]  # 16 earlier nights
    for day in older:
        (folder / backup_name(day)).write_bytes(b"an earlier copy")
    (folder / "notes.txt").write_text("not ours")
    (folder / "mentorbot-before-move.sqlite3").write_bytes(b"kept by hand")

    attempt = await run_backups(backups, harness.app.services)
    assert attempt is not None and attempt.ok and attempt.day == TODAY
    made = folder / backup_name(TODAY)
    assert check_database(made).ok
    kept = backups.kept()
    assert len(kept) == 14 and kept[-1] == made
    assert [p.name for p in kept[:-1]] == [backup_name(day) for day in older[-13:]]
    assert sorted(p.name for p in attempt.removed) == [backup_name(d) for d in older[:3]]
    # Files that are not nightly backups are left alone.
    assert (folder / "notes.txt").exists() and (folder / "mentorbot-before-move.sqlite3").exists()

    # Done for the day: later ticks (and a restart) make no second copy.
    assert await run_backups(backups, harness.app.services) is None
    assert await run_backups(nightly(harness), harness.app.services) is None
    # The next night: not before 03:00 in Moscow, then at the first tick after it.
    harness.clock.advance(timedelta(hours=14, minutes=29))  # 02:59 on 13 March
    assert backups.due() is None
    harness.clock.advance(timedelta(minutes=1))
    assert backups.due() == TODAY + timedelta(days=1)
    assert harness.session.answers(777) == []  # success is not announced


async def test_keep_zero_turns_the_nightly_backup_off(tmp_path: Path) -> None:
    async with running_harness(tmp_path, backup_keep=0) as h:
        backups = nightly(h)
        assert await run_backups(backups, h.app.services) is None
        assert not backups.folder.exists()


async def test_a_failure_is_told_to_the_administrators_once_and_the_bot_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    async with running_harness(tmp_path, backup_dir=blocker, admin_ids="777,778") as h:
        backups = nightly(h)
        with caplog.at_level(logging.ERROR, logger="bot.backups"):
            attempt = await run_backups(backups, h.app.services)
        assert attempt is not None and not attempt.ok and attempt.first_failure_today
        assert "nightly backup" in caplog.text and str(blocker) in caplog.text
        await h.app.services.outbox.idle()
        for admin in (777, 778):
            (told,) = h.session.answers(admin)
            assert "Не удалось создать ночную резервную копию базы данных за 12 марта" in told.text
            assert str(blocker) in told.text and "python -m bot backup" in told.text

        # Not again at the next tick, and an hour later a second failure is not told again.
        assert await run_backups(backups, h.app.services) is None
        h.clock.advance(timedelta(hours=1))
        again = await run_backups(backups, h.app.services)
        assert again is not None and not again.ok and not again.first_failure_today
        await h.app.services.outbox.idle()
        assert len(h.session.answers(777)) == 1 and len(h.session.answers(778)) == 1
        rows = await h.app.db.fetch_value(
            "SELECT count(*) FROM outbox WHERE kind = 'backup_failed'"
        )
        assert rows == 2  # one for each administrator

        # The folder is fixed: the next try succeeds, and the bot served updates all along.
        blocker.unlink()
        h.clock.advance(timedelta(hours=1))
        fixed = await run_backups(backups, h.app.services)
        assert fixed is not None and fixed.ok
        assert (blocker / backup_name(TODAY)).exists()
        assert await h.send(555, "/help")

    assert START.hour == 9  # the test's times assume it
