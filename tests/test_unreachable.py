"""A participant who blocked the bot: the curators hear of it once, whichever way the bot finds
out (Telegram's ``my_chat_member`` update or a 403 to a send), and nothing more is sent to the
person (follow-up questions, cadence nudges, digests) until they unblock it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import SendMessage

from tests.inprocess import Harness, member_update
from tests.joining import CURATOR
from tests.test_followups import FOLLOWUP_DUE, asked, at, cadence, confirmed, said, tick
from tests.test_meetings import MASHA, OLGA, approved_pair


def tries(harness: Harness, chat: int) -> int:
    """Messages the bot tried to send to this chat (delivered or refused)."""
    return sum(
        1
        for call in harness.session.calls
        if isinstance(call, SendMessage) and int(call.chat_id) == chat
    )


def blocked_notices(harness: Harness, since: int = 0) -> list[str]:
    return [
        s.text
        for s in harness.session.sent[since:]
        if s.chat_id == CURATOR and said(s.text, "blocked the bot", "бот заблокирован")
    ]


async def unreachable_since(harness: Harness, chat: int) -> object:
    return await harness.app.db.fetch_value(
        "SELECT unreachable_since FROM participants WHERE telegram_id = ?", (chat,)
    )


async def test_a_block_tells_the_curators_once_and_stops_the_questions(harness: Harness) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    mark = len(harness.session.sent)

    await member_update(harness, MASHA, "member", "kicked")
    harness.session.fail_chats.add(MASHA)
    assert await unreachable_since(harness, MASHA) is not None
    (notice,) = blocked_notices(harness, mark)
    assert "Маша Иванова" in notice and "Ольга" not in notice
    await member_update(harness, MASHA, "member", "kicked")  # Telegram repeats itself
    assert len(blocked_notices(harness, mark)) == 1

    # The question after the meeting goes to the mentor only: no request to a blocked chat.
    before = tries(harness, MASHA)
    at(harness, FOLLOWUP_DUE)
    assert await tick(harness) == 1
    assert tries(harness, MASHA) == before
    states = await harness.app.db.fetch_all(
        "SELECT telegram_id, state FROM followups WHERE meeting_id = ? ORDER BY 1", (meeting_id,)
    )
    assert [tuple(r) for r in states] == [(OLGA, "asked"), (MASHA, "unreachable")]
    harness.clock.advance(timedelta(days=1))
    assert await tick(harness) == 1  # the repeat: the mentor only
    assert tries(harness, MASHA) == before
    assert len(blocked_notices(harness, mark)) == 1

    # Unblocked: reachable again, and asked about the next meeting.
    harness.session.fail_chats.discard(MASHA)
    await member_update(harness, MASHA, "kicked", "member")
    assert await unreachable_since(harness, MASHA) is None
    second = await confirmed(harness, pair_id, day="20260326")
    at(harness, datetime(2026, 3, 26, 7, 30, tzinfo=UTC))
    await tick(harness)
    assert len(asked(harness, MASHA, second)) == 1
    assert len(blocked_notices(harness, mark)) == 1


async def test_a_block_of_someone_who_is_no_participant_tells_nobody(harness: Harness) -> None:
    await approved_pair(harness)
    mark = len(harness.session.sent)
    await member_update(harness, 4242, "member", "kicked")
    await member_update(harness, CURATOR, "member", "kicked")
    assert harness.session.sent[mark:] == []


async def test_nudges_skip_the_unreachable_and_a_403_tells_the_curators(
    harness: Harness,
) -> None:
    await approved_pair(harness)
    app = harness.app
    # Olga is known to have blocked the bot (the curators were told then); Masha blocked it
    # before the bot listened for blocks, so only a send finds out.
    await app.services.announcements.mark_unreachable(OLGA)
    harness.session.fail_chats.update({OLGA, MASHA})
    mark = len(harness.session.sent)
    olga_before, masha_before = tries(harness, OLGA), tries(harness, MASHA)
    harness.clock.advance(timedelta(days=17))
    await cadence(app)
    assert await app.db.fetch_value("SELECT count(*) FROM cadence_nudges") == 1
    assert tries(harness, OLGA) == olga_before  # not even tried
    assert tries(harness, MASHA) == masha_before + 1  # tried once: the 403
    assert await unreachable_since(harness, MASHA) is not None
    (notice,) = blocked_notices(harness, mark)
    assert "Маша Иванова" in notice


async def test_the_digest_skips_an_unreachable_curator(harness: Harness) -> None:
    ids, _ = await approved_pair(harness)
    app = harness.app
    # The curator also takes part as a mentor, and has blocked the bot.
    joined = await app.services.participants.join(
        organization_id=ids["org"], telegram_id=CURATOR, role="mentor", birth_date=None,
        invitation_id=None,
    )  # fmt: skip
    assert joined is not None
    await member_update(harness, CURATOR, "member", "kicked")
    before = tries(harness, CURATOR)
    at(harness, datetime(2026, 3, 23, 1, 0, tzinfo=UTC))  # Monday 10:00 in Chita
    await cadence(app)
    assert await app.db.fetch_value("SELECT count(*) FROM job_runs WHERE job = 'digest'") == 1
    assert tries(harness, CURATOR) == before


async def test_a_question_to_someone_known_unreachable_is_settled_unsent(
    harness: Harness,
) -> None:
    _, pair_id = await approved_pair(harness)
    meeting_id = await confirmed(harness, pair_id)
    await harness.app.services.announcements.mark_unreachable(MASHA)
    before = tries(harness, MASHA)
    at(harness, FOLLOWUP_DUE)
    assert await tick(harness) == 1
    assert tries(harness, MASHA) == before
    state = await harness.app.db.fetch_value(
        "SELECT state FROM followups WHERE meeting_id = ? AND telegram_id = ?",
        (meeting_id, MASHA),
    )
    assert state == "unreachable"
