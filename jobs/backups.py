"""The nightly backup job: makes the day's backup when it is due (bot/backups.py) and, at the
first failure of a day, tells the administrators through the outbox. A failure never stops the
bot: it is logged, reported, and tried again later."""

from __future__ import annotations

from bot.backups import BackupAttempt, NightlyBackups
from bot.outbox import Render
from bot.services import Services
from handlers.backup_views import backup_failed_screen


async def run_backups(backups: NightlyBackups, services: Services) -> BackupAttempt | None:
    attempt = await backups.run()
    if attempt is None or attempt.ok or not attempt.first_failure_today:
        return attempt
    admins = sorted(services.settings.admin_ids)
    await services.outbox.post(
        [(admin, failed_render(attempt, str(backups.folder))) for admin in admins],
        kind="backup_failed",
    )
    return attempt


def failed_render(attempt: BackupAttempt, folder: str) -> Render:
    return lambda: backup_failed_screen(attempt.day, folder, attempt.error or "")
