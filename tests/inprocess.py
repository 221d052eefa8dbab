"""In-process harness: the real Dispatcher with every router and middleware, and a recording
fake session instead of HTTP. Fast coverage of handlers; the end-to-end tests prove the rest."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, InlineKeyboardMarkup, InputFile, Message, Update, User

from bot.app import Application, build_application, close_application
from bot.config import Settings
from tests.clock import ManualClock
from tests.fake_telegram.html_check import HTMLParseError, html_to_text, parse_html

TOKEN = "123456789:TEST-inprocess-token_abcdefghijklmnop"
START = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
BOT_USER = User(id=123456789, is_bot=True, first_name="Mentor bot", username="mentor_test_bot")


@dataclass
class Sent:
    """A message the bot sent or edited, as the person would read it."""

    chat_id: int
    message_id: int
    text: str
    markup: Any = None
    method: str = "sendMessage"
    file: bytes | None = None
    filename: str | None = None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        if self.markup is None or not hasattr(self.markup, "inline_keyboard"):
            return []
        return [(b.text, b.callback_data or "") for row in self.markup.inline_keyboard for b in row]

    def data_of(self, text_part: str) -> str:
        matches = [data for text, data in self.buttons if text_part in text]
        assert len(matches) == 1, f"button {text_part!r} not in {self.buttons}"
        return matches[0]


@dataclass
class RecordingSession(BaseSession):
    calls: list[TelegramMethod[Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    fail_chats: set[int] = field(default_factory=set)
    # Flood control: these sendMessage calls (1 = the first) answer 429 with ``retry_after``.
    flood_calls: set[int] = field(default_factory=set)
    retry_after: int = 1
    send_calls: int = 0
    flooded_chats: list[int] = field(default_factory=list)  # who got each of those 429s

    def __post_init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1000)
        # What each edited message shows now: Telegram refuses an edit that changes nothing.
        self._shown: dict[tuple[int, int], tuple[str, Any]] = {}

    def _edit(self, chat_id: int, message_id: int, text: str | None, markup: Any) -> None:
        key = (chat_id, message_id)
        before = self._shown.get(key)
        after = (before[0] if text is None and before else text or "", markup)
        if before == after:
            raise TelegramBadRequest(
                method=None,  # type: ignore[arg-type]
                message="Bad Request: message is not modified: specified new message content "
                "and reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        self._shown[key] = after

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise AssertionError("the bot does not download files")

    def _plain(self, bot: Bot, text: str, parse_mode: Any) -> str:
        if isinstance(parse_mode, Default):
            parse_mode = bot.default[parse_mode.name]
        if parse_mode != "HTML":
            return text
        try:
            parse_html(text)
        except HTMLParseError as error:
            message = f"Bad Request: can't parse entities: {error}"
            raise TelegramBadRequest(method=None, message=message) from None  # type: ignore[arg-type]
        return html_to_text(text)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        self.calls.append(method)
        now = datetime.now(UTC)
        if isinstance(method, GetMe):
            return BOT_USER  # type: ignore[return-value]
        if isinstance(method, SendMessage):
            self.send_calls += 1
            if self.send_calls in self.flood_calls:
                self.flooded_chats.append(int(method.chat_id))
                raise TelegramRetryAfter(
                    method=method, message="Too Many Requests", retry_after=self.retry_after
                )
            if int(method.chat_id) in self.fail_chats:
                blocked = "Forbidden: bot was blocked by the user"
                raise TelegramForbiddenError(method=method, message=blocked)
            text = self._plain(bot, method.text, method.parse_mode)
            if not text.strip():
                empty = "Bad Request: message text is empty"
                raise TelegramBadRequest(method=method, message=empty)
            sent = Sent(int(method.chat_id), next(self._ids), text, method.reply_markup)
            self.sent.append(sent)
            return Message(  # type: ignore[return-value]
                message_id=sent.message_id,
                date=now,
                chat=Chat(id=sent.chat_id, type="private"),
                from_user=BOT_USER,
                text=text,
                reply_markup=(
                    method.reply_markup
                    if isinstance(method.reply_markup, InlineKeyboardMarkup)
                    else None
                ),
            )
        if isinstance(method, EditMessageText):
            text = self._plain(bot, method.text, method.parse_mode)
            self._edit(
                int(method.chat_id or 0), int(method.message_id or 0), text, method.reply_markup
            )
            self.sent.append(
                Sent(
                    int(method.chat_id or 0),
                    int(method.message_id or 0),
                    text,
                    method.reply_markup,
                    "editMessageText",
                )
            )
            return Message(  # type: ignore[return-value]
                message_id=int(method.message_id or 0),
                date=now,
                chat=Chat(id=int(method.chat_id or 0), type="private"),
                from_user=BOT_USER,
                text=text,
            )
        if isinstance(method, EditMessageReplyMarkup):
            self._edit(
                int(method.chat_id or 0), int(method.message_id or 0), None, method.reply_markup
            )
            return True  # type: ignore[return-value]
        if isinstance(method, SendDocument | SendPhoto):
            upload = method.document if isinstance(method, SendDocument) else method.photo
            content = (
                b"".join([chunk async for chunk in upload.read(bot)])
                if isinstance(upload, InputFile)
                else None
            )
            caption = self._plain(bot, method.caption or "", method.parse_mode)
            sent = Sent(
                int(method.chat_id),
                next(self._ids),
                caption,
                method.reply_markup,
                type(method).__name__[0].lower() + type(method).__name__[1:],
                content,
                getattr(upload, "filename", None),
            )
            self.sent.append(sent)
            return Message(  # type: ignore[return-value]
                message_id=sent.message_id,
                date=now,
                chat=Chat(id=sent.chat_id, type="private"),
                from_user=BOT_USER,
                caption=caption,
            )
        if isinstance(method, AnswerCallbackQuery):
            return True  # type: ignore[return-value]
        return True  # type: ignore[return-value]

    def answers(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    def callback_answers(self) -> list[AnswerCallbackQuery]:
        return [c for c in self.calls if isinstance(c, AnswerCallbackQuery)]


class Harness:
    def __init__(self, app: Application, session: RecordingSession, clock: ManualClock) -> None:
        self.app = app
        self.session = session
        self.clock = clock
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    def user(self, user_id: int, language_code: str | None = "ru", **extra: Any) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": extra.pop("first_name", "Аня"),
            "language_code": language_code,
            **extra,
        }

    async def feed(self, update: dict[str, Any]) -> list[Sent]:
        before = len(self.session.sent)
        update.setdefault("update_id", next(self._update_ids))
        await self.app.dispatcher.feed_update(
            self.app.bot, Update.model_validate(update, context={"bot": self.app.bot})
        )
        # What the update queued in the outbox is part of its effect.
        await self.app.services.outbox.idle()
        return self.session.sent[before:]

    async def send(
        self, user_id: int, text: str, language_code: str | None = "ru", **user_extra: Any
    ) -> list[Sent]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": user_id, "type": "private"},
            "from": self.user(user_id, language_code, **user_extra),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.feed({"message": message})

    async def send_raw(self, user_id: int, content: dict[str, Any]) -> list[Sent]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": user_id, "type": "private"},
            "from": self.user(user_id),
            **content,
        }
        return await self.feed({"message": message})

    async def press(
        self, user_id: int, data: str, message_id: int = 1, language_code: str | None = "ru"
    ) -> list[Sent]:
        query = {
            "id": str(next(self._update_ids)),
            "from": self.user(user_id, language_code),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER.model_dump(),
                "text": "…",
            },
        }
        return await self.feed({"callback_query": query})

    async def state_of(self, user_id: int) -> str | None:
        from aiogram.fsm.storage.base import StorageKey

        key = StorageKey(bot_id=self.app.bot.id, chat_id=user_id, user_id=user_id)
        return await self.app.dispatcher.storage.get_state(key)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "database_path": tmp_path / "bot.sqlite3",
        "admin_ids": "777",
        "log_level": "INFO",
        # Workbooks in the test's process (tests/test_export_worker.py covers the worker).
        "export_in_process": True,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def running_harness(tmp_path: Path, **overrides: Any) -> AsyncIterator[Harness]:
    session = RecordingSession()
    clock = ManualClock(START)
    app = await build_application(
        make_settings(tmp_path, **overrides), TOKEN, session=session, clock=clock
    )
    try:
        yield Harness(app, session, clock)
    finally:
        await close_application(app)


async def member_update(harness: Harness, user: int, old: str, new: str) -> None:
    """Telegram's update when a person blocks ("kicked") or unblocks ("member") the bot."""
    bot = {"id": 123456789, "is_bot": True, "first_name": "Mentor bot"}
    await harness.feed(
        {
            "my_chat_member": {
                "chat": {"id": user, "type": "private", "first_name": "Аня"},
                "from": harness.user(user),
                "date": 1700000000,
                "old_chat_member": {"user": bot, "status": old}
                | ({"until_date": 0} if old == "kicked" else {}),
                "new_chat_member": {"user": bot, "status": new}
                | ({"until_date": 0} if new == "kicked" else {}),
            }
        }
    )
