"""Every completion hook of the short forms, listed in one place (see
:mod:`handlers.completion_hooks`): what a completed form sets off is read here, not found by
searching for decorators."""

from __future__ import annotations

from handlers.completion_hooks import CompletionHooks
from handlers.cycles import final_poll_completed
from handlers.followups import on_compatibility


def default_hooks() -> CompletionHooks:
    hooks = CompletionHooks()
    # A "no" to "do you get on?" puts the pair on the curators' list at once.
    hooks.register("compatibility", on_compatibility)
    # A final poll may put the person in the mentor base: at once, not at the next tick.
    hooks.register("final_", final_poll_completed)
    return hooks
