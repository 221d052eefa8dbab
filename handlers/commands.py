"""The command menu, registered with setMyCommands in every supported language."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.retry import without_session_retries
from bot.sender import RetryLater, SendReport, Unreachable
from bot.services import Services

log = logging.getLogger(__name__)

# 400 answers that mean the person has no chat with the bot (yet), not that the menu is wrong.
_NO_CHAT = ("chat not found", "user not found", "peer_id_invalid")


def bot_commands() -> list[BotCommand]:
    """The menu in the current locale of the i18n context."""
    return [
        BotCommand(command="start", description=_("What the programme is and how to join")),
        BotCommand(command="help", description=_("What I can do for you")),
        BotCommand(command="profile", description=_("My questionnaire and answers")),
        BotCommand(command="meetings", description=_("My meetings: plan, move, cancel")),
        BotCommand(command="mydata", description=_("All data the bot keeps about me")),
        BotCommand(command="revoke", description=_("Withdraw consent and delete my data")),
        BotCommand(command="choose", description=_("Choose whom I would like to work with")),
        BotCommand(command="language", description=_("Change the language")),
        BotCommand(command="support", description=_("Write to the administrators")),
        BotCommand(command="cancel", description=_("Stop the current dialogue")),
    ]


async def register_commands(bot: Bot, i18n: I18n) -> None:
    for locale in sorted(i18n.available_locales):
        with i18n.context(), i18n.use_locale(locale):
            await bot.set_my_commands(
                bot_commands(), scope=BotCommandScopeDefault(), language_code=locale
            )
    # Clients in any other language get the default locale's menu.
    with i18n.context(), i18n.use_locale(i18n.default_locale):
        await bot.set_my_commands(bot_commands(), scope=BotCommandScopeDefault())


def curator_commands() -> list[BotCommand]:
    """Shown only in the chats of curators (set per chat when someone becomes one)."""
    return [
        BotCommand(command="curator", description=_("Curator's workspace")),
        BotCommand(command="matching", description=_("Matching: proposals of pairs and groups")),
        BotCommand(command="pairs", description=_("Active pairs and groups")),
        BotCommand(command="admission", description=_("Mentor admission")),
        BotCommand(command="preferences", description=_("Preference round")),
        BotCommand(command="holidays", description=_("Holidays: no meetings on these days")),
        BotCommand(command="meetingsettings", description=_("Reminders and length of meetings")),
        BotCommand(command="invite", description=_("Invitation link for mentees or mentors")),
        BotCommand(command="links", description=_("Active invitation links")),
        BotCommand(command="forms", description=_("Forms of mentorship of the organization")),
        BotCommand(command="announce", description=_("Announcement to mentors and mentees")),
        BotCommand(command="candidates", description=_("Participants by status")),
        BotCommand(command="export", description=_("Excel workbook: registers and reports")),
        BotCommand(command="cycle", description=_("The cycle: dates, closing, the next one")),
        BotCommand(command="closecycle", description=_("Close the cycle: final meetings, polls")),
        BotCommand(command="newcycle", description=_("Start the next cycle")),
        BotCommand(command="ranking", description=_("Mentor ranking")),
        BotCommand(command="voices", description=_("Participants' feedback")),
        BotCommand(command="stats", description=_("Statistics and indicators with a chart")),
        BotCommand(command="indicators", description=_("Numbers to compare with and targets")),
        BotCommand(command="speed", description=_("Speed mentoring sessions")),
        BotCommand(command="groups", description=_("Groups: forming, members, meetings")),
    ]


def admin_commands() -> list[BotCommand]:
    """Shown only in the chats of the bot's administrators."""
    return [
        BotCommand(command="orgs", description=_("Organizations and curator links")),
        BotCommand(command="neworg", description=_("Add an organization")),
        BotCommand(command="coordinator", description=_("Coordinator link for a municipality")),
        BotCommand(command="schools", description=_("Organizations one by one: who is behind")),
    ]


def coordinator_commands() -> list[BotCommand]:
    """Shown only in the chats of municipal coordinators."""
    return [
        BotCommand(command="stats", description=_("Indicators of my organizations")),
        BotCommand(command="municipality", description=_("Numbers of the municipality")),
        BotCommand(command="schools", description=_("Organizations one by one: who is behind")),
        BotCommand(command="export", description=_("Excel workbook of my organizations")),
    ]


async def register_chat_commands(
    bot: Bot,
    chat_id: int,
    *,
    curator: bool = False,
    admin: bool = False,
    coordinator: bool = False,
) -> None:
    """The menu of one chat: everybody's commands and those of the person's roles, in the
    locale of the current i18n context (after /language, the person's choice)."""
    commands = bot_commands()
    if curator:
        commands += curator_commands()
    if coordinator:
        # A curator's menu has /stats already.
        known = {command.command for command in commands}
        commands += [c for c in coordinator_commands() if c.command not in known]
    if admin:
        commands += admin_commands()
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=chat_id))


async def refresh_chat_commands(bot: Bot, services: Services, chat_id: int) -> None:
    """Re-read the person's roles and set the menu of their chat accordingly."""
    curator = await services.organizations.curator_organization_id(chat_id) is not None
    coordinator = await services.coordinators.is_coordinator(chat_id)
    await register_chat_commands(
        bot, chat_id, curator=curator, admin=services.is_admin(chat_id), coordinator=coordinator
    )


async def register_role_commands(bot: Bot, i18n: I18n, services: Services) -> SendReport:
    """After start-up, in the background: the menus of administrators', curators' and
    coordinators' chats, in their languages, at the bulk sender's rate.

    Menus set per chat stay in Telegram, but a new version of the bot may have new commands,
    and curators and coordinators appointed from the command line have had no menu set yet.
    The calls share the sender's limits with announcements and reminders (a region has
    hundreds of curators: one call each), and flood control is waited out by the sender.
    """
    admins = set(services.settings.admin_ids)
    curators = {curator.telegram_id for curator in await services.organizations.all_curators()}
    coordinators = set(await services.coordinators.all_coordinators())

    async def set_menu(person: int) -> None:
        locale = await services.languages.resolve(person, None)
        with i18n.context(), i18n.use_locale(locale), without_session_retries():
            try:
                await register_chat_commands(
                    bot,
                    person,
                    curator=person in curators,
                    admin=person in admins,
                    coordinator=person in coordinators,
                )
            except TelegramRetryAfter as error:
                raise RetryLater(error.retry_after) from error
            except (TelegramForbiddenError, TelegramBadRequest) as error:
                if isinstance(error, TelegramBadRequest) and not any(
                    reason in error.message.lower() for reason in _NO_CHAT
                ):
                    raise  # a wrong menu: the sender logs it as a failure
                # A person who never opened the bot has no chat yet ("chat not found").
                log.info("Could not set the menu of chat %s: %s", person, error.message)
                raise Unreachable(error.message) from error

    return await services.sender.send_all(sorted(admins | curators | coordinators), set_menu)
