"""What the reminder gate (:func:`handlers.delivery.send_text_gated`) takes from aiogram's
request internals, checked against the installed aiogram so that an upgrade that changes them
fails here, with a sentence naming what changed, rather than in a school's reminders.

The gate builds SendMessage's request itself (to write it only once "sent" is committed), so
it relies on: ``AiohttpSession.prepare_value`` turning each field of ``model_dump`` into a form
value, the form being sent url-encoded to ``session.api.api_url(token, method.__api_method__)``
through the ``aiohttp.ClientSession`` of ``create_session()``, within ``session.timeout``, and
``check_response`` turning the answer into a result or aiogram's exceptions. The last test
sends the same messages both ways to a local HTTP server and compares what arrived.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.sender import RetryLater, Unreachable
from handlers.delivery import send_text_gated

TOKEN = "42:internals"
CHAT = 7001
GATE = "handlers/delivery.py (send_text_gated)"


def changed(what: str, detail: str) -> str:
    return f"aiogram changed {what}, which {GATE} relies on: {detail}. Adapt the gate to it."


def parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_session_methods_the_gate_calls_keep_their_names_and_parameters() -> None:
    assert issubclass(AiohttpSession, BaseSession), changed(
        "AiohttpSession", "it is no longer a BaseSession"
    )
    prepare = getattr(AiohttpSession, "prepare_value", None)
    assert prepare is not None, changed("AiohttpSession.prepare_value", "it is gone")
    assert parameters(prepare)[:4] == ["self", "value", "bot", "files"], changed(
        "AiohttpSession.prepare_value(value, bot, files)",
        f"its parameters are now {parameters(prepare)}",
    )
    check = getattr(AiohttpSession, "check_response", None)
    assert check is not None, changed("AiohttpSession.check_response", "it is gone")
    assert {"bot", "method", "status_code", "content"} <= set(parameters(check)), changed(
        "AiohttpSession.check_response(bot, method, status_code, content)",
        f"its parameters are now {parameters(check)}",
    )
    create = getattr(AiohttpSession, "create_session", None)
    assert create is not None and inspect.iscoroutinefunction(create), changed(
        "AiohttpSession.create_session", "it is gone or no longer a coroutine"
    )
    assert parameters(TelegramAPIServer.api_url)[1:] == ["token", "method"], changed(
        "TelegramAPIServer.api_url(token, method)",
        f"its parameters are now {parameters(TelegramAPIServer.api_url)}",
    )
    assert getattr(SendMessage, "__api_method__", None) == "sendMessage", changed(
        "SendMessage.__api_method__", "it no longer names the Bot API method 'sendMessage'"
    )
    build = getattr(AiohttpSession, "build_form_data", None)
    assert build is not None, changed(
        "AiohttpSession.build_form_data",
        "it is gone, so how aiogram builds its own requests must be looked at again",
    )


async def test_the_session_gives_an_aiohttp_client_and_a_timeout_in_seconds() -> None:
    session = AiohttpSession()
    try:
        client = await session.create_session()
        assert isinstance(client, aiohttp.ClientSession), changed(
            "AiohttpSession.create_session()",
            f"it returns {type(client).__name__}, not an aiohttp.ClientSession",
        )
        assert isinstance(session.timeout, int | float) and session.timeout > 0, changed(
            "BaseSession.timeout", f"it is {session.timeout!r}, not a number of seconds"
        )
        api = TelegramAPIServer.from_base("http://127.0.0.1:1")
        assert api.api_url(token=TOKEN, method="sendMessage") == (
            f"http://127.0.0.1:1/bot{TOKEN}/sendMessage"
        ), changed("TelegramAPIServer.api_url", "the URL it builds is not /bot<token>/<method>")
    finally:
        await session.close()


@dataclass
class Arrived:
    path: str
    content_type: str
    fields: list[tuple[str, str]]


@dataclass
class Server:
    base: str
    arrived: list[Arrived]
    answers: list[tuple[int, dict[str, Any]]]


def _message(chat_id: int, text: str) -> dict[str, Any]:
    return {
        "message_id": 1,
        "date": 1_800_000_000,
        "chat": {"id": chat_id, "type": "private", "first_name": "Маша"},
        "text": text,
    }


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    arrived: list[Arrived] = []
    answers: list[tuple[int, dict[str, Any]]] = []

    async def handle(request: web.Request) -> web.Response:
        form = await request.post()
        fields = [(key, str(value)) for key, value in form.items()]
        arrived.append(Arrived(request.path, request.content_type, fields))
        if answers:
            status, payload = answers.pop(0)
            return web.json_response(payload, status=status)
        values = dict(fields)
        result = _message(int(values["chat_id"]), values.get("text", ""))
        return web.json_response({"ok": True, "result": result})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    test_server = TestServer(app)
    await test_server.start_server()
    try:
        yield Server(str(test_server.make_url("")).rstrip("/"), arrived, answers)
    finally:
        await test_server.close()


@pytest.fixture
async def bot(server: Server) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base))
    # The bot's defaults, as bot.app builds it.
    default = DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True)
    client = Bot(TOKEN, session=session, default=default)
    try:
        yield client
    finally:
        await client.session.close()


async def _open() -> bool:
    return True


MARKUP = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="Встреча состоялась ✅", callback_data="m:done:17")],
        [InlineKeyboardButton(text="Перенести", callback_data="m:move:17")],
    ]
)


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("⏰ <b>Встреча</b> с наставником завтра в 15:00 &amp; план", None),
        ("Напоминание: заполните анкету «Итоги» + отзыв (50%)", MARKUP),
    ],
)
async def test_the_gate_sends_what_aiogram_itself_sends(
    server: Server, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    await bot.send_message(CHAT, text, reply_markup=markup)
    assert await send_text_gated(bot, CHAT, text, _open, reply_markup=markup) is True
    assert len(server.arrived) == 2
    own, gated = server.arrived
    assert gated.path == own.path == f"/bot{TOKEN}/sendMessage", changed(
        "the request's URL", f"aiogram posts to {own.path}, the gate to {gated.path}"
    )
    assert sorted(gated.fields) == sorted(own.fields), changed(
        "the form of SendMessage (model_dump, prepare_value, build_form_data)",
        f"aiogram sends {sorted(own.fields)}, the gate {sorted(gated.fields)}",
    )
    assert own.content_type == gated.content_type == "application/x-www-form-urlencoded", changed(
        "the encoding of a request without files",
        f"aiogram sends {own.content_type}, the gate {gated.content_type}",
    )
    # The fields that matter arrived as the bot means them.
    fields = dict(gated.fields)
    assert fields["chat_id"] == str(CHAT) and fields["text"] == text
    assert fields["parse_mode"] == "HTML"
    assert ("reply_markup" in fields) is (markup is not None)


async def test_the_gate_reads_aiogram_s_answers_in_the_sender_s_terms(
    server: Server, bot: Bot
) -> None:
    server.answers.append(
        (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
        )
    )
    with pytest.raises(RetryLater) as later:
        await send_text_gated(bot, CHAT, "⏰ напоминание", _open)
    assert later.value.seconds == 7, changed(
        "AiohttpSession.check_response", "a 429 no longer raises TelegramRetryAfter(retry_after)"
    )
    server.answers.append(
        (
            403,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
        )
    )
    with pytest.raises(Unreachable):
        await send_text_gated(bot, CHAT, "⏰ напоминание", _open)
    assert len(server.arrived) == 2
