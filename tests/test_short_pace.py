"""Short-term pairs (a form of pace 'short'): their meeting order, the overdue rule, and the
rhythm screens not offered (pure rules, and in-process through the services and the card)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cadence import is_overdue, keeps_rhythm
from bot.clock import to_db
from bot.schedule import SHORT_ORDER, MeetingKind, next_kind
from bot.short_pairs import ShortProblem
from dialogs.forms import FormPace
from handlers.followups import FollowupAnswer
from handlers.meeting_board_views import PairCard
from handlers.short_views import ShortMore
from storage.repositories.organizations import OrganizationRepository
from tests.inprocess import running_harness
from tests.joining import CURATOR
from tests.test_cadence_rule import HELD, cadence, calendar
from tests.test_followups import confirmed
from tests.test_meetings import MASHA, OLGA, approved_pair


def test_a_short_pair_meets_first_to_agree_on_its_goal_then_for_its_final_meeting() -> None:
    assert SHORT_ORDER == (MeetingKind.PLANNING, MeetingKind.FINAL)
    assert next_kind([], FormPace.SHORT) is MeetingKind.PLANNING
    assert next_kind([MeetingKind.PLANNING], FormPace.SHORT) is MeetingKind.FINAL
    # The full cycle is unchanged.
    assert next_kind([]) is MeetingKind.ACQUAINTANCE
    assert next_kind([MeetingKind.ACQUAINTANCE], FormPace.REGULAR) is MeetingKind.TRIAL
    with pytest.raises(ValueError):
        next_kind([MeetingKind.PLANNING, MeetingKind.FINAL], FormPace.SHORT)


def test_a_short_pair_is_never_overdue_a_regular_one_is() -> None:
    regular = cadence(last_held=HELD)
    short = replace(regular, pace=FormPace.SHORT)
    later = HELD + timedelta(days=60)
    assert is_overdue(regular, calendar(3), later)
    assert not is_overdue(short, calendar(3), later)
    assert not is_overdue(replace(short, last_held=None), calendar(3), later)
    assert keeps_rhythm(FormPace.REGULAR) and not keeps_rhythm(FormPace.SHORT)
    assert keeps_rhythm(FormPace.SPEED)  # a stray pair of a speed form: the full cycle


async def test_no_rhythm_is_offered_to_a_short_pair(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as harness:
        services, db = harness.app.services, harness.app.db
        _, pair_id = await approved_pair(harness)
        org_id, form = await db.fetch_one(
            "SELECT organization_id, form FROM pairs WHERE id = ?", (pair_id,)
        )
        # A regular pair: the rhythm can be looked at and the curator may relax it.
        assert await services.pair_plans.rhythm(pair_id, OLGA) is not None
        card = await harness.press(CURATOR, PairCard(pair_id=pair_id).pack())
        assert any("реже" in text for text, _ in card[-1].buttons), card[-1].buttons

        marked = await OrganizationRepository(db).set_form_profile(
            org_id, form, mentor_kind=None, mentee_kind=None, pace=FormPace.SHORT
        )
        assert marked is not None
        assert await services.pair_plans.rhythm(pair_id, OLGA) is None
        assert await services.pair_plans.rhythm(pair_id, MASHA) is None
        assert await services.pair_plans.set_rhythm_consent(org_id, pair_id, True) is None
        assert await db.fetch_value("SELECT count(*) FROM rhythms") == 0
        history = await services.cadence.history(org_id, pair_id)
        assert history is not None and not history.keeps_rhythm and not history.overdue
        card = await harness.press(CURATOR, PairCard(pair_id=pair_id).pack())
        assert not any("реже" in text for text, _ in card[-1].buttons), card[-1].buttons
        pair = await services.pairing.pair(org_id, pair_id)
        assert pair is not None and await services.meetings.pace_of(pair) is FormPace.SHORT


async def test_a_short_pair_may_hold_further_working_meetings_before_its_final_one(
    tmp_path: Path,
) -> None:
    async with running_harness(tmp_path) as harness:
        services, db = harness.app.services, harness.app.db
        _, pair_id = await approved_pair(harness)
        org_id, form = await db.fetch_one(
            "SELECT organization_id, form FROM pairs WHERE id = ?", (pair_id,)
        )
        await OrganizationRepository(db).set_form_profile(
            org_id, form, mentor_kind=None, mentee_kind=None, pace=FormPace.SHORT
        )
        more = ShortMore(pair_id=pair_id).pack()
        assert await services.short_pairs.one_more(pair_id, OLGA) is ShortProblem.NOT_YET

        # The first meeting (17 March, 15:00 in Chita) is a working one; held, the mentor is
        # asked for the final meeting or one more working meeting.
        first = await confirmed(harness, pair_id)
        assert await db.fetch_value("SELECT kind FROM meetings WHERE id = ?", (first,)) == (
            "planning"
        )
        assert await services.short_pairs.one_more(pair_id, OLGA) is ShortProblem.NOT_YET
        harness.clock.advance(timedelta(days=6))
        told = await harness.press(OLGA, FollowupAnswer(meeting_id=first, answer="held").pack())
        offer = next(s for s in told if s.chat_id == OLGA and more in str(s.buttons))
        assert "заключительную встречу" in offer.text, offer.text
        agreed = await harness.press(OLGA, more)
        assert "будет рабочей" in agreed[-1].text, agreed[-1].text
        await harness.press(OLGA, more)  # a double tap asks once
        assert await db.fetch_value("SELECT further FROM short_pair_further") == 1
        assert await services.short_pairs.one_more(pair_id, 9999) is ShortProblem.NOT_YOURS

        # The working meeting, a week later: held, the next is the final one again.
        second = await confirmed(harness, pair_id, day="20260324")
        assert await db.fetch_value("SELECT kind FROM meetings WHERE id = ?", (second,)) == (
            "regular"
        )
        harness.clock.advance(timedelta(days=7))
        told = await harness.press(OLGA, FollowupAnswer(meeting_id=second, answer="held").pack())
        assert any(s.chat_id == OLGA and more in str(s.buttons) for s in told), told
        # No rhythm planned a meeting by itself: the final one is proposed by the pair.
        assert await db.fetch_value("SELECT count(*) FROM rhythms") == 0
        assert await db.fetch_value("SELECT count(*) FROM meetings") == 2
        final = await confirmed(harness, pair_id, day="20260327")
        assert await db.fetch_value("SELECT kind FROM meetings WHERE id = ?", (final,)) == "final"
        assert await services.short_pairs.one_more(pair_id, OLGA) is ShortProblem.PLANNED


async def test_two_missed_meetings_of_a_short_pair_still_alert_the_curator(
    tmp_path: Path,
) -> None:
    async with running_harness(tmp_path) as harness:
        services, db = harness.app.services, harness.app.db
        _, pair_id = await approved_pair(harness)
        org_id, form, mentor = await db.fetch_one(
            "SELECT organization_id, form, mentor_id FROM pairs WHERE id = ?", (pair_id,)
        )
        await OrganizationRepository(db).set_form_profile(
            org_id, form, mentor_kind=None, mentee_kind=None, pace=FormPace.SHORT
        )
        now = harness.clock.now()
        async with db.transaction() as tx:
            for days in (2, 9):
                await tx.execute(
                    "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, "
                    "place, proposed_by, created_at) VALUES (?, 'planning', 'missed', ?, "
                    "'online', 'link', ?, ?)",
                    (pair_id, to_db(now + timedelta(days=days)), mentor, to_db(now)),
                )
        raised = await services.cadence.meeting_missed(org_id, pair_id)
        assert raised is not None and raised.attention.reason == "missed_twice"
        harness.clock.advance(timedelta(days=60))
        assert await services.cadence.overdue(org_id) == []
        assert [a.reason for a, _ in await services.cadence.attention(org_id)] == ["missed_twice"]
