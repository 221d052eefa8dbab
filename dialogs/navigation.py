"""Navigating a questionnaire: which questions are shown for the answers given so far, which
comes next or before, how far along the person is, and when it is complete.

Pure functions: no I/O, no Telegram, and the date of today is passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from dialogs.ages import age_group
from dialogs.model import AGE_GROUP, Question, Questionnaire


def selected_values(value: object) -> set[str]:
    """The option values a stored choice answer includes (empty for anything else)."""
    if isinstance(value, Mapping):
        choice = value.get("choice")
        if isinstance(choice, str):
            return {choice}
        choices = value.get("choices")
        if isinstance(choices, list):
            return {item for item in choices if isinstance(item, str)}
    return set()


def visible_questions(
    questionnaire: Questionnaire, answers: Mapping[str, object], context: Mapping[str, str]
) -> list[Question]:
    """The questions shown for these answers and this context (``{"age_group": ...}``).

    A question whose ``show_if`` tests a hidden or unanswered question is hidden; one that
    tests ``age_group`` is hidden while the context has no age group. A retired question is
    shown only while it holds an answer given before and the questions that replace it are
    not all answered (its answer is then kept and shown, but never asked again).
    """
    shown: list[Question] = []
    shown_keys: set[str] = set()
    for question in questionnaire.questions:
        condition = question.show_if
        if question.retired:
            visible = _still_kept(question, answers)
        elif condition is None:
            visible = True
        elif condition.question == AGE_GROUP:
            visible = context.get(AGE_GROUP) in condition.any_of
        else:
            visible = condition.question in shown_keys and bool(
                selected_values(answers.get(condition.question)) & set(condition.any_of)
            )
        if visible:
            shown.append(question)
            shown_keys.add(question.key)
    return shown


def _still_kept(question: Question, answers: Mapping[str, object]) -> bool:
    """A retired question's earlier answer, until its replacements are all answered."""
    return answers.get(question.key) is not None and not all(
        answers.get(key) is not None for key in question.replaced_by
    )


def asked_questions(
    questionnaire: Questionnaire, answers: Mapping[str, object], context: Mapping[str, str]
) -> list[Question]:
    """The visible questions that are asked (and may be asked again): all but retired ones."""
    return [q for q in visible_questions(questionnaire, answers, context) if not q.retired]


def next_question_key(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    context: Mapping[str, str],
    after: str | None,
) -> str | None:
    """The first visible question after ``after`` (or from the start) without an entry.

    When none is left after it, an earlier visible question without an entry is returned
    (one that a later answer or the age group made visible), so ``None`` means every visible
    question has an entry. An ``after`` the questionnaire does not know counts as the start.
    """
    visible = visible_questions(questionnaire, answers, context)
    start = _position(questionnaire, after)
    later = [q for q in visible if start is not None and questionnaire.index(q.key) > start]
    for question in [*later, *visible]:
        if question.key not in answers:
            return question.key
    return None


def previous_question_key(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    context: Mapping[str, str],
    before: str | None,
) -> str | None:
    """The visible question just before ``before``; with ``None`` (the summary), the last one.

    ``None`` when ``before`` is the first visible question or is unknown. A retired question
    is stepped over: it is never asked again.
    """
    visible = asked_questions(questionnaire, answers, context)
    if before is None:
        return visible[-1].key if visible else None
    start = _position(questionnaire, before)
    if start is None:
        return None
    earlier = [q for q in visible if questionnaire.index(q.key) < start]
    return earlier[-1].key if earlier else None


def is_complete(
    questionnaire: Questionnaire, answers: Mapping[str, object], context: Mapping[str, str]
) -> bool:
    """Every visible required question has an answer that is not ``None``."""
    return all(
        answers.get(question.key) is not None
        for question in visible_questions(questionnaire, answers, context)
        if question.required
    )


def visible_answers(
    questionnaire: Questionnaire, answers: Mapping[str, object], context: Mapping[str, str]
) -> dict[str, object]:
    """The answers to keep: those of visible questions (a changed choice may hide others)."""
    keys = [q.key for q in visible_questions(questionnaire, answers, context)]
    return {key: answers[key] for key in keys if key in answers}


def question_position(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    context: Mapping[str, str],
    key: str,
    prefilled: Collection[str] = (),
) -> tuple[int, int]:
    """``(number, total)`` for "Question 3 of 14": progress that neither jumps nor grows.

    The number is the place of the question among the visible ones the person is asked
    (``prefilled`` ones, answered by the bot from what it already knows, are not counted), so
    it goes up by one with every answer or skip and down by one with "back". The total is the
    most questions this person can be asked, fixed up front: a question that depends on an
    answer counts as if it will be shown, one that depends on the age group only when the age
    group allows it. A branch that stays closed ends the questionnaire a little earlier
    instead of making the total grow half-way.
    """
    asked = [
        q.key for q in asked_questions(questionnaire, answers, context) if q.key not in prefilled
    ]
    number = asked.index(key) + 1 if key in asked else len(asked)
    return number, max(most_questions(questionnaire, context, prefilled), number)


def most_questions(
    questionnaire: Questionnaire, context: Mapping[str, str], prefilled: Collection[str] = ()
) -> int:
    """How many questions can be asked at most, given only the context (the age group)."""
    possible: set[str] = set()
    for question in questionnaire.questions:
        condition = question.show_if
        if question.retired:
            continue
        if condition is None:
            shown = True
        elif condition.question == AGE_GROUP:
            shown = context.get(AGE_GROUP) in condition.any_of
        else:
            shown = condition.question in possible
        if shown:
            possible.add(question.key)
    return len(possible - set(prefilled))


def answer_context(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    *,
    today: date,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The context for :func:`visible_questions`: ``base`` (what the bot already knows, such
    as an age group given with the consent) with ``age_group`` taken from an answered date of
    birth (a date question with age limits), which wins as the more exact source.
    """
    context = dict(base or {})
    for question in questionnaire.questions:
        if question.is_birth_date:
            value = answers.get(question.key)
            if isinstance(value, str):
                try:
                    birth = date.fromisoformat(value)
                except ValueError:
                    continue
                context[AGE_GROUP] = age_group(birth, today)
                break
    return context


def _position(questionnaire: Questionnaire, key: str | None) -> int | None:
    if key is None:
        return None
    try:
        return questionnaire.index(key)
    except KeyError:
        return None
