"""Plain data types shared by the fake Telegram server."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ApiError", "ChatMessage", "FileUpload", "RecordedCall"]


@dataclass(frozen=True)
class FileUpload:
    """A file the client uploaded (multipart part) or one a fake user sent."""

    filename: str
    content: bytes
    field: str
    content_type: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    def text(self, encoding: str = "utf-8") -> str:
        return self.content.decode(encoding)

    def __repr__(self) -> str:
        return (
            f"FileUpload(filename={self.filename!r}, field={self.field!r}, "
            f"size={len(self.content)})"
        )


@dataclass
class RecordedCall:
    """One HTTP request to the Bot API endpoint.

    ``method`` is the canonical Bot API spelling (``"sendMessage"``) for emulated methods,
    and the name exactly as sent for unknown ones.  ``status`` is 0 while a request (a
    long poll) is still in flight.
    """

    method: str
    params: dict[str, Any]
    status: int = 0
    response: dict[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200

    def __str__(self) -> str:
        shown = {k: v for k, v in self.params.items() if k != "reply_markup"}
        text = ", ".join(f"{k}={v!r}"[:120] for k, v in shown.items())
        extra = ""
        if self.status != 200 and self.response:
            extra = f" -> {self.response.get('description')}"
        return f"{self.method}({text}) [{self.status}]{extra}"


@dataclass
class ChatMessage:
    """A message in a private chat, as the user sees it."""

    message_id: int
    from_bot: bool
    text: str
    html: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    kind: str = "text"
    document: FileUpload | None = None
    version: int = 0
    edited: bool = False
    date: int = field(default_factory=lambda: int(time.time()))
    edit_date: int | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    file: FileUpload | None = None
    media: dict[str, Any] = field(default_factory=dict)

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def buttons(self) -> list[list[str]]:
        """Texts of the inline keyboard buttons, row by row."""
        return [[str(button.get("text", "")) for button in row] for row in self.inline_keyboard]

    @property
    def button_data(self) -> dict[str, str | None]:
        """Inline button text -> callback_data (None for url and other buttons)."""
        return {
            str(button.get("text", "")): button.get("callback_data")
            for row in self.inline_keyboard
            for button in row
        }

    @property
    def reply_keyboard(self) -> list[list[str]]:
        """Texts of a reply (custom) keyboard sent with this message, if any."""
        rows = (self.reply_markup or {}).get("keyboard")
        if not isinstance(rows, list):
            return []
        return [
            [button if isinstance(button, str) else str(button.get("text", "")) for button in row]
            for row in rows
        ]

    def describe(self) -> str:
        who = "bot" if self.from_bot else "user"
        flags = " (edited)" if self.edited else ""
        kind = ""
        if self.kind != "text":
            name = self.file.filename if self.file is not None else ""
            kind = f" [{self.kind}{' ' + name if name else ''}]"
        body = self.text.replace("\n", "\n      ")
        lines = [f"#{self.message_id} {who} v{self.version}{flags}{kind}: {body}"]
        lines.extend("      " + " ".join(f"[{text}]" for text in row) for row in self.buttons)
        if self.reply_keyboard:
            lines.append("      keyboard: " + " | ".join(", ".join(r) for r in self.reply_keyboard))
        return "\n".join(lines)


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")
