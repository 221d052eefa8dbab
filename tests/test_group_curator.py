"""The curator's side of groups through the real dispatcher: /groups, forming a group of one
mentor's pairs, the pair card showing the group, a member leaving and being moved; a curator of
another school and a participant pressing the curator's buttons change nothing."""

from __future__ import annotations

from datetime import date, time

from bot.groups import GroupMeetingView
from handlers.group_views import GroupForm, GroupLeave, GroupMove, GroupPick, GroupShow
from handlers.meeting_board_views import PairCard
from handlers.meeting_texts import MeetPlan
from tests.cohort import choice, mentee_answers, seed_ready
from tests.groups_seed import (
    ANNA,
    BORIS,
    CURATOR,
    GLEB,
    IRINA,
    OLGA,
    OTHER_CURATOR,
    STUDENTS,
    VERA,
    GroupSeed,
    seed_group_school,
)
from tests.inprocess import Harness

DANA = 205


async def group_of(harness: Harness, pair_id: int) -> tuple[object, object]:
    row = await harness.app.db.fetch_one(
        "SELECT group_id, ended_on FROM pairs WHERE id = ?", (pair_id,)
    )
    assert row is not None
    return row["group_id"], row["ended_on"]


async def toast(harness: Harness) -> str:
    return harness.session.callback_answers()[-1].text or ""


async def formed(harness: Harness) -> GroupSeed:
    """The curator forms Irina's group of three through /groups."""
    services, db = harness.app.services, harness.app.db
    seed = await seed_group_school(services, db, harness.clock.now(), form_group=False)
    listing = (await harness.send(CURATOR, "/groups", language_code="en"))[-1]
    assert "No groups yet." in listing.text, listing.text
    # Irina has three pairs of the form; Olga only one: no group can be formed of hers.
    assert [t for t, _ in listing.buttons] == ["Form a group: Ирина Павловна Соколова (3)"]
    picking = (await harness.press(CURATOR, listing.buttons[0][1], language_code="en"))[-1]
    for name in ("Анна Смирнова", "Борис Орлов", "Вера Козлова", "Анна Смирнова"):
        picking = (await harness.press(CURATOR, picking.data_of(name), language_code="en"))[-1]
    # Anna was ticked twice (unticked): forming a group of Boris and Vera only would be
    # allowed, so she is ticked again.
    assert "☐ Анна Смирнова" in [t for t, _ in picking.buttons]
    picking = (await harness.press(CURATOR, picking.data_of("Анна"), language_code="en"))[-1]
    done = await harness.press(CURATOR, picking.data_of("Form the group"), language_code="en")
    assert any("The group is formed" in s.text for s in done), [s.text for s in done]
    groups = {(await group_of(harness, seed.pairs[c]))[0] for c in STUDENTS}
    assert len(groups) == 1 and None not in groups
    assert (await group_of(harness, seed.pairs[GLEB]))[0] is None
    return seed


async def test_the_curator_forms_a_group_and_its_card_shows_it(harness: Harness) -> None:
    seed = await formed(harness)
    services = harness.app.services
    group = await services.groups.of_pair(seed.pairs[ANNA])
    assert group is not None
    view = await services.groups.schedule(
        seed.pairs[ANNA], IRINA, date(2026, 3, 17), time(15, 0), "online", "link"
    )
    assert isinstance(view, GroupMeetingView)
    card = (
        await harness.press(CURATOR, PairCard(pair_id=seed.pairs[BORIS]).pack(), language_code="en")
    )[-1]
    assert "Group of mentor Ирина Павловна Соколова" in card.text, card.text
    assert "Анна Смирнова, Борис Орлов, Вера Козлова" in card.text
    assert "Next meeting: Group meeting" in card.text and "March 17, 2026" in card.text
    assert GroupShow(group_id=group.id).pack() in [data for _, data in card.buttons]
    # The group's own screen from the card's button.
    shown = (await harness.press(CURATOR, GroupShow(group_id=group.id).pack(), language_code="en"))[
        -1
    ]
    assert "Вера Козлова: leave the group" in [t for t, _ in shown.buttons], shown.buttons
    # A one-to-one pair's card has no group.
    alone = (
        await harness.press(CURATOR, PairCard(pair_id=seed.pairs[GLEB]).pack(), language_code="en")
    )[-1]
    assert "Group of mentor" not in alone.text and "Глеб Новиков" in alone.text


async def test_strangers_cannot_see_or_change_the_group(harness: Harness) -> None:
    seed = await formed(harness)
    group = await harness.app.services.groups.of_pair(seed.pairs[VERA])
    assert group is not None
    for data in (
        GroupShow(group_id=group.id).pack(),
        GroupLeave(pair_id=seed.pairs[VERA]).pack(),
    ):
        sent = await harness.press(OTHER_CURATOR, data, language_code="en")
        assert not any("Ирина" in s.text for s in sent)
        assert "not yours" in await toast(harness)
        await harness.press(ANNA, data, language_code="en")  # a participant
        assert "Only the curator" in await toast(harness)
    assert await group_of(harness, seed.pairs[VERA]) == (group.id, None)


async def test_a_member_leaves_and_goes_on_one_to_one(harness: Harness) -> None:
    seed = await formed(harness)
    group = await harness.app.services.groups.of_pair(seed.pairs[VERA])
    assert group is not None
    leave = GroupLeave(pair_id=seed.pairs[VERA]).pack()
    sent = await harness.press(CURATOR, leave, language_code="en")
    assert any("left the group" in s.text for s in sent), [s.text for s in sent]
    assert await group_of(harness, seed.pairs[VERA]) == (None, None)  # the pair goes on
    assert await group_of(harness, seed.pairs[ANNA]) == (group.id, None)
    # A double tap: nothing more changes.
    await harness.press(CURATOR, leave, language_code="en")
    assert "not yours" in await toast(harness)
    # Boris leaves too: a group of one is no group; Anna goes on one-to-one as well.
    await harness.press(CURATOR, GroupLeave(pair_id=seed.pairs[BORIS]).pack(), language_code="en")
    assert await group_of(harness, seed.pairs[ANNA]) == (None, None)
    assert await harness.app.services.groups.get(group.id) is not None
    assert (await harness.app.services.groups.listing(seed.organization_id)) == []


async def test_a_member_is_moved_to_another_mentors_group(harness: Harness) -> None:
    seed = await formed(harness)
    services, db = harness.app.services, harness.app.db
    dana = await seed_ready(
        services, db, harness.clock.now(), seed.organization_id, DANA, "mentee",
        mentee_answers("Дана Ли", birth="2006-05-01", form=choice("employer_student")),
    )  # fmt: skip
    outcome = await services.pairing.assign_directly(
        seed.organization_id, dana, seed.olga, force=True
    )
    assert outcome.pair is not None
    olgas = await services.groups.form(seed.organization_id, [seed.pairs[GLEB], outcome.pair.id])
    assert not isinstance(olgas, str), olgas
    irinas = await services.groups.of_pair(seed.pairs[BORIS])
    assert irinas is not None
    ahead = await services.groups.schedule(
        seed.pairs[GLEB], OLGA, date(2026, 3, 18), time(15, 0), "in_person", "Ауд. 5"
    )
    assert isinstance(ahead, GroupMeetingView), ahead
    move = GroupMove(pair_id=seed.pairs[BORIS], group_id=olgas.id).pack()
    # The other school's curator cannot.
    await harness.press(OTHER_CURATOR, move, language_code="en")
    assert "not yours" in await toast(harness)
    assert await group_of(harness, seed.pairs[BORIS]) == (irinas.id, None)
    sent = await harness.press(CURATOR, move, language_code="en")
    assert any("moved to the other group" in s.text for s in sent), [s.text for s in sent]
    # Boris's pair with Irina ends (not completed); a pair with Olga starts in her group.
    _, ended = await group_of(harness, seed.pairs[BORIS])
    assert ended is not None
    row = await db.fetch_one(
        "SELECT mentor_id, group_id, directive, completed FROM pairs "
        "WHERE mentee_id = ? AND ended_on IS NULL",
        (seed.students[BORIS],),
    )
    assert row is not None and tuple(row) == (seed.olga, olgas.id, 1, 0)
    # Boris joins the meeting Olga's group has ahead, with his reminders.
    joined = await db.fetch_all(
        "SELECT m.id, m.kind FROM meetings m JOIN pairs p ON p.id = m.pair_id "
        "WHERE p.mentee_id = ? AND p.ended_on IS NULL AND m.group_meeting_id = ?",
        (seed.students[BORIS], ahead.group_meeting.id),
    )
    assert [r["kind"] for r in joined] == ["acquaintance"]
    assert (
        await db.fetch_value(
            "SELECT count(*) FROM reminders WHERE meeting_id = ? AND telegram_id = ?",
            (joined[0]["id"], BORIS),
        )
        == 2
    )
    assert await group_of(harness, seed.pairs[ANNA]) == (irinas.id, None)  # Anna and Vera stay
    # Moved again with the same button: outdated.
    await harness.press(CURATOR, move, language_code="en")
    assert "not yours" in await toast(harness)


async def test_forming_cannot_be_forged_or_done_by_another_school(harness: Harness) -> None:
    services, db = harness.app.services, harness.app.db
    seed = await seed_group_school(services, db, harness.clock.now(), form_group=False)
    forged = GroupPick(mentor_id=seed.irina, pair_id=seed.pairs[GLEB], toggle=False).pack()
    await harness.press(CURATOR, forged, language_code="en")  # Gleb is Olga's mentee
    assert "already in a group" in await toast(harness)
    opening = GroupPick(mentor_id=seed.irina, pair_id=seed.pairs[ANNA], toggle=False).pack()
    await harness.press(OTHER_CURATOR, opening, language_code="en")
    assert "already in a group" in await toast(harness)
    # The other school's curator ticks and forms nothing, whatever the data says.
    for chat in STUDENTS:
        await harness.press(
            OTHER_CURATOR,
            GroupPick(mentor_id=seed.irina, pair_id=seed.pairs[chat]).pack(),
            language_code="en",
        )
    await harness.press(OTHER_CURATOR, GroupForm(mentor_id=seed.irina).pack(), language_code="en")
    assert await db.fetch_value("SELECT count(*) FROM groups") == 0
    # «Form the group» with one pair ticked is explained.
    await harness.press(CURATOR, opening, language_code="en")
    await harness.press(
        CURATOR,
        GroupPick(mentor_id=seed.irina, pair_id=seed.pairs[ANNA]).pack(),
        language_code="en",
    )
    await harness.press(CURATOR, GroupForm(mentor_id=seed.irina).pack(), language_code="en")
    assert "at least two pairs" in await toast(harness)
    assert await db.fetch_value("SELECT count(*) FROM groups") == 0


async def test_a_member_is_told_the_mentor_schedules_the_groups_meetings(harness: Harness) -> None:
    seed = await formed(harness)
    await harness.press(ANNA, MeetPlan(pair_id=seed.pairs[ANNA]).pack(), language_code="en")
    assert "scheduled by the mentor" in await toast(harness)
    sent = await harness.send(ANNA, "/meetings", language_code="en")
    assert any("scheduled by the mentor" in s.text for s in sent), [s.text for s in sent]
    assert not any("Propose a meeting" in t for s in sent for t, _ in s.buttons)
    sent = await harness.send(IRINA, "/meetings", language_code="en")
    schedule = [s for s in sent if "Schedule a group meeting" in [t for t, _ in s.buttons]]
    assert len(schedule) == 1 and "your group (3 members)" in schedule[0].text
    assert not any("Propose a meeting" in t for s in sent for t, _ in s.buttons)


async def test_closing_the_cycle_asks_the_groups_mentor_once(harness: Harness) -> None:
    seed = await formed(harness)
    ask = (await harness.send(CURATOR, "/closecycle", language_code="en"))[-1]
    before = {chat: len(harness.session.answers(chat)) for chat in (IRINA, *STUDENTS)}
    await harness.press(CURATOR, ask.data_of("Yes"), language_code="en")
    asked = harness.session.answers(IRINA)[before[IRINA] :]
    plans = [d for s in asked for _, d in s.buttons if d.startswith("mtg1s")]
    assert len(plans) == 1, [s.text for s in asked]
    for chat in STUDENTS:  # each member is told
        assert len(harness.session.answers(chat)) > before[chat]
    assert await harness.app.services.cycles.final_due(seed.pairs[VERA])
