"""One way in: each update once, forged numbers and outdated presses answered calmly."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import CallbackQuery

from bot.outdated import Outdated
from bot.screens import Button, Screen
from handlers.join_views import ConsentAnswer
from handlers.outdated import OutdatedPresses, out_of_range
from tests.inprocess import running_harness
from tests.joining import invitation, organization, participant_id, start_as_adult

USER = 4242


def text_update(update_id: int, user: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Оля", "language_code": "ru"},
            "text": text,
        },
    }


async def test_a_typed_answer_delivered_twice_is_stored_once_even_after_a_restart(
    tmp_path: Path,
) -> None:
    async with running_harness(tmp_path) as harness:
        org = await organization(harness)
        link = await invitation(harness, org, "mentor")
        await start_as_adult(harness, USER, link)
        pid = await participant_id(harness, USER, link)
        await harness.press(USER, ConsentAnswer(participant_id=pid, agree=True).pack())
        step = await harness.app.services.questionnaires.step(pid)
        assert step.question is not None and step.question.key == "full_name"
        update = text_update(90_001, USER, "Иванова Ольга Петровна")
        first = await harness.feed(dict(update))
        again = await harness.feed(dict(update))  # the same process, at once
        assert first and again == []
        second = (await harness.app.services.questionnaires.step(pid)).question
        assert second is not None and second.key != "full_name"
    # A restart forgets what was in memory; the database still knows the update.
    async with running_harness(tmp_path) as harness:
        assert await harness.feed(dict(update)) == []
        after = (await harness.app.services.questionnaires.step(pid)).question
        assert after is not None and after.key == second.key
        rows = await harness.app.db.fetch_all(
            "SELECT question FROM answers WHERE participant_id = ?", (pid,)
        )
        assert [row["question"] for row in rows] == ["full_name"]


async def test_an_update_that_changes_nothing_leaves_no_record(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as harness:
        # The first one remembers Telegram's language: a write that changes nothing when
        # repeated, so it is stored without a record of the update.
        await harness.send(USER, "/help")
        await harness.send(USER, "/help")
        db = harness.app.db
        assert await db.fetch_value("SELECT count(*) FROM processed_updates") == 0
        language = "SELECT telegram_language FROM users WHERE telegram_id = ?"
        assert await db.fetch_value(language, (USER,)) == "ru"


@pytest.mark.parametrize(
    "data",
    ["join1c:99999999999999999999999999:1", "join1c:-5:1", f"join1c:{2**63}:1", f"mtg1c:{2**70}"],
)
async def test_numbers_no_id_can_have_are_answered_as_outdated(
    tmp_path: Path, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert out_of_range(data)
    async with running_harness(tmp_path) as harness:
        with caplog.at_level(logging.WARNING):
            replies = await harness.press(USER, data)
        assert replies == []
        answer = harness.session.callback_answers()[-1]
        assert "устарела" in (answer.text or "") and answer.show_alert
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_real_ids_are_in_range() -> None:
    assert not out_of_range(f"join1c:{2**63 - 1}:0")
    assert not out_of_range("lang1:en")


async def test_an_outdated_press_gets_a_notice_and_the_current_view(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as harness:
        current = Screen("Сейчас так", ((Button("Дальше", data="x:1"),),))

        async def handler(event: Any, data: dict[str, Any]) -> None:
            raise Outdated(current=current)

        query = CallbackQuery.model_validate(
            {
                "id": "1",
                "from": harness.user(USER),
                "chat_instance": "c",
                "data": "x:1",
                "message": {
                    "message_id": 5,
                    "date": 1_700_000_000,
                    "chat": {"id": USER, "type": "private"},
                    "text": "Было",
                },
            },
            context={"bot": harness.app.bot},
        )
        with harness.app.i18n.context(), harness.app.i18n.use_locale("ru"):
            await OutdatedPresses()(handler, query, {})
        answer = harness.session.callback_answers()[-1]
        assert answer.text == "Это уже сделано. Вот как обстоят дела сейчас."
        edited = harness.session.sent[-1]
        assert edited.text == "Сейчас так" and edited.buttons == [("Дальше", "x:1")]
