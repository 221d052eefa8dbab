"""A press that no longer applies: one exception for every handler, answered in one place.

A double tap, an old message, an already decided proposal, a forged or out-of-range id: the
service or handler raises :class:`Outdated` and stops; the outdated-press middleware answers
the press with a short notice (by default "already done") and, when the exception carries
it, shows the current state in place of the old message. Nothing apologises for a press whose
first tap succeeded.
"""

from __future__ import annotations

from bot.screens import Screen


class Outdated(Exception):
    def __init__(self, notice: str | None = None, current: Screen | None = None) -> None:
        super().__init__(notice or "outdated press")
        self.notice = notice  # already translated; None means the standard notice
        self.current = current  # the state to show instead of the old message, if known
