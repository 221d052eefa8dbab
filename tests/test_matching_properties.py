"""Property tests of the matching engine on random small instances.

The assignment is checked against two independent exact solutions: a brute force over every
assignment (tiny instances) and scipy's ``linear_sum_assignment`` on capacity-expanded mentor
places with a lexicographic cost (somewhat larger ones).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from bot.matching.assignment import assign
from bot.matching.constraints import blocking_reasons, violations
from bot.matching.engine import propose
from bot.matching.profiles import Candidate
from bot.matching.scoring import Preferences, Weights, score
from bot.matching.vectors import encode, pairs_matrix, totals

Edge = tuple[int, int, int]
FAST = settings(max_examples=60, deadline=None)


# --- exact solutions by other methods ---------------------------------------------------------


def brute_force(n: int, capacities: Sequence[int], edges: Sequence[Edge]) -> tuple[int, int]:
    """The best (matched, total score) over every assignment."""
    options: list[list[tuple[int, int] | None]] = [[None] for _ in range(n)]
    for mentee, mentor, gain in edges:
        options[mentee].append((mentor, gain))
    best = (0, 0)
    for choice in itertools.product(*options):
        used = Counter(pick[0] for pick in choice if pick is not None)
        if all(used[j] <= capacities[j] for j in used):
            picks = [pick for pick in choice if pick is not None]
            best = max(best, (len(picks), sum(gain for _, gain in picks)))
    return best


def by_slots(n: int, capacities: Sequence[int], edges: Sequence[Edge]) -> tuple[int, int]:
    """The best (matched, total score) with the Hungarian method: one column per mentor place
    plus one "no mentor" column per mentee; a pair is worth BIG + score, so any extra pair
    outweighs every score."""
    slots = [j for j, capacity in enumerate(capacities) for _ in range(capacity)]
    best_gain: dict[tuple[int, int], int] = {}
    for mentee, mentor, gain in edges:
        best_gain[(mentee, mentor)] = max(gain, best_gain.get((mentee, mentor), gain))
    big = (max((g for *_, g in edges), default=0) + 1) * (n + 1)
    worth = np.zeros((n, len(slots) + n), np.int64)
    for i in range(n):
        for column, j in enumerate(slots):
            if (i, j) in best_gain:
                worth[i, column] = big + best_gain[(i, j)]
    rows, cols = linear_sum_assignment(worth, maximize=True)
    total = int(worth[rows, cols].sum())
    matched = int((worth[rows, cols] > 0).sum())
    return matched, total - matched * big


def greedy(n: int, capacities: Sequence[int], edges: Sequence[Edge]) -> tuple[int, int]:
    left = list(capacities)
    taken: set[int] = set()
    matched = total = 0
    for mentee, mentor, gain in sorted(edges, key=lambda e: -e[2]):
        if mentee not in taken and left[mentor] > 0:
            taken.add(mentee)
            left[mentor] -= 1
            matched, total = matched + 1, total + gain
    return matched, total


@st.composite
def graphs(
    draw: st.DrawFn, max_mentees: int, max_mentors: int
) -> tuple[int, list[int], list[Edge]]:
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(1, max_mentors))
    capacities = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    pairs = [(i, j) for i in range(n) for j in range(m)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True) if pairs else st.just([]))
    edges = [(i, j, draw(st.integers(0, 30))) for i, j in chosen]
    return n, capacities, edges


def check_assignment(n: int, capacities: list[int], edges: list[Edge]) -> tuple[int, int]:
    pairs = assign(n, capacities, edges)
    gains = {(i, j): g for i, j, g in edges}
    assert all(pair in gains for pair in pairs)
    assert len({i for i, _ in pairs}) == len(pairs)
    used = Counter(j for _, j in pairs)
    assert all(used[j] <= capacities[j] for j in used)
    result = (len(pairs), sum(gains[pair] for pair in pairs))
    # No greedy choice does better: more mentees matched, or as many with a higher total.
    assert result >= greedy(n, capacities, edges)
    return result


@FAST
@given(graphs(max_mentees=5, max_mentors=3))
def test_assignment_equals_brute_force(graph: tuple[int, list[int], list[Edge]]) -> None:
    assert check_assignment(*graph) == brute_force(*graph)


@FAST
@given(graphs(max_mentees=12, max_mentors=6))
def test_assignment_equals_hungarian_on_places(graph: tuple[int, list[int], list[Edge]]) -> None:
    assert check_assignment(*graph) == by_slots(*graph)


# --- the engine on random candidates ----------------------------------------------------------

TOPICS = ["exams", "sport", "olympiads", "projects", "new_code"]
INTERESTS = ["chess", "music", "art", "games"]
DAYS = ["mon", "tue", "sat"]
TIMES = ["morning", "evening"]


@st.composite
def candidates(draw: st.DrawFn, role: str, pid: int, dense: bool = False) -> Candidate:
    def some(codes: list[str]) -> frozenset[str]:
        return frozenset(draw(st.lists(st.sampled_from(codes), max_size=3)))

    low = draw(st.none() | st.integers(10, 16))
    high = draw(st.none() | st.integers(low or 10, 18))
    mentor = role == "mentor"
    if dense:  # one organization and form, every age allowed: many options per mentee
        return Candidate(
            participant_id=pid,
            telegram_id=pid,
            organization_id=1,
            role="mentor" if mentor else "mentee",
            form="teacher_teacher",
            capacity=draw(st.integers(1, 2)) if mentor else 1,
            topics=some(TOPICS),
            interests=some(INTERESTS),
        )
    return Candidate(
        participant_id=pid,
        telegram_id=draw(st.integers(1, 12)),
        organization_id=draw(st.sampled_from([1, 1, 1, 2])),
        role="mentor" if mentor else "mentee",
        form=draw(st.sampled_from(["pupil_pupil", "pupil_pupil", "teacher_teacher", None])),
        age=draw(st.none() | st.integers(10, 19)),
        age_min=low if mentor else None,
        age_max=high if mentor else None,
        capacity=draw(st.integers(0, 3)) if mentor else 1,
        topics=some(TOPICS),
        topic_other=draw(st.sampled_from([None, None, "Chess", " chess", "Go"])),
        interests=some(INTERESTS),
        days=some(DAYS),
        times=some(TIMES),
        meeting_format=draw(st.sampled_from([None, "online", "in_person", "either"])),
    )


@st.composite
def cohorts(
    draw: st.DrawFn, max_mentees: int = 7, max_mentors: int = 4, dense: bool = False
) -> tuple[list[Candidate], list[Candidate], Preferences, set[tuple[int, int]]]:
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(0, max_mentors))
    mentees = [draw(candidates("mentee", i + 1, dense)) for i in range(n)]
    mentors = [draw(candidates("mentor", 100 + j, dense)) for j in range(m)]
    pairs = [(a.participant_id, b.participant_id) for a in mentees for b in mentors]
    some_pairs = st.lists(st.sampled_from(pairs), max_size=4) if pairs else st.just([])
    rejected = set(draw(some_pairs))
    by_mentee: dict[int, frozenset[int]] = {}
    by_mentor: dict[int, frozenset[int]] = {}
    for a, b in draw(some_pairs):
        by_mentee[a] = by_mentee.get(a, frozenset()) | {b}
    for a, b in draw(some_pairs):
        by_mentor[b] = by_mentor.get(b, frozenset()) | {a}
    return mentees, mentors, Preferences(by_mentee, by_mentor), rejected


WEIGHTS = st.builds(
    Weights,
    request=st.integers(0, 50),
    interests=st.integers(0, 20),
    schedule=st.integers(0, 30),
    meeting_format=st.integers(0, 20),
    preference=st.integers(0, 15),
    mutual_preference=st.integers(15, 40),
)


@FAST
@given(
    st.one_of(cohorts(), cohorts(max_mentees=8, max_mentors=5, dense=True)),
    WEIGHTS,
    st.sampled_from([1, 2, 50]),
)
def test_propose_is_allowed_full_and_explained(
    cohort: tuple[list[Candidate], list[Candidate], Preferences, set[tuple[int, int]]],
    weights: Weights,
    top_k: int,
) -> None:
    mentees, mentors, preferences, rejected = cohort
    result = propose(
        mentees, mentors, weights=weights, preferences=preferences, rejected=rejected, top_k=top_k
    )
    # Every mentee once, as a proposal or as unmatched.
    proposed = [p.mentee.participant_id for p in result.proposals]
    left = [u.mentee.participant_id for u in result.unmatched]
    assert sorted(proposed + left) == sorted(m.participant_id for m in mentees)
    # No hard constraint broken, no capacity exceeded, explanations consistent.
    used = Counter(p.mentor.participant_id for p in result.proposals)
    for proposal in result.proposals:
        assert violations(proposal.mentee, proposal.mentor, rejected) == []
        assert proposal.score == score(proposal.mentee, proposal.mentor, weights, preferences)
    assert all(used[m.participant_id] <= m.capacity for m in mentors)
    totals_seen = [p.score.total for p in result.proposals]
    assert totals_seen == sorted(totals_seen, reverse=True)

    # As many matched as any assignment over the whole allowed graph, whatever top_k.
    edges = [
        (i, j, score(a, b, weights, preferences).total)
        for i, a in enumerate(mentees)
        for j, b in enumerate(mentors)
        if not violations(a, b, rejected)
    ]
    capacities = [max(0, b.capacity) for b in mentors]
    best_matched, best_total = by_slots(len(mentees), capacities, edges)
    assert len(result.proposals) == best_matched
    if top_k >= len(mentors):
        assert sum(totals_seen) == best_total

    # The reasons of the mentees left out.
    for unmatched in result.unmatched:
        reasons = blocking_reasons(unmatched.mentee, mentors, rejected)
        if unmatched.had_allowed:
            assert reasons == ()
            assert unmatched.allowed_count == sum(
                not violations(unmatched.mentee, b, rejected) for b in mentors
            )
        else:
            assert unmatched.reasons == reasons != ()


@FAST
@given(cohorts(max_mentees=6, max_mentors=6), WEIGHTS)
def test_vectorised_totals_equal_the_scores(
    cohort: tuple[list[Candidate], list[Candidate], Preferences, set[tuple[int, int]]],
    weights: Weights,
) -> None:
    mentees, mentors, preferences, _ = cohort
    if not mentees or not mentors:
        return
    first, second = encode(mentees, mentors)
    rows = np.arange(len(mentees))

    def named(pairs: list[tuple[int, int]]) -> np.ndarray:
        found = np.array(pairs, np.int64).reshape(-1, 2)
        return pairs_matrix(rows, len(mentees), len(mentors), found[:, 0], found[:, 1])

    by_mentee, by_mentor = [], []
    for i, a in enumerate(mentees):
        for j, b in enumerate(mentors):
            mine, theirs = preferences.named(a.participant_id, b.participant_id)
            if mine:
                by_mentee.append((i, j))
            if theirs:
                by_mentor.append((i, j))
    got = totals(
        first, second, weights, named_by_mentee=named(by_mentee), named_by_mentor=named(by_mentor)
    )
    expected = [[score(a, b, weights, preferences).total for b in mentors] for a in mentees]
    assert got.tolist() == expected
