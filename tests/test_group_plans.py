"""A group has one plan (issue 14, migration 0029): the mentor builds it once (also through
the pair of a member who missed the planning meeting), the curator approves it once, the
mentor and every member are told, every member works by it, and a member who leaves the
group goes on one-to-one without it. The plan sheet lists it for each member."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.schedule import MeetingKind
from handlers.plan_views import PlanAction
from storage.repositories.plans import PlanSheetReads
from tests.groups_seed import ANNA, BORIS, GLEB, IRINA, VERA, seed_group_school
from tests.inprocess import Harness
from tests.joining import CURATOR
from tests.test_plans import act, last, meeting, press, set_clock

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 10:00 in Chita
PLANNING = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
GOAL = ("Подготовить проект для предприятия", "20.05.2026", "Проект защищён перед мастером",
        "Выбрать тему\nСделать макет")  # fmt: skip


async def outbox_to(harness: Harness, kind: str) -> list[int]:
    await harness.app.services.outbox.idle()
    rows = await harness.app.db.fetch_all(
        "SELECT telegram_id FROM outbox WHERE kind = ? ORDER BY telegram_id", (kind,)
    )
    return [int(r["telegram_id"]) for r in rows]


async def test_a_group_builds_one_plan_approved_once_for_every_member(harness: Harness) -> None:
    set_clock(harness, START)
    services, db = harness.app.services, harness.app.db
    seed = await seed_group_school(services, db, harness.clock.now())
    org, pairs = seed.organization_id, seed.pairs
    await services.cycles.set_planned_end(org, date(2026, 5, 31))
    # The group's planning meeting: Anna and Boris came, Vera did not.
    for chat, status in ((ANNA, "held"), (BORIS, "held"), (VERA, "missed")):
        await meeting(harness, pairs[chat], MeetingKind.PLANNING, status, PLANNING)
    set_clock(harness, datetime(2026, 3, 4, 1, 0, tzinfo=UTC))

    # The mentor builds the plan through Vera's pair: the group planned together.
    prompt = (await press(harness, IRINA, act(pairs[VERA], PlanAction.START)))[-1]
    await press(harness, IRINA, prompt.data_of("Until the end of the cycle"))
    for text in GOAL:
        await harness.send(IRINA, text, language_code="en")
    await press(harness, IRINA, act(pairs[VERA], PlanAction.SUBMIT))
    assert await outbox_to(harness, "plan_shared") == [ANNA, BORIS, VERA]
    review = last(harness, CURATOR)
    assert "Группа наставника Ирина Павловна Соколова" in review.text and all(
        name in review.text for name in ("Анна Смирнова", "Борис Орлов", "Вера Козлова")
    ), review.text
    # A member cannot build or submit the group's plan.
    await press(harness, ANNA, act(pairs[ANNA], PlanAction.SUBMIT))
    assert len(await db.fetch_all("SELECT id FROM plan_versions")) == 1

    await press(harness, CURATOR, review.data_of("Утвердить план"))
    assert await outbox_to(harness, "plan_approved") == [IRINA, ANNA, BORIS, VERA]
    (version,) = await db.fetch_all("SELECT id, group_id, status FROM plan_versions")
    assert (version["group_id"], version["status"]) == (seed.group_id, "approved")
    for chat in (ANNA, BORIS, VERA):
        plan = await services.plans.of_pair(pairs[chat])
        assert plan.in_force is not None and plan.in_force.id == version["id"]
        assert plan.in_force.goals[0].text == GOAL[0]
    assert (await services.plans.of_pair(pairs[GLEB])).in_force is None  # Olga's own pair
    # The next meeting of every member is the final one when the program's end is near.
    set_clock(harness, datetime(2026, 5, 25, 1, 0, tzinfo=UTC))
    assert all([await services.plans.final_due(pairs[c]) for c in (ANNA, BORIS, VERA)])

    # Anna leaves the group: she goes on one-to-one without the group's plan.
    left = await services.groups.leave(org, pairs[ANNA])
    assert not isinstance(left, str), left
    assert (await services.plans.of_pair(pairs[ANNA])).in_force is None
    assert (await services.plans.of_pair(pairs[BORIS])).in_force is not None
    sheet = await PlanSheetReads(db).organization_sheet(org)
    assert sorted(v.pair_id for v in sheet) == sorted([pairs[BORIS], pairs[VERA]])
    assert {v.id for v in sheet} == {version["id"]}
