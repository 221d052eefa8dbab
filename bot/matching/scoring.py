"""How well a mentor suits a mentee: a score made of weighted parts, each one explainable.

The scale, with the default :class:`Weights`: the four parts about the profiles add up to at
most 100 (45 for the request, 15 for shared interests, 25 for the schedule, 15 for the
meeting format); a preference named by one side adds 15, a mutual choice 40 instead. So a
total lies in 0..140, and 0..100 when nobody named anyone. A part gives a share of its
weight, rounded half up to whole points:

* request: the share of the mentee's request topics (the typed "other" counts as one) that
  the mentor's competencies cover; a typed topic is covered only by the same typed text
  (case-insensitive);
* interests: a third of the weight for each shared interest, full from 3;
* schedule: days and times count only together (a shared time on no shared day does not
  help): shared days and shared times each count up to 2, and 2 + 2 gives the full weight;
* format: the same format, or "either" on one side;
* preference: the mentee named the mentor, or the mentor named the mentee, or both.

Texts are not produced here: a :class:`ScorePart` keeps codes, and the handlers render them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.matching.profiles import Candidate
from dialogs.model import OTHER
from dialogs.tags import INTERESTS, TIMES_OF_DAY, TOPICS, WEEKDAYS

EITHER = "either"  # the meeting format that suits both
INTERESTS_FULL_AT = 3
DAYS_FULL_AT = 2
TIMES_FULL_AT = 2

# Preference part codes.
BY_MENTEE = "mentee"
BY_MENTOR = "mentor"

_MAX_WEIGHT = 1000


class Weights(BaseModel):
    """Points of each part at its fullest; an organization may store its own as JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request: int = Field(default=45, ge=0, le=_MAX_WEIGHT)
    interests: int = Field(default=15, ge=0, le=_MAX_WEIGHT)
    schedule: int = Field(default=25, ge=0, le=_MAX_WEIGHT)
    meeting_format: int = Field(default=15, ge=0, le=_MAX_WEIGHT)
    preference: int = Field(default=15, ge=0, le=_MAX_WEIGHT)
    mutual_preference: int = Field(default=40, ge=0, le=_MAX_WEIGHT)

    @model_validator(mode="after")
    def _mutual_weighs_more(self) -> Self:
        if self.mutual_preference < self.preference:
            raise ValueError("mutual_preference must be at least preference")
        return self

    @property
    def profile_total(self) -> int:
        """The most the profiles can give, without preferences."""
        return self.request + self.interests + self.schedule + self.meeting_format

    @property
    def max_total(self) -> int:
        return self.profile_total + self.mutual_preference

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str | None) -> Weights:
        """The stored weights, or the defaults for ``None`` (an organization without its own)."""
        return cls() if text is None else cls.model_validate_json(text)


class PartKind(StrEnum):
    REQUEST = "request"
    INTERESTS = "interests"
    SCHEDULE = "schedule"
    FORMAT = "format"
    PREFERENCE = "preference"


@dataclass(frozen=True)
class ScorePart:
    """One part of a score. ``matched`` holds codes: REQUEST the covered request topic codes
    (``"other"`` for the typed topic), INTERESTS the shared interests, SCHEDULE the shared
    days then the shared times, FORMAT the agreed format (``"either"`` if both said so),
    PREFERENCE ``"mentee"`` and/or ``"mentor"`` (who named the other)."""

    kind: PartKind
    points: int
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    """``total`` is the sum of the parts' points; ``parts`` are the parts that matched
    something, in :class:`PartKind` order (a part may give 0 points, e.g. shared days with
    no shared time)."""

    total: int
    parts: tuple[ScorePart, ...]

    def part(self, kind: PartKind) -> ScorePart | None:
        return next((part for part in self.parts if part.kind == kind), None)


@dataclass(frozen=True)
class Preferences:
    """Partners named by participants, by participant id: ``by_mentee[mentee] = {mentors}``,
    ``by_mentor[mentor] = {mentees}``."""

    by_mentee: Mapping[int, frozenset[int]] = field(default_factory=dict)
    by_mentor: Mapping[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Preferences:
        return cls({}, {})

    def named(self, mentee_id: int, mentor_id: int) -> tuple[bool, bool]:
        """(the mentee named the mentor, the mentor named the mentee)."""
        return (
            mentor_id in self.by_mentee.get(mentee_id, frozenset()),
            mentee_id in self.by_mentor.get(mentor_id, frozenset()),
        )


def share(weight: int, count: int, out_of: int) -> int:
    """``weight * count / out_of`` rounded half up, in integers (numpy does the same)."""
    if out_of <= 0:
        return 0
    return (2 * weight * count + out_of) // (2 * out_of)


def preference_points(weights: Weights, by_mentee: bool, by_mentor: bool) -> int:
    if by_mentee and by_mentor:
        return weights.mutual_preference
    return weights.preference if by_mentee or by_mentor else 0


def formats_agree(mentee_format: str | None, mentor_format: str | None) -> str | None:
    """The format both accept, or ``None``."""
    if mentee_format is None or mentor_format is None:
        return None
    if mentee_format == mentor_format:
        return mentee_format
    if mentee_format == EITHER:
        return mentor_format
    if mentor_format == EITHER:
        return mentee_format
    return None


def same_text(first: str | None, second: str | None) -> bool:
    """Typed "other" topics match only when equal up to case and surrounding spaces."""
    return bool(first and second and first.strip().casefold() == second.strip().casefold())


def score(
    mentee: Candidate, mentor: Candidate, weights: Weights, preferences: Preferences
) -> Score:
    """The score of ``mentor`` for ``mentee`` with its parts (constraints are not checked)."""
    parts: list[ScorePart] = []

    covered = _ordered(mentee.topics & mentor.topics, _TOPIC_ORDER)
    if same_text(mentee.topic_other, mentor.topic_other):
        covered += (OTHER,)
    requested = len(mentee.topics) + (1 if mentee.topic_other else 0)
    if covered:
        parts.append(
            ScorePart(PartKind.REQUEST, share(weights.request, len(covered), requested), covered)
        )

    shared = _ordered(mentee.interests & mentor.interests, _INTEREST_ORDER)
    if shared:
        points = share(weights.interests, min(len(shared), INTERESTS_FULL_AT), INTERESTS_FULL_AT)
        parts.append(ScorePart(PartKind.INTERESTS, points, shared))

    days = _ordered(mentee.days & mentor.days, _DAY_ORDER)
    times = _ordered(mentee.times & mentor.times, _TIME_ORDER)
    if days or times:
        parts.append(
            ScorePart(PartKind.SCHEDULE, schedule_points(weights, days, times), days + times)
        )

    agreed = formats_agree(mentee.meeting_format, mentor.meeting_format)
    if agreed is not None:
        parts.append(ScorePart(PartKind.FORMAT, weights.meeting_format, (agreed,)))

    by_mentee, by_mentor = preferences.named(mentee.participant_id, mentor.participant_id)
    if by_mentee or by_mentor:
        who = ((BY_MENTEE,) if by_mentee else ()) + ((BY_MENTOR,) if by_mentor else ())
        parts.append(
            ScorePart(PartKind.PREFERENCE, preference_points(weights, by_mentee, by_mentor), who)
        )

    return Score(sum(part.points for part in parts), tuple(parts))


def schedule_points(weights: Weights, days: tuple[str, ...], times: tuple[str, ...]) -> int:
    if not days or not times:
        return 0
    count = min(len(days), DAYS_FULL_AT) + min(len(times), TIMES_FULL_AT)
    return share(weights.schedule, count, DAYS_FULL_AT + TIMES_FULL_AT)


def _order(codes: list[str]) -> dict[str, int]:
    return {code: position for position, code in enumerate(codes)}


_TOPIC_ORDER = _order([option.value for option in TOPICS])
_INTEREST_ORDER = _order([option.value for option in INTERESTS])
_DAY_ORDER = _order([option.value for option in WEEKDAYS])
_TIME_ORDER = _order([option.value for option in TIMES_OF_DAY])


def _ordered(codes: frozenset[str], order: Mapping[str, int]) -> tuple[str, ...]:
    """Codes in the questionnaire's order; codes it does not know (yet) come last, sorted."""
    return tuple(sorted(codes, key=lambda code: (order.get(code, len(order)), code)))
