"""The pieces the questionnaire and the repeated forms share: the question's buttons, the
language of a stored choice, and the check that a dialogue button is still current."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import CallbackQuery, Chat, Message, User
from aiogram.utils.i18n import I18n

from bot.app import LOCALES_DIR
from bot.languages import LanguageService
from bot.screens import Screen
from dialogs.model import Option, Question, QuestionKind
from dialogs.options import button_options
from handlers import question_view
from handlers.dialogue import dialogue_message
from handlers.states import FollowupDialogue


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = I18n(path=LOCALES_DIR, default_locale="en", domain="messages")
    with i18n.context(), i18n.use_locale("en"):
        yield


def _pick(value: str) -> str:
    return f"tpk:{value}"


def _control(action: question_view.Control) -> str:
    return f"tct:{action.value}"


def _screen(
    question: Question, options: list[Option], selected: list[str], *, back: bool
) -> Screen:
    return question_view.question_screen(
        question, "text", options, selected, can_go_back=back, pick=_pick, control=_control
    )


def _rows(question: Question, selected: list[str], *, back: bool) -> list[list[str]]:
    screen = _screen(question, button_options(question), selected, back=back)
    assert screen.rows
    return [[str(button.data) for button in row] for row in screen.rows]


def test_a_multi_choice_marks_the_chosen_and_ends_with_done_skip_back() -> None:
    options = [Option(value=v, label=v) for v in ("a", "b", "c", "d")]
    question = Question(
        key="q", kind=QuestionKind.MULTI_CHOICE, text="Q", options=options, required=False
    )
    screen = _screen(question, options, ["b"], back=True)
    labels = [[button.text for button in row] for row in screen.rows]
    assert labels == [["a", "✓ b"], ["c", "d"], ["Done", "Skip", "← Back"]]
    assert screen.rows[2][0].data == "tct:done"


def test_a_scale_puts_up_to_six_points_a_row_and_a_single_choice_ignores_a_selection() -> None:
    scale = Question(key="s", kind=QuestionKind.SCALE, text="S", min_value=1, max_value=10)
    rows = _rows(scale, [], back=False)
    assert [len(row) for row in rows] == [6, 4]
    single = Question(
        key="c",
        kind=QuestionKind.SINGLE_CHOICE,
        text="C",
        options=[Option(value="x", label="x"), Option(value="y", label="y")],
    )
    screen = _screen(single, button_options(single), ["x"], back=False)
    assert [b.text for b in screen.rows[0]] == ["x", "y"]


def test_an_odd_number_of_options_keeps_the_controls_on_their_own_row() -> None:
    options = [Option(value=v, label=v) for v in ("a", "b", "c")]
    question = Question(
        key="q", kind=QuestionKind.MULTI_CHOICE, text="Q", options=options, required=False
    )
    assert _rows(question, [], back=True) == [
        ["tpk:a", "tpk:b"],
        ["tpk:c"],
        ["tct:done", "tct:skip", "tct:back"],
    ]
    scale = Question(
        key="s", kind=QuestionKind.SCALE, text="S", min_value=0, max_value=10, required=False
    )
    assert [len(row) for row in _rows(scale, [], back=False)] == [6, 5, 1]


def test_a_typed_question_without_skip_or_back_has_no_keyboard() -> None:
    question = Question(key="t", kind=QuestionKind.SHORT_TEXT, text="T")
    assert _screen(question, [], [], back=False).rows == ()
    text = question_view.question_text(question, 2, 5, [], heading="<b>Form</b>")
    assert text.splitlines() == [
        "<b>Form</b>",
        "Question 2 of 5",
        "<b>T</b>",
        "Type your answer in a message.",
    ]


def test_a_stored_language_wins_when_supported_else_the_hint_else_the_default() -> None:
    languages = LanguageService(None, None, ("ru", "en"), "ru")  # type: ignore[arg-type]
    assert languages.from_stored("en") == "en"
    assert languages.from_stored("de") == "ru"
    assert languages.from_stored(None) == "ru"
    assert languages.from_stored(None, "en-GB") == "en"
    assert languages.from_stored("de", "en") == "en"


@pytest.mark.parametrize(
    ("state_set", "stored", "pressed", "current"),
    [
        (True, 7, 7, True),
        (True, 7, 8, False),  # a button of another meeting
        (False, 7, 7, False),  # the dialogue has ended
    ],
)
async def test_a_dialogue_button_is_current_only_in_its_step_and_for_its_object(
    state_set: bool, stored: int, pressed: int, current: bool
) -> None:
    user = User(id=5, is_bot=False, first_name="A")
    chat = Chat(id=5, type="private")
    message = Message(message_id=1, date=datetime.now(UTC), chat=chat, text="x")
    query = CallbackQuery(id="1", from_user=user, chat_instance="c", message=message, data="d")
    state = FSMContext(MemoryStorage(), StorageKey(bot_id=1, chat_id=5, user_id=5))
    if state_set:
        await state.set_state(FollowupDialogue.reason)
    await state.set_data({"meeting_id": stored})
    found = await dialogue_message(query, state, FollowupDialogue.reason, "meeting_id", pressed)
    assert (found is message) is current
