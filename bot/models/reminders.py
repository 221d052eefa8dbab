"""Reminders of meetings, the organization's meeting settings and what a batch of reminders is
rendered from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.models.meetings import Meeting
from bot.models.pairs import Pair
from bot.models.participants import Participant

DEFAULT_REMINDER_MINUTES = (1440, 60)
DEFAULT_MEETING_MINUTES = 60


@dataclass(frozen=True)
class MeetingSettings:
    reminder_minutes: tuple[int, ...] = DEFAULT_REMINDER_MINUTES
    meeting_minutes: int = DEFAULT_MEETING_MINUTES


@dataclass(frozen=True)
class DueReminder:
    id: int
    meeting_id: int
    telegram_id: int
    minutes_before: int
    due_at: datetime


@dataclass(frozen=True)
class DeliveryContext:
    """What the reminders of one claimed batch are rendered from, read in a few queries for
    the whole batch rather than several per reminder (at 300 a second the per-query cost of the
    single database connection, not the disk, limits delivery)."""

    meetings: dict[int, Meeting]
    pairs: dict[int, Pair]
    participants: dict[int, Participant]
    answers: dict[int, dict[str, Any]]
    timezones: dict[int, str]  # organization id -> IANA zone
    languages: dict[int, str]  # telegram id -> the chosen language, else Telegram's hint
    unreachable: frozenset[int]  # telegram ids known to have blocked the bot
