"""Stage 7: closing a cycle, the final meeting and polls, results, ranking, the next cycle."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.clock import to_db
from bot.wiring import build_services
from handlers.cycle_views import (
    CycleAct,
    MentorResults,
    PairCard,
    PairGood,
    PairResultsEdit,
)
from handlers.form_hooks import default_hooks
from handlers.matching_views import ProposalAct
from handlers.meeting_texts import MeetPlan
from jobs.cycles import run_cycle_tick
from tests.inprocess import Harness
from tests.joining import CURATOR
from tests.test_meetings import approved_pair
from tests.test_pairing import OTHER_CURATOR, cohort

OLGA, PAVEL, MASHA, PETYA = 101, 102, 201, 202


def set_clock(harness: Harness, moment: datetime) -> None:
    harness.clock.advance(moment - harness.clock.now())


async def tick(harness: Harness) -> None:
    await run_cycle_tick(harness.app.services)
    await harness.app.services.outbox.idle()


async def cycle_row(harness: Harness) -> Any:
    return await harness.app.db.fetch_one("SELECT * FROM cycles ORDER BY id DESC LIMIT 1")


async def meeting(harness: Harness, pair_id: int, kind: str, status: str, at: datetime) -> int:
    proposer = await harness.app.db.fetch_value(
        "SELECT mentor_id FROM pairs WHERE id = ?", (pair_id,)
    )
    async with harness.app.db.transaction() as tx:
        return await tx.execute(
            "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (?, ?, ?, ?, 'online', 'link', ?, ?)",
            (pair_id, kind, status, to_db(at), proposer, to_db(at)),
        )


async def respond(
    harness: Harness, form: str, participant_id: int, subject: str, answers: dict[str, Any],
    meeting_id: int | None = None,
) -> None:  # fmt: skip
    """A completed response, as the forms runner leaves it."""
    now = to_db(harness.clock.now())
    async with harness.app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO responses (form, participant_id, subject, meeting_id, answers, "
            "started_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (form, participant_id, subject) DO UPDATE SET "
            "answers = excluded.answers, completed_at = excluded.completed_at, position = NULL",
            (form, participant_id, subject, meeting_id, json.dumps(answers), now, now, now),
        )


def chat(harness: Harness, user: int) -> list[Any]:
    return [s for s in harness.session.sent if s.chat_id == user]


async def test_closing_asks_for_confirmation_with_counts_and_asks_pairs_for_final_meeting(
    harness: Harness,
) -> None:
    ids, pair_id = await approved_pair(harness)
    view = (await harness.send(CURATOR, "/cycle", language_code="en"))[-1]
    assert "Cycle No. 1" in view.text and "pairs: 1 (working: 1" in view.text
    ask = (await harness.send(CURATOR, "/closecycle", language_code="en"))[-1]
    assert "1 working pair and 2 people" in ask.text
    # Nothing changes before the curator confirms.
    assert (await cycle_row(harness))["closing_since"] is None
    assert not await harness.app.services.cycles.final_due(pair_id)

    before = len(chat(harness, OLGA))
    await harness.press(CURATOR, ask.data_of("Yes"), language_code="en")
    assert (await cycle_row(harness))["closing_since"] is not None
    assert await harness.app.services.cycles.final_due(pair_id)
    asked = chat(harness, OLGA)[before:]
    assert len(asked) == 1
    assert MeetPlan(pair_id=pair_id).pack() in [data for _, data in asked[0].buttons]
    assert len([s for s in chat(harness, MASHA) if "Ольга Викторовна" in s.text]) >= 1
    # The pair is asked once, however often the tick runs and whoever presses again.
    await tick(harness)
    await harness.press(CURATOR, CycleAct(action="close_yes").pack(), language_code="en")
    assert len(chat(harness, OLGA)) == before + 1
    assert "already being closed" in (harness.session.callback_answers()[-1].text or "")
    assert ids["olga"] != ids["masha"]


async def test_the_planned_end_in_the_organizations_date_starts_closing(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    services = harness.app.services
    await harness.press(CURATOR, CycleAct(action="end_date").pack(), language_code="en")
    refused = await harness.send(CURATOR, "01.03.2026", language_code="en")
    assert "already passed" in refused[-1].text
    assert (await cycle_row(harness))["planned_end"] is None
    done = await harness.send(CURATOR, "15 апреля 2026", language_code="en")
    assert "April 15, 2026" in done[-1].text
    assert (await cycle_row(harness))["planned_end"] == "2026-04-15"
    assert await harness.state_of(CURATOR) is None

    assert not await services.cycles.final_due(pair_id)  # more than two weeks ahead
    set_clock(harness, datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    assert await services.cycles.final_due(pair_id)  # within two weeks: the final meeting next

    # 23:00 on 14 April in Chita: not yet.
    set_clock(harness, datetime(2026, 4, 14, 14, 0, tzinfo=UTC))
    await tick(harness)
    assert (await cycle_row(harness))["closing_since"] is None
    # Midnight of 15 April in Chita (UTC+9), still 14 April in UTC: closing starts by itself.
    set_clock(harness, datetime(2026, 4, 14, 15, 0, tzinfo=UTC))
    await tick(harness)
    row = await cycle_row(harness)
    assert row["closing_since"] == "2026-04-14T15:00:00+00:00"
    # The bot starts this message itself: in the language the curator's Telegram reported.
    assert any("cycle No. 1" in s.text for s in chat(harness, CURATOR))
    assert any(
        MeetPlan(pair_id=pair_id).pack() in [d for _, d in s.buttons] for s in chat(harness, OLGA)
    )


async def test_final_meeting_held_completes_the_pair_and_polls_go_once(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    services = harness.app.services
    cycle_id = (await services.cycles.current(ids["org"])).id
    await respond(harness, "monitoring_pupil", ids["masha"], f"before:{cycle_id}", {"anxiety": 3})
    await services.cycles.start_closing(ids["org"])
    await tick(harness)

    set_clock(harness, datetime(2026, 3, 20, 7, 0, tzinfo=UTC))
    await meeting(harness, pair_id, "regular", "held", datetime(2026, 3, 16, 6, tzinfo=UTC))
    await tick(harness)
    assert await harness.app.db.fetch_value("SELECT completed FROM pairs") == 0
    # The final meeting at 23:30 on 18 March UTC was on 19 March in Chita.
    await meeting(harness, pair_id, "final", "held", datetime(2026, 3, 18, 23, 30, tzinfo=UTC))
    assert not await services.cycles.final_due(pair_id)
    sent_before = len(harness.session.sent)
    await tick(harness)
    pair = await harness.app.db.fetch_one("SELECT completed, ended_on FROM pairs")
    assert tuple(pair) == (1, "2026-03-19")
    opened = await harness.app.db.fetch_all(
        "SELECT form, participant_id, subject FROM responses WHERE completed_at IS NULL "
        "ORDER BY form"
    )
    assert [tuple(r) for r in opened] == [
        ("final_mentee", ids["masha"], f"cycle:{cycle_id}"),
        ("final_mentor", ids["olga"], f"cycle:{cycle_id}"),
        ("monitoring_pupil", ids["masha"], f"after:{cycle_id}"),
    ]
    # Olga: the final poll and the request for the results; Masha: two forms.
    new = harness.session.sent[sent_before:]
    assert len([s for s in new if s.chat_id == OLGA]) == 2
    assert len([s for s in new if s.chat_id == MASHA]) == 2
    assert MentorResults(pair_id=pair_id).pack() in [
        d for s in new if s.chat_id == OLGA for _, d in s.buttons
    ]

    # Again, and after a "restart" with services built anew on the same database: nothing more.
    await tick(harness)
    fresh = build_services(harness.app.settings, harness.app.db, harness.clock)
    await run_cycle_tick(fresh)
    assert len(harness.session.sent) == sent_before + 4
    assert await harness.app.db.fetch_value("SELECT count(*) FROM responses") == 4


async def test_final_poll_answers_build_the_mentor_base(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    services = harness.app.services
    cycle_id = (await services.cycles.current(ids["org"])).id
    await services.cycles.start_closing(ids["org"])
    await meeting(harness, pair_id, "final", "held", harness.clock.now() - timedelta(hours=3))
    await tick(harness)
    subject = f"cycle:{cycle_id}"
    await respond(harness, "final_mentee", ids["masha"], subject,
                  {"satisfaction": 9, "become_mentor": False})  # fmt: skip
    await respond(harness, "final_mentor", ids["olga"], subject,
                  {"satisfaction": 8, "continue": True})  # fmt: skip
    await tick(harness)
    rows = await harness.app.db.fetch_all(
        "SELECT participant_id, source, cycle_id FROM mentor_base ORDER BY participant_id"
    )
    assert [tuple(r) for r in rows] == [(ids["olga"], "continuing_mentor", cycle_id)]
    # The completion hook adds at once; a wrong form or role adds nothing.
    assert not await services.cycle_closing.record_final(
        ids["masha"], "final_mentor", subject, {"continue": True}
    )
    assert await services.cycle_closing.record_final(
        ids["masha"], "final_mentee", subject, {"become_mentor": True}
    )
    sources = await harness.app.db.fetch_all("SELECT source FROM mentor_base ORDER BY source")
    assert [r[0] for r in sources] == ["continuing_mentor", "former_mentee"]
    # Through the forms runner's completion hook (registered by handlers.cycles).
    async with harness.app.db.transaction() as tx:
        await tx.execute("DELETE FROM mentor_base WHERE participant_id = ?", (ids["masha"],))
    response = await services.responses.get("final_mentee", ids["masha"], subject)
    assert response is not None and response.answers["become_mentor"] is False
    yes = replace(response, answers={**response.answers, "become_mentor": True})
    assert await default_hooks().run(harness.app.bot, services, yes) == 0
    assert (
        await harness.app.db.fetch_value(
            "SELECT source FROM mentor_base WHERE participant_id = ?", (ids["masha"],)
        )
        == "former_mentee"
    )
    base = (await harness.press(CURATOR, CycleAct(action="base").pack(), language_code="en"))[-1]
    assert "Ольга Викторовна" in base.text and "Маша Иванова" in base.text


async def test_results_by_the_mentor_and_the_curator_and_good_practice(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    services = harness.app.services
    # Before completion the mentor's results button is refused.
    await harness.press(OLGA, MentorResults(pair_id=pair_id).pack())
    assert await harness.state_of(OLGA) is None

    await services.cycles.start_closing(ids["org"])
    await meeting(harness, pair_id, "final", "held", harness.clock.now() - timedelta(hours=3))
    await tick(harness)
    # Someone else (the mentee, a stranger) cannot write the pair's results.
    for intruder in (MASHA, 9999):
        await harness.press(intruder, MentorResults(pair_id=pair_id).pack())
        assert await harness.state_of(intruder) is None
    await harness.press(OLGA, MentorResults(pair_id=pair_id).pack())
    await harness.send(OLGA, "ok")  # too short: asked again, nothing saved
    assert await harness.app.db.fetch_value("SELECT results FROM pairs") is None
    await harness.send(OLGA, "Маша заняла 2 место на районной олимпиаде по математике.")
    assert await harness.app.db.fetch_value("SELECT results FROM pairs") == (
        "Маша заняла 2 место на районной олимпиаде по математике."
    )
    assert await harness.state_of(OLGA) is None

    listing = await harness.press(CURATOR, CycleAct(action="pairs").pack(), language_code="en")
    assert "completed" in listing[-1].text
    card = await harness.press(CURATOR, PairCard(pair_id=pair_id).pack(), language_code="en")
    assert "олимпиаде" in card[-1].text and "Completed the programme: yes" in card[-1].text
    await harness.press(CURATOR, PairGood(pair_id=pair_id).pack(), language_code="en")
    assert await harness.app.db.fetch_value("SELECT good_practice FROM pairs") == 1

    # A curator of another organization and a pupil change nothing.
    other = await services.organizations.create("Лицей № 1", "Europe/Moscow")
    await services.organizations.add_curator(other.id, OTHER_CURATOR)
    await harness.press(OTHER_CURATOR, PairGood(pair_id=pair_id).pack())
    await harness.press(OTHER_CURATOR, PairResultsEdit(pair_id=pair_id).pack())
    assert await harness.state_of(OTHER_CURATOR) is None
    await harness.press(MASHA, PairGood(pair_id=pair_id).pack())
    assert "куратор" in (harness.session.callback_answers()[-1].text or "")
    assert await harness.app.db.fetch_value("SELECT good_practice FROM pairs") == 1

    await harness.press(CURATOR, PairResultsEdit(pair_id=pair_id).pack(), language_code="en")
    await harness.send(CURATOR, "Олимпиада: призёр района; план на следующий год готов.",
                       language_code="en")  # fmt: skip
    assert "призёр" in await harness.app.db.fetch_value("SELECT results FROM pairs")
    await harness.press(CURATOR, PairGood(pair_id=pair_id).pack(), language_code="en")
    assert await harness.app.db.fetch_value("SELECT good_practice FROM pairs") == 0


async def two_pairs(harness: Harness) -> tuple[dict[str, int], dict[str, int]]:
    ids = await cohort(harness)
    services = harness.app.services
    await services.pairing.run(ids["org"], CURATOR)
    for row in await harness.app.db.fetch_all("SELECT id FROM proposals WHERE status = 'open'"):
        await harness.press(CURATOR, ProposalAct(proposal_id=row["id"], action="approve").pack())
    rows = await harness.app.db.fetch_all("SELECT id, mentor_id FROM pairs")
    by_mentor = {r["mentor_id"]: r["id"] for r in rows}
    pairs = {"olga": by_mentor[ids["olga"]], "pavel": by_mentor[ids["pavel"]]}
    return ids, pairs


async def test_mentor_ranking_orders_by_feedback_and_shows_the_numbers(harness: Harness) -> None:
    ids, pairs = await two_pairs(harness)
    services = harness.app.services
    mentees = {"olga": ids["masha"], "pavel": ids["petya"]}
    past = harness.clock.now() - timedelta(days=1)
    for mentor, scores in (("olga", [3, 4]), ("pavel", [5, 5])):
        for score in scores:
            held = await meeting(harness, pairs[mentor], "regular", "held", past)
            await respond(harness, "meeting_feedback", mentees[mentor], f"meeting:{held}",
                          {"usefulness": score}, meeting_id=held)  # fmt: skip
    # The mentor's own feedback does not count for their ranking.
    await respond(harness, "meeting_feedback", ids["olga"], f"meeting:{held}",
                  {"usefulness": 1}, meeting_id=held)  # fmt: skip
    await meeting(harness, pairs["olga"], "regular", "held", past)  # one more, no feedback

    ranking = await services.pair_results.ranking(ids["org"])
    assert [r.mentor_id for r in ranking] == [ids["pavel"], ids["olga"]]
    assert (ranking[0].usefulness, ranking[0].usefulness_answers) == (5.0, 2)
    assert (ranking[1].usefulness, ranking[1].meetings_held) == (3.5, 3)

    shown = (await harness.send(CURATOR, "/ranking", language_code="en"))[-1].text
    assert shown.index("Павел Андреевич") < shown.index("Ольга Викторовна")
    assert "5.0/5 (2 answers)" in shown and "meetings held 3" in shown
    assert "3.5/5 (2 answers)" in shown and "—/10 (0 answers)" in shown
    # (Her answer is about a meeting of Pavel's pair, so it is nobody's own answer either.)
    assert [(r.own_usefulness, r.own_usefulness_answers) for r in ranking] == [(None, 0)] * 2
    assert "by the mentor —/5 (0 answers)" in shown
    # Averages in the reader's locale: a decimal comma in Russian.
    russian = (await harness.send(CURATOR, "/ranking"))[-1].text
    assert "3,5/5" in russian and "5,0/5" in russian and "3.5" not in russian

    # A pupil and another organization's curator do not see it.
    refused = await harness.send(MASHA, "/ranking")
    assert "Павел" not in refused[-1].text and "куратор" in refused[-1].text
    other = await services.organizations.create("Лицей № 1", "Europe/Moscow")
    await services.organizations.add_curator(other.id, OTHER_CURATOR)
    elsewhere = (await harness.send(OTHER_CURATOR, "/ranking", language_code="en"))[-1].text
    assert "Павел" not in elsewhere and "No mentor" in elsewhere


async def test_finish_now_and_the_next_cycle_carries_the_mentor_base(harness: Harness) -> None:
    ids, pairs = await two_pairs(harness)
    services = harness.app.services
    old = await services.cycles.current(ids["org"])
    refused = await harness.send(CURATOR, "/newcycle", language_code="en")
    assert "First close the cycle" in refused[-1].text
    await services.cycles.start_closing(ids["org"])
    refused = await harness.send(CURATOR, "/newcycle", language_code="en")
    assert "have not held their final meeting" in refused[-1].text

    # Olga's pair met, Pavel's never did.
    await meeting(harness, pairs["olga"], "regular", "held", harness.clock.now() - timedelta(1))
    ask = await harness.press(CURATOR, CycleAct(action="finish").pack(), language_code="en")
    assert "The 2 pairs still working" in ask[-1].text
    await harness.press(CURATOR, CycleAct(action="finish_yes").pack(), language_code="en")
    rows = await harness.app.db.fetch_all("SELECT mentor_id, completed, ended_on FROM pairs")
    assert {r["mentor_id"]: (r["completed"], r["ended_on"]) for r in rows} == {
        ids["olga"]: (1, "2026-03-12"),
        ids["pavel"]: (0, "2026-03-12"),
    }
    subject = f"cycle:{old.id}"
    polls = await harness.app.db.fetch_all("SELECT participant_id FROM responses ORDER BY 1")
    assert [r[0] for r in polls] == sorted([ids["olga"], ids["masha"]])
    await respond(harness, "final_mentor", ids["olga"], subject, {"continue": True})
    await respond(harness, "final_mentee", ids["masha"], subject, {"become_mentor": True})
    await tick(harness)

    ask = (await harness.send(CURATOR, "/newcycle", language_code="en"))[-1]
    assert "Start cycle No. 2" in ask.text and "continue: 1" in ask.text
    # A pupil cannot start it.
    await harness.press(MASHA, CycleAct(action="new_yes").pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM cycles") == 1
    await harness.press(CURATOR, ask.data_of("Yes"), language_code="en")
    cycles = await harness.app.db.fetch_all("SELECT number, closed_at FROM cycles ORDER BY id")
    assert [(r["number"], r["closed_at"] is not None) for r in cycles] == [(1, True), (2, False)]
    new = await services.cycles.current(ids["org"])
    assert new.number == 2 and new.started_on == date(2026, 3, 12)
    in_cycle = await harness.app.db.fetch_all(
        "SELECT id FROM participants WHERE cycle_id = ? ORDER BY id", (new.id,)
    )
    # Olga continues; Vika never had a pair and keeps waiting; the others stay in cycle 1.
    assert [r[0] for r in in_cycle] == sorted([ids["olga"], ids["vika"]])
    admitted = await harness.app.db.fetch_value(
        "SELECT decision FROM mentor_admissions WHERE participant_id = ?", (ids["olga"],)
    )
    assert admitted == "admitted"
    candidates = {
        row.participant.id for row, _ in await services.participants.candidates(ids["org"])
    }
    assert candidates == {ids["olga"], ids["vika"]}

    # Masha is invited as a mentor with a personal single-use link.
    link = await harness.app.db.fetch_one(
        "SELECT token, role, max_uses FROM invitations ORDER BY id DESC LIMIT 1"
    )
    assert (link["role"], link["max_uses"]) == ("mentor", 1)
    assert any(f"start={link['token']}" in s.text for s in chat(harness, MASHA))
    # A new participant joins the new cycle; a second tap starts nothing more.
    await harness.press(CURATOR, CycleAct(action="new_yes").pack(), language_code="en")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM cycles") == 2
    assert await harness.app.db.fetch_value("SELECT count(*) FROM invitations") == 1
    joined = await services.participants.join(
        organization_id=ids["org"], telegram_id=301, role="mentee", birth_date=None,
        invitation_id=None,
    )  # fmt: skip
    assert joined is not None and joined.cycle_id == new.id


async def test_a_new_organization_starts_in_cycle_one_and_pairs_get_the_open_cycle(
    harness: Harness,
) -> None:
    ids, pair_id = await approved_pair(harness)
    cycle = await harness.app.services.cycles.current(ids["org"])
    assert (cycle.number, cycle.started_on) == (1, date(2026, 3, 12))
    assert (
        await harness.app.db.fetch_value("SELECT cycle_id FROM pairs WHERE id = ?", (pair_id,))
        == cycle.id
    )
    assert (
        await harness.app.db.fetch_value(
            "SELECT count(*) FROM participants WHERE cycle_id = ?", (cycle.id,)
        )
        == 5
    )
    # Another organization's curator closes only their own cycle.
    other = await harness.app.services.organizations.create("Лицей № 1", "Europe/Moscow")
    await harness.app.services.organizations.add_curator(other.id, OTHER_CURATOR)
    ask = (await harness.send(OTHER_CURATOR, "/closecycle", language_code="en"))[-1]
    assert "0 working pairs" in ask.text
    await harness.press(OTHER_CURATOR, ask.data_of("Yes"), language_code="en")
    assert (await harness.app.services.cycles.current(ids["org"])).closing_since is None
    assert (await harness.app.services.cycles.current(other.id)).closing_since is not None
    # A pupil is refused the command and the buttons.
    refused = await harness.send(MASHA, "/closecycle")
    assert "куратор" in refused[-1].text
    for action in ("close_yes", "finish_yes", "new_yes", "ranking"):
        assert await harness.press(MASHA, CycleAct(action=action).pack()) == []
        assert "куратор" in (harness.session.callback_answers()[-1].text or "")
    assert (await harness.app.services.cycles.current(ids["org"])).closing_since is None


async def test_people_carried_into_the_next_cycle_answer_the_monitoring_again(
    harness: Harness,
) -> None:
    ids, pairs = await two_pairs(harness)
    services, db = harness.app.services, harness.app.db
    old = await services.cycles.current(ids["org"])
    await services.cycles.start_closing(ids["org"])
    await meeting(harness, pairs["olga"], "regular", "held", harness.clock.now() - timedelta(1))
    await services.cycles.finish_now(ids["org"])
    await tick(harness)
    await respond(harness, "final_mentor", ids["olga"], f"cycle:{old.id}", {"continue": True})
    await tick(harness)

    olga_before, vika_before = len(chat(harness, OLGA)), len(chat(harness, 203))
    await harness.press(CURATOR, CycleAct(action="new_yes").pack(), language_code="en")
    new = await services.cycles.current(ids["org"])
    assert new.id != old.id
    # Olga continues as a mentor and Vika still waits for a pair: both are carried over and
    # asked the monitoring "before" of the new cycle, once.
    asked = await db.fetch_all(
        "SELECT participant_id, id, form FROM responses WHERE subject = ? ORDER BY 1",
        (f"before:{new.id}",),
    )
    assert [r["participant_id"] for r in asked] == sorted([ids["olga"], ids["vika"]])
    assert all(r["form"].startswith("monitoring_") for r in asked)
    for user, seen, row in zip((OLGA, 203), (olga_before, vika_before), asked, strict=True):
        new_messages = chat(harness, user)[seen:]
        assert len(new_messages) == 1
        assert any(data.startswith(f"rs1:{row['id']}:") for _, data in new_messages[0].buttons)
    claims = await db.fetch_all(
        "SELECT participant_id FROM cycle_deliveries WHERE cycle_id = ? AND what = 'before' "
        "ORDER BY 1",
        (new.id,),
    )
    assert [r[0] for r in claims] == sorted([ids["olga"], ids["vika"]])
    # A second tap, the tick and a "restart" send nothing more.
    await harness.press(CURATOR, CycleAct(action="new_yes").pack(), language_code="en")
    await tick(harness)
    fresh = build_services(harness.app.settings, harness.app.db, harness.clock)
    await run_cycle_tick(fresh)
    assert len(chat(harness, OLGA)) == olga_before + 1
    assert len(chat(harness, 203)) == vika_before + 1
    # Those left in the old cycle are not asked.
    assert (
        await db.fetch_value(
            "SELECT count(*) FROM responses WHERE subject = ?", (f"before:{new.id}",)
        )
        == 2
    )

    # Olga answers; in the new cycle she mentors Vika, and their pair completes.
    olga_form = next(r["form"] for r in asked if r["participant_id"] == ids["olga"])
    await respond(harness, olga_form, ids["olga"], f"before:{new.id}", {"anxiety": 2})
    outcome = await services.pairing.assign_directly(
        ids["org"], ids["vika"], ids["olga"], force=True
    )
    assert outcome.pair is not None and outcome.pair.cycle_id == new.id
    await services.cycles.start_closing(ids["org"])
    await tick(harness)
    await meeting(
        harness, outcome.pair.id, "final", "held", harness.clock.now() - timedelta(hours=1)
    )
    await tick(harness)
    after = await db.fetch_all(
        "SELECT participant_id, form FROM responses WHERE subject = ? ORDER BY 1",
        (f"after:{new.id}",),
    )
    # Olga answered the "before" of this cycle, Vika did not.
    assert [tuple(r) for r in after] == [(ids["olga"], olga_form)]


async def test_the_final_meeting_notice_speaks_to_pupils_and_adults_each_their_way(
    harness: Harness,
) -> None:
    ids, _ = await two_pairs(harness)
    services = harness.app.services
    async with harness.app.db.transaction() as tx:
        # Petya is a young teacher here: an adult mentee.
        await tx.execute(
            "UPDATE participants SET age_group = 'adult', birth_date = NULL WHERE id = ?",
            (ids["petya"],),
        )
    for user in (MASHA, PETYA):
        assert await services.languages.choose(user, "en")
    await services.cycles.start_closing(ids["org"])
    await tick(harness)
    [to_masha] = [s for s in chat(harness, MASHA) if "final meeting" in s.text]
    [to_petya] = [s for s in chat(harness, PETYA) if "final meeting" in s.text]
    assert "will suggest the time of your final meeting" in to_masha.text
    assert "will propose a time for your final meeting" in to_petya.text
    assert "Павел Андреевич" in to_petya.text
