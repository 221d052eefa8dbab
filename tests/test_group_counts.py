"""The registers (appendices 2.2, 2.3), the indicators and the per-mentor figures with a group
of three and a one-to-one pair, counted by hand.

Irina leads Anna, Boris and Vera; Olga has Gleb. Two group meetings: on 17 March Anna and Boris
came and Vera did not, on 19 March all three came; Olga and Gleb held one meeting. Anna's and
Gleb's pairs then complete the program. Each member is a pair of their own, so people and
completion are counted per mentee exactly as before; a group meeting is a held (or missed)
meeting of every member's pair, and the mentor held it once.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from openpyxl import load_workbook

from bot.clock import to_db
from bot.followups import Answer
from bot.groups import GroupMeetingView, GroupProblem
from bot.meeting_sides import MeetingProblem
from tests.groups_seed import ANNA, BORIS, GLEB, IRINA, OLGA, VERA, GroupSeed, seed_group_school
from tests.inprocess import Harness

AT = time(15, 0)  # 06:00 UTC in Chita


async def group_meeting(harness: Harness, seed: GroupSeed, day: date, came: set[int]) -> int:
    services = harness.app.services
    view = await services.groups.schedule(seed.pairs[ANNA], IRINA, day, AT, "online", "link")
    assert isinstance(view, GroupMeetingView), view
    harness.clock.advance(
        datetime(day.year, day.month, day.day, 7, 30, tzinfo=UTC) - harness.clock.now()
    )
    for chat in came:
        await services.groups.toggle(view.group_meeting.id, seed.pairs[chat], IRINA)
    settled = await services.groups.settle(view.group_meeting.id, IRINA, Answer.HELD)
    assert not isinstance(settled, MeetingProblem | GroupProblem), settled
    return settled.view.lead.id


async def one_to_one_meeting(harness: Harness, seed: GroupSeed, day: date) -> int:
    services = harness.app.services
    proposed = await services.meetings.propose(seed.pairs[GLEB], OLGA, day, AT, "online", "x")
    assert not isinstance(proposed, MeetingProblem), proposed
    confirmed = await services.meetings.confirm(proposed.meeting.id, GLEB)
    assert not isinstance(confirmed, MeetingProblem), confirmed
    harness.clock.advance(
        datetime(day.year, day.month, day.day, 7, 30, tzinfo=UTC) - harness.clock.now()
    )
    settled = await services.meeting_changes.settle(proposed.meeting.id, OLGA, Answer.HELD)
    assert not isinstance(settled, MeetingProblem), settled
    return proposed.meeting.id


async def feedback(harness: Harness, participant_id: int, meeting_id: int, useful: int) -> None:
    now = to_db(harness.clock.now())
    async with harness.app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO responses (form, participant_id, subject, meeting_id, answers, "
            "started_at, updated_at, completed_at) "
            "VALUES ('meeting_feedback', ?, ?, ?, ?, ?, ?, ?)",
            (participant_id, f"meeting:{meeting_id}", meeting_id, f'{{"usefulness": {useful}}}',
             now, now, now),
        )  # fmt: skip


async def row_of(harness: Harness, pair_id: int, lead: int) -> int:
    value = await harness.app.db.fetch_value(
        "SELECT id FROM meetings WHERE pair_id = ? AND group_meeting_id = "
        "(SELECT group_meeting_id FROM meetings WHERE id = ?)",
        (pair_id, lead),
    )
    return int(value)


def sheet(content: bytes, name: str) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


async def test_registers_indicators_and_mentor_figures_with_a_group(harness: Harness) -> None:
    services, db = harness.app.services, harness.app.db
    seed = await seed_group_school(services, db, harness.clock.now())
    first = await group_meeting(harness, seed, date(2026, 3, 17), {ANNA, BORIS})
    second = await group_meeting(harness, seed, date(2026, 3, 19), {ANNA, BORIS, VERA})
    alone = await one_to_one_meeting(harness, seed, date(2026, 3, 20))
    # Feedback of the first group meeting: Anna, Boris, and Irina once (on the lead row).
    assert first == await row_of(harness, seed.pairs[ANNA], first)
    await feedback(harness, seed.students[ANNA], first, 5)
    await feedback(
        harness, seed.students[BORIS], await row_of(harness, seed.pairs[BORIS], first), 3
    )
    await feedback(harness, seed.irina, first, 4)
    # Anna's and Gleb's pairs complete the program.
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE pairs SET completed = 1, ended_on = '2026-03-21', end_reason = 'done' "
            "WHERE id IN (?, ?)",
            (seed.pairs[ANNA], seed.pairs[GLEB]),
        )
    assert second and alone

    # -- the indicators ---------------------------------------------------------------------------
    figures = await services.indicators.for_organization(seed.organization_id)
    stages = figures.stages[None]
    # Matched: the two mentors and the four mentees; in an active pair now: Irina (Boris,
    # Vera), Boris and Vera; completed: Anna and Gleb, and their mentors Irina and Olga.
    assert (stages.matched, stages.in_pairs, stages.completed) == (6, 3, 4)
    # Meetings are each mentee's: 17 March held for Anna and Boris, missed for Vera; 19 March
    # held for all three; Olga and Gleb one. Held 6 of 7 planned.
    assert (figures.meetings_held, figures.meetings_planned) == (6, 7)
    # Feedback: Anna's and Boris's own, and Irina's one form for each of their meetings.
    assert (figures.feedback_answered, figures.feedback_expected) == (4, 12)
    entered = figures.share("mentees_10_19")
    assert (entered.count, entered.completed) == (4, 2)  # born in May 2006: 19 on entering

    # -- per mentor: a group meeting held once ----------------------------------------------------
    ranking = await services.pair_results.ranking(seed.organization_id)
    assert ranking is not None
    by_mentor = {f.mentor_id: f for f in ranking}
    irina, olga = by_mentor[seed.irina], by_mentor[seed.olga]
    assert (irina.meetings_held, irina.mentees, irina.pairs, irina.completed) == (2, 3, 3, 1)
    assert (olga.meetings_held, olga.mentees, olga.pairs, olga.completed) == (1, 1, 1, 1)
    assert (irina.own_usefulness, irina.own_usefulness_answers) == (4.0, 1)
    assert (irina.usefulness, irina.usefulness_answers) == (4.0, 2)

    # -- the registers --------------------------------------------------------------------------
    made = await services.exports.workbook(seed.organization_id, "ru")
    mentors = sheet(made.content, "База наставников")[1:]
    assert len(mentors) == 2
    rows = {row[0]: row for row in mentors}
    assert rows["Ирина Павловна Соколова"][9] == "Анна Смирнова\nБорис Орлов\nВера Козлова"
    assert rows["Ольга Викторовна Белова"][9] == "Глеб Новиков"
    mentees = sheet(made.content, "База наставляемых")[1:]
    assert [(row[1], row[6]) for row in mentees] == [
        ("Анна Смирнова", "Ирина Павловна Соколова"),
        ("Борис Орлов", "Ирина Павловна Соколова"),
        ("Вера Козлова", "Ирина Павловна Соколова"),
        ("Глеб Новиков", "Ольга Викторовна Белова"),
    ]
    done = {row[1]: row[12] for row in mentees}
    assert bool(done["Анна Смирнова"]) and bool(done["Глеб Новиков"])
    assert not done["Борис Орлов"] and not done["Вера Козлова"]
    # The per-mentor sheet: Irina held two meetings, not five.
    summary = {row[0]: row for row in sheet(made.content, "Наставники — итоги")[1:]}
    assert summary["Ирина Павловна Соколова"][1] == 2
    assert summary["Ольга Викторовна Белова"][1] == 1
    assert harness.clock.now() - datetime(2026, 3, 20, 7, 30, tzinfo=UTC) == timedelta(0)
