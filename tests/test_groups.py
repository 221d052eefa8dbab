"""Group mentoring through the services: one calendar for the group, reminders and the
mentor's question once, attendance per member, and what a stranger or a member cannot do."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.config import Settings
from bot.followups import Answer
from bot.groups import GroupMeetingView, GroupProblem
from bot.meeting_sides import MeetingProblem
from bot.services import Services
from bot.wiring import build_services
from storage.database import Database
from tests.clock import ManualClock
from tests.groups_seed import (
    ANNA,
    BORIS,
    GLEB,
    IRINA,
    OLGA,
    STUDENTS,
    VERA,
    GroupSeed,
    seed_group_school,
)

START = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)  # Thursday, 18:30 in Chita
DAY = date(2026, 3, 17)  # Tuesday
AT = time(15, 0)  # 06:00 UTC


@pytest.fixture
async def school(db: Database) -> tuple[Services, ManualClock, GroupSeed]:
    clock = ManualClock(START)
    services = build_services(Settings(_env_file=None), db, clock)  # type: ignore[call-arg]
    seed = await seed_group_school(services, db, clock.now())
    return services, clock, seed


async def scheduled(services: Services, seed: GroupSeed) -> GroupMeetingView:
    view = await services.groups.schedule(
        seed.pairs[ANNA], IRINA, DAY, AT, "online", "https://meet.example/g"
    )
    assert isinstance(view, GroupMeetingView), view
    return view


async def rows(db: Database, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    return [tuple(r) for r in await db.fetch_all(sql, params)]


async def test_one_group_meeting_reaches_every_member_and_the_mentor_once(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, _clock, seed = school
    view = await scheduled(services, seed)
    # A confirmed row per member pair, one group meeting.
    assert sorted(m.pair_id for m in view.meetings) == sorted(seed.pairs[c] for c in STUDENTS)
    assert {m.status for m in view.meetings} == {"confirmed"}
    assert {m.group_meeting_id for m in view.meetings} == {view.group_meeting.id}
    assert {m.kind for m in view.meetings} == {"acquaintance"}
    # Two reminders (a day and an hour before) to each of the four people, once each.
    reminders = await rows(
        db, "SELECT telegram_id, count(*) FROM reminders GROUP BY telegram_id ORDER BY 1"
    )
    assert reminders == [(IRINA, 2), (ANNA, 2), (BORIS, 2), (VERA, 2)]
    # "Did it take place?" to the mentor alone, once.
    assert await rows(db, "SELECT telegram_id, meeting_id FROM followups") == [
        (IRINA, view.lead.id)
    ]


async def test_a_member_cannot_schedule_and_a_stranger_is_refused(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, _clock, seed = school
    member = await services.groups.schedule(seed.pairs[ANNA], ANNA, DAY, AT, "online", "x")
    assert member is GroupProblem.MENTOR_SCHEDULES
    stranger = await services.groups.schedule(seed.pairs[ANNA], OLGA, DAY, AT, "online", "x")
    assert stranger is MeetingProblem.NOT_YOURS
    assert await rows(db, "SELECT count(*) FROM meetings") == [(0,)]


async def test_attendance_marks_the_absent_member_missed_once(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, clock, seed = school
    view = await scheduled(services, seed)
    gm = view.group_meeting.id
    # Before the meeting nothing can be answered.
    assert await services.groups.attendance(gm, IRINA) is MeetingProblem.NOT_YET
    clock.advance(datetime(2026, 3, 17, 7, 30, tzinfo=UTC) - clock.now())
    # Strangers and members pressing the mentor's buttons change nothing.
    for who in (ANNA, OLGA, GLEB):
        assert await services.groups.toggle(gm, seed.pairs[ANNA], who) is MeetingProblem.NOT_YOURS
        assert await services.groups.settle(gm, who, Answer.HELD) is MeetingProblem.NOT_YOURS
    # A pair outside the group cannot be ticked.
    outside = await services.groups.toggle(gm, seed.pairs[GLEB], IRINA)
    assert outside is MeetingProblem.NOT_YOURS
    # "We met" with nobody ticked is refused.
    assert await services.groups.settle(gm, IRINA, Answer.HELD) is GroupProblem.NO_PRESENT
    for chat in (ANNA, ANNA, ANNA, BORIS, VERA):  # Anna ticked, unticked and ticked again
        await services.groups.toggle(gm, seed.pairs[chat], IRINA)
    await services.groups.toggle(gm, seed.pairs[VERA], IRINA)  # Vera unticked: absent
    settled = await services.groups.settle(gm, IRINA, Answer.HELD)
    assert not isinstance(settled, MeetingProblem | GroupProblem), settled
    assert {p.mentee.telegram_id for p, _ in settled.present} == {ANNA, BORIS}
    assert {p.mentee.telegram_id for p, _ in settled.absent} == {VERA}
    statuses = dict(
        await rows(db, "SELECT pair_id, status FROM meetings WHERE group_meeting_id = ?", (gm,))
    )
    assert statuses == {
        seed.pairs[ANNA]: "held",
        seed.pairs[BORIS]: "held",
        seed.pairs[VERA]: "missed",
    }
    # A double tap and a late toggle change nothing.
    assert await services.groups.settle(gm, IRINA, Answer.HELD) is MeetingProblem.DECIDED
    assert await services.groups.toggle(gm, seed.pairs[VERA], IRINA) is MeetingProblem.DECIDED
    assert await services.groups.settle(gm, IRINA, Answer.NOT_HELD) is MeetingProblem.DECIDED
    assert await rows(db, "SELECT answer FROM followups") == [("held",)]


async def test_the_next_group_meeting_follows_each_members_own_history(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, clock, seed = school
    view = await scheduled(services, seed)
    clock.advance(datetime(2026, 3, 17, 7, 30, tzinfo=UTC) - clock.now())
    for chat in (ANNA, BORIS):
        await services.groups.toggle(view.group_meeting.id, seed.pairs[chat], IRINA)
    assert not isinstance(
        await services.groups.settle(view.group_meeting.id, IRINA, Answer.HELD),
        MeetingProblem | GroupProblem,
    )
    second = await services.groups.schedule(
        seed.pairs[BORIS], IRINA, date(2026, 3, 19), AT, "in_person", "Аудитория 12"
    )
    assert isinstance(second, GroupMeetingView), second
    kinds = {m.pair_id: m.kind for m in second.meetings}
    # Vera missed the acquaintance: hers is still the acquaintance.
    assert kinds == {
        seed.pairs[ANNA]: "trial",
        seed.pairs[BORIS]: "trial",
        seed.pairs[VERA]: "acquaintance",
    }


async def test_moving_a_group_meeting_replaces_every_members_row(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, _clock, seed = school
    view = await scheduled(services, seed)
    moved = await services.groups.schedule(
        seed.pairs[VERA], IRINA, date(2026, 3, 18), AT, "online", "link", replaces=view.lead.id
    )
    assert isinstance(moved, GroupMeetingView), moved
    old = await rows(
        db,
        "SELECT DISTINCT status FROM meetings WHERE group_meeting_id = ?",
        (view.group_meeting.id,),
    )
    assert old == [("cancelled",)]
    pending = await rows(
        db,
        "SELECT count(*) FROM reminders WHERE state = 'pending' AND meeting_id IN "
        "(SELECT id FROM meetings WHERE group_meeting_id = ?)",
        (view.group_meeting.id,),
    )
    assert pending == [(0,)]
    # A stranger cannot move it by forging the meeting id.
    forged = await services.groups.schedule(
        seed.pairs[ANNA], IRINA, date(2026, 3, 18), AT, "online", "x", replaces=999
    )
    assert forged is MeetingProblem.NOT_YOURS


async def test_when_the_lead_member_is_absent_the_mentors_part_moves_to_a_held_row(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, clock, seed = school
    view = await scheduled(services, seed)
    assert view.lead.pair_id == seed.pairs[ANNA]
    clock.advance(datetime(2026, 3, 17, 7, 30, tzinfo=UTC) - clock.now())
    await services.groups.toggle(view.group_meeting.id, seed.pairs[VERA], IRINA)
    settled = await services.groups.settle(view.group_meeting.id, IRINA, Answer.HELD)
    assert not isinstance(settled, MeetingProblem | GroupProblem), settled
    assert settled.view.lead.pair_id == seed.pairs[VERA]
    assert settled.view.lead.status == "held"
    assert await rows(db, "SELECT meeting_id, answer FROM followups") == [
        (settled.view.lead.id, "held")
    ]


async def test_a_group_is_judged_overdue_once_by_its_meetings(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, clock, seed = school
    clock.advance(datetime(2026, 4, 2, 3, 0, tzinfo=UTC) - clock.now())
    rows = await services.cadence.overdue(seed.organization_id)
    # Nobody has met: the group is one row (its first member's pair), Olga's pair another.
    assert sorted(r.people.pair.id for r in rows) == [seed.pairs[ANNA], seed.pairs[GLEB]]
    report = await services.cadence.daily()
    assert sorted(n.people.pair.id for n in report.nudged) == [seed.pairs[ANNA], seed.pairs[GLEB]]

    # The group meets (Vera absent): the group is not overdue, nor is Vera alone.
    view = await services.groups.schedule(
        seed.pairs[ANNA], IRINA, date(2026, 4, 7), AT, "online", "https://meet.example/g"
    )
    assert isinstance(view, GroupMeetingView), view
    clock.advance(datetime(2026, 4, 7, 7, 30, tzinfo=UTC) - clock.now())
    for chat in (ANNA, BORIS):
        await services.groups.toggle(view.group_meeting.id, seed.pairs[chat], IRINA)
    assert not isinstance(
        await services.groups.settle(view.group_meeting.id, IRINA, Answer.HELD),
        MeetingProblem | GroupProblem,
    )
    rows = await services.cadence.overdue(seed.organization_id)
    assert [r.people.pair.id for r in rows] == [seed.pairs[GLEB]]


async def test_a_lead_members_pair_ending_moves_the_mentors_part_to_another_row(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, clock, seed = school
    view = await scheduled(services, seed)
    assert view.lead.pair_id == seed.pairs[ANNA]
    ended = await services.pairing.end_pair(seed.organization_id, seed.pairs[ANNA], "переезд")
    assert ended is not None
    boris_row = next(m.id for m in view.meetings if m.pair_id == seed.pairs[BORIS])
    mentor_reminders = await rows(
        db, "SELECT DISTINCT meeting_id FROM reminders WHERE telegram_id = ?", (IRINA,)
    )
    assert mentor_reminders == [(boris_row,)]
    assert await rows(db, "SELECT meeting_id FROM followups") == [(boris_row,)]
    # The mentor answers for the two who are left.
    clock.advance(datetime(2026, 3, 17, 7, 30, tzinfo=UTC) - clock.now())
    attendance = await services.groups.toggle(view.group_meeting.id, seed.pairs[BORIS], IRINA)
    assert not isinstance(attendance, MeetingProblem), attendance
    assert attendance.view.lead.id == boris_row
    settled = await services.groups.settle(view.group_meeting.id, IRINA, Answer.HELD)
    assert not isinstance(settled, MeetingProblem | GroupProblem), settled
    assert {p.mentee.telegram_id for p, _ in settled.absent} == {VERA}
    assert await rows(db, "SELECT meeting_id, answer FROM followups") == [(boris_row, "held")]


async def test_not_held_misses_every_row_and_moved_waits_for_the_new_time(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, clock, seed = school
    first = await scheduled(services, seed)
    clock.advance(datetime(2026, 3, 17, 7, 30, tzinfo=UTC) - clock.now())
    await services.groups.toggle(first.group_meeting.id, seed.pairs[ANNA], IRINA)  # ignored
    settled = await services.groups.settle(first.group_meeting.id, IRINA, Answer.NOT_HELD)
    assert not isinstance(settled, MeetingProblem | GroupProblem), settled
    assert settled.present == () and len(settled.absent) == 3
    assert {m.status for m in settled.view.meetings} == {"missed"}
    # "It was moved": nothing is decided until the new time replaces the meeting.
    second = await services.groups.schedule(
        seed.pairs[ANNA], IRINA, date(2026, 3, 19), AT, "online", "link"
    )
    assert isinstance(second, GroupMeetingView), second
    assert {m.kind for m in second.meetings} == {"acquaintance"}  # nothing was held
    clock.advance(datetime(2026, 3, 19, 7, 30, tzinfo=UTC) - clock.now())
    moved = await services.groups.settle(second.group_meeting.id, IRINA, Answer.MOVED)
    assert not isinstance(moved, MeetingProblem | GroupProblem), moved
    assert {m.status for m in moved.view.meetings} == {"confirmed"}
    # The new time must be ahead: the calendar's usual checks hold for a group.
    clock.advance(datetime(2026, 3, 19, 8, 0, tzinfo=UTC) - clock.now())
    late = await services.groups.schedule(
        seed.pairs[ANNA], IRINA, date(2026, 3, 19), time(16, 0), "online", "x",
        replaces=second.lead.id,
    )  # fmt: skip
    assert late is MeetingProblem.TOO_SOON
    third = await services.groups.schedule(
        seed.pairs[ANNA], IRINA, date(2026, 3, 24), AT, "online", "link", replaces=second.lead.id
    )
    assert isinstance(third, GroupMeetingView), third
    statuses = await rows(
        db,
        "SELECT DISTINCT status FROM meetings WHERE group_meeting_id = ?",
        (second.group_meeting.id,),
    )
    assert statuses == [("cancelled",)]
    assert await rows(
        db, "SELECT answer FROM followups WHERE meeting_id = ?", (second.lead.id,)
    ) == [("moved",)]


async def test_the_curators_upcoming_meetings_show_a_group_meeting_once(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, _clock, seed = school
    await scheduled(services, seed)
    shown, total, _page, _pages = await services.cadence.upcoming_page(seed.organization_id, 0, 8)
    assert total == 1 and len(shown) == 1
    meeting, people = shown[0]
    assert meeting.group_meeting_id is not None and people.pair.id == seed.pairs[ANNA]


async def test_a_pair_meeting_agreed_before_the_group_is_followed_by_the_groups_calendar(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, clock, seed = school
    pair_id = seed.pairs[ANNA]
    async with db.transaction() as tx:  # the opening meetings were held one-to-one
        for kind in ("acquaintance", "trial", "planning"):
            await tx.execute(
                "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
                "proposed_by, created_at) VALUES (?, ?, 'held', ?, 'online', 'x', ?, ?)",
                (pair_id, kind, "2026-03-01T06:00:00+00:00", seed.irina, "2026-03-01"),
            )
    proposed = await services.meetings.propose(pair_id, IRINA, DAY, AT, "online", "x")
    assert not isinstance(proposed, MeetingProblem), proposed
    assert proposed.meeting.kind == "regular" and proposed.meeting.group_meeting_id is None
    assert not isinstance(
        await services.meetings.confirm(proposed.meeting.id, ANNA), MeetingProblem
    )
    clock.advance(datetime(2026, 3, 17, 7, 30, tzinfo=UTC) - clock.now())
    settled = await services.meeting_changes.settle(proposed.meeting.id, IRINA, Answer.HELD)
    assert not isinstance(settled, MeetingProblem), settled
    # No regular meeting of the pair's own rhythm: the mentor schedules the group's next one.
    assert settled.next is not None and settled.next.meeting is None
    assert settled.next.kind == "regular"
    assert await rows(
        db, "SELECT count(*) FROM meetings WHERE pair_id = ? AND status = 'confirmed'", (pair_id,)
    ) == [(0,)]


async def test_the_lead_member_leaving_hands_the_mentors_part_to_another_row(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, _clock, seed = school
    view = await scheduled(services, seed)
    assert view.lead.pair_id == seed.pairs[ANNA]
    left = await services.groups.leave(seed.organization_id, seed.pairs[ANNA])
    assert not isinstance(left, str), left
    boris_row = next(m.id for m in view.meetings if m.pair_id == seed.pairs[BORIS])
    assert await rows(
        db, "SELECT meeting_id, state FROM reminders WHERE telegram_id = ?", (IRINA,)
    ) == [(boris_row, "pending"), (boris_row, "pending")]
    assert await rows(db, "SELECT meeting_id, state FROM followups") == [(boris_row, "pending")]
    assert await rows(
        db, "SELECT DISTINCT state FROM reminders WHERE telegram_id = ?", (ANNA,)
    ) == [("dropped",)]
    # A curator of another school cannot make a member leave.
    assert await services.groups.leave(seed.other_organization_id, seed.pairs[BORIS]) == "not_yours"


async def test_a_group_left_with_one_member_ends_and_its_meeting_becomes_the_pairs(
    school: tuple[Services, ManualClock, GroupSeed], db: Database
) -> None:
    services, clock, seed = school
    view = await scheduled(services, seed)
    for chat in (VERA, ANNA):  # Anna's row was the lead
        assert not isinstance(
            await services.groups.leave(seed.organization_id, seed.pairs[chat]), str
        )
    assert await services.groups.of_pair(seed.pairs[BORIS]) is None
    boris_row = next(m.id for m in view.meetings if m.pair_id == seed.pairs[BORIS])
    assert await rows(
        db, "SELECT status, group_meeting_id FROM meetings WHERE id = ?", (boris_row,)
    ) == [("confirmed", None)]
    assert await rows(
        db, "SELECT DISTINCT telegram_id FROM reminders WHERE meeting_id = ? AND state = 'pending' "
        "ORDER BY 1", (boris_row,)
    ) == [(IRINA,), (BORIS,)]  # fmt: skip
    # The mentor answers as for any pair.
    clock.advance(datetime(2026, 3, 17, 7, 30, tzinfo=UTC) - clock.now())
    settled = await services.meeting_changes.settle(boris_row, IRINA, Answer.HELD)
    assert not isinstance(settled, MeetingProblem), settled
    assert settled.view.meeting.status == "held"
