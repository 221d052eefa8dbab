"""Settings from the environment and an optional ``.env`` file, validated at start-up.

Every error a deployer can make here is turned into one readable line by
:func:`describe_settings_error`; the token itself never appears in that line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SUPPORTED_LOCALES = ("ru", "en")

# Telegram tokens look like "123456789:AAF..." : a numeric bot id, a colon and a 30+ char secret.
TOKEN_PATTERN = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,100}$")

TOKEN_HELP = (
    "BOT_TOKEN is {problem}: get a token from @BotFather in Telegram (/newbot) and put it "
    "into the environment or the .env file as BOT_TOKEN=123456789:AA..."
)

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    bot_token: SecretStr | None = None
    # The bot's @username for invitation links made on the command line; without it the
    # CLI asks Telegram (getMe). The running bot asks Telegram itself.
    bot_username: str | None = None
    telegram_api_base: str | None = None
    database_path: Path = Path("data/mentorbot.sqlite3")
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_locale: str = "ru"
    default_timezone: str = "Europe/Moscow"
    log_level: LogLevel = "INFO"

    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_path: str | None = None  # default: the path of WEBHOOK_URL
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)

    # How long a stopping bot waits for handlers that are still running.
    shutdown_grace_seconds: float = Field(default=20.0, ge=0, le=600)

    # Bulk sends (announcements, reminders) stay under Telegram's limits: about 30 messages
    # a second in total and one a second to one chat.
    send_rate_per_second: float = Field(default=30.0, gt=0, le=1000)
    send_rate_per_chat_per_second: float = Field(default=1.0, gt=0, le=100)

    # How often each scheduled job looks at the database (jobs/). Every run re-reads what is
    # due, so a longer tick only delays; tests and the end-to-end bot use short ones.
    reminder_tick_seconds: float = Field(default=5.0, ge=0.05, le=300)
    followup_tick_seconds: float = Field(default=5.0, ge=0.05, le=300)
    cycle_tick_seconds: float = Field(default=60.0, ge=0.05, le=3600)
    cadence_tick_seconds: float = Field(default=60.0, ge=0.05, le=3600)
    # Queued messages left by a stopped process are sent at the next tick (and at the start).
    outbox_tick_seconds: float = Field(default=30.0, ge=0.05, le=3600)
    housekeeping_hours: float = Field(default=6.0, ge=0.01, le=168)

    # Nightly backups (bot/backups.py): the folder (default: "backups" beside the database)
    # and how many of them are kept; BACKUP_KEEP=0 turns the nightly backup off.
    backup_dir: Path | None = None
    backup_keep: int = Field(default=14, ge=0, le=3650)
    # The heartbeat file the bot touches while it hears from Telegram (default: beside the
    # database) and how old it may be before `python -m bot health` says the bot is stuck.
    health_file: Path | None = None
    health_max_age_seconds: float = Field(default=60.0, ge=10, le=86400)
    # An organization's workbook is made in a separate process so that the bot keeps
    # answering while a large school's file is written; the in-process tests make it in the
    # bot's own process (quicker to start, and their clock is the test's).
    export_in_process: bool = False

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(p) for p in parts if p)
            except ValueError:
                raise ValueError(
                    "ADMIN_IDS must be Telegram user ids separated by commas, e.g. 12345,67890"
                ) from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("default_locale")
    @classmethod
    def _check_locale(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"DEFAULT_LOCALE must be one of: {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Moscow"
            ) from None
        return value

    @field_validator("bot_username")
    @classmethod
    def _check_bot_username(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().removeprefix("@")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", value):
            raise ValueError(
                "BOT_USERNAME must be the bot's username from @BotFather, e.g. school5_mentor_bot"
            )
        return value

    @field_validator("telegram_api_base", "webhook_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _check_path(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        return value if value.startswith("/") else "/" + value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not (
            self.webhook_secret and self.webhook_secret.get_secret_value()
        ):
            raise ValueError(
                "WEBHOOK_SECRET is required when WEBHOOK_URL is set "
                "(1-256 characters A-Z, a-z, 0-9, _ and -)"
            )
        if self.webhook_secret and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", self.webhook_secret.get_secret_value()
        ):
            raise ValueError("WEBHOOK_SECRET may contain only A-Z, a-z, 0-9, _ and - (1-256)")
        return self

    def require_token(self) -> str:
        """The token for running the bot; raises :class:`ConfigError` when unusable."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError(TOKEN_HELP.format(problem="not set"))
        token = self.bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.match(token):
            raise ConfigError(TOKEN_HELP.format(problem="malformed"))
        return token

    @property
    def use_webhook(self) -> bool:
        return self.webhook_url is not None

    @property
    def backup_folder(self) -> Path:
        return self.backup_dir or self.database_path.parent / "backups"

    @property
    def heartbeat_file(self) -> Path:
        return self.health_file or self.database_path.with_name(f"{self.database_path.name}.alive")


class ConfigError(Exception):
    """A configuration problem, already phrased for the person deploying the bot."""


def load_settings() -> Settings:
    """Read and validate the settings, turning validation errors into one line."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(describe_settings_error(error)) from None


def describe_settings_error(error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_input=False, include_url=False):
        field = ".".join(str(part) for part in item["loc"]).upper()
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"{field}: {message}" if field else message)
    return "Configuration error: " + "; ".join(problems)
