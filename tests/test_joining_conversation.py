"""The joining conversation holds up: a second role is a choice, a waiting child is told what
is awaited, the parent names the child, the monitoring poll is offered, one form of address per
audience, progress that does not jump, and no live buttons under answered questions."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageReplyMarkup

from bot.models.invitations import InvitationRole
from handlers.questionnaire_views import Act, Pick
from jobs.monitoring_offers import remind_monitoring
from tests.inprocess import Harness, Sent
from tests.joining import (
    agree,
    answer_for,
    confirm,
    fill_questionnaire,
    guardian_token,
    invitation,
    organization,
    parent_consents,
    participant_id,
    share_phone,
    start_as_adult,
)

TEACHER, CHILD, TEEN, MOTHER, STRANGER = 3101, 3102, 3103, 3104, 3105


async def ready_adult(harness: Harness, user: int, role: str) -> int:
    org = await organization(harness)
    link = await invitation(harness, org, role)
    await start_as_adult(harness, user, link)
    pid = await participant_id(harness, user, link)
    await agree(harness, user, pid)
    await fill_questionnaire(harness, user, pid)
    await confirm(harness, user, pid)
    return pid


# --- 1. a second role ---------------------------------------------------------------------


async def test_a_mentor_opening_the_mentee_link_is_asked_first(harness: Harness) -> None:
    await ready_adult(harness, TEACHER, "mentor")
    org_id = (await harness.app.services.participants.of_user(TEACHER))[0].organization_id
    mentee_link = await harness.app.services.invitations.create(org_id, InvitationRole.MENTEE, 1)
    replies = await harness.send(TEACHER, f"/start {mentee_link.token}")
    question = replies[-1]
    assert "уже участвуете" in question.text and "как наставник" in question.text
    assert [t for t, _ in question.buttons] == ["Да, присоединиться как наставляемый", "Нет"]
    # «Нет» changes nothing.
    replies = await harness.press(TEACHER, question.data_of("Нет"))
    assert "ничего не меняю" in replies[-1].text
    assert len(await harness.app.services.participants.of_user(TEACHER)) == 1
    assert await harness.state_of(TEACHER) is None
    # «Да» goes on with the usual joining: the age, then the consent.
    await harness.send(TEACHER, f"/start {mentee_link.token}")
    replies = await harness.press(TEACHER, harness.session.sent[-1].data_of("Да"))
    assert "сколько вам лет" in replies[-1].text.lower()
    replies = await harness.press(TEACHER, "join1a:1")
    assert replies[-1].text.startswith("Согласие на обработку")
    roles = sorted(p.role for p in await harness.app.services.participants.of_user(TEACHER))
    assert roles == ["mentee", "mentor"]


async def test_a_mentee_opening_the_mentor_link_and_the_same_link_again(harness: Harness) -> None:
    pid = await ready_adult(harness, TEACHER, "mentee")
    participant = await harness.app.services.participants.get(pid)
    assert participant is not None
    org_id = participant.organization_id
    mentor_link = await harness.app.services.invitations.create(org_id, InvitationRole.MENTOR, 1)
    replies = await harness.send(TEACHER, f"/start {mentor_link.token}")
    assert "как наставляемый" in replies[-1].text
    assert replies[-1].buttons[0][0] == "Да, присоединиться как наставник"
    # The same-role link again keeps today's behaviour: "you already take part".
    same = await harness.app.services.invitations.create(org_id, InvitationRole.MENTEE, 1)
    replies = await harness.send(TEACHER, f"/start {same.token}")
    assert replies[-1].text.startswith("Вы уже участвуете в этой программе")
    assert len(await harness.app.services.participants.of_user(TEACHER)) == 1


# --- 2. a child waiting for the parent ----------------------------------------------------


async def child_waiting(harness: Harness) -> int:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(CHILD, f"/start {link.token}", first_name="Злата")
    await harness.press(CHILD, "join1a:0")
    await harness.send(CHILD, "12.03.2015")
    return await participant_id(harness, CHILD, link)


async def test_a_waiting_child_is_told_what_is_awaited_and_gets_the_link_again(
    harness: Harness,
) -> None:
    await child_waiting(harness)
    first = guardian_token(harness, CHILD)
    replies = await harness.send(CHILD, "привет, что дальше?")
    assert len(replies) == 1
    assert "Ждём согласия твоего родителя" in replies[0].text
    assert "командами и кнопками" not in replies[0].text
    # The same unused link is sent again.
    replies = await harness.press(CHILD, replies[0].data_of("ещё раз"))
    assert guardian_token(harness, CHILD) == first
    # Someone else opened it first without agreeing: a fresh link, the old one stops working.
    await harness.send(STRANGER, f"/start {first}")
    await harness.send(CHILD, "ну что там?")
    await harness.press(CHILD, harness.session.sent[-1].data_of("ещё раз"))
    fresh = guardian_token(harness, CHILD)
    assert fresh != first
    await parent_consents(harness, MOTHER, fresh)
    replies = await harness.send(CHILD, "а теперь?")
    assert not any("Ждём согласия" in r.text for r in replies)


async def test_a_teen_waiting_after_the_questionnaire_is_told_too(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(TEEN, f"/start {link.token}")
    await harness.press(TEEN, "join1a:0")
    await harness.send(TEEN, "01.03.2010")
    pid = await participant_id(harness, TEEN, link)
    await agree(harness, TEEN, pid)
    await fill_questionnaire(harness, TEEN, pid, adult=False)
    await confirm(harness, TEEN, pid)
    replies = await harness.send(TEEN, "когда будет наставник?")
    assert "Твоя анкета сохранена. Ждём согласия" in replies[-1].text
    assert replies[-1].buttons


# --- 3. the parent names the child ---------------------------------------------------------


async def test_the_parent_types_the_childs_full_name(harness: Harness) -> None:
    pid = await child_waiting(harness)
    token = guardian_token(harness, CHILD)
    await harness.send(MOTHER, f"/start {token}")
    await harness.send(MOTHER, "Петрова Анна Сергеевна")
    retry = await harness.send(MOTHER, "Злата123")
    assert "Не получилось распознать ФИО" in retry[-1].text
    retry = await harness.send(MOTHER, "Злата")
    assert "Не получилось распознать ФИО" in retry[-1].text
    await harness.send(MOTHER, "Иванова   Злата Сергеевна")
    await harness.press(MOTHER, "grd1r:mother")
    await share_phone(harness, MOTHER)
    consent = harness.session.sent[-1]
    assert (
        "на обработку персональных данных моего ребёнка (подопечного): "
        "Иванова Злата Сергеевна, дата рождения 12.03.2015" in consent.text
    )
    assert "несовершеннолетнего Злата" not in consent.text
    request_id = int(consent.data_of("Согласен").split(":")[1])
    await harness.press(MOTHER, f"grd1c:{request_id}:1")
    stored = await harness.app.db.fetch_value(
        "SELECT child_name FROM guardian_requests WHERE participant_id = ?", (pid,)
    )
    assert stored == "Иванова Злата Сергеевна"
    replies = await harness.send(MOTHER, "/revoke")
    assert "Иванова Злата Сергеевна" in replies[-1].text


# --- 4. the monitoring poll is offered -----------------------------------------------------


async def test_the_monitoring_poll_is_offered_then_reminded_once(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await start_as_adult(harness, TEACHER, link)
    pid = await participant_id(harness, TEACHER, link)
    await agree(harness, TEACHER, pid)
    await fill_questionnaire(harness, TEACHER, pid)
    replies = await confirm(harness, TEACHER, pid)
    # One message ends the joining: it says so, gives the reason and the button.
    assert len(replies) == 1
    assert "вы вступили в программу" in replies[0].text
    assert "около двух минут" in replies[0].text
    assert [t for t, _ in replies[0].buttons] == ["Начать"]
    assert await harness.app.db.fetch_value("SELECT count(*) FROM responses") == 0
    app = harness.app
    await remind_monitoring(app.services)
    assert harness.session.answers(TEACHER)[-1] is replies[0]  # not yet: a day has not passed
    harness.clock.advance(timedelta(days=1, minutes=1))
    await remind_monitoring(app.services)
    reminder = harness.session.answers(TEACHER)[-1]
    assert reminder.text.startswith("Напоминаем") and reminder.buttons
    harness.clock.advance(timedelta(days=3))
    await remind_monitoring(app.services)
    assert harness.session.answers(TEACHER)[-1] is reminder  # only one reminder
    replies = await harness.press(TEACHER, reminder.data_of("Начать"))
    assert "Вопрос 1 из" in replies[-1].text
    assert await harness.app.db.fetch_value("SELECT count(*) FROM responses") == 1


async def test_no_reminder_for_who_started_the_poll(harness: Harness) -> None:
    await ready_adult(harness, TEACHER, "mentee")
    offer = harness.session.answers(TEACHER)[-1]
    await harness.press(TEACHER, offer.data_of("Начать"))
    count = len(harness.session.sent)
    harness.clock.advance(timedelta(days=2))
    await remind_monitoring(harness.app.services)
    assert len(harness.session.sent) == count


# --- 5. one form of address per audience ---------------------------------------------------

FORMAL = re.compile(r"\b(вы|вас|вам|вами|ваш\w*)\b", re.IGNORECASE)
INFORMAL = re.compile(r"\b(ты|тебя|тебе|тобой|тво[йеёяию]\w*)\b", re.IGNORECASE)


def texts_to(harness: Harness, user: int, since: int) -> list[str]:
    return [s.text for s in harness.session.sent[since:] if s.chat_id == user]


async def test_a_minor_hears_ty_and_an_adult_hears_vy_everywhere(harness: Harness) -> None:
    org = await organization(harness)
    # A teen mentee: the age question itself comes before the age is known («вы»).
    link = await invitation(harness, org, "mentee")
    await harness.send(TEEN, f"/start {link.token}")
    start = len(harness.session.sent)
    await harness.press(TEEN, "join1a:0")
    await harness.send(TEEN, "01.03.2011")  # 15
    pid = await participant_id(harness, TEEN, link)
    await agree(harness, TEEN, pid)
    await fill_questionnaire(harness, TEEN, pid, adult=False)
    await harness.send(TEEN, "что-то не то")  # the summary's reminder to press a button
    offer = (await confirm(harness, TEEN, pid))[-1]
    await answer_the_poll(harness, TEEN, offer)
    for command in ("/profile", "/mydata", "/revoke"):
        await harness.send(TEEN, command)
    # The message with the parent's link is for the parent to read: «вы» there is right.
    minor = [t for t in texts_to(harness, TEEN, start) if "?start=" not in t]
    assert len(minor) > 20
    assert [t for t in minor if FORMAL.search(t)] == []
    assert any(INFORMAL.search(t) for t in minor)

    link = await invitation(harness, org, "mentor")
    await harness.send(TEACHER, f"/start {link.token}")
    start = len(harness.session.sent)
    await harness.press(TEACHER, "join1a:1")
    pid = await participant_id(harness, TEACHER, link)
    await agree(harness, TEACHER, pid)
    await fill_questionnaire(harness, TEACHER, pid)
    await harness.send(TEACHER, "что-то не то")
    offer = (await confirm(harness, TEACHER, pid))[-1]
    await answer_the_poll(harness, TEACHER, offer)
    for command in ("/profile", "/mydata", "/revoke"):
        await harness.send(TEACHER, command)
    adult = texts_to(harness, TEACHER, start)
    assert len(adult) > 20
    assert [t for t in adult if INFORMAL.search(t)] == []
    assert any(FORMAL.search(t) for t in adult)


async def answer_the_poll(harness: Harness, user: int, offer: Sent) -> None:
    replies = await harness.press(user, offer.data_of("Начать"))
    for _ in range(20):
        question = replies[-1]
        if not question.buttons:
            replies = await harness.send(user, "3")
        else:
            replies = await harness.press(user, question.buttons[0][1])
        if "Спасибо" in replies[-1].text:
            return
    raise AssertionError("the poll did not end")


# --- 6. progress that neither jumps nor grows ----------------------------------------------

PROGRESS = re.compile(r"Вопрос (\d+) из (\d+)")


async def test_progress_over_a_whole_questionnaire_with_skip_and_back(harness: Harness) -> None:
    """A child's questionnaire: the date of birth is filled in by the bot, a pupil gets the
    class question, «school subject» opens one more question, a skip and a back on the way."""
    pid = await child_waiting(harness)
    await parent_consents(harness, MOTHER, guardian_token(harness, CHILD))
    start = len(harness.session.sent)
    await harness.send(CHILD, "/start")
    questionnaires = harness.app.services.questionnaires
    went_back = skipped = False
    for _ in range(40):
        step = await questionnaires.step(pid)
        question = step.question
        if question is None:
            break
        if not question.required and not skipped:
            skipped = True
            await harness.press(CHILD, Act(p=pid, a="skip", k=question.key).pack())
        elif question.key == "request":
            await harness.press(CHILD, Pick(p=pid, k=question.key, v="school_subject").pack())
            await harness.press(CHILD, Act(p=pid, a="done", k=question.key).pack())
        elif question.key == "interests" and not went_back:
            went_back = True
            await harness.press(CHILD, Act(p=pid, a="back", k=question.key).pack())
        elif question.options:
            value = step.options[0].value if question.key != "category" else "pupil"
            await harness.press(CHILD, Pick(p=pid, k=question.key, v=value).pack())
            if question.kind == "multi_choice":
                await harness.press(CHILD, Act(p=pid, a="done", k=question.key).pack())
        else:
            await harness.send(CHILD, answer_for(question, step.answers, adult=False))
    assert went_back and skipped
    shown = [
        (int(m.group(1)), int(m.group(2)))
        for s in harness.session.sent[start:]
        if s.chat_id == CHILD and (m := PROGRESS.search(s.text))
    ]
    assert shown[0][0] == 1
    assert len({total for _, total in shown}) == 1  # the total never changes
    for (before, _), (after, _) in itertools.pairwise(shown):
        assert after in (before + 1, before - 1), shown  # one step on, or one back
    assert [b - a for (a, _), (b, _) in itertools.pairwise(shown)].count(-1) == 1
    asked = [s.text for s in harness.session.sent[start:] if s.chat_id == CHILD]
    assert any("школьным предметом" in t for t in asked)


# --- 7. no live buttons under answered questions -------------------------------------------


async def test_a_typed_answer_takes_the_buttons_off_its_question(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await start_as_adult(harness, TEACHER, link)
    pid = await participant_id(harness, TEACHER, link)
    await agree(harness, TEACHER, pid)
    questionnaires = harness.app.services.questionnaires
    # Up to a typed question that has buttons (back, or skip).
    for _ in range(20):
        step = await questionnaires.step(pid)
        assert step.question is not None
        asked = harness.session.answers(TEACHER)[-1]
        if step.question.kind in ("short_text", "long_text", "number") and asked.buttons:
            break
        await fill_one(harness, pid)
    calls = len(harness.session.calls)
    await harness.send(TEACHER, answer_for(step.question, step.answers, adult=True))
    edits = [c for c in harness.session.calls[calls:] if isinstance(c, EditMessageReplyMarkup)]
    assert [(e.message_id, e.reply_markup) for e in edits] == [(asked.message_id, None)]


async def test_a_refused_edit_does_not_lose_the_answer(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await start_as_adult(harness, TEACHER, link)
    pid = await participant_id(harness, TEACHER, link)
    await agree(harness, TEACHER, pid)
    original = harness.session.make_request

    async def refusing(bot, method, timeout=None):  # type: ignore[no-untyped-def]
        if isinstance(method, EditMessageReplyMarkup):
            raise TelegramBadRequest(
                method=method, message="Bad Request: message to edit not found"
            )
        return await original(bot, method, timeout)

    harness.session.make_request = refusing  # type: ignore[method-assign]
    before = (await harness.app.services.questionnaires.step(pid)).question
    await fill_one(harness, pid)
    after = (await harness.app.services.questionnaires.step(pid)).question
    assert before is not None and after is not None and before.key != after.key
    assert "Вопрос 2 из" in harness.session.answers(TEACHER)[-1].text


async def fill_one(harness: Harness, pid: int) -> None:
    step = await harness.app.services.questionnaires.step(pid)
    question = step.question
    assert question is not None
    if step.options:
        await harness.press(TEACHER, Pick(p=pid, k=question.key, v=step.options[0].value).pack())
        if question.kind == "multi_choice":
            await harness.press(TEACHER, Act(p=pid, a="done", k=question.key).pack())
    else:
        await harness.send(TEACHER, answer_for(question, step.answers, adult=True))
