"""How participants, proposals and pairs are shown to people (HTML-escaped, translated)."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.matching.constraints import Violation
from dialogs.answer_display import format_answer
from dialogs.forms import FORM_TITLES, chosen_forms
from dialogs.mentee import mentee_questionnaire
from dialogs.mentor import mentor_form_answers
from dialogs.registry import get_questionnaire
from dialogs.tags import INTERESTS, MEETING_FORMATS, TIMES_OF_DAY, TOPICS, WEEKDAYS
from dialogs.workplace import workplace_text

FORM_TITLES_BY_CODE: dict[str, str] = {form.value: title for form, title in FORM_TITLES.items()}

_LABELS = {
    option.value: option.label
    for group in (TOPICS, INTERESTS, WEEKDAYS, TIMES_OF_DAY, MEETING_FORMATS)
    for option in group
}


def label(code: str) -> str:
    """A tag's name for people; a typed "other" answer arrives as its own text."""
    return _(_LABELS[code]) if code in _LABELS else code


def display_name(participant_id: int, answers: dict[str, Any]) -> str:
    name = answers.get("full_name")
    if isinstance(name, str) and name.strip():
        return name
    return _("Participant No. {id} (no name yet)").format(id=participant_id)


def withdrawn_name() -> str:
    """What stands for the side of a pair whose participant withdrew and was erased."""
    return _("participant withdrew consent")


def side_name(participant_id: int | None, answers: dict[int, dict[str, Any]]) -> str:
    """A side of a pair: the person's name, or the placeholder when they withdrew."""
    if participant_id is None:
        return withdrawn_name()
    return display_name(participant_id, answers.get(participant_id, {}))


def answer_line(role: str, key: str, answers: dict[str, Any]) -> str | None:
    if answers.get(key) is None:
        return None
    questionnaire = get_questionnaire(role)
    try:
        question = questionnaire.question(key)
    except KeyError:
        if role != "mentee":
            return None
        try:  # a student's course and discipline (dialogs/mentee.py)
            question = mentee_questionnaire(student=True).question(key)
        except KeyError:
            return None
    shown = format_answer(question, answers[key], _)
    return f"{quote(_(question.label or question.text))}: {quote(shown)}"


def _age(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def age_range_line(answers: dict[str, Any]) -> str | None:
    """The two age answers of a mentor as one range: «22–40», «от 22», «до 40»."""
    low, high = _age(answers.get("mentee_age_from")), _age(answers.get("mentee_age_to"))
    if low is not None and high is not None:
        return _("Mentees' age: {low}–{high}").format(low=low, high=high)
    if low is not None:
        return _("Mentees' age: from {low}").format(low=low)
    if high is not None:
        return _("Mentees' age: up to {high}").format(high=high)
    return None


# The place of work or study is one line made of two answers (see workplace_line).
WORKPLACE = "workplace"
MENTOR_PROFILE_KEYS = (
    WORKPLACE,
    "competencies",
    "subjects",
    "interests",
    "meeting_format",
    "days",
    "times",
    "experience",
)
MENTEE_PROFILE_KEYS = (
    "category",
    "class_course",
    "course",
    "request",
    "subject",
    "discipline",
    "interests",
    "meeting_format",
    "days",
    "times",
)


def workplace_line(answers: dict[str, Any]) -> str | None:
    """A mentor's place of work or study as one line: "organization, position", or the
    single answer of those who answered before the question was split."""
    shown = workplace_text(answers)
    if not shown:
        return None
    return _("Place of work or study: {place}").format(place=quote(shown))


def profile_lines(role: str, answers: dict[str, Any]) -> list[str]:
    keys = MENTOR_PROFILE_KEYS if role == "mentor" else MENTEE_PROFILE_KEYS
    lines: list[str] = []
    for key in keys:
        line = workplace_line(answers) if key == WORKPLACE else answer_line(role, key, answers)
        if line:
            lines.append(line)
    return lines


def contact_line(role: str, answers: dict[str, Any]) -> str | None:
    """The contact the person gave for the pair; shown only inside the pair."""
    for key in ("contact", "parent_contact"):
        line = answer_line(role, key, answers)
        if line:
            return line
    return None


def explanation(parts: list[dict[str, Any]]) -> str:
    """E.g. «запрос «подготовка к олимпиаде» ↔ компетенция «олимпиадная математика»; …»."""
    pieces: list[str] = []
    for part in parts:
        matched = [str(m) for m in part.get("matched", [])]
        kind = part.get("kind")
        if not matched and kind != "format":
            continue
        if kind == "request":
            links = []
            for item in matched:
                request, _sep, competency = item.partition("=")
                competency = competency or request
                if request == competency:
                    links.append(_("request and competency «{topic}»").format(topic=label(request)))
                else:
                    links.append(
                        _("request «{request}» ↔ competency «{competency}»").format(
                            request=label(request), competency=label(competency)
                        )
                    )
            pieces.append("; ".join(links))
        elif kind == "interests":
            pieces.append(
                _("shared interests: {items}").format(items=", ".join(label(m) for m in matched))
            )
        elif kind == "schedule":
            pieces.append(
                _("both are free: {items}").format(items=", ".join(label(m) for m in matched))
            )
        elif kind == "format" and part.get("points", 0):
            pieces.append(_("the same meeting format"))
        elif kind == "preference":
            if set(matched) >= {"mentee", "mentor"}:
                pieces.append(_("they chose each other"))
            elif "mentee" in matched:
                pieces.append(_("the mentee chose this mentor"))
            elif "mentor" in matched:
                pieces.append(_("the mentor chose this mentee"))
    return quote("; ".join(p for p in pieces if p)) or _("no common points, only allowed")


def violation_text(violation: Violation | str) -> str:
    texts = {
        Violation.FORM: _("a different form of mentorship"),
        Violation.AGE: _("the mentee's age is outside the mentor's desired range"),
        Violation.NOT_OLDER: _("in the pupil–pupil form the mentor must be older"),
        Violation.SAME_PERSON: _("the same person"),
        Violation.REJECTED: _("this pair was rejected before"),
        Violation.ORGANIZATION: _("a different organization"),
        Violation.NO_CAPACITY: _("the mentor has no free places"),
    }
    try:
        return texts[Violation(violation)]
    except ValueError:
        return str(violation)


def form_names(forms: Any) -> dict[str, str]:
    """Form codes -> names people read, from the organization's forms (own forms by the
    title the curator typed)."""
    names: dict[str, str] = {}
    for form in forms:
        if form.title is not None:
            names[form.code] = form.title
        elif form.code in FORM_TITLES_BY_CODE:
            names[form.code] = _(FORM_TITLES_BY_CODE[form.code])
    return names


def mentor_forms_lines(answers: dict[str, Any], names: dict[str, str]) -> list[str]:
    """A mentor's forms of mentorship: one, or several each with its places and the mentees'
    ages (issue 14: asked per form)."""
    codes = chosen_forms(answers.get("form"))
    if not codes:
        return []
    if len(codes) == 1:
        return [_("Form of mentorship: {form}").format(form=quote(names.get(codes[0], codes[0])))]
    lines = [_("Forms of mentorship:")]
    for code in codes:
        per_form = mentor_form_answers(answers, code)
        parts = [quote(names.get(code, code))]
        if per_form.capacity is not None:
            parts.append(_("mentees at most: {count}").format(count=per_form.capacity))
        ages = age_range_line(
            {"mentee_age_from": per_form.age_from, "mentee_age_to": per_form.age_to}
        )
        if ages:
            parts.append(ages)
        lines.append("• " + "; ".join(parts))
    return lines
