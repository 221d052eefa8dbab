"""A message the bot starts itself, as queued in the outbox."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutboxRow:
    id: int
    telegram_id: int
    kind: str
    screen: str  # JSON of bot.screens.Screen
