"""/holidays: the curator enters the organization's holidays; meetings are not planned then.

Texts and buttons are in handlers/holiday_views.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.holidays import HolidayProblem, parse_range
from bot.meeting_sides import MeetingView
from bot.models.holidays import HolidayRow
from bot.outdated import Outdated
from bot.schedule import utc_to_local
from bot.screens import Screen
from bot.services import Services
from handlers.filters import curator_router
from handlers.holiday_views import (
    HolidayAdd,
    HolidayRemove,
    affected_text,
    already_deleted,
    holidays_screen,
    move_screen,
    problem_text,
    range_prompt,
)
from handlers.render import answer, edit
from handlers.states import HolidayDialogue


async def local_today(services: Services, organization_id: int) -> date:
    """Today where the organization is: holidays are its local dates."""
    organization = await services.organizations.get(organization_id)
    zone = organization.timezone if organization else services.settings.default_timezone
    return utc_to_local(services.clock.now(), zone).date()


async def holidays_view(
    services: Services, organization_id: int, note: str | None = None
) -> Screen:
    today = await local_today(services, organization_id)
    return holidays_screen(await services.holidays.listing(organization_id, today), note)


async def show_holidays(message: Message, services: Services, curator_org_id: int) -> None:
    await answer(message, await holidays_view(services, curator_org_id))


async def ask_range(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(HolidayDialogue.range)
    if isinstance(query.message, Message):
        await answer(query.message, range_prompt())


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
        await answer(message, Screen(problem_text(HolidayProblem.FORMAT)))
        return
    today = await local_today(services, curator_org_id)
    result = await services.holidays.add(curator_org_id, parsed[0], parsed[1], title, today)
    if isinstance(result, HolidayProblem):
        await answer(message, Screen(problem_text(result)))
        return
    await state.clear()
    affected = await services.meeting_changes.on_holidays(
        curator_org_id, result.starts_on, result.ends_on
    )
    await services.outbox.post(move_requests(affected, result), kind="holiday_move")
    await answer(
        message, await holidays_view(services, curator_org_id, affected_text(len(affected)))
    )


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
    current = await holidays_view(services, curator_org_id)
    if not removed:
        raise Outdated(already_deleted(), current=current)
    await edit(query, current)


def build_router() -> Router:
    router = curator_router("holidays")
    router.message.register(show_holidays, Command("holidays"))
    router.callback_query.register(ask_range, HolidayAdd.filter())
    router.callback_query.register(remove, HolidayRemove.filter())
    router.message.register(
        receive_range, StateFilter(HolidayDialogue.range), F.text, ~F.text.startswith("/")
    )
    return router
