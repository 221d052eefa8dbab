"""Municipal coordinators in the chat.

* /coordinator (administrators): pick organizations with buttons (pages, toggles, all), name
  the municipality or not, get a single-use link ``t.me/<bot>?start=<token>``.
* /start <token> of a coordinator link: whoever opens it first covers exactly its organizations.
* /municipality (coordinators): the municipality's own numbers to compare with.

Everyone else is refused here and nothing changes. Texts and buttons are in
handlers/coordinator_views.py; the rules in bot/coordinators.py.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n

from bot.coordinators import LinkProblem, check_municipality
from bot.formatting import format_moment
from bot.invitations import invitation_link
from bot.models.coordinators import CoordinatorJoin
from bot.outdated import Outdated
from bot.reports.targets import InputProblem
from bot.screens import Screen
from bot.services import Services
from handlers.access import admin_refusal
from handlers.commands import refresh_chat_commands
from handlers.coordinator_views import (
    PER_PAGE,
    CoordinatorPick,
    LinkStep,
    MunicipalEdit,
    changed_meanwhile,
    coordinator_refusal,
    joined_screen,
    link_problem,
    link_text,
    municipal_prompt,
    municipal_screen,
    municipality_prompt,
    no_organizations,
    nothing_selected,
    number_problem,
    outdated_municipal,
    pick_screen,
)
from handlers.curator import bot_username
from handlers.filters import IsAdmin, IsCoordinator
from handlers.outdated import outdated_button_text
from handlers.render import answer, drop_message_keyboard, edit, pressed_message, send
from handlers.states import CoordinatorLinkDialogue, MunicipalDialogue

log = logging.getLogger(__name__)


class CoordinatorToken(Filter):
    """/start with the token of a coordinator link (used or not)."""

    async def __call__(self, message: Message, command: CommandObject, services: Services) -> bool:
        return await services.coordinators.lookup((command.args or "").strip()) is not None


# -- the administrator makes a link ---------------------------------------------------------------
async def _selected(state: FSMContext) -> list[int]:
    return [int(i) for i in (await state.get_data()).get("selected", [])]


async def _pick_view(services: Services, selected: list[int], page: int) -> Screen:
    organizations, page, pages = await services.coordinators.organization_page(page, PER_PAGE)
    if not organizations:
        return no_organizations()
    return pick_screen(organizations, set(selected), page, pages)


async def _picking(state: FSMContext) -> None:
    """A press of the picker counts only while its dialogue is on (not after /cancel or once
    the link is made)."""
    if await state.get_state() != CoordinatorLinkDialogue.organizations.state:
        raise Outdated(outdated_button_text())


async def start_link(message: Message, state: FSMContext, services: Services) -> None:
    await state.set_state(CoordinatorLinkDialogue.organizations)
    await state.set_data({"selected": []})
    await answer(message, await _pick_view(services, [], 0))


async def toggle(
    query: CallbackQuery, callback_data: CoordinatorPick, state: FSMContext, services: Services
) -> None:
    await _picking(state)
    selected = await _selected(state)
    if callback_data.org_id in selected:
        selected.remove(callback_data.org_id)
    elif await services.coordinators.organizations([callback_data.org_id]):
        selected.append(callback_data.org_id)
    else:
        raise Outdated(outdated_button_text())  # a forged id, or an organization deleted since
    await state.update_data(selected=selected)
    await edit(query, await _pick_view(services, selected, callback_data.page))


async def turn_page(
    query: CallbackQuery, callback_data: CoordinatorPick, state: FSMContext, services: Services
) -> None:
    await _picking(state)
    await edit(query, await _pick_view(services, await _selected(state), callback_data.page))


async def select_all(
    query: CallbackQuery, callback_data: CoordinatorPick, state: FSMContext, services: Services
) -> None:
    await _picking(state)
    selected = await services.coordinators.all_organization_ids()
    await state.update_data(selected=selected)
    await edit(query, await _pick_view(services, selected, callback_data.page))


async def clear(
    query: CallbackQuery, callback_data: CoordinatorPick, state: FSMContext, services: Services
) -> None:
    await _picking(state)
    await state.update_data(selected=[])
    await edit(query, await _pick_view(services, [], callback_data.page))


async def to_municipality(
    query: CallbackQuery, state: FSMContext, services: Services, callback_answer: CallbackAnswer
) -> None:
    await _picking(state)
    organizations = await services.coordinators.organizations(await _selected(state))
    if not organizations:
        callback_answer.text = nothing_selected()
        callback_answer.show_alert = True
        return
    await state.set_state(CoordinatorLinkDialogue.municipality)
    await edit(query, municipality_prompt(organizations))


async def _make_link(
    target: Message,
    state: FSMContext,
    services: Services,
    admin_id: int,
    municipality: str | None,
    locale: str,
) -> None:
    result = await services.coordinators.create_link(await _selected(state), municipality, admin_id)
    if isinstance(result, LinkProblem):
        if result in (LinkProblem.UNKNOWN_ORGANIZATION, LinkProblem.NOT_ALLOWED):
            await state.clear()
        await answer(target, Screen(link_problem(result)))
        return
    await state.clear()
    organizations = await services.coordinators.organizations(result.organization_ids)
    assert target.bot is not None
    username = await bot_username(target.bot, services)
    # The organizations' zone (a municipality's schools share one); an organization deleted
    # in the very moment leaves the default.
    zone = organizations[0].timezone if organizations else services.settings.default_timezone
    when = format_moment(result.expires_at, locale, zone)
    text = link_text(invitation_link(username, result.token), organizations, result.municipality,
                     when)  # fmt: skip
    await answer(target, Screen(text))


async def unnamed(query: CallbackQuery, state: FSMContext, services: Services, i18n: I18n) -> None:
    if await state.get_state() != CoordinatorLinkDialogue.municipality.state:
        raise Outdated(outdated_button_text())
    message = pressed_message(query)
    await drop_message_keyboard(message)
    await _make_link(message, state, services, query.from_user.id, None, i18n.current_locale)


async def receive_municipality(
    message: Message, state: FSMContext, services: Services, i18n: I18n
) -> None:
    assert message.from_user is not None
    checked = check_municipality(message.text or "")
    if isinstance(checked, LinkProblem):
        await answer(message, Screen(link_problem(checked)))
        return
    await _make_link(message, state, services, message.from_user.id, checked, i18n.current_locale)


async def municipality_not_text(message: Message) -> None:
    await answer(message, Screen(link_problem(LinkProblem.EMPTY_NAME)))


# -- the person who opens a link ------------------------------------------------------------------
async def accept_link(
    message: Message, command: CommandObject, state: FSMContext, services: Services
) -> None:
    assert message.from_user is not None
    await state.clear()
    acceptance = await services.coordinators.accept(
        (command.args or "").strip(), message.from_user.id
    )
    await answer(message, joined_screen(acceptance))
    if acceptance.outcome is CoordinatorJoin.JOINED and message.bot is not None:
        try:
            await refresh_chat_commands(message.bot, services, message.from_user.id)
        except TelegramAPIError as error:
            log.warning("Could not set the coordinator's menu: %s", error)


# -- the coordinator's numbers --------------------------------------------------------------------
async def municipal_view(services: Services, telegram_id: int, saved: bool = False) -> Screen:
    coordinators = services.coordinators
    return municipal_screen(
        await coordinators.municipality(telegram_id),
        len(await coordinators.covered(telegram_id)),
        await coordinators.current_denominators(telegram_id),
        coordinators.school_year(),
        saved,
    )


async def show_municipal(message: Message, state: FSMContext, services: Services) -> None:
    assert message.from_user is not None
    await state.clear()
    await answer(message, await municipal_view(services, message.from_user.id))


async def ask_number(
    query: CallbackQuery, callback_data: MunicipalEdit, state: FSMContext, bot: Bot
) -> None:
    await state.set_state(MunicipalDialogue.value)
    await state.set_data({"field": callback_data.field.value})
    await send(bot, query.from_user.id, municipal_prompt(callback_data.field))


async def receive_number(message: Message, state: FSMContext, services: Services) -> None:
    assert message.from_user is not None
    field = str((await state.get_data()).get("field", ""))
    result = await services.coordinators.set_municipal_denominator(
        message.from_user.id, field, message.text or ""
    )
    if isinstance(result, InputProblem):
        problem = number_problem(result)
        if problem is not None:
            await message.answer(problem)
            return
        await state.clear()
        await message.answer(changed_meanwhile())
        return
    await state.clear()
    await answer(message, await municipal_view(services, message.from_user.id, saved=True))


# -- refusals -------------------------------------------------------------------------------------
async def refuse_admin_command(message: Message) -> None:
    await message.answer(admin_refusal())


async def refuse_admin_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = admin_refusal()
    callback_answer.show_alert = True


async def refuse_coordinator_command(message: Message) -> None:
    await message.answer(coordinator_refusal())


async def refuse_coordinator_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = coordinator_refusal()
    callback_answer.show_alert = True


async def outdated_press(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    # Data that did not parse (forged, or from an older version) of a person with the role.
    callback_answer.text = outdated_button_text()
    callback_answer.show_alert = True


async def outdated_municipal_press(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = outdated_municipal()
    callback_answer.show_alert = True


def _admin_router() -> Router:
    router = Router(name="coordinator_links")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(start_link, Command("coordinator"))
    pick = CoordinatorPick.filter
    router.callback_query.register(toggle, pick(F.action == LinkStep.TOGGLE))
    router.callback_query.register(turn_page, pick(F.action == LinkStep.PAGE))
    router.callback_query.register(select_all, pick(F.action == LinkStep.ALL))
    router.callback_query.register(clear, pick(F.action == LinkStep.CLEAR))
    router.callback_query.register(to_municipality, pick(F.action == LinkStep.NEXT))
    router.callback_query.register(unnamed, pick(F.action == LinkStep.UNNAMED))
    router.message.register(
        receive_municipality,
        StateFilter(CoordinatorLinkDialogue.municipality),
        F.text,
        ~F.text.startswith("/"),
    )
    router.message.register(
        municipality_not_text, StateFilter(CoordinatorLinkDialogue.municipality), ~F.text
    )
    router.callback_query.register(outdated_press, F.data.startswith("cod1"))
    return router


def _coordinator_router() -> Router:
    router = Router(name="municipality")
    router.message.filter(IsCoordinator())
    router.callback_query.filter(IsCoordinator())
    router.message.register(show_municipal, Command("municipality"))
    router.callback_query.register(ask_number, MunicipalEdit.filter())
    router.callback_query.register(outdated_municipal_press, F.data.startswith("mun1"))
    return router


def build_router() -> Router:
    router = Router(name="coordinators")
    links = Router(name="coordinator_link_opening")
    links.message.register(accept_link, CommandStart(deep_link=True), CoordinatorToken())
    # The number typed after a button: the service checks the person is a coordinator still.
    links.message.register(
        receive_number, StateFilter(MunicipalDialogue.value), F.text, ~F.text.startswith("/")
    )
    refusals = Router(name="coordinator_refusals")
    refusals.message.register(refuse_admin_command, Command("coordinator"))
    refusals.callback_query.register(refuse_admin_button, F.data.startswith("cod1"))
    refusals.message.register(refuse_coordinator_command, Command("municipality"))
    refusals.callback_query.register(refuse_coordinator_button, F.data.startswith("mun1"))
    # Sub-routers are tried in order: the roles' handlers before the refusals.
    router.include_routers(links, _admin_router(), _coordinator_router(), refusals)
    return router
