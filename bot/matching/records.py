"""What a matching run stores: each proposal's explanation and why each mentee was left out.

The records are plain JSON, read back by the curator's views long after the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from bot.matching.constraints import Violation, violations
from bot.matching.profiles import Candidate
from bot.matching.scoring import Score
from dialogs.model import OTHER

if TYPE_CHECKING:  # the module itself needs numpy, which a bot at rest does not load
    from bot.matching.unmatched import Unmatched


def explanation_of(score: Score, mentee: Candidate) -> list[dict[str, Any]]:
    """The score's parts as stored with a proposal; a matched typed "other" request is kept as
    the text itself, since that is what the curator needs to read."""
    parts = []
    for part in score.parts:
        matched = [
            mentee.topic_other if code == OTHER and mentee.topic_other else code
            for code in part.matched
        ]
        parts.append({"kind": part.kind.value, "points": part.points, "matched": matched})
    return parts


def waits_for_places(
    mentee: Candidate, full: Sequence[Candidate], rejected: AbstractSet[tuple[int, int]]
) -> bool:
    """A mentor already without free places would otherwise suit ``mentee``: the mentee waits
    for a place, which is not the same as waiting for a mentor of another profile."""
    return any(
        not [v for v in violations(mentee, mentor, rejected) if v is not Violation.NO_CAPACITY]
        for mentor in full
    )


def unmatched_records(
    unmatched: Sequence[Unmatched],
    full: Sequence[Candidate],
    rejected: AbstractSet[tuple[int, int]],
) -> list[dict[str, Any]]:
    """``reasons`` ["no_capacity"] with ``had_allowed`` false: suitable mentors exist but were
    full before the run (``full`` holds the admitted mentors without free places, whom the
    engine never sees). With ``had_allowed`` true the places went to other mentees in the run.
    """
    records = []
    for item in unmatched:
        reasons = [reason.value for reason in item.reasons]
        if not item.had_allowed and waits_for_places(item.mentee, full, rejected):
            reasons = [Violation.NO_CAPACITY.value]
        records.append(
            {
                "mentee_id": item.mentee.participant_id,
                "reasons": reasons,
                "had_allowed": item.had_allowed,
            }
        )
    return records
