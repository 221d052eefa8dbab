"""The plans' run: two weeks before a goal's deadline the pair is asked about it, and when the
approved program's end comes the pair is asked for its final meeting. Each is claimed once
(:class:`bot.plans.PlanService`) and queued in the outbox in the same run; the organization's
local date decides. The final meeting then completes the pair in the cycle's tick."""

from __future__ import annotations

from bot.models.plans import PlanVersion
from bot.outbox import Render
from bot.pairing import PairPeople
from bot.screens import Screen
from bot.services import Services
from handlers.address import is_minor
from handlers.people import display_name
from handlers.plan_people import plan_people, told
from handlers.plan_views import (
    deadline_screen,
    program_end_mentee_screen,
    program_end_mentor_screen,
)
from handlers.texts import current_locale

Messages = list[tuple[int, Render]]


def deadline_render(minor: bool, version: PlanVersion, position: int) -> Render:
    def render() -> Screen:
        return deadline_screen(minor, version, position, current_locale())

    return render


# The names are written inside the render: "no name yet" is in the reader's language.
def end_to_mentor(people: PairPeople) -> Render:
    return lambda: program_end_mentor_screen(
        people.pair.id, display_name(people.mentee.id, people.mentee_answers)
    )


def end_to_mentee(people: PairPeople) -> Render:
    return lambda: program_end_mentee_screen(
        is_minor(people.mentee), display_name(people.mentor.id, people.mentor_answers)
    )


async def run_plan_tick(services: Services) -> None:
    """Deadline questions and program ends to everyone working by the plan: the pair, or a
    group's mentor (once) and members."""
    plans = services.plans
    asked: Messages = []
    for due in await plans.deadline_questions():
        people = await plan_people(services, due.version)
        asked += [
            (person.telegram_id, deadline_render(is_minor(person), due.version, due.position))
            for person in told(people)
        ]
    await services.outbox.post(asked, kind="plan_deadline")
    final: Messages = []
    for end in await plans.program_end_requests():
        people = await plan_people(services, end.version)
        if not people:
            continue
        final.append((people[0].mentor.telegram_id, end_to_mentor(people[0])))
        final += [(pair.mentee.telegram_id, end_to_mentee(pair)) for pair in people]
    await services.outbox.post(final, kind="final_meeting")
