"""Closing a cycle of 300 pairs: its messages are queued in the outbox and delivered within the
rate limit, a few recipients have blocked the bot (403) and Telegram answers 429 a few times.
Every message is delivered once or accounted for, nobody is tried again after their 403, and
the curators hear once of each blocked person."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.methods import SendMessage

from bot.clock import to_db
from handlers.cycle_views import CycleAct
from jobs.cycles import run_cycle_tick
from tests.inprocess import Harness, running_harness
from tests.joining import CURATOR, organization

PAIRS = 300
MENTORS = range(10_001, 10_001 + PAIRS)
MENTEES = range(20_001, 20_001 + PAIRS)
BLOCKED = {10_005, 20_007, 20_150, 10_299}
FLOODED_CALLS = {3, 200, 450}  # sendMessage calls answered with 429 (retry after 1 s)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_harness(
        tmp_path, send_rate_per_second=1000, send_rate_per_chat_per_second=100
    ) as harness:
        yield harness


async def seed_pairs(harness: Harness) -> int:
    """300 working pairs in the organization's open cycle, written directly (joining and
    matching are tested elsewhere)."""
    org = await organization(harness)
    summary = await harness.app.services.cycles.summary(org.id)
    cycle_id, now = summary.cycle.id, to_db(harness.clock.now())
    day = harness.clock.now().date().isoformat()
    async with harness.app.db.transaction() as tx:
        for mentor_chat, mentee_chat in zip(MENTORS, MENTEES, strict=True):
            ids = []
            for chat, role in ((mentor_chat, "mentor"), (mentee_chat, "mentee")):
                ids.append(
                    await tx.execute(
                        "INSERT INTO participants (organization_id, telegram_id, role, "
                        "age_group, joined_at, confirmed_at, cycle_id) "
                        "VALUES (?, ?, ?, 'adult', ?, ?, ?)",
                        (org.id, chat, role, now, now, cycle_id),
                    )
                )
            await tx.execute(
                "INSERT INTO pairs (organization_id, mentor_id, mentee_id, form, started_on, "
                "created_at, cycle_id) VALUES (?, ?, ?, 'student_pupil', ?, ?, ?)",
                (org.id, ids[0], ids[1], day, now, cycle_id),
            )
    return org.id


async def test_closing_300_pairs_delivers_each_message_once_and_accounts_for_the_rest(
    harness: Harness,
) -> None:
    await seed_pairs(harness)
    session, db = harness.session, harness.app.db
    session.fail_chats |= BLOCKED
    session.send_calls = 0
    session.flood_calls |= FLOODED_CALLS
    calls_before = len(session.calls)

    # The curator confirms; the handler runs the cycle job, which queues the final-meeting
    # requests; the harness waits until the outbox is idle.
    await harness.press(CURATOR, CycleAct(action="close_yes").pack(), language_code="en")
    await harness.app.services.outbox.idle()

    assert await harness.app.services.outbox.pending() == 0
    statuses = dict(
        await db.fetch_all(
            "SELECT status, count(*) FROM outbox WHERE kind = 'final_meeting' GROUP BY status"
        )
    )
    assert statuses == {"sent": 2 * PAIRS - len(BLOCKED), "unreachable": len(BLOCKED)}
    rows = await db.fetch_all("SELECT telegram_id, status FROM outbox WHERE kind = 'final_meeting'")
    assert sorted(chat for chat, _ in rows) == sorted([*MENTORS, *MENTEES])  # one each
    assert {chat for chat, status in rows if status == "unreachable"} == BLOCKED

    sends = [c for c in session.calls[calls_before:] if isinstance(c, SendMessage)]
    # The sender was used for every message: each recipient was tried, a 429 tried again.
    tried = Counter(int(c.chat_id) for c in sends)
    delivered = Counter(s.chat_id for s in session.sent if s.chat_id in tried)
    participants = set(MENTORS) | set(MENTEES)
    assert sum(n for chat, n in delivered.items() if chat in participants) == statuses["sent"]
    assert all(delivered[chat] == 1 for chat in participants - BLOCKED)  # none twice
    # One try to each blocked person, and one more only after a 429 (which of the concurrent
    # sends draws a 429 varies from run to run): the first 403 marks them, nothing after it.
    flooded = Counter(session.flooded_chats)
    assert len(session.flooded_chats) == len(FLOODED_CALLS)
    assert all(tried[chat] == 1 + flooded[chat] for chat in BLOCKED)
    # Each participant once, the flooded calls again, the curator's alerts and the reply.
    assert len(sends) == 2 * PAIRS + len(FLOODED_CALLS) + len(BLOCKED) + 1
    assert sum(tried[chat] for chat in participants) + tried[CURATOR] == len(sends)
    unreachable = await db.fetch_value(
        "SELECT count(*) FROM participants WHERE unreachable_since IS NOT NULL"
    )
    assert unreachable == len(BLOCKED)

    # The curator heard once of each blocked person, through the outbox too.
    told = await db.fetch_all(
        "SELECT telegram_id, status FROM outbox WHERE kind = 'unreachable' ORDER BY id"
    )
    assert [tuple(row) for row in told] == [(CURATOR, "sent")] * len(BLOCKED)
    alerts = [s.text for s in session.answers(CURATOR) if "blocked the bot" in s.text]
    assert len(alerts) == len(set(alerts)) == len(BLOCKED)

    # Another run of the job (and a restart's outbox tick) sends nothing more.
    before = len(session.sent)
    await run_cycle_tick(harness.app.services)
    harness.app.services.outbox.kick()
    await harness.app.services.outbox.idle()
    assert len(session.sent) == before
