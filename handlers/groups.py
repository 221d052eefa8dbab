"""Group mentoring, the mentor's and members' side: the group's one calendar (scheduled by the
mentor through the usual calendar, see :func:`schedule`), the group's meetings in /meetings,
and the mentor's "did it take place?" answered once with the attendance.

Texts and buttons are in handlers/group_views.py; the curator's side in handlers/group_curator.py.
"""

from __future__ import annotations

from datetime import date, time

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.followups import Answer
from bot.groups import GroupProblem, GroupSettled
from bot.meeting_sides import MeetingProblem, MeetingView, Side
from bot.outdated import Outdated
from bot.schedule import MeetingKind
from bot.services import Services
from handlers import render
from handlers.attention import tell_curators_attention
from handlers.followup_views import goals_screen
from handlers.group_views import (
    GroupAnswer,
    GroupDone,
    GroupMark,
    attendance_screen,
    member_told_screen,
    member_upcoming_screen,
    mentor_name,
    mentor_upcoming_screen,
    next_screen,
    not_held_screen,
    problem_text,
    schedule_screen,
    scheduled_text,
    settled_text,
)
from handlers.meeting_texts import outdated_button
from handlers.meeting_texts import problem_text as meeting_problem_text
from handlers.representative import tell_of_meeting
from handlers.responses import send_form


def _problem(problem: MeetingProblem | GroupProblem) -> str:
    if isinstance(problem, GroupProblem):
        return problem_text(problem)
    if problem is MeetingProblem.DECIDED:
        return _("You have already answered about this meeting. Thank you!")
    if problem is MeetingProblem.NOT_YOURS:
        return _("Only the mentor of this group can answer about its meetings.")
    return meeting_problem_text(problem)


# -- the calendar ---------------------------------------------------------------------------------
async def schedule(
    message: Message,
    services: Services,
    pair_id: int,
    day: date,
    at: time,
    meeting_format: str,
    place: str,
    replaces: int | None,
) -> None:
    """The calendar's last step for a pair in a group: the group's meeting, once."""
    assert message.from_user is not None
    result = await services.groups.schedule(
        pair_id, message.from_user.id, day, at, meeting_format, place, replaces=replaces
    )
    if isinstance(result, MeetingProblem | GroupProblem):
        await message.answer(_problem(result))
        return
    await message.answer(scheduled_text(result))
    for member in result.side.members:
        if not any(m.pair_id == member.pair.id for m in result.meetings):
            continue
        await services.outbox.send(
            member.mentee.telegram_id,
            lambda member=member: member_told_screen(result, member),  # type: ignore[misc]
            kind="group_meeting",
        )
    # The members' legal representatives who asked for the meeting times, as for a pair.
    for member in result.side.members:
        row = next((m for m in result.meetings if m.pair_id == member.pair.id), None)
        if row is not None:
            seen_by = Side(member, member.mentee, member.mentor, result.side.timezone)
            await tell_of_meeting(services, MeetingView(row, seen_by))


async def show_group_meetings(
    message: Message, services: Services, views: list[MeetingView], planned: set[int]
) -> tuple[list[MeetingView], set[int]]:
    """/meetings: the group meetings shown once each (to the mentor with «Move», to a member
    as a notice); returns the other meetings and the pair ids whose «Propose a meeting» is
    already dealt with here (a group's pairs)."""
    assert message.from_user is not None
    rest: list[MeetingView] = []
    seen: set[int] = set()
    handled: set[int] = set()
    for view in views:
        group_meeting_id = view.meeting.group_meeting_id
        if group_meeting_id is None:
            rest.append(view)
            continue
        handled.add(view.meeting.pair_id)
        if group_meeting_id in seen:
            continue
        seen.add(group_meeting_id)
        people = view.side.people
        if view.side.me.id == people.mentor.id:
            group = await services.groups.of_pair(view.meeting.pair_id)
            side = await services.groups.side(group) if group else None
            if side is not None:
                await render.answer(message, mentor_upcoming_screen(view.meeting, side))
        else:
            await render.answer(
                message,
                member_upcoming_screen(view.meeting, view.side.timezone, mentor_name(people)),
            )
    # Pairs in a group with nothing planned: one «Schedule a group meeting» for the mentor;
    # a member waits for the mentor.
    groups_shown: set[int] = set()
    for pair_id in await services.meetings.pairs_without_plans(message.from_user.id, planned):
        if pair_id in handled:
            continue
        group = await services.groups.of_pair(pair_id)
        if group is None:
            continue
        handled.add(pair_id)
        if group.id in groups_shown:
            continue
        groups_shown.add(group.id)
        side = await services.groups.side(group)
        if side is None:
            continue
        if side.mentor.telegram_id == message.from_user.id:
            await render.answer(
                message, schedule_screen(side.members[0].pair.id, len(side.members))
            )
        else:
            await message.answer(problem_text(GroupProblem.MENTOR_SCHEDULES))
    return rest, handled


# -- "did it take place?" -------------------------------------------------------------------------
async def on_answer(query: CallbackQuery, callback_data: GroupAnswer, services: Services) -> None:
    try:
        answer = Answer(callback_data.answer)
    except ValueError:
        raise Outdated(outdated_button()) from None
    if not isinstance(query.message, Message):
        raise Outdated(outdated_button())
    gm_id = callback_data.group_meeting_id
    if answer is Answer.HELD:
        attendance = await services.groups.attendance(gm_id, query.from_user.id)
        if isinstance(attendance, MeetingProblem):
            raise Outdated(_problem(attendance))
        await render.drop_message_keyboard(query.message)
        await render.answer(query.message, attendance_screen(attendance))
        return
    result = await services.groups.settle(gm_id, query.from_user.id, answer)
    if isinstance(result, MeetingProblem | GroupProblem):
        raise Outdated(_problem(result))
    await render.drop_message_keyboard(query.message)
    lead = result.view.lead
    if answer is Answer.MOVED:
        # handlers.meetings imports this module: the calendar is imported when needed.
        from handlers.meetings import start_planning

        side = await services.meetings.side(lead.pair_id, query.from_user.id)
        if side is None:
            raise Outdated(_problem(MeetingProblem.NOT_YOURS))
        await query.message.answer(_("Let's choose the new date and time of the meeting."))
        await start_planning(query.message, side, services, lead.id)
        return
    await after_settled(services, result)
    await render.answer(query.message, not_held_screen(lead.pair_id))


async def on_mark(query: CallbackQuery, callback_data: GroupMark, services: Services) -> None:
    attendance = await services.groups.toggle(
        callback_data.group_meeting_id, callback_data.pair_id, query.from_user.id
    )
    if isinstance(attendance, MeetingProblem):
        raise Outdated(_problem(attendance))
    await render.edit(query, attendance_screen(attendance))


async def on_done(query: CallbackQuery, callback_data: GroupDone, services: Services) -> None:
    result = await services.groups.settle(
        callback_data.group_meeting_id, query.from_user.id, Answer.HELD
    )
    if isinstance(result, GroupProblem):
        # Nobody ticked: an explanation, the ticks stay as they are.
        raise Outdated(_problem(result))
    if isinstance(result, MeetingProblem):
        raise Outdated(_problem(result))
    if not isinstance(query.message, Message):
        raise Outdated(outdated_button())
    await render.drop_message_keyboard(query.message)
    await query.message.answer(
        settled_text([p for p, _m in result.present], [p for p, _m in result.absent])
    )
    await after_settled(services, result)
    await render.answer(query.message, next_screen(result.view.lead.pair_id))


async def after_settled(services: Services, result: GroupSettled) -> None:
    """Per member pair: cadence as for any pair; feedback from each present member on their
    own row and from the mentor once."""
    side = result.view.side
    organization_id = side.group.organization_id
    for member, meeting in result.present:
        await services.cadence.meeting_held(member.pair.id)
        await send_form(
            services,
            member.mentee.telegram_id,
            form="meeting_feedback",
            participant_id=member.mentee.id,
            subject=f"meeting:{meeting.id}",
            meeting_id=meeting.id,
        )
    for member, _meeting in result.absent:
        raised = await services.cadence.meeting_missed(organization_id, member.pair.id)
        if raised is not None:
            await tell_curators_attention(services, raised)
    if result.present:
        # The mentor's one form, on the lead row (a present member's: the mentor's side of
        # every member's meeting, as the reports count it).
        lead = result.view.lead
        await send_form(
            services,
            side.mentor.telegram_id,
            form="meeting_feedback",
            participant_id=side.mentor.id,
            subject=f"meeting:{lead.id}",
            meeting_id=lead.id,
        )
        if lead.kind == MeetingKind.PLANNING:
            # The group's one plan (migration 0029), built by the mentor as for a pair.
            await services.outbox.send(
                side.mentor.telegram_id, lambda: goals_screen(lead.pair_id), kind="goals_request"
            )
        trial = [(p, m) for p, m in result.present if m.kind == MeetingKind.TRIAL]
        # After the trial meeting the compatibility form: each member about their pair, the
        # mentor once (about the first of them: one form, not one per member).
        for person, meeting in trial:
            await send_form(
                services,
                person.mentee.telegram_id,
                form="compatibility",
                participant_id=person.mentee.id,
                subject=f"meeting:{meeting.id}",
                meeting_id=meeting.id,
            )
        if trial:
            meeting = trial[0][1]
            await send_form(
                services,
                side.mentor.telegram_id,
                form="compatibility",
                participant_id=side.mentor.id,
                subject=f"meeting:{meeting.id}",
                meeting_id=meeting.id,
            )


def build_router() -> Router:
    router = Router(name="groups")
    router.callback_query.register(on_answer, GroupAnswer.filter())
    router.callback_query.register(on_mark, GroupMark.filter())
    router.callback_query.register(on_done, GroupDone.filter())
    return router
