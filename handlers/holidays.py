"""/holidays: the curator enters the organization's holidays; meetings are not planned then."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.holidays import HolidayProblem, parse_range
from bot.meeting_sides import MeetingView
from bot.models.holidays import HolidayRow
from bot.outdated import Outdated
from bot.schedule import utc_to_local
from bot.screens import Screen
from bot.services import Services
from handlers.callbacks import Id
from handlers.filters import curator_router
from handlers.meeting_texts import MeetPlan, meeting_text
from handlers.people import display_name
from handlers.render import screen_of
from handlers.states import HolidayDialogue


class HolidayAdd(CallbackData, prefix="hol1a"):
    pass


class HolidayRemove(CallbackData, prefix="hol1d"):
    holiday_id: Id


async def local_today(services: Services, organization_id: int) -> date:
    """Today where the organization is: holidays are its local dates."""
    organization = await services.organizations.get(organization_id)
    zone = organization.timezone if organization else services.settings.default_timezone
    return utc_to_local(services.clock.now(), zone).date()


async def holidays_view(
    services: Services, organization_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    today = await local_today(services, organization_id)
    rows = await services.holidays.listing(organization_id, today)
    builder = InlineKeyboardBuilder()
    if rows:
        lines = [_("<b>Holidays</b>: no meetings are planned on these days.")]
        for number, row in enumerate(rows, start=1):
            lines.append(
                f"{number}. {row.starts_on:%d.%m.%Y} – {row.ends_on:%d.%m.%Y}: "
                f"{hd.quote(row.title)}"
            )
            builder.button(
                text=_("Delete No. {n}").format(n=number),
                callback_data=HolidayRemove(holiday_id=row.id),
            )
    else:
        lines = [_("No holidays are entered. Meetings can be planned on any day.")]
    builder.button(text=_("Add holidays"), callback_data=HolidayAdd())
    builder.adjust(3)
    return "\n".join(lines), builder.as_markup()


async def show_holidays(message: Message, services: Services, curator_org_id: int) -> None:
    text, markup = await holidays_view(services, curator_org_id)
    await message.answer(text, reply_markup=markup)


async def ask_range(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(HolidayDialogue.range)
    if isinstance(query.message, Message):
        await query.message.answer(
            _(
                "Write the dates and the name in one message, for example:\n"
                "30.12.2026 – 10.01.2027 Winter holidays"
            )
        )


def problem_text(problem: HolidayProblem) -> str:
    return {
        HolidayProblem.FORMAT: _(
            "Please write two dates and a name, for example: "
            "30.12.2026 – 10.01.2027 Winter holidays"
        ),
        HolidayProblem.ORDER: _("The end comes before the start; please check the dates."),
        HolidayProblem.TOO_LONG: _("Holidays longer than 120 days look like a typo; please check."),
        HolidayProblem.PAST: _("These holidays are already over."),
        HolidayProblem.TITLE: _("Please add a name of up to 100 characters after the dates."),
    }[problem]


async def receive_range(
    message: Message,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    text = " ".join((message.text or "").split())
    # The name follows the second date: split after the date range.
    parts = text.split(" ")
    for cut in range(len(parts) - 1, 0, -1):
        parsed = parse_range(" ".join(parts[:cut]))
        if not isinstance(parsed, HolidayProblem):
            title = " ".join(parts[cut:])
            break
    else:
        await message.answer(problem_text(HolidayProblem.FORMAT))
        return
    today = await local_today(services, curator_org_id)
    result = await services.holidays.add(curator_org_id, parsed[0], parsed[1], title, today)
    if isinstance(result, HolidayProblem):
        await message.answer(problem_text(result))
        return
    await state.clear()
    affected = await services.meeting_changes.on_holidays(
        curator_org_id, result.starts_on, result.ends_on
    )
    await services.outbox.post(move_requests(affected, result), kind="holiday_move")
    text, markup = await holidays_view(services, curator_org_id)
    await message.answer(text + "\n\n" + affected_text(len(affected)), reply_markup=markup)


def affected_text(count: int) -> str:
    if not count:
        return _("No planned meeting falls on these holidays.")
    return (
        ngettext(
            "{n} planned meeting falls on these holidays.",
            "{n} planned meetings fall on these holidays.",
            count,
        ).format(n=count)
        + " "
        + _(
            "The mentor of each such pair is asked to choose another date; until then the "
            "meeting stays as it is."
        )
    )


def move_screen(view: MeetingView, holiday: HolidayRow, to_mentor: bool) -> Screen:
    """A meeting agreed before the holidays were entered: the mentor gets the usual «Move»
    (the button of /meetings), the mentee hears that the mentor will propose another date.
    The meeting is not cancelled: it stays until the pair moves it."""
    people = view.side.people
    values = {"title": hd.quote(holiday.title), "meeting": meeting_text(view)}
    if not to_mentor:
        mentor_name = display_name(people.mentor.id, people.mentor_answers)
        return Screen(
            _(
                "The curator has entered holidays ({title}), and this meeting falls on "
                "them:\n{meeting}\n{name} will propose another date."
            ).format(name=hd.quote(mentor_name), **values)
        )
    text = _(
        "The curator has entered holidays ({title}), and this meeting falls on "
        "them:\n{meeting}\nPlease choose another date with «Move». Until then the "
        "meeting stays as it is."
    ).format(**values)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Move"), callback_data=MeetPlan(pair_id=people.pair.id, replaces=view.meeting.id)
    )
    return screen_of(text, builder.as_markup())


def move_requests(
    affected: list[MeetingView], holiday: HolidayRow
) -> list[tuple[int, Callable[[], Screen]]]:
    """Both sides of each affected meeting, each to be told in their own language."""
    messages: list[tuple[int, Callable[[], Screen]]] = []
    for view in affected:
        people = view.side.people
        for person, to_mentor in ((people.mentor, True), (people.mentee, False)):
            messages.append((person.telegram_id, partial(move_screen, view, holiday, to_mentor)))
    return messages


async def remove(
    query: CallbackQuery,
    callback_data: HolidayRemove,
    services: Services,
    curator_org_id: int,
) -> None:
    removed = await services.holidays.remove(curator_org_id, callback_data.holiday_id)
    text, markup = await holidays_view(services, curator_org_id)
    if not removed:
        raise Outdated(
            _("Already deleted: here is the current list."), current=screen_of(text, markup)
        )
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)


def build_router() -> Router:
    router = curator_router("holidays")
    router.message.register(show_holidays, Command("holidays"))
    router.callback_query.register(ask_range, HolidayAdd.filter())
    router.callback_query.register(remove, HolidayRemove.filter())
    router.message.register(
        receive_range, StateFilter(HolidayDialogue.range), F.text, ~F.text.startswith("/")
    )
    return router
