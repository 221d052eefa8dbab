"""The cycle job: closing where the planned end came, completing pairs, and what is then owed.

Every run re-reads the database with the injected clock; each message is claimed once by
:class:`bot.cycle_closing.CycleClosing` and queued in the outbox in the same run, so a closing of
hundreds of pairs goes out within the rate limit, skips the unreachable and records 403s.
The curator's buttons (handlers/cycles.py) run the same job after changing the cycle.
"""

from __future__ import annotations

import logging

from bot.cycle_closing import FinalMeetingDue, PollDue, ResultsDue
from bot.outbox import Render
from bot.pairing import PairPeople
from bot.responses import FormRefused
from bot.screens import Screen
from bot.services import Services
from handlers.address import is_minor
from handlers.cycle_views import (
    closing_screen,
    final_meeting_mentee_screen,
    final_meeting_mentor_screen,
    results_request_screen,
)
from handlers.people import display_name
from handlers.response_views import form_screen

log = logging.getLogger(__name__)

Messages = list[tuple[int, Render]]


async def run_cycle_tick(services: Services) -> None:
    """Start closing where the planned end came, complete pairs, queue what is due, once."""
    cycles = services.cycle_closing
    closing: Messages = []
    for cycle in await cycles.auto_close():
        closing += [
            (curator.telegram_id, lambda number=cycle.number: closing_screen(number))  # type: ignore[misc]
            for curator in await services.organizations.curators(cycle.organization_id)
        ]
    await services.outbox.post(closing, kind="cycle_closing")
    await cycles.complete_held()
    dues = await cycles.final_meeting_requests()
    people = await services.pairing.people_of([due.pair for due in dues])  # one read for all
    final: Messages = []
    groups_told: set[int] = set()
    for due in dues:
        if due.pair.id in people:
            messages = final_meeting_messages(people[due.pair.id], due)
            # A group's final meeting is scheduled once by its mentor (migration 0025): the
            # mentor is asked once per group, each member is told.
            group = await services.groups.of_pair(due.pair.id)
            if group is not None and group.id in groups_told:
                messages = messages[1:]
            elif group is not None:
                groups_told.add(group.id)
            final += messages
    await services.outbox.post(final, kind="final_meeting")
    polls, results = await cycles.due_after_completion()
    forms: Messages = []
    for poll in polls:
        message = await poll_message(services, poll)
        if message is not None:
            forms.append(message)
    await services.outbox.post(forms, kind="final_poll")
    named = await services.pairing.people_of([due.pair for due in results])
    requests = [results_message(named.get(due.pair.id), due) for due in results]
    await services.outbox.post(requests, kind="results_request")
    await cycles.sync_mentor_base()


def final_meeting_messages(people: PairPeople, due: FinalMeetingDue) -> Messages:
    pair_id, age_group = due.pair.id, due.mentee.age_group

    # The names are written inside the render: "no name yet" is in the reader's language.
    def to_mentor() -> Screen:
        name = display_name(people.mentee.id, people.mentee_answers)
        return final_meeting_mentor_screen(pair_id, name)

    def to_mentee() -> Screen:
        name = display_name(people.mentor.id, people.mentor_answers)
        return final_meeting_mentee_screen(age_group, name)

    return [(due.mentor.telegram_id, to_mentor), (due.mentee.telegram_id, to_mentee)]


async def poll_message(services: Services, poll: PollDue) -> tuple[int, Render] | None:
    """The form is opened now (idempotently); its first question is queued."""
    try:
        step = await services.responses.open(poll.form, poll.participant.id, poll.subject)
    except FormRefused as error:
        log.info("The form %s (%s) was not opened: %s", poll.form, poll.subject, error)
        return None
    if step.question is None:
        return None  # already answered
    minor = is_minor(poll.participant)
    return poll.participant.telegram_id, lambda: form_screen(step, minor)


def results_message(people: PairPeople | None, due: ResultsDue) -> tuple[int, Render]:
    pair_id = due.pair.id

    def request() -> Screen:
        name = (
            display_name(people.mentee.id, people.mentee_answers) if people else str(due.mentee.id)
        )
        return results_request_screen(pair_id, name)

    return due.mentor.telegram_id, request
