"""/meetingsettings: the curator sets when reminders go out and how long a meeting lasts,
down to minutes, so that a school can rehearse a pilot in an afternoon; and, per form the
organization runs, the meeting a pair must have held to have completed the programme when the
curator finishes the cycle (:meth:`bot.cycles.CycleService.completion_minimum`; default: the
planning meeting).

Only the organization's curator reaches these handlers (the router's filter, read at every
press); a press for a form the organization no longer runs, or a forged meeting kind, changes
nothing. Texts and buttons are in handlers/meeting_settings_views.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.outdated import Outdated
from bot.screens import Screen
from bot.services import Services
from handlers.curator_views import form_title
from handlers.filters import curator_router
from handlers.meeting_settings_views import (
    CompletionEdit,
    CompletionStep,
    FormMinimum,
    SettingField,
    SettingsEdit,
    completion_choice,
    completion_saved,
    followup_problem_screen,
    form_gone,
    problem_screen,
    settings_screen,
    value_prompt,
)
from handlers.outdated import outdated_button_text
from handlers.render import answer, edit
from handlers.states import MeetingSettingsDialogue


async def form_minimums(services: Services, organization_id: int) -> list[FormMinimum]:
    return [
        FormMinimum(form.code, form_title(form), kind)
        for form, kind in await services.cycles.completion_minimums(organization_id)
    ]


async def settings_view(services: Services, organization_id: int) -> Screen:
    settings = await services.reminders.settings(organization_id)
    after = await services.followups.settings(organization_id)
    return settings_screen(
        settings.reminder_minutes,
        settings.meeting_minutes,
        after.followup_minutes,
        after.grace_days,
        await form_minimums(services, organization_id),
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


# --- completing the programme, per form --------------------------------------------------------


async def _minimum(services: Services, organization_id: int, form: str) -> FormMinimum:
    """The form's minimum as the settings show it; outdated (the settings shown as they are)
    when the organization does not run the form now."""
    found = [m for m in await form_minimums(services, organization_id) if m.code == form]
    if not found:
        raise Outdated(form_gone(), await settings_view(services, organization_id))
    return found[0]


async def on_completion_form(
    query: CallbackQuery, callback_data: CompletionEdit, services: Services, curator_org_id: int
) -> None:
    item = await _minimum(services, curator_org_id, callback_data.form)
    await edit(query, completion_choice(item))


async def on_completion_set(
    query: CallbackQuery,
    callback_data: CompletionEdit,
    callback_answer: CallbackAnswer,
    services: Services,
    curator_org_id: int,
) -> None:
    item = await _minimum(services, curator_org_id, callback_data.form)
    if item.kind.value == callback_data.kind:
        # A second tap, or the meeting already chosen: nothing to change.
        raise Outdated(current=await settings_view(services, curator_org_id))
    chosen = await services.cycles.change_completion_minimum(
        curator_org_id, callback_data.form, callback_data.kind
    )
    if chosen is None:  # a meeting kind no button of ours carries
        raise Outdated(outdated_button_text(), completion_choice(item))
    callback_answer.text = completion_saved(FormMinimum(item.code, item.title, chosen))
    await edit(query, await settings_view(services, curator_org_id))


async def on_completion_back(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    await edit(query, await settings_view(services, curator_org_id))


COMPLETION_STEPS: dict[CompletionStep, Callable[..., Awaitable[None]]] = {
    CompletionStep.FORM: on_completion_form,
    CompletionStep.SET: on_completion_set,
    CompletionStep.BACK: on_completion_back,
}


def build_router() -> Router:
    router = curator_router("meeting-settings")
    router.message.register(show_settings, Command("meetingsettings"))
    # One handler per field, registered by its value.
    for field in SettingField:
        router.callback_query.register(asker(field), SettingsEdit.filter(F.field == field))
    for step, handler in COMPLETION_STEPS.items():
        router.callback_query.register(handler, CompletionEdit.filter(F.action == step))
    router.message.register(
        receive_value, StateFilter(MeetingSettingsDialogue.value), F.text, ~F.text.startswith("/")
    )
    return router
