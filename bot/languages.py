"""Which language to speak to a person: their stored choice, else Telegram's hint, else default."""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.clock import Clock
from storage.repositories.users import UserRepository

# The language part of an IETF tag as Telegram sends it ("en", "pt"); anything else is noise.
_LANGUAGE = re.compile(r"[a-z]{2,8}")


class LanguageService:
    def __init__(
        self, users: UserRepository, clock: Clock, supported: tuple[str, ...], default: str
    ) -> None:
        self._users = users
        self._clock = clock
        self.supported = supported
        self.default = default

    async def resolve(self, telegram_id: int, telegram_language_code: str | None = None) -> str:
        """The person's language. A Telegram hint given with an update is remembered when it
        changed, so that messages the bot starts itself later speak the same language."""
        chosen, hint = await self._users.get_languages(telegram_id)
        return await self.resolve_read(telegram_id, chosen, hint, telegram_language_code)

    async def resolve_read(
        self,
        telegram_id: int,
        chosen: str | None,
        hint: str | None,
        telegram_language_code: str | None = None,
    ) -> str:
        """:meth:`resolve` with the stored choice and hint already read (once per update)."""
        reported = self._language_part(telegram_language_code)
        if reported is not None and reported != hint:
            await self._users.remember_telegram_language(telegram_id, reported, self._clock.now())
            hint = reported
        return self.from_stored(chosen, hint)

    async def of_recipients(self, telegram_ids: Collection[int]) -> dict[int, str]:
        """:meth:`resolve` for many people at once (no hints to remember)."""
        known = await self._users.languages_of(telegram_ids)
        return {
            telegram_id: self.from_stored(known.get(telegram_id)) for telegram_id in telegram_ids
        }

    def from_stored(self, stored: str | None, telegram_language_code: str | None = None) -> str:
        """:meth:`resolve` for a stored choice already read (with a batch, say)."""
        if stored is not None and stored in self.supported:
            return stored
        hinted = self.from_language_code(telegram_language_code)
        return hinted or self.default

    def from_language_code(self, code: str | None) -> str | None:
        """Telegram sends IETF tags such as "en", "en-GB" or "pt-br"; only the language counts."""
        language = self._language_part(code)
        return language if language in self.supported else None

    @staticmethod
    def _language_part(code: str | None) -> str | None:
        if not code:
            return None
        language = code.replace("_", "-").split("-", 1)[0].lower()
        return language if _LANGUAGE.fullmatch(language) else None

    async def choose(self, telegram_id: int, language: str) -> bool:
        """Store a person's choice; False when the language is not supported."""
        if language not in self.supported:
            return False
        await self._users.set_language(telegram_id, language, self._clock.now())
        return True
