"""Pairs of a mentor and a mentee, and a pair about to be made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The end reason of a pair and the cancel reason of its meetings when one side withdrew their
# consent; also the text shown for the empty side. Stored as this English text and translated
# where it is shown («участник отозвал согласие»).
WITHDRAWN = "participant withdrew consent"


@dataclass(frozen=True)
class Pair:
    id: int
    organization_id: int
    # None: that side withdrew their consent and was erased; the pair, its meetings and the
    # other side's answers stay. Only an ended pair can have an empty side (the database
    # ends a pair before its participant is deleted, and refuses an active pair without one).
    mentor_id: int | None
    mentee_id: int | None
    form: str
    started_on: date
    ended_on: date | None
    end_reason: str | None
    directive: bool
    # Stage 7: the cycle the pair works in; completed = went through the whole cycle.
    cycle_id: int | None = None
    completed: bool = False
    results: str | None = None
    good_practice: bool = False

    @property
    def present(self) -> tuple[int, ...]:
        """The ids of the sides still taking part: both, unless one withdrew."""
        return tuple(i for i in (self.mentor_id, self.mentee_id) if i is not None)


@dataclass(frozen=True)
class ActivePair(Pair):
    """A pair still working: it always has both sides (the database refuses an active pair
    without one, and a withdrawal ends the pair before the person is deleted)."""

    mentor_id: int
    mentee_id: int


@dataclass(frozen=True)
class NewPair:
    organization_id: int
    mentor_id: int
    mentee_id: int
    form: str
    started_on: date
    directive: bool
    proposal_id: int | None
