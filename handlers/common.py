"""/cancel works in any dialogue, so its router goes first."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from handlers.states import dialogue_title


async def cancel(message: Message, state: FSMContext) -> None:
    current = await state.get_state()
    if current is None:
        await message.answer(
            _("There is nothing to cancel: we are not in the middle of anything. /help"),
            reply_markup=ReplyKeyboardRemove(),
        )
        return
    await state.clear()
    await message.answer(
        _(
            "Stopped: {dialogue}. Nothing from this unfinished step was sent anywhere; "
            "everything you had confirmed before stays saved. /help"
        ).format(dialogue=dialogue_title(current)),
        reply_markup=ReplyKeyboardRemove(),
    )


def build_router() -> Router:
    router = Router(name="common")
    router.message.register(cancel, Command("cancel"))
    return router
