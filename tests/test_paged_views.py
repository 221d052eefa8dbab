"""The curator's lists read one page: the counts and the order decided in the database agree
with the services' own rules, the last page is whole, and a page that no longer exists (the
list became shorter since the button was sent) shows the last existing page, not an error."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import date

from bot.participants import Status
from bot.representatives import CheckWay
from handlers.admission_views import AdmissionAction, AdmissionCard, AdmissionList
from handlers.candidates_views import CandidatesPage
from handlers.matching_views import MatchMenu, ProposalAct, UnmatchedPage
from handlers.workspace_views import Section, SectionName
from storage.repositories.participants import ParticipantRepository
from tests.cohort import mentee_answers, mentor_answers, ready
from tests.inprocess import Harness
from tests.joining import CURATOR, organization


async def join(harness: Harness, org: int, telegram_id: int, role: str, birth: str | None) -> int:
    participant = await harness.app.services.participants.join(
        organization_id=org, telegram_id=telegram_id, role=role,
        birth_date=date.fromisoformat(birth) if birth else None, invitation_id=None,
    )  # fmt: skip
    assert participant is not None
    return participant.id


async def consent(harness: Harness, participant_id: int, kind: str) -> None:
    await ParticipantRepository(harness.app.db).add_consent(
        participant_id=participant_id, kind=kind, given_by=participant_id + 10**6,
        representative_name="Мама" if kind == "representative" else None,
        representative_relation="mother" if kind == "representative" else None,
        text_version="v", text_sha256="0" * 64, locale="ru", now=harness.clock.now(),
    )  # fmt: skip


def page_line(text: str) -> tuple[int, int]:
    found = re.search(r"страница (\d+) из (\d+)", text)
    assert found, text
    return int(found[1]), int(found[2])


async def test_candidate_statuses_counted_in_sql_are_the_services_statuses(
    harness: Harness,
) -> None:
    org = (await organization(harness)).id
    repository = ParticipantRepository(harness.app.db)
    now = harness.clock.now()
    # Every way a child, a teen and an adult can stand: no consent, one of two, both, with
    # and without a confirmed questionnaire.
    telegram = 1000
    for birth in ("2015-03-01", "2010-03-01", None):
        for kinds in ((), ("self",), ("representative",), ("self", "representative")):
            # A representative's consent checked by the curator or not (migration 0026).
            for confirmed, checked in itertools.product((False, True), (False, True)):
                if checked and "representative" not in kinds:
                    continue
                telegram += 1
                role = "mentor" if telegram % 2 else "mentee"
                pid = await join(harness, org, telegram, role, birth)
                for kind in kinds:
                    await consent(harness, pid, kind)
                if checked:
                    assert await harness.app.services.representatives.check(
                        org, pid, CheckWay.RECORDS, CURATOR
                    ) == "done"  # fmt: skip
                if confirmed:
                    await repository.confirm(pid, now)
    services = harness.app.services.participants
    expected = Counter((row.participant.role, s) for row, s in await services.candidates(org))
    assert len(set(expected.values())) > 1 and {s for _, s in expected} == set(Status)
    order = [
        Status.WAITING_CONSENT,
        Status.WAITING_GUARDIAN,
        Status.QUESTIONNAIRE,
        Status.READY,
        Status.WAITING_CHECK,
    ]
    page = await services.candidate_page(org, 0, 100, order)
    assert page.counts == dict(expected)
    # The page's order: role, then the status in the given order, then id.
    keys = [
        (row.participant.role, order.index(status), row.participant.id) for row, status in page.rows
    ]
    assert keys == sorted(keys) and len(keys) == sum(expected.values())


async def test_candidates_last_page_and_a_page_that_no_longer_exists(harness: Harness) -> None:
    org = (await organization(harness)).id
    ids = [await join(harness, org, 2000 + n, "mentee", None) for n in range(65)]
    first = (await harness.press(CURATOR, Section(name=SectionName.CANDIDATES).pack()))[-1].text
    assert "• ждём согласия участника: 65" in first and page_line(first) == (1, 3)

    last = (await harness.press(CURATOR, CandidatesPage(page=2).pack()))[-1]
    assert page_line(last.text) == (3, 3)
    assert [f"Участник № {i}" in last.text for i in ids[60:]] == [True] * 5
    assert f"Участник № {ids[59]} " not in last.text
    assert [text for text, _ in last.buttons] == ["‹ Назад"]

    # Ten decline: the third page is gone; its button shows the last page there is.
    for pid in ids[:10]:
        participant = await harness.app.services.participants.get(pid)
        assert participant is not None
        await harness.app.services.participants.decline(participant)
    again = (await harness.press(CURATOR, CandidatesPage(page=2).pack()))[-1].text
    assert page_line(again) == (2, 2)
    assert "• ждём согласия участника: 55" in again and "Отказались: 10" in again
    assert f"Участник № {ids[64]} " in again and f"Участник № {ids[40]} " in again
    assert f"Участник № {ids[39]} " not in again


async def test_admission_pages_count_and_survive_a_shorter_list(harness: Harness) -> None:
    org = (await organization(harness)).id
    mentors = [
        await ready(harness, org, 3000 + n, "mentor", mentor_answers(f"Наставник Номер{n}"))
        for n in range(10)
    ]
    await harness.press(CURATOR, AdmissionAction(participant_id=mentors[0], action="admit").pack())
    listed = (await harness.press(CURATOR, Section(name=SectionName.ADMISSION).pack()))[-1]
    assert "анкет заполнено — 10, ожидают вашего решения — 9" in listed.text
    names = [text for text, _ in listed.buttons]
    # Undecided first, by id: the admitted one is on the second page.
    assert names[0].startswith("Наставник Номер1 ") and len(names) == 9  # 8 and «Next»
    second = (await harness.press(CURATOR, AdmissionList(page=1).pack()))[-1]
    assert [text.split(" — ")[0] for text, _ in second.buttons[:2]] == [
        "Наставник Номер9",
        "Наставник Номер0",
    ]
    assert second.buttons[-1][0] == "‹ Назад"

    # Three withdraw: one page is left; the second page's button shows it.
    for pid in mentors[7:]:
        participant = await harness.app.services.participants.get(pid)
        assert participant is not None
        await harness.app.services.participants.decline(participant)
    shorter = (await harness.press(CURATOR, AdmissionList(page=1).pack()))[-1]
    assert "анкет заполнено — 7, ожидают вашего решения — 6" in shorter.text
    assert len(shorter.buttons) == 7 and "Назад" not in str(shorter.buttons)
    # The card of a mentor who is gone is an outdated press: a notice, nothing shown.
    assert await harness.press(CURATOR, AdmissionCard(participant_id=mentors[9]).pack()) == []
    assert harness.session.callback_answers()[-1].text
    card = await harness.press(CURATOR, AdmissionCard(participant_id=mentors[6]).pack())
    assert "Наставник Номер6" in card[-1].text


async def test_matching_counts_are_the_cohort_and_the_waiting_list_pages(
    harness: Harness,
) -> None:
    org = (await organization(harness)).id
    # Places: an answer of 3, of 0 (read as 1), none (1), a mentor not admitted, one declined.
    three = await ready(
        harness, org, 4001, "mentor", mentor_answers("Ольга Викторовна", capacity=3)
    )
    zero = await ready(harness, org, 4002, "mentor", mentor_answers("Павел Андреевич", capacity=0))
    none = await ready(
        harness, org, 4003, "mentor", mentor_answers("Анна Сергеевна", capacity=None)
    )
    await ready(harness, org, 4004, "mentor", mentor_answers("Иван Петрович"))
    declined = await ready(harness, org, 4005, "mentor", mentor_answers("Олег Олегович"))
    for mentor, action in (
        (three, "admit"),
        (zero, "admit"),
        (none, "admit"),
        (declined, "decline"),
    ):
        await harness.press(CURATOR, AdmissionAction(participant_id=mentor, action=action).pack())
    mentees = [
        await ready(harness, org, 5000 + n, "mentee", mentee_answers(f"Ученик Номер{n}"))
        for n in range(14)
    ]
    await join(harness, org, 5100, "mentee", None)  # not ready: no consent

    async def agree() -> tuple[int, int, int]:
        found, mentors = await harness.app.services.pairing.cohort(org)
        counted = await harness.app.services.pairing.cohort_counts(org)
        assert counted == (len(found), len(mentors), sum(m.capacity for m in mentors))
        return counted

    assert await agree() == (14, 3, 5)
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    proposals = await harness.app.db.fetch_all(
        "SELECT id, mentor_id FROM proposals WHERE status = 'open' ORDER BY rank"
    )
    assert len(proposals) == 5
    for proposal in proposals[:3]:
        await harness.press(CURATOR, ProposalAct(proposal_id=proposal[0], action="approve").pack())
    assert await agree() == (11, 3 - sum(p[1] != three for p in proposals[:3]), 2)

    # Without a pair and without an open proposal: 14 - 5 = 9 mentees, 10 a page.
    waiting = (await harness.press(CURATOR, MatchMenu(action="unmatched").pack()))[-1]
    assert "Наставляемые без пары: 9" in waiting.text
    assert len([b for b, _ in waiting.buttons if b.startswith("Назначить")]) == 9
    # A page that no longer exists shows the last one.
    past = (await harness.press(CURATOR, UnmatchedPage(page=3).pack()))[-1]
    assert "Наставляемые без пары: 9" in past.text
    assert [text for text, _ in waiting.buttons] == [text for text, _ in past.buttons]
    # The two open proposals skipped: their mentees wait again, 11 on two pages.
    for proposal in proposals[3:]:
        await harness.press(CURATOR, ProposalAct(proposal_id=proposal[0], action="skip").pack())
    second = (await harness.press(CURATOR, UnmatchedPage(page=1).pack()))[-1]
    assert "Наставляемые без пары: 11" in second.text
    assert len([b for b, _ in second.buttons if b.startswith("Назначить")]) == 1
    assert mentees  # the ready mentees were seeded


async def test_every_change_the_lists_count_moves_the_school_counter(harness: Harness) -> None:
    org = (await organization(harness)).id
    other = (await organization(harness, "Школа № 6")).id
    services = harness.app.services
    db = harness.app.db
    seen: list[int] = []

    async def moved() -> bool:
        now = await services.participants.version(org)
        changed = not seen or now > seen[-1]
        seen.append(now)
        return changed

    assert await moved()
    mentor = await join(harness, org, 6001, "mentor", None)
    assert await moved()
    await consent(harness, mentor, "self")
    assert await moved()
    repository = ParticipantRepository(db)
    answers = mentor_answers("Ольга Викторовна", capacity=2)
    for key, value in answers.items():
        if key not in ("capacity", "full_name"):
            await repository.save_answer(mentor, key, value, None, harness.clock.now())
    assert not await moved()  # answers are read with the page, not counted
    # The full name is shown by the mentor ranking, which is kept with the activity counter
    # too (0022): the lists show no name in what they count, so their counter stays.
    _, activity = await services.participants.versions(org)
    await repository.save_answer(
        mentor, "full_name", answers["full_name"], None, harness.clock.now()
    )
    assert not await moved()
    assert (await services.participants.versions(org))[1] > activity
    await repository.save_answer(mentor, "capacity", 2, None, harness.clock.now())
    assert await moved()
    await repository.confirm(mentor, harness.clock.now())
    assert await moved()
    await harness.press(CURATOR, AdmissionAction(participant_id=mentor, action="admit").pack())
    assert await moved()
    mentee = await ready(harness, org, 6002, "mentee", mentee_answers("Маша Иванова"))
    assert await moved()
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    assert await moved()
    proposal = await db.fetch_value("SELECT id FROM proposals")
    await harness.press(CURATOR, ProposalAct(proposal_id=proposal, action="approve").pack())
    assert await moved()  # the proposal decided, the pair made
    before_other = await services.participants.version(other)
    participant = await services.participants.get(mentee)
    assert participant is not None
    await services.participants.decline(participant)
    assert await moved()  # the pair ended, the person gone
    assert await services.participants.version(other) == before_other
    # What the menu counts follows: the mentor's place is free again.
    assert await services.pairing.cohort_counts(org) == (0, 1, 2)
