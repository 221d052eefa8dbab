"""Telegram tells the bot when a person blocks or unblocks it (``my_chat_member``).

A block marks the person unreachable at once, so bulk sends, reminders and questions skip them
without trying, and the curators of their organizations are told (once: a later 403 finds the
person already marked). An unblock clears the mark, so they get messages again. A send that
meets a block the bot never heard of (e.g. from before this version) marks the person too and
tells the curators the same way (see handlers/unreachable).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import ChatMemberUpdated

from bot.services import Services


async def chat_member_changed(event: ChatMemberUpdated, services: Services) -> None:
    if event.new_chat_member.status == ChatMemberStatus.KICKED:
        await services.outbox.found_unreachable(event.chat.id)
    elif event.new_chat_member.status == ChatMemberStatus.MEMBER:
        await services.announcements.mark_reachable(event.chat.id)


def build_router() -> Router:
    router = Router(name="reachability")
    router.my_chat_member.register(chat_member_changed, F.chat.type == ChatType.PRIVATE)
    return router
