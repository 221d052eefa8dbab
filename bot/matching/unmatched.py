"""Why mentees are left without a proposal: no mentor of their organization and form, no
allowed mentor (the constraints that rule them all out), or no free place among the allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.matching.constraints import Violation
from bot.matching.profiles import Candidate
from bot.matching.vectors import Bools


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


def outside_groups(
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
    mentor_groups: dict[tuple[int, str], list[Candidate]],
) -> dict[int, Unmatched]:
    """The mentees with no mentor of their organization and form, by participant id."""
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
    return left_out


def blocked_reasons(
    rows: npt.NDArray[np.intp],
    blocked: Bools,
    masks: list[tuple[Violation, Bools]],
    n_mentors: int,
) -> dict[int, tuple[Violation, ...]]:
    """:func:`bot.matching.constraints.blocking_reasons` for the mentees of ``rows``
    with no allowed mentor, all at once (organization and form hold in a group)."""
    reasons: dict[int, tuple[Violation, ...]] = {}
    local = np.flatnonzero(blocked)
    if not len(local):
        return reasons
    pool = np.ones((len(local), n_mentors), np.bool_)
    found: list[list[Violation]] = [[] for _ in local]
    for constraint, mask in masks:
        passing = pool & mask[local]
        empty: Bools = ~np.asarray(passing.any(axis=1))
        for position in np.flatnonzero(empty).tolist():
            found[position].append(constraint)
        pool = np.where(empty[:, None], pool, passing)
    for position, row in enumerate(rows[local].tolist()):
        reasons[row] = tuple(found[position])
    return reasons


def left_in_group(
    mentees: Sequence[Candidate],
    degree: npt.NDArray[np.int64],
    reasons: dict[int, tuple[Violation, ...]],
    chosen: npt.NDArray[np.int64],
) -> list[Unmatched]:
    """The mentees of a group not among the ``chosen`` rows, with ``degree`` allowed mentors
    each and the ``reasons`` of those with none."""
    matched = np.zeros(len(mentees), np.bool_)
    matched[chosen] = True
    left: list[Unmatched] = []
    for row in np.flatnonzero(~matched).tolist():
        degree_of_row = int(degree[row])
        if degree_of_row == 0:
            left.append(Unmatched(mentees[row], reasons[row], had_allowed=False))
        else:
            left.append(
                Unmatched(
                    mentees[row],
                    (Violation.NO_CAPACITY,),
                    had_allowed=True,
                    allowed_count=degree_of_row,
                )
            )
    return left
