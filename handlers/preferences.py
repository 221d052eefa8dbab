"""The preference round: the curator opens it, participants pick up to three people."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.matching.profiles import Candidate
from bot.models.participants import Participant
from bot.screens import Screen
from bot.services import Services
from handlers.filters import curator_router
from handlers.people import label
from storage.repositories.preferences import MAX_CHOICES


class RoundAction(CallbackData, prefix="mt1r"):
    open: bool


class PreferencePick(CallbackData, prefix="prf1"):
    chooser: int
    chosen: int


def round_keyboard(is_open: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if is_open:
        builder.button(text=_("Close the preference round"), callback_data=RoundAction(open=False))
    else:
        builder.button(text=_("Open the preference round"), callback_data=RoundAction(open=True))
    return builder.as_markup()


def round_text(is_open: bool) -> str:
    state = _("open") if is_open else _("closed")
    return _(
        "Preference round: participants see short cards of compatible people of the other "
        "side and choose up to three; mutual choices weigh heavily in the matching. "
        "Now: {state}."
    ).format(state=state)


async def show_round(message: Message, services: Services, curator_org_id: int) -> None:
    is_open = await services.preferences.is_open(curator_org_id)
    await message.answer(round_text(is_open), reply_markup=round_keyboard(is_open))


async def on_round(
    query: CallbackQuery,
    callback_data: RoundAction,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.open:
        invited = await services.preferences.open(curator_org_id)

        def render() -> Screen:
            return Screen(
                _(
                    "The curator invites you to choose whom you would like to work with: "
                    "up to three people. Press /choose."
                )
            )

        # Queued: a whole cohort, each in their own language (bot and i18n are the outbox's).
        await services.outbox.post(
            [(candidate.telegram_id, render) for candidate in invited], kind="preference_round"
        )
        callback_answer.text = ngettext(
            "Invited: {n} person", "Invited: {n} people", len(invited)
        ).format(n=len(invited))
    else:
        await services.preferences.close(curator_org_id)
    if isinstance(query.message, Message):
        # The text says the state too, so the whole message follows the press.
        is_open = await services.preferences.is_open(curator_org_id)
        await query.message.edit_text(round_text(is_open), reply_markup=round_keyboard(is_open))


def labels(codes: frozenset[str]) -> str:
    return hd.quote(", ".join(label(code) for code in sorted(codes)))


def card_line(number: int, candidate: Candidate) -> str:
    """Short and anonymous enough: no names, only what matters for the choice."""
    if candidate.role == "mentor":
        head = _("Mentor No. {n}").format(n=number)
        what = _("can help with: {items}")
    else:
        head = _("Mentee No. {n}").format(n=number)
        what = _("asks for: {items}")
    parts = [f"<b>{head}</b>"]
    if candidate.topics:
        parts.append(
            what.format(items=hd.quote(", ".join(label(t) for t in sorted(candidate.topics))))
        )
    if candidate.interests:
        parts.append(
            _("interests: {items}").format(
                items=hd.quote(", ".join(label(i) for i in sorted(candidate.interests)))
            )
        )
    if candidate.days:
        parts.append(
            _("days: {items}").format(items=", ".join(label(d) for d in sorted(candidate.days)))
        )
    return "; ".join(parts)


async def cards_view(
    services: Services, participant: Participant
) -> tuple[str, InlineKeyboardMarkup | None]:
    cards = await services.preferences.cards(participant.organization_id, participant.id)
    if cards is None:
        return _("Choosing is not open now, or you are already in a pair."), None
    if not cards:
        return _("There is nobody compatible to choose from yet."), None
    chosen = await services.preferences.chosen(participant.organization_id, participant.id)
    lines = [
        ngettext(
            "Choose up to {n} person you would like to work with:",
            "Choose up to {n} people you would like to work with:",
            MAX_CHOICES,
        ).format(n=MAX_CHOICES)
    ]
    builder = InlineKeyboardBuilder()
    for number, card in enumerate(cards[:30], start=1):
        lines.append(card_line(number, card))
        mark = "✓ " if card.participant_id in chosen else ""
        builder.button(
            text=f"{mark}{number}",
            callback_data=PreferencePick(chooser=participant.id, chosen=card.participant_id),
        )
    builder.adjust(6)
    return "\n".join(lines), builder.as_markup()


async def choose(message: Message, services: Services) -> None:
    assert message.from_user is not None
    for participant in await services.participants.of_user(message.from_user.id):
        cards = await services.preferences.cards(participant.organization_id, participant.id)
        if cards is not None:
            text, markup = await cards_view(services, participant)
            await message.answer(text, reply_markup=markup)
            return
    await message.answer(_("Choosing is not open now, or you are already in a pair."))


async def on_pick(
    query: CallbackQuery,
    callback_data: PreferencePick,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    participant = await services.participants.owned(callback_data.chooser, query.from_user.id)
    if participant is None:
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    result = await services.preferences.toggle(
        participant.organization_id, participant.id, callback_data.chosen
    )
    if result is None:
        callback_answer.text = _("You can choose up to three people while choosing is open.")
        return
    callback_answer.text = _("Chosen") if result else _("Choice removed")
    text, markup = await cards_view(services, participant)
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)


def build_curator_router() -> Router:
    router = curator_router("preferences-curator")
    router.message.register(show_round, Command("preferences"))
    router.callback_query.register(on_round, RoundAction.filter())
    return router


def build_router() -> Router:
    router = Router(name="preferences")
    router.message.register(choose, Command("choose"))
    router.callback_query.register(on_pick, PreferencePick.filter())
    return router
