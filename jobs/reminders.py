"""The Telegram side of reminders: the scheduler's tick renders and sends what is due.

One delivery loop runs at a time, as a tracked background task, so a large backlog (a bot that
was down, 20,000 reminders due at once) is sent at the sender's full rate instead of one batch
per tick. It claims only about a second's worth ahead of the rate limiter and claims more when
a quarter of that is done: what a killed process had claimed but not sent is little, and comes back
when its lease runs out (see :mod:`bot.reminders` for the states).
"""

from __future__ import annotations

import asyncio
import logging
import math
from datetime import datetime

from aiogram import Bot
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot.background import BackgroundClosed
from bot.formatting import Nearness, Until, until
from bot.html_text import quote
from bot.meeting_sides import MeetingView, Side
from bot.reminders import ReminderJob
from bot.screens import Screen
from bot.sender import Outcome
from bot.services import Services
from handlers.group_views import group_meeting_text
from handlers.meeting_texts import kind_title, meeting_text, other_name

log = logging.getLogger(__name__)


async def deliver_reminders(bot: Bot, i18n: I18n, services: Services) -> int:
    """Send every due reminder once; returns how many were delivered."""
    return await ReminderDelivery(bot, i18n, services).run()


class ReminderDelivery:
    """The scheduler's reminder job: starts the delivery loop unless it is already running."""

    def __init__(self, bot: Bot, i18n: I18n, services: Services) -> None:
        self._bot = bot
        self._i18n = i18n
        self._services = services
        self._held: set[int] = set()  # claimed by this process and not finished yet
        self._task: asyncio.Task[None] | None = None

    async def tick(self) -> None:
        if self._task is not None and not self._task.done():
            return  # the running loop picks up what became due meanwhile
        try:
            self._task = self._services.background.start(self._loop(), name="reminders")
        except BackgroundClosed:
            return

    async def _loop(self) -> None:
        delivered = await self.run()
        if delivered:
            log.info("Delivered %d reminders", delivered)

    async def run(self) -> int:
        """Claim and send until nothing is due; stops claiming when the bot is stopping."""
        services = self._services
        ahead = max(2, math.ceil(services.sender.per_second))  # about a second's worth
        # Claimed again when a quarter of that is done: preparing a claimed batch holds the
        # event loop, and a short hold is one the rate limiter's catching up covers.
        refill_below = ahead - max(1, ahead // 4)
        tasks: set[asyncio.Task[bool]] = set()
        delivered = 0
        room = asyncio.Event()  # set when a quarter of what was claimed ahead is done

        def finished(task: asyncio.Task[bool]) -> None:
            nonlocal delivered
            tasks.discard(task)
            if not task.cancelled() and task.result():
                delivered += 1
            if len(tasks) <= refill_below:
                room.set()

        try:
            while True:
                jobs: list[ReminderJob] = []
                if services.background.accepting:
                    jobs = await services.reminders.claim(ahead - len(tasks), held=self._held)
                for job in jobs:
                    self._held.add(job.reminder.id)
                    task = asyncio.create_task(self._deliver(job))
                    tasks.add(task)
                    task.add_done_callback(finished)
                if not tasks:
                    if jobs:
                        continue  # all done already
                    return delivered  # nothing in flight and nothing more due
                room.clear()
                if not jobs:
                    await asyncio.gather(*tasks)  # nothing due now: finish, then look again
                elif len(tasks) > refill_below:
                    await room.wait()
        except BaseException:  # stopped (cancelled), or the database failed
            unsent = set(self._held)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            # Not sent (still pending): back to the queue at once, so a restarted bot need not
            # wait for the leases to run out. Rows already marked sent are left as they are.
            await asyncio.shield(services.reminders.release(unsent))
            self._held -= unsent
            raise

    async def _deliver(self, job: ReminderJob) -> bool:
        try:
            delivered = await deliver_one(self._bot, self._i18n, self._services, job)
        except asyncio.CancelledError:
            raise  # still held: the stopping loop gives it back
        except Exception:  # one reminder's failure must not stop the others
            log.exception("Reminder %s could not be delivered", job.reminder.id)
            delivered = False
        self._held.discard(job.reminder.id)
        return delivered


def until_text(when: Until, locale: str) -> str:
    """«через 30 минут», «через час», «сегодня в 16:00», «завтра в 16:00», «2 июня в 16:00»."""
    time = when.local.strftime("%H:%M")
    if when.nearness is Nearness.MINUTES:
        return ngettext("in {n} minute", "in {n} minutes", when.minutes).format(n=when.minutes)
    if when.nearness is Nearness.HOUR:
        return _("in an hour")
    if when.nearness is Nearness.TODAY:
        return _("today at {time}").format(time=time)
    if when.nearness is Nearness.TOMORROW:
        return _("tomorrow at {time}").format(time=time)
    day = format_date(when.local, "d MMMM", locale=locale)
    return _("{date} at {time}").format(date=day, time=time)


def group_reminder_text(job: ReminderJob, side: Side, now: datetime, locale: str) -> str | None:
    """A group's meeting: the mentor hears of the group's meeting (once, on its lead row), a
    member of the meeting with the mentor. None for a pair's own meeting."""
    if job.meeting.group_meeting_id is None:
        return None
    when = until_text(until(job.meeting.starts_at, now, job.timezone), locale)
    meeting = group_meeting_text(job.meeting, job.timezone)
    if job.me.id == job.people.mentor.id:
        return _("⏰ Reminder: the meeting of your group {when}.\n{meeting}").format(
            when=when, meeting=meeting
        )
    return _("⏰ Reminder: the group meeting with mentor {name} {when}.\n{meeting}").format(
        name=quote(other_name(side)), when=when, meeting=meeting
    )


async def deliver_one(bot: Bot, i18n: I18n, services: Services, job: ReminderJob) -> bool:
    reminder = job.reminder
    side = Side(job.people, job.me, job.other, job.timezone)
    # LanguageService.resolve without a Telegram hint (a reminder answers no update), from the
    # language read with the whole claimed batch instead of one query per reminder.
    locale = services.languages.from_stored(job.language)
    with i18n.context(), i18n.use_locale(locale):
        text = group_reminder_text(job, side, services.clock.now(), locale) or _(
            "⏰ Reminder: {kind} with {name} {when}.\n{meeting}"
        ).format(
            kind=kind_title(job.meeting.kind),
            name=quote(other_name(side)),
            when=until_text(
                until(job.meeting.starts_at, services.clock.now(), job.timezone), locale
            ),
            meeting=meeting_text(MeetingView(job.meeting, side), locale),
        )
    outcome = await services.outbox.deliver(
        reminder.telegram_id,
        Screen(text),
        mark=lambda: services.reminders.mark_sent(reminder.id),
        unmark=lambda: services.reminders.retry_later(reminder.id),
    )
    if outcome is None:
        return False  # the meeting was moved or cancelled after the claim
    if outcome is Outcome.UNREACHABLE:
        await services.reminders.settle(reminder.id, "unreachable")
    elif outcome is Outcome.FAILED:
        await services.reminders.settle(reminder.id, "failed")
    return outcome is Outcome.DELIVERED
