"""Marking strings held as data for extraction; they are translated when shown (``_(msgid)``)."""

from __future__ import annotations


def N_(message: str) -> str:  # the conventional gettext marker name
    return message
