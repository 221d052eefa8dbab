"""The curator's workspace: admission, whole-cohort matching, approval in the chat, pairs."""

from __future__ import annotations

from handlers.admission_views import AdmissionAction, AdmissionCard
from handlers.matching_views import (
    ApproveShown,
    DirectMentee,
    DirectPick,
    MatchMenu,
    ProposalAct,
)
from handlers.pair_views import PairEnd
from handlers.workspace_views import Section
from tests.cohort import choice, choices, mentee_answers, mentor_answers, ready
from tests.inprocess import Harness
from tests.joining import CURATOR, organization

OTHER_CURATOR = 556


async def cohort(harness: Harness) -> dict[str, int]:
    org = await organization(harness)
    ids = {
        "org": org.id,
        "olga": await ready(harness, org.id, 101, "mentor", mentor_answers("Ольга Викторовна")),
        "pavel": await ready(harness, org.id, 102, "mentor", mentor_answers(
            "Павел Андреевич", competencies=choices("career_choice"), interests=choices("sport"),
            days=choices("sat"), meeting_format=choice("in_person"))),
        "masha": await ready(harness, org.id, 201, "mentee", mentee_answers("Маша Иванова")),
        "petya": await ready(harness, org.id, 202, "mentee", mentee_answers(
            "Петя Сидоров", request=choices("career_choice"), interests=choices("sport"))),
        "vika": await ready(harness, org.id, 203, "mentee", mentee_answers(
            "Вика Орлова", form=choice("employer_pupil"))),
    }  # fmt: skip
    for mentor in ("olga", "pavel"):
        await harness.press(
            CURATOR, AdmissionAction(participant_id=ids[mentor], action="admit").pack()
        )
    return ids


def texts(harness: Harness, chat: int) -> str:
    return "\n".join(s.text for s in harness.session.sent if s.chat_id == chat)


async def test_admission_of_mentors(harness: Harness) -> None:
    org = await organization(harness)
    olga = await ready(harness, org.id, 101, "mentor", mentor_answers("Ольга Викторовна"))
    pavel = await ready(harness, org.id, 102, "mentor", mentor_answers("Павел Андреевич"))
    listing = (await harness.send(CURATOR, "/admission"))[0]
    assert "2 with" not in listing.text and "ожида" in listing.text
    card = await harness.press(CURATOR, AdmissionCard(participant_id=olga).pack())
    assert "Ольга Викторовна" in card[-1].text and "олимпиад" in card[-1].text.lower()
    await harness.press(CURATOR, AdmissionAction(participant_id=olga, action="admit").pack())
    assert "допустил" in texts(harness, 101)
    again = await harness.press(
        CURATOR, AdmissionAction(participant_id=olga, action="decline").pack()
    )
    assert "Уже решено" in (harness.session.callback_answers()[-1].text or "")
    # The card already shows the decision: the edit changes nothing and is no error.
    assert again == [] and "допущен" in harness.session.answers(CURATOR)[-1].text
    await harness.press(CURATOR, AdmissionAction(participant_id=olga, action="trained").pack())
    await harness.press(CURATOR, AdmissionAction(participant_id=pavel, action="decline").pack())
    await harness.send(CURATOR, "Пока нет свободного времени у куратора")
    assert "Причина: Пока нет свободного времени" in texts(harness, 102)
    rows = await harness.app.db.fetch_all(
        "SELECT participant_id, decision, trained FROM mentor_admissions ORDER BY participant_id"
    )
    assert [tuple(r) for r in rows] == [(olga, "admitted", 1), (pavel, "declined", 0)]
    # A pupil cannot admit anyone.
    refused = await harness.press(201, AdmissionAction(participant_id=pavel, action="admit").pack())
    assert refused == [] and "куратор" in (harness.session.callback_answers()[-1].text or "")


async def test_matching_explains_and_the_curator_approves_rejects_and_assigns(
    harness: Harness,
) -> None:
    ids = await cohort(harness)
    menu = (await harness.send(CURATOR, "/matching"))[0]
    assert "Наставляемых без пары, готовых к подбору: 3" in menu.text
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    sent = "\n".join(s.text for s in harness.session.sent if s.chat_id == CURATOR)
    assert "предложений — 2; без пары — 1" in sent
    proposals = await harness.app.db.fetch_all("SELECT id, mentee_id, mentor_id FROM proposals")
    by_mentee = {r["mentee_id"]: (r["id"], r["mentor_id"]) for r in proposals}
    assert by_mentee[ids["masha"]][1] == ids["olga"]
    assert by_mentee[ids["petya"]][1] == ids["pavel"]
    masha_card = next(
        s for s in harness.session.sent if "Маша Иванова" in s.text and "Почему" in s.text
    )
    assert "«Подготовка к олимпиадам»" in masha_card.text and "Шахматы" in masha_card.text

    approve = ProposalAct(proposal_id=by_mentee[ids["masha"]][0], action="approve").pack()
    await harness.press(CURATOR, approve)
    pair = await harness.app.db.fetch_one("SELECT mentor_id, mentee_id, form, directive FROM pairs")
    assert tuple(pair) == (ids["olga"], ids["masha"], "student_pupil", 0)
    # Both sides are introduced; the contact goes only to the pair.
    assert "Ольга Викторовна" in texts(harness, 201) and "Маша Иванова" in texts(harness, 101)
    assert "+7 900 111-22-33" in texts(harness, 101)
    assert "+7 900 111-22-33" not in texts(harness, 102)
    # A second press on the old button acts no twice.
    await harness.press(CURATOR, approve)
    assert "Уже решено" in (harness.session.callback_answers()[-1].text or "")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs") == 1

    await harness.press(
        CURATOR, ProposalAct(proposal_id=by_mentee[ids["petya"]][0], action="reject").pack()
    )
    assert await harness.app.db.fetch_value("SELECT count(*) FROM rejected_pairs") == 1
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    latest = await harness.app.db.fetch_all(
        "SELECT mentee_id, mentor_id FROM proposals "
        "WHERE run_id = (SELECT max(id) FROM matching_runs)"
    )
    assert (ids["petya"], ids["pavel"]) not in [tuple(r) for r in latest]

    unmatched = await harness.press(CURATOR, MatchMenu(action="unmatched").pack())
    assert (
        "Вика Орлова" in unmatched[-1].text and "другая форма наставничества" in unmatched[-1].text
    )
    choose = await harness.press(CURATOR, DirectMentee(mentee_id=ids["vika"]).pack())
    assert "Павел Андреевич" in str(choose[-1].buttons)
    warned = await harness.press(
        CURATOR, DirectPick(mentee_id=ids["vika"], mentor_id=ids["pavel"]).pack()
    )
    assert "нарушает правила" in warned[-1].text
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs") == 1
    await harness.press(
        CURATOR, DirectPick(mentee_id=ids["vika"], mentor_id=ids["pavel"], force=True).pack()
    )
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs WHERE directive = 1") == 1
    assert "Павел Андреевич" in texts(harness, 203)


async def test_approve_all_shown(harness: Harness) -> None:
    ids = await cohort(harness)
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    run_id = await harness.app.db.fetch_value("SELECT max(id) FROM matching_runs")
    await harness.press(CURATOR, ApproveShown(run_id=run_id, first=1, last=2).pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs") == 2
    assert "Утверждено: 2" in harness.session.sent[-1].text
    assert ids["vika"] not in [
        r[0] for r in await harness.app.db.fetch_all("SELECT mentee_id FROM pairs")
    ]


async def test_others_cannot_act_on_the_proposals(harness: Harness) -> None:
    ids = await cohort(harness)
    other = await harness.app.services.organizations.create("Лицей № 2", "Europe/Moscow")
    await harness.app.services.organizations.add_curator(other.id, OTHER_CURATOR)
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    proposal_id = await harness.app.db.fetch_value("SELECT min(id) FROM proposals")
    approve = ProposalAct(proposal_id=proposal_id, action="approve").pack()
    await harness.press(OTHER_CURATOR, approve)
    await harness.press(201, approve)
    await harness.press(
        OTHER_CURATOR, DirectPick(mentee_id=ids["vika"], mentor_id=ids["pavel"], force=True).pack()
    )
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs") == 0
    assert (
        await harness.app.db.fetch_value("SELECT count(*) FROM proposals WHERE status != 'open'")
        == 0
    )
    refusals = [a.text or "" for a in harness.session.callback_answers()[-3:]]
    assert "больше недоступно" in refusals[0] and "куратор" in refusals[1]


async def test_pairs_list_and_ending_early(harness: Harness) -> None:
    ids = await cohort(harness)
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    run_id = await harness.app.db.fetch_value("SELECT max(id) FROM matching_runs")
    await harness.press(CURATOR, ApproveShown(run_id=run_id, first=1, last=2).pack())
    listing = (await harness.send(CURATOR, "/pairs"))[0]
    assert "Ольга Викторовна → Маша Иванова" in listing.text
    pair_id = await harness.app.db.fetch_value(
        "SELECT id FROM pairs WHERE mentee_id = ?", (ids["masha"],)
    )
    await harness.press(CURATOR, PairEnd(pair_id=pair_id).pack())
    await harness.send(CURATOR, "Маша перешла в другую школу")
    assert "Маша перешла в другую школу" in texts(harness, 201)
    assert "Маша перешла в другую школу" in texts(harness, 101)
    mentees, _ = await harness.app.services.pairing.cohort(ids["org"])
    assert ids["masha"] in [m.participant_id for m in mentees]
    panel = (await harness.send(CURATOR, "/curator"))[0]
    assert "Подбор пар" in str(panel.buttons)
    pairs_again = await harness.press(CURATOR, Section(name="pairs").pack())
    assert "Маша Иванова" not in pairs_again[-1].text


async def test_long_lists_page(harness: Harness) -> None:
    from handlers.matching_views import UnmatchedPage

    org = await organization(harness)
    for n in range(12):
        answers = mentee_answers(f"Ученик Номер{n:02d}", form=choice("employer_pupil"))
        await ready(harness, org.id, 300 + n, "mentee", answers)
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    first = (await harness.press(CURATOR, MatchMenu(action="unmatched").pack()))[-1]
    assert "Наставляемые без пары</b>: 12" not in first.text and ": 12" in first.text
    assert "Номер00" in first.text and "Номер11" not in first.text
    second = (await harness.press(CURATOR, UnmatchedPage(page=1).pack()))[-1]
    assert "Номер11" in second.text and "Номер00" not in second.text


async def test_the_preference_round_and_mutual_choice(harness: Harness) -> None:
    from handlers.preference_views import PreferencePick, RoundAction

    org = await organization(harness)
    # Two equal mentors for one mentee: only the mutual choice can decide.
    anna = await ready(harness, org.id, 111, "mentor", mentor_answers("Анна Сергеевна"))
    boris = await ready(harness, org.id, 112, "mentor", mentor_answers("Борис Олегович"))
    masha = await ready(harness, org.id, 201, "mentee", mentee_answers("Маша Иванова"))
    for mentor in (anna, boris):
        await harness.press(CURATOR, AdmissionAction(participant_id=mentor, action="admit").pack())
    await harness.press(CURATOR, RoundAction(open=True).pack())
    await harness.app.services.outbox.idle()  # the invitations are queued for the cohort
    assert "/choose" in texts(harness, 201) and "/choose" in texts(harness, 112)

    cards = (await harness.send(201, "/choose"))[0]
    assert "Наставник № 1" in cards.text and "Анна" not in cards.text  # cards are anonymous
    await harness.press(201, PreferencePick(chooser=masha, chosen=boris).pack())
    await harness.press(112, PreferencePick(chooser=boris, chosen=masha).pack())
    # Forged: a choice for someone else, and of someone not compatible, change nothing.
    await harness.press(201, PreferencePick(chooser=boris, chosen=masha).pack())
    await harness.press(201, PreferencePick(chooser=masha, chosen=masha).pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM preferences") == 2

    await harness.press(CURATOR, MatchMenu(action="run").pack())
    row = await harness.app.db.fetch_one("SELECT mentor_id, explanation FROM proposals")
    assert row["mentor_id"] == boris
    card = next(s for s in harness.session.sent if "Маша Иванова" in s.text and "Почему" in s.text)
    assert "оба выбрали друг друга" in card.text


async def test_a_typed_other_request_is_explained_by_its_text(harness: Harness) -> None:
    org = await organization(harness)
    mentor = await ready(
        harness,
        org.id,
        121,
        "mentor",
        mentor_answers(
            "Ирина Львовна", competencies={"choices": ["other"], "other": "Шахматная композиция"}
        ),
    )
    await ready(harness, org.id, 221, "mentee", mentee_answers(
        "Коля Белов", request={"choices": ["other"], "other": "шахматная композиция"}))  # fmt: skip
    await harness.press(CURATOR, AdmissionAction(participant_id=mentor, action="admit").pack())
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    card = next(s for s in harness.session.sent if "Коля Белов" in s.text and "Почему" in s.text)
    assert "«шахматная композиция»" in card.text.lower()


async def test_a_withdrawal_ends_the_pair_and_tells_the_partner(harness: Harness) -> None:
    from handlers.rights_views import RevokeDecision

    ids = await cohort(harness)
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    proposal = await harness.app.db.fetch_value(
        "SELECT id FROM proposals WHERE mentee_id = ?", (ids["masha"],)
    )
    await harness.press(CURATOR, ProposalAct(proposal_id=proposal, action="approve").pack())
    await harness.send(201, "/revoke")
    await harness.press(201, RevokeDecision(confirm=True).pack())
    assert "Ваша пара завершена" in texts(harness, 101)
    # The pair stays, ended today by the withdrawal, with Masha's side empty.
    pair = await harness.app.db.fetch_one(
        "SELECT mentor_id, mentee_id, ended_on, end_reason, completed FROM pairs"
    )
    assert pair is not None
    assert tuple(pair) == (
        ids["olga"], None, harness.clock.now().date().isoformat(),
        "participant withdrew consent", 0,
    )  # fmt: skip
    _, mentors = await harness.app.services.pairing.cohort(ids["org"])
    assert ids["olga"] in [m.participant_id for m in mentors]  # her place is free again
