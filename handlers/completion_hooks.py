"""What runs when a short form is completed: an explicit registry, filled in one place
(:func:`handlers.form_hooks.default_hooks`), never by import side effects.

A hook is ``hook(bot, services, response)``; it is registered for the forms whose key starts
with a prefix ("compatibility", "final_", "monitoring_", ...).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot

from bot.models.responses import Response
from bot.services import Services

log = logging.getLogger(__name__)

Hook = Callable[[Bot, Services, Response], Awaitable[None]]


class CompletionHooks:
    def __init__(self) -> None:
        self._hooks: list[tuple[str, Hook]] = []

    def register(self, form_prefix: str, hook: Hook) -> None:
        """Run ``hook`` for completed responses of the forms whose key starts with
        ``form_prefix``; registering the same pair twice keeps one."""
        if (form_prefix, hook) not in self._hooks:
            self._hooks.append((form_prefix, hook))

    def for_form(self, form: str) -> list[Hook]:
        return [hook for prefix, hook in self._hooks if form.startswith(prefix)]

    async def run(self, bot: Bot, services: Services, response: Response) -> int:
        """Run the hooks of this form in the order registered; a failing hook is logged and
        does not stop the others. Returns how many hooks failed."""
        failed = 0
        for hook in self.for_form(response.form):
            try:
                await hook(bot, services, response)
            except Exception:
                failed += 1
                log.exception(
                    "The completion hook %s failed for response %s (%s)",
                    getattr(hook, "__qualname__", hook),
                    response.id,
                    response.form,
                )
        return failed
