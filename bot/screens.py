"""What the bot shows, in neutral terms: a messenger's front end turns a screen into its own
message. Text is the small HTML subset the bot uses (<b>, <i>, <a>, <code>); buttons carry
callback data or a link. Views build screens; only the front ends know a messenger's types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None  # the callback data of a button that acts
    url: str | None = None  # or a link it opens


# Rows of buttons, as a view builds them (a keyboard, without its text).
Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    photo: bool = False  # shown as a picture rather than sent as a file


@dataclass(frozen=True)
class Screen:
    text: str
    rows: Rows = ()
    attachment: Attachment | None = None

    def to_json(self) -> str:
        """Text and buttons (an attachment is never stored)."""
        rows = [[_button_json(button) for button in row] for row in self.rows]
        return json.dumps({"text": self.text, "rows": rows}, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Screen:
        value = json.loads(raw)
        rows = tuple(
            tuple(Button(b["text"], b.get("data"), b.get("url")) for b in row)
            for row in value.get("rows", [])
        )
        return cls(str(value["text"]), rows)


def _button_json(button: Button) -> dict[str, Any]:
    found: dict[str, Any] = {"text": button.text}
    if button.data is not None:
        found["data"] = button.data
    if button.url is not None:
        found["url"] = button.url
    return found
