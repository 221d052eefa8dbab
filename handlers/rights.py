"""The participant's rights: /profile, /mydata (everything held, as text and JSON), /revoke.

Texts and buttons are in handlers/rights_views.py."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n

from bot.formatting import format_moment
from bot.models.participants import Participant
from bot.outdated import Outdated
from bot.privacy import Departure
from bot.screens import Screen
from bot.services import Services
from handlers.address import is_minor
from handlers.join import organization_name
from handlers.render import answer, answer_all, drop_message_keyboard, send
from handlers.rights_views import (
    Participation,
    RevokeDecision,
    Withdrawing,
    departure_text,
    my_data_screens,
    no_participation,
    nothing_changed,
    nothing_to_revoke,
    profile_screens,
    revoke_screen,
    withdrawn_screen,
)

log = logging.getLogger(__name__)


async def reader_is_minor(services: Services, telegram_id: int) -> bool:
    """A person who takes part as a minor anywhere is addressed as a minor («ты»)."""
    return any(is_minor(p) for p in await services.participants.of_user(telegram_id))


async def participation(
    participant: Participant, services: Services, locale: str, *, with_consents: bool
) -> Participation:
    organization = await services.organizations.get(participant.organization_id)
    timezone = organization.timezone if organization else services.settings.default_timezone
    consents: tuple[tuple[str, str], ...] = ()
    if with_consents:
        consents = tuple(
            (consent.kind, format_moment(consent.given_at, locale, timezone))
            for consent in await services.participants.consents(participant.id)
        )
    return Participation(
        organization=organization.name if organization else "—",
        role=participant.role,
        status=await services.participants.status(participant),
        minor=is_minor(participant),
        joined=format_moment(participant.joined_at, locale, timezone),
        step=await services.questionnaires.step(participant.id),
        consents=consents,
    )


async def show_profile(message: Message, services: Services, i18n: I18n) -> None:
    assert message.from_user is not None
    participants = await services.participants.of_user(message.from_user.id)
    if not participants:
        await answer(message, no_participation())
        return
    for participant in participants:
        item = await participation(participant, services, i18n.current_locale, with_consents=False)
        may_change = await services.questionnaires.may_start(participant)
        await answer_all(message, profile_screens(item, participant.id, may_change))


async def show_my_data(message: Message, services: Services, i18n: I18n) -> None:
    assert message.from_user is not None
    telegram_id = message.from_user.id
    export = await services.rights.export(telegram_id)
    minor = await reader_is_minor(services, telegram_id)
    items = [
        await participation(participant, services, i18n.current_locale, with_consents=True)
        for participant in await services.participants.of_user(telegram_id)
    ]
    await answer_all(message, my_data_screens(export, items, minor, telegram_id))


async def ask_revoke(message: Message, services: Services) -> None:
    assert message.from_user is not None
    plan = await services.rights.plan_withdrawal(message.from_user.id)
    minor = any(is_minor(p) for p in plan.own)
    if plan.empty:
        await answer(message, nothing_to_revoke(minor))
        return
    own = [(await organization_name(services, p.organization_id), p.role) for p in plan.own]
    represented = [
        (await organization_name(services, p.organization_id), plan.child_names.get(p.id))
        for p in plan.represented
    ]
    await answer(message, revoke_screen(Withdrawing(tuple(own), tuple(represented), minor)))


async def keep_consent(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    if isinstance(query.message, Message):
        await drop_message_keyboard(query.message)
    callback_answer.text = nothing_changed()


async def withdraw(
    query: CallbackQuery,
    state: FSMContext,
    services: Services,
    bot: Bot,
) -> None:
    if isinstance(query.message, Message):
        await drop_message_keyboard(query.message)
    minor = await reader_is_minor(services, query.from_user.id)
    departures = await services.rights.withdraw(query.from_user.id)
    await state.clear()
    if not departures:  # a second press: the first one withdrew
        raise Outdated()
    for_children = any(d.by_representative for d in departures)
    await send(bot, query.from_user.id, withdrawn_screen(minor, for_children))
    for departure in departures:
        await tell_about_departure(services, departure)


async def tell_about_departure(services: Services, departure: Departure) -> None:
    """The curators learn who left; a child learns that a parent withdrew the consent."""
    recipients: list[tuple[int, str]] = []
    for curator in await services.organizations.curators(departure.organization_id):
        recipients.append((curator.telegram_id, "curator"))
    if departure.by_representative:
        recipients.append((departure.telegram_id, "child"))
    recipients += [(partner, "partner") for partner in departure.partners]
    for telegram_id, who in recipients:
        partner_minor = who == "partner" and await reader_is_minor(services, telegram_id)
        await services.outbox.send(
            telegram_id,
            lambda who=who, minor=partner_minor: Screen(  # type: ignore[misc]
                departure_text(departure, who, minor)
            ),
            kind="departure",
        )


def build_router() -> Router:
    router = Router(name="rights")
    router.message.register(show_profile, Command("profile"))
    router.message.register(show_my_data, Command("mydata"))
    router.message.register(ask_revoke, Command("revoke"))
    # One handler per answer.
    router.callback_query.register(withdraw, RevokeDecision.filter(F.confirm.is_(True)))
    router.callback_query.register(keep_consent, RevokeDecision.filter(F.confirm.is_(False)))
    return router
