"""Helpers for the texts sent to people: quoting, the locale in force, long texts."""

from __future__ import annotations

from aiogram.utils.i18n import get_i18n, ngettext

MESSAGE_LIMIT = 4000  # Telegram allows 4096 characters; the rest is margin for markup


def current_locale() -> str:
    """The locale gettext uses now: inside an outbox render, the recipient's (for Babel's
    dates and month names, which gettext does not cover)."""
    return get_i18n().current_locale


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at line breaks into messages Telegram accepts; a giant line is cut as a last resort."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        chunks.append(current)
    return chunks


def reason_from(text: str | None, shortest: int = 3, longest: int = 500) -> str | None:
    """A typed reason with its spaces tidied, or None when it is too short or too long."""
    reason = " ".join((text or "").split())
    return reason if shortest <= len(reason) <= longest else None


def too_long_text(length: int, limit: int) -> str:
    """The one answer to a typed text over its limit: «Получилось 4001 символ; …»."""
    return ngettext(
        "That is {length} character; please shorten it to {limit} and send it again.",
        "That is {length} characters; please shorten it to {limit} and send it again.",
        length,
    ).format(length=length, limit=limit)
