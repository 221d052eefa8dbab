"""Stage 5 of the cycle: proposing pairs and groups for a whole cohort at once.

:func:`propose` takes the candidates the caller selected (ready mentees not in an active
pair, admitted mentors with free places), keeps the allowed pairs (:mod:`constraints`),
scores them (:mod:`scoring`), and chooses pairs for everyone together (:mod:`assignment`):
first as many mentees matched as possible, then the highest total score, each mentor
within their free places (a mentor with several mentees leads a group). Every proposal
carries its explanation; every mentee left out carries the reasons.

Organization and form are hard constraints and every mentor has one form, so the cohort
falls apart into independent groups (organization, form), solved one by one. Within a
group the constraints and scores are computed with numpy (:mod:`vectors`) in blocks of
mentees, so memory stays bounded whatever the size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.matching.assignment import assign_arrays, max_matched
from bot.matching.constraints import OLDER_MENTOR_FORMS, Violation
from bot.matching.profiles import Candidate
from bot.matching.scoring import Preferences, Score, Weights, score
from bot.matching.vectors import Bools, Ints, encode, pairs_matrix, pass_masks, totals

# About this many mentee-mentor pairs are evaluated at once (a few tens of MB of arrays).
BLOCK_PAIRS = 1 << 21

GroupKey = tuple[int, str]  # (organization id, form)


@dataclass(frozen=True)
class Proposal:
    mentee: Candidate
    mentor: Candidate
    score: Score


@dataclass(frozen=True)
class Unmatched:
    """A mentee left without a proposal.

    With ``had_allowed`` false no mentor is allowed, and ``reasons`` say why, as
    :func:`bot.matching.constraints.blocking_reasons` works them out: ``(FORM,)`` means no
    mentor of the mentee's form in the organization, ``(AGE,)`` that every such mentor's age
    range excludes the mentee, ``(REJECTED,)`` that the mentors who fit were all rejected,
    and so on. That is the profile of the mentor to recruit.

    With ``had_allowed`` true, ``allowed_count`` mentors were allowed but their places went
    to other mentees (there were more mentees than places, or the places were needed for
    mentees with fewer options); ``reasons`` is then ``(NO_CAPACITY,)``.
    """

    mentee: Candidate
    reasons: tuple[Violation, ...]
    had_allowed: bool
    allowed_count: int = 0


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

    Participant ids are unique on each side. ``rejected`` holds (mentee participant id,
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
    mentee_groups, mentor_groups = _grouped(mentees, mentors)
    organizations = {mentor.organization_id for mentor in mentors}
    left_out: dict[int, Unmatched] = {}
    for mentee in mentees:
        if mentee.form is None or (mentee.organization_id, mentee.form) not in mentor_groups:
            reason = (
                Violation.ORGANIZATION
                if mentee.organization_id not in organizations
                else Violation.FORM
            )
            left_out[mentee.participant_id] = Unmatched(mentee, (reason,), had_allowed=False)

    pairs = _GroupPairs.locate(mentee_groups, mentor_groups, preferences, rejected)
    proposals: list[Proposal] = []
    for key, group_mentees in mentee_groups.items():
        group = _Group(
            group_mentees,
            mentor_groups[key],
            older_rule=key[1] in OLDER_MENTOR_FORMS,
            weights=weights,
            pairs=pairs[key],
            top_k=top_k,
        )
        for mentee_row, mentor_row in group.solve():
            mentee, mentor = group_mentees[mentee_row], mentor_groups[key][mentor_row]
            proposals.append(Proposal(mentee, mentor, score(mentee, mentor, weights, preferences)))
        left_out.update((u.mentee.participant_id, u) for u in group.unmatched())

    proposals.sort(key=lambda p: (-p.score.total, p.mentee.participant_id, p.mentor.participant_id))
    unmatched = [left_out[m.participant_id] for m in mentees if m.participant_id in left_out]
    return MatchResult(proposals, unmatched)


@dataclass(frozen=True)
class CandidateGraph:
    """The edges :func:`propose` starts from, over the whole cohort: mentee ``tails[i]`` may
    have mentor ``heads[i]`` with score ``scores[i]`` (indices into the sequences given)."""

    n_mentees: int
    capacities: npt.NDArray[np.int64]
    tails: npt.NDArray[np.int64]
    heads: npt.NDArray[np.int64]
    scores: npt.NDArray[np.int64]


def candidate_graph(
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
    *,
    weights: Weights,
    preferences: Preferences,
    rejected: AbstractSet[tuple[int, int]],
    top_k: int = 50,
) -> CandidateGraph:
    """Each mentee's ``top_k`` best allowed mentors as edges, for benchmarks and inspection
    (:func:`propose` builds the same edges group by group)."""
    mentee_index = {id(c): i for i, c in enumerate(mentees)}
    mentor_index = {id(c): j for j, c in enumerate(mentors)}
    mentee_groups, mentor_groups = _grouped(mentees, mentors)
    pairs = _GroupPairs.locate(mentee_groups, mentor_groups, preferences, rejected)
    tails, heads, scores = [np.empty(0, np.int64)], [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for key, group_mentees in mentee_groups.items():
        group = _Group(
            group_mentees,
            mentor_groups[key],
            older_rule=key[1] in OLDER_MENTOR_FORMS,
            weights=weights,
            pairs=pairs[key],
            top_k=top_k,
        )
        rows, cols, gains = group.top_edges()
        tails.append(np.array([mentee_index[id(c)] for c in group_mentees], np.int64)[rows])
        heads.append(np.array([mentor_index[id(c)] for c in mentor_groups[key]], np.int64)[cols])
        scores.append(gains)
    return CandidateGraph(
        len(mentees),
        np.array([max(0, m.capacity) for m in mentors], np.int64),
        np.concatenate(tails),
        np.concatenate(heads),
        np.concatenate(scores),
    )


def _grouped(
    mentees: Sequence[Candidate], mentors: Sequence[Candidate]
) -> tuple[dict[GroupKey, list[Candidate]], dict[GroupKey, list[Candidate]]]:
    """Mentors by (organization, form), and the mentees of the groups that have mentors."""
    mentor_groups: dict[GroupKey, list[Candidate]] = defaultdict(list)
    for mentor in mentors:
        if mentor.form is not None:
            mentor_groups[(mentor.organization_id, mentor.form)].append(mentor)
    mentee_groups: dict[GroupKey, list[Candidate]] = defaultdict(list)
    for mentee in mentees:
        if mentee.form is not None and (mentee.organization_id, mentee.form) in mentor_groups:
            mentee_groups[(mentee.organization_id, mentee.form)].append(mentee)
    return dict(mentee_groups), dict(mentor_groups)


@dataclass
class _GroupPairs:
    """The sparse pairs of one group as (mentee row, mentor row) arrays."""

    rejected: tuple[list[int], list[int]]
    by_mentee: tuple[list[int], list[int]]
    by_mentor: tuple[list[int], list[int]]

    @classmethod
    def locate(
        cls,
        mentee_groups: dict[GroupKey, list[Candidate]],
        mentor_groups: dict[GroupKey, list[Candidate]],
        preferences: Preferences,
        rejected: AbstractSet[tuple[int, int]],
    ) -> dict[GroupKey, _GroupPairs]:
        found = {key: cls(([], []), ([], []), ([], [])) for key in mentee_groups}
        mentee_at = {
            c.participant_id: (key, row)
            for key, cands in mentee_groups.items()
            for row, c in enumerate(cands)
        }
        mentor_at = {
            c.participant_id: (key, row)
            for key, cands in mentor_groups.items()
            if key in found
            for row, c in enumerate(cands)
        }

        def add(kind: str, mentee_id: int, mentor_id: int) -> None:
            mentee, mentor = mentee_at.get(mentee_id), mentor_at.get(mentor_id)
            if mentee is not None and mentor is not None and mentee[0] == mentor[0]:
                rows, cols = getattr(found[mentee[0]], kind)
                rows.append(mentee[1])
                cols.append(mentor[1])

        for mentee_id, mentor_id in rejected:
            add("rejected", mentee_id, mentor_id)
        for mentee_id, chosen in preferences.by_mentee.items():
            for mentor_id in chosen:
                add("by_mentee", mentee_id, mentor_id)
        for mentor_id, chosen in preferences.by_mentor.items():
            for mentee_id in chosen:
                add("by_mentor", mentee_id, mentor_id)
        return found


class _Group:
    """The mentees and mentors of one organization and form."""

    def __init__(
        self,
        mentees: Sequence[Candidate],
        mentors: Sequence[Candidate],
        *,
        older_rule: bool,
        weights: Weights,
        pairs: _GroupPairs,
        top_k: int,
    ) -> None:
        self.mentees, self.mentors = mentees, mentors
        self.n, self.m = len(mentees), len(mentors)
        self.older_rule, self.weights, self.top_k = older_rule, weights, top_k
        self.side_mentees, self.side_mentors = encode(mentees, mentors)

        def arrays(found: tuple[list[int], list[int]]) -> tuple[_Ids, _Ids]:
            return np.array(found[0], np.int64), np.array(found[1], np.int64)

        self.rejected = arrays(pairs.rejected)
        self.by_mentee = arrays(pairs.by_mentee)
        self.by_mentor = arrays(pairs.by_mentor)
        self.degree = np.zeros(self.n, np.int64)
        self.reasons: dict[int, tuple[Violation, ...]] = {}
        self.chosen: _Ids = np.empty(0, np.int64)
        self.reachable = np.zeros(self.m, np.bool_)

    def _blocks(self, rows: npt.NDArray[np.intp]) -> list[npt.NDArray[np.intp]]:
        size = max(1, BLOCK_PAIRS // self.m)
        return [rows[start : start + size] for start in range(0, len(rows), size)]

    def _evaluate(
        self, rows: npt.NDArray[np.intp]
    ) -> tuple[list[tuple[Violation, Bools]], Bools, Ints]:
        mentees = self.side_mentees.rows(rows)
        masks = pass_masks(
            mentees,
            self.side_mentors,
            older_rule=self.older_rule,
            rejected=pairs_matrix(rows, self.n, self.m, *self.rejected),
        )
        allowed = masks[0][1].copy()
        for _, mask in masks[1:]:
            allowed &= mask
        scores = totals(
            mentees,
            self.side_mentors,
            self.weights,
            named_by_mentee=pairs_matrix(rows, self.n, self.m, *self.by_mentee),
            named_by_mentor=pairs_matrix(rows, self.n, self.m, *self.by_mentor),
        )
        return masks, allowed, scores

    def top_edges(self) -> tuple[_Ids, _Ids, _Ids]:
        """Each mentee's ``top_k`` best allowed mentors as (row, column, score) edges; also
        records the degrees, the mentors reached and the reasons of mentees with none."""
        edge_rows: list[_Ids] = []
        edge_cols: list[_Ids] = []
        edge_scores: list[_Ids] = []
        for rows in self._blocks(np.arange(self.n)):
            masks, allowed, scores = self._evaluate(rows)
            degree = allowed.sum(axis=1)
            self.degree[rows] = degree
            self.reachable |= allowed.any(axis=0)
            found = _top_edges(rows, allowed, scores, self.top_k)
            edge_rows.append(found[0])
            edge_cols.append(found[1])
            edge_scores.append(found[2])
            self._explain_blocked(rows, degree == 0, masks)
        return np.concatenate(edge_rows), np.concatenate(edge_cols), np.concatenate(edge_scores)

    def solve(self) -> list[tuple[int, int]]:
        """The chosen (mentee row, mentor row) pairs."""
        tails, heads, gains = self.top_edges()
        capacities = np.maximum(self.side_mentors.capacity, 0)

        chosen_rows, chosen_cols = assign_arrays(self.n, capacities, tails, heads, gains)
        bound = min(int((self.degree > 0).sum()), int(capacities[self.reachable].sum()))
        wide = np.flatnonzero(self.degree > self.top_k)
        if len(chosen_rows) < bound and len(wide):
            rescue = self._largest_matching(tails, heads, gains, wide, capacities)
            if len(rescue[0]) > len(chosen_rows):
                tails, heads, gains = _unique_edges(
                    np.concatenate([tails, rescue[0]]),
                    np.concatenate([heads, rescue[1]]),
                    np.concatenate([gains, rescue[2]]),
                    self.m,
                )
                chosen_rows, chosen_cols = assign_arrays(self.n, capacities, tails, heads, gains)
        self.chosen = chosen_rows
        return list(zip(chosen_rows.tolist(), chosen_cols.tolist(), strict=True))

    def _largest_matching(
        self, tails: _Ids, heads: _Ids, gains: _Ids, wide: npt.NDArray[np.intp], caps: _Ids
    ) -> tuple[_Ids, _Ids, _Ids]:
        """The edges of a largest matching over every allowed pair of the group: the kept
        edges of mentees with few options and all the edges of those with many."""
        keep = ~np.isin(tails, wide)
        all_rows, all_cols, all_scores = [tails[keep]], [heads[keep]], [gains[keep]]
        for rows in self._blocks(wide):
            _, allowed, scores = self._evaluate(rows)
            local, cols = np.nonzero(allowed)
            all_rows.append(rows[local].astype(np.int64))
            all_cols.append(cols.astype(np.int64))
            all_scores.append(scores[local, cols].astype(np.int64))
        every = [np.concatenate(e) for e in (all_rows, all_cols, all_scores)]
        used = max_matched(self.n, caps, every[0], every[1])
        return every[0][used], every[1][used], every[2][used]

    def _explain_blocked(
        self,
        rows: npt.NDArray[np.intp],
        blocked: Bools,
        masks: list[tuple[Violation, Bools]],
    ) -> None:
        """:func:`bot.matching.constraints.blocking_reasons` for the mentees of ``rows``
        with no allowed mentor, all at once (organization and form hold in a group)."""
        local = np.flatnonzero(blocked)
        if not len(local):
            return
        pool = np.ones((len(local), self.m), np.bool_)
        found: list[list[Violation]] = [[] for _ in local]
        for constraint, mask in masks:
            passing = pool & mask[local]
            empty: Bools = ~np.asarray(passing.any(axis=1))
            for position in np.flatnonzero(empty).tolist():
                found[position].append(constraint)
            pool = np.where(empty[:, None], pool, passing)
        for position, row in enumerate(rows[local].tolist()):
            self.reasons[row] = tuple(found[position])

    def unmatched(self) -> list[Unmatched]:
        matched = np.zeros(self.n, np.bool_)
        matched[self.chosen] = True
        left: list[Unmatched] = []
        for row in np.flatnonzero(~matched).tolist():
            degree = int(self.degree[row])
            if degree == 0:
                left.append(Unmatched(self.mentees[row], self.reasons[row], had_allowed=False))
            else:
                left.append(
                    Unmatched(
                        self.mentees[row],
                        (Violation.NO_CAPACITY,),
                        had_allowed=True,
                        allowed_count=degree,
                    )
                )
        return left


_Ids = npt.NDArray[np.int64]


def _top_edges(
    rows: npt.NDArray[np.intp], allowed: Bools, scores: Ints, top_k: int
) -> tuple[_Ids, _Ids, _Ids]:
    """Each row's ``top_k`` best allowed columns, as (row, column, score) edges."""
    masked = np.where(allowed, scores, -1)
    n_cols = masked.shape[1]
    if n_cols > top_k:
        cols = np.argpartition(masked, n_cols - top_k, axis=1)[:, n_cols - top_k :]
    else:
        cols = np.broadcast_to(np.arange(n_cols), masked.shape)
    values = np.take_along_axis(masked, cols, axis=1)
    keep = values >= 0
    row_index = np.broadcast_to(rows[:, None], cols.shape)
    return (
        row_index[keep].astype(np.int64),
        cols[keep].astype(np.int64),
        values[keep].astype(np.int64),
    )


def _unique_edges(tails: _Ids, heads: _Ids, gains: _Ids, n_cols: int) -> tuple[_Ids, _Ids, _Ids]:
    first = np.asarray(np.unique(tails * n_cols + heads, return_index=True)[1])
    return tails[first], heads[first], gains[first]
