"""FSM states of the dialogues and the names people know them by."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import gettext as _


class SupportDialogue(StatesGroup):
    topic = State()
    body = State()
    confirm = State()


class NewOrganization(StatesGroup):
    name = State()
    timezone = State()


class OwnFormDialogue(StatesGroup):
    title = State()


class AnnounceDialogue(StatesGroup):
    text = State()  # the audience is chosen, the text is awaited
    confirm = State()  # the preview is shown


def dialogue_title(state: str) -> str:
    group = state.split(":", 1)[0]
    if group == NewOrganization.__full_group_name__:
        return _("creating an organization")
    if group == OwnFormDialogue.__full_group_name__:
        return _("adding a form of mentorship")
    if group == AnnounceDialogue.__full_group_name__:
        return _("writing an announcement")
    if group == SupportDialogue.__full_group_name__:
        return _("the message to support")
    return _("the current dialogue")
