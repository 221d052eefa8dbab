"""The fake user side of a private chat with the bot."""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Any

from .html_check import utf16_len
from .models import ChatMessage, FileUpload

if TYPE_CHECKING:
    from .server import FakeTelegram

__all__ = ["FakeUser"]

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


class FakeUser:
    """A Telegram user talking to the bot in a private chat (chat id == user id)."""

    def __init__(
        self,
        server: FakeTelegram,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> None:
        self._server = server
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self.chat: list[ChatMessage] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[str] = []
        self.reply_keyboard: list[list[str]] | None = None
        self._next_message_id = 1
        self._events = 0
        self._mark = 0

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"

    # -- JSON views ----------------------------------------------------------------------
    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def mark(self) -> int:
        """The current event counter; pass it as ``after=`` to ``wait_for_bot_message``."""
        return self._events

    def user_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data

    def message_json(self, message: ChatMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self._server.bot_user_json() if message.from_bot else self.user_json(),
            "chat": self.chat_json(),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.kind == "text":
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        else:
            data.update(message.media)
            if message.text:
                data["caption"] = message.text
                if message.entities:
                    data["caption_entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    # -- chat bookkeeping (used by the server) -------------------------------------------
    def _tick(self) -> int:
        self._events += 1
        return self._events

    def _new_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def _add_bot_message(self, message: ChatMessage) -> None:
        message.version = self._tick()
        self.chat.append(message)
        markup = message.reply_markup or {}
        if "keyboard" in markup:
            self.reply_keyboard = message.reply_keyboard
        elif markup.get("remove_keyboard"):
            self.reply_keyboard = None

    def _touch(self, message: ChatMessage) -> None:
        message.version = self._tick()
        message.edited = True
        message.edit_date = int(time.time())

    def find(self, message_id: int) -> ChatMessage | None:
        for message in self.chat:
            if message.message_id == message_id:
                return message
        return None

    def _remove(self, message: ChatMessage) -> None:
        self.chat.remove(message)

    # -- user actions --------------------------------------------------------------------
    async def _send(
        self,
        kind: str,
        text: str,
        fields: dict[str, Any],
        *,
        entities: list[dict[str, Any]] | None = None,
        file: FileUpload | None = None,
    ) -> int:
        message = ChatMessage(
            message_id=self._new_message_id(),
            from_bot=False,
            text=text,
            kind=kind,
            entities=entities or [],
            file=file,
            document=file if kind == "document" else None,
            media=fields,
        )
        message.version = self._tick()
        self._mark = message.version
        self.chat.append(message)
        self._server.queue_update({"message": self.message_json(message)})
        await asyncio.sleep(0)
        return message.message_id

    async def send_text(self, text: str) -> int:
        """Send a text message; a leading /command gets a ``bot_command`` entity."""
        entities: list[dict[str, Any]] = []
        match = _COMMAND_RE.match(text)
        if match:
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(match[0])})
        return await self._send("text", text, {}, entities=entities)

    async def send_sticker(self, emoji: str = "👍") -> int:
        file_id, unique_id = self._server.new_file_id("sticker")
        sticker = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "FakeStickers",
            "file_size": 23456,
        }
        return await self._send("sticker", "", {"sticker": sticker})

    async def send_photo(self, caption: str | None = None) -> int:
        sizes = []
        upload = FileUpload("photo.jpg", b"\xff\xd8\xff\xe0fake-jpeg", "photo", "image/jpeg")
        for width, height, size in ((90, 67, 1421), (320, 240, 15822), (1280, 960, 104583)):
            file_id, unique_id = self._server.new_file_id("photo", upload)
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique_id,
                    "width": width,
                    "height": height,
                    "file_size": size,
                }
            )
        return await self._send("photo", caption or "", {"photo": sizes}, file=upload)

    async def send_voice(self, duration: int = 3) -> int:
        upload = FileUpload("voice.oga", b"OggS\x00fake-voice", "voice", "audio/ogg")
        file_id, unique_id = self._server.new_file_id("voice", upload)
        voice = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(upload.content),
        }
        return await self._send("voice", "", {"voice": voice}, file=upload)

    async def send_document(
        self,
        file_name: str = "document.pdf",
        content: bytes = b"%PDF-1.4\n% fake document\n",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> int:
        upload = FileUpload(file_name, content, "document", mime_type)
        file_id, unique_id = self._server.new_file_id("document", upload)
        document = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        return await self._send("document", caption or "", {"document": document}, file=upload)

    async def send_contact(self, phone: str, *, own: bool = True) -> int:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": self.first_name}
        if self.last_name:
            contact["last_name"] = self.last_name
        if own:
            contact["user_id"] = self.id
        return await self._send("contact", "", {"contact": contact})

    async def send_location(self, latitude: float = 55.755826, longitude: float = 37.6173) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return await self._send("location", "", {"location": location})

    # -- inline keyboards ----------------------------------------------------------------
    def _keyboard_summary(self, messages: list[ChatMessage]) -> str:
        lines = [
            f"  #{m.message_id}: "
            + " | ".join(", ".join(repr(t) for t in row) for row in m.buttons)
            for m in messages
            if m.buttons
        ]
        return "\n".join(lines) if lines else "  (no inline keyboards in the chat)"

    async def press(
        self,
        button_text: str,
        *,
        message_id: int | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Press an inline button by its text; return the callback query id.

        Like a person, waits (up to ``timeout`` seconds) for a matching button to appear
        if there is none yet; then raises AssertionError listing the available buttons.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self._find_button(button_text, message_id)
            if found is not None:
                break
            if loop.time() >= deadline:
                candidates = self._keyboard_messages(message_id)
                raise AssertionError(
                    f"No inline button {button_text!r} for {self!r}"
                    f"{'' if message_id is None else f' in message #{message_id}'}. "
                    f"Available buttons:\n{self._keyboard_summary(candidates[::-1])}\n"
                    f"Chat transcript:\n{self.transcript()}"
                )
            await asyncio.sleep(0.02)
        message, button = found
        data = button.get("callback_data")
        if not isinstance(data, str):
            raise AssertionError(
                f"Button {button.get('text')!r} in message #{message.message_id} has no "
                f"callback_data: {button!r}"
            )
        return await self._queue_callback(message, data)

    def _keyboard_messages(self, message_id: int | None) -> list[ChatMessage]:
        if message_id is not None:
            message = self.find(message_id)
            return [message] if message is not None and message.from_bot else []
        return [m for m in reversed(self.chat) if m.from_bot and m.inline_keyboard]

    def _find_button(
        self, button_text: str, message_id: int | None
    ) -> tuple[ChatMessage, dict[str, Any]] | None:
        """Newest message with an exact match, else a unique substring match."""
        candidates = self._keyboard_messages(message_id)
        for message in candidates:
            for row in message.inline_keyboard:
                for button in row:
                    if button.get("text") == button_text:
                        return message, button
        for message in candidates:
            partial = [
                b
                for row in message.inline_keyboard
                for b in row
                if button_text in str(b.get("text", ""))
            ]
            if len(partial) == 1:
                return message, partial[0]
            if len(partial) > 1:
                names = ", ".join(repr(b.get("text")) for b in partial)
                raise AssertionError(
                    f"Button text {button_text!r} is ambiguous in message "
                    f"#{message.message_id}: {names}"
                )
        return None

    async def press_data(self, callback_data: str, message_id: int) -> str:
        """Send a callback query with arbitrary (possibly forged) data for a bot message."""
        message = self.find(message_id)
        if message is None:
            raise AssertionError(f"No message #{message_id} in the chat of {self!r}")
        return await self._queue_callback(message, callback_data)

    async def _queue_callback(self, message: ChatMessage, data: str) -> str:
        query_id = self._server.new_callback_query(self)
        self._mark = self._tick()
        self._server.queue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user_json(),
                    "message": self.message_json(message),
                    "chat_instance": str(-(self.id * 7919 + 104729)),
                    "data": data,
                }
            }
        )
        await asyncio.sleep(0)
        return query_id

    # -- blocking ------------------------------------------------------------------------
    def _member_update(self, old: str, new: str) -> None:
        new_member: dict[str, Any] = {"user": self._server.bot_user_json(), "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        self._server.queue_update(
            {
                "my_chat_member": {
                    "chat": self.chat_json(),
                    "from": self.user_json(),
                    "date": int(time.time()),
                    "old_chat_member": {"user": self._server.bot_user_json(), "status": old}
                    | ({"until_date": 0} if old == "kicked" else {}),
                    "new_chat_member": new_member,
                }
            }
        )

    def block_bot(self) -> None:
        """Block the bot: sends and edits to this chat now fail with 403."""
        if not self.blocked:
            self.blocked = True
            self._member_update("member", "kicked")

    def unblock_bot(self) -> None:
        if self.blocked:
            self.blocked = False
            self._member_update("kicked", "member")

    # -- inspection ----------------------------------------------------------------------
    def bot_messages(self) -> list[ChatMessage]:
        return [m for m in self.chat if m.from_bot]

    def last_bot_message(self) -> ChatMessage:
        messages = self.bot_messages()
        if not messages:
            raise AssertionError(f"The bot has not written to {self!r}\n{self.transcript()}")
        return messages[-1]

    def _find_new(self, contains: str | None, mark: int) -> ChatMessage | None:
        matching = [
            m
            for m in self.chat
            if m.from_bot and m.version > mark and (contains is None or contains in m.text)
        ]
        return min(matching, key=lambda m: m.version) if matching else None

    async def wait_for_bot_message(
        self,
        contains: str | None = None,
        *,
        timeout: float = 10.0,
        after: int | None = None,
    ) -> ChatMessage:
        """Wait for a bot message (new or edited after the mark) whose text has ``contains``.

        The mark defaults to this user's last send_*/press action.  If several messages
        match, the earliest one (by event order) is returned.
        """
        mark = self._mark if after is None else after
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self._find_new(contains, mark)
            if found is not None:
                return found
            if loop.time() >= deadline:
                what = "any bot message" if contains is None else f"a bot message with {contains!r}"
                raise AssertionError(
                    f"{self!r} did not get {what} after event #{mark} within {timeout}s.\n"
                    f"Chat transcript:\n{self.transcript()}\n"
                    f"{self._server.failed_calls_summary()}"
                )
            await asyncio.sleep(0.02)

    def transcript(self) -> str:
        if not self.chat:
            return "  (empty chat)"
        return "\n".join("  " + m.describe().replace("\n", "\n  ") for m in self.chat)
