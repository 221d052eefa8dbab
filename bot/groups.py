"""Group mentoring (issue 14): one mentor leads several mentees of one form.

Every member of a group is a pair of its own (see migration 0025 for why), so a group is a
set of the mentor's active pairs of one form. The group has one meeting calendar: the mentor
schedules a group meeting once and it is confirmed at once for every member (the group's
times are the mentor's to set, as a teacher sets a class's); each member gets it and its
reminders on their own pair's row, the mentor on the lead row only. "Did it take place?" is
asked of the mentor alone, who answers with the attendance: a present member's row becomes
held, an absent member's missed (each member's history, cadence and completion stay per pair).

A member who leaves the group keeps the pair and goes on one-to-one with the same mentor: the
documents attach a mentee to a mentor (закрепление пар/групп приказом) and nothing in them ends
the mentee's work because the group changed; the curator ends a pair as before if that is
what is wanted. A group left with one member ends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Any

from bot.clock import Clock
from bot.followups import Answer, FollowupService
from bot.meeting_sides import MeetingProblem, Side
from bot.meetings import MeetingService
from bot.models.groups import Group, GroupListing, GroupMeeting
from bot.models.matching import ProposalRow
from bot.models.meetings import Meeting
from bot.models.pairs import Pair
from bot.models.participants import Participant
from bot.organizations import OrganizationService
from bot.pairing import PairingService, PairPeople
from bot.reminders import ReminderService
from bot.schedule import MeetingKind, utc_to_local
from dialogs.forms import chosen_forms
from storage.repositories.groups import GroupRepository
from storage.repositories.meetings import MeetingRepository

DEFAULT_TIMEZONE = "Europe/Moscow"
LARGEST = 10  # the questionnaire's capacity: up to ten mentees


class GroupProblem(StrEnum):
    NOT_YOURS = "not_yours"  # not the group's mentor (or not the curator of its school)
    TOO_FEW = "too_few"  # a group is at least two pairs
    TOO_MANY = "too_many"
    MIXED = "mixed"  # not one mentor and one form
    NOT_ALLOWED = "not_allowed"  # the form does not allow groups
    TAKEN = "taken"  # a pair ended or joined another group meanwhile
    MENTOR_SCHEDULES = "mentor_schedules"  # a member tried to schedule the group's meeting
    NO_PRESENT = "no_present"  # "we met" with nobody ticked
    NO_TARGET = "no_target"  # no other group of the form to move to


@dataclass(frozen=True)
class GroupSide:
    """A group as its mentor sees it: the members are the group's active pairs."""

    group: Group
    mentor: Participant
    members: tuple[PairPeople, ...]
    timezone: str

    def member(self, pair_id: int) -> PairPeople | None:
        return next((m for m in self.members if m.pair.id == pair_id), None)


@dataclass(frozen=True)
class GroupMeetingView:
    group_meeting: GroupMeeting
    meetings: tuple[Meeting, ...]  # one row per member pair
    side: GroupSide

    @property
    def lead(self) -> Meeting:
        lead_id = self.group_meeting.lead_meeting_id
        return next((m for m in self.meetings if m.id == lead_id), self.meetings[0])


@dataclass(frozen=True)
class Attendance:
    view: GroupMeetingView
    present: frozenset[int]  # pair ids ticked as present


@dataclass(frozen=True)
class GroupSettled:
    """The mentor's answer about a group meeting."""

    view: GroupMeetingView
    answer: Answer
    present: tuple[tuple[PairPeople, Meeting], ...]
    absent: tuple[tuple[PairPeople, Meeting], ...]


@dataclass(frozen=True)
class GroupApproval:
    """A group proposal approved: the pairs made, and the group they form (None when fewer
    than two could be made, or their form does not allow groups)."""

    pairs: tuple[Pair, ...]
    group: Group | None
    failed: int


def chosen_form(answers: Mapping[str, Any]) -> str | None:
    """The form a questionnaire chose, as matching reads it (a mentor's first of several)."""
    forms = chosen_forms(answers.get("form"))
    return forms[0] if forms else None


class GroupService:
    def __init__(
        self,
        repository: GroupRepository,
        meeting_rows: MeetingRepository,
        meetings: MeetingService,
        pairing: PairingService,
        organizations: OrganizationService,
        reminders: ReminderService,
        followups: FollowupService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._meeting_rows = meeting_rows
        self._meetings = meetings
        self._pairing = pairing
        self._organizations = organizations
        self._reminders = reminders
        self._followups = followups
        self._clock = clock

    # -- groups ----------------------------------------------------------------------------------
    async def of_pair(self, pair_id: int) -> Group | None:
        return await self._repository.of_pair(pair_id)

    async def get(self, group_id: int) -> Group | None:
        return await self._repository.get(group_id)

    async def listing(self, organization_id: int) -> list[GroupListing]:
        return await self._repository.of_organization(organization_id)

    async def side(self, group: Group) -> GroupSide | None:
        """The group with its mentor and members; None for an ended group."""
        if group.ended_at is not None or group.mentor_id is None:
            return None
        pairs = await self._repository.members(group.id)
        people = await self._pairing.people_of(pairs)
        members = tuple(people[p.id] for p in pairs if p.id in people)
        if not members:
            return None
        organization = await self._organizations.get(group.organization_id)
        timezone = organization.timezone if organization else DEFAULT_TIMEZONE
        return GroupSide(group, members[0].mentor, members, timezone)

    async def mentor_side(self, group_id: int, telegram_id: int) -> GroupSide | None:
        """The group if this person is its mentor and it is active: the check before acting."""
        group = await self._repository.get(group_id)
        side = await self.side(group) if group else None
        if side is None or side.mentor.telegram_id != telegram_id:
            return None
        return side

    async def of_organization(self, organization_id: int, group_id: int) -> GroupSide | None:
        """A group of the curator's organization (a curator of another school gets None)."""
        group = await self._repository.get(group_id)
        if group is None or group.organization_id != organization_id:
            return None
        return await self.side(group)

    async def next_meeting(self, group_id: int) -> Meeting | None:
        """The group's next planned meeting (its lead row)."""
        return await self._repository.next_meeting(group_id, self._clock.now())

    async def card(self, pair_id: int) -> tuple[GroupSide, Meeting | None] | None:
        """The group of a pair with its next meeting, for the curator's card of the pair."""
        group = await self._repository.of_pair(pair_id)
        side = await self.side(group) if group else None
        if side is None:
            return None
        return side, await self.next_meeting(side.group.id)

    async def _forbidden_forms(self, organization_id: int) -> set[str]:
        """The organization's forms that do not allow groups."""
        forms = await self._organizations.forms(organization_id)
        return {f.code for f in forms if not f.allows_groups}

    async def candidates(self, organization_id: int) -> list[tuple[PairPeople, ...]]:
        """Per mentor and form that allows groups: two or more active pairs in no group, the
        pairs a curator can form a group of."""
        forbidden = await self._forbidden_forms(organization_id)
        pairs = [
            p for p in await self._repository.ungrouped(organization_id) if p.form not in forbidden
        ]
        people = await self._pairing.people_of(pairs)
        found: dict[tuple[int, str], list[PairPeople]] = {}
        for pair in pairs:
            if pair.id in people:
                found.setdefault((pair.mentor_id, pair.form), []).append(people[pair.id])
        return [tuple(members[:LARGEST]) for members in found.values() if len(members) >= 2]

    # -- matching's group proposals -------------------------------------------------------------
    async def grouped_proposals(
        self,
        organization_id: int,
        proposals: Sequence[ProposalRow],
        answers: Mapping[int, Mapping[str, Any]],
    ) -> list[tuple[ProposalRow, ...]]:
        """Open proposals that together make a group: two or more for one mentor (whose
        capacity is then more than one) with mentees of one form that allows groups. The other
        proposals stay one-to-one."""
        forbidden = await self._forbidden_forms(organization_id)
        by_mentor: dict[tuple[int, str], list[ProposalRow]] = {}
        for proposal in proposals:
            if proposal.status != "open":
                continue
            form = chosen_form(answers.get(proposal.mentee_id, {})) or chosen_form(
                answers.get(proposal.mentor_id, {})
            )
            if form is None or form in forbidden:
                continue
            by_mentor.setdefault((proposal.mentor_id, form), []).append(proposal)
        return [tuple(found) for found in by_mentor.values() if len(found) >= 2]

    async def approve_group(
        self, organization_id: int, run_id: int, mentor_id: int
    ) -> GroupApproval | None:
        """Approve the mentor's open proposals of the run at once and make their pairs a
        group; None when none of them is open any more (a double tap)."""
        proposals = [
            p
            for p in await self._pairing.open_proposals(organization_id, run_id)
            if p.mentor_id == mentor_id
        ]
        if not proposals:
            return None
        made: list[Pair] = []
        failed = 0
        for proposal in proposals:
            outcome = await self._pairing.approve(organization_id, proposal.id)
            if outcome.pair is None:
                failed += 1
            else:
                made.append(outcome.pair)
        group = await self.group_approved(organization_id, made)
        return GroupApproval(tuple(made), group, failed)

    async def group_approved(self, organization_id: int, pairs: Sequence[Pair]) -> Group | None:
        """Pairs just approved: a mentor's two or more of one form (that allows groups) form a
        group, or join the group the mentor already leads in that form."""
        forbidden = await self._forbidden_forms(organization_id)
        by_mentor: dict[tuple[int, str], list[int]] = {}
        for pair in pairs:
            if pair.mentor_id is not None and pair.form not in forbidden:
                by_mentor.setdefault((pair.mentor_id, pair.form), []).append(pair.id)
        formed: Group | None = None
        for (mentor_id, form), ids in by_mentor.items():
            existing = await self._repository.led_by(organization_id, mentor_id, form)
            if existing is not None:
                if await self._repository.join(existing.id, ids):
                    formed = existing
                    side = await self.side(existing)
                    if side is not None:
                        await self._join_upcoming(side, ids)
            elif len(ids) >= 2:
                group = await self._repository.create(
                    organization_id, mentor_id, form, ids, self._clock.now()
                )
                formed = group or formed
        return formed

    async def form(self, organization_id: int, pair_ids: Sequence[int]) -> Group | GroupProblem:
        """The curator forms a group from active pairs of one mentor and one form that allows
        groups, none of them in a group yet."""
        ids = sorted(set(pair_ids))
        if len(ids) < 2:
            return GroupProblem.TOO_FEW
        if len(ids) > LARGEST:
            return GroupProblem.TOO_MANY
        pairs = {p.id: p for p in await self._pairing.active_pair_rows(organization_id)}
        chosen = [pairs.get(i) for i in ids]
        if any(p is None for p in chosen):
            return GroupProblem.TAKEN
        mentors = {p.mentor_id for p in chosen if p is not None}
        forms = {p.form for p in chosen if p is not None}
        if len(mentors) != 1 or len(forms) != 1:
            return GroupProblem.MIXED
        (form,) = forms
        if form in await self._forbidden_forms(organization_id):
            return GroupProblem.NOT_ALLOWED
        (mentor_id,) = mentors
        group = await self._repository.create(
            organization_id, mentor_id, form, ids, self._clock.now()
        )
        return group if group is not None else GroupProblem.TAKEN

    async def leave(self, organization_id: int, pair_id: int) -> Group | GroupProblem:
        """The pair leaves its group and goes on one-to-one; its meetings still ahead with the
        group are cancelled (the mentor and the member agree on their own from now on)."""
        group = await self._repository.of_pair(pair_id)
        if group is None or group.organization_id != organization_id:
            return GroupProblem.NOT_YOURS
        await self._cancel_ahead(pair_id)
        if not await self._repository.leave(pair_id, group.id, self._clock.now()):
            return GroupProblem.TAKEN
        return group

    async def move(
        self, organization_id: int, pair_id: int, to_group: int
    ) -> GroupSide | GroupProblem:
        """The curator moves a member to another group of the same form and school (see
        :meth:`GroupRepository.move` for a group of another mentor); the group moved to."""
        group = await self._repository.of_pair(pair_id)
        target = await self._repository.get(to_group)
        if group is None or group.organization_id != organization_id:
            return GroupProblem.NOT_YOURS
        if target is None or target.organization_id != organization_id:
            return GroupProblem.NOT_YOURS
        if target.form != group.form or target.ended_at is not None or target.id == group.id:
            return GroupProblem.NO_TARGET
        await self._cancel_ahead(pair_id)
        organization = await self._organizations.get(organization_id)
        timezone = organization.timezone if organization else DEFAULT_TIMEZONE
        now = self._clock.now()
        today = utc_to_local(now, timezone).date()
        moved = await self._repository.move(pair_id, group.id, target.id, today, now)
        side = await self.side(target) if moved is not None else None
        if side is None or moved is None:
            return GroupProblem.TAKEN
        await self._join_upcoming(side, [moved])
        return side

    async def _join_upcoming(self, side: GroupSide, pair_ids: Sequence[int]) -> None:
        """Members who joined a group get its meetings still ahead, with their reminders."""
        now = self._clock.now()
        for lead in await self._repository.upcoming(side.group.id, now):
            for pair_id in pair_ids:
                member = side.member(pair_id)
                if member is None:
                    continue
                held = [
                    MeetingKind(m.kind)
                    for m in await self._meeting_rows.of_pair(pair_id)
                    if m.status == "held"
                ]
                kind = await self._meetings.next_kind_of(member.pair, held)
                if kind is None:
                    continue
                row = await self._repository.add_row(lead, pair_id, kind.value, now)
                if row is not None:
                    await self._reminders.plan(
                        row, side.group.organization_id, [member.mentee.telegram_id]
                    )

    async def _cancel_ahead(self, pair_id: int) -> None:
        """The pair's rows of the group's meetings ahead are cancelled; where one was the
        lead, the mentor's part goes to another member's row first."""
        now = self._clock.now()
        group = await self._repository.of_pair(pair_id)
        side = await self.side(group) if group else None
        for meeting in await self._meeting_rows.of_pair(pair_id):
            if meeting.group_meeting_id is None or meeting.starts_at <= now:
                continue
            if side is not None:
                await self._repository.hand_over_lead(
                    meeting.id, side.mentor.id, side.mentor.telegram_id
                )
            if meeting.status == "confirmed" and await self._meeting_rows.decide(
                meeting.id, "confirmed", "cancelled", now, "left the group"
            ):
                await self._reminders.drop(meeting.id)
                await self._followups.drop(meeting.id)

    # -- the group's calendar --------------------------------------------------------------------
    async def schedule(
        self,
        pair_id: int,
        telegram_id: int,
        day: date,
        at: time,
        meeting_format: str,
        place: str,
        *,
        replaces: int | None = None,
    ) -> GroupMeetingView | MeetingProblem | GroupProblem:
        """The mentor schedules the group's meeting once: a confirmed row for every member,
        reminders to every member and once to the mentor, "did it take place?" to the mentor."""
        group = await self._repository.of_pair(pair_id)
        if group is None:
            return MeetingProblem.NOT_YOURS
        side = await self.mentor_side(group.id, telegram_id)
        if side is None:
            in_group = await self.side(group)
            if in_group is not None and any(
                m.mentee.telegram_id == telegram_id for m in in_group.members
            ):
                return GroupProblem.MENTOR_SCHEDULES
            return MeetingProblem.NOT_YOURS
        first = side.members[0]
        place = " ".join(place.split())
        starts_at = await self._meetings.start_of(
            Side(first, side.mentor, first.mentee, side.timezone), day, at, place
        )
        if isinstance(starts_at, MeetingProblem):
            return starts_at
        replaced = None
        if replaces is not None:
            old = await self._meeting_rows.get(replaces)
            replaced = old.group_meeting_id if old else None
            current = await self._repository.meeting(replaced) if replaced else None
            if current is None or current.group_id != group.id:
                return MeetingProblem.NOT_YOURS
            rows = await self._repository.meeting_rows(current.id)
            if not any(m.status in ("proposed", "confirmed") for m in rows):
                return MeetingProblem.DECIDED
            for row in rows:
                await self._reminders.drop(row.id)
                await self._followups.drop(row.id)
        kinds: list[tuple[int, str]] = []
        for member in side.members:
            held = [
                MeetingKind(m.kind)
                for m in await self._meeting_rows.of_pair(member.pair.id)
                if m.status == "held"
            ]
            kind = await self._meetings.next_kind_of(member.pair, held)
            if kind is not None:
                kinds.append((member.pair.id, kind.value))
        if not kinds:
            return MeetingProblem.FINISHED
        group_meeting, rows = await self._repository.create_meeting(
            group_id=group.id,
            rows=kinds,
            starts_at=starts_at,
            meeting_format=meeting_format,
            place=place,
            proposed_by=side.mentor.id,
            now=self._clock.now(),
            replaces=replaced,
        )
        view = GroupMeetingView(group_meeting, tuple(rows), side)
        organization_id = group.organization_id
        for row in rows:
            person = side.member(row.pair_id)
            if person is None:
                continue
            recipients = [person.mentee.telegram_id]
            if row.id == view.lead.id:
                recipients.append(side.mentor.telegram_id)
            await self._reminders.plan(row, organization_id, recipients)
        await self._followups.plan(
            view.lead, organization_id, [(side.mentor.id, side.mentor.telegram_id)]
        )
        return view

    async def meeting_view(
        self, group_meeting_id: int, telegram_id: int
    ) -> GroupMeetingView | None:
        """The group meeting if this person is the mentor of its (active) group."""
        group_meeting = await self._repository.meeting(group_meeting_id)
        if group_meeting is None:
            return None
        side = await self.mentor_side(group_meeting.group_id, telegram_id)
        if side is None:
            return None
        rows = await self._repository.meeting_rows(group_meeting_id)
        if not rows:
            return None
        return GroupMeetingView(group_meeting, tuple(rows), side)

    # -- "did it take place?" --------------------------------------------------------------------
    async def attendance(
        self, group_meeting_id: int, telegram_id: int
    ) -> Attendance | MeetingProblem:
        """The attendance being ticked, for the mentor of a meeting that has begun and is not
        answered yet."""
        view = await self.meeting_view(group_meeting_id, telegram_id)
        if view is None:
            return MeetingProblem.NOT_YOURS
        if view.group_meeting.settled_at is not None:
            return MeetingProblem.DECIDED
        if view.lead.status not in ("confirmed", "held", "missed"):
            return MeetingProblem.DECIDED
        if view.lead.starts_at > self._clock.now():
            return MeetingProblem.NOT_YET
        present = await self._repository.present(group_meeting_id)
        return Attendance(view, frozenset(present))

    async def toggle(
        self, group_meeting_id: int, pair_id: int, telegram_id: int
    ) -> Attendance | MeetingProblem:
        current = await self.attendance(group_meeting_id, telegram_id)
        if isinstance(current, MeetingProblem):
            return current
        if not any(m.pair_id == pair_id for m in current.view.meetings):
            return MeetingProblem.NOT_YOURS
        await self._repository.toggle_present(group_meeting_id, pair_id)
        present = await self._repository.present(group_meeting_id)
        return Attendance(current.view, frozenset(present))

    async def settle(
        self, group_meeting_id: int, telegram_id: int, answer: Answer
    ) -> GroupSettled | MeetingProblem | GroupProblem:
        """The mentor's answer, once for the whole group: "we met" with the members ticked as
        present (the others' rows missed), "it did not happen" (every row missed), or "it was
        moved" (nothing changes until the new time replaces it)."""
        current = await self.attendance(group_meeting_id, telegram_id)
        if isinstance(current, MeetingProblem):
            return current
        view = current.view
        side = view.side
        rows = [
            (member, meeting)
            for meeting in view.meetings
            if meeting.status == "confirmed"
            and (member := side.member(meeting.pair_id)) is not None
        ]
        if answer is Answer.HELD:
            present = [(p, m) for p, m in rows if m.pair_id in current.present]
            if not present:
                return GroupProblem.NO_PRESENT
            absent = [(p, m) for p, m in rows if m.pair_id not in current.present]
        elif answer is Answer.NOT_HELD:
            present, absent = [], rows
        else:
            await self._followups.record(view.lead.id, side.mentor.id, answer)
            return GroupSettled(view, answer, (), ())
        now = self._clock.now()
        if not await self._repository.settle(
            group_meeting_id,
            [m.id for _, m in present],
            [m.id for _, m in absent],
            now,
            side.mentor.id,
        ):
            return MeetingProblem.DECIDED
        group_meeting = await self._repository.meeting(group_meeting_id) or view.group_meeting
        fresh = {m.id: m for m in await self._repository.meeting_rows(group_meeting_id)}
        settled = GroupMeetingView(group_meeting, tuple(fresh.values()), side)
        await self._followups.record(settled.lead.id, side.mentor.id, answer)
        return GroupSettled(
            settled,
            answer,
            tuple((p, fresh.get(m.id, m)) for p, m in present),
            tuple((p, fresh.get(m.id, m)) for p, m in absent),
        )
