"""/start and /help: what the programme is and what this person can do here."""

from __future__ import annotations

import re

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd

from bot.invitations import InvitationStatus
from bot.models.invitations import InvitationRole
from bot.participants import Status
from bot.services import Services
from handlers import guardian, join
from handlers.curator import accept_curator_invitation

# Deep-link payloads Telegram allows: up to 64 characters of A-Z, a-z, 0-9, _ and -.
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def welcome_text(first_name: str) -> str:
    return _(
        "Hello, {name}!\n\n"
        "I help run the mentorship programme of your school, college or organisation:\n"
        "• mentors and mentees fill in their questionnaires, and the curator forms pairs;\n"
        "• I remind you of meetings (at least once every two weeks) "
        "and collect feedback after each one;\n"
        "• your personal data is processed only with your consent "
        "(for children, with their parents' consent).\n\n"
        "To join, open the invitation link from your curator. "
        "What I can do: /help"
    ).format(name=hd.quote(first_name))


async def start_with_payload(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    """/start <token>: a participant's or curator's invitation, or a parent's consent link."""
    payload = (command.args or "").strip()
    if not START_PAYLOAD.match(payload):
        await message.answer(
            _(
                "This link looks damaged: part of it may have been lost when it was copied. "
                "Ask your curator to send the invitation link again."
            )
        )
        return
    lookup = await services.invitations.lookup(payload)
    invitation = lookup.invitation
    if invitation is not None and invitation.role is InvitationRole.CURATOR:
        await state.clear()
        await accept_curator_invitation(message, payload, services)
        return
    if invitation is not None and lookup.status is InvitationStatus.ACTIVE:
        await state.clear()
        await join.begin(message, invitation, state, services, bot, i18n)
        return
    if invitation is not None:
        await message.answer(invitation_problem(lookup.status))
        return
    await state.clear()
    if await guardian.open_link(message, payload, state, services):
        return
    await message.answer(invitation_problem(InvitationStatus.UNKNOWN))


def invitation_problem(status: InvitationStatus) -> str:
    if status is InvitationStatus.REVOKED:
        return _("This invitation link has been revoked by the curator. Ask them for a new one.")
    if status is InvitationStatus.EXPIRED:
        return _("This invitation link has expired. Ask your curator for a new one.")
    if status is InvitationStatus.USED_UP:
        return _(
            "This invitation link has already been used as many times as the curator allowed. "
            "Ask your curator for a new one."
        )
    return _(
        "I could not find an invitation for this link: it may be outdated or revoked. "
        "Ask your curator for a new one."
    )


async def start(
    message: Message, state: FSMContext, services: Services, bot: Bot, i18n: I18n
) -> None:
    """Plain /start: pick up an unfinished joining, or greet and explain how to join."""
    assert message.from_user is not None
    participations = await services.participants.of_user(message.from_user.id)
    for participant in participations:
        if await services.participants.status(participant) is not Status.READY:
            await message.answer(_("Welcome back! Let's continue where you stopped."))
            await join.resume(message, participant, state, services, bot, i18n)
            return
    if participations:
        await message.answer(
            _(
                "Hello, {name}! You take part in the mentorship programme. Your questionnaire: "
                "/profile; everything I can do: /help"
            ).format(name=hd.quote(message.from_user.first_name))
        )
        return
    await message.answer(welcome_text(message.from_user.first_name))


async def show_help(message: Message, services: Services) -> None:
    assert message.from_user is not None
    lines = [
        _("<b>What I can do</b>"),
        _("/start: what the programme is and how to join"),
        _("/profile: your questionnaire; answers can be changed"),
        _("/meetings: your meetings with your pair: plan, move or cancel"),
        _("/mydata: everything the bot keeps about you, as a message and a file"),
        _("/revoke: withdraw the consent; your data is deleted"),
        _("/choose: when the curator opens it, choose whom you would like to work with"),
        _("/language: switch between Russian and English"),
        _("/support: write to the bot's administrators if something does not work"),
        _("/cancel: stop the current dialogue (whatever you already confirmed stays saved)"),
        _("/help: this list"),
    ]
    if await services.organizations.curator_organization_id(message.from_user.id) is not None:
        lines += [
            "",
            _("<b>You are a curator.</b>"),
            _("/curator: the workspace with every step of the programme"),
            _("/admission: admit mentor candidates"),
            _("/matching: proposals of pairs and groups for the whole cohort"),
            _("/pairs: active pairs and groups; end a pair early"),
            _("/preferences: open or close the preference round"),
            _("/holidays: the organization's holidays, when no meetings are planned"),
            _("/meetingsettings: when reminders come and how long a meeting lasts"),
            _("/candidates: participants of your organization by status"),
            _("/announce: a message to all mentors, all mentees or everyone"),
            _("/invite: invitation links and QR codes for mentees and mentors"),
            _("/links: active links; revoke a link"),
            _("/forms: the forms of mentorship your organization runs"),
        ]
    if services.is_admin(message.from_user.id):
        lines += [
            "",
            _("<b>You are a bot administrator.</b>"),
            _("/orgs: organizations and single-use curator links"),
            _("/neworg: add an organization"),
            _("Requests people send with /support come to you in this chat."),
        ]
    await message.answer("\n".join(lines))


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(start_with_payload, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(show_help, Command("help"))
    return router
