"""The participant's rights: /profile, /mydata (everything held, as text and JSON), /revoke."""

from __future__ import annotations

import json
import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.formatting import format_moment
from bot.models.participants import Participant
from bot.outdated import Outdated
from bot.participants import Status
from bot.privacy import Departure
from bot.screens import Screen
from bot.services import Services
from dialogs.answers import format_answer
from handlers.address import is_minor, you
from handlers.join import organization_name
from handlers.join_views import role_title
from handlers.questionnaire_views import Act, ActKind
from handlers.texts import split_message

log = logging.getLogger(__name__)


class RevokeDecision(CallbackData, prefix="rvk1"):
    confirm: bool


async def reader_is_minor(services: Services, telegram_id: int) -> bool:
    """A person who takes part as a minor anywhere is addressed as a minor («ты»)."""
    return any(is_minor(p) for p in await services.participants.of_user(telegram_id))


def status_title(status: Status, minor: bool = False) -> str:
    titles = {
        Status.WAITING_CONSENT: you(minor, "waiting for your consent"),
        Status.WAITING_GUARDIAN: _("waiting for the consent of a parent or legal representative"),
        Status.QUESTIONNAIRE: _("questionnaire in progress"),
        Status.READY: _("questionnaire completed"),
    }
    return titles[status]


async def participation_text(
    participant: Participant, services: Services, i18n: I18n, *, with_consents: bool
) -> str:
    organization = await services.organizations.get(participant.organization_id)
    timezone = organization.timezone if organization else services.settings.default_timezone
    name = organization.name if organization else "—"
    status = await services.participants.status(participant)
    minor = is_minor(participant)
    lines = [
        _("<b>«{organization}»</b>, {role}").format(
            organization=hd.quote(name), role=role_title(participant.role)
        ),
        _("Status: {status}").format(status=status_title(status, minor)),
        _("Joined: {when}").format(
            when=format_moment(participant.joined_at, i18n.current_locale, timezone)
        ),
    ]
    if with_consents:
        for consent in await services.participants.consents(participant.id):
            when = format_moment(consent.given_at, i18n.current_locale, timezone)
            if consent.kind == "self":
                lines.append(you(minor, "Your consent: {when}").format(when=when))
            else:
                lines.append(_("Consent of a legal representative: {when}").format(when=when))
    step = await services.questionnaires.step(participant.id)
    for question in step.visible():
        if question.key in step.answers:
            shown = format_answer(
                question, step.answers[question.key], _, step.options_of(question)
            )
            lines.append(f"• {hd.quote(_(question.label or question.text))}: {hd.quote(shown)}")
    return "\n".join(lines)


async def show_profile(message: Message, services: Services, i18n: I18n) -> None:
    assert message.from_user is not None
    participants = await services.participants.of_user(message.from_user.id)
    if not participants:
        # Translators: the age is not known: the adults' form of address.
        await message.answer(
            _(
                "You do not take part in a programme yet. Open the invitation link from your "
                "curator to join."
            )
        )
        return
    for participant in participants:
        text = await participation_text(participant, services, i18n, with_consents=False)
        builder = InlineKeyboardBuilder()
        if await services.questionnaires.may_start(participant):
            builder.button(
                text=_("Change answers"), callback_data=Act(p=participant.id, a=ActKind.OPEN)
            )
        chunks = split_message(text)
        for chunk in chunks[:-1]:
            await message.answer(chunk)
        await message.answer(chunks[-1], reply_markup=builder.as_markup() or None)


async def show_my_data(message: Message, services: Services, i18n: I18n) -> None:
    assert message.from_user is not None
    telegram_id = message.from_user.id
    export = await services.rights.export(telegram_id)
    minor = await reader_is_minor(services, telegram_id)
    parts = [you(minor, "<b>Everything I keep about you</b>")]
    account = export["account"]
    parts.append(
        _("Language: {language}; messages to support: {count}").format(
            language=account["language"] or "—", count=len(account["support_requests"])
        )
    )
    for participant in await services.participants.of_user(telegram_id):
        parts.append("")
        parts.append(await participation_text(participant, services, i18n, with_consents=True))
    given = export["consents_given_as_representative"]
    if given:
        parts.append("")
        parts.append(
            _("Consents you gave as a legal representative: {count}").format(count=len(given))
        )
    if not export["participations"] and not given:
        parts.append(you(minor, "You do not take part in a programme."))
    parts += ["", _("The same data as a file is attached below.")]
    for chunk in split_message("\n".join(parts)):
        await message.answer(chunk)
    payload = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
    await message.answer_document(
        BufferedInputFile(payload, filename=f"mydata-{telegram_id}.json"),
        caption=you(minor, "Your data in JSON format."),
    )


def revoke_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, withdraw and delete"), callback_data=RevokeDecision(confirm=True))
    builder.button(text=_("Cancel"), callback_data=RevokeDecision(confirm=False))
    builder.adjust(1)
    return builder.as_markup()


async def ask_revoke(message: Message, services: Services) -> None:
    assert message.from_user is not None
    plan = await services.rights.plan_withdrawal(message.from_user.id)
    minor = any(is_minor(p) for p in plan.own)
    if plan.empty:
        await message.answer(
            you(minor, "You have not given consent to the processing of personal data in this bot.")
        )
        return
    lines = [you(minor, "You are withdrawing your consent to the processing of personal data:")]
    for participant in plan.own:
        name = await organization_name(services, participant.organization_id)
        lines.append(
            _("• taking part in «{organization}» as {role}").format(
                organization=hd.quote(name), role=role_title(participant.role)
            )
        )
    for participant in plan.represented:
        name = await organization_name(services, participant.organization_id)
        child = plan.child_names.get(participant.id)
        if child:
            lines.append(
                _("• the consent you gave for your child (ward) {child}, «{organization}»").format(
                    child=hd.quote(child), organization=hd.quote(name)
                )
            )
        else:
            lines.append(
                _("• the consent you gave for a child in «{organization}»").format(
                    organization=hd.quote(name)
                )
            )
    lines += [
        "",
        you(
            minor,
            "All answers and data will be deleted for good, and the curator will be told. "
            "Are you sure?",
        ),
    ]
    await message.answer("\n".join(lines), reply_markup=revoke_keyboard())


async def on_revoke(
    query: CallbackQuery,
    callback_data: RevokeDecision,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if not callback_data.confirm:
        callback_answer.text = _("Nothing changed")
        return
    minor = await reader_is_minor(services, query.from_user.id)
    departures = await services.rights.withdraw(query.from_user.id)
    await state.clear()
    if not departures:  # a second press: the first one withdrew
        raise Outdated()
    await bot.send_message(
        query.from_user.id,
        you(
            minor,
            "Your consent is withdrawn and your data has been deleted. From now on I do not "
            "process anything about you in the programme. Thank you for taking part!",
        ),
    )
    for departure in departures:
        await tell_about_departure(bot, i18n, services, departure)


async def tell_about_departure(
    bot: Bot, i18n: I18n, services: Services, departure: Departure
) -> None:
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


def departure_text(departure: Departure, who: str, partner_minor: bool) -> str:
    if who == "partner":
        return you(
            partner_minor,
            "Your pair has ended: the other participant has left the programme. "
            "The curator knows and will help you further.",
        )
    if who == "child":
        # Translators: to a person under 18: «ты» in Russian.
        return _(
            "Your parent or legal representative has withdrawn the consent, so your "
            "data has been deleted and you no longer take part in the programme."
        )
    return _(
        "{name} ({role}) has withdrawn the consent to the processing of personal "
        "data. Their data has been deleted."
    ).format(
        name=hd.quote(departure.full_name or _("A participant")),
        role=_("mentor") if departure.role == "mentor" else _("mentee"),
    )


def build_router() -> Router:
    router = Router(name="rights")
    router.message.register(show_profile, Command("profile"))
    router.message.register(show_my_data, Command("mydata"))
    router.message.register(ask_revoke, Command("revoke"))
    router.callback_query.register(on_revoke, RevokeDecision.filter(F.confirm.in_({True, False})))
    return router
