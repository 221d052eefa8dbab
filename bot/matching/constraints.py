"""The hard constraints of a pair: a mentor who breaks one is never proposed.

The curator may still assign such a mentor directly; :func:`violations` names what is broken
so the curator can be warned first.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from enum import StrEnum

from bot.matching.profiles import Candidate
from dialogs.forms import FederalForm


class Violation(StrEnum):
    ORGANIZATION = "organization"  # the mentor is in another organization
    FORM = "form"  # another form of mentorship (or the mentee has none)
    AGE = "age"  # the mentee's age is outside the mentor's desired range
    NOT_OLDER = "not_older"  # pupil-pupil: the mentor is not older than the mentee
    SAME_PERSON = "same_person"  # the same Telegram user on both sides
    REJECTED = "rejected"  # the curator already rejected this pair
    NO_CAPACITY = "no_capacity"  # the mentor has no free place


# Forms in which the mentor must be older than the mentee.
OLDER_MENTOR_FORMS: frozenset[str] = frozenset({FederalForm.PUPIL_PUPIL.value})

# The bot keeps a date of birth only for minors, so a mentor of unknown age is at least this
# old: older than any mentee under 18, not provably older than an adult one.
ADULT_AGE = 18

# The order in which unmatched reasons are worked out (see :func:`blocking_reasons`): the
# mentor's profile first (what to recruit), then what happened to the mentors that fit.
REASON_ORDER: tuple[Violation, ...] = (
    Violation.ORGANIZATION,
    Violation.FORM,
    Violation.AGE,
    Violation.NOT_OLDER,
    Violation.SAME_PERSON,
    Violation.REJECTED,
    Violation.NO_CAPACITY,
)


def violations(
    mentee: Candidate, mentor: Candidate, rejected: AbstractSet[tuple[int, int]]
) -> list[Violation]:
    """The hard constraints ``mentor`` breaks for ``mentee`` (empty when the pair is allowed),
    in :data:`REASON_ORDER`. ``rejected`` holds (mentee participant_id, mentor participant_id)
    pairs the curator rejected.
    """
    broken: list[Violation] = []
    if mentee.organization_id != mentor.organization_id:
        broken.append(Violation.ORGANIZATION)
    if mentee.form is None or mentee.form != mentor.form:
        broken.append(Violation.FORM)
    if not age_fits(mentee.age, mentor.age_min, mentor.age_max):
        broken.append(Violation.AGE)
    if mentee.form in OLDER_MENTOR_FORMS and not is_older(mentor.age, mentee.age):
        broken.append(Violation.NOT_OLDER)
    if mentee.telegram_id == mentor.telegram_id:
        broken.append(Violation.SAME_PERSON)
    if (mentee.participant_id, mentor.participant_id) in rejected:
        broken.append(Violation.REJECTED)
    if mentor.capacity <= 0:
        broken.append(Violation.NO_CAPACITY)
    return broken


def age_fits(age: int | None, age_min: int | None, age_max: int | None) -> bool:
    """The age is within the range (inclusive); a mentor without a range takes any age, and
    a mentee of unknown age fits no range."""
    if age_min is None and age_max is None:
        return True
    if age is None:
        return False
    return (age_min is None or age >= age_min) and (age_max is None or age <= age_max)


def is_older(mentor_age: int | None, mentee_age: int | None) -> bool:
    """The mentor is provably older; an unknown mentor age counts as :data:`ADULT_AGE`."""
    if mentee_age is None:
        return False
    return (ADULT_AGE if mentor_age is None else mentor_age) > mentee_age


def blocking_reasons(
    mentee: Candidate, mentors: Sequence[Candidate], rejected: AbstractSet[tuple[int, int]]
) -> tuple[Violation, ...]:
    """Why no mentor of ``mentors`` is allowed for ``mentee`` (empty when one is).

    The constraints are taken in :data:`REASON_ORDER`, starting from every mentor. A
    constraint that every mentor still in question breaks is a reason; otherwise only the
    mentors that satisfy it stay in question. So ``(AGE,)`` reads "there are mentors in your
    organization and form, but everyone's age range excludes you", and ``(REJECTED,)`` "the
    mentors who fit were all rejected". Organization and form end the search: with no mentor
    there, the other constraints say nothing about the mentors to recruit.
    """
    pool = [(mentor, set(violations(mentee, mentor, rejected))) for mentor in mentors]
    reasons: list[Violation] = []
    for constraint in REASON_ORDER:
        passing = [(mentor, broken) for mentor, broken in pool if constraint not in broken]
        if passing:
            pool = passing
            continue
        reasons.append(constraint)
        if constraint in (Violation.ORGANIZATION, Violation.FORM):
            break
    return tuple(reasons)
