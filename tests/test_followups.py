"""After a meeting: "did the meeting take place?", its answers, the next regular meeting, the
goals of the pair, the cadence guard, the digest and the curator's views (in-process, time by
ManualClock; the organization is in Asia/Chita, UTC+9)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import to_db
from bot.models.responses import Response
from handlers.followups import FollowupAnswer, ReasonSkip
from handlers.form_hooks import default_hooks
from handlers.meeting_board_views import Consent, PairCard, Resolve, ViewMenu
from handlers.meeting_settings_views import SettingField, SettingsEdit
from handlers.meeting_texts import MeetAnswer
from handlers.pair_plan_views import EndSkip, GoalsStart, RhythmAct
from handlers.response_views import FormPick
from handlers.workspace_views import Section
from jobs.cadence import run_cadence
from jobs.followups import deliver_followups
from tests.inprocess import Harness, running_harness
from tests.joining import CURATOR
from tests.test_meetings import MASHA, OLGA, approved_pair, propose
from tests.test_pairing import texts

STRANGER = 9999


async def cadence(app: Any) -> None:
    """The cadence job, and the delivery of what it queued."""
    await run_cadence(app.services)
    await app.services.outbox.idle()


def said(text: str, *variants: str) -> bool:
    """English msgid or its Russian translation: the catalogs are merged separately."""
    return any(variant in text for variant in variants)


async def confirmed(harness: Harness, pair_id: int, day: str = "20260317", at: str = "1500") -> int:
    await propose(harness, OLGA, pair_id, day, at, "https://meet.example/abc")
    meeting_id = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    await harness.press(MASHA, MeetAnswer(meeting_id=meeting_id, confirm=True).pack())
    assert await status(harness, meeting_id) == "confirmed"
    return meeting_id


async def status(harness: Harness, meeting_id: int) -> str:
    return str(await harness.app.db.fetch_value("SELECT status FROM meetings WHERE id = ?",
                                                (meeting_id,)))  # fmt: skip


async def held_before(harness: Harness, pair_id: int, *kinds: str, first: datetime) -> None:
    """Opening meetings already held, a week apart, written directly."""
    mentor = await harness.app.db.fetch_value("SELECT mentor_id FROM pairs WHERE id = ?",
                                              (pair_id,))  # fmt: skip
    async with harness.app.db.transaction() as tx:
        for number, kind in enumerate(kinds):
            starts = first + timedelta(weeks=number)
            await tx.execute(
                "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
                "proposed_by, created_at) VALUES (?, ?, 'held', ?, 'online', 'link', ?, ?)",
                (pair_id, kind, to_db(starts), mentor, to_db(starts)),
            )


async def tick(harness: Harness) -> int:
    app = harness.app
    return await deliver_followups(app.services)


def asked(harness: Harness, chat: int, meeting_id: int) -> list[str]:
    """Texts of the follow-up questions this chat got about the meeting."""
    data = FollowupAnswer(meeting_id=meeting_id, answer="held").pack()
    return [s.text for s in harness.session.sent if s.chat_id == chat and data in str(s.buttons)]


# 15:00 in Chita on 17 March is 06:00 UTC; the meeting lasts 60 minutes, the follow-up 30 more.
MEETING_UTC = datetime(2026, 3, 17, 6, 0, tzinfo=UTC)
FOLLOWUP_DUE = MEETING_UTC + timedelta(minutes=90)


def at(harness: Harness, moment: datetime) -> None:
    harness.clock.advance(moment - harness.clock.now())


async def test_yes_marks_held_and_opens_the_feedback_form(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    rows = await harness.app.db.fetch_all(
        "SELECT telegram_id, due_at, state FROM followups WHERE meeting_id = ? ORDER BY 1",
        (meeting_id,),
    )
    assert [tuple(r) for r in rows] == [
        (OLGA, to_db(FOLLOWUP_DUE), "pending"), (MASHA, to_db(FOLLOWUP_DUE), "pending")
    ]  # fmt: skip

    at(harness, FOLLOWUP_DUE - timedelta(minutes=1))
    assert await tick(harness) == 0
    at(harness, FOLLOWUP_DUE)
    assert await tick(harness) == 2
    assert await tick(harness) == 0  # claimed: never asked twice at once
    question = asked(harness, OLGA, meeting_id)
    assert len(question) == 1 and said(question[0], "take place", "состоял")
    assert len(asked(harness, MASHA, meeting_id)) == 1

    # A stranger's press changes nothing.
    await harness.press(STRANGER, FollowupAnswer(meeting_id=meeting_id, answer="held").pack())
    assert await status(harness, meeting_id) == "confirmed"

    await harness.press(OLGA, FollowupAnswer(meeting_id=meeting_id, answer="held").pack())
    assert await status(harness, meeting_id) == "held"
    feedback = await harness.app.db.fetch_one(
        "SELECT participant_id, subject FROM responses WHERE form = 'meeting_feedback'"
    )
    assert tuple(feedback) == (ids["olga"], f"meeting:{meeting_id}")
    # The acquaintance meeting was held: the mentor is asked to propose the trial meeting.
    last = [s for s in harness.session.sent if s.chat_id == OLGA][-1]
    assert "mtg1s" in str(last.buttons)

    # The other side's later "did not happen" is recorded but does not flip the decision.
    await harness.press(MASHA, FollowupAnswer(meeting_id=meeting_id, answer="not_held").pack())
    assert await status(harness, meeting_id) == "held"
    assert await harness.state_of(MASHA) is None  # no "why?" for a meeting that took place
    answers = await harness.app.db.fetch_all(
        "SELECT telegram_id, answer FROM followups WHERE meeting_id = ? ORDER BY 1", (meeting_id,)
    )
    assert [tuple(r) for r in answers] == [(OLGA, "held"), (MASHA, "not_held")]
    # A second press of an answered question decides nothing.
    await harness.press(OLGA, FollowupAnswer(meeting_id=meeting_id, answer="not_held").pack())
    assert said(harness.session.callback_answers()[-1].text or "", "already answered", "уже")
    assert await status(harness, meeting_id) == "held"
    # Nobody is asked again a day later.
    harness.clock.advance(timedelta(days=1, minutes=1))
    assert await tick(harness) == 0


async def test_the_question_is_asked_once_more_a_day_later(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    at(harness, FOLLOWUP_DUE + timedelta(minutes=5))
    assert await tick(harness) == 2
    harness.clock.advance(timedelta(hours=23))
    assert await tick(harness) == 0
    harness.clock.advance(timedelta(hours=1))
    assert await tick(harness) == 2
    assert len(asked(harness, MASHA, meeting_id)) == 2
    assert said(asked(harness, MASHA, meeting_id)[-1], "reminder", "Напомина", "напомина")
    harness.clock.advance(timedelta(days=3))
    assert await tick(harness) == 0  # one repeat only
    states = await harness.app.db.fetch_all("SELECT DISTINCT state FROM followups")
    assert [r[0] for r in states] == ["reminded"]
    # The curator's view lists who has not answered.
    shown = await harness.press(CURATOR, ViewMenu(view="overdue").pack())
    assert "Ольга Викторовна" in shown[-1].text and "Маша Иванова" in shown[-1].text


async def test_a_bot_down_for_long_asks_once_and_drops_stale_questions(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    at(harness, FOLLOWUP_DUE + timedelta(days=2))  # down for two days: one message, the last
    assert await tick(harness) == 2
    harness.clock.advance(timedelta(days=2))
    assert await tick(harness) == 0
    assert len(asked(harness, OLGA, meeting_id)) == 1

    second = await confirmed(harness, pair_id, day="20260326")
    at(harness, datetime(2026, 4, 10, tzinfo=UTC))  # more than a week after it: not asked
    assert await tick(harness) == 0
    assert asked(harness, OLGA, second) == []
    states = await harness.app.db.fetch_all(
        "SELECT DISTINCT state FROM followups WHERE meeting_id = ?", (second,)
    )
    assert [r[0] for r in states] == ["dropped"]


async def test_did_not_happen_asks_why_and_offers_a_new_time(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    at(harness, FOLLOWUP_DUE)
    await tick(harness)
    await harness.press(MASHA, FollowupAnswer(meeting_id=meeting_id, answer="not_held").pack())
    assert await status(harness, meeting_id) == "missed"
    assert await harness.state_of(MASHA) is not None
    await harness.send(MASHA, "Заболела <b>")
    reason = await harness.app.db.fetch_value(
        "SELECT reason FROM followups WHERE telegram_id = ? AND meeting_id = ?",
        (MASHA, meeting_id),
    )
    assert reason == "Заболела <b>"
    offer = [s for s in harness.session.sent if s.chat_id == MASHA][-1]
    assert f"mtg1s:{pair_id}:0" in str(offer.buttons)
    # The acquaintance did not happen: the mentor is asked to propose it again.
    assert "mtg1s" in str([s for s in harness.session.sent if s.chat_id == OLGA][-1].buttons)

    # The other side skips the reason.
    await harness.press(OLGA, FollowupAnswer(meeting_id=meeting_id, answer="not_held").pack())
    await harness.press(OLGA, ReasonSkip(meeting_id=meeting_id).pack())
    assert await harness.state_of(OLGA) is None
    # A forged skip for another meeting, outside the dialogue, is refused kindly.
    await harness.press(OLGA, ReasonSkip(meeting_id=meeting_id + 100).pack())
    assert said(harness.session.callback_answers()[-1].text or "", "outdated", "устарел")


async def test_moved_opens_the_proposal_and_replaces_the_meeting(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    at(harness, FOLLOWUP_DUE)
    await tick(harness)
    shown = await harness.press(OLGA, FollowupAnswer(meeting_id=meeting_id, answer="moved").pack())
    calendar = shown[-1]
    assert f"mtg1d:{pair_id}:" in str(calendar.buttons)
    assert f":{meeting_id}" in calendar.buttons[-1][1]  # the days carry the replaced meeting
    await propose(harness, OLGA, pair_id, "20260319", "1600", "link", replaces=meeting_id)
    rows = await harness.app.db.fetch_all("SELECT status, cancel_reason FROM meetings ORDER BY id")
    assert [tuple(r) for r in rows] == [("cancelled", "moved"), ("proposed", None)]
    # The other side's question about the moved meeting is no longer open.
    states = await harness.app.db.fetch_all(
        "SELECT telegram_id, state FROM followups WHERE meeting_id = ? ORDER BY 1", (meeting_id,)
    )
    assert [tuple(r) for r in states] == [(OLGA, "answered"), (MASHA, "dropped")]
    await harness.press(MASHA, FollowupAnswer(meeting_id=meeting_id, answer="held").pack())
    assert await status(harness, meeting_id) == "cancelled"


async def test_a_meeting_not_yet_begun_cannot_be_answered(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    await harness.press(OLGA, FollowupAnswer(meeting_id=meeting_id, answer="held").pack())
    assert await status(harness, meeting_id) == "confirmed"
    assert said(harness.session.callback_answers()[-1].text or "", "not taken place", "ещё не")


async def planning_held(harness: Harness) -> tuple[dict[str, int], int, int]:
    """Acquaintance and trial held; the planning meeting on Tuesday 17 March, 15:00 Chita,
    confirmed, asked about and answered "yes" by the mentor."""
    ids, pair_id = await approved_pair(harness)
    await held_before(harness, pair_id, "acquaintance", "trial",
                      first=datetime(2026, 3, 3, 6, 0, tzinfo=UTC))  # fmt: skip
    meeting_id = await confirmed(harness, pair_id)
    assert (
        await harness.app.db.fetch_value("SELECT kind FROM meetings WHERE id = ?", (meeting_id,))
        == "planning"
    )
    at(harness, FOLLOWUP_DUE)
    await tick(harness)
    await harness.press(OLGA, FollowupAnswer(meeting_id=meeting_id, answer="held").pack())
    return ids, pair_id, meeting_id


async def test_the_next_regular_meeting_follows_two_weeks_later_in_chita(
    harness: Harness,
) -> None:
    ids, pair_id, planning = await planning_held(harness)
    row = await harness.app.db.fetch_one(
        "SELECT id, kind, status, starts_at, place FROM meetings WHERE id > ? ORDER BY id",
        (planning,),
    )
    # Tuesday 31 March, 15:00 in Chita again: 06:00 UTC.
    assert tuple(row)[1:] == ("regular", "confirmed", "2026-03-31T06:00:00+00:00",
                              "https://meet.example/abc")  # fmt: skip
    reminders = await harness.app.db.fetch_value(
        "SELECT count(*) FROM reminders WHERE meeting_id = ?", (row["id"],)
    )
    assert reminders == 4  # 24 hours and 1 hour before, to both
    followups = await harness.app.db.fetch_all(
        "SELECT due_at FROM followups WHERE meeting_id = ?", (row["id"],)
    )
    assert [r[0] for r in followups] == ["2026-03-31T07:30:00+00:00"] * 2
    for chat in (OLGA, MASHA):
        assert "31" in texts(harness, chat) and "15:00" in texts(harness, chat)
    rhythm = await harness.app.db.fetch_one("SELECT * FROM rhythms WHERE pair_id = ?", (pair_id,))
    assert (rhythm["weekday"], rhythm["local_time"], rhythm["interval_weeks"]) == (1, "15:00", 2)

    # The mentor records the goals and the planned end date; both see them in /meetings.
    await harness.press(MASHA, GoalsStart(pair_id=pair_id).pack())
    assert await harness.state_of(MASHA) is None  # only the mentor
    await harness.press(OLGA, GoalsStart(pair_id=pair_id).pack())
    await harness.send(OLGA, "1. " + "x" * 300)
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pair_plans") == 0
    await harness.send(OLGA, "1. Подготовиться к олимпиаде\n2. Выбрать тему проекта")
    await harness.send(OLGA, "31.02.2027")  # no such date: asked again
    await harness.send(OLGA, "25 мая 2027")
    plan = await harness.app.db.fetch_one("SELECT goals, planned_end FROM pair_plans")
    assert tuple(plan) == ('["Подготовиться к олимпиаде", "Выбрать тему проекта"]', "2027-05-25")
    listing = "\n".join(s.text for s in await harness.send(MASHA, "/meetings"))
    assert "Подготовиться к олимпиаде" in listing and "2027" in listing
    # The pair changes the rhythm: Thursday, every week.
    await harness.press(MASHA, RhythmAct(pair_id=pair_id, field="weekday", value=3).pack())
    await harness.press(MASHA, RhythmAct(pair_id=pair_id, field="interval", value=1).pack())
    rhythm = await harness.app.db.fetch_one("SELECT * FROM rhythms WHERE pair_id = ?", (pair_id,))
    assert (rhythm["weekday"], rhythm["interval_weeks"]) == (3, 1)
    # After the sixth lesson: half past three. A forged time off the half-hour grid, or past
    # midnight, changes nothing.
    await harness.press(MASHA, RhythmAct(pair_id=pair_id, field="time", value=15 * 60 + 30).pack())
    for forged in (15 * 60 + 7, 24 * 60 + 30, 99_999):
        await harness.press(MASHA, RhythmAct(pair_id=pair_id, field="time", value=forged).pack())
    assert await harness.app.db.fetch_value("SELECT local_time FROM rhythms") == "15:30"
    # Three weeks need the curator's consent; a stranger changes nothing.
    await harness.press(MASHA, RhythmAct(pair_id=pair_id, field="interval", value=3).pack())
    assert harness.session.callback_answers()[-1].show_alert
    await harness.press(STRANGER, RhythmAct(pair_id=pair_id, field="interval", value=2).pack())
    assert await harness.app.db.fetch_value("SELECT interval_weeks FROM rhythms") == 1
    await harness.press(CURATOR, Consent(pair_id=pair_id, allow=True).pack())
    await harness.press(MASHA, RhythmAct(pair_id=pair_id, field="interval", value=3).pack())
    assert await harness.app.db.fetch_value("SELECT interval_weeks FROM rhythms") == 3
    # Withdrawing the consent brings the interval back to two weeks.
    await harness.press(CURATOR, Consent(pair_id=pair_id, allow=False).pack())
    assert await harness.app.db.fetch_value("SELECT interval_weeks FROM rhythms") == 2
    assert ids["olga"]


async def test_a_date_on_the_holidays_is_skipped_and_the_pair_told(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    await harness.app.services.holidays.add(
        ids["org"], date(2026, 3, 28), date(2026, 4, 5), "Весенние каникулы", date(2026, 3, 12)
    )
    await held_before(harness, pair_id, "acquaintance", "trial",
                      first=datetime(2026, 3, 3, 6, 0, tzinfo=UTC))  # fmt: skip
    meeting_id = await confirmed(harness, pair_id)
    at(harness, FOLLOWUP_DUE)
    await tick(harness)
    await harness.press(MASHA, FollowupAnswer(meeting_id=meeting_id, answer="held").pack())
    starts = await harness.app.db.fetch_value(
        "SELECT starts_at FROM meetings WHERE id > ? AND kind = 'regular'", (meeting_id,)
    )
    assert starts == "2026-04-14T06:00:00+00:00"  # 31 March fell on the holidays
    for chat in (OLGA, MASHA):
        told = [s for s in harness.session.sent if s.chat_id == chat][-1]
        assert "31" in told.text and "Весенние каникулы" in told.text
        assert "mtg1s" in str(told.buttons)  # and they can move it


async def test_two_missed_meetings_put_the_pair_on_the_list(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    # The planning meeting was on Tuesday 10 March: the rhythm is every other Tuesday 15:00.
    await held_before(harness, pair_id, "acquaintance", "trial", "planning",
                      first=datetime(2026, 2, 24, 6, 0, tzinfo=UTC))  # fmt: skip
    first = await confirmed(harness, pair_id)
    at(harness, FOLLOWUP_DUE)
    await tick(harness)
    await harness.press(MASHA, FollowupAnswer(meeting_id=first, answer="not_held").pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM attention") == 0
    second = int(await harness.app.db.fetch_value(
        "SELECT id FROM meetings WHERE id > ? AND status = 'confirmed'", (first,)))  # fmt: skip
    assert (
        await harness.app.db.fetch_value("SELECT starts_at FROM meetings WHERE id = ?", (second,))
        == "2026-03-24T06:00:00+00:00"
    )
    at(harness, datetime(2026, 3, 24, 7, 30, tzinfo=UTC))
    assert await tick(harness) == 2
    await harness.press(OLGA, FollowupAnswer(meeting_id=second, answer="not_held").pack())
    row = await harness.app.db.fetch_one("SELECT pair_id, reason, resolved_at FROM attention")
    assert tuple(row) == (pair_id, "missed_twice", None)
    curator = [s.text for s in harness.session.sent if s.chat_id == CURATOR]
    assert sum(said(t, "needs attention", "внимани") for t in curator) == 1
    # The pair's card shows the history and the mark; the curator resolves it.
    card = await harness.press(CURATOR, PairCard(pair_id=pair_id).pack())
    assert said(card[-1].text, "needs check-in", "нужно внимание куратора")
    assert said(card[-1].text, "did not happen: 2", "не состоялись: 2")
    attention_id = await harness.app.db.fetch_value("SELECT id FROM attention")
    await harness.press(CURATOR, Resolve(attention_id=attention_id).pack())
    assert await harness.app.db.fetch_value("SELECT resolved_by FROM attention") == "curator"


async def test_overdue_pair_is_nudged_once_then_put_on_the_list(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    app = harness.app
    harness.clock.advance(timedelta(days=16))
    await cadence(app)
    assert await app.db.fetch_value("SELECT count(*) FROM cadence_nudges") == 0
    harness.clock.advance(timedelta(days=1))  # 17 days and some hours since the pair's start
    before = {chat: len(harness.session.answers(chat)) for chat in (OLGA, MASHA)}
    await cadence(app)
    await cadence(app)  # the same local day: nothing again
    for chat in (OLGA, MASHA):
        nudges = harness.session.answers(chat)[before[chat] :]
        assert len(nudges) == 1 and said(nudges[0].text, "two weeks", "двух недель")
    harness.clock.advance(timedelta(days=2))
    await cadence(app)
    assert await app.db.fetch_value("SELECT count(*) FROM attention") == 0
    harness.clock.advance(timedelta(days=1))  # three days (the grace) after the nudge
    await cadence(app)
    assert await app.db.fetch_value("SELECT reason FROM attention") == "overdue"
    harness.clock.advance(timedelta(days=1))
    await cadence(app)
    curator = [
        s.text
        for s in harness.session.sent
        if s.chat_id == CURATOR and not said(s.text, "Weekly digest", "Сводка за неделю")
    ]
    assert sum(said(t, "needs attention", "внимани") for t in curator) == 1  # once per raise
    assert await app.db.fetch_value("SELECT count(*) FROM cadence_nudges") == 1
    # Resolved by the curator, it is not raised again every day of the same spell.
    attention_id = await app.db.fetch_value("SELECT id FROM attention")
    await harness.press(CURATOR, Resolve(attention_id=attention_id).pack())
    harness.clock.advance(timedelta(days=1))
    await cadence(app)
    assert await app.db.fetch_value("SELECT count(*) FROM attention") == 1
    # A held meeting resolves it and ends the spell; the next spell is nudged anew.
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE attention SET resolved_at = NULL, resolved_by = NULL")
    await held_before(harness, pair_id, "acquaintance", first=harness.clock.now())
    await app.services.cadence.meeting_held(pair_id)
    assert await app.db.fetch_value("SELECT resolved_by FROM attention") == "meeting"
    harness.clock.advance(timedelta(days=18))
    await cadence(app)
    assert await app.db.fetch_value("SELECT count(*) FROM cadence_nudges") == 2


async def test_the_nudge_of_a_pair_that_never_met_does_not_speak_of_a_last_meeting(
    harness: Harness,
) -> None:
    _, pair_id = await approved_pair(harness)
    app = harness.app

    async def nudge_of(chat: int) -> str:
        before = len(harness.session.answers(chat))
        await cadence(app)
        (nudge,) = harness.session.answers(chat)[before:]
        return nudge.text

    harness.clock.advance(timedelta(days=17))
    never = await nudge_of(OLGA)
    assert "Маша Иванова" in never and said(never, "two weeks", "двух недель")
    assert not said(never, "last meeting", "последней встречи")
    assert said(never, "have not met yet", "встреч ещё не было")
    # After a held meeting, the next overdue spell speaks of the last meeting.
    await held_before(harness, pair_id, "acquaintance", first=harness.clock.now())
    harness.clock.advance(timedelta(days=18))
    since = await nudge_of(MASHA)
    assert "Ольга Викторовна" in since
    assert said(since, "since your last meeting", "с вашей последней встречи")


async def test_an_incompatible_answer_puts_the_pair_on_the_list(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    await held_before(harness, pair_id, "acquaintance", "trial",
                      first=datetime(2026, 3, 3, 6, 0, tzinfo=UTC))  # fmt: skip
    trial = await harness.app.db.fetch_value("SELECT id FROM meetings WHERE kind = 'trial'")
    now = harness.clock.now()

    def response(answer: str) -> Response:
        return Response(1, "compatibility", ids["masha"], f"meeting:{trial}", trial, None,
                        {"comfortable": {"choice": answer, "other": None},
                         "for_curator": "Стесняюсь"}, now, now, now)  # fmt: skip

    app = harness.app
    with app.i18n.context():
        await default_hooks().run(app.bot, app.services, response("rather_yes"))
        assert await app.db.fetch_value("SELECT count(*) FROM attention") == 0
        await default_hooks().run(app.bot, app.services, response("no"))
        await default_hooks().run(app.bot, app.services, response("no"))
    row = await app.db.fetch_one("SELECT reason, detail FROM attention")
    assert tuple(row) == ("incompatible", "Стесняюсь")
    curator = [s.text for s in harness.session.sent if s.chat_id == CURATOR]
    assert sum("Стесняюсь" in t for t in curator) == 1
    listing = await harness.press(CURATOR, ViewMenu(view="attention").pack())
    assert "Маша Иванова" in listing[-1].text and "Стесняюсь" in listing[-1].text


async def trial_held(harness: Harness, *, answered_by: int) -> tuple[dict[str, int], int]:
    """An approved pair whose acquaintance meeting was held and whose trial meeting has just
    been answered "held" by one side: the compatibility form is on its way to both."""
    ids, pair_id = await approved_pair(harness)
    await held_before(harness, pair_id, "acquaintance", first=datetime(2026, 3, 3, 6, tzinfo=UTC))
    meeting_id = await confirmed(harness, pair_id)
    at(harness, FOLLOWUP_DUE)
    await tick(harness)
    await harness.press(answered_by, FollowupAnswer(meeting_id=meeting_id, answer="held").pack())
    return ids, pair_id


async def test_the_trial_meeting_held_sends_the_compatibility_form_to_both(
    harness: Harness,
) -> None:
    ids, _ = await trial_held(harness, answered_by=MASHA)
    rows = await harness.app.db.fetch_all(
        "SELECT form, participant_id FROM responses ORDER BY form, participant_id"
    )
    assert sorted(tuple(r) for r in rows) == sorted([
        ("compatibility", ids["olga"]), ("compatibility", ids["masha"]),
        ("meeting_feedback", ids["masha"]),
    ])  # fmt: skip


async def answer_compatibility(
    harness: Harness, chat: int, comfortable: str, understand: str, comment: str
) -> None:
    """Answer the compatibility form as the person does: two buttons, then a typed comment."""
    rid = await harness.app.db.fetch_value(
        "SELECT r.id FROM responses r JOIN participants p ON p.id = r.participant_id "
        "WHERE r.form = 'compatibility' AND p.telegram_id = ?",
        (chat,),
    )
    await harness.press(chat, FormPick(r=rid, k="comfortable", a="p", v=comfortable).pack())
    await harness.press(chat, FormPick(r=rid, k="understand_plan", a="p", v=understand).pack())
    await harness.send(chat, comment)
    assert await harness.app.db.fetch_value(
        "SELECT completed_at IS NOT NULL FROM responses WHERE id = ?", (rid,)
    )


async def test_a_no_from_either_side_after_the_trial_reaches_the_curator(
    harness: Harness,
) -> None:
    _, pair_id = await trial_held(harness, answered_by=OLGA)
    mark = len(harness.session.sent)

    def alerts() -> list[str]:
        return [s.text for s in harness.session.sent[mark:] if s.chat_id == CURATOR]

    # Comfortable, but does not understand what they will do together: the curator hears it.
    await answer_compatibility(harness, MASHA, "yes", "no", "Не понимаю, чем заниматься")
    row = await harness.app.db.fetch_one("SELECT pair_id, reason, detail FROM attention")
    assert tuple(row) == (pair_id, "incompatible", "Не понимаю, чем заниматься")
    (first,) = alerts()
    assert "Маша Иванова" in first and "Не понимаю, чем заниматься" in first
    assert said(first, "needs attention", "внимани")
    # The other side's "no" and its comment reach the curator too; the pair is listed once.
    await answer_compatibility(harness, OLGA, "rather_no", "yes", "Мало времени")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM attention") == 1
    assert len(alerts()) == 2
    second = alerts()[1]
    assert "Ольга Викторовна" in second and "Мало времени" in second
    assert "Не понимаю" not in second
    listing = await harness.press(CURATOR, ViewMenu(view="attention").pack())
    assert "Маша Иванова" in listing[-1].text


async def test_when_both_are_not_comfortable_both_comments_reach_the_curator(
    harness: Harness,
) -> None:
    await trial_held(harness, answered_by=MASHA)
    mark = len(harness.session.sent)
    await answer_compatibility(harness, OLGA, "no", "yes", "Не сошлись характерами")
    await answer_compatibility(harness, MASHA, "no", "no", "Мне неловко")
    curator = "\n".join(s.text for s in harness.session.sent[mark:] if s.chat_id == CURATOR)
    assert "Не сошлись характерами" in curator and "Мне неловко" in curator
    assert await harness.app.db.fetch_value("SELECT count(*) FROM attention") == 1


async def test_a_yes_from_both_after_the_trial_alerts_nobody(harness: Harness) -> None:
    await trial_held(harness, answered_by=OLGA)
    mark = len(harness.session.sent)
    await answer_compatibility(harness, MASHA, "rather_yes", "yes", "Всё хорошо")
    await answer_compatibility(harness, OLGA, "yes", "yes", "Всё хорошо")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM attention") == 0
    assert [s for s in harness.session.sent[mark:] if s.chat_id == CURATOR] == []


def has_line(text: str, *variants: str) -> bool:
    """One of the lines of the text is exactly one of the variants (English or Russian)."""
    return bool(set(text.splitlines()) & set(variants))


async def test_the_weekly_digest(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    app = harness.app
    mentor = await app.db.fetch_value("SELECT mentor_id FROM pairs")
    async with app.db.transaction() as tx:
        for status_, starts in (("held", "2026-03-17T06:00:00+00:00"),
                                ("missed", "2026-03-19T06:00:00+00:00"),
                                ("held", "2026-03-10T06:00:00+00:00")):  # fmt: skip
            await tx.execute(
                "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
                "proposed_by, created_at) VALUES (?, 'regular', ?, ?, 'online', 'x', ?, ?)",
                (pair_id, status_, starts, mentor, starts),
            )
        # "Did the meeting take place?": three asked and not answered (one of them asked
        # again), one answered "held" (without the feedback form), two no longer open.
        for starts, who, state, answer in (
            ("2026-03-17", "olga", "answered", "held"),
            ("2026-03-17", "masha", "asked", None),
            ("2026-03-19", "olga", "reminded", None),
            ("2026-03-19", "masha", "asked", None),
            ("2026-03-10", "olga", "unreachable", None),
            ("2026-03-10", "masha", "dropped", None),
        ):
            await tx.execute(
                "INSERT INTO followups (meeting_id, participant_id, telegram_id, due_at, state, "
                "answer, answered_at) SELECT m.id, p.id, p.telegram_id, m.starts_at, ?, ?, "
                "CASE WHEN ? IS NULL THEN NULL ELSE m.starts_at END FROM meetings m, "
                "participants p WHERE date(m.starts_at) = ? AND p.id = ?",
                (state, answer, answer, starts, ids[who]),
            )
    await app.services.cadence.incompatible(
        int(await app.db.fetch_value("SELECT organization_id FROM pairs")), pair_id, None
    )
    # Monday 23 March, 07:59 in Chita: too early; 08:00: the digest of 16-22 March.
    at(harness, datetime(2026, 3, 22, 22, 59, tzinfo=UTC))
    await cadence(app)
    before = len(harness.session.answers(CURATOR))
    at(harness, datetime(2026, 3, 22, 23, 0, tzinfo=UTC))
    await cadence(app)
    await cadence(app)
    digests = harness.session.answers(CURATOR)[before:]
    assert len(digests) == 1
    text = digests[0].text
    assert "16" in text and "1" in text and "Ольга Викторовна" in text
    assert said(text, "Meetings held: 1", "проведено: 1", "Проведено встреч: 1")
    assert said(text, "did not happen: 1", "не состоялось: 1", "Не состоялось встреч: 1")
    assert has_line(
        text,
        "Unanswered «Did the meeting take place?»: 3",
        "Без ответа на вопрос «Встреча состоялась?»: 3",
    )
    assert has_line(text, "Feedback forms not filled in: 1", "Не заполнено форм обратной связи: 1")
    assert has_line(text, "Pairs needing attention: 1", "Пар, которым требуется внимание: 1")
    bullets = [line for line in text.splitlines() if line.startswith("• ")]
    assert len(bullets) == 1
    assert bullets[0].startswith("• Ольга Викторовна — Маша Иванова: ")
    assert said(bullets[0], "trial meeting", "пробной встречи")
    # The next Monday brings the next one.
    harness.clock.advance(timedelta(days=7))
    await cadence(app)
    assert len(harness.session.answers(CURATOR)[before:]) == 2


async def test_no_digest_for_an_organization_without_pairs(harness: Harness) -> None:
    """A curator who has just set up the school is not sent a weekly message of zeros."""
    app = harness.app
    quiet = await app.services.organizations.create("Новая школа", "Asia/Chita")
    await app.services.organizations.add_curator(quiet.id, 557)
    at(harness, datetime(2026, 3, 23, 1, 0, tzinfo=UTC))  # Monday 10:00 in Chita
    await cadence(app)
    assert harness.session.answers(557) == []


async def test_curator_views_are_for_the_own_organization_only(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    app = harness.app
    panel = await harness.press(CURATOR, Section(name="meeting_views").pack())
    assert "mv1:upcoming" in str(panel[-1].buttons)
    upcoming = await harness.press(CURATOR, ViewMenu(view="upcoming").pack())
    assert "Маша Иванова" in upcoming[-1].text
    pairs = await harness.press(CURATOR, ViewMenu(view="pairs").pack())
    assert "Маша Иванова" in pairs[-1].text
    await app.services.cadence.incompatible(ids["org"], pair_id, "секрет")
    attention_id = await app.db.fetch_value("SELECT id FROM attention")

    other = await app.services.organizations.create("Другая школа", "Europe/Moscow")
    await app.services.organizations.add_curator(other.id, 556)
    for data in (
        PairCard(pair_id=pair_id).pack(),
        Resolve(attention_id=attention_id).pack(),
        Consent(pair_id=pair_id, allow=True).pack(),
    ):
        shown = await harness.press(556, data)
        assert all("Маша" not in s.text and "секрет" not in s.text for s in shown)
    for view in ("upcoming", "attention", "pairs", "overdue"):
        shown = await harness.press(556, ViewMenu(view=view).pack())
        assert all("Маша" not in s.text and "секрет" not in s.text for s in shown)
    assert await app.db.fetch_value("SELECT resolved_at FROM attention") is None
    assert await app.db.fetch_value("SELECT count(*) FROM rhythms") == 0
    # A participant or a stranger gets the curator refusal.
    for user in (OLGA, STRANGER):
        await harness.press(user, PairCard(pair_id=pair_id).pack())
        assert said(harness.session.callback_answers()[-1].text or "", "curator", "куратор")
    # Nor can a stranger answer for the pair or record its goals.
    at(harness, FOLLOWUP_DUE)
    await tick(harness)
    await harness.press(STRANGER, FollowupAnswer(meeting_id=meeting_id, answer="not_held").pack())
    await harness.press(STRANGER, GoalsStart(pair_id=pair_id).pack())
    await harness.press(STRANGER, EndSkip(pair_id=pair_id).pack())
    assert await status(harness, meeting_id) == "confirmed"
    assert await harness.state_of(STRANGER) is None


async def test_forged_buttons_get_a_friendly_answer(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    at(harness, FOLLOWUP_DUE)
    for user, data in (
        (OLGA, f"fu1:{meeting_id}:maybe"),
        (OLGA, "fu1:abc:held"),
        (OLGA, "fu1:99999:held"),
        (OLGA, "fu1s:1"),
        (OLGA, f"rh1:{pair_id}:weekday:9"),
        (OLGA, f"rh1:{pair_id}:time:61"),
        (OLGA, f"rh1:{pair_id}:colour:1"),
        (OLGA, "rh1:77:interval:1"),
        (OLGA, "pp1:77"),
        (CURATOR, "mv1:nothing:0"),
        (CURATOR, "mv1p:-5"),
        (CURATOR, "mv1r:12345"),
        (CURATOR, "mv1c:77:true"),
    ):
        before = len(harness.session.callback_answers())
        await harness.press(user, data)
        assert len(harness.session.callback_answers()) == before + 1, data
    assert await status(harness, meeting_id) == "confirmed"
    assert await harness.app.db.fetch_value("SELECT count(*) FROM rhythms") == 0


async def test_the_curator_changes_the_follow_up_delay_and_the_grace(harness: Harness) -> None:
    ids, pair_id = await approved_pair(harness)
    await harness.send(CURATOR, "/meetingsettings")
    await harness.press(CURATOR, SettingsEdit(field=SettingField.FOLLOWUP).pack())
    await harness.send(CURATOR, "0")
    assert said(harness.session.sent[-1].text, "1 to 10080", "1 до 10080", "от 1 до 10080")
    await harness.send(CURATOR, "5")
    await harness.press(CURATOR, SettingsEdit(field=SettingField.GRACE).pack())
    await harness.send(CURATOR, "31")
    await harness.send(CURATOR, "0")
    row = await harness.app.db.fetch_one(
        "SELECT followup_minutes, grace_days, meeting_minutes FROM meeting_settings "
        "WHERE organization_id = ?",
        (ids["org"],),
    )
    assert tuple(row) == (5, 0, 60)
    meeting_id = await confirmed(harness, pair_id)
    due = await harness.app.db.fetch_value(
        "SELECT DISTINCT due_at FROM followups WHERE meeting_id = ?", (meeting_id,)
    )
    assert due == to_db(MEETING_UTC + timedelta(minutes=65))


async def test_questions_survive_a_restart(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as first:
        _, pair_id = await approved_pair(first)
        meeting_id = await confirmed(first, pair_id)
    async with running_harness(tmp_path) as second:  # the same database, a new process
        at(second, FOLLOWUP_DUE + timedelta(minutes=30))
        assert await tick(second) == 2
        assert len(asked(second, OLGA, meeting_id)) == 1
    async with running_harness(tmp_path) as third:
        at(third, FOLLOWUP_DUE + timedelta(minutes=31))
        assert await tick(third) == 0  # claimed before the restart: never sent twice


async def test_a_blocked_participant_is_marked_unreachable_and_the_curator_told(
    harness: Harness,
) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    harness.session.fail_chats.add(MASHA)
    at(harness, FOLLOWUP_DUE)
    assert await tick(harness) == 1
    states = await harness.app.db.fetch_all(
        "SELECT telegram_id, state FROM followups WHERE meeting_id = ? ORDER BY 1", (meeting_id,)
    )
    assert [tuple(r) for r in states] == [(OLGA, "asked"), (MASHA, "unreachable")]
    curator = texts(harness, CURATOR)
    assert "Маша Иванова" in curator
    harness.clock.advance(timedelta(days=1))
    assert await tick(harness) == 1  # only the reachable side is asked again
