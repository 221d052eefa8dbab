"""/meetingsettings: the curator sets when reminders go out and how long a meeting lasts,
down to minutes, so that a school can rehearse a pilot in an afternoon."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.followups import FollowupSettingsProblem
from bot.reminders import SettingsProblem
from bot.services import Services
from handlers.filters import curator_router
from handlers.states import MeetingSettingsDialogue


class SettingsEdit(CallbackData, prefix="mst1"):
    field: str  # reminders, length, followup or grace


async def settings_view(
    services: Services, organization_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    settings = await services.reminders.settings(organization_id)
    after = await services.followups.settings(organization_id)
    minutes = ", ".join(str(m) for m in settings.reminder_minutes)
    last = settings.reminder_minutes[-1] if settings.reminder_minutes else 0
    length = settings.meeting_minutes
    lines = [
        _("<b>Meeting settings</b>"),
        # Plural by the last number of the list: «за 1440, 60 минут».
        ngettext(
            "Reminders: {minutes} minute before a meeting",
            "Reminders: {minutes} minutes before a meeting",
            last,
        ).format(minutes=minutes),
        ngettext(
            "Usual length of a meeting: {length} minute",
            "Usual length of a meeting: {length} minutes",
            length,
        ).format(length=length),
        "",
        _("New values apply to meetings confirmed from now on."),
        "",
        ngettext(
            "«Did the meeting take place?» comes {n} minute after a meeting ends.",
            "«Did the meeting take place?» comes {n} minutes after a meeting ends.",
            after.followup_minutes,
        ).format(n=after.followup_minutes),
        ngettext(
            "A pair without a meeting for 14 days and {n} more day gets a reminder.",
            "A pair without a meeting for 14 days and {n} more days gets a reminder.",
            after.grace_days,
        ).format(n=after.grace_days),
    ]
    text = "\n".join(lines)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Change the reminders"), callback_data=SettingsEdit(field="reminders"))
    builder.button(text=_("Change the length"), callback_data=SettingsEdit(field="length"))
    builder.button(
        text=_("Change the follow-up delay"), callback_data=SettingsEdit(field="followup")
    )
    builder.button(text=_("Change the grace days"), callback_data=SettingsEdit(field="grace"))
    builder.adjust(1)
    return text, builder.as_markup()


async def show_settings(message: Message, services: Services, curator_org_id: int) -> None:
    text, markup = await settings_view(services, curator_org_id)
    await message.answer(text, reply_markup=markup)


async def ask_value(query: CallbackQuery, callback_data: SettingsEdit, state: FSMContext) -> None:
    await state.set_state(MeetingSettingsDialogue.value)
    await state.set_data({"field": callback_data.field})
    if not isinstance(query.message, Message):
        return
    if callback_data.field == "reminders":
        await query.message.answer(
            _(
                "How many minutes before a meeting should reminders come? Up to three numbers "
                "separated by commas, from 1 to 10080 (a week), for example: 1440, 60"
            )
        )
    elif callback_data.field == "followup":
        await query.message.answer(
            _(
                "How many minutes after a meeting ends should «Did the meeting take place?» "
                "come? From 1 to 10080 (a week)."
            )
        )
    elif callback_data.field == "grace":
        await query.message.answer(
            _(
                "How many days beyond the 14 days may a pair go without a meeting before it "
                "gets a reminder? From 0 to 30."
            )
        )
    else:
        await query.message.answer(
            _("How many minutes does a meeting usually last? From 5 to 600.")
        )


def problem_text(problem: SettingsProblem) -> str:
    return {
        SettingsProblem.REMINDERS: _(
            "Please write one to three whole numbers from 1 to 10080, separated by commas."
        ),
        SettingsProblem.LENGTH: _("Please write a whole number from 5 to 600."),
    }[problem]


def followup_problem_text(problem: FollowupSettingsProblem) -> str:
    if problem is FollowupSettingsProblem.DELAY:
        return _("Please write a whole number from 1 to 10080.")
    return _("Please write a whole number from 0 to 30.")


async def receive_value(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    data = await state.get_data()
    field = data.get("field")
    if field in ("followup", "grace"):
        change = (
            services.followups.change_delay
            if field == "followup"
            else services.followups.change_grace
        )
        problem = await change(curator_org_id, message.text or "")
        if problem is not None:
            await message.answer(followup_problem_text(problem))
            return
        await state.clear()
        text, markup = await settings_view(services, curator_org_id)
        await message.answer(text, reply_markup=markup)
        return
    if field == "reminders":
        result = await services.reminders.change_reminders(curator_org_id, message.text or "")
    else:
        result = await services.reminders.change_length(curator_org_id, message.text or "")
    if result is not None:
        await message.answer(problem_text(result))
        return
    await state.clear()
    text, markup = await settings_view(services, curator_org_id)
    await message.answer(text, reply_markup=markup)


def build_router() -> Router:
    router = curator_router("meeting-settings")
    router.message.register(show_settings, Command("meetingsettings"))
    router.callback_query.register(ask_value, SettingsEdit.filter())
    router.message.register(
        receive_value, StateFilter(MeetingSettingsDialogue.value), F.text, ~F.text.startswith("/")
    )
    return router
