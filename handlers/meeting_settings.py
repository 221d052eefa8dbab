"""/meetingsettings: the curator sets when reminders go out and how long a meeting lasts,
down to minutes, so that a school can rehearse a pilot in an afternoon.

Texts and buttons are in handlers/meeting_settings_views.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.screens import Screen
from bot.services import Services
from handlers.filters import curator_router
from handlers.meeting_settings_views import (
    SettingField,
    SettingsEdit,
    followup_problem_screen,
    problem_screen,
    settings_screen,
    value_prompt,
)
from handlers.render import answer
from handlers.states import MeetingSettingsDialogue


async def settings_view(services: Services, organization_id: int) -> Screen:
    settings = await services.reminders.settings(organization_id)
    after = await services.followups.settings(organization_id)
    return settings_screen(
        settings.reminder_minutes,
        settings.meeting_minutes,
        after.followup_minutes,
        after.grace_days,
    )


async def show_settings(message: Message, services: Services, curator_org_id: int) -> None:
    await answer(message, await settings_view(services, curator_org_id))


def asker(field: SettingField) -> Callable[..., Awaitable[None]]:
    """The press on «Change …» of one field: the dialogue waits for its value."""

    async def ask_value(query: CallbackQuery, state: FSMContext) -> None:
        await state.set_state(MeetingSettingsDialogue.value)
        await state.set_data({"field": field.value})
        if isinstance(query.message, Message):
            await answer(query.message, value_prompt(field))

    return ask_value


async def receive_value(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    data = await state.get_data()
    field = data.get("field")
    typed = message.text or ""
    if field in (SettingField.FOLLOWUP, SettingField.GRACE):
        change = (
            services.followups.change_delay
            if field == SettingField.FOLLOWUP
            else services.followups.change_grace
        )
        problem = await change(curator_org_id, typed)
        if problem is not None:
            await answer(message, followup_problem_screen(problem))
            return
    else:
        if field == SettingField.REMINDERS:
            result = await services.reminders.change_reminders(curator_org_id, typed)
        else:
            result = await services.reminders.change_length(curator_org_id, typed)
        if result is not None:
            await answer(message, problem_screen(result))
            return
    await state.clear()
    await answer(message, await settings_view(services, curator_org_id))


def build_router() -> Router:
    router = curator_router("meeting-settings")
    router.message.register(show_settings, Command("meetingsettings"))
    # One handler per field, registered by its value.
    for field in SettingField:
        router.callback_query.register(asker(field), SettingsEdit.filter(F.field == field))
    router.message.register(
        receive_value, StateFilter(MeetingSettingsDialogue.value), F.text, ~F.text.startswith("/")
    )
    return router
