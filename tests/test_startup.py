"""Start-up against the fake Bot API server: polling comes first, the role menus after it, in
the background, at the bulk sender's rate; a failure there is logged and changes nothing else."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import Application, build_application, freeze_startup_objects, run_polling
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import RecordedCall
from tests.inprocess import make_settings

CURATORS = 300
CURATOR_BASE = 50_000_000
RATE = 60.0  # menus a second: 300 curators take five seconds
ADMIN = 777


async def seed_curators(app: Application, count: int) -> list[int]:
    """``count`` organizations, each with its curator; returns the curators' Telegram ids."""
    curators = [CURATOR_BASE + n for n in range(1, count + 1)]
    async with app.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO organizations (id, name, timezone, created_at) "
            "VALUES (?, ?, 'Europe/Moscow', '2026-03-01T00:00:00+00:00')",
            [(n, f"Школа № {n}") for n in range(1, count + 1)],
        )
        await tx.executemany(
            "INSERT INTO curators (telegram_id, organization_id, added_at) "
            "VALUES (?, ?, '2026-03-01T00:00:00+00:00')",
            [(curator, n) for n, curator in enumerate(curators, start=1)],
        )
    return curators


def chat_menus(tg: FakeTelegram) -> list[RecordedCall]:
    """setMyCommands calls for one chat's scope that the server answered with success."""
    return [
        call
        for call in tg.methods_called("setMyCommands")
        if call.status == 200 and "chat" in str(call.params.get("scope", ""))
    ]


def chat_of(call: RecordedCall) -> int:
    scope = call.params["scope"]
    return int((json.loads(scope) if isinstance(scope, str) else scope)["chat_id"])


def menu_of(tg: FakeTelegram, chat_id: int) -> list[str]:
    commands = tg.get_commands({"type": "chat", "chat_id": chat_id}) or []
    return [command["command"] for command in commands]


@asynccontextmanager
async def polling_bot(
    tmp_path: Path,
    tg: FakeTelegram,
    prepare: Callable[[Application], None] | None = None,
    **overrides: Any,
) -> AsyncIterator[Any]:
    settings = make_settings(
        tmp_path, telegram_api_base=tg.base_url, bot_token=tg.token, **overrides
    )
    app = await build_application(settings, tg.token)
    curators = await seed_curators(app, CURATORS)
    if prepare is not None:
        prepare(app)
    polling = asyncio.create_task(run_polling(app))
    try:
        yield app, curators
    finally:
        await app.dispatcher.stop_polling()
        await asyncio.wait_for(polling, 30)


async def test_menus_come_after_the_first_poll_all_of_them_within_the_rate(
    tmp_path: Path,
) -> None:
    async with (
        FakeTelegram() as tg,
        polling_bot(tmp_path, tg, send_rate_per_second=RATE) as (app, curators),
    ):
        user = tg.user(4242)
        await tg.wait_until(lambda: tg.getupdates_polls >= 1, timeout=30)
        # Someone writes while the menus are being set: the answer does not wait for them.
        await user.send_text("/help")
        await user.wait_for_bot_message("", timeout=10)
        answered_with = len(chat_menus(tg))
        await tg.wait_until(
            lambda: len(chat_menus(tg)) >= CURATORS + 1, timeout=60, message="menus not all set"
        )
        after_start = app.after_start
        assert after_start is not None
        await asyncio.wait_for(after_start, 10)
        # The scheduler was started too: its jobs have run.
        await asyncio.wait_for(app.scheduler.wait_for_run("housekeeping", after=0), 10)

    calls = tg.calls
    first_poll = next(i for i, c in enumerate(calls) if c.method == "getUpdates")
    first_menu = next(
        i
        for i, c in enumerate(calls)
        if c.method == "setMyCommands" and "chat" in str(c.params.get("scope", ""))
    )
    assert first_poll < first_menu
    # Nothing that the first update does not need is asked before the first poll.
    before = [c.method for c in calls[:first_poll]]
    assert before == ["getMe", "deleteWebhook"], before
    assert answered_with < CURATORS, "the answer waited for the menus"

    # Every curator's chat and the administrator's got its menu, each once.
    menus = chat_menus(tg)
    chats = [chat_of(c) for c in menus]
    assert sorted(chats) == sorted([*curators, ADMIN])
    assert {"curator", "pairs", "stats"} <= set(menu_of(tg, curators[0]))
    assert "orgs" not in menu_of(tg, curators[0])
    assert "orgs" in menu_of(tg, ADMIN) and "curator" not in menu_of(tg, ADMIN)
    # Never more than the rate within any second.
    times = [c.time for c in menus]
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= RATE, busiest
    # The default menus are still set (in each language and without one).
    assert tg.get_commands() and tg.get_commands(language_code="en")


async def test_failing_menus_are_logged_and_the_bot_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with FakeTelegram() as tg:
        # The first default menu fails; then two chats do not exist and one call meets flood
        # control (the sender waits it out and sets that menu after all).
        tg.fail_next("setMyCommands", 400, "Bad Request: chat not found", times=3)
        tg.fail_next("setMyCommands", 429, retry_after=1)
        # And one menu Telegram finds wrong: a failure, logged as one.
        tg.fail_next("setMyCommands", 400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        async with polling_bot(tmp_path, tg, send_rate_per_second=1000) as (app, _curators):
            await tg.wait_until(lambda: tg.getupdates_polls >= 1, timeout=30)
            after_start = app.after_start
            assert after_start is not None
            await asyncio.wait_for(after_start, 60)
            user = tg.user(4243)
            await user.send_text("/help")
            await user.wait_for_bot_message("", timeout=10)
    assert "Could not register the command menu" in caplog.text
    assert f"Menus of roles set: {CURATORS - 2} chats, 2 without a chat, 1 failed" in caplog.text
    assert "BOT_COMMAND_DESCRIPTION_INVALID" in caplog.text
    assert len({chat_of(c) for c in chat_menus(tg)}) == CURATORS - 2


async def test_a_failure_while_reading_the_roles_is_logged_not_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> list[Any]:
        raise RuntimeError("disk on fire")

    def break_curators(app: Application) -> None:
        app.services.organizations.all_curators = broken  # type: ignore[method-assign]

    async with FakeTelegram() as tg, polling_bot(tmp_path, tg, break_curators) as (app, _):
        await tg.wait_until(lambda: tg.getupdates_polls >= 1, timeout=30)
        after_start = app.after_start
        assert after_start is not None
        await asyncio.wait_for(after_start, 10)
        user = tg.user(4244)
        await user.send_text("/help")
        await user.wait_for_bot_message("", timeout=10)
    assert "Could not set the menus of curators" in caplog.text
    assert not chat_menus(tg)


def test_freezing_hides_start_up_objects_from_the_collector() -> None:
    gc.unfreeze()  # a bot started by a test before may have frozen them already
    threshold = gc.get_threshold()
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 50_000  # the imported modules at least
        assert gc.collect() >= 0 and gc.get_freeze_count() > 50_000
        assert gc.get_threshold()[0] >= 2_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
