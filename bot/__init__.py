"""Mentorship programme bot: the application layer and the domain services."""

from bot.telegram_types import defer_telegram_validators

# Before anything of the bot imports aiogram: its types build their validators on first use
# (about 145 MB less at rest; see bot/telegram_types.py).
defer_telegram_validators()
