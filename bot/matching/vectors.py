"""The constraints and scores of :mod:`bot.matching.constraints` and
:mod:`bot.matching.scoring`, for a block of mentees against all mentors of one group at once.

Tags become bitmasks (one bit per code seen in the group, in the narrowest unsigned integer
type that holds them) and shared tags are counted with ``np.bitwise_count``. Every number
follows the same integer formulas as the one-pair functions, so the totals agree exactly
(the tests check it). The engine calls this only within one organization and one form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.matching.constraints import ADULT_AGE, Violation
from bot.matching.profiles import Candidate
from bot.matching.scoring import (
    DAYS_FULL_AT,
    EITHER,
    INTERESTS_FULL_AT,
    TIMES_FULL_AT,
    Weights,
)

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int32]
Ids = npt.NDArray[np.int64]
Masks = npt.NDArray[np.unsignedinteger]

_NO_AGE = -1
_NO_LIMIT_LOW, _NO_LIMIT_HIGH = -(2**30), 2**30


@dataclass(frozen=True)
class Side:
    """One side of a group as arrays, one row per candidate."""

    topics: Masks
    n_requested: Ints  # request topics, the typed one included
    other: Ids  # id of the typed topic (a negative number when none)
    interests: Masks
    days: Masks
    times: Masks
    meeting_format: Ints  # 0 unknown
    either: Bools
    age: Ints  # _NO_AGE when unknown
    age_low: Ints
    age_high: Ints
    has_range: Bools
    telegram: Ids
    capacity: Ids

    def rows(self, index: npt.NDArray[np.intp]) -> Side:
        return Side(**{name: value[index] for name, value in vars(self).items()})


def encode(mentees: Sequence[Candidate], mentors: Sequence[Candidate]) -> tuple[Side, Side]:
    """Both sides of a group with shared vocabularies."""
    people = [*mentees, *mentors]
    topics = _vocabulary(c.topics for c in people)
    interests = _vocabulary(c.interests for c in people)
    days = _vocabulary(c.days for c in people)
    times = _vocabulary(c.times for c in people)
    formats = _vocabulary([c.meeting_format] if c.meeting_format else [] for c in people)
    texts = _vocabulary([c.topic_other.strip().casefold()] if c.topic_other else [] for c in people)

    def side(cands: Sequence[Candidate], no_text: int) -> Side:
        return Side(
            topics=_bitmasks([c.topics for c in cands], topics),
            n_requested=np.array(
                [len(c.topics) + (1 if c.topic_other else 0) for c in cands], np.int32
            ),
            other=np.array(
                [
                    texts[c.topic_other.strip().casefold()] if c.topic_other else no_text
                    for c in cands
                ],
                np.int64,
            ),
            interests=_bitmasks([c.interests for c in cands], interests),
            days=_bitmasks([c.days for c in cands], days),
            times=_bitmasks([c.times for c in cands], times),
            meeting_format=np.array(
                [formats[c.meeting_format] + 1 if c.meeting_format else 0 for c in cands],
                np.int32,
            ),
            either=np.array([c.meeting_format == EITHER for c in cands], np.bool_),
            age=np.array([_NO_AGE if c.age is None else c.age for c in cands], np.int32),
            age_low=np.array(
                [_NO_LIMIT_LOW if c.age_min is None else c.age_min for c in cands], np.int32
            ),
            age_high=np.array(
                [_NO_LIMIT_HIGH if c.age_max is None else c.age_max for c in cands], np.int32
            ),
            has_range=np.array(
                [c.age_min is not None or c.age_max is not None for c in cands], np.bool_
            ),
            telegram=np.array([c.telegram_id for c in cands], np.int64),
            capacity=np.array([c.capacity for c in cands], np.int64),
        )

    # Different "no text" ids on the two sides, so that two blanks never match.
    return side(mentees, -1), side(mentors, -2)


def pass_masks(
    mentees: Side, mentors: Side, *, older_rule: bool, rejected: Bools
) -> list[tuple[Violation, Bools]]:
    """For each constraint after organization and form (which the group guarantees), in
    :data:`bot.matching.constraints.REASON_ORDER`, where it holds (rows: mentees, columns:
    mentors)."""
    shape = (len(mentees.age), len(mentors.age))
    age = mentees.age[:, None]
    known = age != _NO_AGE
    age_ok = ~mentors.has_range[None, :] | (
        known & (age >= mentors.age_low[None, :]) & (age <= mentors.age_high[None, :])
    )
    if older_rule:
        mentor_age = np.where(mentors.age == _NO_AGE, ADULT_AGE, mentors.age)
        older_ok = known & (mentor_age[None, :] > age)
    else:
        older_ok = np.ones(shape, np.bool_)
    return [
        (Violation.AGE, np.broadcast_to(age_ok, shape)),
        (Violation.NOT_OLDER, np.broadcast_to(older_ok, shape)),
        (Violation.SAME_PERSON, mentees.telegram[:, None] != mentors.telegram[None, :]),
        (Violation.REJECTED, ~rejected),
        (Violation.NO_CAPACITY, np.broadcast_to(mentors.capacity[None, :] > 0, shape)),
    ]


def totals(
    mentees: Side,
    mentors: Side,
    weights: Weights,
    *,
    named_by_mentee: Bools,
    named_by_mentor: Bools,
) -> Ints:
    """The score totals of :func:`bot.matching.scoring.score` (rows: mentees)."""
    covered = _common(mentees.topics, mentors.topics) + (
        mentees.other[:, None] == mentors.other[None, :]
    )
    requested = mentees.n_requested[:, None]
    total = np.where(
        requested > 0, _share(weights.request, covered, np.maximum(requested, 1)), 0
    ).astype(np.int32)

    shared = np.minimum(_common(mentees.interests, mentors.interests), INTERESTS_FULL_AT)
    total += _share(weights.interests, shared, INTERESTS_FULL_AT)

    days = np.minimum(_common(mentees.days, mentors.days), DAYS_FULL_AT)
    times = np.minimum(_common(mentees.times, mentors.times), TIMES_FULL_AT)
    schedule = _share(weights.schedule, days + times, DAYS_FULL_AT + TIMES_FULL_AT)
    total += np.where((days > 0) & (times > 0), schedule, 0).astype(np.int32)

    first, second = mentees.meeting_format[:, None], mentors.meeting_format[None, :]
    agree = (
        (first > 0)
        & (second > 0)
        & ((first == second) | mentees.either[:, None] | mentors.either[None, :])
    )
    total += agree.astype(np.int32) * np.int32(weights.meeting_format)

    both = named_by_mentee & named_by_mentor
    one = named_by_mentee ^ named_by_mentor
    total += both.astype(np.int32) * np.int32(weights.mutual_preference)
    total += one.astype(np.int32) * np.int32(weights.preference)
    return total


def pairs_matrix(
    rows: npt.NDArray[np.intp], n_rows: int, n_cols: int, pair_rows: Ids, pair_cols: Ids
) -> Bools:
    """A (len(rows), n_cols) matrix, true at the listed (row, column) pairs of those rows."""
    matrix = np.zeros((len(rows), n_cols), np.bool_)
    if len(pair_rows):
        position = np.full(n_rows, -1, np.int64)
        position[rows] = np.arange(len(rows))
        found = position[pair_rows]
        hit = found >= 0
        matrix[found[hit], pair_cols[hit]] = True
    return matrix


def _share(weight: int, count: npt.NDArray[np.integer], out_of: int | Ints) -> Ints:
    """:func:`bot.matching.scoring.share` elementwise (``out_of`` > 0)."""
    count32 = count.astype(np.int32)
    return ((2 * weight * count32 + out_of) // (2 * np.asarray(out_of, np.int32))).astype(np.int32)


def _common(first: Masks, second: Masks) -> npt.NDArray[np.integer]:
    """How many codes each row of ``first`` shares with each row of ``second``."""
    counts: npt.NDArray[np.integer] = np.bitwise_count(first[:, None, 0] & second[None, :, 0])
    for word in range(1, first.shape[1]):
        counts = counts + np.bitwise_count(first[:, None, word] & second[None, :, word]).astype(
            np.int32
        )
    return counts


def _vocabulary(groups: Iterable[Iterable[str]]) -> dict[str, int]:
    codes: set[str] = set()
    for group in groups:
        codes.update(group)
    return {code: position for position, code in enumerate(sorted(codes))}


def _bitmasks(sets: Sequence[frozenset[str]], vocabulary: dict[str, int]) -> Masks:
    """One row per set: (words,) unsigned integers of the narrowest type for the vocabulary."""
    bits = max(len(vocabulary), 1)
    width = next((w for w in (8, 16, 32) if bits <= w), 64)
    dtype = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}[width]
    words = -(-bits // width)
    values = [sum(1 << vocabulary[code] for code in codes) for codes in sets]
    word_mask = (1 << width) - 1
    masks = np.zeros((len(sets), words), dtype)
    for word in range(words):
        shift = word * width
        masks[:, word] = np.array([(v >> shift) & word_mask for v in values], dtype)
    return masks
