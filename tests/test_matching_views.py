"""What the curator reads while matching: why a mentee waits, the batch's live count, the
preference round's state, a mentor's age range."""

from __future__ import annotations

from aiogram.methods import EditMessageReplyMarkup

from handlers.admission_views import AdmissionAction, AdmissionCard
from handlers.matching_views import ApproveShown, MatchMenu, ProposalAct
from handlers.preference_views import RoundAction
from tests.cohort import choices, mentee_answers, mentor_answers, ready
from tests.inprocess import Harness
from tests.joining import CURATOR, organization


async def admit(harness: Harness, *mentors: int) -> None:
    for mentor in mentors:
        await harness.press(CURATOR, AdmissionAction(participant_id=mentor, action="admit").pack())


async def unmatched_text(harness: Harness) -> str:
    return (await harness.press(CURATOR, MatchMenu(action="unmatched").pack()))[-1].text


async def test_full_mentors_are_not_reported_as_missing_ones(harness: Harness) -> None:
    org = await organization(harness)
    olga = await ready(harness, org.id, 101, "mentor", mentor_answers("Ольга Викторовна"))
    await admit(harness, olga)
    await ready(harness, org.id, 201, "mentee", mentee_answers("Маша Иванова"))
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    proposal = await harness.app.db.fetch_value("SELECT id FROM proposals")
    await harness.press(CURATOR, ProposalAct(proposal_id=proposal, action="approve").pack())
    # Olga's only place is taken; Petya would suit her, Vika asks for what nobody gives.
    await ready(harness, org.id, 202, "mentee", mentee_answers("Петя Сидоров"))
    await ready(harness, org.id, 203, "mentee", mentee_answers("Вика Орлова", birth="2001-05-01"))
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    text = await unmatched_text(harness)
    assert "Петя Сидоров: подходящие наставники есть, но свободных мест у них нет" in text
    assert "Вика Орлова: нет подходящего наставника (" in text
    assert "Петя Сидоров: нет подходящего наставника" not in text
    assert "Маша Иванова" not in text  # in a pair now


async def test_places_taken_in_the_run_and_a_skipped_proposal(harness: Harness) -> None:
    org = await organization(harness)
    olga = await ready(harness, org.id, 101, "mentor", mentor_answers("Ольга Викторовна"))
    await admit(harness, olga)
    await ready(harness, org.id, 201, "mentee", mentee_answers("Маша Иванова"))
    await ready(harness, org.id, 202, "mentee", mentee_answers(
        "Петя Сидоров", request=choices("career_choice")))  # fmt: skip
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    text = await unmatched_text(harness)
    assert "Петя Сидоров: свободные места у подходящих наставников достались другим" in text
    assert "Маша Иванова" not in text  # her proposal is still open

    proposal = await harness.app.db.fetch_value("SELECT id FROM proposals")
    await harness.press(CURATOR, ProposalAct(proposal_id=proposal, action="skip").pack())
    text = await unmatched_text(harness)
    assert "Маша Иванова: вы пропустили предложенную пару" in text
    assert "учтён при следующем запуске" in text and "не участвовал" not in text
    mentees, _ = await harness.app.services.pairing.cohort(org.id)
    assert len(mentees) == 2  # both still in the pool


async def test_approve_all_counts_what_is_still_undecided(harness: Harness) -> None:
    org = await organization(harness)
    mentors = [
        await ready(harness, org.id, 100 + n, "mentor", mentor_answers(f"Наставник Номер{n}"))
        for n in range(4)
    ]
    await admit(harness, *mentors)
    for n in range(4):
        await ready(harness, org.id, 200 + n, "mentee", mentee_answers(f"Ученик Номер{n}"))
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    summary = next(s for s in reversed(harness.session.sent) if "Показано" in s.text)
    assert "Показано 4 из 4 нерассмотренных предложений" in summary.text
    assert "Утвердить все показанные (4)" in str(summary.buttons)

    ids = [r[0] for r in await harness.app.db.fetch_all("SELECT id FROM proposals ORDER BY rank")]
    for proposal, action in ((ids[0], "reject"), (ids[1], "approve")):
        await harness.press(CURATOR, ProposalAct(proposal_id=proposal, action=action).pack())
    edits = [
        c
        for c in harness.session.calls
        if isinstance(c, EditMessageReplyMarkup) and c.message_id == summary.message_id
    ]
    assert len(edits) == 2
    last = edits[-1].reply_markup
    assert last is not None
    assert [b.text for row in last.inline_keyboard for b in row] == ["Утвердить все показанные (2)"]

    run_id = await harness.app.db.fetch_value("SELECT max(id) FROM matching_runs")
    await harness.press(CURATOR, summary.data_of("Утвердить все"))
    assert "Утверждено: 2; не удалось утвердить (данные изменились): 0" in (
        harness.session.sent[-1].text
    )
    statuses = await harness.app.db.fetch_all(
        "SELECT status FROM proposals WHERE run_id = ? ORDER BY rank", (run_id,)
    )
    assert [r[0] for r in statuses] == ["rejected", "approved", "approved", "approved"]
    assert ApproveShown.unpack(summary.data_of("Утвердить все")).last == 4


async def test_the_preference_round_shows_its_new_state(harness: Harness) -> None:
    await organization(harness)
    opened = await harness.press(CURATOR, RoundAction(open=True).pack())
    assert opened[-1].method == "editMessageText" and "Сейчас: открыт." in opened[-1].text
    assert "Закрыть" in str(opened[-1].buttons)
    closed = await harness.press(CURATOR, RoundAction(open=False).pack())
    assert "Сейчас: закрыт." in closed[-1].text and "Открыть" in str(closed[-1].buttons)


async def test_the_admission_card_shows_the_age_range(harness: Harness) -> None:
    org = await organization(harness)
    both = await ready(harness, org.id, 101, "mentor", mentor_answers(
        "Ольга Викторовна", mentee_age_from=22, mentee_age_to=40))  # fmt: skip
    low = await ready(harness, org.id, 102, "mentor", mentor_answers(
        "Павел Андреевич", mentee_age_from=22, mentee_age_to=None))  # fmt: skip
    card = (await harness.press(CURATOR, AdmissionCard(participant_id=both).pack()))[-1].text
    assert "Возраст наставляемых: 22–40" in card and "от:" not in card and "до:" not in card
    card = (await harness.press(CURATOR, AdmissionCard(participant_id=low).pack()))[-1].text
    assert "Возраст наставляемых: от 22" in card
