"""Bot administrators: organizations (/orgs, /neworg) and single-use curator links.

Texts and buttons are in handlers/organization_views.py."""

from __future__ import annotations

import math

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n

from bot.formatting import format_moment
from bot.invitations import invitation_link
from bot.organizations import (
    MAX_NAME_LENGTH,
    ZONES,
    Organization,
    OrganizationError,
    OrganizationProblem,
    check_name,
    normalize_timezone,
)
from bot.outdated import Outdated
from bot.screens import Screen
from bot.services import Services
from handlers.callbacks import OrgCuratorLink, OrgPage, OrgZoneChoice
from handlers.curator import bot_username
from handlers.filters import IsAdmin
from handlers.organization_views import (
    PER_PAGE,
    created_screen,
    curator_link_text,
    first_link_screen,
    name_prompt,
    no_organizations,
    no_such_organization,
    organizations_screen,
    unknown_zone,
    zone_hint,
    zone_screen,
)
from handlers.outdated import outdated_button_text
from handlers.render import answer, drop_message_keyboard, edit
from handlers.states import NewOrganization
from handlers.texts import too_long_text


# -- /orgs --------------------------------------------------------------------------------
async def organizations_view(services: Services, page: int) -> Screen:
    total = await services.organizations.count()
    if total == 0:
        return no_organizations()
    pages = math.ceil(total / PER_PAGE)
    page = min(max(page, 0), pages - 1)
    listing = await services.organizations.listing(page, PER_PAGE)
    return organizations_screen(listing, page, pages)


async def list_organizations(message: Message, services: Services) -> None:
    await answer(message, await organizations_view(services, 0))


async def turn_page(query: CallbackQuery, callback_data: OrgPage, services: Services) -> None:
    await edit(query, await organizations_view(services, callback_data.page))


async def new_curator_link(
    services: Services, organization: Organization, created_by: int, bot: Bot, locale: str
) -> str:
    invitation = await services.invitations.create_for_curator(organization.id, created_by)
    assert invitation.expires_at is not None
    return curator_link_text(
        organization,
        invitation_link(await bot_username(bot, services), invitation.token),
        format_moment(invitation.expires_at, locale, organization.timezone),
    )


async def give_curator_link(
    query: CallbackQuery,
    callback_data: OrgCuratorLink,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    organization = await services.organizations.get(callback_data.org_id)
    if organization is None:
        raise Outdated(no_such_organization())
    if isinstance(query.message, Message):
        text = await new_curator_link(
            services, organization, query.from_user.id, bot, i18n.current_locale
        )
        await answer(query.message, Screen(text))


# -- /neworg ------------------------------------------------------------------------------
async def start_new_organization(message: Message, state: FSMContext) -> None:
    await state.set_state(NewOrganization.name)
    await state.set_data({})
    await answer(message, name_prompt())


async def receive_name(message: Message, state: FSMContext) -> None:
    text = message.text or ""
    if text.startswith("/"):
        await answer(message, name_prompt())
        return
    try:
        name = check_name(text)
    except OrganizationError as error:
        if error.problem is OrganizationProblem.NAME_TOO_LONG:
            await answer(message, Screen(too_long_text(int(error.detail or 0), MAX_NAME_LENGTH)))
        else:
            await answer(message, name_prompt())
        return
    await state.update_data(name=name)
    await state.set_state(NewOrganization.timezone)
    await answer(message, zone_screen(name))


async def name_not_text(message: Message) -> None:
    await answer(message, name_prompt())


async def create_organization(
    answer_to: Message,
    state: FSMContext,
    services: Services,
    timezone: str,
    admin_id: int,
    bot: Bot,
    locale: str,
) -> None:
    data = await state.get_data()
    try:
        organization = await services.organizations.create(str(data.get("name", "")), timezone)
    except OrganizationError:
        # The name was checked when it was typed; only a lost FSM record gets here.
        await state.set_state(NewOrganization.name)
        await answer(answer_to, name_prompt())
        return
    await state.clear()
    await answer(answer_to, created_screen(organization, timezone))
    link = await new_curator_link(services, organization, admin_id, bot, locale)
    await answer(answer_to, first_link_screen(link))


async def choose_zone(
    query: CallbackQuery,
    callback_data: OrgZoneChoice,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    if not isinstance(query.message, Message):
        return
    await drop_message_keyboard(query.message)
    await create_organization(
        query.message,
        state,
        services,
        ZONES[callback_data.zone],
        query.from_user.id,
        bot,
        i18n.current_locale,
    )


async def receive_zone(
    message: Message, state: FSMContext, services: Services, bot: Bot, i18n: I18n
) -> None:
    typed = message.text or ""
    if typed.startswith("/"):
        await answer(message, Screen(zone_hint()))
        return
    timezone = normalize_timezone(typed)
    if timezone is None or message.from_user is None:
        await answer(message, unknown_zone(typed))
        return
    await create_organization(
        message, state, services, timezone, message.from_user.id, bot, i18n.current_locale
    )


async def zone_not_text(message: Message) -> None:
    await answer(message, Screen(zone_hint()))


async def outdated_admin_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    # Data that did not parse (forged or from an old version): no handler above took it.
    callback_answer.text = outdated_button_text()
    callback_answer.show_alert = True


def build_router() -> Router:
    router = Router(name="organizations")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(list_organizations, Command("orgs"))
    router.message.register(start_new_organization, Command("neworg"))
    router.callback_query.register(turn_page, OrgPage.filter())
    router.callback_query.register(give_curator_link, OrgCuratorLink.filter())
    router.callback_query.register(
        choose_zone, OrgZoneChoice.filter(), StateFilter(NewOrganization.timezone)
    )
    router.message.register(receive_name, StateFilter(NewOrganization.name), F.text)
    router.message.register(name_not_text, StateFilter(NewOrganization.name))
    router.message.register(receive_zone, StateFilter(NewOrganization.timezone), F.text)
    router.message.register(zone_not_text, StateFilter(NewOrganization.timezone))
    router.callback_query.register(outdated_admin_button, F.data.startswith("org1"))
    return router
