"""Stage 5 of the cycle: proposing pairs and groups for a whole cohort at once.

:func:`propose` takes the candidates the caller selected (ready mentees not in an active
pair, admitted mentors with free places), keeps the allowed pairs (:mod:`constraints`),
scores them (:mod:`scoring`), and chooses pairs for everyone together (:mod:`assignment`):
first as many mentees matched as possible, then the highest total score, each mentor
within their free places (a mentor with several mentees leads a group). Every proposal
carries its explanation; every mentee left out carries the reasons.

Organization and form are hard constraints, so the cohort falls apart into independent
groups (organization, form), solved one by one; a mentor in several forms (issue 14) is given
once per form, with that form's places (``bot.pairing.mentor_candidates``), and so stands in
each of those groups. The edges of
each group come from :mod:`graph`, the reasons of the mentees left out from :mod:`unmatched`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.matching.assignment import assign_arrays, max_matched
from bot.matching.constraints import OLDER_MENTOR_FORMS
from bot.matching.graph import Group, GroupPairs, Ids, grouped
from bot.matching.profiles import Candidate
from bot.matching.scoring import Preferences, Score, Weights, score
from bot.matching.unmatched import Unmatched, left_in_group, outside_groups


@dataclass(frozen=True)
class Proposal:
    mentee: Candidate
    mentor: Candidate
    score: Score


@dataclass(frozen=True)
class MatchResult:
    """``proposals`` best score first; ``unmatched`` in the order the mentees were given."""

    proposals: list[Proposal]
    unmatched: list[Unmatched]

    def groups(self) -> dict[int, list[Proposal]]:
        """Proposals by mentor participant id: a mentor with several mentees leads a group."""
        by_mentor: dict[int, list[Proposal]] = defaultdict(list)
        for proposal in self.proposals:
            by_mentor[proposal.mentor.participant_id].append(proposal)
        return dict(by_mentor)


def propose(
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
    *,
    weights: Weights,
    preferences: Preferences,
    rejected: AbstractSet[tuple[int, int]],
    top_k: int = 50,
) -> MatchResult:
    """Proposals for the whole cohort, and the mentees left without one with the reasons.

    Mentee ids are unique; a mentor's id is unique within a form (a mentor in several forms
    is one candidate per form). ``rejected`` holds (mentee participant id,
    mentor participant id) pairs the curator rejected.

    Only each mentee's ``top_k`` best allowed mentors become edges of the assignment, which
    keeps the graph small. That alone could lose a mentee who could be matched: if another
    mentee takes the last place of every mentor on someone's short list while a mentor
    further down that list stays free. So the number of mentees matched is checked against
    the whole graph of allowed pairs: when it falls short of the obvious upper bound (every
    mentee with an allowed mentor, or every place of the mentors they can reach) and some
    mentee had more than ``top_k`` allowed mentors, a maximum matching of the whole graph is
    found (a plain max flow, cheaper than the scored one) and its pairs are added to the
    edges before solving again. The edges then contain a matching of the largest possible
    size, so "as many mentees matched as possible" holds over every allowed pair, always.
    The total score is the highest possible among the edges kept; a mentor outside a
    mentee's ``top_k`` could in theory raise it, so with ``top_k`` at least the number of
    mentors the result is exactly optimal on both counts.
    """
    if top_k < 1:
        raise ValueError("top_k must be at least 1")
    mentee_groups, mentor_groups = grouped(mentees, mentors)
    left_out = outside_groups(mentees, mentors, mentor_groups)

    pairs = GroupPairs.locate(mentee_groups, mentor_groups, preferences, rejected)
    proposals: list[Proposal] = []
    for key, group_mentees in mentee_groups.items():
        group = Group(
            group_mentees,
            mentor_groups[key],
            older_rule=key[1] in OLDER_MENTOR_FORMS,
            weights=weights,
            pairs=pairs[key],
            top_k=top_k,
        )
        chosen_rows, chosen_cols = _solve(group)
        for mentee_row, mentor_row in zip(chosen_rows.tolist(), chosen_cols.tolist(), strict=True):
            mentee, mentor = group_mentees[mentee_row], mentor_groups[key][mentor_row]
            proposals.append(Proposal(mentee, mentor, score(mentee, mentor, weights, preferences)))
        left = left_in_group(group_mentees, group.degree, group.reasons, chosen_rows)
        left_out.update((u.mentee.participant_id, u) for u in left)

    proposals.sort(key=lambda p: (-p.score.total, p.mentee.participant_id, p.mentor.participant_id))
    unmatched = [left_out[m.participant_id] for m in mentees if m.participant_id in left_out]
    return MatchResult(proposals, unmatched)


def _solve(group: Group) -> tuple[Ids, Ids]:
    """The chosen pairs of a group as (mentee rows, mentor rows)."""
    tails, heads, gains = group.top_edges()
    capacities = np.maximum(group.side_mentors.capacity, 0)

    chosen_rows, chosen_cols = assign_arrays(group.n, capacities, tails, heads, gains)
    bound = min(int((group.degree > 0).sum()), int(capacities[group.reachable].sum()))
    wide = np.flatnonzero(group.degree > group.top_k)
    if len(chosen_rows) < bound and len(wide):
        rescue = _largest_matching(group, tails, heads, gains, wide, capacities)
        if len(rescue[0]) > len(chosen_rows):
            tails, heads, gains = _unique_edges(
                np.concatenate([tails, rescue[0]]),
                np.concatenate([heads, rescue[1]]),
                np.concatenate([gains, rescue[2]]),
                group.m,
            )
            chosen_rows, chosen_cols = assign_arrays(group.n, capacities, tails, heads, gains)
    return chosen_rows, chosen_cols


def _largest_matching(
    group: Group, tails: Ids, heads: Ids, gains: Ids, wide: npt.NDArray[np.intp], caps: Ids
) -> tuple[Ids, Ids, Ids]:
    """The edges of a largest matching over every allowed pair of the group: the kept
    edges of mentees with few options and all the edges of those with many."""
    keep = ~np.isin(tails, wide)
    all_rows, all_cols, all_scores = [tails[keep]], [heads[keep]], [gains[keep]]
    for rows in group.blocks(wide):
        _, allowed, scores = group.evaluate(rows)
        local, cols = np.nonzero(allowed)
        all_rows.append(rows[local].astype(np.int64))
        all_cols.append(cols.astype(np.int64))
        all_scores.append(scores[local, cols].astype(np.int64))
    every = [np.concatenate(e) for e in (all_rows, all_cols, all_scores)]
    used = max_matched(group.n, caps, every[0], every[1])
    return every[0][used], every[1][used], every[2][used]


def _unique_edges(tails: Ids, heads: Ids, gains: Ids, n_cols: int) -> tuple[Ids, Ids, Ids]:
    first = np.asarray(np.unique(tails * n_cols + heads, return_index=True)[1])
    return tails[first], heads[first], gains[first]
