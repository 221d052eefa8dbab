"""Refusals for people without the role a command or button needs.

Placed after the curator and administrator routers: whatever of theirs reaches this router
came from someone those routers' role filters turned away. Nothing changes; the person learns
why. Routers of other curator features add their commands and callback prefixes here.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from handlers.outdated import outdated_button_text

CURATOR_COMMANDS = (
    "invite",
    "links",
    "forms",
    "candidates",
    "curator",
    "admission",
    "matching",
    "pairs",
    "announce",
    "preferences",
    "holidays",
    "meetingsettings",
    "cycle",
    "closecycle",
    "newcycle",
    "ranking",
    "voices",
    "indicators",
    "export",
    "speed",
    "groups",
)
CURATOR_CALLBACK_PREFIXES: tuple[str, ...] = (
    *("cur1", "cand1", "ws1", "adm1", "mt1", "pr1", "ann1", "hol1", "mst1"),
    "cy1",  # cycles: closing, ranking, finished pairs
    "mv1",  # meeting views: upcoming, overdue, attention, pair history
    "ind1",  # indicators: denominators and targets
    "ent1",  # enterprises: merging two spellings
    "vo1",  # participants' feedback
    "spd1",  # speed mentoring sessions (the participants' answers are "spf1")
    "fp1",  # a form's people, pace and groups
    "gcu1",  # groups: forming, leaving, moving
)
ADMIN_COMMANDS = ("orgs", "neworg")
ADMIN_CALLBACK_PREFIXES = ("org1",)


def curator_refusal() -> str:
    return _(
        "Only the curator of an organization can do this. If you have been appointed curator, "
        "open the curator link the administrator sent you."
    )


def admin_refusal() -> str:
    return _("Only the bot's administrators can do this.")


async def refuse_curator_command(message: Message) -> None:
    await message.answer(curator_refusal())


async def refuse_admin_command(message: Message) -> None:
    await message.answer(admin_refusal())


async def refuse_curator_button(
    query: CallbackQuery, callback_answer: CallbackAnswer, services: Services
) -> None:
    # A curator whose button no router took pressed an old or forged one, not a foreign one.
    if await services.organizations.curator_organization_id(query.from_user.id) is not None:
        callback_answer.text = outdated_button_text()
    else:
        callback_answer.text = curator_refusal()
    callback_answer.show_alert = True


async def refuse_admin_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = admin_refusal()
    callback_answer.show_alert = True


def build_router() -> Router:
    router = Router(name="access")
    router.message.register(refuse_curator_command, Command(*CURATOR_COMMANDS))
    router.message.register(refuse_admin_command, Command(*ADMIN_COMMANDS))
    router.callback_query.register(
        refuse_curator_button, F.data.startswith(CURATOR_CALLBACK_PREFIXES)
    )
    router.callback_query.register(refuse_admin_button, F.data.startswith(ADMIN_CALLBACK_PREFIXES))
    return router
