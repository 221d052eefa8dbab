"""What matching needs to know about a mentee or a mentor, read from their questionnaire.

A :class:`Candidate` is a plain value: no database row, no Telegram object. The caller selects
who takes part (mentees who are ready and not in an active pair, admitted mentors with free
places) and builds candidates with :func:`candidate_from_answers` from the stored answers,
whose shapes :mod:`dialogs.answers` documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from dialogs.ages import age_in_years
from dialogs.forms import chosen_forms
from dialogs.mentor import mentor_form_answers
from dialogs.model import OTHER

Role = Literal["mentee", "mentor"]

# The keys of the questionnaires in dialogs/mentor.py and dialogs/mentee.py that matching reads.
FULL_NAME = "full_name"
BIRTH_DATE = "birth_date"
CATEGORY = "category"
FORM = "form"
REQUEST = "request"  # the mentee's main request
COMPETENCIES = "competencies"  # what the mentor can help with
INTERESTS = "interests"
DAYS = "days"
TIMES = "times"
MEETING_FORMAT = "meeting_format"
MENTEE_AGE_FROM = "mentee_age_from"
MENTEE_AGE_TO = "mentee_age_to"
CAPACITY = "capacity"


@dataclass(frozen=True)
class Candidate:
    """A mentee or a mentor as matching sees them.

    ``topics`` are topic codes of :data:`dialogs.tags.TOPICS`: a mentee's request, a mentor's
    competencies; ``topic_other`` is the typed "other" topic. ``age`` is ``None`` when the
    date of birth is unknown: the bot keeps one only for minors, so a mentor without an age
    is taken to be an adult. ``age_min`` / ``age_max`` are the mentee ages a mentor would like
    (inclusive; ``None`` for a mentee). ``capacity`` is how many more mentees a mentor can
    take (1 for a mentee).
    """

    participant_id: int
    telegram_id: int
    organization_id: int
    role: Role
    form: str | None = None
    age: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    capacity: int = 1
    topics: frozenset[str] = frozenset()
    topic_other: str | None = None
    interests: frozenset[str] = frozenset()
    days: frozenset[str] = frozenset()
    times: frozenset[str] = frozenset()
    meeting_format: str | None = None
    category: str | None = None
    full_name: str | None = None


def candidate_from_answers(
    *,
    participant_id: int,
    telegram_id: int,
    organization_id: int,
    role: Role,
    answers: Mapping[str, object],
    today: date,
    taken: int = 0,
    birth_date: date | None = None,
    form: str | None = None,
) -> Candidate:
    """A candidate from the stored answers of the mentor or mentee questionnaire.

    A mentor's capacity is their answer minus ``taken`` (the mentees they already have in
    active pairs), at least 0. The age comes from the ``birth_date`` answer (the mentee
    questionnaire asks it) or else from ``birth_date`` (the participant's own record, which
    holds the date of birth of a minor mentor). Missing or malformed answers read as unknown.

    A mentor may take part in several forms (issue 14): ``form`` says in which one this
    candidate stands, with that form's places and mentees' ages (``taken`` then counts the
    pairs of that form); by default the first form they chose. A mentee has one form.
    """
    topic_key = REQUEST if role == "mentee" else COMPETENCIES
    topics, topic_other = _choices(answers.get(topic_key))
    interests, _ = _choices(answers.get(INTERESTS))
    days, _ = _choices(answers.get(DAYS))
    times, _ = _choices(answers.get(TIMES))
    birth = _date(answers.get(BIRTH_DATE)) or birth_date
    age = age_in_years(birth, today) if birth is not None and birth <= today else None
    chosen = chosen_forms(answers.get(FORM))
    if form is None:
        form = chosen[0] if chosen else None
    if role == "mentor":
        per_form = mentor_form_answers(answers, form or "")
        age_min, age_max = per_form.age_from, per_form.age_to
        capacity = max(0, (per_form.capacity or 1) - taken)
    else:
        age_min = age_max = None
        capacity = 1
    name = answers.get(FULL_NAME)
    return Candidate(
        participant_id=participant_id,
        telegram_id=telegram_id,
        organization_id=organization_id,
        role=role,
        form=form,
        age=age,
        age_min=age_min,
        age_max=age_max,
        capacity=capacity,
        topics=topics,
        topic_other=topic_other,
        interests=interests,
        days=days,
        times=times,
        meeting_format=_choice(answers.get(MEETING_FORMAT)),
        category=_choice(answers.get(CATEGORY)),
        full_name=name if isinstance(name, str) else None,
    )


def _choice(value: object) -> str | None:
    """A single-choice answer's value (``"other"`` for a typed answer)."""
    if isinstance(value, Mapping):
        choice = value.get("choice")
        if isinstance(choice, str):
            return choice
    return None


def _choices(value: object) -> tuple[frozenset[str], str | None]:
    """A multi-choice answer: the chosen codes without ``"other"``, and the typed text."""
    if not isinstance(value, Mapping):
        return frozenset(), None
    raw = value.get("choices")
    codes = frozenset(
        item for item in (raw if isinstance(raw, list) else []) if isinstance(item, str)
    )
    other = value.get("other")
    text = other.strip() if isinstance(other, str) and OTHER in codes else None
    return codes - {OTHER}, text or None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: object) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
