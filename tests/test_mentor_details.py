"""The mentor's details the reports need: an adult's year of birth (only the year, with a
sentence why, or "prefer not to say"), and the place of work as organization and position,
with the single answer given before the split still read everywhere."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from aiogram.utils.i18n import I18n
from openpyxl import load_workbook

from bot.app import LOCALES_DIR
from dialogs.ages import ages_from_birth_year
from dialogs.answer_display import format_answer
from dialogs.answers import AnswerError, ParsedAnswer, birth_year_bounds, parse_text, skip_answer
from dialogs.model import AGE_GROUP, Question, QuestionKind, Questionnaire
from dialogs.navigation import (
    is_complete,
    next_question_key,
    previous_question_key,
    question_position,
    visible_answers,
    visible_questions,
)
from dialogs.registry import get_questionnaire
from dialogs.workplace import organization_of, workplace_text
from handlers import question_view
from handlers.people import profile_lines
from handlers.questionnaire_views import Act
from storage.repositories.participants import ParticipantRepository
from tests.cohort import choice, mentee_answers, mentor_answers, ready
from tests.inprocess import Harness, Sent
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

MENTOR = get_questionnaire("mentor")
YEAR = MENTOR.question("birth_year")
TODAY = date(2026, 3, 12)  # the harness clock's day
ADULT = {AGE_GROUP: "adult"}
TEEN = {AGE_GROUP: "teen"}
OLGA, PAVEL, MASHA, PETYA, TEENAGER = 101, 102, 201, 202, 301


@pytest.fixture
def english() -> Iterator[None]:
    i18n = I18n(path=LOCALES_DIR, default_locale="en", domain="messages")
    with i18n.context(), i18n.use_locale("en"):
        yield


# --- the year of birth -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "year"),
    [("1990", 1990), (" 1990 ", 1990), ("1990 г.", 1990), ("1990 год", 1990), ("1990г", 1990),
     ("12.03.1990", 1990), ("12 марта 1990", 1990), ("2008", 2008), ("1926", 1926)],
)  # fmt: skip
def test_a_year_of_birth_is_read(typed: str, year: int) -> None:
    # A whole date typed out of habit keeps only its year.
    assert parse_text(YEAR, typed, today=TODAY) == ParsedAnswer(year)


@pytest.mark.parametrize("typed", ["девяностый", "90", "19901", "1 9 9 0", "-1990", "год", ""])
def test_nonsense_gets_a_friendly_word(typed: str) -> None:
    result = parse_text(YEAR, typed, today=TODAY)
    assert isinstance(result, AnswerError)
    expected = "Please type the year of birth with four digits, for example: 1990."
    assert result.render(str) == expected


@pytest.mark.parametrize("typed", ["2009", "2026", "2040", "1925", "1066"])
def test_a_year_out_of_range_is_explained(typed: str) -> None:
    result = parse_text(YEAR, typed, today=TODAY)
    assert isinstance(result, AnswerError)
    # An adult is 18 this year at the youngest and 100 at the oldest.
    assert result.render(str) == "Please check the year of birth: it should be from 1926 to 2008."


def test_the_ages_a_year_of_birth_allows() -> None:
    # Born in 2007: 18 until the birthday in 2026, 19 after it; either way aged 15-19.
    assert ages_from_birth_year(2007, TODAY) == (18, 19)
    # Born in 2006: 19 or 20, so whether aged 15-19 on this day is not known.
    assert ages_from_birth_year(2006, TODAY) == (19, 20)


def test_the_range_follows_the_clocks_year() -> None:
    assert birth_year_bounds(YEAR, TODAY) == (1926, 2008)
    assert birth_year_bounds(YEAR, date(2031, 1, 1)) == (1931, 2013)
    assert parse_text(YEAR, "2013", today=date(2031, 1, 1)) == ParsedAnswer(2013)


@pytest.mark.usefixtures("english")
def test_prefer_not_to_say() -> None:
    assert not YEAR.required
    assert skip_answer(YEAR) == ParsedAnswer(None)
    assert format_answer(YEAR, None, str) == "Prefer not to say"
    assert format_answer(YEAR, 1990, str) == "1990"
    screen = question_view.question_screen(
        YEAR, "text", [], [], can_go_back=True, pick=str, control=str
    )
    assert [b.text for row in screen.rows for b in row] == ["Prefer not to say", "← Back"]
    text = question_view.question_text(YEAR, 2, 19, [])
    assert "only the year is asked" in text and "Type your answer in a message." in text


def test_only_adults_are_asked_the_year() -> None:
    assert "birth_year" in [q.key for q in visible_questions(MENTOR, {}, ADULT)]
    # A minor gave the whole date of birth when joining.
    assert "birth_year" not in [q.key for q in visible_questions(MENTOR, {}, TEEN)]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Question(key="y", kind=QuestionKind.BIRTH_YEAR, text="T"),
        lambda: Question(key="y", kind=QuestionKind.BIRTH_YEAR, text="T", min_age_years=18),
        lambda: Question(
            key="y", kind=QuestionKind.BIRTH_YEAR, text="T", min_age_years=20, max_age_years=18
        ),
        lambda: Question(
            key="y", kind=QuestionKind.BIRTH_YEAR, text="T", min_age_years=18, max_age_years=99,
            not_in_future=True,
        ),
        lambda: Question(key="t", kind=QuestionKind.SHORT_TEXT, text="T", skip_label="S"),
        lambda: Question(
            key="t", kind=QuestionKind.SHORT_TEXT, text="T", replaced_by=("u",), required=True
        ),
        lambda: Questionnaire(key="q", title="T", intro="I", questions=[
            Question(key="t", kind=QuestionKind.SHORT_TEXT, text="T", replaced_by=("zzz",),
                     required=False),
        ]),
    ],
)  # fmt: skip
def test_broken_definitions_raise(build: Any) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        build()


# --- the place of work: two questions, the old single answer read -------------------------------

ANSWERED: dict[str, object] = {
    key: "x" for key in ("full_name", "contact", "competencies", "achievements", "interests")
}


def test_workplace_text_and_organization() -> None:
    new = {"workplace_org": "ООО «Ромашка»", "workplace_position": " инженер "}
    assert workplace_text(new) == "ООО «Ромашка», инженер"
    assert organization_of(new) == "ООО «Ромашка»"
    old = {"workplace": "Колледж,  3 курс"}
    assert workplace_text(old) == "Колледж, 3 курс"
    assert organization_of(old) == "Колледж"
    assert organization_of({"workplace": "Завод"}) == "Завод"
    # The new answers win over an old one still stored.
    assert workplace_text({**old, **new}) == "ООО «Ромашка», инженер"
    assert workplace_text({}) == "" and organization_of({}) is None
    assert workplace_text({"workplace_org": "Школа"}) == "Школа"


def test_a_mentor_who_answered_before_the_split_is_asked_the_two_questions() -> None:
    answers: dict[str, object] = {"full_name": "x", "birth_year": None, "contact": None,
                                  "workplace": "Школа № 5, учитель"}  # fmt: skip
    keys = [q.key for q in visible_questions(MENTOR, answers, ADULT)]
    assert keys[:6] == [
        "full_name", "birth_year", "contact", "workplace", "workplace_org", "workplace_position",
    ]  # fmt: skip
    assert next_question_key(MENTOR, answers, ADULT, None) == "workplace_org"
    # The retired question is never asked again, not even by «Back».
    assert previous_question_key(MENTOR, answers, ADULT, "workplace_org") == "contact"
    assert question_position(MENTOR, answers, ADULT, "workplace_org") == (4, 19)
    answers["workplace_org"] = "Школа № 5"
    assert visible_answers(MENTOR, answers, ADULT)["workplace"] == "Школа № 5, учитель"
    answers["workplace_position"] = "учитель"
    # Both answered: the old one is no longer shown and the runner deletes it.
    assert "workplace" not in [q.key for q in visible_questions(MENTOR, answers, ADULT)]
    assert "workplace" not in visible_answers(MENTOR, answers, ADULT)


def test_a_new_mentor_never_sees_the_old_question() -> None:
    keys = [q.key for q in visible_questions(MENTOR, {}, ADULT)]
    assert "workplace" not in keys and {"workplace_org", "workplace_position"} <= set(keys)
    answers = {q.key: "x" for q in visible_questions(MENTOR, {}, ADULT)}
    answers |= {"birth_year": 1990, "mentee_age_from": 10, "mentee_age_to": 12}
    assert is_complete(MENTOR, answers, ADULT)
    assert not is_complete(MENTOR, {**answers, "workplace_position": None}, ADULT)


@pytest.mark.usefixtures("english")
def test_the_matching_card_shows_the_place_either_way() -> None:
    answers = {"workplace_org": "ООО «Ромашка»", "workplace_position": "инженер"}
    new = profile_lines("mentor", answers)
    assert new[0] == "Place of work or study: ООО «Ромашка», инженер"
    old = profile_lines("mentor", {"workplace": "Колледж, 3 курс"})
    assert old[0] == "Place of work or study: Колледж, 3 курс"
    assert profile_lines("mentor", {}) == []


# --- in the chat ------------------------------------------------------------------------------


def last(replies: list[Sent]) -> Sent:
    assert replies
    return replies[-1]


async def joined_mentor(harness: Harness, user: int) -> int:
    org = await organization(harness)
    link = await invitation(harness, org, "mentor")
    await start_as_adult(harness, user, link)
    pid = await participant_id(harness, user, link)
    await agree(harness, user, pid)
    return pid


async def answers_of(harness: Harness, pid: int) -> dict[str, Any]:
    return await ParticipantRepository(harness.app.db).answers_of(pid)


async def test_an_adult_mentor_gives_the_year_and_the_place_in_two_answers(
    harness: Harness,
) -> None:
    pid = await joined_mentor(harness, OLGA)
    asked = last(await harness.send(OLGA, "Смирнова Ольга Викторовна"))
    assert "Вопрос 2 из" in asked.text and "Ваш год рождения" in asked.text
    assert "сколько молодых людей в возрасте от 15 до 19 лет стали наставниками" in asked.text
    assert "только год рождения" in asked.text
    assert [text for text, _data in asked.buttons] == ["Не хочу указывать", "← Назад"]

    for typed in ("девяностый", "90"):
        reply = last(await harness.send(OLGA, typed))
        assert reply.text == "Пожалуйста, напишите год рождения четырьмя цифрами, например: 1990."
    reply = last(await harness.send(OLGA, "2015"))
    assert reply.text == "Проверьте, пожалуйста, год рождения: он должен быть от 1926 до 2008."
    assert "birth_year" not in await answers_of(harness, pid)

    asked = last(await harness.send(OLGA, "1979 г."))
    assert "Вопрос 3 из" in asked.text
    assert (await answers_of(harness, pid))["birth_year"] == 1979
    await harness.press(OLGA, asked.data_of("Пропустить"))  # the contact
    asked = harness.session.answers(OLGA)[-1]
    assert "Где вы работаете или учитесь?" in asked.text
    assert "Должность — в следующем вопросе" in asked.text
    asked = last(await harness.send(OLGA, "ООО «Ромашка»"))
    assert "Ваша должность, класс или курс" in asked.text
    await harness.send(OLGA, "инженер-технолог")
    stored = await answers_of(harness, pid)
    assert stored["workplace_org"] == "ООО «Ромашка»"
    assert stored["workplace_position"] == "инженер-технолог"
    assert "workplace" not in stored


async def test_prefer_not_to_say_leaves_the_age_unknown(harness: Harness) -> None:
    pid = await joined_mentor(harness, OLGA)
    asked = last(await harness.send(OLGA, "Смирнова Ольга Викторовна"))
    after = last(await harness.press(OLGA, asked.data_of("Не хочу указывать")))
    assert "Вопрос 3 из" in after.text
    assert (await answers_of(harness, pid))["birth_year"] is None
    await fill_questionnaire(harness, OLGA, pid)
    await confirm(harness, OLGA, pid)
    profile = "\n".join(r.text for r in await harness.send(OLGA, "/profile"))
    assert "• Год рождения: Не хочу указывать" in profile
    assert "• Организация: Хочу помогать ребятам с олимпиадами" in profile


async def test_a_minor_mentor_is_not_asked_the_year(harness: Harness) -> None:
    org = await organization(harness)
    link = await invitation(harness, org, "mentor")
    await harness.send(TEENAGER, f"/start {link.token}")
    await harness.press(TEENAGER, "join1a:0")
    await harness.send(TEENAGER, "01.03.2010")
    pid = await participant_id(harness, TEENAGER, link)
    await agree(harness, TEENAGER, pid)
    step = await harness.app.services.questionnaires.step(pid)
    assert "birth_year" not in [q.key for q in step.visible()]
    asked = last(await harness.send(TEENAGER, "Петров Пётр"))
    assert "Вопрос 2 из" in asked.text and "год рождения" not in asked.text


async def test_an_old_answer_is_shown_until_the_two_questions_are_answered(
    harness: Harness,
) -> None:
    org = await organization(harness)
    old = mentor_answers("Павел Андреевич Котов", workplace="Колледж, мастер")
    pid = await ready(harness, org.id, PAVEL, "mentor", old)
    profile = "\n".join(r.text for r in await harness.send(PAVEL, "/profile"))
    assert "• Место работы или учёбы: Колледж, мастер" in profile
    # «Change answers»: the new questions come first; the old one is never asked.
    asked = last(await harness.press(PAVEL, Act(p=pid, a="open").pack()))
    assert "Где вы работаете или учитесь?" in asked.text
    await harness.send(PAVEL, "Политехнический колледж")
    assert (await answers_of(harness, pid))["workplace"] == "Колледж, мастер"
    summary = last(await harness.send(PAVEL, "мастер производственного обучения"))
    assert summary.text.startswith("Проверьте, пожалуйста, анкету")
    assert "Колледж, мастер" not in summary.text
    stored = await answers_of(harness, pid)
    assert "workplace" not in stored
    assert stored["workplace_org"] == "Политехнический колледж"


async def test_the_registers_show_organization_and_position_or_the_old_answer(
    harness: Harness,
) -> None:
    org = await organization(harness)
    services = harness.app.services
    olga = await ready(harness, org.id, OLGA, "mentor", mentor_answers(
        "Ольга Викторовна", workplace_org="ООО «Ромашка»", workplace_position="инженер",
        form=choice("employer_pupil"),
    ))  # fmt: skip
    pavel = await ready(harness, org.id, PAVEL, "mentor", mentor_answers(
        "Павел Андреевич", workplace="Колледж, мастер", form=choice("employer_pupil"),
    ))  # fmt: skip
    masha = await ready(harness, org.id, MASHA, "mentee", mentee_answers(
        "Маша Иванова", form=choice("employer_pupil"),
    ))  # fmt: skip
    petya = await ready(harness, org.id, PETYA, "mentee", mentee_answers(
        "Петя Сидоров", form=choice("employer_pupil"),
    ))  # fmt: skip
    for mentee, mentor in ((masha, olga), (petya, pavel)):
        assert await services.admission.admit(org.id, mentor, CURATOR) is None
        outcome = await services.pairing.assign_directly(org.id, mentee, mentor, force=True)
        assert outcome.pair is not None, outcome
    made = await services.exports.workbook(org.id, "ru")
    book = load_workbook(io.BytesIO(made.content))
    mentors = list(book["База наставников"].iter_rows(values_only=True))
    column = mentors[0].index("Место работы/ учебы наставника")
    places = {row[0]: row[column] for row in mentors[1:]}
    assert places == {"Ольга Викторовна": "ООО «Ромашка», инженер",
                      "Павел Андреевич": "Колледж, мастер"}  # fmt: skip
    mentees = list(book["База наставляемых"].iter_rows(values_only=True))
    column = mentees[0].index("Место работы/ учебы наставника")
    places = {row[1]: row[column] for row in mentees[1:]}
    assert places == {"Маша Иванова": "ООО «Ромашка», инженер",
                      "Петя Сидоров": "Колледж, мастер"}  # fmt: skip
