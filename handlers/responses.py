"""One runner for the short repeated forms (feedback, compatibility, monitoring, final polls):
sending a form, and the router.

A form is started from anywhere (a handler, or a scheduler job without an update) with
:func:`send_form`. Everything needed to go on is in the database and in the buttons: the
current question is the response's ``position``, a multi-choice selection travels in the
button data, and a typed answer finds its response by the person (the most recently touched
open response whose question takes typing), so nothing depends on FSM state set from a job.

The handlers are in :mod:`handlers.response_answers`, what they show in
:mod:`handlers.response_views`; what a completed form sets off is the
:class:`~handlers.completion_hooks.CompletionHooks` given to :func:`build_router`.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import StateFilter

from bot.responses import FormRefused
from bot.sender import Outcome
from bot.services import Services
from dialogs.forms import chosen_forms
from dialogs.monitoring import monitoring_form_for
from handlers.address import is_minor
from handlers.response_answers import (
    TypedFormAnswer,
    on_back,
    on_done,
    on_other_content,
    on_other_text,
    on_pick,
    on_skip,
    on_typed,
)
from handlers.response_views import FormAction, FormPick, form_screen
from handlers.states import ResponseDialogue

log = logging.getLogger(__name__)


# -- sending from anywhere -----------------------------------------------------------------


async def send_form(
    services: Services,
    chat_id: int,
    *,
    form: str,
    participant_id: int,
    subject: str,
    meeting_id: int | None = None,
    intro: str | None = None,
) -> bool:
    """Open the form (idempotently) and send its current question to the participant.

    Works inside an update and from a scheduler job: it goes through the outbox, in the
    recipient's language. ``intro`` (plain text or a msgid) replaces the form's own
    introduction. Returns whether a question was delivered: False when the response is
    already completed, the participant is gone or is not this chat, or Telegram refused.
    """
    participant = await services.participants.get(participant_id)
    if participant is None or participant.telegram_id != chat_id:
        log.info("Form %s not sent: participant %s is not chat %s", form, participant_id, chat_id)
        return False
    try:
        step = await services.responses.open(form, participant_id, subject, meeting_id=meeting_id)
    except FormRefused as error:
        log.info("Form %s not sent: %s", form, error)
        return False
    if step.question is None:
        return False
    minor = is_minor(participant)
    # Not even tried for someone who blocked the bot: the form waits, opened.
    sent = await services.outbox.send(
        chat_id, lambda: form_screen(step, minor, intro), kind=f"form:{form}"
    )
    return sent is Outcome.DELIVERED


async def send_monitoring_before(services: Services, participant_id: int) -> bool:
    """The monitoring form of the participant's category, about the cycle they take part in
    (subject ``before:<cycle id>``); sent once, when the questionnaire is first confirmed, and
    to the people carried into a new cycle."""
    participant = await services.participants.get(participant_id)
    if participant is None:
        return False
    cycle_id = getattr(participant, "cycle_id", None) or await services.responses.cycle_of(
        participant_id
    )
    if cycle_id is None:
        log.warning("No cycle for participant %s: monitoring not sent", participant_id)
        return False
    answers = (await services.questionnaires.step(participant_id)).answers
    forms = await services.organizations.forms(participant.organization_id)
    form = monitoring_form_for(
        participant.role,
        chosen_forms(answers.get("form")),
        answers,
        {f.code: (f.mentor_kind, f.mentee_kind) for f in forms},
    )
    return await send_form(
        services,
        participant.telegram_id,
        form=form,
        participant_id=participant_id,
        subject=f"before:{cycle_id}",
    )


def build_router() -> Router:
    """The handlers get what completed forms set off as ``completion_hooks`` from the
    dispatcher's workflow data (bot/app.py: :func:`handlers.form_hooks.default_hooks`)."""
    router = Router(name="responses")
    presses = {
        FormAction.PICK: on_pick,
        FormAction.DONE: on_done,
        FormAction.SKIP: on_skip,
        FormAction.BACK: on_back,
    }
    for action, handler in presses.items():
        router.callback_query.register(handler, FormPick.filter(F.a == action))
    router.message.register(
        on_other_text, StateFilter(ResponseDialogue.other), F.text, ~F.text.startswith("/")
    )
    router.message.register(on_other_content, StateFilter(ResponseDialogue.other), ~F.text)
    # Ordered after every dialogue router, before the fallback: plain text with no dialogue
    # going on answers an open form, if the person has one waiting for typing.
    router.message.register(
        on_typed, StateFilter(None), F.text, ~F.text.startswith("/"), TypedFormAnswer()
    )
    return router
