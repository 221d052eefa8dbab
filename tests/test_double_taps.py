"""A second press of a button whose first press took effect: one effect, the standard
"already done" answer to the press, no message sent again and no apology. Also: a typed
answer to a short-form question takes that question's buttons off."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.methods import EditMessageReplyMarkup

from dialogs.model import Question, QuestionKind
from handlers.outdated import already_done
from handlers.questionnaire_views import Act, ActKind, Pick, already_answered_text
from handlers.response_views import FormAction, FormPick
from handlers.responses import send_form
from tests.cohort import mentee_answers, ready
from tests.inprocess import Harness, Sent
from tests.joining import (
    agree,
    answer_for,
    confirm,
    fill_questionnaire,
    invitation,
    organization,
    participant_id,
    start_as_adult,
)

OLGA, MASHA = 101, 201
APOLOGY = "что-то пошло не так"
SAVED = "анкета сохранена"


def in_russian(harness: Harness, render: Callable[[], str]) -> str:
    with harness.app.i18n.context(), harness.app.i18n.use_locale("ru"):
        return render()


def last_notice(harness: Harness) -> str:
    return harness.session.callback_answers()[-1].text or ""


def no_apology(harness: Harness) -> None:
    assert not any(APOLOGY in s.text for s in harness.session.sent)


async def joining_mentor(harness: Harness) -> int:
    org = await organization(harness)
    link = await invitation(harness, org, "mentor")
    await start_as_adult(harness, OLGA, link)
    return await participant_id(harness, OLGA, link)


async def answer_until(harness: Harness, pid: int, wanted: Callable[[Question], bool]) -> Question:
    """Answer the questions in turn (typed ones by typing) until one is ``wanted``."""
    questionnaires = harness.app.services.questionnaires
    for _ in range(40):
        step = await questionnaires.step(pid)
        question = step.question
        assert question is not None, "no such question"
        if wanted(question):
            return question
        if question.kind == QuestionKind.MULTI_CHOICE:
            await harness.press(OLGA, Pick(p=pid, k=question.key, v=step.options[0].value).pack())
            await harness.press(OLGA, Act(p=pid, a=ActKind.DONE, k=question.key).pack())
        elif question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO):
            await harness.press(OLGA, Pick(p=pid, k=question.key, v=step.options[0].value).pack())
        else:
            await harness.send(OLGA, answer_for(question, step.answers, True))
    raise AssertionError("no such question")


async def twice(harness: Harness, data: str) -> tuple[list[Sent], list[Sent]]:
    return await harness.press(OLGA, data), await harness.press(OLGA, data)


async def test_a_second_press_of_agree_does_not_send_the_first_question_again(
    harness: Harness,
) -> None:
    pid = await joining_mentor(harness)
    first = await agree(harness, OLGA, pid)
    assert any("Вопрос 1 из" in s.text for s in first)
    second = await agree(harness, OLGA, pid)
    assert second == []
    assert last_notice(harness) == in_russian(harness, lambda: already_done(False))
    assert await harness.app.db.fetch_value("SELECT count(*) FROM consents") == 1
    no_apology(harness)


async def test_a_second_press_of_an_option_changes_nothing(harness: Harness) -> None:
    pid = await joining_mentor(harness)
    await agree(harness, OLGA, pid)
    question = await answer_until(harness, pid, lambda q: q.kind == QuestionKind.SINGLE_CHOICE)
    step = await harness.app.services.questionnaires.step(pid)
    first, second = await twice(
        harness, Pick(p=pid, k=question.key, v=step.options[0].value).pack()
    )
    assert first and second == []
    assert last_notice(harness) == in_russian(harness, already_answered_text)
    after = await harness.app.services.questionnaires.step(pid)
    assert after.question is not None and after.number == step.number + 1
    no_apology(harness)


async def test_a_second_press_of_done_skip_or_back_changes_nothing(harness: Harness) -> None:
    pid = await joining_mentor(harness)
    await agree(harness, OLGA, pid)
    questionnaires = harness.app.services.questionnaires
    # Skip: the optional contact after the name.
    question = await answer_until(harness, pid, lambda q: not q.required)
    number = (await questionnaires.step(pid)).number
    first, second = await twice(harness, Act(p=pid, a=ActKind.SKIP, k=question.key).pack())
    assert first and second == []
    assert (await questionnaires.step(pid)).number == number + 1
    # Back: from the question after the skipped one, to it, once.
    step = await questionnaires.step(pid)
    assert step.question is not None
    first, second = await twice(harness, Act(p=pid, a=ActKind.BACK, k=step.question.key).pack())
    assert first and second == []
    assert (await questionnaires.step(pid)).number == number
    # Done under a multi-choice.
    question = await answer_until(harness, pid, lambda q: q.kind == QuestionKind.MULTI_CHOICE)
    step = await questionnaires.step(pid)
    await harness.press(OLGA, Pick(p=pid, k=question.key, v=step.options[0].value).pack())
    first, second = await twice(harness, Act(p=pid, a=ActKind.DONE, k=question.key).pack())
    assert first and second == []
    assert last_notice(harness) == in_russian(harness, already_answered_text)
    assert (await questionnaires.step(pid)).number == step.number + 1
    no_apology(harness)


async def test_a_second_press_of_confirm_does_not_thank_again(harness: Harness) -> None:
    pid = await joining_mentor(harness)
    await agree(harness, OLGA, pid)
    await fill_questionnaire(harness, OLGA, pid)
    first = await confirm(harness, OLGA, pid)
    second = await confirm(harness, OLGA, pid)
    assert [SAVED in s.text for s in first].count(True) == 1
    assert second == []
    assert last_notice(harness) == in_russian(harness, lambda: already_done(False))
    assert sum(SAVED in s.text for s in harness.session.sent) == 1
    no_apology(harness)


async def test_the_save_changes_button_saves_once_too(harness: Harness) -> None:
    pid = await joining_mentor(harness)
    await agree(harness, OLGA, pid)
    await fill_questionnaire(harness, OLGA, pid)
    await confirm(harness, OLGA, pid)
    await harness.press(OLGA, Act(p=pid, a=ActKind.OPEN).pack())  # the summary again
    first = await confirm(harness, OLGA, pid)
    second = await confirm(harness, OLGA, pid)
    assert first and second == []
    no_apology(harness)


async def test_someone_elses_questionnaire_button_is_outdated(harness: Harness) -> None:
    pid = await joining_mentor(harness)
    await agree(harness, OLGA, pid)
    replies = await harness.press(MASHA, Act(p=pid, a=ActKind.SKIP, k="contact").pack())
    assert replies == []
    assert "устарела" in last_notice(harness)
    no_apology(harness)


async def feedback(harness: Harness) -> tuple[int, Sent]:
    org = await organization(harness)
    pid = await ready(harness, org.id, MASHA, "mentee", mentee_answers("Маша Иванова"))
    app = harness.app
    assert await send_form(app.services, MASHA, form="meeting_feedback",
                           participant_id=pid, subject="meeting:41")  # fmt: skip
    rid = int(await app.db.fetch_value("SELECT id FROM responses"))
    return rid, harness.session.answers(MASHA)[-1]


async def test_a_second_press_of_a_short_form_answer_changes_nothing(harness: Harness) -> None:
    rid, first_question = await feedback(harness)
    data = first_question.data_of("4")
    first = await harness.press(MASHA, data)
    second = await harness.press(MASHA, data)
    assert first and second == []
    assert last_notice(harness) == in_russian(harness, already_answered_text)
    answers = await harness.app.db.fetch_value("SELECT answers FROM responses WHERE id = ?", (rid,))
    assert answers == '{"usefulness": 4}'
    no_apology(harness)


async def test_a_typed_short_form_answer_takes_the_buttons_off_its_question(
    harness: Harness,
) -> None:
    _, first_question = await feedback(harness)
    await harness.press(MASHA, first_question.data_of("4"))
    topics = harness.session.answers(MASHA)[-1]
    skip = next(d for _, d in topics.buttons if FormPick.unpack(d).a == FormAction.SKIP)
    asked = (await harness.press(MASHA, skip))[-1]  # a question answered by typing
    assert any(FormPick.unpack(d).a == FormAction.SKIP for _, d in asked.buttons)
    harness.session.calls.clear()
    await harness.send(MASHA, "Решили олимпиадную задачу")
    dropped = [
        c
        for c in harness.session.calls
        if isinstance(c, EditMessageReplyMarkup) and c.message_id == asked.message_id
    ]
    assert len(dropped) == 1 and dropped[0].reply_markup is None
    no_apology(harness)
