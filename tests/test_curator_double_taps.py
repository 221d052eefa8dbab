"""Double taps on the curator's decisive buttons: one pair, a calm notice, no apology."""

from __future__ import annotations

from handlers.matching_views import ApproveShown, DirectPick, MatchMenu, ProposalAct
from tests.inprocess import Harness
from tests.joining import CURATOR
from tests.test_pairing import cohort

SORRY = "что-то пошло не так"


def notices(harness: Harness) -> str:
    return "\n".join(a.text or "" for a in harness.session.callback_answers())


def everything(harness: Harness) -> str:
    return "\n".join(s.text for s in harness.session.sent) + notices(harness)


async def test_a_double_tap_on_approve_makes_one_pair(harness: Harness) -> None:
    ids = await cohort(harness)
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    proposal = await harness.app.db.fetch_value(
        "SELECT id FROM proposals WHERE mentee_id = ?", (ids["masha"],)
    )
    approve = ProposalAct(proposal_id=proposal, action="approve").pack()
    await harness.press(CURATOR, approve)
    await harness.press(CURATOR, approve)
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs") == 1
    assert "Уже решено" in (harness.session.callback_answers()[-1].text or "")
    assert SORRY not in everything(harness).lower()


async def test_a_double_tap_on_approve_all_makes_the_pairs_once(harness: Harness) -> None:
    await cohort(harness)
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    run_id = await harness.app.db.fetch_value("SELECT max(id) FROM matching_runs")
    approve_all = ApproveShown(run_id=run_id, first=1, last=2).pack()
    await harness.press(CURATOR, approve_all)
    sent_before = len(harness.session.sent)
    again = await harness.press(CURATOR, approve_all)
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs") == 2
    assert again == [] and len(harness.session.sent) == sent_before
    assert "Уже решено" in (harness.session.callback_answers()[-1].text or "")
    assert SORRY not in everything(harness).lower()


async def test_a_double_tap_on_a_direct_assignment_makes_one_pair(harness: Harness) -> None:
    ids = await cohort(harness)
    assign = DirectPick(mentee_id=ids["vika"], mentor_id=ids["pavel"], force=True).pack()
    await harness.press(CURATOR, assign)
    introductions = len(harness.session.answers(203))
    await harness.press(CURATOR, assign)
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs") == 1
    assert len(harness.session.answers(203)) == introductions
    assert harness.session.callback_answers()[-1].text
    assert SORRY not in everything(harness).lower()
