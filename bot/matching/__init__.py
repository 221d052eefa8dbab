"""Matching mentees with mentors (stages 4-5 of the cycle), free of Telegram and the database.

``profiles`` turns answers into candidates, ``constraints`` says which pairs are allowed,
``scoring`` how well they fit and why, ``assignment`` chooses pairs for a whole cohort, and
``engine.propose`` puts them together.
"""

from bot.matching.constraints import Violation, blocking_reasons, violations
from bot.matching.engine import MatchResult, Proposal, propose
from bot.matching.profiles import Candidate, candidate_from_answers
from bot.matching.scoring import PartKind, Preferences, Score, ScorePart, Weights, score
from bot.matching.unmatched import Unmatched

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
