"""The short form each side of a speed mentoring conversation answers after its round: how
useful the conversation was, and whether they would like to go on working with that person
(the documents: a speed meeting helps «наладить отношения „наставник — наставляемый“»)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from dialogs.i18n import A_, N_

USEFULNESS_SCALE: Final = (1, 2, 3, 4, 5)
USEFULNESS_QUESTION: Final = A_(
    "How useful was your conversation with {name}? (1 — not at all, 5 — very)"
)


class GoOn(StrEnum):
    """Would you like to go on working with this person as a pair?"""

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


GO_ON_QUESTION: Final = A_("Would you like to go on working with {name} as a pair?")
GO_ON_TITLES: Final = {
    GoOn.YES: N_("Yes"),
    GoOn.MAYBE: N_("Perhaps"),
    GoOn.NO: N_("No"),
}
