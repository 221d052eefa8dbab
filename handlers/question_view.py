"""How one question looks, the same in the main questionnaire and in the repeated forms.

The two runners differ only in their button data, so each passes the factories of its own
``CallbackData``: ``pick(option value)`` for an option and ``control(action)`` for the
:data:`DONE`, :data:`SKIP` and :data:`BACK` buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from dialogs.forms import FORM_DESCRIPTIONS, FederalForm
from dialogs.model import Option, Question, QuestionKind
from handlers.address import you

log = logging.getLogger(__name__)

DONE, SKIP, BACK = "done", "skip", "back"

# Questions answered by typing a message (a scale and yes/no show buttons instead).
_TYPED = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER, QuestionKind.DATE)


def question_text(
    question: Question,
    number: int,
    total: int,
    options: Sequence[Option],
    heading: str | None = None,
    *,
    minor: bool = False,
) -> str:
    """The line "Question N of M", the question, its hint and how to answer it (HTML), in
    the reader's form of address (``minor``: a person under 18)."""
    lines = [heading] if heading else []
    lines += [
        _("Question {number} of {total}").format(number=number, total=total),
        f"<b>{hd.quote(you(minor, question.text))}</b>",
    ]
    if question.hint:
        lines.append(f"<i>{hd.quote(you(minor, question.hint))}</i>")
    if question.kind == QuestionKind.SCALE and question.scale_labels:
        low, high = question.scale_labels
        lines.append(
            hd.quote(
                _("{min} — {low}, {max} — {high}").format(
                    min=question.min_value, low=_(low), max=question.max_value, high=_(high)
                )
            )
        )
    if question.kind in _TYPED:
        lines.append(you(minor, "Type your answer in a message."))
    if question.options_source == "forms":
        # Each form with its one-line description, so that a pupil knows what it means.
        for option in options:
            if option.value in FORM_DESCRIPTIONS:
                description = _(FORM_DESCRIPTIONS[FederalForm(option.value)])
                lines.append(f"• <b>{hd.quote(_(option.label))}</b>: {hd.quote(description)}")
    if question.kind == QuestionKind.MULTI_CHOICE:
        lines.append(you(minor, "Tap the options, then «Done»."))
    return "\n".join(lines)


def question_keyboard(
    question: Question,
    options: Sequence[Option],
    selected: Sequence[str],
    *,
    can_go_back: bool,
    pick: Callable[[str], CallbackData],
    control: Callable[[str], CallbackData],
) -> InlineKeyboardMarkup | None:
    """The option buttons (a chosen one of a multi-choice marked ✓), two a row or up to six
    points of a scale a row, then a row of done / skip / back; None when there is no button."""
    multi = question.kind == QuestionKind.MULTI_CHOICE
    builder = InlineKeyboardBuilder()
    for option in options:
        label = _(option.label)
        if multi and option.value in selected:
            label = "✓ " + label
        builder.button(text=label, callback_data=pick(option.value))
    # Options fill rows of two (six points of a scale); the last row holds what is left, so
    # the controls always start a row of their own.
    sizes = _rows(len(options), 6 if question.kind == QuestionKind.SCALE else 2)
    controls = 0
    if multi:
        builder.button(text=_("Done"), callback_data=control(DONE))
        controls += 1
    if not question.required:
        builder.button(text=_("Skip"), callback_data=control(SKIP))
        controls += 1
    if can_go_back:
        builder.button(text=_("← Back"), callback_data=control(BACK))
        controls += 1
    builder.adjust(*sizes, *([controls] if controls else []))
    markup = builder.as_markup()
    return markup if markup.inline_keyboard else None


def _rows(count: int, width: int) -> list[int]:
    full, rest = divmod(count, width)
    return [width] * full + ([rest] if rest else [])


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Take the buttons off an answered question, so that only the current one has live
    buttons. Telegram refuses the edit when the buttons are already gone ("message is not
    modified", after a double tap) or the message is gone or too old ("message to edit not
    found"): that changes nothing for the person, so it is only logged."""
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except TelegramBadRequest as error:
        log.debug("Buttons of message %s not removed: %s", message_id, error.message)


async def drop_message_keyboard(message: Message) -> None:
    if message.bot is not None:
        await drop_keyboard(message.bot, message.chat.id, message.message_id)
