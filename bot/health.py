"""Is the bot alive? It touches a heartbeat file whenever it hears from Telegram: a finished
getUpdates (an empty long poll too) or an update served (the webhook path). ``python -m bot
health`` (Docker's HEALTHCHECK) reads the file's age.

The file is touched at most once every few seconds, so the cost is one ``utime`` now and then.
Its time is the file system's own (the health check runs as another process on the system
clock, so the bot's injected clock has no say here).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.methods import GetUpdates

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import TelegramMethod
    from aiogram.methods.base import Response, TelegramType
    from aiogram.types import TelegramObject

log = logging.getLogger(__name__)

# The heartbeat file is touched at most this often.
BEAT_EVERY_SECONDS = 5.0


class Heartbeat:
    def __init__(
        self,
        path: Path,
        *,
        every: float = BEAT_EVERY_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self._every = every
        self._monotonic = monotonic
        self._last: float | None = None
        self._failing = False

    def beat(self) -> None:
        now = self._monotonic()
        if self._last is not None and now - self._last < self._every:
            return
        self._last = now
        try:
            try:
                os.utime(self.path)
            except FileNotFoundError:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.touch()
        except OSError as error:
            if not self._failing:  # said once, not at every beat
                log.error("Cannot write the heartbeat file %s: %s", self.path, error)
            self._failing = True
        else:
            self._failing = False


class PollHeartbeat(BaseRequestMiddleware):
    """A getUpdates that Telegram answered (with updates or none) is a sign of life."""

    def __init__(self, heartbeat: Heartbeat) -> None:
        self._heartbeat = heartbeat

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        response = await make_request(bot, method)
        if isinstance(method, GetUpdates):
            self._heartbeat.beat()
        return response


def watch_health(bot: Bot, dispatcher: Dispatcher, path: Path) -> Heartbeat:
    """Register the heartbeat: after each getUpdates (polling) and for each update that
    arrives (a webhook request; in polling mode they come with a getUpdates anyway)."""
    heartbeat = Heartbeat(path)
    bot.session.middleware(PollHeartbeat(heartbeat))

    async def served(
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        heartbeat.beat()
        return await handler(event, data)

    dispatcher.update.outer_middleware(served)
    return heartbeat


@dataclass(frozen=True)
class Health:
    ok: bool
    message: str


def check_health(path: Path, now: datetime, max_age_seconds: float) -> Health:
    """Healthy when the heartbeat file was touched within ``max_age_seconds`` before ``now``."""
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        return Health(False, f"The bot has not polled Telegram yet (no heartbeat file {path}).")
    except OSError as error:
        return Health(False, f"Cannot read the heartbeat file {path}: {error}")
    age = now.timestamp() - touched
    if age <= max_age_seconds:
        return Health(True, f"ok: the bot heard from Telegram {max(age, 0):.0f} s ago")
    return Health(
        False,
        f"The bot has not polled Telegram or served a webhook for {age:.0f} s "
        f"(more than {max_age_seconds:.0f} s).",
    )
