"""The scheduled jobs (jobs/) registered on the scheduler, each at its setting's interval."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot
from aiogram.utils.i18n import I18n

from bot.backups import NightlyBackups
from bot.clock import Clock
from bot.config import Settings
from bot.scheduler import APSchedulerAdapter
from bot.services import Services
from jobs.backups import run_backups
from jobs.cadence import run_cadence
from jobs.cycles import run_cycle_tick
from jobs.followups import deliver_followups
from jobs.housekeeping import Housekeeping
from jobs.monitoring_offers import remind_monitoring
from jobs.outbox import run_outbox_tick
from jobs.plans import run_plan_tick
from jobs.reminders import ReminderDelivery
from jobs.speed import deliver_speed
from storage.database import Database
from storage.repositories.maintenance import MaintenanceRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.updates import ProcessedUpdateRepository


def build_scheduler(
    settings: Settings, db: Database, bot: Bot, i18n: I18n, services: Services, clock: Clock
) -> APSchedulerAdapter:
    """The jobs (jobs/), each at its setting's interval; every run re-reads the database with
    the injected clock, so a restart or a fake clock loses nothing."""
    scheduler = APSchedulerAdapter(settings.default_timezone)

    def every(seconds: float) -> timedelta:
        return timedelta(seconds=seconds)

    housekeeping = Housekeeping(
        MaintenanceRepository(db), ProcessedUpdateRepository(db), OutboxRepository(db), clock
    )
    scheduler.add_interval(
        "housekeeping", housekeeping.run, every(settings.housekeeping_hours * 3600)
    )

    # Starts one delivery loop (a background task) that sends at the sender's full rate.
    reminders = ReminderDelivery(bot, i18n, services)
    scheduler.add_interval("reminders", reminders.tick, every(settings.reminder_tick_seconds))

    # Closing cycles, completing pairs, final meetings and polls: queued in the outbox.
    async def cycles() -> None:
        await run_cycle_tick(services)

    scheduler.add_interval("cycles", cycles, every(settings.cycle_tick_seconds))

    # "Did the meeting take place?": rows claimed at each tick, like the reminders.
    async def followups() -> None:
        await deliver_followups(services)

    scheduler.add_interval("followups", followups, every(settings.followup_tick_seconds))

    # The daily cadence guard and the weekly digest, each once per organization and day (week).
    async def cadence() -> None:
        await run_cadence(services)

    scheduler.add_interval("cadence", cadence, every(settings.cadence_tick_seconds))

    # Queued messages a stopped process left behind.
    async def outbox() -> None:
        await run_outbox_tick(services)

    scheduler.add_interval("outbox", outbox, every(settings.outbox_tick_seconds))

    # The one reminder of the monitoring poll, a day after it was offered: claimed rows.
    async def monitoring_offers() -> None:
        await remind_monitoring(services)

    scheduler.add_interval(
        "monitoring_offers", monitoring_offers, every(settings.cadence_tick_seconds)
    )

    # The nightly backup (from 03:00 in the bot's time zone); the tick only looks for the
    # day's file until it is due.
    nightly = NightlyBackups(
        settings.database_path, settings.backup_folder, settings.backup_keep,
        settings.default_timezone, clock,
    )  # fmt: skip

    async def backups() -> None:
        await run_backups(nightly, services)

    scheduler.add_interval("backups", backups, every(settings.cadence_tick_seconds))

    # Speed mentoring: schedules not sent yet and the questions after each round (claimed).
    async def speed() -> None:
        await deliver_speed(services)

    scheduler.add_interval("speed", speed, every(settings.followup_tick_seconds))

    # The pairs' plans: deadline questions and the program's end, claimed once per pair.
    async def plans() -> None:
        await run_plan_tick(services)

    scheduler.add_interval("plans", plans, every(settings.cadence_tick_seconds))
    return scheduler
