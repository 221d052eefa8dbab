"""The views of /support: the topic, the prompt, the confirmation and what the
administrators read (handlers/support.py acts)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot import html_text as hd
from bot.screens import Button, Screen
from bot.support import MAX_BODY_LENGTH, SupportRequest, SupportTopic
from handlers.callbacks import SupportAction, SupportStep, SupportTopicChoice


def topic_title(topic: SupportTopic) -> str:
    titles = {
        SupportTopic.PROBLEM: _("Something does not work"),
        SupportTopic.QUESTION: _("A question"),
        SupportTopic.IDEA: _("An idea"),
    }
    return titles[topic]


def _step(title: str, step: SupportStep) -> Button:
    return Button(title, data=SupportAction(action=step).pack())


def topic_screen() -> Screen:
    rows = tuple(
        (Button(topic_title(topic), data=SupportTopicChoice(topic=topic).pack()),)
        for topic in SupportTopic
    )
    return Screen(
        _("What would you like to write to the administrators about?"),
        (*rows, (_step(_("Cancel"), SupportStep.CANCEL),)),
    )


def topic_chosen(topic: SupportTopic) -> Screen:
    return Screen(_("Topic: {topic}").format(topic=topic_title(topic)))


def body_prompt() -> str:
    return ngettext(
        "Describe it in one message, up to {limit} character: what you did, "
        "what you expected and what happened. Please do not include passwords or documents.",
        "Describe it in one message, up to {limit} characters: what you did, "
        "what you expected and what happened. Please do not include passwords or documents.",
        MAX_BODY_LENGTH,
    ).format(limit=MAX_BODY_LENGTH)


def no_commands() -> Screen:
    return Screen(
        _("Commands do not work in the middle of this dialogue. {prompt} Or /cancel.").format(
            prompt=body_prompt()
        )
    )


def only_text() -> Screen:
    return Screen(_("I can pass on only text. {prompt} Or /cancel.").format(prompt=body_prompt()))


def confirmation_screen(body: str) -> Screen:
    return Screen(
        _(
            "This is what the administrators will receive:\n\n<blockquote>{body}</blockquote>"
        ).format(body=hd.quote(body)),
        (
            (_step(_("Send"), SupportStep.SEND),),
            (
                _step(_("Change the text"), SupportStep.EDIT),
                _step(_("Cancel"), SupportStep.CANCEL),
            ),
        ),
    )


def cancelled() -> Screen:
    return Screen(_("Cancelled: nothing was sent. /help"))


def too_many_notice() -> str:
    return _("Too many messages today")


def too_many() -> Screen:
    return Screen(
        _(
            "You have already written several times today; the administrators will read "
            "those messages first. Please try again tomorrow."
        )
    )


def sent_notice() -> str:
    return _("Sent")


def sent_screen(number: int, when: str) -> Screen:
    return Screen(
        _(
            "Message No. {number} was sent on {when}. The administrators will look into it; "
            "thank you!"
        ).format(number=number, when=when)
    )


def request_screen(request: SupportRequest, sender_name: str, sender_id: int) -> Screen:
    """What an administrator reads (in their own language)."""
    return Screen(
        _(
            "<b>Message No. {number} to support</b> ({topic})\n"
            "From: {user} (id {user_id})\n\n<blockquote>{body}</blockquote>"
        ).format(
            number=request.id,
            topic=topic_title(SupportTopic(request.topic)),
            user=hd.link(hd.quote(sender_name), f"tg://user?id={sender_id}"),
            user_id=sender_id,
            body=hd.quote(request.body),
        )
    )
