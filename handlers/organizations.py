"""Bot administrators: organizations (/orgs, /neworg) and single-use curator links."""

from __future__ import annotations

import math

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.formatting import format_moment
from bot.invitations import invitation_link
from bot.organizations import (
    MAX_NAME_LENGTH,
    ZONES,
    Organization,
    OrganizationError,
    OrganizationProblem,
    RussianZone,
    check_name,
    normalize_timezone,
)
from bot.services import Services
from handlers.callbacks import OrgCuratorLink, OrgPage, OrgZoneChoice
from handlers.curator import bot_username
from handlers.filters import IsAdmin
from handlers.paging import attach_navigation
from handlers.states import NewOrganization
from handlers.texts import too_long_text

PER_PAGE = 8
BUTTON_NAME_LENGTH = 40


def zone_title(zone: RussianZone) -> str:
    titles = {
        RussianZone.KALININGRAD: _("Kaliningrad (MSK−1)"),
        RussianZone.MOSCOW: _("Moscow (MSK)"),
        RussianZone.SAMARA: _("Samara (MSK+1)"),
        RussianZone.YEKATERINBURG: _("Yekaterinburg (MSK+2)"),
        RussianZone.OMSK: _("Omsk (MSK+3)"),
        RussianZone.NOVOSIBIRSK: _("Novosibirsk, Krasnoyarsk (MSK+4)"),
        RussianZone.IRKUTSK: _("Irkutsk (MSK+5)"),
        RussianZone.CHITA: _("Chita (MSK+6)"),
        RussianZone.VLADIVOSTOK: _("Vladivostok (MSK+7)"),
        RussianZone.MAGADAN: _("Magadan (MSK+8)"),
        RussianZone.KAMCHATKA: _("Kamchatka (MSK+9)"),
    }
    return titles[zone]


def short(text: str, limit: int = BUTTON_NAME_LENGTH) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- /orgs --------------------------------------------------------------------------------
async def organizations_view(
    services: Services, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    total = await services.organizations.count()
    if total == 0:
        return _("There are no organizations yet. Add one with /neworg."), None
    pages = math.ceil(total / PER_PAGE)
    page = min(max(page, 0), pages - 1)
    listing = await services.organizations.listing(page, PER_PAGE)
    lines = [
        _(
            "<b>Organizations</b> (page {page} of {pages}). A button gives a new curator link."
        ).format(page=page + 1, pages=pages)
    ]
    builder = InlineKeyboardBuilder()
    for item in listing:
        organization = item.organization
        lines.append(
            "\n"
            + _(
                "No. {id}. <b>{name}</b>\n{timezone}; curators: {curators}; forms on: {forms}"
            ).format(
                id=organization.id,
                name=hd.quote(organization.name),
                timezone=organization.timezone,
                curators=item.curators,
                forms=item.enabled_forms,
            )
        )
        builder.button(
            text=_("Curator link: No. {id}. {name}").format(
                id=organization.id, name=short(organization.name)
            ),
            callback_data=OrgCuratorLink(org_id=organization.id),
        )
    builder.adjust(1)
    attach_navigation(builder, page, pages, lambda n: OrgPage(page=n))
    return "\n".join(lines), builder.as_markup()


async def list_organizations(message: Message, services: Services) -> None:
    text, markup = await organizations_view(services, 0)
    await message.answer(text, reply_markup=markup)


async def turn_page(query: CallbackQuery, callback_data: OrgPage, services: Services) -> None:
    if isinstance(query.message, Message):
        text, markup = await organizations_view(services, callback_data.page)
        await query.message.edit_text(text, reply_markup=markup)


async def curator_link_text(
    services: Services, organization: Organization, created_by: int, bot: Bot, locale: str
) -> str:
    invitation = await services.invitations.create_for_curator(organization.id, created_by)
    assert invitation.expires_at is not None
    return _(
        "Curator link for “{name}”:\n{link}\n\n"
        "It works once, until {when}: whoever opens it first becomes the curator. "
        "Send it to the person the head of the organization appointed."
    ).format(
        name=hd.quote(organization.name),
        link=invitation_link(await bot_username(bot, services), invitation.token),
        when=format_moment(invitation.expires_at, locale, organization.timezone),
    )


async def give_curator_link(
    query: CallbackQuery,
    callback_data: OrgCuratorLink,
    services: Services,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    organization = await services.organizations.get(callback_data.org_id)
    if organization is None:
        callback_answer.text = _("There is no such organization.")
        callback_answer.show_alert = True
        return
    if isinstance(query.message, Message):
        await query.message.answer(
            await curator_link_text(
                services, organization, query.from_user.id, bot, i18n.current_locale
            )
        )


# -- /neworg ------------------------------------------------------------------------------
def name_prompt() -> str:
    return ngettext(
        "Send the name of the organization as it should appear in reports, "
        "e.g. “School No. 5” (up to {limit} character). To stop: /cancel",
        "Send the name of the organization as it should appear in reports, "
        "e.g. “School No. 5” (up to {limit} characters). To stop: /cancel",
        MAX_NAME_LENGTH,
    ).format(limit=MAX_NAME_LENGTH)


def zone_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for zone in RussianZone:
        builder.button(text=zone_title(zone), callback_data=OrgZoneChoice(zone=zone))
    builder.adjust(2)
    return builder.as_markup()


async def start_new_organization(message: Message, state: FSMContext) -> None:
    await state.set_state(NewOrganization.name)
    await state.set_data({})
    await message.answer(name_prompt())


async def receive_name(message: Message, state: FSMContext) -> None:
    text = message.text or ""
    if text.startswith("/"):
        await message.answer(name_prompt())
        return
    try:
        name = check_name(text)
    except OrganizationError as error:
        if error.problem is OrganizationProblem.NAME_TOO_LONG:
            await message.answer(too_long_text(int(error.detail or 0), MAX_NAME_LENGTH))
        else:
            await message.answer(name_prompt())
        return
    await state.update_data(name=name)
    await state.set_state(NewOrganization.timezone)
    await message.answer(
        _(
            "The time zone of “{name}”: choose it below, or send its name from the time zone "
            "database, e.g. Asia/Yakutsk. Reminders and dates will follow it."
        ).format(name=hd.quote(name)),
        reply_markup=zone_keyboard(),
    )


async def name_not_text(message: Message) -> None:
    await message.answer(name_prompt())


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
        await answer_to.answer(name_prompt())
        return
    await state.clear()
    await answer_to.answer(
        _(
            "The organization “{name}” (No. {id}) is added, time zone {timezone}. "
            "All five federal forms of mentorship are on; the curator can change them with "
            "/forms."
        ).format(name=hd.quote(organization.name), id=organization.id, timezone=timezone)
    )
    await answer_to.answer(
        await curator_link_text(services, organization, admin_id, bot, locale)
        + "\n\n"
        + _("Another link or other organizations: /orgs")
    )


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
    await query.message.edit_reply_markup(reply_markup=None)
    await create_organization(
        query.message,
        state,
        services,
        ZONES[callback_data.zone],
        query.from_user.id,
        bot,
        i18n.current_locale,
    )


def zone_hint() -> str:
    return _(
        "Choose one of the buttons above or send a name such as Asia/Yakutsk. To stop: /cancel"
    )


async def receive_zone(
    message: Message, state: FSMContext, services: Services, bot: Bot, i18n: I18n
) -> None:
    typed = message.text or ""
    if typed.startswith("/"):
        await message.answer(zone_hint())
        return
    timezone = normalize_timezone(typed)
    if timezone is None or message.from_user is None:
        await message.answer(
            _("I do not know the time zone “{zone}”.").format(zone=hd.quote(typed[:64]))
            + " "
            + zone_hint()
        )
        return
    await create_organization(
        message, state, services, timezone, message.from_user.id, bot, i18n.current_locale
    )


async def zone_not_text(message: Message) -> None:
    await message.answer(zone_hint())


async def outdated_admin_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
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
