"""Matching mentees with mentors (stages 4-5 of the cycle), free of Telegram and the database.

``profiles`` turns answers into candidates, ``constraints`` says which pairs are allowed,
``scoring`` how well they fit and why, ``assignment`` chooses pairs for a whole cohort, and
``engine.propose`` puts them together.

The engine's modules need numpy and OR-Tools, so they are loaded when first used (the names
below resolve on first access), not when the bot starts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.matching.constraints import Violation, blocking_reasons, violations
from bot.matching.profiles import Candidate, candidate_from_answers
from bot.matching.scoring import PartKind, Preferences, Score, ScorePart, Weights, score

if TYPE_CHECKING:
    from bot.matching.engine import MatchResult, Proposal, propose
    from bot.matching.unmatched import Unmatched

_LAZY = {
    "MatchResult": "bot.matching.engine",
    "Proposal": "bot.matching.engine",
    "propose": "bot.matching.engine",
    "Unmatched": "bot.matching.unmatched",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "Candidate",
    "MatchResult",
    "PartKind",
    "Preferences",
    "Proposal",
    "Score",
    "ScorePart",
    "Unmatched",
    "Violation",
    "Weights",
    "blocking_reasons",
    "candidate_from_answers",
    "propose",
    "score",
    "violations",
]
