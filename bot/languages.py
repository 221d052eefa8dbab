"""Which language to speak to a person: their stored choice, else Telegram's hint, else default."""

from __future__ import annotations

from bot.clock import Clock
from storage.repositories.users import UserRepository


class LanguageService:
    def __init__(
        self, users: UserRepository, clock: Clock, supported: tuple[str, ...], default: str
    ) -> None:
        self._users = users
        self._clock = clock
        self.supported = supported
        self.default = default

    async def resolve(self, telegram_id: int, telegram_language_code: str | None) -> str:
        stored = await self._users.get_language(telegram_id)
        return self.from_stored(stored, telegram_language_code)

    def from_stored(self, stored: str | None, telegram_language_code: str | None = None) -> str:
        """:meth:`resolve` for a stored choice already read (with a batch, say)."""
        if stored is not None and stored in self.supported:
            return stored
        hinted = self.from_language_code(telegram_language_code)
        return hinted or self.default

    def from_language_code(self, code: str | None) -> str | None:
        """Telegram sends IETF tags such as "en", "en-GB" or "pt-br"; only the language counts."""
        if not code:
            return None
        language = code.replace("_", "-").split("-", 1)[0].lower()
        return language if language in self.supported else None

    async def choose(self, telegram_id: int, language: str) -> bool:
        """Store a person's choice; False when the language is not supported."""
        if language not in self.supported:
            return False
        await self._users.set_language(telegram_id, language, self._clock.now())
        return True
