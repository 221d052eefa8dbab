"""The views of group mentoring: the group's meetings, the mentor's "did it take place?" with
the attendance, and the curator's group screens (handlers/groups.py acts)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.followups import Answer
from bot.formatting import format_moment
from bot.groups import Attendance, GroupMeetingView, GroupProblem, GroupSide
from bot.html_text import quote
from bot.models.groups import GroupListing
from bot.models.matching import ProposalRow
from bot.models.meetings import Meeting
from bot.pairing import PairPeople
from bot.screens import Button, Screen
from handlers.meeting_texts import MeetPlan, zone_label
from handlers.people import display_name, explanation
from handlers.texts import current_locale


class GroupAnswer(CallbackData, prefix="grp1a"):
    group_meeting_id: int
    answer: str  # held, moved, not_held


class GroupMark(CallbackData, prefix="grp1m"):
    """Tick or untick a member as present."""

    group_meeting_id: int
    pair_id: int


class GroupDone(CallbackData, prefix="grp1d"):
    group_meeting_id: int


class GroupPick(CallbackData, prefix="gcu1p"):
    """The curator ticks or unticks a pair while forming a group of one mentor's pairs of
    one form (``toggle`` False: open the choice of the pairs that go with this one)."""

    mentor_id: int
    pair_id: int
    toggle: bool = True


class GroupForm(CallbackData, prefix="gcu1f"):
    mentor_id: int


class GroupApprove(CallbackData, prefix="gcu1a"):
    """Approve the matching's group proposal: the mentor's open proposals of the run."""

    run_id: int
    mentor_id: int


class GroupSplit(CallbackData, prefix="gcu1o"):
    """Show the group proposal's pairs one by one instead."""

    run_id: int
    mentor_id: int


class GroupsList(CallbackData, prefix="gcu1g"):
    """Back to the curator's list of groups."""


class GroupShow(CallbackData, prefix="gcu1s"):
    group_id: int


class GroupLeave(CallbackData, prefix="gcu1l"):
    pair_id: int


class GroupMove(CallbackData, prefix="gcu1v"):
    pair_id: int
    group_id: int  # the group to move to


def member_name(member: PairPeople) -> str:
    return display_name(member.mentee.id, member.mentee_answers)


def mentor_name(member: PairPeople) -> str:
    return display_name(member.mentor.id, member.mentor_answers)


def group_meeting_text(meeting: Meeting, timezone: str) -> str:
    when = format_moment(meeting.starts_at, current_locale(), timezone)
    where = _("online: {place}") if meeting.meeting_format == "online" else _("in person: {place}")
    return _("Group meeting, {when} ({zone})\n{where}").format(
        when=when,
        zone=zone_label(meeting.starts_at, timezone),
        where=where.format(place=quote(meeting.place)),
    )


def members_line(side: GroupSide) -> str:
    return ", ".join(quote(member_name(m)) for m in side.members)


# -- the calendar --------------------------------------------------------------------------------
def scheduled_text(view: GroupMeetingView) -> str:
    """To the mentor: the group meeting is set and every member told."""
    return _(
        "The group meeting is scheduled and sent to the members ({members}):\n{meeting}\n"
        "Your meetings: /meetings"
    ).format(
        members=members_line(view.side),
        meeting=group_meeting_text(view.lead, view.side.timezone),
    )


def member_told_screen(view: GroupMeetingView, member: PairPeople) -> Screen:
    """To a member: the group's meeting set by the mentor."""
    return Screen(
        _(
            "Mentor {name} has scheduled a meeting of the group:\n{meeting}\nMeetings: /meetings"
        ).format(
            name=quote(mentor_name(member)),
            meeting=group_meeting_text(view.lead, view.side.timezone),
        )
    )


def mentor_upcoming_screen(meeting: Meeting, side: GroupSide) -> Screen:
    """One group meeting in the mentor's /meetings, with «Move»."""
    text = _("{meeting}\nGroup: {members}").format(
        meeting=group_meeting_text(meeting, side.timezone), members=members_line(side)
    )
    move = Button(_("Move"), data=MeetPlan(pair_id=meeting.pair_id, replaces=meeting.id).pack())
    return Screen(text, ((move,),))


def member_upcoming_screen(meeting: Meeting, timezone: str, mentor: str) -> Screen:
    return Screen(
        _("{meeting}\nWith the group of mentor {name}").format(
            meeting=group_meeting_text(meeting, timezone), name=quote(mentor)
        )
    )


def schedule_screen(pair_id: int, members: int) -> Screen:
    """The mentor's group has nothing planned ahead."""
    text = ngettext(
        "No meeting is planned with your group ({n} member) yet.",
        "No meeting is planned with your group ({n} members) yet.",
        members,
    ).format(n=members)
    return Screen(
        text, ((Button(_("Schedule a group meeting"), data=MeetPlan(pair_id=pair_id).pack()),),)
    )


def group_cancel_text() -> str:
    return _(
        "A group meeting is not cancelled: the mentor can move it, or answer afterwards "
        "that it did not happen."
    )


def member_waits_text() -> str:
    return _("The meetings of your group are scheduled by the mentor; they will come here.")


def problem_text(problem: GroupProblem) -> str:
    return {
        GroupProblem.NOT_YOURS: _("This group is not yours to change."),
        GroupProblem.TOO_FEW: _("A group needs at least two pairs: please tick more."),
        GroupProblem.TOO_MANY: _("A group can have at most ten members."),
        GroupProblem.MIXED: _("A group is one mentor's pairs of one form of mentoring."),
        GroupProblem.NOT_ALLOWED: _("This form of mentoring does not allow groups."),
        GroupProblem.TAKEN: _("One of these pairs has ended or is already in a group."),
        GroupProblem.MENTOR_SCHEDULES: member_waits_text(),
        GroupProblem.NO_PRESENT: _(
            "Please tick who came, or answer «It did not happen» if nobody did."
        ),
        GroupProblem.NO_TARGET: _("There is no other group of this form to move to."),
    }[problem]


# -- "did it take place?" ------------------------------------------------------------------------
def question_screen(meeting: Meeting, timezone: str, last: bool, group_meeting_id: int) -> Screen:
    when = format_moment(meeting.starts_at, current_locale(), timezone)
    if last:
        text = _("A reminder: please tell us whether the group meeting on {when} took place.")
    else:
        text = _("How did it go? Did the group meeting on {when} take place?")
    rows = tuple(
        (Button(title, data=GroupAnswer(group_meeting_id=group_meeting_id, answer=a).pack()),)
        for a, title in (
            (Answer.HELD.value, _("✅ Yes, we met")),
            (Answer.MOVED.value, _("🔁 It was moved")),
            (Answer.NOT_HELD.value, _("❌ It did not happen")),
        )
    )
    return Screen(text.format(when=when), rows)


def attendance_screen(attendance: Attendance) -> Screen:
    view = attendance.view
    ticked = attendance.present
    rows: list[tuple[Button, ...]] = []
    for meeting in view.meetings:
        member = view.side.member(meeting.pair_id)
        if member is None or meeting.status != "confirmed":
            continue
        mark = "☑" if meeting.pair_id in ticked else "☐"
        data = GroupMark(group_meeting_id=view.group_meeting.id, pair_id=meeting.pair_id)
        rows.append((Button(f"{mark} {member_name(member)}", data=data.pack()),))
    count = len(ticked & {m.pair_id for m in view.meetings})
    done = GroupDone(group_meeting_id=view.group_meeting.id).pack()
    rows.append((Button(_("Done: {n} came").format(n=count), data=done),))
    return Screen(
        _("Who came? Tick the members who were at the meeting and press «Done»."), tuple(rows)
    )


def settled_text(present: Sequence[PairPeople], absent: Sequence[PairPeople]) -> str:
    names = ", ".join(quote(member_name(m)) for m in present)
    text = ngettext(
        "Thank you! Attendance saved: {n} member came ({names}).",
        "Thank you! Attendance saved: {n} members came ({names}).",
        len(present),
    ).format(n=len(present), names=names)
    if absent:
        text += "\n" + _("Marked as missed for: {names}.").format(
            names=", ".join(quote(member_name(m)) for m in absent)
        )
    return text


def not_held_screen(pair_id: int) -> Screen:
    return Screen(
        _(
            "Thank you, your answer is saved: the meeting is marked as missed for the whole "
            "group. Shall we find a new time?"
        ),
        ((Button(_("Schedule a group meeting"), data=MeetPlan(pair_id=pair_id).pack()),),),
    )


def next_screen(pair_id: int) -> Screen:
    return Screen(
        _("When the group meets next: schedule it here."),
        ((Button(_("Schedule a group meeting"), data=MeetPlan(pair_id=pair_id).pack()),),),
    )


# -- matching's group proposal -------------------------------------------------------------
def group_proposal_screen(
    proposals: Sequence[ProposalRow], answers: Mapping[int, Mapping[str, Any]]
) -> Screen:
    """The matching proposes a group: one mentor, two or more mentees of one form."""
    first = proposals[0]
    mentor = display_name(first.mentor_id, dict(answers.get(first.mentor_id, {})))
    lines = [
        ngettext(
            "<b>Proposal: a group of {n}</b>",
            "<b>Proposal: a group of {n}</b>",
            len(proposals),
        ).format(n=len(proposals)),
        _("Mentor: {name}").format(name=quote(mentor)),
    ]
    for proposal in proposals:
        name = display_name(proposal.mentee_id, dict(answers.get(proposal.mentee_id, {})))
        lines.append(
            _("• {name} — {score}: {why}").format(
                name=quote(name), score=proposal.score, why=explanation(proposal.explanation)
            )
        )
    rows = (
        (
            Button(
                _("Approve the group"),
                data=GroupApprove(run_id=first.run_id, mentor_id=first.mentor_id).pack(),
            ),
        ),
        (
            Button(
                _("One by one"),
                data=GroupSplit(run_id=first.run_id, mentor_id=first.mentor_id).pack(),
            ),
        ),
    )
    return Screen("\n".join(lines), rows)


def group_approved_text(made: int, failed: int, grouped: bool) -> str:
    text = ngettext("✅ Approved: {n} pair made.", "✅ Approved: {n} pairs made.", made).format(
        n=made
    )
    if grouped:
        text += " " + _("They work as a group of the mentor.")
    if failed:
        text += " " + _("Could not be approved (changed meanwhile): {n}.").format(n=failed)
    return text


# -- the curator ---------------------------------------------------------------------------------
def group_card_text(side: GroupSide, next_meeting: Meeting | None) -> str:
    first = side.members[0]
    lines = [
        _("Group of mentor {name}").format(name=quote(mentor_name(first))),
        _("Members: {members}").format(members=members_line(side)),
    ]
    if next_meeting is not None:
        lines.append(
            _("Next meeting: {meeting}").format(
                meeting=group_meeting_text(next_meeting, side.timezone)
            )
        )
    else:
        lines.append(_("No group meeting is planned."))
    return "\n".join(lines)


def group_screen(
    side: GroupSide, next_meeting: Meeting | None, others: Sequence[GroupListing]
) -> Screen:
    """The curator's view of a group: each member can leave it or move to another group."""
    rows: list[tuple[Button, ...]] = []
    for member in side.members:
        name = member_name(member)
        rows.append(
            (
                Button(
                    _("{name}: leave the group").format(name=name),
                    data=GroupLeave(pair_id=member.pair.id).pack(),
                ),
            )
        )
        for other in others:
            rows.append(
                (
                    Button(
                        _("{name}: move to group №{number}").format(
                            name=name, number=other.group.id
                        ),
                        data=GroupMove(pair_id=member.pair.id, group_id=other.group.id).pack(),
                    ),
                )
            )
    return Screen(group_card_text(side, next_meeting), tuple(rows))


def groups_screen(
    groups: Sequence[GroupSide], candidates: Sequence[Sequence[PairPeople]]
) -> Screen:
    """The curator's /groups: the groups, and the mentors with pairs a group can be formed of."""
    lines = [_("<b>Groups</b>: {count}").format(count=len(groups))]
    rows: list[tuple[Button, ...]] = []
    for side in groups:
        first = side.members[0]
        lines.append(
            _("№{number}: mentor {name}; members: {members}").format(
                number=side.group.id, name=quote(mentor_name(first)), members=members_line(side)
            )
        )
        rows.append(
            (
                Button(
                    _("Group №{number}").format(number=side.group.id),
                    data=GroupShow(group_id=side.group.id).pack(),
                ),
            )
        )
    if not groups:
        lines.append(_("No groups yet."))
    if candidates:
        lines.append(_("A group can be formed of the pairs of these mentors:"))
    for members in candidates:
        first = members[0]
        rows.append(
            (
                Button(
                    _("Form a group: {name} ({n})").format(name=mentor_name(first), n=len(members)),
                    data=GroupPick(
                        mentor_id=first.mentor.id, pair_id=first.pair.id, toggle=False
                    ).pack(),
                ),
            )
        )
    return Screen("\n".join(lines), tuple(rows))


def pick_screen(
    mentor: str, mentor_id: int, members: Sequence[PairPeople], ticked: Collection[int]
) -> Screen:
    """The curator forms a group from the mentor's pairs of one form."""
    rows: list[tuple[Button, ...]] = [
        (
            Button(
                f"{'☑' if m.pair.id in ticked else '☐'} {member_name(m)}",
                data=GroupPick(mentor_id=mentor_id, pair_id=m.pair.id).pack(),
            ),
        )
        for m in members
    ]
    rows.append((Button(_("Form the group"), data=GroupForm(mentor_id=mentor_id).pack()),))
    return Screen(
        _("Form a group of mentor {name}: tick the pairs of one form.").format(name=quote(mentor)),
        tuple(rows),
    )


def formed_text(side: GroupSide) -> str:
    return _("The group is formed: mentor {name}; members: {members}.").format(
        name=quote(mentor_name(side.members[0])), members=members_line(side)
    )


def formed_notice(side: GroupSide, to_mentor: bool) -> Screen:
    """To the mentor and each member: they now work as a group."""
    if to_mentor:
        text = _("You now lead a group: {members}. Schedule its meetings in /meetings.")
    else:
        text = _(
            "Mentor {name} now works with a group: {members}. The group's meetings are "
            "scheduled by the mentor and will come here."
        )
    return Screen(text.format(name=quote(mentor_name(side.members[0])), members=members_line(side)))


def left_notice() -> Screen:
    return Screen(
        _(
            "The curator has changed the group: this pair now works one-to-one, outside the "
            "group. Meetings: /meetings"
        )
    )


def moved_notice(side: GroupSide) -> Screen:
    return Screen(
        _(
            "The curator has moved a member to the group of mentor {name}: {members}. "
            "Meetings: /meetings"
        ).format(name=quote(mentor_name(side.members[0])), members=members_line(side))
    )


def left_text() -> str:
    return _("The member has left the group and goes on with the mentor one-to-one.")


def moved_text() -> str:
    return _("The member has moved to the other group.")
