"""The curator's part of stage 1: invitation links (/invite, /links) and forms (/forms).

The whole router is behind :class:`IsCurator`, which reads the database for every update and
injects ``curator_org_id``; each button handler re-reads the object its callback data names
and checks that it belongs to that organization. :func:`accept_curator_invitation` is called
from /start when someone opens a curator link.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.formatting import format_moment
from bot.invitations import (
    PARTICIPANT_ROLES,
    CuratorJoin,
    Invitation,
    InvitationLimit,
    InvitationRole,
    InvitationStatus,
    invitation_link,
)
from bot.organizations import (
    MAX_FORM_TITLE_LENGTH,
    FormRejection,
    Organization,
    OrganizationForm,
)
from bot.qr import qr_png
from bot.services import Services
from dialogs.forms import FORM_DESCRIPTIONS, FORM_TITLES, FederalForm
from handlers.callbacks import (
    FormAdd,
    FormToggle,
    InviteLimitChoice,
    InviteRoleChoice,
    LinkRevoke,
    LinksPage,
)
from handlers.commands import refresh_chat_commands
from handlers.filters import curator_router
from handlers.paging import attach_navigation, page_of
from handlers.states import OwnFormDialogue
from handlers.texts import too_long_text

log = logging.getLogger(__name__)

# /links shows this many; a curator rarely has more links working at once.
MAX_LINKS_SHOWN = 10  # per page: each link is a long line


async def bot_username(bot: Bot, services: Services) -> str:
    """The @username for t.me links: the setting if given, else Telegram's (cached) getMe."""
    if services.settings.bot_username:
        return services.settings.bot_username
    me = await bot.me()
    return me.username or ""


def role_title(role: InvitationRole) -> str:
    # Translators: who a link is for, as in "a link for mentees" (genitive in Russian).
    titles = {
        InvitationRole.MENTEE: _("mentees"),
        InvitationRole.MENTOR: _("mentors"),
        InvitationRole.CURATOR: _("a curator"),
    }
    return titles[role]


def form_title(form: OrganizationForm) -> str:
    if form.title is not None:
        return form.title
    return _(FORM_TITLES[FederalForm(form.code)])


def curator_abilities() -> str:
    return "\n".join(
        [
            _("/invite: an invitation link for mentees or mentors, with a QR code for a poster"),
            _("/links: the active invitation links; revoke a link there"),
            _("/forms: the forms of mentorship your organization runs"),
        ]
    )


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
    organization = acceptance.organization
    name = hd.quote(organization.name) if organization else ""
    if acceptance.outcome is CuratorJoin.JOINED:
        await message.answer(
            _(
                "You are now the curator of the mentorship programme of “{name}”.\n\n"
                "What you can do now:\n{abilities}\n\n"
                "Start with /forms to check the forms of mentorship, then send the invitation "
                "links from /invite to mentors and mentees."
            ).format(name=name, abilities=curator_abilities())
        )
        if message.bot is not None:
            try:
                await refresh_chat_commands(message.bot, services, message.from_user.id)
            except TelegramAPIError as error:
                log.warning("Could not set the curator menu: %s", error)
        return
    if acceptance.outcome is CuratorJoin.ALREADY_HERE:
        await message.answer(
            _("You are already the curator of “{name}”. What you can do:\n{abilities}").format(
                name=name, abilities=curator_abilities()
            )
        )
        return
    if acceptance.outcome is CuratorJoin.OTHER_ORGANIZATION:
        await message.answer(
            _(
                "You are already the curator of “{name}”, and a person can be the curator of "
                "only one organization. This link was not used. If you are moving to another "
                "organization, write to the administrators: /support"
            ).format(name=name)
        )
        return
    texts = {
        InvitationStatus.REVOKED: _(
            "This curator link has been revoked. Ask the administrator for a new one."
        ),
        InvitationStatus.EXPIRED: _(
            "This curator link has expired. Ask the administrator for a new one."
        ),
        InvitationStatus.USED_UP: _(
            "This curator link has already been used: it works only once. "
            "Ask the administrator for a new one."
        ),
    }
    await message.answer(
        texts.get(
            acceptance.status,
            _("I could not find a curator invitation for this link. Check the link."),
        )
    )


# -- /invite ------------------------------------------------------------------------------
def role_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("For mentees"), callback_data=InviteRoleChoice(role=InvitationRole.MENTEE)
    )
    builder.button(
        text=_("For mentors"), callback_data=InviteRoleChoice(role=InvitationRole.MENTOR)
    )
    builder.adjust(2)
    return builder.as_markup()


def limit_keyboard(role: InvitationRole) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    labels = {
        InvitationLimit.NONE: _("No limit"),
        InvitationLimit.USES_30: _("Up to 30 people"),
        InvitationLimit.DAYS_7: _("Valid for 7 days"),
    }
    for limit, label in labels.items():
        builder.button(text=label, callback_data=InviteLimitChoice(role=role, limit=limit))
    builder.adjust(1)
    return builder.as_markup()


async def start_invite(message: Message, services: Services, curator_org_id: int) -> None:
    organization = await services.organizations.get(curator_org_id)
    if organization is None:
        return
    await message.answer(
        _("“{name}”: whom is the invitation link for?").format(name=hd.quote(organization.name)),
        reply_markup=role_keyboard(),
    )


async def choose_invite_role(
    query: CallbackQuery, callback_data: InviteRoleChoice, callback_answer: CallbackAnswer
) -> None:
    if callback_data.role not in PARTICIPANT_ROLES:
        # Curator links are the administrators' to give; the button never offers one.
        await outdated_curator_button(query, callback_answer)
        return
    if isinstance(query.message, Message):
        await query.message.edit_text(
            _(
                "A link for {role}. Should it stop working at some point? You can also revoke "
                "it at any time in /links."
            ).format(role=role_title(callback_data.role)),
            reply_markup=limit_keyboard(callback_data.role),
        )


def describe_limits(invitation: Invitation, locale: str, timezone: str) -> str:
    uses = (
        _("uses: {uses}").format(uses=invitation.uses)
        if invitation.max_uses is None
        else _("uses: {uses} of {max_uses}").format(
            uses=invitation.uses, max_uses=invitation.max_uses
        )
    )
    expiry = (
        _("no end date")
        if invitation.expires_at is None
        else _("works until {when}").format(
            when=format_moment(invitation.expires_at, locale, timezone)
        )
    )
    return f"{uses}, {expiry}"


def poster_caption(role: InvitationRole, organization: Organization) -> str:
    name = hd.quote(organization.name)
    if role is InvitationRole.MENTOR:
        return _(
            "Mentorship programme of “{name}”. Point your phone camera at the code "
            "to join as a mentor."
        ).format(name=name)
    return _(
        "Mentorship programme of “{name}”. Point your phone camera at the code to join as a mentee."
    ).format(name=name)


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
        await outdated_curator_button(query, callback_answer)
        return
    organization = await services.organizations.get(curator_org_id)
    if organization is None or not isinstance(query.message, Message):
        return
    invitation = await services.invitations.create_with_limit(
        curator_org_id, role, query.from_user.id, callback_data.limit
    )
    link = invitation_link(await bot_username(bot, services), invitation.token)
    limits = describe_limits(invitation, i18n.current_locale, organization.timezone)
    await query.message.edit_text(
        _(
            "Invitation link for {role} of “{name}” ({limits}):\n{link}\n\n"
            "Send it in a chat, or print the QR code below on a poster. "
            "Active links and revoking them: /links"
        ).format(role=role_title(role), name=hd.quote(organization.name), limits=limits, link=link),
        reply_markup=None,
    )
    picture = BufferedInputFile(qr_png(link), filename=f"invitation-{role.value}.png")
    await query.message.answer_document(
        picture, caption=poster_caption(role, organization) + "\n" + link
    )
    callback_answer.text = _("The link is ready")


# -- /links ------------------------------------------------------------------------------
async def links_view(
    services: Services, organization: Organization, bot: Bot, locale: str, page: int = 0
) -> tuple[str, InlineKeyboardMarkup | None]:
    invitations = await services.invitations.active(organization.id)
    name = hd.quote(organization.name)
    if not invitations:
        return (
            _("“{name}” has no active invitation links. Make one with /invite.").format(name=name),
            None,
        )
    username = await bot_username(bot, services)
    lines = [_("<b>Active invitation links of “{name}”</b>").format(name=name)]
    builder = InlineKeyboardBuilder()
    shown, page, pages = page_of(invitations, page, MAX_LINKS_SHOWN)
    for number, invitation in enumerate(shown, start=page * MAX_LINKS_SHOWN + 1):
        lines.append(
            "\n"
            + _("{number}. For {role}: {limits}").format(
                number=number,
                role=role_title(invitation.role),
                limits=describe_limits(invitation, locale, organization.timezone),
            )
            + "\n"
            + invitation_link(username, invitation.token)
        )
        builder.button(
            text=_("Revoke No. {number}").format(number=number),
            callback_data=LinkRevoke(invitation_id=invitation.id),
        )
    builder.adjust(3)
    attach_navigation(builder, page, pages, lambda n: LinksPage(page=n))
    return "\n".join(lines), builder.as_markup()


async def turn_links_page(
    query: CallbackQuery,
    callback_data: LinksPage,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
) -> None:
    organization = await services.organizations.get(curator_org_id)
    if organization is None or not isinstance(query.message, Message):
        return
    text, markup = await links_view(
        services, organization, bot, i18n.current_locale, callback_data.page
    )
    await query.message.edit_text(text, reply_markup=markup)


async def show_links(
    message: Message, services: Services, curator_org_id: int, bot: Bot, i18n: I18n
) -> None:
    organization = await services.organizations.get(curator_org_id)
    if organization is None:
        return
    text, markup = await links_view(services, organization, bot, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


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
        callback_answer.text = _("This link does not belong to your organization.")
        callback_answer.show_alert = True
        return
    if await services.invitations.revoke(invitation.id, curator_org_id):
        callback_answer.text = _("The link is revoked: it no longer works.")
    else:
        callback_answer.text = _("This link had already been revoked.")
    organization = await services.organizations.get(curator_org_id)
    if organization is not None and isinstance(query.message, Message):
        text, markup = await links_view(services, organization, bot, i18n.current_locale)
        await query.message.edit_text(text, reply_markup=markup)


# -- /forms ------------------------------------------------------------------------------
def forms_view(
    organization: Organization, forms: list[OrganizationForm]
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _("<b>Forms of mentorship of “{name}”</b>").format(name=hd.quote(organization.name)),
        _("Tap a form to switch it on or off. ✅ on, ⬜ off."),
    ]
    builder = InlineKeyboardBuilder()
    for form in forms:
        mark = "✅" if form.enabled else "⬜"
        title = form_title(form)
        if form.is_own:
            description = _("The organization's own form.")
        else:
            description = _(FORM_DESCRIPTIONS[FederalForm(form.code)])
        lines.append(f"\n{mark} <b>{hd.quote(title)}</b>\n{description}")
        builder.button(text=f"{mark} {title}", callback_data=FormToggle(code=form.code))
    builder.button(text=_("➕ Add an own form"), callback_data=FormAdd())
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


async def show_forms(message: Message, services: Services, curator_org_id: int) -> None:
    organization = await services.organizations.get(curator_org_id)
    if organization is None:
        return
    text, markup = forms_view(organization, await services.organizations.forms(curator_org_id))
    await message.answer(text, reply_markup=markup)


async def toggle_form(
    query: CallbackQuery,
    callback_data: FormToggle,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    change = await services.organizations.toggle_form(curator_org_id, callback_data.code)
    if change.rejection is FormRejection.UNKNOWN or change.form is None:
        callback_answer.text = _("Your organization has no such form.")
        callback_answer.show_alert = True
        return
    if change.rejection is FormRejection.LAST_ENABLED:
        callback_answer.text = _("At least one form of mentorship must stay on.")
        callback_answer.show_alert = True
        return
    callback_answer.text = (
        _("“{title}” is on").format(title=form_title(change.form))
        if change.form.enabled
        else _("“{title}” is off").format(title=form_title(change.form))
    )
    organization = await services.organizations.get(curator_org_id)
    if organization is not None and isinstance(query.message, Message):
        text, markup = forms_view(organization, await services.organizations.forms(curator_org_id))
        await query.message.edit_text(text, reply_markup=markup)


def own_form_prompt() -> str:
    return ngettext(
        "Send the title of your own form of mentorship, e.g. “Teacher – student” "
        "(up to {limit} character). To stop: /cancel",
        "Send the title of your own form of mentorship, e.g. “Teacher – student” "
        "(up to {limit} characters). To stop: /cancel",
        MAX_FORM_TITLE_LENGTH,
    ).format(limit=MAX_FORM_TITLE_LENGTH)


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
            title=hd.quote(change.form.title or "")
        )
    )
    await show_forms(message, services, curator_org_id)


async def own_form_not_text(message: Message) -> None:
    await message.answer(own_form_prompt())


async def outdated_curator_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    # A curator's button whose data no longer parses (forged, or from an older version).
    callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
    callback_answer.show_alert = True


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
