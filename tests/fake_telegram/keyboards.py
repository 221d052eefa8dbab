"""Validation of ``reply_markup`` the way the Bot API does it."""

from __future__ import annotations

import json
from typing import Any

from .models import bad_request

__all__ = ["is_inline", "validate_reply_markup"]

_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_PREFIXES = ("http://", "https://", "tg://")
_MAX_BUTTONS = 100
_BAD_MARKUP = "can't parse reply keyboard markup JSON object"


def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_none(v) for v in value]
    return value


def _rows(markup: dict[str, Any], key: str) -> list[list[Any]]:
    rows = markup.get(key)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'{_BAD_MARKUP}: field "{key}" must be an Array of Arrays')
    if sum(len(row) for row in rows) > _MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def _check_inline_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button"
    if not isinstance(button, dict):
        raise bad_request(f"{prefix}: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(f'{prefix}: Field "text" must be of type String')
    if not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in _INLINE_ACTIONS if name in button]
    if not actions:
        raise bad_request(f"{prefix}: Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(_URL_PREFIXES) or " " in url:
            raise bad_request("BUTTON_URL_INVALID")


def _check_reply_button(button: Any) -> None:
    if isinstance(button, str):
        text = button
    elif isinstance(button, dict) and isinstance(button.get("text"), str):
        text = button["text"]
    else:
        raise bad_request(f'{_BAD_MARKUP}: keyboard button must have field "text"')
    if not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")


def validate_reply_markup(value: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Return the normalised markup (``None`` values dropped; empty inline keyboard -> None)."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value:
            return None
        try:
            value = json.loads(value)
        except ValueError:
            raise bad_request(_BAD_MARKUP) from None
    if not isinstance(value, dict):
        raise bad_request(_BAD_MARKUP)
    markup: dict[str, Any] = _strip_none(value)
    if "inline_keyboard" in markup:
        rows = _rows(markup, "inline_keyboard")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        if not any(rows):
            return None
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = _rows(markup, "keyboard")
        for row in rows:
            for button in row:
                _check_reply_button(button)
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request(_BAD_MARKUP)


def is_inline(markup: dict[str, Any] | None) -> bool:
    return bool(markup) and "inline_keyboard" in (markup or {})
