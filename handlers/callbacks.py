"""Callback data: short versioned prefixes, ids and enums only (at most 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.support import SupportTopic


class LanguageChoice(CallbackData, prefix="lang1"):
    code: str


class SupportTopicChoice(CallbackData, prefix="sup1t"):
    topic: SupportTopic


class SupportAction(CallbackData, prefix="sup1a"):
    action: str  # "send", "edit" or "cancel"
