"""Start-up settings: clear one-line errors for the deployer, and the token never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, Settings, load_settings

GOOD_TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_defaults() -> None:
    s = settings()
    assert s.database_path == Path("data/mentorbot.sqlite3")
    assert s.default_locale == "ru"
    assert s.default_timezone == "Europe/Moscow"
    assert s.admin_ids == frozenset()
    assert not s.use_webhook


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        (None, "not set"),
        ("", "not set"),
        ("   ", "not set"),
        ("abc", "malformed"),
        ("123:short", "malformed"),
        ("bot" + GOOD_TOKEN, "malformed"),
    ],
)
def test_missing_or_malformed_token(token: str | None, problem: str) -> None:
    with pytest.raises(ConfigError) as error:
        settings(bot_token=token).require_token()
    message = str(error.value)
    assert problem in message and "@BotFather" in message and "\n" not in message
    if token and token.strip():
        assert token.strip() not in message


def test_good_token_and_its_repr_hides_it() -> None:
    s = settings(bot_token=GOOD_TOKEN)
    assert s.require_token() == GOOD_TOKEN
    assert GOOD_TOKEN not in repr(s) and GOOD_TOKEN not in str(s.model_dump())


@given(st.lists(st.integers(1, 2**52), max_size=5))
def test_admin_ids_parse_from_a_comma_list(ids: list[int]) -> None:
    raw = " , ".join(str(i) for i in ids)
    assert settings(admin_ids=raw).admin_ids == frozenset(ids)


def test_environment_errors_become_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12, abc")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("BOT_TOKEN", GOOD_TOKEN)
    with pytest.raises(ConfigError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith("Configuration error: ")
    assert "ADMIN_IDS" in message and "DEFAULT_TIMEZONE" in message
    assert "\n" not in message and GOOD_TOKEN not in message


def test_webhook_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="WEBHOOK_SECRET is required"):
        settings(webhook_url="https://bot.school.example/hook")
    with pytest.raises(ValueError, match="may contain only"):
        settings(webhook_url="https://bot.school.example/hook", webhook_secret="with space")
    s = settings(webhook_url="https://bot.school.example/hook/", webhook_secret="s3cret_-")
    assert s.use_webhook and s.webhook_url == "https://bot.school.example/hook"


def test_locale_and_urls_are_validated() -> None:
    assert settings(default_locale="EN").default_locale == "en"
    with pytest.raises(ValueError, match="DEFAULT_LOCALE"):
        settings(default_locale="de")
    with pytest.raises(ValueError, match="http"):
        settings(telegram_api_base="ftp://x")
    assert settings(telegram_api_base="http://127.0.0.1:8081/").telegram_api_base == (
        "http://127.0.0.1:8081"
    )
