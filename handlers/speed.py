"""/speed: the curator organizes a speed mentoring session and sees who met whom; the
participants answer two short questions after each round. The schedules and the questions are
sent by jobs/speed.py through the outbox; the rules are in bot/speed_sessions.py, the texts in
handlers/speed_views.py."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.outdated import Outdated
from bot.screens import Screen
from bot.services import Services
from bot.speed_sessions import MAX_SIDE, PLACE_LIMIT, ROUND_MINUTES, Seat, SpeedProblem
from handlers.address import is_minor
from handlers.filters import curator_router
from handlers.render import answer, edit
from handlers.speed_views import (
    SpeedCreate,
    SpeedDone,
    SpeedForm,
    SpeedGoOn,
    SpeedLength,
    SpeedMenu,
    SpeedNew,
    SpeedRate,
    SpeedRole,
    SpeedShow,
    SpeedToggle,
    confirm_screen,
    form_pick_screen,
    go_on_screen,
    length_screen,
    pick_screen,
    place_prompt,
    problem_text,
    sessions_screen,
    start_prompt,
    summary_screen,
    thanks_text,
)
from handlers.states import SpeedDialogue
from handlers.texts import current_locale
from jobs.speed import deliver_speed


async def _sessions(services: Services, organization_id: int) -> Screen:
    return sessions_screen(
        await services.speed.sessions(organization_id),
        await services.speed.forms(organization_id),
        current_locale(),
        await services.speed.timezone(organization_id),
    )


async def show_sessions(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    if await _in_dialogue(state):
        await state.clear()
    await answer(message, await _sessions(services, curator_org_id))


async def on_menu(
    query: CallbackQuery, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    if await _in_dialogue(state):
        await state.clear()
    await edit(query, await _sessions(services, curator_org_id))


async def on_new(
    query: CallbackQuery, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    forms = await services.speed.forms(curator_org_id)
    if not forms:
        raise Outdated(current=await _sessions(services, curator_org_id))
    await state.clear()
    await edit(query, form_pick_screen(forms))


async def on_form(
    query: CallbackQuery,
    callback_data: SpeedForm,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    forms = await services.speed.forms(curator_org_id)
    if callback_data.form not in {form.code for form in forms}:
        raise Outdated(problem_text(SpeedProblem.NOT_SPEED))
    await state.set_state(SpeedDialogue.start)
    await state.set_data({"form": callback_data.form})
    await edit(query, start_prompt())


async def on_start(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    timezone = await services.speed.timezone(curator_org_id)
    starts_at = services.speed.start_of(message.text or "", timezone)
    if isinstance(starts_at, SpeedProblem):
        await message.answer(problem_text(starts_at))
        return
    await state.update_data(starts_at=starts_at.isoformat())
    await state.set_state(SpeedDialogue.place)
    await answer(message, place_prompt())


async def on_place(message: Message, state: FSMContext) -> None:
    place = " ".join((message.text or "").split())
    if not 1 <= len(place) <= PLACE_LIMIT:
        await message.answer(problem_text(SpeedProblem.BAD_PLACE))
        return
    await state.update_data(place=place)
    await state.set_state(SpeedDialogue.picking)
    await answer(message, length_screen())


async def _picking(state: FSMContext) -> dict[str, object]:
    """The draft of a session being organized; a press from another step is outdated."""
    if await state.get_state() != SpeedDialogue.picking.state:
        raise Outdated()
    data = await state.get_data()
    if not data.get("form") or not data.get("starts_at") or not data.get("place"):
        raise Outdated()
    return data


async def on_length(
    query: CallbackQuery,
    callback_data: SpeedLength,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    data = await _picking(state)
    if callback_data.minutes not in ROUND_MINUTES:
        raise Outdated(problem_text(SpeedProblem.BAD_LENGTH))
    await state.update_data(minutes=callback_data.minutes, mentor=[], mentee=[])
    mentors, _mentees = await services.speed.seats(curator_org_id, str(data["form"]))
    await edit(query, pick_screen(SpeedRole.MENTOR, mentors, []))


async def _seats(
    services: Services, organization_id: int, form: str, role: SpeedRole
) -> list[Seat]:
    mentors, mentees = await services.speed.seats(organization_id, form)
    return mentors if role is SpeedRole.MENTOR else mentees


def _chosen(data: dict[str, object], role: SpeedRole) -> list[int]:
    value = data.get(role.value)
    return [int(i) for i in value] if isinstance(value, list) else []


async def on_toggle(
    query: CallbackQuery,
    callback_data: SpeedToggle,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    data = await _picking(state)
    if "minutes" not in data:
        raise Outdated()
    role = callback_data.role
    seats = await _seats(services, curator_org_id, str(data["form"]), role)
    if callback_data.participant_id not in {seat.participant.id for seat in seats}:
        raise Outdated(problem_text(SpeedProblem.NOT_CANDIDATE))
    chosen = _chosen(data, role)
    if callback_data.participant_id in chosen:
        chosen.remove(callback_data.participant_id)
    elif len(chosen) >= MAX_SIDE:
        callback_answer.text = problem_text(SpeedProblem.TOO_MANY)
        return
    else:
        chosen.append(callback_data.participant_id)
    await state.update_data({role.value: chosen})
    await edit(query, pick_screen(role, seats, chosen))


async def on_done(
    query: CallbackQuery,
    callback_data: SpeedDone,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    data = await _picking(state)
    if "minutes" not in data:
        raise Outdated()
    role = callback_data.role
    if not _chosen(data, role):
        callback_answer.text = problem_text(SpeedProblem.TOO_FEW)
        return
    if role is SpeedRole.MENTOR:
        seats = await _seats(services, curator_org_id, str(data["form"]), SpeedRole.MENTEE)
        await edit(query, pick_screen(SpeedRole.MENTEE, seats, _chosen(data, SpeedRole.MENTEE)))
        return
    await edit(
        query,
        confirm_screen(
            datetime.fromisoformat(str(data["starts_at"])),
            str(data["place"]),
            int(str(data["minutes"])),
            len(_chosen(data, SpeedRole.MENTOR)),
            len(_chosen(data, SpeedRole.MENTEE)),
            current_locale(),
            await services.speed.timezone(curator_org_id),
        ),
    )


async def on_create(
    query: CallbackQuery,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    data = await _picking(state)
    mentors, mentees = _chosen(data, SpeedRole.MENTOR), _chosen(data, SpeedRole.MENTEE)
    if "minutes" not in data or not mentors or not mentees:
        raise Outdated()
    await state.clear()  # a second tap finds no draft: outdated, nothing is created twice
    created = await services.speed.create(
        curator_org_id,
        query.from_user.id,
        str(data["form"]),
        datetime.fromisoformat(str(data["starts_at"])),
        str(data["place"]),
        int(str(data["minutes"])),
        mentors,
        mentees,
    )
    if isinstance(created, SpeedProblem):
        raise Outdated(problem_text(created), current=await _sessions(services, curator_org_id))
    await deliver_speed(services)
    summary = await services.speed.summary(curator_org_id, created.id)
    assert summary is not None
    await edit(query, summary_screen(summary, current_locale()))


async def on_show(
    query: CallbackQuery, callback_data: SpeedShow, services: Services, curator_org_id: int
) -> None:
    summary = await services.speed.summary(curator_org_id, callback_data.session_id)
    if summary is None:
        raise Outdated(current=await _sessions(services, curator_org_id))
    await edit(query, summary_screen(summary, current_locale()))


async def _in_dialogue(state: FSMContext) -> bool:
    current = await state.get_state()
    return current is not None and current.startswith(SpeedDialogue.__full_group_name__)


# -- the participants' answers after a round -----------------------------------------------------
async def on_rate(query: CallbackQuery, callback_data: SpeedRate, services: Services) -> None:
    due = await services.speed.rate(callback_data.talk_id, query.from_user.id, callback_data.value)
    if due is None:
        raise Outdated()
    await edit(query, go_on_screen(due, is_minor(due.participant)))


async def on_go_on(query: CallbackQuery, callback_data: SpeedGoOn, services: Services) -> None:
    due = await services.speed.go_on(callback_data.talk_id, query.from_user.id, callback_data.value)
    if due is None:
        raise Outdated()
    await edit(query, Screen(thanks_text(is_minor(due.participant))))


def build_router() -> Router:
    router = curator_router("speed")
    router.message.register(show_sessions, Command("speed"))
    router.callback_query.register(on_menu, SpeedMenu.filter())
    router.callback_query.register(on_new, SpeedNew.filter())
    router.callback_query.register(on_form, SpeedForm.filter())
    router.callback_query.register(on_length, SpeedLength.filter())
    router.callback_query.register(on_toggle, SpeedToggle.filter())
    router.callback_query.register(on_done, SpeedDone.filter())
    router.callback_query.register(on_create, SpeedCreate.filter())
    router.callback_query.register(on_show, SpeedShow.filter())
    typed = (F.text, ~F.text.startswith("/"))
    router.message.register(on_start, StateFilter(SpeedDialogue.start), *typed)
    router.message.register(on_place, StateFilter(SpeedDialogue.place), *typed)
    return router


def build_participant_router() -> Router:
    router = Router(name="speed_feedback")
    router.callback_query.register(on_rate, SpeedRate.filter())
    router.callback_query.register(on_go_on, SpeedGoOn.filter())
    return router
