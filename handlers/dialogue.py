"""Buttons that belong to one step of an FSM dialogue (a "skip" under a question, say)."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message


async def dialogue_message(
    query: CallbackQuery, state: FSMContext, expected: State, field: str, value: int
) -> Message | None:
    """The message of a pressed button when the dialogue is still at that step: the FSM is in
    ``expected`` and its data holds ``value`` under ``field``. None for a button left from an
    earlier or another dialogue (or on a message too old to edit), which is outdated."""
    data = await state.get_data()
    if (
        await state.get_state() != expected.state
        or int(data.get(field) or 0) != value
        or not isinstance(query.message, Message)
    ):
        return None
    return query.message
