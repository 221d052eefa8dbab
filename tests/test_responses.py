"""The short repeated forms: the service (answers kept as they arrive, restarts, completion,
outdated and foreign answers) and the runner (buttons, typed answers, hooks, monitoring)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import EditMessageReplyMarkup
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.clock import to_db
from bot.models.responses import Response
from bot.responses import FormRefused, FormStep, Outdated, ResponseService
from dialogs.answers import AnswerError
from handlers.address import you
from handlers.completion_hooks import CompletionHooks
from handlers.response_views import FormPick, thanks_text
from handlers.responses import send_form
from handlers.states import ResponseDialogue
from storage.repositories.participants import ParticipantRepository
from storage.repositories.responses import ResponseRepository
from tests.cohort import mentee_answers, mentor_answers, ready
from tests.inprocess import Harness, Sent, running_harness
from tests.joining import (
    CURATOR,
    agree,
    confirm,
    fill_questionnaire,
    invitation,
    organization,
    participant_id,
    start_as_adult,
)

MASHA, OLGA, STRANGER = 201, 101, 999
FEEDBACK = "meeting_feedback"
SUBJECT = "meeting:41"


async def mentee(harness: Harness) -> int:
    org = await organization(harness)
    return await ready(harness, org.id, MASHA, "mentee", mentee_answers("Маша Иванова"))


async def row(harness: Harness, response_id: int) -> dict[str, Any]:
    found = await harness.app.db.fetch_one("SELECT * FROM responses WHERE id = ?", (response_id,))
    assert found is not None
    return dict(found)


def stored(step: FormStep | AnswerError) -> FormStep:
    assert isinstance(step, FormStep), step
    return step


# -- the service -----------------------------------------------------------------------------


async def test_open_is_idempotent_and_starts_at_the_first_question(harness: Harness) -> None:
    pid = await mentee(harness)
    responses = harness.app.services.responses
    first = await responses.open(FEEDBACK, pid, SUBJECT)
    again = await responses.open(FEEDBACK, pid, SUBJECT)
    assert first.response.id == again.response.id
    assert await harness.app.db.fetch_value("SELECT count(*) FROM responses") == 1
    assert first.question is not None and first.question.key == "usefulness"
    assert (first.number, first.total) == (1, 5)
    assert [o.value for o in first.options] == ["1", "2", "3", "4", "5"]
    assert not first.completed and not first.can_go_back
    assert (await row(harness, first.response.id))["position"] == "usefulness"
    # Another subject is another response.
    other = await responses.open(FEEDBACK, pid, "meeting:42")
    assert other.response.id != first.response.id
    with pytest.raises(FormRefused):
        await responses.open("no_such_form", pid, SUBJECT)


async def test_answers_are_stored_as_they_arrive_and_survive_a_restart(harness: Harness) -> None:
    pid = await mentee(harness)
    responses = harness.app.services.responses
    rid = (await responses.open(FEEDBACK, pid, SUBJECT)).response.id

    step = stored(await responses.answer_choice(rid, "usefulness", "4"))
    assert step.question is not None and step.question.key == "worked_on"
    saved = await row(harness, rid)
    assert (saved["answers"], saved["position"]) == ('{"usefulness": 4}', "worked_on")

    # A new service over the same database (a restart) goes on from the same question.
    restarted = ResponseService(ResponseRepository(harness.app.db), harness.clock)
    step = await restarted.open(FEEDBACK, pid, SUBJECT)
    assert step.response.id == rid
    assert step.question is not None and step.question.key == "worked_on"
    selection = restarted.toggle(step, "worked_on", ["exams"], "olympiads")
    assert selection == ["olympiads", "exams"]  # in option order
    step = stored(await restarted.answer_choices(rid, "worked_on", selection))
    assert step.answers["worked_on"] == {"choices": ["olympiads", "exams"], "other": None}
    assert isinstance(await restarted.answer_text(rid, "went_well", "!!"), AnswerError)
    assert "went_well" not in (await restarted.step(rid)).answers
    step = stored(await restarted.answer_text(rid, "went_well", "  Разобрали две задачи  "))
    assert step.answers["went_well"] == "Разобрали две задачи"
    step = stored(await restarted.skip(rid, "to_change"))
    assert step.answers["to_change"] is None and not step.completed
    assert await restarted.answers_of(FEEDBACK, pid, SUBJECT) is None  # not completed yet
    assert [r.id for r in await restarted.pending_of(pid)] == [rid]

    harness.clock.advance(timedelta(minutes=3))
    done = stored(await restarted.skip(rid, "comment"))
    assert done.completed and done.just_completed and done.question is None
    saved = await row(harness, rid)
    assert saved["completed_at"] == to_db(harness.clock.now()) == saved["updated_at"]
    assert saved["position"] is None
    assert await restarted.answers_of(FEEDBACK, pid, SUBJECT) == {
        "usefulness": 4,
        "worked_on": {"choices": ["olympiads", "exams"], "other": None},
        "went_well": "Разобрали две задачи",
        "to_change": None,
        "comment": None,
    }
    assert [r.id for r in await restarted.completed(FEEDBACK, SUBJECT)] == [rid]
    assert await restarted.completed(FEEDBACK, "meeting:42") == []
    assert await restarted.pending_of(pid) == []
    # Opening it again returns the completed response and asks nothing.
    again = await restarted.open(FEEDBACK, pid, SUBJECT)
    assert again.completed and again.question is None and not again.just_completed


async def test_outdated_keys_and_required_questions(harness: Harness) -> None:
    pid = await mentee(harness)
    responses = harness.app.services.responses
    rid = (await responses.open(FEEDBACK, pid, SUBJECT)).response.id
    with pytest.raises(Outdated):
        await responses.answer_text(rid, "comment", "Ответ не на тот вопрос")
    error = await responses.skip(rid, "usefulness")
    assert isinstance(error, AnswerError)  # required
    assert isinstance(await responses.answer_choice(rid, "usefulness", "9"), AnswerError)
    assert isinstance(await responses.answer_text(rid, "usefulness", "пять"), AnswerError)
    assert (await row(harness, rid))["answers"] == "{}"
    stored(await responses.answer_text(rid, "usefulness", "5"))  # a typed point of the scale
    with pytest.raises(Outdated):  # the same question again (an old button)
        await responses.answer_choice(rid, "usefulness", "1")
    assert (await responses.step(rid)).answers == {"usefulness": 5}
    with pytest.raises(Outdated):
        await responses.step(rid + 100)


async def test_a_double_press_is_stored_once(harness: Harness) -> None:
    pid = await mentee(harness)
    responses = harness.app.services.responses
    rid = (await responses.open(FEEDBACK, pid, SUBJECT)).response.id
    results = await asyncio.gather(
        responses.answer_choice(rid, "usefulness", "2"),
        responses.answer_choice(rid, "usefulness", "5"),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Outdated) for r in results) == 1
    assert (await responses.step(rid)).question.key == "worked_on"  # type: ignore[union-attr]


async def test_back_returns_to_the_previous_question(harness: Harness) -> None:
    pid = await mentee(harness)
    responses = harness.app.services.responses
    rid = (await responses.open("compatibility", pid, SUBJECT)).response.id
    step = stored(await responses.answer_choice(rid, "comfortable", "rather_no"))
    assert step.can_go_back
    step = stored(await responses.back(rid, "understand_plan"))
    assert step.question is not None and step.question.key == "comfortable"
    assert step.answers == {"comfortable": {"choice": "rather_no", "other": None}}
    with pytest.raises(Outdated):  # the button of the question left
        await responses.answer_choice(rid, "understand_plan", "yes")
    step = stored(await responses.answer_choice(rid, "comfortable", "yes"))
    assert step.question is not None and step.question.key == "understand_plan"
    step = stored(await responses.answer_choice(rid, "understand_plan", "no"))
    done = stored(await responses.skip(rid, "for_curator"))
    assert done.just_completed
    assert done.answers == {
        "comfortable": {"choice": "yes", "other": None},
        "understand_plan": False,
        "for_curator": None,
    }
    with pytest.raises(Outdated):
        await responses.back(rid, "for_curator")


async def test_a_withdrawn_participant_gets_no_form(harness: Harness) -> None:
    pid = await mentee(harness)
    responses = harness.app.services.responses
    rid = (await responses.open(FEEDBACK, pid, SUBJECT)).response.id
    now = harness.clock.now()
    await ParticipantRepository(harness.app.db).delete(pid, "withdrawn", now.date(), now)
    with pytest.raises(FormRefused):
        await responses.open(FEEDBACK, pid, SUBJECT)
    with pytest.raises(Outdated):  # the answers went with the participant
        await responses.answer_choice(rid, "usefulness", "3")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM responses") == 0
    sent = await send_form(harness.app.services, MASHA, form=FEEDBACK, participant_id=pid,
        subject=SUBJECT,
    )  # fmt: skip
    assert sent is False
    assert harness.session.answers(MASHA) == []


# -- the runner ------------------------------------------------------------------------------


def markup_edits(harness: Harness) -> list[InlineKeyboardMarkup | None]:
    return [
        c.reply_markup  # type: ignore[misc]
        for c in harness.session.calls
        if isinstance(c, EditMessageReplyMarkup)
    ]


def buttons_of(markup: InlineKeyboardMarkup | None) -> list[tuple[str, str]]:
    assert markup is not None
    return [(b.text, b.callback_data or "") for line in markup.inline_keyboard for b in line]


def in_russian(harness: Harness, render: Any) -> str:
    with harness.app.i18n.context(), harness.app.i18n.use_locale("ru"):
        return str(render())


async def open_feedback(harness: Harness, pid: int) -> tuple[int, Sent]:
    # Called as a scheduler job calls it: outside any update, with the application's i18n.
    delivered = await send_form(harness.app.services, MASHA, form=FEEDBACK, participant_id=pid,
        subject=SUBJECT,
    )  # fmt: skip
    assert delivered is True
    rid = await harness.app.db.fetch_value("SELECT id FROM responses")
    return int(rid), harness.session.answers(MASHA)[-1]


async def test_a_feedback_form_through_buttons_and_typing(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[Response] = []

    async def remember(bot: Any, services: Any, response: Response) -> None:
        seen.append(response)

    async def broken(bot: Any, services: Any, response: Response) -> None:
        raise RuntimeError("a hook that fails")

    async def not_mine(bot: Any, services: Any, response: Response) -> None:
        raise AssertionError("a hook of another form must not run")

    # The application's hooks replaced by these, through the dispatcher's workflow data.
    hooks = CompletionHooks()
    hooks.register("meeting_", remember)
    hooks.register("meeting_feedback", broken)
    hooks.register("compatibility", not_mine)
    harness.app.dispatcher["completion_hooks"] = hooks

    pid = await mentee(harness)
    rid, first = await open_feedback(harness, pid)
    assert "1 — " in first.text and "5 — " in first.text  # the labelled ends of the scale
    assert [text for text, _ in first.buttons] == ["1", "2", "3", "4", "5"]
    assert first.data_of("4") == FormPick(r=rid, k="usefulness", a="p", v="4").pack()
    # Sent again (a second job run), the form is not opened twice.
    await send_form(harness.app.services, MASHA, form=FEEDBACK,
                    participant_id=pid, subject=SUBJECT)  # fmt: skip
    assert await harness.app.db.fetch_value("SELECT count(*) FROM responses") == 1

    replies = await harness.press(MASHA, first.data_of("4"))
    topics = replies[-1]
    assert (await row(harness, rid))["answers"] == '{"usefulness": 4}'
    # Toggles keep the selection in the buttons, not in any state.
    await harness.press(MASHA, _topic(topics, "olympiads"))
    toggled = buttons_of(markup_edits(harness)[-1])
    chosen = [FormPick.unpack(data).v for text, data in toggled if text.startswith("✓ ")]
    assert chosen == ["olympiads"]
    # Every button of the new keyboard carries the selection so far.
    olympiads_bit = 1 << _position(topics, "olympiads")
    assert {FormPick.unpack(data).s for _, data in toggled if FormPick.unpack(data).a in "pd"} == {
        olympiads_bit
    }
    exams = next(data for text, data in toggled if FormPick.unpack(data).v == "exams")
    await harness.press(MASHA, exams)
    toggled = buttons_of(markup_edits(harness)[-1])
    assert len([t for t, _ in toggled if t.startswith("✓ ")]) == 2
    done = next(data for _, data in toggled if FormPick.unpack(data).a == "d")
    replies = await harness.press(MASHA, done)
    answers = (await harness.app.services.responses.step(rid)).answers
    assert answers["worked_on"] == {"choices": ["olympiads", "exams"], "other": None}
    went_well = replies[-1]
    assert any(FormPick.unpack(d).a == "s" for _, d in went_well.buttons)  # optional: Skip
    assert any(FormPick.unpack(d).a == "b" for _, d in went_well.buttons)  # and Back

    # Typed text with no dialogue going on answers the open form's text question.
    assert await harness.state_of(MASHA) is None
    await harness.send(MASHA, "Решили олимпиадную задачу")
    answers = (await harness.app.services.responses.step(rid)).answers
    assert answers["went_well"] == "Решили олимпиадную задачу"
    replies = await harness.send(MASHA, "ы")  # too short: explained, nothing stored
    assert "2" in replies[-1].text and replies[-1].markup is None
    skip = next(d for _, d in harness.session.answers(MASHA)[-2].buttons
                if FormPick.unpack(d).a == "s")  # fmt: skip
    await harness.press(MASHA, skip)
    with caplog.at_level(logging.ERROR, logger="handlers.completion_hooks"):
        replies = await harness.send(MASHA, "Спасибо за встречу!")
    # Masha is a pupil (a minor): «ты».
    assert [r.text for r in replies] == [in_russian(harness, lambda: thanks_text(True))]
    done_row = await row(harness, rid)
    assert done_row["completed_at"] is not None
    assert [r.id for r in seen] == [rid] and seen[0].answers["comment"] == "Спасибо за встречу!"
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and "broken" in failures[0]
    assert not any("not_mine" in r.getMessage() for r in caplog.records)
    # The form is complete: new text is not taken, old buttons are refused.
    before = done_row["answers"]
    await harness.send(MASHA, "Ещё одна мысль")
    await harness.press(MASHA, first.data_of("2"))
    assert (await row(harness, rid))["answers"] == before
    assert harness.session.callback_answers()[-1].text
    again = await send_form(harness.app.services, MASHA, form=FEEDBACK,
                            participant_id=pid, subject=SUBJECT)  # fmt: skip
    assert again is False


def _position(sent: Sent, value: str) -> int:
    values = [FormPick.unpack(d).v for _, d in sent.buttons if FormPick.unpack(d).a == "p"]
    return [v for v in values if v != "other"].index(value)


def _topic(sent: Sent, value: str) -> str:
    return next(d for _, d in sent.buttons if FormPick.unpack(d).v == value)


async def test_text_of_another_dialogue_is_not_taken(harness: Harness) -> None:
    pid = await mentee(harness)
    rid, first = await open_feedback(harness, pid)
    await harness.press(MASHA, first.data_of("3"))
    topics = harness.session.answers(MASHA)[-1]
    await harness.press(MASHA, next(d for _, d in topics.buttons if FormPick.unpack(d).a == "s"))
    assert (await harness.app.services.responses.step(rid)).question.key == "went_well"  # type: ignore[union-attr]

    await harness.send(MASHA, "/support")
    assert await harness.state_of(MASHA) is not None
    await harness.send(MASHA, "Этот текст для поддержки, не для формы")
    assert "went_well" not in (await harness.app.services.responses.step(rid)).answers
    await harness.send(MASHA, "/cancel")
    await harness.send(MASHA, "А этот ответ для формы")
    assert (await harness.app.services.responses.step(rid)).answers["went_well"] == (
        "А этот ответ для формы"
    )


async def test_the_other_choice_asks_for_its_text(harness: Harness) -> None:
    pid = await mentee(harness)
    rid, first = await open_feedback(harness, pid)
    await harness.press(MASHA, first.data_of("5"))
    topics = harness.session.answers(MASHA)[-1]
    await harness.press(MASHA, _topic(topics, "sport"))
    toggled = buttons_of(markup_edits(harness)[-1])
    other = next(d for _, d in toggled if FormPick.unpack(d).v == "other")
    await harness.press(MASHA, other)
    assert await harness.state_of(MASHA) == ResponseDialogue.other.state
    await harness.send(MASHA, "Шахматная партия")
    assert await harness.state_of(MASHA) is None
    answers = (await harness.app.services.responses.step(rid)).answers
    assert answers["worked_on"] == {"choices": ["sport", "other"], "other": "Шахматная партия"}


async def test_forged_and_foreign_buttons_change_nothing(harness: Harness) -> None:
    pid = await mentee(harness)
    org_id = (await harness.app.services.participants.get(pid)).organization_id  # type: ignore[union-attr]
    await ready(harness, org_id, OLGA, "mentor", mentor_answers("Ольга Викторовна"))
    rid, first = await open_feedback(harness, pid)
    outdated = in_russian(
        harness, lambda: _("This button is outdated. Please use the latest message or /help.")
    )
    for user in (STRANGER, OLGA):
        await harness.press(user, first.data_of("5"))
        assert harness.session.callback_answers()[-1].text == outdated
    forged = [
        FormPick(r=rid, k="usefulness", a="p", v="77").pack(),
        f"rs1:{rid}:usefulness:z:1:0",  # an action no button has
        FormPick(r=rid, k="usefulness", a="s").pack(),
        FormPick(r=rid, k="comment", a="s").pack(),
        FormPick(r=rid + 1, k="usefulness", a="p", v="1").pack(),
        FormPick(r=rid, k="usefulness", a="d", s=2**40).pack(),
        FormPick(r=2**70, k="usefulness", a="p", v="1").pack(),
        FormPick(r=-rid, k="usefulness", a="p", v="1").pack(),
    ]
    for data in forged:
        await harness.press(MASHA, data)
        assert harness.session.callback_answers()[-1].text
    assert (await row(harness, rid))["answers"] == "{}"
    # A stranger's typing never reaches Masha's form.
    await harness.send(STRANGER, "5")
    assert (await row(harness, rid))["answers"] == "{}"


def test_every_button_of_every_form_fits_telegram() -> None:
    from dialogs.options import button_options
    from dialogs.registry import FORMS

    for form in FORMS.values():
        for question in form.questions:
            options = button_options(question)
            full = (1 << len(options)) - 1
            for option in options:
                packed = FormPick(r=10**12, k=question.key, a="p", v=option.value, s=full)
                assert len(packed.pack().encode()) <= 64, (form.key, question.key)


async def test_monitoring_before_is_sent_when_the_questionnaire_is_confirmed(
    harness: Harness,
) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    user = 3003
    await start_as_adult(harness, user, link)
    pid = await participant_id(harness, user, link)
    await agree(harness, user, pid)
    await fill_questionnaire(harness, user, pid)
    offer = (await confirm(harness, user, pid))[-1]
    # Offered with the last message of joining, opened only with «Начать».
    assert await harness.app.db.fetch_value("SELECT count(*) FROM responses") == 0
    replies = await harness.press(user, offer.data_of("Начать"))
    cycle = await harness.app.db.fetch_value("SELECT cycle_id FROM participants WHERE id = ?",
                                             (pid,))  # fmt: skip
    assert cycle is not None
    response = await harness.app.services.responses.get("monitoring_pupil", pid, f"before:{cycle}")
    assert response is not None and not response.completed
    assert FormPick.unpack(replies[-1].data_of("3")).r == response.id
    # Saving changes later does not send it again.
    await harness.press(user, replies[-1].data_of("3"))
    count = len(harness.session.sent)
    await confirm(harness, user, pid)
    assert not any(FormPick.__prefix__ in str(s.buttons) for s in harness.session.sent[count:])
    assert await harness.app.db.fetch_value("SELECT count(*) FROM responses") == 1


async def test_a_form_goes_only_to_its_participants_chat(harness: Harness) -> None:
    pid = await mentee(harness)
    # Sent to another person's chat, nothing is opened or sent.
    wrong = await send_form(harness.app.services, STRANGER, form=FEEDBACK,
                            participant_id=pid, subject=SUBJECT)  # fmt: skip
    assert wrong is False
    assert harness.session.answers(STRANGER) == []
    assert await harness.app.db.fetch_value("SELECT count(*) FROM responses") == 0


async def test_a_blocked_chat_is_marked_unreachable(harness: Harness) -> None:
    pid = await mentee(harness)
    harness.session.fail_chats.add(MASHA)
    sent = await send_form(harness.app.services, MASHA, form=FEEDBACK,
                           participant_id=pid, subject=SUBJECT)  # fmt: skip
    assert sent is False
    assert not await harness.app.services.announcements.mark_unreachable(MASHA)  # already was
    told = [s.text for s in harness.session.sent if s.chat_id == CURATOR]
    assert sum("Маша Иванова: бот заблокирован" in text for text in told) == 1
    # Known unreachable: the next form is not even tried (no request that earns a 403).
    tried = len(harness.session.calls)
    again = await send_form(harness.app.services, MASHA, form="final_mentee",
        participant_id=pid, subject="cycle:1",
    )  # fmt: skip
    assert again is False and len(harness.session.calls) == tried


async def test_typing_goes_to_the_form_asked_last(harness: Harness) -> None:
    pid = await mentee(harness)
    services = harness.app.services
    responses = services.responses
    feedback = (await responses.open(FEEDBACK, pid, SUBJECT)).response.id
    stored(await responses.answer_choice(feedback, "usefulness", "4"))
    stored(await responses.skip(feedback, "worked_on"))  # now at a text question
    harness.clock.advance(timedelta(minutes=1))
    await send_form(services, MASHA, form="final_mentee", participant_id=pid,
                    subject="cycle:1")  # fmt: skip
    final = await responses.get("final_mentee", pid, "cycle:1")
    assert final is not None
    await harness.send(MASHA, "7")  # the final poll's 0..10 scale takes a typed number
    assert (await responses.step(final.id)).answers == {"satisfaction": 7}
    assert "went_well" not in (await responses.step(feedback)).answers
    # Asked again later, the feedback form is the one typing answers.
    harness.clock.advance(timedelta(minutes=1))
    await send_form(services, MASHA, form=FEEDBACK, participant_id=pid,
                    subject=SUBJECT)  # fmt: skip
    # Masha is a pupil (a minor): «ты».
    resumed = in_russian(harness, lambda: you(True, "Let's go on from where you stopped."))
    assert resumed in harness.session.answers(MASHA)[-1].text
    await harness.send(MASHA, "Всё получилось")
    assert (await responses.step(feedback)).answers["went_well"] == "Всё получилось"
    # A choice question waiting for buttons does not take text: the fallback answers it.
    await harness.send(MASHA, "Привет")
    assert (await responses.step(final.id)).answers == {"satisfaction": 7}


async def test_a_refused_edit_of_the_buttons_does_not_lose_the_answer(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiogram.exceptions import TelegramBadRequest

    pid = await mentee(harness)
    rid, first = await open_feedback(harness, pid)
    original = harness.session.make_request

    async def refuse_edits(bot: Any, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, EditMessageReplyMarkup):
            raise TelegramBadRequest(method=method, message="Bad Request: message is not modified")
        return await original(bot, method, timeout)

    monkeypatch.setattr(harness.session, "make_request", refuse_edits)
    replies = await harness.press(MASHA, first.data_of("2"))
    assert (await row(harness, rid))["answers"] == '{"usefulness": 2}'
    assert any(FormPick.unpack(d).k == "worked_on" for _, d in replies[-1].buttons)


async def test_typed_answers_reach_the_form_after_a_restart(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as first:
        pid = await mentee(first)
        rid, question = await open_feedback(first, pid)
        await first.press(MASHA, question.data_of("5"))
        topics = first.session.answers(MASHA)[-1]
        await first.press(MASHA, next(d for _, d in topics.buttons if FormPick.unpack(d).a == "s"))
    # A new process over the same database: no FSM state was ever set for the form.
    async with running_harness(tmp_path) as second:
        assert await second.state_of(MASHA) is None
        await second.send(MASHA, "Договорились о плане")
        step = await second.app.services.responses.step(rid)
        assert step.answers["went_well"] == "Договорились о плане"
        assert step.question is not None and step.question.key == "to_change"
