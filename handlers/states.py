"""FSM states of the dialogues and the names people know them by."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import gettext as _


class SupportDialogue(StatesGroup):
    topic = State()
    body = State()
    confirm = State()


def dialogue_title(state: str) -> str:
    group = state.split(":", 1)[0]
    if group == SupportDialogue.__full_group_name__:
        return _("the message to support")
    return _("the current dialogue")
