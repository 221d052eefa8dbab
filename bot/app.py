"""The one place that builds the Bot, Dispatcher, storage, scheduler and services."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiogram.utils.i18n import I18n
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.announcements import AnnouncementService
from bot.background import BackgroundTasks
from bot.cadence import CadenceService
from bot.clock import Clock, SystemClock
from bot.config import SUPPORTED_LOCALES, ConfigError, Settings
from bot.cycles import CycleService
from bot.followups import FollowupService
from bot.holidays import HolidayService
from bot.invitations import InvitationService
from bot.languages import LanguageService
from bot.meetings import MeetingService
from bot.monitoring_offers import MonitoringOfferService
from bot.organizations import OrganizationService
from bot.outbox import Outbox
from bot.pairing import PairingService
from bot.participants import ParticipantService
from bot.preferences import PreferenceService
from bot.privacy import DataRightsService
from bot.questionnaires import QuestionnaireService
from bot.reminders import ReminderService
from bot.reports.export import build_export_service
from bot.reports.indicators import IndicatorService
from bot.reports.monitoring import MonitoringReportService
from bot.responses import ResponseService
from bot.retry import RetryAfterMiddleware
from bot.scheduler import APSchedulerAdapter
from bot.sender import RateLimitedSender
from bot.services import Services
from bot.support import SupportService
from handlers import setup_handlers
from handlers.commands import register_commands, register_role_commands
from handlers.edits import UnchangedEditsMiddleware
from handlers.form_hooks import default_hooks
from handlers.frontend import TelegramFrontEnd, locale_scope
from handlers.middlewares import InFlightUpdates, ProcessedUpdates, StoredLocaleMiddleware
from handlers.monitoring_offer import remind_monitoring
from handlers.outdated import OutdatedPresses, OutOfRangeIds
from handlers.unreachable import tell_curators_unreachable
from jobs.cadence import run_cadence
from jobs.cycles import run_cycle_tick
from jobs.followups import deliver_followups
from jobs.housekeeping import Housekeeping
from jobs.outbox import run_outbox_tick
from jobs.reminders import ReminderDelivery
from storage.database import Database
from storage.fsm import SQLiteStorage
from storage.migrations import migrate
from storage.repositories.answers import AnswerCleanup, OrganizationAnswers
from storage.repositories.cadence import CadenceRepository
from storage.repositories.cycles import CycleRepository
from storage.repositories.denominators import DenominatorRepository
from storage.repositories.followups import FollowupRepository
from storage.repositories.holidays import HolidayRepository
from storage.repositories.invitations import InvitationRepository
from storage.repositories.maintenance import MaintenanceRepository
from storage.repositories.matching import MatchingRepository, PairLookup
from storage.repositories.meetings import MeetingRepository
from storage.repositories.monitoring_offers import MonitoringOfferRepository
from storage.repositories.organizations import OrganizationRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.participants import ParticipantRepository
from storage.repositories.preferences import PreferenceRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.reachability import ReachabilityRepository
from storage.repositories.reminders import ReminderRepository
from storage.repositories.reports import CoordinatorRepository, ReportRepository
from storage.repositories.responses import ResponseRepository
from storage.repositories.support import SupportRepository
from storage.repositories.updates import ProcessedUpdateRepository
from storage.repositories.users import UserRepository

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@dataclass
class Application:
    settings: Settings
    bot: Bot
    dispatcher: Dispatcher
    db: Database
    scheduler: APSchedulerAdapter
    i18n: I18n
    services: Services
    in_flight: InFlightUpdates


def build_services(settings: Settings, db: Database, clock: Clock) -> Services:
    participant_repository = ParticipantRepository(db)
    participants = ParticipantService(participant_repository, clock)
    organizations = OrganizationService(OrganizationRepository(db), clock)
    pairing = PairingService(
        MatchingRepository(db), OrganizationAnswers(db), participants, organizations, clock
    )
    holidays = HolidayService(HolidayRepository(db), clock)
    reminders = ReminderService(ReminderRepository(db), clock)
    followups = FollowupService(FollowupRepository(db), MeetingRepository(db), reminders, clock)
    sender = RateLimitedSender(
        settings.send_rate_per_second, settings.send_rate_per_chat_per_second
    )
    invitations = InvitationService(InvitationRepository(db), OrganizationRepository(db), clock)
    cycles = CycleService(CycleRepository(db), organizations, participants, invitations, clock)
    languages = LanguageService(
        UserRepository(db), clock, SUPPORTED_LOCALES, settings.default_locale
    )
    background = BackgroundTasks()
    announcements = AnnouncementService(ReachabilityRepository(db), sender, clock)
    return Services(
        settings=settings,
        clock=clock,
        languages=languages,
        support=SupportService(SupportRepository(db), clock, settings.admin_ids),
        organizations=organizations,
        invitations=invitations,
        participants=participants,
        rights=DataRightsService(
            participants, participant_repository, PrivacyRepository(db), clock
        ),
        questionnaires=QuestionnaireService(
            participant_repository, AnswerCleanup(db), organizations, clock
        ),
        pairing=pairing,
        preferences=PreferenceService(
            PreferenceRepository(db), MatchingRepository(db), pairing, clock
        ),
        meetings=MeetingService(
            MeetingRepository(db),
            PairLookup(db),
            pairing,
            organizations,
            holidays,
            reminders,
            clock,
            followups,
            final_due=cycles.final_due,
        ),
        holidays=holidays,
        reminders=reminders,
        sender=sender,
        background=background,
        announcements=announcements,
        outbox=Outbox(OutboxRepository(db), languages, announcements, sender, background, clock),
        responses=ResponseService(ResponseRepository(db), clock),
        cycles=cycles,
        followups=followups,
        cadence=CadenceService(
            CadenceRepository(db), MeetingRepository(db), followups, pairing, organizations, clock
        ),
        indicators=IndicatorService(
            ReportRepository(db),
            DenominatorRepository(db),
            CoordinatorRepository(db),
            OrganizationRepository(db),
            clock,
        ),
        monitoring=MonitoringReportService(ReportRepository(db)),
        monitoring_offers=MonitoringOfferService(MonitoringOfferRepository(db), clock),
        exports=build_export_service(db, clock),
    )


def build_session(settings: Settings) -> AiohttpSession:
    if settings.telegram_api_base:
        return AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    return AiohttpSession()


async def build_application(
    settings: Settings,
    token: str,
    *,
    clock: Clock | None = None,
    session: BaseSession | None = None,
) -> Application:
    """Connect and migrate the database, then wire everything; nothing is started yet."""
    clock = clock or SystemClock()
    db = Database(settings.database_path)
    await db.connect()
    await migrate(db)

    services = build_services(settings, db, clock)
    i18n = I18n(path=LOCALES_DIR, default_locale=settings.default_locale, domain="messages")
    bot = Bot(
        token=token,
        session=session or build_session(settings),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    bot.session.middleware(RetryAfterMiddleware())
    bot.session.middleware(UnchangedEditsMiddleware())

    async def on_unreachable(telegram_id: int) -> None:
        await tell_curators_unreachable(services, telegram_id)

    services.outbox.connect(TelegramFrontEnd(bot), locale_scope(i18n), on_unreachable)
    dispatcher = Dispatcher(
        storage=SQLiteStorage(db, clock),
        events_isolation=SimpleEventIsolation(),
        services=services,
        # What a completed short form sets off, listed in one place.
        completion_hooks=default_hooks(),
    )
    in_flight = InFlightUpdates()
    dispatcher.update.outer_middleware(in_flight)
    # One way in: a repeated update is dropped before any handler runs.
    dispatcher.update.outer_middleware(ProcessedUpdates(ProcessedUpdateRepository(db), clock))
    StoredLocaleMiddleware(i18n, services).setup(dispatcher)
    dispatcher.callback_query.outer_middleware(OutOfRangeIds())
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    # Inside the answer middleware: an outdated press is answered with a notice, not an error.
    dispatcher.callback_query.middleware(OutdatedPresses())
    setup_handlers(dispatcher)

    scheduler = build_scheduler(settings, db, bot, i18n, services, clock)
    app = Application(settings, bot, dispatcher, db, scheduler, i18n, services, in_flight)

    # aiogram runs plain callables in a thread, so the hooks must be coroutine functions.
    async def on_startup() -> None:
        await _on_startup(app)

    async def on_shutdown() -> None:
        await _on_shutdown(app)

    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    return app


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
        await remind_monitoring(bot, i18n, services)

    scheduler.add_interval(
        "monitoring_offers", monitoring_offers, every(settings.cadence_tick_seconds)
    )
    return scheduler


async def _on_startup(app: Application) -> None:
    try:
        await register_commands(app.bot, app.i18n)
        await register_role_commands(app.bot, app.i18n, app.services)
    except TelegramAPIError as error:
        # The menu is a convenience; the bot works without it.
        log.warning("Could not register the command menu: %s", error)
    app.scheduler.start()
    log.info("The bot is up")


async def _on_shutdown(app: Application) -> None:
    grace = app.settings.shutdown_grace_seconds
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    if not await app.in_flight.wait_idle(grace):
        log.warning("%d updates were still being handled after %ss", app.in_flight.active, grace)
    # Bulk sends started by those updates get what is left of the grace, then are stopped
    # (an announcement then tells its curator how far it got, while the session is open).
    await app.services.background.close(deadline - loop.time())
    app.scheduler.shutdown()
    log.info("The bot has stopped")


async def close_application(app: Application) -> None:
    """Close what the dispatcher does not close itself (idempotent)."""
    await app.services.background.close(0)
    app.scheduler.shutdown()
    await app.db.close()
    await app.bot.session.close()


async def wait_for_telegram(bot: Bot, *, first_delay: float = 1.0, longest: float = 60.0) -> None:
    """Check the token, and wait (with growing pauses) while Telegram cannot be reached.

    A school server often boots before its network is up; the bot should then wait rather than
    crash. A token Telegram rejects is a configuration error the deployer must fix.
    """
    delay = first_delay
    while True:
        try:
            me = await bot.get_me()
        except TelegramUnauthorizedError:
            raise ConfigError(
                "Telegram rejected BOT_TOKEN (401 Unauthorized): check the token with @BotFather"
            ) from None
        except (TelegramNetworkError, TelegramServerError) as error:
            log.warning("Telegram is not reachable (%s); retrying in %.0fs", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, longest)
        else:
            log.info("Connected to Telegram as @%s", me.username)
            return


async def run_polling(app: Application) -> None:
    try:
        await wait_for_telegram(app.bot)
        # A webhook left from an earlier deployment would make getUpdates fail.
        await app.bot.delete_webhook(drop_pending_updates=False)
        await app.dispatcher.start_polling(
            app.bot,
            handle_signals=True,
            close_bot_session=True,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
        )
    finally:
        await close_application(app)


async def run_webhook(app: Application) -> None:
    settings = app.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    path = settings.webhook_path or urlparse(settings.webhook_url).path or "/"
    web_app = web.Application()
    SimpleRequestHandler(dispatcher=app.dispatcher, bot=app.bot, secret_token=secret).register(
        web_app, path=path
    )
    setup_application(web_app, app.dispatcher, bot=app.bot)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    runner = web.AppRunner(web_app)
    try:
        await wait_for_telegram(app.bot)
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        await app.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
        )
        log.info(
            "Listening for webhooks on %s:%s%s", settings.webhook_host, settings.webhook_port, path
        )
        await stop.wait()
    finally:
        await runner.cleanup()
        await close_application(app)
