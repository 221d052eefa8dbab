"""The two registers the methodology prescribes: the mentor base (приложение 2.2) and the mentee
base (приложение 2.3), as rows of plain values. Pure functions: no I/O, no Telegram.

The registers are documents of the Russian target model that a school hands upwards, so their
sheet names, column headers and the few words of their own (a representative, the mark of
completing) are the documents' Russian wording whatever the curator's language, and the answers
in them (forms, topics, interests) are shown through the Russian catalog (``ru``).

Column headers are copied from the reference text of the methodology. Appendix 2.3 is clean
there; the table of appendix 2.2 is a rotated table the text extraction garbled (each header
appears after the cut first letters of the others, and words are split by hyphenation, such as
"настав ника"), so its headers are the full-text column of that extraction with the hyphenation
undone and missing spaces restored ("учебынаставляемого" -> "учебы наставляемого"); it has no
"№ п/п" column in the source, unlike appendix 2.3, and none is added.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.models.exports import ExportPair, ExportParticipant
from dialogs.answer_display import format_answer
from dialogs.forms import FORM_TITLES, FederalForm, chosen_forms
from dialogs.mentee import mentee_questionnaire
from dialogs.mentor import mentor_form_answers
from dialogs.model import Option, Questionnaire
from dialogs.registry import get_questionnaire
from dialogs.workplace import workplace_text

Translate = Callable[[str], str]

STUDENT_MENTEE = mentee_questionnaire(student=True)

MENTOR_BASE_SHEET = "База наставников"
MENTEE_BASE_SHEET = "База наставляемых"

# Приложение 2.2 «Примерная форма базы наставников», in the document's order.
MENTOR_BASE_COLUMNS: tuple[str, ...] = (
    "ФИО наставника",
    "Контактные данные для связи",
    "Место работы/ учебы наставника",
    "Основные компетенции наставника",
    "Важные для программы достижения наставника",
    "Интересы наставника",
    "Желаемый возраст наставляемых",
    "Ресурс времени на программу наставничества",
    "Дата вхождения в программу",
    "ФИО наставляемого (наставляемых)",
    "Форма наставничества",
    "Место работы/ учебы наставляемого",
    "Дата завершения программы",
    "Результаты программы",
    "Ссылка на кейс/отзыв наставника, размещенные на сайте организации",
)

# Приложение 2.3 «Примерная форма базы наставляемых», in the document's order.
MENTEE_BASE_COLUMNS: tuple[str, ...] = (
    "№ п/п",
    "ФИО наставляемого",
    "Контактные данные для связи (данные представителя)",
    "Год рождения наставляемого",
    "Основной запрос наставляемого",
    "Дата вхождения в программу",
    "ФИО наставника",
    "Форма наставничества",
    "Место работы/ учебы наставника",
    "Дата завершения программы",
    "Результаты программы",
    "Ссылка на кейс/отзыв наставляемого, размещенные на сайте организации",
    "Отметка о прохождении программы",
)

# The registers' own words (Russian, as the documents are).
REPRESENTATIVE = "законный представитель"
GOOD_PRACTICE = "кейс пары отмечен куратором как лучшая практика"
PROGRAM_COMPLETED = "программа пройдена"
PROGRAM_ENDED_EARLY = "программа завершена досрочно"
# The other side of a pair whose participant withdrew the consent and was erased: the pair
# and the partner's row stay, the withdrawn person is named by this only.
WITHDRAWN_PARTICIPANT = "участник отозвал согласие"
AGE_RANGE = "от {low} до {high} {years}"
AGE_FROM = "от {low} {years}"
AGE_TO = "до {high} {years}"


def years_after_preposition(number: int) -> str:
    """«от 21 года», «до 40 лет»: after «от»/«до» the word is in the genitive, singular only
    for the numbers ending in 1 (but not 11)."""
    return "года" if number % 10 == 1 and number % 100 != 11 else "лет"


@dataclass(frozen=True)
class RegisterContext:
    """What every row needs besides the person: the organization and its forms."""

    organization_name: str
    form_titles: Mapping[str, str]  # code -> title already in the register's language
    local_date: Callable[[datetime], date]  # a stored UTC moment -> the organization's date


def form_title(code: str, own_titles: Mapping[str, str], translate: Translate) -> str:
    """A form's name: an own form's typed title, a federal one's translated name, else the code."""
    if code in own_titles:
        return own_titles[code]
    try:
        return translate(FORM_TITLES[FederalForm(code)])
    except ValueError:
        return code


def answer_text(
    questionnaire: Questionnaire,
    key: str,
    answers: Mapping[str, Any],
    translate: Translate,
    forms: Sequence[Option] = (),
) -> str:
    """An answer as the register shows it; an unanswered or skipped question is empty."""
    value = answers.get(key)
    if value is None:
        return ""
    try:
        question = questionnaire.question(key)
    except KeyError:
        return str(value)
    return format_answer(question, value, translate, forms or None)


def person_name(participant: ExportParticipant) -> str:
    name = participant.answers.get("full_name")
    return name.strip() if isinstance(name, str) and name.strip() else ""


def side_name(participant_id: int | None, names: Mapping[int, str]) -> str:
    """The other side of a pair in a register: the name, or the placeholder of a side who
    withdrew (the database emptied it)."""
    if participant_id is None:
        return WITHDRAWN_PARTICIPANT
    return names.get(participant_id, "")


def _side(
    participant_id: int | None, people: Mapping[int, ExportParticipant]
) -> ExportParticipant | None:
    return people.get(participant_id) if participant_id is not None else None


def _unique(items: Sequence[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


def _end_date(pairs: Sequence[ExportPair]) -> date | None:
    """The end of the person's programme: the last pair's end, once no pair is active."""
    if not pairs or any(pair.ended_on is None for pair in pairs):
        return None
    return max(pair.ended_on for pair in pairs if pair.ended_on is not None)


def _per_pair(
    pairs: Sequence[ExportPair],
    partner: Callable[[ExportPair], str],
    value: Callable[[ExportPair], str],
) -> str:
    """One line per pair that has a value; with several pairs, the partner's name leads."""
    lines: list[str] = []
    for pair in pairs:
        text = value(pair)
        if text:
            name = partner(pair)
            lines.append(f"{name}: {text}" if len(pairs) > 1 and name else text)
    return "\n".join(lines)


def _results(pair: ExportPair) -> str:
    return (pair.results or "").strip()


def _case(pair: ExportPair) -> str:
    return GOOD_PRACTICE if pair.good_practice else ""


def _lines(values: Sequence[str]) -> str:
    """Values of a person's pairs one per line, aligned with the partners' names."""
    return "\n".join(values) if any(values) else ""


def _forms_of(
    person: ExportParticipant,
    pairs: Sequence[ExportPair],
    context: RegisterContext,
    options: Sequence[Option],
    questionnaire: Questionnaire,
    translate: Translate,
) -> str:
    if pairs:
        return "\n".join(_unique([context.form_titles.get(p.form, p.form) for p in pairs]))
    return answer_text(questionnaire, "form", person.answers, translate, options)


def _mentee_place(mentee: ExportParticipant, context: RegisterContext) -> str:
    """A mentee studies or works in the organization; the class or course (a student's
    course and speciality) says where."""
    for key in ("class_course", "course"):
        course = mentee.answers.get(key)
        if isinstance(course, str) and course.strip():
            return f"{context.organization_name}, {course.strip()}"
    return context.organization_name


def _desired_age(answers: Mapping[str, Any], form: str | None = None) -> str:
    """The mentees' ages a mentor would like (in ``form``: a mentor in several forms says
    them per form)."""
    if form is not None:
        per_form = mentor_form_answers(answers, form)
        low, high = per_form.age_from, per_form.age_to
    else:
        low, high = answers.get("mentee_age_from"), answers.get("mentee_age_to")
    if isinstance(low, int) and isinstance(high, int):
        return AGE_RANGE.format(low=low, high=high, years=years_after_preposition(high))
    if isinstance(low, int):
        return AGE_FROM.format(low=low, years=years_after_preposition(low))
    if isinstance(high, int):
        return AGE_TO.format(high=high, years=years_after_preposition(high))
    return ""


def mentor_base_rows(
    mentors: Sequence[ExportParticipant],
    people: Mapping[int, ExportParticipant],
    pairs_of: Mapping[int, Sequence[ExportPair]],
    context: RegisterContext,
    translate: Translate,
) -> list[tuple[Any, ...]]:
    """One row per mentor; a mentor of a group lists the mentees one per line, and the
    mentees' places, results and cases follow in the same order."""
    questionnaire = get_questionnaire("mentor")
    options = [Option(value=code, label=title) for code, title in context.form_titles.items()]
    names = {pid: person_name(p) for pid, p in people.items()}

    def mentee_name(pair: ExportPair) -> str:
        return side_name(pair.mentee_id, names)

    rows: list[tuple[Any, ...]] = []
    for mentor in mentors:
        answers = mentor.answers
        all_pairs = pairs_of.get(mentor.id, ())
        competencies = answer_text(questionnaire, "competencies", answers, translate)
        subjects = answer_text(questionnaire, "subjects", answers, translate)
        for form, pairs in _by_form(answers, all_pairs):
            mentees = [_side(pair.mentee_id, people) for pair in pairs]
            rows.append(
                (
                    names[mentor.id],
                    answer_text(questionnaire, "contact", answers, translate),
                    workplace_text(answers),
                    "; ".join(part for part in (competencies, subjects) if part),
                    answer_text(questionnaire, "achievements", answers, translate),
                    answer_text(questionnaire, "interests", answers, translate),
                    _desired_age(answers, form),
                    answer_text(questionnaire, "time_resource", answers, translate),
                    context.local_date(mentor.joined_at),
                    _lines([mentee_name(pair) for pair in pairs]),
                    context.form_titles.get(form, form)
                    if form is not None
                    else _forms_of(mentor, pairs, context, options, questionnaire, translate),
                    _lines([_mentee_place(m, context) if m else "" for m in mentees]),
                    _end_date(pairs),
                    _per_pair(pairs, mentee_name, _results),
                    _per_pair(pairs, mentee_name, _case),
                )
            )
    return rows


def _by_form(
    answers: Mapping[str, Any], pairs: Sequence[ExportPair]
) -> list[tuple[str | None, Sequence[ExportPair]]]:
    """A mentor's rows of the base: one per form they mentor in (issue 14: a mentor in two
    forms is in the base in each, with that form's mentees and desired ages), the forms of
    their pairs first; a form they chose among several and have no pair in yet has a row
    without mentees. A mentor with no pairs and one form (or none) keeps one row whose form
    is their answer (``None`` here)."""
    chosen = chosen_forms(answers.get("form"))
    forms = list(dict.fromkeys(pair.form for pair in pairs))
    if len(chosen) > 1:
        forms += [code for code in chosen if code not in forms]
    if not forms:
        return [(None, pairs)]
    return [(form, [pair for pair in pairs if pair.form == form]) for form in forms]


def _mentee_contact(mentee: ExportParticipant) -> str:
    """An adult's own contact; for a minor, the representative's name and contact: the phone
    they shared with Telegram's contact button (Telegram vouches it is theirs), then the
    parent's contact the child typed in the questionnaire when it says something else."""
    own = mentee.answers.get("contact")
    parent = mentee.answers.get("parent_contact")
    if mentee.age_group == "adult":
        return own.strip() if isinstance(own, str) else ""
    parts: list[str] = []
    if mentee.representative_name:
        parts.append(f"{mentee.representative_name.strip()} ({REPRESENTATIVE})")
    if mentee.representative_phone:
        parts.append(mentee.representative_phone)
    if isinstance(parent, str) and parent.strip() and parent.strip() != mentee.representative_phone:
        parts.append(parent.strip())
    return ", ".join(parts)


def _birth_year(mentee: ExportParticipant) -> int | None:
    birth = mentee.answers.get("birth_date")
    if isinstance(birth, str):
        try:
            return date.fromisoformat(birth).year
        except ValueError:
            pass
    return mentee.birth_date.year if mentee.birth_date else None


def _completion_mark(pairs: Sequence[ExportPair]) -> str:
    if any(pair.completed for pair in pairs):
        return PROGRAM_COMPLETED
    if pairs and all(pair.ended_on is not None for pair in pairs):
        return PROGRAM_ENDED_EARLY
    return ""


def mentee_base_rows(
    mentees: Sequence[ExportParticipant],
    people: Mapping[int, ExportParticipant],
    pairs_of: Mapping[int, Sequence[ExportPair]],
    context: RegisterContext,
    translate: Translate,
) -> list[tuple[Any, ...]]:
    """One row per mentee, numbered; a mentee who had several pairs (one after another) lists
    the mentors one per line, with their places, results and cases in the same order."""
    questionnaire = get_questionnaire("mentee")
    options = [Option(value=code, label=title) for code, title in context.form_titles.items()]
    names = {pid: person_name(p) for pid, p in people.items()}

    def mentor_name(pair: ExportPair) -> str:
        return side_name(pair.mentor_id, names)

    rows: list[tuple[Any, ...]] = []
    for number, mentee in enumerate(mentees, start=1):
        answers = mentee.answers
        pairs = pairs_of.get(mentee.id, ())
        mentors = [_side(pair.mentor_id, people) for pair in pairs]
        request = answer_text(questionnaire, "request", answers, translate)
        subject = answer_text(questionnaire, "subject", answers, translate)
        # A student names a discipline instead of a school subject (dialogs/mentee.py).
        subject = subject or answer_text(STUDENT_MENTEE, "discipline", answers, translate)
        rows.append(
            (
                number,
                names[mentee.id],
                _mentee_contact(mentee),
                _birth_year(mentee),
                "; ".join(part for part in (request, subject) if part),
                context.local_date(mentee.joined_at),
                _lines([mentor_name(pair) for pair in pairs]),
                _forms_of(mentee, pairs, context, options, questionnaire, translate),
                _lines([workplace_text(m.answers) if m else "" for m in mentors]),
                _end_date(pairs),
                _per_pair(pairs, mentor_name, _results),
                _per_pair(pairs, mentor_name, _case),
                _completion_mark(pairs),
            )
        )
    return rows
