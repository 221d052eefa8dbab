"""A form's current question as a screen, for the jobs that queue forms in the outbox.

The runner in :mod:`handlers.responses` sends one form to one person and waits; a job that
opens hundreds at once (the final polls of a closing cycle) opens each response through the
service and queues this screen instead, so they go within the rate limit.
"""

from __future__ import annotations

from bot.responses import FormStep
from bot.screens import Screen
from handlers.render import screen_of
from handlers.responses import _heading, initial_selection, question_keyboard, question_text


def form_screen(step: FormStep, minor: bool, intro: str | None = None) -> Screen:
    """Called in the reader's language (inside the outbox's render); a minor reads «ты»."""
    selected = initial_selection(step)
    heading = _heading(step, intro, minor)
    return screen_of(question_text(step, minor, heading), question_keyboard(step, selected))
