"""End-to-end helpers for joining: seed an organization, walk a questionnaire in the chat."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bot.clock import SystemClock
from bot.invitations import InvitationService
from bot.models.invitations import InvitationRole
from bot.organizations import OrganizationService
from dialogs.mentee import mentee_questionnaire
from dialogs.mentor import PER_FORM_PREFIXES
from dialogs.model import Question, QuestionKind
from dialogs.registry import get_questionnaire
from handlers.questionnaire_views import Act, Pick
from storage.database import Database
from storage.migrations import migrate
from storage.repositories.invitations import InvitationRepository
from storage.repositories.organizations import OrganizationRepository
from tests.fake_telegram import ChatMessage, FakeUser

CURATOR = 555


@dataclass(frozen=True)
class Seeded:
    organization_id: int
    mentor_token: str
    mentee_token: str


async def seed(database: Path) -> Seeded:
    """What a curator would have prepared: an organization and two invitation links."""
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
        clock = SystemClock()
        organizations = OrganizationService(OrganizationRepository(db), clock)
        invitations = InvitationService(InvitationRepository(db), OrganizationRepository(db), clock)
        org = await organizations.create("Школа № 7", "Asia/Chita")
        await organizations.add_curator(org.id, CURATOR)
        mentor = await invitations.create(org.id, InvitationRole.MENTOR, CURATOR)
        mentee = await invitations.create(org.id, InvitationRole.MENTEE, CURATOR)
        return Seeded(org.id, mentor.token, mentee.token)
    finally:
        await db.close()


def query(database: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as conn:
        return list(conn.execute(sql, params).fetchall())


def current_question(database: Path, telegram_id: int) -> tuple[int, str, str | None]:
    rows = query(
        database,
        "SELECT id, role, current_question FROM participants WHERE telegram_id = ?",
        (telegram_id,),
    )
    assert len(rows) == 1, rows
    pid, role, key = rows[0]
    assert isinstance(pid, int) and isinstance(role, str)
    return pid, role, key if isinstance(key, str) else None


def guardian_link(user: FakeUser) -> str:
    for message in reversed(user.bot_messages()):
        found = re.search(r"\?start=([A-Za-z0-9_-]+)", message.text)
        if found:
            return found.group(1)
    raise AssertionError(user.transcript())


async def answer_current(
    user: FakeUser,
    database: Path,
    *,
    adult: bool = True,
    answers: Mapping[str, object] | None = None,
) -> None:
    """Answer the question on screen as a person would: a button, or a typed answer.

    A question whose key is in ``answers`` gets that answer (see :func:`give_answer`); any
    other gets the first option or a stock text."""
    message = user.last_bot_message()
    assert "Вопрос" in message.text, user.transcript()
    pid, role, key = current_question(database, user.id)
    assert key is not None, user.transcript()
    question = question_of(role, key)
    if answers is not None and key in answers:
        await give_answer(user, message, pid, question, answers[key])
    elif question.kind == QuestionKind.MULTI_CHOICE:
        await user.press(message.buttons[0][0], message_id=message.message_id)
        await until(lambda: "✓" in str(message.buttons), user)  # the keyboard is edited
        await user.press("Готово", message_id=message.message_id)
    elif question.kind in (
        QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO, QuestionKind.SCALE
    ):  # fmt: skip
        await user.press(message.buttons[0][0], message_id=message.message_id)
    elif question.kind == QuestionKind.DATE:
        await user.send_text("12.03.1990" if adult else "12.03.2011")
    elif question.kind == QuestionKind.BIRTH_YEAR:
        await user.send_text("1990")
    elif question.kind == QuestionKind.NUMBER:
        low = question.min_value or 0
        if question.min_from:
            low = max(low, 18)
        await user.send_text(str(max(low, 18) if question.min_from else low))
    elif key == "full_name":
        await user.send_text("Кузнецова Дарья Андреевна")
    else:
        await user.send_text("Люблю объяснять математику и шахматы")
    await wait_next(user, database, key, message.message_id)


def question_of(role: str, key: str) -> Question:
    """The question with this key as the person is asked it: the base questionnaire's, a
    student's college question, or one a mentor in several forms answers per form."""
    try:
        return get_questionnaire(role).question(key)
    except KeyError:
        pass
    if role == "mentee":
        return mentee_questionnaire(student=True).question(key)
    for single, prefix in PER_FORM_PREFIXES.items():
        if key.startswith(prefix):
            return get_questionnaire(role).question(single).model_copy(update={"key": key})
    raise KeyError(key)


async def until(condition: Callable[[], bool], user: FakeUser, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(user.transcript())
        await asyncio.sleep(0.02)


async def user_until(user: FakeUser, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    await until(condition, user, timeout)


def holding(user: FakeUser, data: str) -> ChatMessage | None:
    """The newest message with a button of exactly this data (texts of newer strings may
    still change with the catalogs; their data does not)."""
    for message in reversed(user.bot_messages()):
        if data in message.button_data.values():
            return message
    return None


async def press_data(user: FakeUser, data: str, timeout: float = 10.0) -> ChatMessage:
    """Wait for a button with exactly this data to be on screen and press it."""
    await until(lambda: holding(user, data) is not None, user, timeout)
    message = holding(user, data)
    assert message is not None
    await user.press_data(data, message.message_id)
    return message


async def wait_next(user: FakeUser, database: Path, key: str, shown: int) -> None:
    """Wait for the next question (or the summary) as a new message after ``shown``."""

    def arrived() -> bool:
        last = user.last_bot_message()
        return last.message_id > shown and ("Вопрос" in last.text or "Провер" in last.text)

    await until(arrived, user)
    assert current_question(database, user.id)[2] != key


def ticks_shown(message: ChatMessage, count: int) -> bool:
    return str(message.buttons).count("✓") == count


async def give_answer(
    user: FakeUser, message: ChatMessage, pid: int, question: Question, value: object
) -> None:
    """A chosen answer, by the buttons' data (whatever the catalog calls them): None skips;
    an option value (a str; a number for a scale) is pressed; a list of option values is
    ticked one by one, then «Done»; anything else is typed."""

    def press(data: str) -> Awaitable[str]:
        assert data in message.button_data.values(), (data, message.describe())
        return user.press_data(data, message.message_id)

    key = question.key
    if value is None:
        await press(Act(p=pid, a="skip", k=key).pack())
    elif question.kind == QuestionKind.MULTI_CHOICE:
        assert isinstance(value, list | tuple), value
        for ticked, option in enumerate(value, 1):
            await press(Pick(p=pid, k=key, v=str(option)).pack())
            await until(partial(ticks_shown, message, ticked), user)  # the keyboard is edited
        await press(Act(p=pid, a="done", k=key).pack())
    elif question.kind in (
        QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO, QuestionKind.SCALE
    ):  # fmt: skip
        await press(Pick(p=pid, k=key, v=str(value)).pack())
    else:
        await user.send_text(str(value))


async def fill_questionnaire(
    user: FakeUser,
    database: Path,
    *,
    adult: bool = True,
    answers: Mapping[str, object] | None = None,
) -> None:
    """Answer every question up to the summary; ``answers`` as for :func:`answer_current`."""
    for _ in range(60):
        if current_question(database, user.id)[2] is None:
            await user.wait_for_bot_message("пожалуйста, анкету", after=0)
            return
        await answer_current(user, database, adult=adult, answers=answers)
    raise AssertionError("the questionnaire did not end:\n" + user.transcript())


async def join_as_adult(user: FakeUser, token: str) -> None:
    """Open the invitation, say 18 or older, agree to the consent: the first question shows."""
    await user.send_text(f"/start {token}")
    await user.wait_for_bot_message("сколько вам лет")
    await user.press("Мне 18 лет или больше")
    await user.wait_for_bot_message("Согласие на обработку")
    await user.press("Согласен(на)")
    await user.wait_for_bot_message("Вопрос 1 из")


async def join_as_minor(user: FakeUser, token: str, birth_date: str) -> None:
    """Open the invitation, say under 18 and give the date of birth."""
    await user.send_text(f"/start {token}")
    await user.wait_for_bot_message("сколько вам лет")
    await user.press("Мне меньше 18 лет")
    await user.wait_for_bot_message("Напиши дату рождения")
    await user.send_text(birth_date)
