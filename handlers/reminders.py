"""The Telegram side of reminders: the scheduler's tick renders and sends what is due."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiogram import Bot
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd
from babel.dates import format_timedelta

from bot.meetings import MeetingView, Side
from bot.reminders import ReminderJob
from bot.sender import Outcome
from bot.services import Services
from handlers.delivery import send_text
from handlers.meetings import kind_title, meeting_text, other_name
from handlers.notify import notify
from handlers.people import display_name

log = logging.getLogger(__name__)


async def deliver_reminders(bot: Bot, i18n: I18n, services: Services) -> int:
    """Send every due reminder once; returns how many were delivered."""
    jobs = await services.reminders.claim()
    if not jobs:
        return 0
    outcomes = await asyncio.gather(*(deliver_one(bot, i18n, services, job) for job in jobs))
    return sum(1 for delivered in outcomes if delivered)


async def deliver_one(bot: Bot, i18n: I18n, services: Services, job: ReminderJob) -> bool:
    reminder = job.reminder
    side = await services.meetings.side(job.meeting.pair_id, reminder.telegram_id)
    if side is None:  # the pair ended meanwhile
        await services.reminders.settle(reminder.id, "dropped")
        return False
    locale = await services.languages.resolve(reminder.telegram_id, None)
    with i18n.context(), i18n.use_locale(locale):
        text = _("⏰ Reminder: {kind} with {name} {when}.\n{meeting}").format(
            kind=kind_title(job.meeting.kind),
            name=hd.quote(other_name(side)),
            when=format_timedelta(
                timedelta(minutes=reminder.minutes_before), add_direction=True, locale=locale
            ),
            meeting=meeting_text(MeetingView(job.meeting, side), locale),
        )
    delivery = await services.sender.send_one(
        reminder.telegram_id, lambda chat: send_text(bot, chat, text)
    )
    if delivery.outcome is Outcome.UNREACHABLE:
        await services.reminders.settle(reminder.id, "unreachable")
        if await services.announcements.mark_unreachable(reminder.telegram_id):
            await tell_curators_unreachable(bot, i18n, services, side)
    elif delivery.outcome is Outcome.FAILED:
        await services.reminders.settle(reminder.id, "failed")
        log.warning("Reminder %s failed: %s", reminder.id, delivery.detail)
    return delivery.outcome is Outcome.DELIVERED


async def tell_curators_unreachable(bot: Bot, i18n: I18n, services: Services, side: Side) -> None:
    """The curator learns that a participant can no longer be reached through the bot."""
    people = side.people
    me = people.mentor if side.me.id == people.mentor.id else people.mentee
    answers = people.mentor_answers if me.id == people.mentor.id else people.mentee_answers
    for curator in await services.organizations.curators(people.pair.organization_id):
        locale = await services.languages.resolve(curator.telegram_id, None)
        with i18n.context(), i18n.use_locale(locale):
            text = _(
                "A reminder could not be delivered: {name} has blocked the bot or deleted the "
                "account. Please contact them directly."
            ).format(name=hd.quote(display_name(me.id, answers)))
        await notify(bot, curator.telegram_id, text)
