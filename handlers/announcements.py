"""/announce: the curator's message to all mentors, all mentees or everyone.

The curator picks the audience, types the text, sees the announcement as recipients will and
the number of recipients, then sends or cancels. The send runs as a background task through the
outbox (each recipient in their language, under the shared limits), so the bot keeps answering
meanwhile; the curator gets a report when it ends: how many got it, and who could not be
reached. Texts and keyboards: handlers/announcement_texts.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.announcements import (
    MAX_TEXT_LENGTH,
    Audience,
    Person,
    Progress,
    TextProblem,
    check_text,
    text_length,
)
from bot.outdated import Outdated
from bot.screens import Screen
from bot.sender import Outcome
from bot.services import Services
from handlers.announcement_texts import (
    AnnounceAction,
    AnnounceAudience,
    AnnounceStep,
    announcement_text,
    audience_screen,
    failed_text,
    interrupted_text,
    nobody_text,
    outdated_text,
    preview_screen,
    report_text,
    sending_text,
    text_prompt,
)
from handlers.filters import curator_router
from handlers.render import answer, edit
from handlers.states import AnnounceDialogue
from handlers.texts import too_long_text

log = logging.getLogger(__name__)


# -- /announce: the audience -------------------------------------------------------------
async def start_announcement(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    organization = await services.organizations.get(curator_org_id)
    if organization is None:
        return
    await state.clear()
    sizes = await services.announcements.sizes(curator_org_id)
    if sizes[Audience.EVERYONE] == 0:
        await message.answer(nobody_text(organization.name))
        return
    await answer(message, audience_screen(organization.name, sizes))


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
    await edit(query, Screen(text_prompt(callback_data.audience)))


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
    await answer(message, preview_screen(audience, view, number))


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
async def cancel_draft(
    query: CallbackQuery, callback_data: AnnounceAction, state: FSMContext
) -> None:
    current = await state.get_state()
    data = await state.get_data()
    # The audience buttons (draft 0) before anything was chosen, or the current preview.
    if not (
        (current is None and callback_data.draft == 0)
        or (current is not None and int(str(data.get("draft", -1))) == callback_data.draft)
    ):
        raise Outdated(outdated_text())
    await state.clear()
    await edit(query, Screen(_("The announcement is cancelled; nothing was sent.")))


async def send_draft(
    query: CallbackQuery,
    callback_data: AnnounceAction,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    current = await state.get_state()
    data = await state.get_data()
    draft = await draft_audience(state)
    text = data.get("text")
    if (
        current != AnnounceDialogue.confirm.state
        or draft is None
        or not isinstance(text, str)
        or int(str(data.get("draft", -1))) != callback_data.draft
    ):
        raise Outdated(outdated_text())
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
    await edit(query, Screen(sending_text(audience, len(view.reachable))))
    services.background.start(
        run_announcement(
            services,
            curator_id=query.from_user.id,
            organization_id=curator_org_id,
            organization_name=organization.name,
            audience=audience,
            text=text,
        ),
        name=f"announcement-{curator_org_id}-{query.id}",
    )


async def run_announcement(
    services: Services,
    *,
    curator_id: int,
    organization_id: int,
    organization_name: str,
    audience: Audience,
    text: str,
) -> None:
    """The background part: send, then report to the curator (also when stopped). Each
    recipient's message goes through the outbox, which counts it only once delivered."""

    def render() -> Screen:
        return Screen(announcement_text(organization_name, text))

    async def send(person: Person) -> Outcome:
        return await services.outbox.send(person.telegram_id, render, kind="announcement")

    progress = Progress()
    try:
        report = await services.announcements.deliver(organization_id, audience, send, progress)
    except asyncio.CancelledError:
        await tell_curator(services, curator_id, lambda: interrupted_text(audience, progress))
        raise
    except Exception:
        log.exception("The announcement of organization %s failed", organization_id)
        await tell_curator(services, curator_id, lambda: failed_text(audience, progress))
        return
    await tell_curator(services, curator_id, lambda: report_text(audience, report))


async def tell_curator(services: Services, curator_id: int, summary: Callable[[], str]) -> None:
    """The report, in the curator's language at the time it is written."""
    await services.outbox.send(curator_id, lambda: Screen(summary()), kind="announcement_report")


async def outdated_announcement_button(query: CallbackQuery) -> None:
    # An announcement button whose data no longer parses (forged, or from an older version).
    raise Outdated(_("This button is outdated. Please use the latest message or /help."))


def build_router() -> Router:
    router = curator_router("announcements")
    router.message.register(start_announcement, Command("announce"))
    router.callback_query.register(choose_audience, AnnounceAudience.filter())
    router.callback_query.register(
        cancel_draft, AnnounceAction.filter(F.action == AnnounceStep.CANCEL)
    )
    router.callback_query.register(send_draft, AnnounceAction.filter(F.action == AnnounceStep.SEND))
    router.message.register(
        receive_text, StateFilter(AnnounceDialogue.text, AnnounceDialogue.confirm), F.text
    )
    router.message.register(
        text_expected, StateFilter(AnnounceDialogue.text, AnnounceDialogue.confirm)
    )
    router.callback_query.register(outdated_announcement_button, F.data.startswith("ann1"))
    return router
