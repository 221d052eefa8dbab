"""The pair's individual plan (issue 14), in process: a teacher–teacher pair of a school whose
cycle runs September to May builds a four-month program in the chat, the curator returns it
once and approves it, progress is marked, the deadline question comes once two weeks before,
and the program's end in January asks for the final meeting; held, it completes the pair in
January while the cycle stays open. The figures and registers of January count it, December's
do not; the plan sheet of the workbook lists its goals. Bad input changes nothing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.clock import to_db
from bot.models.periods import Period
from bot.schedule import MeetingKind
from dialogs.forms import FormPace
from dialogs.plan import Progress
from handlers.cycle_views import PairCard as CyclePairCard
from handlers.meeting_board_views import PairCard as BoardPairCard
from handlers.meeting_texts import MeetPlan
from handlers.plan_views import PlanAct, PlanAction, PlanMark, PlanReview, ReviewAction
from jobs.cycles import run_cycle_tick
from jobs.plans import run_plan_tick
from storage.repositories.organizations import OrganizationRepository
from tests.cohort import choice, mentee_answers, mentor_answers, seed_ready
from tests.inprocess import Harness, Sent
from tests.joining import CURATOR
from tests.test_export import APPENDIX_2_2, APPENDIX_2_3, rows

OTHER_CURATOR = 556
ANNA, BORIS, STRANGER = 111, 211, 999  # the mentor, the young teacher, someone else
CHITA = ZoneInfo("Asia/Chita")
EN = "en"
# Monday 14 September 2026, 10:00 in Chita: the pair is formed.
FORMED = datetime(2026, 9, 14, 1, 0, tzinfo=UTC)
PROGRAM_END = date(2027, 1, 14)  # four months from the pair's start
GOAL_1_DEADLINE, GOAL_2_DEADLINE = date(2026, 11, 30), date(2027, 1, 10)
FINAL_DAY = date(2027, 1, 20)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CHITA).astimezone(UTC)


def set_clock(harness: Harness, moment: datetime) -> None:
    harness.clock.advance(moment - harness.clock.now())


def chat(harness: Harness, user: int) -> list[Sent]:
    return [s for s in harness.session.sent if s.chat_id == user]


def last(harness: Harness, user: int) -> Sent:
    return chat(harness, user)[-1]


async def meeting(harness: Harness, pair_id: int, kind: str, status: str, moment: datetime) -> int:
    mentor = await harness.app.db.fetch_value(
        "SELECT mentor_id FROM pairs WHERE id = ?", (pair_id,)
    )
    async with harness.app.db.transaction() as tx:
        return await tx.execute(
            "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (?, ?, ?, ?, 'online', 'link', ?, ?)",
            (pair_id, kind, status, to_db(moment), mentor, to_db(moment)),
        )


async def teacher_pair(harness: Harness) -> dict[str, int]:
    """A school in Chita whose cycle runs to 31 May 2027, another school, and a teacher–teacher
    pair that has held its acquaintance, trial and planning meetings."""
    set_clock(harness, FORMED)
    services, db = harness.app.services, harness.app.db
    org = await services.organizations.create("Школа № 7", "Asia/Chita")
    await services.organizations.add_curator(org.id, CURATOR)
    other = await services.organizations.create("Лицей № 2", "Asia/Chita")
    await services.organizations.add_curator(other.id, OTHER_CURATOR)
    cycle = await services.cycles.set_planned_end(org.id, date(2027, 5, 31))
    assert not isinstance(cycle, str), cycle
    now = harness.clock.now()
    form = choice("teacher_teacher")
    anna = await seed_ready(services, db, now, org.id, ANNA, "mentor",
                            mentor_answers("Анна Петровна Орлова", form=form))  # fmt: skip
    boris = await seed_ready(
        services, db, now, org.id, BORIS, "mentee",
        mentee_answers("Борис Ильич Сомов", birth="2000-02-02", category=choice("young_teacher"),
                       form=form),
    )  # fmt: skip
    assert await services.admission.admit(org.id, anna, CURATOR) is None
    outcome = await services.pairing.assign_directly(org.id, boris, anna, force=True)
    assert outcome.pair is not None, outcome
    pair_id = outcome.pair.id
    assert outcome.pair.form == "teacher_teacher" and outcome.pair.started_on == FORMED.date()
    for kind, day in (("acquaintance", 15), ("trial", 22), ("planning", 29)):
        await meeting(harness, pair_id, kind, "held", at(date(2026, 9, day), 15))
    return {"org": org.id, "other": other.id, "pair": pair_id, "anna": anna, "boris": boris}


def act(pair_id: int, action: PlanAction, value: int = 0) -> str:
    return PlanAct(pair_id=pair_id, action=action, value=value).pack()


async def press(harness: Harness, user: int, data: str) -> list[Sent]:
    return await harness.press(user, data, language_code=EN)


async def say(harness: Harness, user: int, text: str) -> list[Sent]:
    return await harness.send(user, text, language_code=EN)


async def build_goal(
    harness: Harness, text: str, deadline: str, measure: str, activities: str
) -> list[Sent]:
    await say(harness, ANNA, text)
    await say(harness, ANNA, deadline)
    await say(harness, ANNA, measure)
    return await say(harness, ANNA, activities)


async def versions(harness: Harness, pair_id: int) -> list[tuple[Any, ...]]:
    found = await harness.app.db.fetch_all(
        "SELECT id, status, program_end, comment FROM plan_versions WHERE pair_id = ? ORDER BY id",
        (pair_id,),
    )
    return [tuple(row) for row in found]


async def events(harness: Harness, pair_id: int) -> list[tuple[Any, ...]]:
    found = await harness.app.db.fetch_all(
        "SELECT e.version_id, e.event, e.by_role, e.curator_id, e.comment FROM plan_events e "
        "JOIN plan_versions v ON v.id = e.version_id WHERE v.pair_id = ? ORDER BY e.id",
        (pair_id,),
    )
    return [tuple(row) for row in found]


GOAL_1 = ("Подготовить и провести открытый урок", "30.11.2026",
          "Урок проведён, есть отзыв методиста",
          "Посетить 2 урока наставника\n2) Разработать план урока")  # fmt: skip
GOAL_2 = ("Освоить работу с родителями", "10.01.2027", "Проведено родительское собрание",
          "Подготовить собрание вместе с наставником")  # fmt: skip


async def submitted_plan(harness: Harness) -> dict[str, int]:
    """The mentor builds a four-month program with two goals and submits it."""
    ids = await teacher_pair(harness)
    pair_id = ids["pair"]
    set_clock(harness, at(date(2026, 9, 30)))
    prompt = (await press(harness, ANNA, act(pair_id, PlanAction.START)))[-1]
    assert "December 14, 2026" in prompt.text and "September 14, 2027" in prompt.text, prompt.text
    assert act(pair_id, PlanAction.MONTHS, 4) == prompt.data_of("4 months")
    assert act(pair_id, PlanAction.DEFAULT_END) == prompt.data_of("Until the end of the cycle")
    asked = (await press(harness, ANNA, act(pair_id, PlanAction.MONTHS, 4)))[-1]
    assert "Goal 1" in asked.text, asked.text
    draft = (await build_goal(harness, *GOAL_1))[-1]
    assert "Разработать план урока" in draft.text and "November 30, 2026" in draft.text
    await press(harness, ANNA, act(pair_id, PlanAction.ADD_GOAL))
    draft = (await build_goal(harness, *GOAL_2))[-1]
    assert draft.data_of("Submit to the curator") == act(pair_id, PlanAction.SUBMIT)
    done = await press(harness, ANNA, act(pair_id, PlanAction.SUBMIT))
    await harness.app.services.outbox.idle()
    assert any("sent to the curator" in s.text for s in done if s.chat_id == ANNA)
    ((version, status, end, comment),) = await versions(harness, pair_id)
    assert (status, end, comment) == ("submitted", "2027-01-14", None)
    return ids | {"version": int(version)}


async def approved_plan(harness: Harness) -> dict[str, int]:
    """The curator returns the plan once with a comment, the mentor changes and resubmits it,
    the curator approves it."""
    ids = await submitted_plan(harness)
    pair_id, first = ids["pair"], ids["version"]
    review = last(harness, CURATOR)
    assert "Анна Петровна Орлова" in review.text and "Открытый урок".lower() in review.text.lower()
    await press(harness, CURATOR, review.data_of("Вернуть с комментарием"))
    await say(harness, CURATOR, "Уточните, как будет виден результат второй цели")
    await harness.app.services.outbox.idle()
    returned = last(harness, ANNA)
    assert "Уточните, как будет виден результат второй цели" in returned.text, returned.text
    assert returned.data_of("Change the plan") == act(pair_id, PlanAction.START)
    assert "Уточните" in last(harness, BORIS).text and not last(harness, BORIS).buttons
    # The mentor starts over from the returned version: the goals are kept; one more is added.
    draft = (await press(harness, ANNA, act(pair_id, PlanAction.START)))[-1]
    assert "Освоить работу с родителями" in draft.text, draft.text
    await press(harness, ANNA, act(pair_id, PlanAction.SUBMIT))
    await harness.app.services.outbox.idle()
    second = (await versions(harness, pair_id))[-1][0]
    await press(harness, CURATOR, last(harness, CURATOR).data_of("Approve the plan"))
    await harness.app.services.outbox.idle()
    assert "approved" in last(harness, ANNA).text and "утвердил" in last(harness, BORIS).text
    assert await versions(harness, pair_id) == [
        (first, "replaced", "2027-01-14", "Уточните, как будет виден результат второй цели"),
        (second, "approved", "2027-01-14", None),
    ]
    assert await events(harness, pair_id) == [
        (first, "submitted", "mentor", None, None),
        (first, "returned", "curator", CURATOR, "Уточните, как будет виден результат второй цели"),
        (second, "submitted", "mentor", None, None),
        (second, "approved", "curator", CURATOR, None),
    ]
    return ids | {"version": int(second)}


async def test_the_plan_is_built_returned_approved_followed_and_ends_the_program_in_january(
    harness: Harness,
) -> None:
    ids = await approved_plan(harness)
    services, pair_id, version = harness.app.services, ids["pair"], ids["version"]
    plan = await services.pair_plans.plan_of(pair_id)
    assert plan is not None
    assert plan.goals == ("Подготовить и провести открытый урок", "Освоить работу с родителями")
    assert (plan.planned_end, plan.status, plan.approved_on) == (
        PROGRAM_END,
        "approved",
        date(2026, 9, 30),
    )

    # Progress at a follow-up of a regular meeting: either side marks a goal.
    set_clock(harness, at(date(2026, 10, 13), 17))
    goals = (await press(harness, BORIS, act(pair_id, PlanAction.PROGRESS)))[-1]
    pick = PlanMark(pair_id=pair_id, version_id=version, position=1).pack()
    assert goals.data_of("1. Подготовить") == pick
    await press(harness, BORIS, pick)
    marked = PlanMark(
        pair_id=pair_id, version_id=version, position=1, progress=Progress.IN_PROGRESS
    )
    saved = (await press(harness, BORIS, marked.pack()))[-1]
    assert "in progress" in saved.text, saved.text
    progress = await harness.app.db.fetch_all(
        "SELECT version_id, position, status FROM plan_progress"
    )
    assert [tuple(row) for row in progress] == [(version, 1, "in_progress")]

    # Two weeks before the first goal's deadline (30 November): asked once, both sides.
    set_clock(harness, at(date(2026, 11, 15), 9))
    await run_plan_tick(services)
    await services.outbox.idle()
    assert [s.chat_id for s in harness.session.sent if "deadline of the goal" in s.text] == []
    set_clock(harness, at(date(2026, 11, 16), 9))
    for _ in range(2):
        await run_plan_tick(services)
        await services.outbox.idle()
    asked = [s for s in harness.session.sent if "deadline of the goal" in s.text]
    assert sorted(s.chat_id for s in asked) == [ANNA, BORIS]
    claims = await harness.app.db.fetch_all("SELECT pair_id, what FROM plan_deliveries")
    assert [(r["pair_id"], r["what"][:20]) for r in claims] == [(pair_id, "deadline:2026-11-30:")]
    assert "Подготовить и провести открытый урок" in asked[0].text
    reached = PlanMark(pair_id=pair_id, version_id=version, position=1, progress=Progress.REACHED)
    assert dict(asked[0].buttons)["reached"] == reached.pack()
    await press(harness, ANNA, reached.pack())

    # The day before the program's end nothing; on 14 January the final meeting is asked for.
    set_clock(harness, at(PROGRAM_END - timedelta(days=1), 23))
    await run_plan_tick(services)
    await services.outbox.idle()
    assert not [s for s in harness.session.sent if "come to its end" in s.text]
    set_clock(harness, at(PROGRAM_END, 0) + timedelta(minutes=5))
    for _ in range(2):
        await run_plan_tick(services)
        await run_cycle_tick(services)  # the cycle's closing does not ask again
        await services.outbox.idle()
    ends = [s for s in harness.session.sent if "come to its end" in s.text]
    assert sorted(s.chat_id for s in ends) == [ANNA, BORIS]
    mentor_end = next(s for s in ends if s.chat_id == ANNA)
    assert mentor_end.data_of("Propose the final meeting") == MeetPlan(pair_id=pair_id).pack()
    pair = await services.pairing.pair(ids["org"], pair_id)
    assert pair is not None
    # The meeting the mentor proposes now is the final one (a meeting already held aside).
    kind = await services.meetings.next_kind_of(pair, [MeetingKind.PLANNING])
    assert kind is MeetingKind.FINAL

    # The final meeting is held on 20 January: the pair completes then, the cycle stays open.
    await meeting(harness, pair_id, "final", "held", at(FINAL_DAY, 15))
    set_clock(harness, at(FINAL_DAY, 18))
    await run_cycle_tick(services)
    await services.outbox.idle()
    row = await harness.app.db.fetch_one(
        "SELECT ended_on, completed FROM pairs WHERE id = ?", (pair_id,)
    )
    assert row is not None and (row["ended_on"], row["completed"]) == ("2027-01-20", 1)
    cycle = await harness.app.db.fetch_one(
        "SELECT planned_end, closing_since, closed_at FROM cycles WHERE organization_id = ?",
        (ids["org"],),
    )
    assert cycle is not None and tuple(cycle) == ("2027-05-31", None, None)
    # The final polls came after the completion, as at the cycle's end.
    polls = await harness.app.db.fetch_all(
        "SELECT what FROM cycle_deliveries WHERE what IN ('poll') ORDER BY participant_id"
    )
    assert len(polls) == 2


async def completed_in_january(harness: Harness) -> dict[str, int]:
    ids = await approved_plan(harness)
    services, pair_id = harness.app.services, ids["pair"]
    set_clock(harness, at(PROGRAM_END, 9))
    await run_plan_tick(services)
    await meeting(harness, pair_id, "regular", "held", at(date(2026, 12, 8), 15))
    await meeting(harness, pair_id, "final", "held", at(FINAL_DAY, 15))
    set_clock(harness, at(FINAL_DAY, 18))
    await run_cycle_tick(services)
    await services.outbox.idle()
    await harness.app.db.execute_alone(
        "UPDATE pairs SET results = 'Провёл открытый урок' WHERE id = ?", (pair_id,)
    )
    return ids


def shares(result: Any) -> dict[str, tuple[int, int]]:
    return {share.key: (share.count, share.completed) for share in result.shares}


async def test_the_pair_counts_as_completed_in_january_not_in_december(harness: Harness) -> None:
    ids = await completed_in_january(harness)
    indicators = harness.app.services.indicators
    org = ids["org"]
    january = shares(
        await indicators.for_organization(org, Period.between(date(2027, 1, 1), date(2027, 1, 31)))
    )
    december = shares(
        await indicators.for_organization(
            org, Period.between(date(2026, 12, 1), date(2026, 12, 31))
        )
    )
    year_2027 = shares(await indicators.for_organization(org, Period.calendar_year(2027)))
    year_2026 = shares(await indicators.for_organization(org, Period.calendar_year(2026)))
    # Boris, a young teacher, entered on 14 September 2026 and completed on 20 January 2027.
    assert january["young_teachers"] == (0, 1)
    assert december["young_teachers"] == (0, 0)
    assert year_2027["young_teachers"] == (0, 1)
    assert year_2026["young_teachers"] == (1, 0)
    cycle = shares(await indicators.for_organization(org))
    assert cycle["young_teachers"] == (1, 1)
    # The curator's card of the completed pair shows its plan.
    card = (await press(harness, CURATOR, CyclePairCard(pair_id=ids["pair"]).pack()))[-1]
    assert "Ended: January 20, 2027" in card.text, card.text
    assert (
        "Individual plan</b>: approved" in str(card.text)
        or "Individual plan: approved" in card.text
    )
    assert "Освоить работу с родителями — until January 10, 2027" in card.text


async def workbook(harness: Harness, org: int, period: Period) -> Any:
    made = await harness.app.services.exports.workbook(org, "ru", period)
    return load_workbook(io.BytesIO(made.content))


async def test_registers_and_the_plan_sheet_of_january(harness: Harness) -> None:
    ids = await completed_in_january(harness)
    org = ids["org"]
    book = await workbook(harness, org, Period.between(date(2027, 1, 1), date(2027, 1, 31)))
    mentors, mentees = rows(book, "База наставников"), rows(book, "База наставляемых")
    assert list(mentors[0]) == APPENDIX_2_2 and list(mentees[0]) == APPENDIX_2_3
    ((mentor,),) = ([r for r in mentors[1:]],)
    assert mentor[0] == "Анна Петровна Орлова" and mentor[9] == "Борис Ильич Сомов"
    assert mentor[10] == "Учитель – учитель"
    assert (mentor[12], mentor[13]) == (datetime(2027, 1, 20), "Провёл открытый урок")
    ((mentee,),) = ([r for r in mentees[1:]],)
    assert mentee[1] == "Борис Ильич Сомов" and mentee[6] == "Анна Петровна Орлова"
    assert (mentee[9], mentee[10]) == (datetime(2027, 1, 20), "Провёл открытый урок")
    assert mentee[12] == "программа пройдена", mentee
    assert mentor[14] is None and mentee[11] is None  # no case or review link

    plans = rows(book, "Индивидуальные планы")
    assert plans[0] == (
        "№ пары", "Наставник", "Наставляемый", "Форма наставничества", "№ цели", "Цель", "Срок",
        "Как будет виден результат", "Мероприятия", "Ход выполнения", "Статус плана",
        "Дата утверждения плана", "Окончание программы",
    )  # fmt: skip
    assert [r[4:8] + r[9:] for r in plans[1:]] == [
        (1, "Подготовить и провести открытый урок", datetime(2026, 11, 30),
         "Урок проведён, есть отзыв методиста", "не начата", "утверждён",
         datetime(2026, 9, 30), datetime(2027, 1, 14)),
        (2, "Освоить работу с родителями", datetime(2027, 1, 10),
         "Проведено родительское собрание", "не начата", "утверждён",
         datetime(2026, 9, 30), datetime(2027, 1, 14)),
    ]  # fmt: skip
    assert plans[1][8] == "Посетить 2 урока наставника\nРазработать план урока"

    # The registers list who took part in a period with the end date as it is; whether the
    # pair completed in December or January is the indicators' question (the test above).


def alert(harness: Harness) -> str:
    return harness.session.callback_answers()[-1].text or ""


async def test_bad_input_is_answered_and_changes_nothing(harness: Harness) -> None:
    ids = await teacher_pair(harness)
    pair_id = ids["pair"]
    set_clock(harness, at(date(2026, 9, 30)))
    # Someone else, the mentee and an old button cannot build the plan.
    for user in (STRANGER, BORIS):
        await press(harness, user, act(pair_id, PlanAction.START))
        assert "Only the mentor" in alert(harness), alert(harness)
    await press(harness, ANNA, act(pair_id, PlanAction.MONTHS, 4))
    assert "outdated" in alert(harness), alert(harness)

    await press(harness, ANNA, act(pair_id, PlanAction.START))
    assert "Please type a date like" in (await say(harness, ANNA, "после каникул"))[-1].text
    too_soon = (await say(harness, ANNA, "01.11.2026"))[-1].text
    assert "between December 14, 2026 and September 14, 2027" in too_soon, too_soon
    assert "passed" in (await say(harness, ANNA, "01.09.2026"))[-1].text
    assert "Goal 1" in (await say(harness, ANNA, "14.01.2027"))[-1].text

    assert "within 200 characters" in (await say(harness, ANNA, "ц" * 201))[-1].text
    await say(harness, ANNA, "Подготовить открытый урок")
    after_end = (await say(harness, ANNA, "01.02.2027"))[-1].text
    assert "after the end of the program" in after_end, after_end
    assert "in the future" in (await say(harness, ANNA, "29.09.2026"))[-1].text
    assert "How will you see" in (await say(harness, ANNA, "30.11.2026"))[-1].text
    await say(harness, ANNA, "Урок проведён")
    six = "\n".join(f"Мероприятие {n}" for n in range(1, 7))
    assert "one to five activities" in (await say(harness, ANNA, six))[-1].text
    draft = (await say(harness, ANNA, "Посетить урок"))[-1]
    assert "Draft of the plan" in draft.text and "Урок проведён" in draft.text
    assert "use the buttons" in (await say(harness, ANNA, "ещё что-то"))[-1].text
    assert await versions(harness, pair_id) == []

    await press(harness, ANNA, act(pair_id, PlanAction.SUBMIT))
    await harness.app.services.outbox.idle()
    ((version, *_),) = await versions(harness, pair_id)
    await press(harness, ANNA, act(pair_id, PlanAction.SUBMIT))  # a double tap
    assert "outdated" in alert(harness) and len(await versions(harness, pair_id)) == 1

    # The curator of another school, then a double tap on the approval.
    approve = PlanReview(version_id=version, action=ReviewAction.APPROVE).pack()
    give_back = PlanReview(version_id=version, action=ReviewAction.RETURN).pack()
    for data in (approve, give_back):
        await harness.press(OTHER_CURATOR, data, language_code=EN)
        assert "already been decided" in alert(harness), alert(harness)
    assert (await versions(harness, pair_id))[0][1] == "submitted"
    await press(harness, CURATOR, give_back)
    assert "what should the pair change" in last(harness, CURATOR).text.lower()
    too_long = (await say(harness, CURATOR, "к" * 1001))[-1].text
    assert "within 1000 characters" in too_long, too_long
    assert (await versions(harness, pair_id))[0][1] == "submitted"
    await harness.app.db.execute_alone("DELETE FROM fsm_records")  # the curator goes elsewhere
    await press(harness, CURATOR, approve)
    await press(harness, CURATOR, approve)
    assert "already been decided" in alert(harness)
    assert [e[1] for e in await events(harness, pair_id)] == ["submitted", "approved"]

    # Progress: a stranger, an unknown goal, a version no longer in force.
    mark = PlanMark(pair_id=pair_id, version_id=version, position=1, progress=Progress.REACHED)
    await press(harness, STRANGER, mark.pack())
    assert "no longer active" in alert(harness), alert(harness)
    await press(harness, ANNA, PlanMark(pair_id=pair_id, version_id=version, position=2,
                                        progress=Progress.REACHED).pack())  # fmt: skip
    await press(harness, ANNA, PlanMark(pair_id=pair_id, version_id=version + 1, position=1,
                                        progress=Progress.REACHED).pack())  # fmt: skip
    assert "already changed" in alert(harness)
    assert await harness.app.db.fetch_value("SELECT count(*) FROM plan_progress") == 0


async def test_a_change_waits_for_the_curator_while_the_approved_plan_stays_in_force(
    harness: Harness,
) -> None:
    ids = await approved_plan(harness)
    pair_id, approved = ids["pair"], ids["version"]
    services = harness.app.services
    marked = PlanMark(pair_id=pair_id, version_id=approved, position=2, progress=Progress.REACHED)
    await press(harness, BORIS, marked.pack())
    # The pair sees its plan and history in /meetings; the mentor may change it.
    summary = [
        s for s in await say(harness, BORIS, "/meetings") if "Individual plan" in str(s.buttons)
    ]
    assert len(summary) == 1 and "Освоить работу с родителями" in summary[0].text
    shown = (await press(harness, ANNA, act(pair_id, PlanAction.SHOW)))[-1]
    assert "History of the plan" in shown.text and "returned by the curator" in shown.text
    assert shown.data_of("Change the plan") == act(pair_id, PlanAction.START)
    assert not (await press(harness, BORIS, act(pair_id, PlanAction.SHOW)))[-1].buttons
    # A third goal is added and submitted: the approved version stays in force meanwhile.
    await press(harness, ANNA, act(pair_id, PlanAction.START))
    await press(harness, ANNA, act(pair_id, PlanAction.ADD_GOAL))
    await build_goal(harness, "Пройти курсы повышения квалификации", "20.12.2026",
                     "Удостоверение о курсах", "Записаться на курсы")  # fmt: skip
    # A goal typed by mistake is taken back before the submission.
    await press(harness, ANNA, act(pair_id, PlanAction.ADD_GOAL))
    await build_goal(harness, "Ошибочная цель", "20.12.2026", "Никак", "Ничего")
    shorter = (await press(harness, ANNA, act(pair_id, PlanAction.DROP_LAST)))[-1]
    assert "Ошибочная цель" not in shorter.text and "Пройти курсы" in shorter.text
    await press(harness, ANNA, act(pair_id, PlanAction.SUBMIT))
    await services.outbox.idle()
    assert "asks to change its approved plan" in last(harness, CURATOR).text
    plan = await services.plans.of_pair(pair_id)
    assert plan.in_force is not None and plan.in_force.id == approved
    assert plan.pending is not None and len(plan.pending.goals) == 3
    row = await services.pair_plans.plan_of(pair_id)
    assert row is not None and len(row.goals) == 2 and row.status == "approved"

    # The curator's pair card shows the plan in force and the change waiting.
    screen = (await press(harness, CURATOR, BoardPairCard(pair_id=pair_id).pack()))[-1]
    assert "Individual plan" in screen.text, screen.text
    assert "The changed plan: submitted to the curator" in screen.text, screen.text
    assert "Освоить работу с родителями — until January 10, 2027 (reached)" in screen.text

    review = next(
        s for s in reversed(chat(harness, CURATOR)) if "Approve the plan" in str(s.buttons)
    )
    await press(harness, CURATOR, review.data_of("Approve"))
    plan = await services.plans.of_pair(pair_id)
    assert plan.pending is None and plan.in_force is not None and len(plan.in_force.goals) == 3
    # Progress follows the goals whose text did not change.
    assert plan.in_force.progress == ("not_started", "reached", "not_started")
    assert [v[1] for v in await versions(harness, pair_id)] == ["replaced", "replaced", "approved"]


async def test_a_pupils_program_ends_by_the_cycles_end(harness: Harness) -> None:
    """Other forms than the teachers' have no three-month minimum: the program ends by the
    cycle's planned end, and that is its default."""
    ids = await teacher_pair(harness)
    await harness.app.db.execute_alone(
        "UPDATE pairs SET form = 'student_pupil' WHERE id = ?", (ids["pair"],)
    )
    pair_id = ids["pair"]
    set_clock(harness, at(date(2026, 9, 30)))
    prompt = (await press(harness, ANNA, act(pair_id, PlanAction.START)))[-1]
    assert "between October 1, 2026 and May 31, 2027" in prompt.text, prompt.text
    assert [text for text, _ in prompt.buttons] == ["Until the end of the cycle (May 31, 2027)"]
    late = (await say(harness, ANNA, "01.06.2027"))[-1].text
    assert "between October 1, 2026 and May 31, 2027" in late, late
    assert "Goal 1" in (await say(harness, ANNA, "15.10.2026"))[-1].text


async def test_a_short_term_teachers_form_plans_its_goal_within_the_cycle(
    harness: Harness,
) -> None:
    """The 3-to-12-month programme is a teacher's personalized programme of the full cycle; a
    short-term form's plan is its goal and ends by the cycle's end like the others."""
    ids = await teacher_pair(harness)
    services = harness.app.services
    pair = await services.pairing.pair(ids["org"], ids["pair"])
    assert pair is not None
    full = await services.plans.bounds(pair)
    assert full.teacher and full.earliest == date(2026, 12, 14)
    await OrganizationRepository(harness.app.db).set_form_profile(
        ids["org"], "teacher_teacher", mentor_kind=None, mentee_kind=None, pace=FormPace.SHORT
    )
    short = await services.plans.bounds(pair)
    assert not short.teacher
    assert short.earliest == date(2026, 9, 15) and short.latest == date(2027, 5, 31)
