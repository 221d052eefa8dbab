"""One error handler: the person is told what to do, the log gets context but no secrets."""

from __future__ import annotations

import logging

import pytest
from aiogram.filters import Command
from aiogram.types import Message

from bot.logging_setup import RedactTokenFilter
from tests.inprocess import TOKEN, Harness

PUPIL = 1001


async def test_a_failing_handler_is_reported_to_the_user_and_logged(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(message: Message) -> None:
        raise RuntimeError(f"cannot reach https://api.telegram.org/bot{TOKEN}/sendMessage")

    harness.app.dispatcher.message.register(broken, Command("broken"))
    caplog.handler.addFilter(RedactTokenFilter(TOKEN))
    with caplog.at_level(logging.ERROR):
        replies = await harness.send(PUPIL, "/broken", language_code="en")
    assert len(replies) == 1
    assert replies[0].text.startswith("Sorry, something went wrong on my side")
    assert "/support" in replies[0].text
    failures = [r for r in caplog.records if r.name == "handlers.errors"]
    assert len(failures) == 1
    assert f"from user {PUPIL}" in failures[0].getMessage()
    assert TOKEN not in caplog.text
    assert "<token>" in caplog.text  # the traceback was kept, with the secret cut out


async def test_failing_callback_is_still_answered(harness: Harness) -> None:
    async def broken(query: object) -> None:
        raise RuntimeError("boom")

    harness.app.dispatcher.callback_query.register(broken)
    replies = await harness.press(PUPIL, "anything")
    assert len(harness.session.callback_answers()) == 1
    assert "что-то пошло не так" in replies[0].text


def test_redaction_filter_hides_any_token_shaped_string() -> None:
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "url %s",
        ("/bot98765:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef12/getMe",),
        None,
    )
    RedactTokenFilter().filter(record)
    assert record.getMessage() == "url /bot<token>/getMe"
