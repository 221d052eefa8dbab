"""The curator's meeting board reads one page (issue 13): the upcoming meetings and the
unanswered follow-ups are counted and paged in SQL, in the order the whole list had; the
overdue check reads only the pairs silent long enough to be overdue and finds exactly the
pairs the rule (bot.cadence.is_overdue) finds over every active pair."""

from __future__ import annotations

from datetime import timedelta

from bot.cadence import is_overdue
from bot.clock import to_db
from handlers.meeting_board_views import PAGE_SIZE, ViewMenu
from tests.inprocess import Harness
from tests.joining import CURATOR
from tests.test_cycles import meeting
from tests.test_meetings import approved_pair


def meeting_lines(text: str) -> list[str]:
    return [line for line in text.splitlines()[1:] if " · " in line]


async def test_upcoming_meetings_a_page_at_a_time(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    now = harness.clock.now()
    for number in range(19):
        status = "confirmed" if number % 2 else "proposed"
        await meeting(harness, pair_id, "regular", status, now + timedelta(hours=7 * number + 1))
    # Not upcoming: cancelled, held, past, beyond the two weeks.
    await meeting(harness, pair_id, "regular", "cancelled", now + timedelta(days=1))
    await meeting(harness, pair_id, "regular", "held", now + timedelta(days=1))
    await meeting(harness, pair_id, "regular", "confirmed", now - timedelta(hours=1))
    await meeting(harness, pair_id, "regular", "confirmed", now + timedelta(days=15))

    everything = [m.id for m in await harness.app.services.cadence.upcoming(ids["org"])]
    assert len(everything) == 19
    pages = []
    for page in range(3):
        shown, total, shown_page, count = await harness.app.services.cadence.upcoming_page(
            ids["org"], page, PAGE_SIZE
        )
        assert (total, shown_page, count) == (19, page, 3)
        pages += [m.id for m, _ in shown]
    assert pages == everything

    first = (await harness.press(CURATOR, ViewMenu(view="upcoming").pack()))[-1]
    assert "Ближайшие встречи (две недели): 19" in first.text
    assert len(meeting_lines(first.text)) == PAGE_SIZE and "Маша Иванова" in first.text
    last = (await harness.press(CURATOR, ViewMenu(view="upcoming", page=2).pack()))[-1]
    assert len(meeting_lines(last.text)) == 3
    # A page that no longer exists shows the last one.
    past = (await harness.press(CURATOR, ViewMenu(view="upcoming", page=9).pack()))[-1]
    assert past.text == last.text

    # An ended pair's meetings are not the board's.
    async with harness.app.db.transaction() as tx:
        await tx.execute("UPDATE pairs SET ended_on = ? WHERE id = ?", (now.date(), pair_id))
    gone = (await harness.press(CURATOR, ViewMenu(view="upcoming").pack()))[-1]
    assert "Маша" not in gone.text and "не запланировано" in gone.text.lower()


async def test_unanswered_follow_ups_a_page_at_a_time(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    now = harness.clock.now()
    db = harness.app.db
    people = await db.fetch_one(
        "SELECT p.mentor_id, p.mentee_id FROM pairs p WHERE p.id = ?", (pair_id,)
    )
    assert people is not None
    for number in range(12):
        held = await meeting(harness, pair_id, "regular", "confirmed", now - timedelta(days=number))
        async with db.transaction() as tx:
            for participant in people:
                state = "asked" if number % 3 else "reminded"
                await tx.execute(
                    "INSERT INTO followups (meeting_id, participant_id, telegram_id, due_at, "
                    "state) VALUES (?, ?, 0, ?, ?)",
                    (held, participant, to_db(now), state),
                )
    async with db.transaction() as tx:  # answered: not listed
        await tx.execute("UPDATE followups SET state = 'answered' WHERE id IN (1, 2)")
    everything = [f.id for f in await harness.app.services.cadence.unanswered(ids["org"])]
    assert len(everything) == 22
    pages = []
    for page in range(2):
        shown, named, total, shown_page, count = await harness.app.services.cadence.unanswered_page(
            ids["org"], page, PAGE_SIZE * 2
        )
        assert (total, shown_page, count) == (22, page, 2)
        assert named == set(people)
        pages += [f.id for f in shown]
    assert pages == everything
    # A page past the end (the list became shorter since its button was sent) is the last.
    shown, _, total, shown_page, count = await harness.app.services.cadence.unanswered_page(
        ids["org"], 9, PAGE_SIZE * 2
    )
    assert (total, shown_page, count) == (22, 1, 2)
    assert [f.id for f in shown] == everything[PAGE_SIZE * 2 :]

    first = (await harness.press(CURATOR, ViewMenu(view="overdue").pack()))[-1].text
    assert first.count("Ольга Викторовна") == PAGE_SIZE and first.count("Маша Иванова") == 8
    second = (await harness.press(CURATOR, ViewMenu(view="overdue", page=1).pack()))[-1].text
    assert second.count("Ольга Викторовна") + second.count("Маша Иванова") == 6


async def test_the_overdue_check_finds_what_the_rule_finds_over_every_pair(
    harness: Harness,
) -> None:
    ids, pair_id = await approved_pair(harness)
    services = harness.app.services
    repository = services.cadence._repository
    start = harness.clock.now()
    await meeting(harness, pair_id, "regular", "held", start + timedelta(days=3))
    found_overdue = 0
    for hours in range(0, 24 * 40, 5):
        now = start + timedelta(hours=hours)
        harness.clock.advance(now - harness.clock.now())
        calendar = (await repository.calendars([ids["org"]]))[ids["org"]]
        by_rule = [
            c.pair.id for c in await repository.active_cadence([ids["org"]])
            if is_overdue(c, calendar, now)
        ]  # fmt: skip
        shown = [row.people.pair.id for row in await services.cadence.overdue(ids["org"])]
        assert shown == by_rule, now
        found_overdue += bool(shown)
    assert found_overdue  # the pair became overdue on the way


async def test_overdue_pairs_a_page_at_a_time(harness: Harness) -> None:
    """The overdue pairs are counted and paged like the other lists (only a page's people are
    read), in the order of the whole list; the unanswered questions turn with them."""
    ids, pair_id = await approved_pair(harness)
    db = harness.app.db
    pair = await db.fetch_one("SELECT mentor_id, form FROM pairs WHERE id = ?", (pair_id,))
    assert pair is not None
    long_ago = (harness.clock.now() - timedelta(days=60)).date().isoformat()
    async with db.transaction() as tx:
        await tx.execute("UPDATE pairs SET started_on = ? WHERE id = ?", (long_ago, pair_id))
        for number in range(10):  # ten more pairs of the mentor, silent for two months
            mentee = await tx.execute(
                "INSERT INTO participants (organization_id, telegram_id, role, age_group, "
                "joined_at) VALUES (?, ?, 'mentee', 'adult', ?)",
                (ids["org"], 700_000 + number, to_db(harness.clock.now())),
            )
            await tx.execute(
                "INSERT INTO pairs (organization_id, mentor_id, mentee_id, form, started_on, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (ids["org"], pair["mentor_id"], mentee, pair["form"], long_ago,
                 to_db(harness.clock.now())),
            )  # fmt: skip
    services = harness.app.services
    everything = [row.people.pair.id for row in await services.cadence.overdue(ids["org"])]
    assert len(everything) == 11
    pages = []
    for page in range(2):
        shown, total, shown_page, count = await services.cadence.overdue_page(
            ids["org"], page, PAGE_SIZE
        )
        assert (total, shown_page, count) == (11, page, 2)
        pages += [row.people.pair.id for row in shown]
    assert pages == everything

    def overdue_lines(text: str) -> list[str]:
        return [line for line in text.splitlines() if "последняя встреча —" in line]

    first = (await harness.press(CURATOR, ViewMenu(view="overdue").pack()))[-1]
    assert "не учитываются): 11" in first.text and "«Встреча состоялась?»: 0" in first.text
    assert len(overdue_lines(first.text)) == PAGE_SIZE
    assert [text for text, _ in first.buttons] == ["Далее ›", "‹ Встречи"]
    second = (await harness.press(CURATOR, ViewMenu(view="overdue", page=1).pack()))[-1]
    assert len(overdue_lines(second.text)) == 3 and "Ольга Викторовна" in second.text
    assert [text for text, _ in second.buttons] == ["‹ Назад", "‹ Встречи"]
    # A page that no longer exists shows the last one.
    past = (await harness.press(CURATOR, ViewMenu(view="overdue", page=7).pack()))[-1]
    assert past.text == second.text
