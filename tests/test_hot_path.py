"""The per-update path: no filter of any router is handed to a worker thread."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Dispatcher, F, Router

from handlers import run_filters_inline
from tests.inprocess import Harness

NEWCOMER = 9101


def _filters(dispatcher: Dispatcher) -> list[Any]:
    return [
        event_filter
        for router in dispatcher.chain_tail
        for observer in router.observers.values()
        for handler in observer.handlers
        for event_filter in handler.filters or ()
    ]


async def test_every_filter_of_the_bot_runs_on_the_event_loop(harness: Harness) -> None:
    filters = _filters(harness.app.dispatcher)
    assert len(filters) > 50
    assert all(event_filter.awaitable for event_filter in filters)


async def test_updates_are_handled_without_worker_threads(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[Any] = []
    real = asyncio.to_thread

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        handed.append(function)
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", counted)
    await harness.send(NEWCOMER, "/start")
    await harness.send(NEWCOMER, "/help")
    await harness.send(NEWCOMER, "просто текст")
    assert len(harness.session.answers(NEWCOMER)) >= 3
    assert handed == []


async def test_an_inlined_filter_still_decides_and_gets_its_arguments() -> None:
    router = Router()
    seen: list[str] = []

    def short(message: Any) -> bool:
        seen.append(message.text)
        return len(message.text) < 5

    async def handler(message: Any) -> None:
        return None

    router.message.register(handler, F.text, short)
    assert run_filters_inline(router) == 2
    assert run_filters_inline(router) == 0
    observer = router.message

    class Message:
        def __init__(self, text: str | None) -> None:
            self.text = text

    (handler_object,) = observer.handlers
    assert (await handler_object.check(Message("abc")))[0]
    assert not (await handler_object.check(Message("abcdefgh")))[0]
    assert not (await handler_object.check(Message(None)))[0]
    assert seen == ["abc", "abcdefgh"]
