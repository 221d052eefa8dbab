"""Whole-cohort assignment: as many mentees matched as possible, then the highest total score.

A min-cost max-flow on source -> mentee (capacity 1) -> mentor (capacity 1, cost from the
score) -> sink (capacity = the mentor's free places), solved by OR-Tools'
``SimpleMinCostFlow.solve_max_flow_with_min_cost``: it finds a maximum flow (the most
mentees matched) and, among maximum flows, one of least cost. The cost of an edge is
``best - score`` (``best`` being the highest score of any edge), never negative; with the flow
fixed at F pairs the total cost is ``F * best - total score``, so the least cost is the
highest total score. Both criteria hold exactly, over the edges given.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow, min_cost_flow

IntArray = npt.NDArray[np.int64]


class AssignmentError(RuntimeError):
    """OR-Tools did not find an optimal flow (it always should on valid input)."""


def assign(
    n_mentees: int, capacities: Sequence[int], edges: Sequence[tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """The chosen (mentee index, mentor index) pairs, by mentee index.

    ``edges`` are (mentee index, mentor index, integer score) of allowed pairs; a mentor
    index ``j`` takes at most ``capacities[j]`` mentees, a mentee at most one mentor.
    """
    table = np.asarray(edges, dtype=np.int64).reshape(-1, 3)
    mentees, mentors = assign_arrays(
        n_mentees, np.asarray(capacities, dtype=np.int64), table[:, 0], table[:, 1], table[:, 2]
    )
    return list(zip(mentees.tolist(), mentors.tolist(), strict=True))


def assign_arrays(
    n_mentees: int,
    capacities: npt.ArrayLike,
    mentees: npt.ArrayLike,
    mentors: npt.ArrayLike,
    scores: npt.ArrayLike,
) -> tuple[IntArray, IntArray]:
    """:func:`assign` on arrays (one entry per edge): the chosen mentee and mentor indices,
    by mentee index. No Python object per edge, so millions of edges fit in memory."""
    caps, tails, heads, gains = _checked(n_mentees, capacities, mentees, mentors, scores)
    n_mentors = len(caps)
    if len(tails) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    source, sink = n_mentees + n_mentors, n_mentees + n_mentors + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    mentee_nodes = np.arange(n_mentees, dtype=np.int32)
    mentor_nodes = np.arange(n_mentees, n_mentees + n_mentors, dtype=np.int32)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n_mentees, source, np.int32),
        mentee_nodes,
        np.ones(n_mentees, np.int64),
        np.zeros(n_mentees, np.int64),
    )
    first_edge_arc = n_mentees
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        (heads + n_mentees).astype(np.int32),
        np.ones(len(tails), np.int64),
        gains.max() - gains,
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        mentor_nodes, np.full(n_mentors, sink, np.int32), caps, np.zeros(n_mentors, np.int64)
    )
    # Supply enough for every mentee; the max-flow variant sends what the network can carry.
    flow.set_node_supply(source, n_mentees)
    flow.set_node_supply(sink, -n_mentees)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise AssignmentError(f"min cost flow: {status!r}")
    arcs = np.arange(first_edge_arc, first_edge_arc + len(tails), dtype=np.int32)
    used = flow.flows(arcs) > 0
    return _by_mentee(tails[used], heads[used])


def max_matched(
    n_mentees: int, capacities: npt.ArrayLike, mentees: npt.ArrayLike, mentors: npt.ArrayLike
) -> IntArray:
    """The positions of the edges of a largest set of pairs, scores ignored (OR-Tools' max
    flow). Cheaper than :func:`assign_arrays`; the engine uses it to check and restore "as
    many mentees as possible" on the whole graph of allowed pairs."""
    zeros = np.zeros(np.shape(mentees), np.int64)
    caps, tails, heads, _ = _checked(n_mentees, capacities, mentees, mentors, zeros)
    n_mentors = len(caps)
    if len(tails) == 0:
        return np.empty(0, np.int64)
    source, sink = n_mentees + n_mentors, n_mentees + n_mentors + 1
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(
        np.full(n_mentees, source, np.int32),
        np.arange(n_mentees, dtype=np.int32),
        np.ones(n_mentees, np.int64),
    )
    first_edge_arc = n_mentees
    flow.add_arcs_with_capacity(
        tails.astype(np.int32), (heads + n_mentees).astype(np.int32), np.ones(len(tails), np.int64)
    )
    flow.add_arcs_with_capacity(
        np.arange(n_mentees, n_mentees + n_mentors, dtype=np.int32),
        np.full(n_mentors, sink, np.int32),
        caps,
    )
    status = flow.solve(source, sink)
    if status != flow.OPTIMAL:
        raise AssignmentError(f"max flow: {status!r}")
    arcs = np.arange(first_edge_arc, first_edge_arc + len(tails), dtype=np.int32)
    return np.flatnonzero(flow.flows(arcs) > 0).astype(np.int64)


def _checked(
    n_mentees: int,
    capacities: npt.ArrayLike,
    mentees: npt.ArrayLike,
    mentors: npt.ArrayLike,
    scores: npt.ArrayLike,
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    caps = np.asarray(capacities, dtype=np.int64).ravel()
    tails = np.asarray(mentees, dtype=np.int64).ravel()
    heads = np.asarray(mentors, dtype=np.int64).ravel()
    gains = np.asarray(scores, dtype=np.int64).ravel()
    if n_mentees < 0 or not len(tails) == len(heads) == len(gains):
        raise ValueError("edges need a mentee, a mentor and a score each")
    if len(tails) and (
        tails.min() < 0 or tails.max() >= n_mentees or heads.min() < 0 or heads.max() >= len(caps)
    ):
        raise ValueError("an edge names a mentee or a mentor that does not exist")
    if n_mentees + len(caps) + 2 > np.iinfo(np.int32).max:
        raise ValueError("too many nodes for OR-Tools")
    return np.maximum(caps, 0), tails, heads, gains


def _by_mentee(tails: IntArray, heads: IntArray) -> tuple[IntArray, IntArray]:
    order = np.argsort(tails, kind="stable")
    return tails[order], heads[order]
