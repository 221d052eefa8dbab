"""The one place that builds the Bot, Dispatcher, storage, scheduler and services.

The services are constructed in :mod:`bot.wiring` and the scheduled jobs registered in
:mod:`bot.jobs_wiring`; both are called from :func:`build_application` only (and the services,
without a bot, by the admin CLI and tests). The middlewares are registered here, in order.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiogram.utils.i18n import I18n

from bot.clock import Clock, SystemClock
from bot.config import ConfigError, Settings
from bot.health import watch_health
from bot.jobs_wiring import build_scheduler
from bot.retry import RetryAfterMiddleware
from bot.scheduler import APSchedulerAdapter
from bot.services import Services
from bot.wiring import build_services
from handlers import setup_handlers
from handlers.commands import register_commands, register_role_commands
from handlers.edits import UnchangedEditsMiddleware
from handlers.form_hooks import default_hooks
from handlers.frontend import TelegramFrontEnd, locale_scope
from handlers.middlewares import (
    InFlightUpdates,
    ProcessedUpdates,
    StoredLocaleMiddleware,
)
from handlers.outdated import OutdatedPresses, OutOfRangeIds
from handlers.unreachable import tell_curators_unreachable
from storage.database import Database
from storage.fsm import SQLiteStorage
from storage.migrations import migrate
from storage.repositories.identity import IdentityRepository

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
    # Set when the bot starts taking updates (the first getUpdates goes out, or the webhook is
    # set): what the first update does not need waits for it (see _when_serving).
    serving: asyncio.Event = field(default_factory=asyncio.Event)
    after_start: asyncio.Task[None] | None = None


# Young objects are collected after this many more allocations than deallocations (Python
# 3.11's default is 700; 3.13 took 2,000): most of a handler's objects are freed by reference
# counting, so the collections come less often without walking more each time.
GEN0_THRESHOLD = 2_000


def freeze_startup_objects() -> None:
    """Keep the garbage collector away from what start-up left: call once, after the imports
    and :func:`build_application`, before serving.

    Some 130,000 objects (modules, classes, functions, the app; 230,000 before aiogram's
    types were built on first use) live as long as the process; a full collection would walk
    them all (100-370 ms with the event loop stopped).
    ``gc.freeze()`` moves them out of the collector's sight, so later collections walk only
    what the updates created. No collection first: start-up leaves next to no garbage, and a
    collection would cost a quarter of a second of the start.
    """
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, second, third)


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
    # One way in: a repeated update is dropped before any handler runs. Who is writing is
    # read once per update, with the FSM record, inside aiogram's per-chat lock: this
    # middleware takes the place of aiogram's FSM middleware (and uses its lock).
    storage = dispatcher.storage
    assert isinstance(storage, SQLiteStorage)
    dispatcher.update.outer_middleware.unregister(dispatcher.fsm)
    dispatcher.update.outer_middleware(
        ProcessedUpdates(IdentityRepository(db), clock, dispatcher.fsm, storage)
    )
    StoredLocaleMiddleware(i18n, services).setup(dispatcher)
    dispatcher.callback_query.outer_middleware(OutOfRangeIds())
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    # Inside the answer middleware: an outdated press is answered with a notice, not an error.
    dispatcher.callback_query.middleware(OutdatedPresses())
    setup_handlers(dispatcher)
    watch_health(bot, dispatcher, settings.heartbeat_file)  # for `python -m bot health`

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


async def _on_startup(app: Application) -> None:
    # Nothing here that the first update does not need: the scheduler (whose jobs catch up on
    # what fell due while the bot was down) and the command menus (one call per curator) start
    # once the bot takes updates.
    app.after_start = asyncio.create_task(_when_serving(app), name="after-start")
    log.info("The bot is up")


async def _when_serving(app: Application) -> None:
    await app.serving.wait()
    try:
        app.scheduler.start()
    except Exception:
        log.exception("The scheduler did not start: no reminders or scheduled work will run")
    try:
        await register_commands(app.bot, app.i18n)
    except TelegramAPIError as error:
        # The menu is a convenience; the bot works without it.
        log.warning("Could not register the command menu: %s", error)
    try:
        report = await register_role_commands(app.bot, app.i18n, app.services)
    except Exception:
        log.exception("Could not set the menus of curators, coordinators and administrators")
    else:
        log.info(
            "Menus of roles set: %d chats, %d without a chat, %d failed",
            len(report.delivered),
            len(report.unreachable),
            len(report.failed),
        )


async def _stop_after_start(app: Application) -> None:
    """Cancel the start-up work still running (menus are set again at the next start)."""
    task, app.after_start = app.after_start, None
    if task is None or task.done():
        return
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


class _ServingOnFirstPoll(BaseRequestMiddleware):
    """Sets ``event`` as the first getUpdates goes out: from then on the bot takes updates."""

    def __init__(self, event: asyncio.Event) -> None:
        self._event = event

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates):
            self._event.set()
        return await make_request(bot, method)


async def _on_shutdown(app: Application) -> None:
    await _stop_after_start(app)
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
    await _stop_after_start(app)
    await app.services.background.close(0)
    app.services.exports.close()
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
            # Cached by the Bot: polling does not ask again.
            me = await bot.me()
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
        app.bot.session.middleware(_ServingOnFirstPoll(app.serving))
        freeze_startup_objects()
        await app.dispatcher.start_polling(
            app.bot,
            handle_signals=True,
            close_bot_session=True,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
        )
    finally:
        await close_application(app)


async def run_webhook(app: Application) -> None:
    # The web server (about 2 MB of modules) is loaded only by a bot that takes webhooks.
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
    from aiohttp import web

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
        app.serving.set()
        freeze_startup_objects()
        log.info(
            "Listening for webhooks on %s:%s%s", settings.webhook_host, settings.webhook_port, path
        )
        await stop.wait()
    finally:
        await runner.cleanup()
        await close_application(app)
