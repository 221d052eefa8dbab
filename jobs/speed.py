"""Speed mentoring: everyone's schedule once a session is organized, and after each round the
two short questions about that conversation (bot/speed_sessions.py claims each before it is
queued, so a restart repeats none; the outbox sends them in each reader's language)."""

from __future__ import annotations

from bot.outbox import Render
from bot.services import Services
from bot.speed_sessions import FeedbackDue, Schedule
from handlers.address import is_minor
from handlers.speed_views import rate_screen, schedule_screen
from handlers.texts import current_locale


async def deliver_speed(services: Services) -> None:
    schedules = [
        (schedule.participant.telegram_id, schedule_render(schedule))
        for schedule in await services.speed.schedules_due()
    ]
    await services.outbox.post(schedules, kind="speed_schedule")
    questions = [
        (due.participant.telegram_id, question_render(due))
        for due in await services.speed.feedback_due()
    ]
    await services.outbox.post(questions, kind="speed_feedback")


def schedule_render(schedule: Schedule) -> Render:
    minor = is_minor(schedule.participant)
    return lambda: schedule_screen(schedule, minor, current_locale())


def question_render(due: FeedbackDue) -> Render:
    minor = is_minor(due.participant)
    return lambda: rate_screen(due, minor)
