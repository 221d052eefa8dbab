"""Joining from an invitation, consent first, the questionnaire, and the rights afterwards."""

from __future__ import annotations

import json

import pytest

from bot.participants import Status
from handlers.guardian_views import GuardianDecision, RelationChoice
from handlers.join_views import ConsentAnswer
from handlers.questionnaire_views import Act, Pick
from handlers.rights_views import RevokeDecision
from tests.inprocess import Harness
from tests.joining import (
    CURATOR,
    adult_in_questionnaire,
    agree,
    confirm,
    fill_questionnaire,
    guardian_token,
    invitation,
    organization,
    parent_consents,
    participant_id,
    start_as_adult,
)

MENTOR, CHILD, TEEN, MOTHER = 2001, 2002, 2003, 2004


async def test_an_adult_mentor_joins_and_completes_the_questionnaire(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentor")
    first = await harness.send(MENTOR, f"/start {link.token}")
    assert "«Школа № 5»" in first[0].text and "наставник" in first[0].text
    replies = await start_as_adult(harness, MENTOR, link)
    # The consent comes as its own message, with nothing else in it.
    consent = replies[-1]
    assert consent.text.startswith("Согласие на обработку персональных данных")
    assert "Школа № 5" in consent.text and "/revoke" in consent.text
    assert [t for t, _ in consent.buttons] == ["Согласен(на)", "Не согласен(на)"]
    pid = await participant_id(harness, MENTOR, link)
    assert await harness.app.db.fetch_value("SELECT count(*) FROM answers") == 0

    replies = await agree(harness, MENTOR, pid)
    assert any("Вопрос 1 из" in r.text for r in replies)
    await fill_questionnaire(harness, MENTOR, pid)
    summary = harness.session.sent[-1]
    assert "Проверьте, пожалуйста, анкету" in summary.text
    assert "Иванова Мария Петровна" in summary.text
    replies = await confirm(harness, MENTOR, pid)
    # The thank-you, then the monitoring form "before" (tests/test_responses.py).
    assert "анкета сохранена и передана куратору" in replies[0].text
    participant = await harness.app.services.participants.get(pid)
    assert participant is not None
    assert await harness.app.services.participants.status(participant) is Status.READY
    consent_row = await harness.app.db.fetch_one(
        "SELECT * FROM consents WHERE participant_id = ?", (pid,)
    )
    assert consent_row["kind"] == "self" and consent_row["given_by"] == MENTOR
    assert len(consent_row["text_sha256"]) == 64 and consent_row["text_version"]


async def test_the_consent_fingerprint_is_of_the_exact_text_shown(harness: Harness) -> None:
    import hashlib

    org = await organization(harness)
    link = await invitation(harness, org, "mentor")
    await harness.send(MENTOR, f"/start {link.token}")
    await start_as_adult(harness, MENTOR, link)
    pid = await participant_id(harness, MENTOR, link)
    await agree(harness, MENTOR, pid)
    row = await harness.app.db.fetch_one("SELECT text_sha256, locale FROM consents")
    # The text the user saw, rendered from the catalog in their language with the operator.
    from aiogram.utils.i18n import I18n

    i18n: I18n = harness.app.i18n
    with i18n.context(), i18n.use_locale(row["locale"]):
        from handlers.join_views import self_consent_text

        shown = self_consent_text("Школа № 5")
    assert row["text_sha256"] == hashlib.sha256(shown.encode()).hexdigest()


async def test_declining_keeps_only_an_anonymous_refusal(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await start_as_adult(harness, MENTOR, link)
    pid = await participant_id(harness, MENTOR, link)
    replies = await harness.press(MENTOR, ConsentAnswer(participant_id=pid, agree=False).pack())
    assert "это ваше право" in replies[-1].text
    assert await harness.app.db.fetch_value("SELECT count(*) FROM participants") == 0
    events = await harness.app.db.fetch_all("SELECT * FROM consent_events")
    assert [(e["role"], e["event"]) for e in events] == [("mentee", "declined")]
    assert MENTOR not in [v for e in events for v in tuple(e)]


async def test_a_twelve_year_old_waits_for_the_mother(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(CHILD, f"/start {link.token}", first_name="Петя")
    await harness.press(CHILD, "join1a:0")
    replies = await harness.send(CHILD, "12.03.2014")
    assert "Тебе меньше 14 лет" in replies[0].text
    assert "?start=" in replies[1].text
    pid = await participant_id(harness, CHILD, link)
    # No consent of the child's own is asked, and no questionnaire opens.
    assert not any("Согласие на обработку" in r.text for r in replies)
    token = guardian_token(harness, CHILD)
    # The child opening the link meant for the parent is told so.
    own = await harness.send(CHILD, f"/start {token}")
    assert "для твоего родителя" in own[-1].text

    await parent_consents(harness, MOTHER, token)
    to_child = [s for s in harness.session.sent if s.chat_id == CHILD][-1]
    assert "дал согласие" in to_child.text
    rep = await harness.app.db.fetch_one("SELECT * FROM consents WHERE participant_id = ?", (pid,))
    assert rep["kind"] == "representative" and rep["given_by"] == MOTHER
    assert rep["representative_name"] == "Петрова Анна Сергеевна"

    replies = await harness.send(CHILD, "/start")
    assert any("Вопрос 1 из" in r.text for r in replies)
    await fill_questionnaire(harness, CHILD, pid, adult=False)
    await confirm(harness, CHILD, pid)
    participant = await harness.app.services.participants.get(pid)
    assert participant is not None
    assert await harness.app.services.participants.status(participant) is Status.READY
    # The date of birth given at the start was filled in, not asked again.
    answers = await harness.app.db.fetch_all(
        "SELECT question, value FROM answers WHERE participant_id = ?", (pid,)
    )
    assert ("birth_date", '"2014-03-12"') in [tuple(a) for a in answers]


async def test_a_sixteen_year_old_fills_in_before_the_parent_answers(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(TEEN, f"/start {link.token}", first_name="Оля")
    await harness.press(TEEN, "join1a:0")
    replies = await harness.send(TEEN, "1 марта 2010")
    assert replies[-1].text.startswith("Согласие на обработку")
    pid = await participant_id(harness, TEEN, link)
    replies = await agree(harness, TEEN, pid)
    assert any("до подбора наставника согласие должен дать" in r.text for r in replies)
    await fill_questionnaire(harness, TEEN, pid, adult=False)
    replies = await confirm(harness, TEEN, pid)
    assert "как только твой родитель" in replies[0].text
    participant = await harness.app.services.participants.get(pid)
    assert participant is not None
    assert await harness.app.services.participants.status(participant) is Status.WAITING_GUARDIAN
    await parent_consents(harness, MOTHER, guardian_token(harness, TEEN))
    assert await harness.app.services.participants.status(participant) is Status.READY


async def test_a_parent_who_declines_deletes_the_childs_data(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(TEEN, f"/start {link.token}")
    await harness.press(TEEN, "join1a:0")
    await harness.send(TEEN, "01.03.2010")
    pid = await participant_id(harness, TEEN, link)
    await agree(harness, TEEN, pid)
    await harness.send(TEEN, "Сидорова Ольга")
    token = guardian_token(harness, TEEN)
    await harness.send(MOTHER, f"/start {token}")
    await harness.send(MOTHER, "Сидорова Анна Ивановна")
    await harness.press(MOTHER, RelationChoice(relation="guardian").pack())  # type: ignore[arg-type]
    await harness.press(MOTHER, GuardianDecision(request_id=1, agree=False).pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM participants") == 0
    assert await harness.app.db.fetch_value("SELECT count(*) FROM answers") == 0
    to_teen = [s for s in harness.session.sent if s.chat_id == TEEN][-1]
    assert "не дал согласие" in to_teen.text


async def test_the_guardian_link_works_for_one_person_only(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(CHILD, f"/start {link.token}")
    await harness.press(CHILD, "join1a:0")
    await harness.send(CHILD, "12.03.2014")
    token = guardian_token(harness, CHILD)
    await harness.send(MOTHER, f"/start {token}")
    stranger = await harness.send(9999, f"/start {token}")
    assert "уже открыл другой человек" in stranger[-1].text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12.03.2030", "Проверь, пожалуйста, дату"),  # said to be under 18: «ты»
        ("вчера", "12.03.2011"),
        ("12.03.20", "12.03.2011"),
        ("30.02.2012", "12.03.2011"),
    ],
)
async def test_a_wrong_date_of_birth_is_asked_again(
    harness: Harness, typed: str, expected: str
) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(TEEN, f"/start {link.token}")
    await harness.press(TEEN, "join1a:0")
    replies = await harness.send(TEEN, typed)
    assert expected in replies[-1].text
    assert await harness.app.db.fetch_value("SELECT count(*) FROM participants") == 0


async def test_under_ten_is_refused_kindly(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(CHILD, f"/start {link.token}")
    await harness.press(CHILD, "join1a:0")
    replies = await harness.send(CHILD, "12.03.2018")
    assert "с 10 лет" in replies[-1].text
    assert await harness.app.db.fetch_value("SELECT count(*) FROM participants") == 0


async def test_wrong_answers_are_explained_and_the_question_repeated(harness: Harness) -> None:
    pid = await adult_in_questionnaire(harness, MENTOR)
    questionnaires = harness.app.services.questionnaires
    seen: set[str] = set()
    for _ in range(40):
        step = await questionnaires.step(pid)
        question = step.question
        if question is None:
            break
        kind = question.kind.value
        if kind not in seen:
            seen.add(kind)
            if kind in ("number",):
                bad = await harness.send(MENTOR, "много")
                assert "целое число" in bad[-1].text
            elif kind in ("short_text", "long_text"):
                bad = await harness.send(MENTOR, "🙂")
                assert "словами" in bad[-1].text or "не меньше" in bad[-1].text
            elif kind in ("single_choice", "multi_choice"):
                bad = await harness.send(MENTOR, "первый вариант")
                assert "кнопк" in bad[-1].text
            photo = await harness.send_raw(
                MENTOR,
                {"photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]},
            )
            assert "текстом или кнопками" in photo[-1].text
            assert (await questionnaires.step(pid)).question == question
        await answer_one(harness, MENTOR, pid)
    assert {"short_text", "number", "single_choice", "multi_choice"} <= seen


async def answer_one(harness: Harness, user: int, pid: int) -> None:
    from tests.joining import answer_for

    step = await harness.app.services.questionnaires.step(pid)
    question = step.question
    assert question is not None
    if question.kind.value in ("single_choice", "yes_no", "scale"):
        await harness.press(user, Pick(p=pid, k=question.key, v=step.options[0].value).pack())
    elif question.kind.value == "multi_choice":
        await harness.press(user, Pick(p=pid, k=question.key, v=step.options[0].value).pack())
        await harness.press(user, Act(p=pid, a="done", k=question.key).pack())
    else:
        await harness.send(user, answer_for(question, step.answers, True))


async def test_back_skip_other_and_changing_from_the_summary(harness: Harness) -> None:
    pid = await adult_in_questionnaire(harness, MENTOR)
    q = harness.app.services.questionnaires
    await harness.send(MENTOR, "Смирнов Олег Игоревич")
    second = (await q.step(pid)).question
    assert second is not None
    await harness.press(MENTOR, Act(p=pid, a="back", k=second.key).pack())
    assert (await q.step(pid)).question.key == "full_name"  # type: ignore[union-attr]
    await harness.send(MENTOR, "Смирнов Олег")
    # Walk to the competencies (multi-choice with "other") and use "other".
    for _ in range(10):
        step = await q.step(pid)
        assert step.question is not None
        if step.question.kind.value == "multi_choice" and step.question.allow_other:
            break
        if not step.question.required:
            await harness.press(MENTOR, Act(p=pid, a="skip", k=step.question.key).pack())
        else:
            await answer_one(harness, MENTOR, pid)
    key = step.question.key
    await harness.press(MENTOR, Pick(p=pid, k=key, v=step.options[0].value).pack())
    await harness.press(MENTOR, Pick(p=pid, k=key, v="other").pack())
    await harness.send(MENTOR, "Шахматная композиция")
    stored = json.loads(
        await harness.app.db.fetch_value(
            "SELECT value FROM answers WHERE participant_id = ? AND question = ?", (pid, key)
        )
    )
    assert stored == {"choices": [step.options[0].value, "other"], "other": "Шахматная композиция"}
    await fill_questionnaire(harness, MENTOR, pid)
    await harness.press(MENTOR, Act(p=pid, a="edit", k="full_name").pack())
    await harness.send(MENTOR, "Смирнов Олег Петрович")
    summary = harness.session.sent[-1]
    assert "Смирнов Олег Петрович" in summary.text and "Проверьте" in summary.text


async def test_buttons_of_someone_else_change_nothing(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentor")
    await start_as_adult(harness, MENTOR, link)
    pid = await participant_id(harness, MENTOR, link)
    await harness.press(7777, ConsentAnswer(participant_id=pid, agree=True).pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM consents") == 0
    await agree(harness, MENTOR, pid)
    await harness.press(7777, Pick(p=pid, k="full_name", v="x").pack())
    await harness.press(7777, Act(p=pid, a="confirm").pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM answers") == 0
    assert "устарела" in (harness.session.callback_answers()[-1].text or "")


async def test_mydata_and_revoke(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentor")
    await start_as_adult(harness, MENTOR, link)
    pid = await participant_id(harness, MENTOR, link)
    await agree(harness, MENTOR, pid)
    await fill_questionnaire(harness, MENTOR, pid)
    await confirm(harness, MENTOR, pid)
    # Another participant whose data must not leak into the export.
    other = await invitation(harness, org, "mentor")
    await start_as_adult(harness, 4242, other)
    await agree(harness, 4242, await participant_id(harness, 4242, other))
    await harness.send(4242, "Чужой Человек Иванович")

    replies = await harness.send(MENTOR, "/mydata")
    assert "Все данные, которые я храню о вас" in replies[0].text
    assert "Иванова Мария Петровна" in "".join(r.text for r in replies)
    document = replies[-1]
    assert document.method == "sendDocument" and document.file
    export = json.loads(document.file)
    assert export["telegram_id"] == MENTOR
    assert export["participations"][0]["answers"]["full_name"] == "Иванова Мария Петровна"
    assert "Чужой" not in document.file.decode()
    assert "4242" not in document.file.decode()

    ask = await harness.send(MENTOR, "/revoke")
    assert "отзываете согласие" in ask[-1].text
    replies = await harness.press(MENTOR, RevokeDecision(confirm=True).pack())
    assert any("Согласие отозвано" in r.text for r in replies)
    to_curator = [r for r in replies if r.chat_id == CURATOR]
    assert to_curator and "Иванова Мария Петровна" in to_curator[0].text
    db = harness.app.db
    for table, column in [
        ("participants", "telegram_id"),
        ("consents", "given_by"),
        ("users", "telegram_id"),
        ("support_requests", "telegram_id"),
    ]:
        assert (
            await db.fetch_value(f"SELECT count(*) FROM {table} WHERE {column} = ?", (MENTOR,)) == 0
        )
    assert (
        await db.fetch_value("SELECT count(*) FROM answers WHERE participant_id = ?", (pid,)) == 0
    )
    rows = []
    for table in ("answers", "consents", "participants", "fsm_records", "guardian_requests"):
        rows += [str(tuple(row)) for row in await db.fetch_all(f"SELECT * FROM {table}")]
    dump = "\n".join(rows)
    assert "Иванова Мария" not in dump and str(MENTOR) not in dump
    assert (
        await db.fetch_value("SELECT count(*) FROM consent_events WHERE event = 'withdrawn'") == 1
    )


async def test_a_parent_withdraws_for_the_child(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(CHILD, f"/start {link.token}")
    await harness.press(CHILD, "join1a:0")
    await harness.send(CHILD, "12.03.2014")
    await parent_consents(harness, MOTHER, guardian_token(harness, CHILD))
    pid = await participant_id(harness, CHILD, link)
    await harness.send(CHILD, "/start")
    await harness.send(CHILD, "Петров Пётр Петрович")
    await harness.send(MOTHER, "/revoke")
    await harness.press(MOTHER, RevokeDecision(confirm=True).pack())
    assert await harness.app.services.participants.get(pid) is None
    assert await harness.app.db.fetch_value("SELECT count(*) FROM answers") == 0
    assert "отозвал согласие" in [s for s in harness.session.sent if s.chat_id == CHILD][-1].text


async def test_the_database_refuses_answers_without_consent(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(CHILD, f"/start {link.token}")
    await harness.press(CHILD, "join1a:0")
    await harness.send(CHILD, "12.03.2014")
    pid = await participant_id(harness, CHILD, link)
    with pytest.raises(Exception, match="needs a valid consent"):
        async with harness.app.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO answers (participant_id, question, value, answered_at) "
                "VALUES (?, 'full_name', '\"X\"', 'now')",
                (pid,),
            )
    # Even a consent of the child's own is not enough under 14.
    async with harness.app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO consents (participant_id, kind, given_by, text_version, text_sha256, "
            "locale, given_at) VALUES (?, 'self', ?, 'v', ?, 'ru', 'now')",
            (pid, CHILD, "0" * 64),
        )
    with pytest.raises(Exception, match="needs a valid consent"):
        async with harness.app.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO answers (participant_id, question, value, answered_at) "
                "VALUES (?, 'full_name', '\"X\"', 'now')",
                (pid,),
            )


async def test_the_curator_sees_candidates_by_status_and_a_pupil_does_not(
    harness: Harness,
) -> None:
    org = await organization(harness)
    mentor_link = await invitation(harness, org, "mentor")
    mentee_link = await invitation(harness, org, "mentee")
    await start_as_adult(harness, MENTOR, mentor_link)  # waiting for own consent
    await harness.send(CHILD, f"/start {mentee_link.token}")
    await harness.press(CHILD, "join1a:0")
    await harness.send(CHILD, "12.03.2014")  # waiting for a parent
    await start_as_adult(harness, 3003, mentee_link)
    pid = await participant_id(harness, 3003, mentee_link)
    await agree(harness, 3003, pid)
    await fill_questionnaire(harness, 3003, pid)
    await confirm(harness, 3003, pid)  # ready
    await start_as_adult(harness, 3004, mentee_link)
    await harness.press(3004, ConsentAnswer(participant_id=pid + 1, agree=False).pack())

    text = (await harness.send(CURATOR, "/candidates"))[0].text
    mentees, mentors = text.split("Наставники")
    # The curator reads about other people: no «ваше согласие» meant for the participant.
    assert "ждём согласия родителя (законного представителя): 1" in mentees
    assert "анкета заполнена: 1" in mentees
    assert "ждём согласия участника: 1" in mentors
    assert "ваше" not in text
    assert "Отказались: 1" in text
    assert "Иванова Мария Петровна — наставляемый, анкета заполнена" in text

    refused = await harness.send(CHILD, "/candidates")
    assert "куратор" in refused[0].text and "Иванова" not in refused[0].text


async def test_help_follows_the_role(harness: Harness) -> None:
    await organization(harness)
    curator_help = (await harness.send(CURATOR, "/help"))[0].text
    pupil_help = (await harness.send(CHILD, "/help"))[0].text
    assert "Вы куратор" in curator_help and "/candidates" in curator_help
    assert "/candidates" not in pupil_help and "/revoke" in pupil_help and "/mydata" in pupil_help


async def test_plain_start_for_a_participant_who_is_ready(harness: Harness) -> None:
    pid = await adult_in_questionnaire(harness, MENTOR)
    await fill_questionnaire(harness, MENTOR, pid)
    await confirm(harness, MENTOR, pid)
    reply = (await harness.send(MENTOR, "/start"))[0]
    assert "Вы участник программы наставничества" in reply.text and "/profile" in reply.text


async def test_cancel_names_the_dialogue_and_keeps_the_answers(harness: Harness) -> None:
    await adult_in_questionnaire(harness, MENTOR)
    await harness.send(MENTOR, "Соколова Анна Павловна")
    reply = (await harness.send(MENTOR, "/cancel"))[0].text
    assert "Остановлено: заполнение анкеты (данные ответы сохранены)" in reply
    resumed = await harness.send(MENTOR, "/start")
    assert "Вопрос 2 из" in resumed[-1].text
