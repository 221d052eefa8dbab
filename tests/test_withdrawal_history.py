"""A participant who withdraws is erased, but the other side's history stays: the pair, its
meetings and the partner's answers remain with the withdrawn side empty («участник отозвал
согласие»); a mentee whose mentor withdrew after the cycle still completed the programme."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from openpyxl import load_workbook

from handlers.cycle_views import CycleAct, CycleStep
from handlers.meeting_texts import MeetAnswer
from handlers.rights_views import RevokeDecision
from jobs.cycles import run_cycle_tick
from jobs.followups import deliver_followups
from jobs.housekeeping import Housekeeping
from storage.database import Database
from storage.repositories.cycles import CycleRepository
from storage.repositories.maintenance import MaintenanceRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.updates import ProcessedUpdateRepository
from tests.cohort import mentee_answers, mentor_answers, ready
from tests.inprocess import Harness
from tests.joining import CURATOR, organization
from tests.test_export import every_value, feedback, meeting, rows
from tests.test_meetings import OLGA, approved_pair, propose
from tests.test_pairing import texts

# Numbers that occur nowhere else, so that a search of the whole database for them is exact.
MENTOR_TG = 770_001_234
MENTOR_ID = 880_001
MASHA_TG, PETYA_TG = 201, 202
WITHDRAWN = "участник отозвал согласие"


async def completed_pair_then_the_mentor_withdraws(harness: Harness) -> dict[str, Any]:
    """Olga mentors Masha through the whole cycle (final meeting held, pair completed by the
    cycle job, final polls opened); then Olga withdraws her consent in the chat."""
    org = await organization(harness)
    services, db = harness.app.services, harness.app.db
    ids: dict[str, Any] = {"org": org.id}
    ids["masha"] = await ready(harness, org.id, MASHA_TG, "mentee", mentee_answers("Маша Иванова"))
    async with db.transaction() as tx:  # Olga's participant id is one that occurs nowhere else
        await tx.execute(
            "UPDATE sqlite_sequence SET seq = ? WHERE name = 'participants'", (MENTOR_ID - 1,)
        )
    ids["olga"] = await ready(
        harness,
        org.id,
        MENTOR_TG,
        "mentor",
        mentor_answers(
            "Ольга Викторовна Смирнова",
            contact="olga.smirnova@example.ru",
            achievements="Призёр конкурса «Учитель года»",
        ),
    )
    assert ids["olga"] == MENTOR_ID
    ids["petya"] = await ready(harness, org.id, PETYA_TG, "mentee", mentee_answers("Петя Сидоров"))
    assert await services.admission.admit(org.id, ids["olga"], CURATOR) is None
    outcome = await services.pairing.assign_directly(org.id, ids["masha"], ids["olga"], force=True)
    assert outcome.pair is not None
    ids["pair"] = pair = outcome.pair.id

    first = datetime(2026, 3, 17, 6, 0, tzinfo=UTC)
    ids["m1"] = await meeting(harness, pair, ids["olga"], "acquaintance", first, "held")
    ids["m2"] = await meeting(harness, pair, ids["masha"], "trial", first + timedelta(days=7),
                              "held")  # fmt: skip
    ids["m3"] = await meeting(harness, pair, ids["olga"], "regular", first + timedelta(days=21),
                              "missed")  # fmt: skip
    final = datetime(2026, 5, 19, 6, 0, tzinfo=UTC)
    ids["final"] = await meeting(harness, pair, ids["olga"], "final", final, "held")
    await feedback(harness, ids["masha"], ids["m1"], "5", went_well="Было интересно")
    await feedback(harness, ids["olga"], ids["m1"], "4", comment="Отзыв Ольги о встрече")

    # The day after the final meeting the cycle job completes the pair and opens the polls.
    harness.clock.advance(datetime(2026, 5, 20, 3, 0, tzinfo=UTC) - harness.clock.now())
    await run_cycle_tick(services)
    completed = await db.fetch_one("SELECT completed, ended_on FROM pairs WHERE id = ?", (pair,))
    assert completed is not None and tuple(completed) == (1, "2026-05-19")
    assert await db.fetch_value(
        "SELECT count(*) FROM responses WHERE participant_id = ? AND form = 'final_mentor'",
        (ids["olga"],),
    )
    ids["meetings"] = [
        tuple(r)
        for r in await db.fetch_all(
            "SELECT id, kind, status, starts_at FROM meetings WHERE pair_id = ? ORDER BY id",
            (pair,),
        )
    ]

    await harness.send(MENTOR_TG, "/revoke")
    await harness.press(MENTOR_TG, RevokeDecision(confirm=True).pack())
    return ids


async def test_a_mentor_who_withdraws_after_the_cycle_leaves_the_mentees_history(
    harness: Harness,
) -> None:
    ids = await completed_pair_then_the_mentor_withdraws(harness)
    db = harness.app.db
    # The curator learnt who left, as before.
    assert "Ольга Викторовна Смирнова" in texts(harness, CURATOR)

    # The pair stays completed, as it ended; only the mentor's side is empty.
    pair = await db.fetch_one(
        "SELECT mentor_id, mentee_id, completed, ended_on, end_reason FROM pairs WHERE id = ?",
        (ids["pair"],),
    )
    assert pair is not None
    assert tuple(pair) == (None, ids["masha"], 1, "2026-05-19", None)
    # Masha still counts as having completed the programme.
    assert await db.fetch_value(
        "SELECT count(*) FROM pairs WHERE mentee_id = ? AND completed = 1", (ids["masha"],)
    ) == 1  # fmt: skip
    # Every meeting stays as it was; the ones Olga proposed have no proposer any more.
    meetings = await db.fetch_all(
        "SELECT id, kind, status, starts_at, proposed_by FROM meetings WHERE pair_id = ? "
        "ORDER BY id",
        (ids["pair"],),
    )
    assert [tuple(r)[:4] for r in meetings] == ids["meetings"]
    assert [r["proposed_by"] for r in meetings] == [None, ids["masha"], None, None]
    # Masha's answers stay (her feedback and her final poll); nothing of Olga's.
    left = await db.fetch_all("SELECT participant_id, form, subject FROM responses ORDER BY id")
    assert [(r["participant_id"], r["form"]) for r in left] == [
        (ids["masha"], "meeting_feedback"), (ids["masha"], "final_mentee"),
    ]  # fmt: skip

    # Nothing more is owed to the pair (Masha's poll went out; nothing goes to an empty side),
    # so the cycle job no longer picks it up every minute.
    assert await CycleRepository(db).completed_unfinished() == []

    # The curator's finished pairs show the pair with the placeholder.
    listing = await harness.press(CURATOR, CycleAct(action=CycleStep.PAIRS).pack())
    assert f"{WITHDRAWN} → Маша Иванова" in listing[-1].text

    # The workbook: Masha in the mentee register with the placeholder and the completion
    # mark; Olga in no register and nowhere else; the meetings and Masha's feedback stay.
    made = await harness.app.services.exports.workbook(ids["org"], "ru")
    book = load_workbook(io.BytesIO(made.content))
    masha = next(row for row in rows(book, "База наставляемых")[1:] if row[1] == "Маша Иванова")
    assert masha[6] == WITHDRAWN and not masha[8]  # the mentor and the mentor's workplace
    assert masha[9] == datetime(2026, 5, 19) and masha[12] == "программа пройдена"
    assert rows(book, "База наставников")[1:] == []
    pairs_sheet = book.worksheets[2]
    pair_row = next(r for r in pairs_sheet.iter_rows(min_row=2, values_only=True))
    assert pair_row[:3] == (ids["pair"], WITHDRAWN, "Маша Иванова")
    meetings_sheet = book.worksheets[3]
    assert [r[0] for r in meetings_sheet.iter_rows(min_row=2, values_only=True)] == [
        m[0] for m in ids["meetings"]
    ]
    feedback_sheet = book.worksheets[4]
    assert [(r[0], r[5]) for r in feedback_sheet.iter_rows(min_row=2, values_only=True)] == [
        (ids["m1"], "Маша Иванова")
    ]
    text = every_value(book)
    assert "Было интересно" in text
    for trace in ("Смирнова", "Ольга", "Учитель года", "olga.smirnova", "Отзыв Ольги"):
        assert trace not in text, trace

    # Nothing of Olga anywhere in the database once the messages already sent are blanked
    # (their texts, which named her to her partner and the curator, are kept an hour for
    # retries after flood control; the housekeeping job then blanks them).
    harness.clock.advance(timedelta(hours=2))
    await Housekeeping(
        MaintenanceRepository(db), ProcessedUpdateRepository(db), OutboxRepository(db),
        harness.clock,
    ).run()  # fmt: skip
    traces = await traces_in_database(
        db,
        numbers=(MENTOR_TG, MENTOR_ID),
        texts=("Смирнова", "Ольга", "Учитель года", "olga.smirnova", "Отзыв Ольги"),
    )
    assert traces == []


async def traces_in_database(
    db: Database, numbers: tuple[int, ...], texts: tuple[str, ...]
) -> list[tuple[str, str, Any]]:
    """(table, column, value) of every value in every table that is one of ``numbers`` or
    holds one of them or one of ``texts`` (JSON, FSM keys, rendered messages)."""
    tables = [
        r["name"]
        for r in await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            # The counters of AUTOINCREMENT ids say nothing about anyone.
            "AND name NOT IN ('sqlite_sequence') AND name NOT LIKE 'sqlite_%'"
        )
    ]
    assert {"participants", "pairs", "meetings", "responses", "outbox", "users"} <= set(tables)
    found: list[tuple[str, str, Any]] = []
    for table in tables:
        for row in await db.fetch_all(f"SELECT * FROM {table}"):
            for column in row.keys():  # noqa: SIM118 (sqlite3.Row has no iteration by key)
                value = row[column]
                if value is None:
                    continue
                shown = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                named = value in numbers or any(str(n) in shown for n in numbers)
                if named or any(t in shown for t in texts):
                    found.append((table, column, value))
    return found


async def test_a_withdrawal_during_an_active_pair_ends_it_and_cancels_what_was_planned(
    harness: Harness,
) -> None:
    ids, pair_id = await approved_pair(harness)
    db = harness.app.db
    # A confirmed meeting next week: reminders and the "did it take place?" questions for both.
    await propose(harness, OLGA, pair_id, "20260317", "1500", "https://meet.example/abc")
    first = await db.fetch_value("SELECT id FROM meetings")
    await harness.press(MASHA_TG, MeetAnswer(meeting_id=first, confirm=True).pack())
    # And a proposal for the week after, not answered yet.
    await propose(harness, MASHA_TG, pair_id, "20260324", "1500", "https://meet.example/abc")
    for table in ("reminders", "followups"):
        assert await db.fetch_value(f"SELECT count(*) FROM {table} WHERE telegram_id = ?", (OLGA,))
    assert await db.fetch_value("SELECT count(*) FROM reminders WHERE telegram_id = ?", (MASHA_TG,))

    await harness.send(MASHA_TG, "/revoke")
    await harness.press(MASHA_TG, RevokeDecision(confirm=True).pack())

    # The partner is told as before; the curator too.
    assert "Ваша пара завершена" in texts(harness, OLGA)
    assert "Маша Иванова" in texts(harness, CURATOR)
    # The pair ended today (the school's date in Chita), not completed, Masha's side empty.
    pair = await db.fetch_one(
        "SELECT mentor_id, mentee_id, ended_on, end_reason, completed FROM pairs WHERE id = ?",
        (pair_id,),
    )
    assert pair is not None
    assert tuple(pair) == (ids["olga"], None, "2026-03-12", "participant withdrew consent", 0)
    # Both planned meetings are cancelled, and nothing about them goes to Olga any more.
    statuses = await db.fetch_all("SELECT status, cancel_reason FROM meetings ORDER BY id")
    assert [tuple(r) for r in statuses] == [
        ("cancelled", "participant withdrew consent"),
        ("cancelled", "participant withdrew consent"),
    ]
    assert await db.fetch_value(
        "SELECT count(*) FROM reminders WHERE telegram_id = ? AND state = 'pending'", (OLGA,)
    ) == 0  # fmt: skip
    assert await db.fetch_value(
        "SELECT count(*) FROM followups WHERE telegram_id = ? AND state IN ('pending', 'asked')",
        (OLGA,),
    ) == 0  # fmt: skip
    # Masha's own reminders and questions are gone with her.
    for table in ("reminders", "followups"):
        assert await db.fetch_value(
            f"SELECT count(*) FROM {table} WHERE telegram_id = ?", (MASHA_TG,)
        ) == 0  # fmt: skip
    # Olga is free for another mentee; the pair is among the finished ones of the cycle.
    _, mentors = await harness.app.services.pairing.cohort(ids["org"])
    assert ids["olga"] in [m.participant_id for m in mentors]
    assert "Действующих пар пока нет" in (await harness.send(CURATOR, "/pairs"))[-1].text
    listing = await harness.press(CURATOR, CycleAct(action=CycleStep.PAIRS).pack())
    assert f"→ {WITHDRAWN}" in listing[-1].text

    # Later, no reminder and no "did it take place?" is due for the cancelled meetings.
    harness.clock.advance(timedelta(days=14))
    assert await harness.app.services.reminders.claim() == []
    assert await deliver_followups(harness.app.services) == 0
