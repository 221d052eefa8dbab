"""Whatever no other handler took: a short helpful answer, and no change of state."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from handlers.outdated import outdated_button_text


async def unknown_command(message: Message) -> None:
    await message.answer(_("I do not know this command. The list of commands: /help"))


async def unexpected_text(message: Message, state: FSMContext) -> None:
    if await state.get_state() is not None:
        await message.answer(
            _("Please answer with the buttons above, or stop the dialogue with /cancel.")
        )
        return
    await message.answer(
        _("I work with commands and buttons rather than free text. Here is what I can do: /help")
    )


async def unexpected_content(message: Message) -> None:
    await message.answer(
        _("I understand only text messages and buttons for now. What I can do: /help")
    )


async def outdated_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    # Buttons of finished dialogues or of older versions of the bot end up here.
    callback_answer.text = outdated_button_text()
    callback_answer.show_alert = True


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(unexpected_text, F.text)
    router.message.register(unexpected_content)
    router.callback_query.register(outdated_button)
    return router
