"""/announce: the curator's message to all mentors, all mentees or everyone.

The curator picks the audience, types the text, sees the announcement as recipients will and
the number of recipients, then sends or cancels. The send runs as a background task through the
rate-limited sender, so the bot keeps answering meanwhile; the curator gets a report when it
ends: how many got it, and who could not be reached.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.announcements import (
    MAX_TEXT_LENGTH,
    AnnouncementReport,
    Audience,
    Person,
    Progress,
    TextProblem,
    check_text,
    text_length,
)
from bot.services import Services
from handlers.delivery import send_text
from handlers.filters import curator_router
from handlers.states import AnnounceDialogue
from handlers.texts import too_long_text

log = logging.getLogger(__name__)

# Names listed in a preview or a report; the rest are counted.
MAX_NAMES_SHOWN = 30
MAX_NAME_LENGTH = 64


# Curators' announcements; "ann1" is in handlers/access.py's curator prefixes.
class AnnounceAudience(CallbackData, prefix="ann1a"):
    audience: Audience


class AnnounceAction(CallbackData, prefix="ann1s"):
    action: str  # "send" or "cancel"
    draft: int  # which preview the button belongs to; an older one is outdated


def audience_title(audience: Audience) -> str:
    # Translators: as in “an announcement for all mentors” (genitive in Russian).
    titles = {
        Audience.MENTORS: _("all mentors"),
        Audience.MENTEES: _("all mentees"),
        Audience.EVERYONE: _("everyone in the organization"),
    }
    return titles[audience]


def announcement_text(organization: str, text: str) -> str:
    """What a recipient gets, in the current locale: a header, then the text as typed."""
    header = _("Message from the curator of “{organization}”:").format(
        organization=hd.quote(organization)
    )
    return f"<b>{header}</b>\n\n{hd.quote(text)}"


def person_line(person: Person) -> str:
    name = person.full_name or _("Participant No. {id} (no name yet)").format(
        id=person.participant_id
    )
    if len(name) > MAX_NAME_LENGTH:
        name = name[: MAX_NAME_LENGTH - 1] + "…"
    role = _("mentor") if person.role == "mentor" else _("mentee")
    return f"• {hd.quote(name)} — {role}"


def people_lines(people: tuple[Person, ...]) -> list[str]:
    lines = [person_line(p) for p in people[:MAX_NAMES_SHOWN]]
    if len(people) > MAX_NAMES_SHOWN:
        lines.append(_("…and {count} more").format(count=len(people) - MAX_NAMES_SHOWN))
    return lines


def text_prompt(audience: Audience) -> str:
    return ngettext(
        "An announcement for {audience}. Send its text in one message, up to {limit} "
        "character. To stop: /cancel",
        "An announcement for {audience}. Send its text in one message, up to {limit} "
        "characters. To stop: /cancel",
        MAX_TEXT_LENGTH,
    ).format(audience=audience_title(audience), limit=MAX_TEXT_LENGTH)


def outdated_text() -> str:
    return _("This announcement has already been sent or cancelled.")


# -- /announce: the audience -------------------------------------------------------------
async def start_announcement(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    organization = await services.organizations.get(curator_org_id)
    if organization is None:
        return
    await state.clear()
    sizes = await services.announcements.sizes(curator_org_id)
    name = hd.quote(organization.name)
    if sizes[Audience.EVERYONE] == 0:
        await message.answer(
            _(
                "“{name}” has no mentors or mentees yet, so there is nobody to send an "
                "announcement to. Invite them with /invite."
            ).format(name=name)
        )
        return
    labels = {
        Audience.MENTORS: _("All mentors: {count}"),
        Audience.MENTEES: _("All mentees: {count}"),
        Audience.EVERYONE: _("Everyone: {count}"),
    }
    builder = InlineKeyboardBuilder()
    for audience, label in labels.items():
        builder.button(
            text=label.format(count=sizes[audience]),
            callback_data=AnnounceAudience(audience=audience),
        )
    builder.button(text=_("Cancel"), callback_data=AnnounceAction(action="cancel", draft=0))
    builder.adjust(1)
    await message.answer(
        _("“{name}”: who should get the announcement?").format(name=name),
        reply_markup=builder.as_markup(),
    )


async def choose_audience(
    query: CallbackQuery,
    callback_data: AnnounceAudience,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    sizes = await services.announcements.sizes(curator_org_id)
    if sizes[callback_data.audience] == 0:
        callback_answer.text = _("Nobody to send it to: there is no one in this group yet.")
        callback_answer.show_alert = True
        return
    await state.set_state(AnnounceDialogue.text)
    await state.set_data({"audience": callback_data.audience.value, "draft": 0})
    if isinstance(query.message, Message):
        await query.message.edit_text(text_prompt(callback_data.audience), reply_markup=None)


# -- the text and the preview ------------------------------------------------------------
async def draft_audience(state: FSMContext) -> tuple[Audience, dict[str, object]] | None:
    data = await state.get_data()
    try:
        return Audience(str(data.get("audience"))), data
    except ValueError:
        return None


async def receive_text(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    draft = await draft_audience(state)
    organization = await services.organizations.get(curator_org_id)
    if draft is None or organization is None:
        await state.clear()
        await message.answer(outdated_text())
        return
    audience, data = draft
    text = message.text or ""
    if text.startswith("/"):  # a command no other handler knows, not an announcement
        await message.answer(text_prompt(audience))
        return
    problem = check_text(text)
    if problem is TextProblem.EMPTY:
        await message.answer(text_prompt(audience))
        return
    if problem is TextProblem.TOO_LONG:
        await message.answer(too_long_text(text_length(text), MAX_TEXT_LENGTH))
        return
    number = int(str(data.get("draft", 0))) + 1
    await state.set_data({"audience": audience.value, "text": text, "draft": number})
    await state.set_state(AnnounceDialogue.confirm)

    view = await services.announcements.audience(curator_org_id, audience)
    await message.answer(announcement_text(organization.name, text))
    lines = [
        _("<b>An announcement for {audience}</b>").format(audience=audience_title(audience)),
        _("Recipients: {count}.").format(count=len(view.reachable)),
    ]
    if view.unreachable:
        lines += [
            "",
            _("Will not get it, as they blocked the bot or deleted the account: {count}.").format(
                count=len(view.unreachable)
            ),
            *people_lines(view.unreachable),
        ]
    lines += [
        "",
        _(
            "Check the text above: this is how they will see it, each in their language of "
            "the bot. Send it? To change the text, send a new one."
        ),
    ]
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Send"), callback_data=AnnounceAction(action="send", draft=number))
    builder.button(text=_("Cancel"), callback_data=AnnounceAction(action="cancel", draft=number))
    builder.adjust(2)
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


async def text_expected(message: Message, state: FSMContext) -> None:
    draft = await draft_audience(state)
    if draft is None:
        await state.clear()
        await message.answer(outdated_text())
        return
    await message.answer(
        _(
            "Please send the announcement as a text message: pictures and files cannot be "
            "sent yet. To stop: /cancel"
        )
    )


# -- sending or cancelling ---------------------------------------------------------------
async def act_on_draft(
    query: CallbackQuery,
    callback_data: AnnounceAction,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    current = await state.get_state()
    data = await state.get_data()
    if callback_data.action == "cancel":
        # The audience buttons (draft 0) before anything was chosen, or the current preview.
        if (current is None and callback_data.draft == 0) or (
            current is not None and int(str(data.get("draft", -1))) == callback_data.draft
        ):
            await state.clear()
            if isinstance(query.message, Message):
                await query.message.edit_text(
                    _("The announcement is cancelled; nothing was sent."), reply_markup=None
                )
            return
        callback_answer.text = outdated_text()
        callback_answer.show_alert = True
        return
    draft = await draft_audience(state)
    text = data.get("text")
    if (
        callback_data.action != "send"
        or current != AnnounceDialogue.confirm.state
        or draft is None
        or not isinstance(text, str)
        or int(str(data.get("draft", -1))) != callback_data.draft
    ):
        callback_answer.text = outdated_text()
        callback_answer.show_alert = True
        return
    if not services.background.accepting:
        callback_answer.text = _("The bot is restarting; press “Send” again in a minute.")
        callback_answer.show_alert = True
        return
    audience = draft[0]
    organization = await services.organizations.get(curator_org_id)
    if organization is None:
        return
    await state.clear()  # events of one person are handled one by one: a double tap ends here
    view = await services.announcements.audience(curator_org_id, audience)
    if isinstance(query.message, Message):
        await query.message.edit_text(
            _("<b>An announcement for {audience}</b>").format(audience=audience_title(audience))
            + "\n"
            + _("Sending, recipients: {count}. I will write here when it is done.").format(
                count=len(view.reachable)
            ),
            reply_markup=None,
        )
    services.background.start(
        run_announcement(
            bot,
            services,
            i18n,
            curator_id=query.from_user.id,
            curator_locale=i18n.current_locale,
            organization_id=curator_org_id,
            organization_name=organization.name,
            audience=audience,
            text=text,
        ),
        name=f"announcement-{curator_org_id}-{query.id}",
    )


async def run_announcement(
    bot: Bot,
    services: Services,
    i18n: I18n,
    *,
    curator_id: int,
    curator_locale: str,
    organization_id: int,
    organization_name: str,
    audience: Audience,
    text: str,
) -> None:
    """The background part: send, then report to the curator (also when stopped)."""
    rendered: dict[str, str] = {}

    def message_in(locale: str) -> str:
        if locale not in rendered:
            with i18n.context(), i18n.use_locale(locale):
                rendered[locale] = announcement_text(organization_name, text)
        return rendered[locale]

    languages = services.languages

    async def send(person: Person) -> None:
        locale = person.language if person.language in languages.supported else None
        await send_text(bot, person.telegram_id, message_in(locale or languages.default))

    progress = Progress()
    try:
        report = await services.announcements.deliver(organization_id, audience, send, progress)
    except asyncio.CancelledError:
        with i18n.context(), i18n.use_locale(curator_locale):
            summary = interrupted_text(audience, progress)
        await tell_curator(bot, curator_id, summary)
        raise
    except Exception:
        log.exception("The announcement of organization %s failed", organization_id)
        with i18n.context(), i18n.use_locale(curator_locale):
            summary = failed_text(audience, progress)
        await tell_curator(bot, curator_id, summary)
        return
    with i18n.context(), i18n.use_locale(curator_locale):
        summary = report_text(audience, report)
    await tell_curator(bot, curator_id, summary)


async def tell_curator(bot: Bot, curator_id: int, text: str) -> None:
    try:
        await bot.send_message(curator_id, text)
    except TelegramAPIError as error:
        log.warning("Could not report the announcement to curator %s: %s", curator_id, error)


def report_text(audience: Audience, report: AnnouncementReport) -> str:
    lines = [
        _(
            "<b>The announcement for {audience} is sent</b>: delivered to {delivered}, "
            "could not reach {not_reached}."
        ).format(
            audience=audience_title(audience),
            delivered=report.delivered,
            not_reached=len(report.not_reached),
        )
    ]
    if report.not_reached:
        lines += [
            "",
            _("Could not reach (they blocked the bot or deleted the account):"),
            *people_lines(report.not_reached),
        ]
    if report.failed:
        lines += [
            "",
            _("Not sent because of an error: {count}.").format(count=len(report.failed)),
            *people_lines(report.failed),
        ]
    return "\n".join(lines)


def interrupted_text(audience: Audience, progress: Progress) -> str:
    return _(
        "<b>The announcement for {audience} was interrupted</b>: the bot was stopped. "
        "Delivered to {delivered} of {total}; the others did not get it."
    ).format(audience=audience_title(audience), delivered=progress.delivered, total=progress.total)


def failed_text(audience: Audience, progress: Progress) -> str:
    return _(
        "<b>The announcement for {audience} stopped because of an error</b>. Delivered to "
        "{delivered} of {total}. Please tell the administrators: /support"
    ).format(audience=audience_title(audience), delivered=progress.delivered, total=progress.total)


async def outdated_announcement_button(
    query: CallbackQuery, callback_answer: CallbackAnswer
) -> None:
    # An announcement button whose data no longer parses (forged, or from an older version).
    callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
    callback_answer.show_alert = True


def build_router() -> Router:
    router = curator_router("announcements")
    router.message.register(start_announcement, Command("announce"))
    router.callback_query.register(choose_audience, AnnounceAudience.filter())
    router.callback_query.register(act_on_draft, AnnounceAction.filter())
    router.message.register(
        receive_text, StateFilter(AnnounceDialogue.text, AnnounceDialogue.confirm), F.text
    )
    router.message.register(
        text_expected, StateFilter(AnnounceDialogue.text, AnnounceDialogue.confirm)
    )
    router.callback_query.register(outdated_announcement_button, F.data.startswith("ann1"))
    return router
