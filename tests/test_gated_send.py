"""The reminder's request, written only once its "sent" mark is committed (the gate): against
the fake Bot API server over real HTTP, as the bot process sends it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.sender import RetryLater, Unreachable
from handlers.delivery import send_text_gated
from tests.fake_telegram import FakeTelegram

CHAT = 5151


class _FastCloseSession(AiohttpSession):
    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        server.user(CHAT, "Маша")
        yield server
    assert server.unknown_calls == [] and server.server_errors == []


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    session = _FastCloseSession(api=TelegramAPIServer.from_base(tg.base_url))
    # The bot's defaults, as bot.app builds it.
    default = DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True)
    client = Bot(tg.token, session=session, default=default)
    yield client
    await client.session.close()


def texts(tg: FakeTelegram) -> list[str]:
    return [str(call.params.get("text")) for call in tg.sending_calls if call.ok]


async def test_the_request_waits_for_the_gate_and_then_goes_out(tg: FakeTelegram, bot: Bot) -> None:
    opened = asyncio.Event()
    gate_called = asyncio.Event()

    async def gate() -> bool:
        gate_called.set()
        await opened.wait()
        return True

    sending = asyncio.create_task(send_text_gated(bot, CHAT, "⏰ <b>Встреча</b> &amp; план", gate))
    await asyncio.wait_for(gate_called.wait(), 5)
    await asyncio.sleep(0.2)
    assert tg.sending_calls == []  # connected, request prepared, not a byte of it sent
    opened.set()
    assert await asyncio.wait_for(sending, 5) is True
    assert texts(tg) == ["⏰ <b>Встреча</b> &amp; план"]
    params = tg.sending_calls[0].params
    assert params["parse_mode"] == "HTML"  # the bot's defaults, sent as aiogram sends them
    assert params["link_preview_options"] == {"is_disabled": True}


async def test_a_closed_gate_sends_nothing(tg: FakeTelegram, bot: Bot) -> None:
    async def refuse() -> bool:
        return False

    assert await send_text_gated(bot, CHAT, "⏰ отменено", refuse) is False
    await asyncio.sleep(0.1)
    assert tg.calls == [] or all(not call.method.lower().startswith("send") for call in tg.calls)

    # The connection is still usable afterwards.
    async def allow() -> bool:
        return True

    assert await send_text_gated(bot, CHAT, "⏰ дальше", allow) is True
    assert texts(tg) == ["⏰ дальше"]


async def test_errors_come_in_the_senders_terms(tg: FakeTelegram, bot: Bot) -> None:
    async def allow() -> bool:
        return True

    tg.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryLater) as flood:
        await send_text_gated(bot, CHAT, "⏰ раз", allow)
    assert flood.value.seconds == 7
    tg.users[CHAT].blocked = True
    with pytest.raises(Unreachable):
        await send_text_gated(bot, CHAT, "⏰ два", allow)
    assert texts(tg) == []


async def test_a_server_that_cannot_be_reached_is_retried_and_nothing_is_marked() -> None:
    gate_called = False

    async def gate() -> bool:
        nonlocal gate_called
        gate_called = True
        return True

    session = _FastCloseSession(api=TelegramAPIServer.from_base("http://127.0.0.1:9"))
    client = Bot("123:abc", session=session)
    try:
        with pytest.raises(RetryLater):
            await send_text_gated(client, CHAT, "⏰ никуда", gate)
    finally:
        await client.session.close()
    assert not gate_called  # the mark is made only for a request that can be written
