"""The curator's part of stage 1: invitation links (/invite, /links) and forms (/forms).

The whole router is behind :class:`IsCurator`, which reads the database for every update and
injects ``curator_org_id``; each button handler re-reads the object its callback data names
and checks that it belongs to that organization (else the press is :class:`Outdated`).
:func:`accept_curator_invitation` is called from /start when someone opens a curator link.
Texts and buttons are in handlers/curator_views.py.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.invitations import PARTICIPANT_ROLES, CuratorJoin, invitation_link
from bot.organizations import MAX_FORM_TITLE_LENGTH, FormRejection, Organization
from bot.outdated import Outdated
from bot.screens import Screen
from bot.services import Services
from handlers.callbacks import (
    FormAdd,
    FormToggle,
    InviteLimitChoice,
    InviteRoleChoice,
    LinkRevoke,
    LinksPage,
)
from handlers.commands import refresh_chat_commands
from handlers.curator_views import (
    forms_screen,
    joined_screen,
    limit_screen,
    link_ready,
    link_screens,
    links_screen,
    not_your_link,
    outdated_button,
    own_form_prompt,
    revoked,
    role_screen,
    toggled,
)
from handlers.filters import curator_router
from handlers.render import answer, edit
from handlers.states import OwnFormDialogue
from handlers.texts import too_long_text

log = logging.getLogger(__name__)


async def bot_username(bot: Bot, services: Services) -> str:
    """The @username for t.me links: the setting if given, else Telegram's (cached) getMe."""
    if services.settings.bot_username:
        return services.settings.bot_username
    me = await bot.me()
    return me.username or ""


# -- joining as a curator ----------------------------------------------------------------
async def accept_curator_invitation(message: Message, token: str, services: Services) -> None:
    """Answer ``/start <token>`` for a curator link: appoint the person or say why not.

    Call it from /start for a token whose invitation has the curator role (see
    ``services.invitations.lookup``); for any other token it answers that no curator
    invitation was found.
    """
    if message.from_user is None:
        return
    acceptance = await services.invitations.accept_curator(token, message.from_user.id)
    name = acceptance.organization.name if acceptance.organization else ""
    await answer(message, joined_screen(acceptance.outcome, acceptance.status, name))
    if acceptance.outcome is CuratorJoin.JOINED and message.bot is not None:
        try:
            await refresh_chat_commands(message.bot, services, message.from_user.id)
        except TelegramAPIError as error:
            log.warning("Could not set the curator menu: %s", error)


# -- /invite ------------------------------------------------------------------------------
async def start_invite(message: Message, services: Services, curator_org_id: int) -> None:
    organization = await services.organizations.get(curator_org_id)
    if organization is None:
        return
    await answer(message, role_screen(organization))


async def choose_invite_role(query: CallbackQuery, callback_data: InviteRoleChoice) -> None:
    if callback_data.role not in PARTICIPANT_ROLES:
        # Curator links are the administrators' to give; the button never offers one.
        raise Outdated(outdated_button())
    await edit(query, limit_screen(callback_data.role))


async def create_invitation(
    query: CallbackQuery,
    callback_data: InviteLimitChoice,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    role = callback_data.role
    if role not in PARTICIPANT_ROLES:
        raise Outdated(outdated_button())
    organization = await services.organizations.get(curator_org_id)
    if organization is None or not isinstance(query.message, Message):
        return
    invitation = await services.invitations.create_with_limit(
        curator_org_id, role, query.from_user.id, callback_data.limit
    )
    link = invitation_link(await bot_username(bot, services), invitation.token)
    text, poster = link_screens(invitation, organization, link, i18n.current_locale)
    await edit(query, text)
    await answer(query.message, poster)
    callback_answer.text = link_ready()


# -- /links ------------------------------------------------------------------------------
async def links_view(
    services: Services, organization: Organization, bot: Bot, locale: str, page: int = 0
) -> Screen:
    invitations = await services.invitations.active(organization.id)
    username = await bot_username(bot, services) if invitations else ""
    return links_screen(invitations, organization, username, locale, page)


async def turn_links_page(
    query: CallbackQuery,
    callback_data: LinksPage,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
) -> None:
    organization = await services.organizations.get(curator_org_id)
    if organization is None:
        return
    screen = await links_view(services, organization, bot, i18n.current_locale, callback_data.page)
    await edit(query, screen)


async def show_links(
    message: Message, services: Services, curator_org_id: int, bot: Bot, i18n: I18n
) -> None:
    organization = await services.organizations.get(curator_org_id)
    if organization is None:
        return
    await answer(message, await links_view(services, organization, bot, i18n.current_locale))


async def revoke_link(
    query: CallbackQuery,
    callback_data: LinkRevoke,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    invitation = await services.invitations.get(callback_data.invitation_id)
    if (
        invitation is None
        or invitation.organization_id != curator_org_id
        or invitation.role not in PARTICIPANT_ROLES
    ):
        raise Outdated(not_your_link())
    callback_answer.text = revoked(await services.invitations.revoke(invitation.id, curator_org_id))
    organization = await services.organizations.get(curator_org_id)
    if organization is not None:
        await edit(query, await links_view(services, organization, bot, i18n.current_locale))


# -- /forms ------------------------------------------------------------------------------
async def forms_view(services: Services, organization_id: int) -> Screen | None:
    organization = await services.organizations.get(organization_id)
    if organization is None:
        return None
    return forms_screen(organization, await services.organizations.forms(organization_id))


async def show_forms(message: Message, services: Services, curator_org_id: int) -> None:
    screen = await forms_view(services, curator_org_id)
    if screen is not None:
        await answer(message, screen)


async def toggle_form(
    query: CallbackQuery,
    callback_data: FormToggle,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    change = await services.organizations.toggle_form(curator_org_id, callback_data.code)
    if change.rejection is FormRejection.UNKNOWN or change.form is None:
        raise Outdated(_("Your organization has no such form."))
    if change.rejection is FormRejection.LAST_ENABLED:
        callback_answer.text = _("At least one form of mentorship must stay on.")
        callback_answer.show_alert = True
        return
    callback_answer.text = toggled(change.form)
    screen = await forms_view(services, curator_org_id)
    if screen is not None:
        await edit(query, screen)


async def ask_own_form(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(OwnFormDialogue.title)
    await state.set_data({})
    if isinstance(query.message, Message):
        await query.message.answer(own_form_prompt())


async def receive_own_form(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    title = message.text or ""
    if title.startswith("/"):
        await message.answer(own_form_prompt())
        return
    change = await services.organizations.add_own_form(curator_org_id, title)
    problems = {
        FormRejection.EMPTY_TITLE: own_form_prompt(),
        FormRejection.TITLE_TOO_LONG: too_long_text(
            len(" ".join(title.split())), MAX_FORM_TITLE_LENGTH
        ),
        FormRejection.DUPLICATE: _(
            "Your organization already has a form with this title. Send another title or /cancel."
        ),
    }
    if change.rejection in problems:
        await message.answer(problems[change.rejection])
        return
    await state.clear()
    if change.rejection is FormRejection.TOO_MANY or change.form is None:
        await message.answer(
            _("Your organization already has as many own forms as I can keep. /forms")
        )
        return
    await message.answer(
        _("The form “{title}” is added and switched on.").format(
            title=quote(change.form.title or "")
        )
    )
    await show_forms(message, services, curator_org_id)


async def own_form_not_text(message: Message) -> None:
    await message.answer(own_form_prompt())


async def outdated_curator_button(query: CallbackQuery) -> None:
    # A curator's button whose data no longer parses (forged, or from an older version).
    raise Outdated(outdated_button())


def build_router() -> Router:
    router = curator_router("curator")
    router.message.register(start_invite, Command("invite"))
    router.message.register(show_links, Command("links"))
    router.message.register(show_forms, Command("forms"))
    router.callback_query.register(choose_invite_role, InviteRoleChoice.filter())
    router.callback_query.register(create_invitation, InviteLimitChoice.filter())
    router.callback_query.register(revoke_link, LinkRevoke.filter())
    router.callback_query.register(turn_links_page, LinksPage.filter())
    router.callback_query.register(toggle_form, FormToggle.filter())
    router.callback_query.register(ask_own_form, FormAdd.filter())
    router.message.register(receive_own_form, StateFilter(OwnFormDialogue.title), F.text)
    router.message.register(own_form_not_text, StateFilter(OwnFormDialogue.title))
    router.callback_query.register(outdated_curator_button, F.data.startswith("cur1"))
    return router
