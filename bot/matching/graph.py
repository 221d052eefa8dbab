"""The candidate graph of a cohort: which mentee may have which mentor, and how well they fit.

Organization and form are hard constraints and every mentor has one form, so the cohort
falls apart into independent groups (organization, form). Within a group the constraints
and scores are computed with numpy (:mod:`vectors`) in blocks of mentees, so memory stays
bounded whatever the size; each mentee keeps its ``top_k`` best allowed mentors as edges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.matching.constraints import OLDER_MENTOR_FORMS, Violation
from bot.matching.profiles import Candidate
from bot.matching.scoring import Preferences, Weights
from bot.matching.unmatched import blocked_reasons
from bot.matching.vectors import Bools, Ints, encode, pairs_matrix, pass_masks, totals

# About this many mentee-mentor pairs are evaluated at once (a few tens of MB of arrays).
BLOCK_PAIRS = 1 << 21

GroupKey = tuple[int, str]  # (organization id, form)

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CandidateGraph:
    """The edges :func:`bot.matching.engine.propose` starts from, over the whole cohort:
    mentee ``tails[i]`` may have mentor ``heads[i]`` with score ``scores[i]`` (indices into
    the sequences given)."""

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
    (:func:`bot.matching.engine.propose` builds the same edges group by group)."""
    mentee_index = {id(c): i for i, c in enumerate(mentees)}
    mentor_index = {id(c): j for j, c in enumerate(mentors)}
    mentee_groups, mentor_groups = grouped(mentees, mentors)
    pairs = GroupPairs.locate(mentee_groups, mentor_groups, preferences, rejected)
    tails, heads, scores = [np.empty(0, np.int64)], [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for key, group_mentees in mentee_groups.items():
        group = Group(
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


def grouped(
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
class GroupPairs:
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
    ) -> dict[GroupKey, GroupPairs]:
        found = {key: cls(([], []), ([], []), ([], [])) for key in mentee_groups}
        mentee_at = {
            c.participant_id: (key, row)
            for key, cands in mentee_groups.items()
            for row, c in enumerate(cands)
        }
        # A mentor in several forms is in several groups: found by id and group.
        mentor_at = {
            (c.participant_id, key): row
            for key, cands in mentor_groups.items()
            if key in found
            for row, c in enumerate(cands)
        }

        def add(kind: str, mentee_id: int, mentor_id: int) -> None:
            mentee = mentee_at.get(mentee_id)
            mentor = None if mentee is None else mentor_at.get((mentor_id, mentee[0]))
            if mentee is not None and mentor is not None:
                rows, cols = getattr(found[mentee[0]], kind)
                rows.append(mentee[1])
                cols.append(mentor)

        for mentee_id, mentor_id in rejected:
            add("rejected", mentee_id, mentor_id)
        for mentee_id, chosen in preferences.by_mentee.items():
            for mentor_id in chosen:
                add("by_mentee", mentee_id, mentor_id)
        for mentor_id, chosen in preferences.by_mentor.items():
            for mentee_id in chosen:
                add("by_mentor", mentee_id, mentor_id)
        return found


class Group:
    """The mentees and mentors of one organization and form."""

    def __init__(
        self,
        mentees: Sequence[Candidate],
        mentors: Sequence[Candidate],
        *,
        older_rule: bool,
        weights: Weights,
        pairs: GroupPairs,
        top_k: int,
    ) -> None:
        self.mentees, self.mentors = mentees, mentors
        self.n, self.m = len(mentees), len(mentors)
        self.older_rule, self.weights, self.top_k = older_rule, weights, top_k
        self.side_mentees, self.side_mentors = encode(mentees, mentors)

        def arrays(found: tuple[list[int], list[int]]) -> tuple[Ids, Ids]:
            return np.array(found[0], np.int64), np.array(found[1], np.int64)

        self.rejected = arrays(pairs.rejected)
        self.by_mentee = arrays(pairs.by_mentee)
        self.by_mentor = arrays(pairs.by_mentor)
        self.degree = np.zeros(self.n, np.int64)
        self.reasons: dict[int, tuple[Violation, ...]] = {}
        self.reachable = np.zeros(self.m, np.bool_)

    def blocks(self, rows: npt.NDArray[np.intp]) -> list[npt.NDArray[np.intp]]:
        size = max(1, BLOCK_PAIRS // self.m)
        return [rows[start : start + size] for start in range(0, len(rows), size)]

    def evaluate(
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

    def top_edges(self) -> tuple[Ids, Ids, Ids]:
        """Each mentee's ``top_k`` best allowed mentors as (row, column, score) edges; also
        records the degrees, the mentors reached and the reasons of mentees with none."""
        edge_rows: list[Ids] = []
        edge_cols: list[Ids] = []
        edge_scores: list[Ids] = []
        for rows in self.blocks(np.arange(self.n)):
            masks, allowed, scores = self.evaluate(rows)
            degree = allowed.sum(axis=1)
            self.degree[rows] = degree
            self.reachable |= allowed.any(axis=0)
            found = _top_edges(rows, allowed, scores, self.top_k)
            edge_rows.append(found[0])
            edge_cols.append(found[1])
            edge_scores.append(found[2])
            self.reasons.update(blocked_reasons(rows, degree == 0, masks, self.m))
        return np.concatenate(edge_rows), np.concatenate(edge_cols), np.concatenate(edge_scores)


def _top_edges(
    rows: npt.NDArray[np.intp], allowed: Bools, scores: Ints, top_k: int
) -> tuple[Ids, Ids, Ids]:
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
