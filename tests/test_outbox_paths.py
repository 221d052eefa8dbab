"""What the bot tells the other side goes through the outbox: in the recipient's language,
never to someone who blocked the bot; presses that no longer apply get a calm answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SendMessage

from handlers.admission_views import AdmissionAction
from handlers.announcement_texts import AnnounceAction, AnnounceStep
from handlers.callbacks import LinkRevoke, LinksPage, OrgCuratorLink, OrgPage
from handlers.holiday_views import HolidayRemove
from handlers.matching_views import MatchMenu, ProposalAct
from handlers.meeting_texts import (
    MeetAnswer,
    MeetCancel,
    MeetDay,
    MeetFormat,
    MeetPlan,
    MeetTime,
)
from handlers.pair_plan_views import EndSkip, GoalsStart, RhythmAct, RhythmField
from handlers.pair_views import PairEnd, PairsPage
from tests.cohort import mentor_answers, ready
from tests.inprocess import Harness
from tests.joining import CURATOR, organization
from tests.test_pairing import cohort, texts

OLGA, MASHA = 101, 201
APOLOGY = "Извините, у меня что-то пошло не так"


async def approve_pair(harness: Harness, ids: dict[str, int]) -> int:
    await harness.press(CURATOR, MatchMenu(action="run").pack())
    proposal = await harness.app.db.fetch_value(
        "SELECT id FROM proposals WHERE mentee_id = ?", (ids["masha"],)
    )
    await harness.press(CURATOR, ProposalAct(proposal_id=proposal, action="approve").pack())
    return int(await harness.app.db.fetch_value("SELECT id FROM pairs"))


async def propose(
    harness: Harness, user: int, pair_id: int, day: str, language: str = "ru"
) -> None:
    at = "1500"
    for data in (
        MeetPlan(pair_id=pair_id),
        MeetDay(pair_id=pair_id, day=day),
        MeetTime(pair_id=pair_id, day=day, at=at),
        MeetFormat(pair_id=pair_id, day=day, at=at, online=True),
    ):
        await harness.press(user, data.pack(), language_code=language)
    await harness.send(user, "https://meet.example/abc", language_code=language)


def last_to(harness: Harness, chat: int) -> str:
    return [s for s in harness.session.sent if s.chat_id == chat][-1].text


def everything(harness: Harness) -> str:
    return "\n".join(s.text for s in harness.session.sent) + "\n".join(
        a.text or "" for a in harness.session.callback_answers()
    )


async def english_masha_pair(harness: Harness) -> int:
    """Masha's Telegram speaks English and she never used /language; the others Russian."""
    ids = await cohort(harness)
    await harness.send(MASHA, "/help", language_code="en")
    return await approve_pair(harness, ids)


async def test_the_introduction_comes_in_the_recipients_language(harness: Harness) -> None:
    await english_masha_pair(harness)
    intro = texts(harness, MASHA)
    assert "Meet your mentor: Ольга Викторовна" in intro and "Знакомьтесь" not in intro
    assert "Знакомьтесь" in texts(harness, OLGA)  # the mentor's stays in Russian


async def test_a_proposal_and_its_confirmation_come_in_the_recipients_language(
    harness: Harness,
) -> None:
    pair_id = await english_masha_pair(harness)
    await propose(harness, OLGA, pair_id, "20260317")
    offer = last_to(harness, MASHA)
    assert "proposes a meeting" in offer and "March 17, 2026" in offer, offer
    assert "Отправлено" in last_to(harness, OLGA) or "на подтверждение" in last_to(harness, OLGA)
    # Masha asks for another time (in English); Olga, in Russian, confirms Masha's proposal.
    meeting = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    await harness.press(
        MASHA, MeetAnswer(meeting_id=meeting, confirm=False).pack(), language_code="en"
    )
    await propose(harness, MASHA, pair_id, "20260318", language="en")
    assert "предлагает встречу" in last_to(harness, OLGA)
    second = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    await harness.press(OLGA, MeetAnswer(meeting_id=second, confirm=True).pack())
    confirmed = last_to(harness, MASHA)
    assert "The meeting is confirmed" in confirmed and "March 18, 2026" in confirmed, confirmed
    assert "Встреча подтверждена" in last_to(harness, OLGA)


async def test_pair_ended_comes_in_the_recipients_language(harness: Harness) -> None:
    pair_id = await english_masha_pair(harness)
    await harness.press(CURATOR, PairEnd(pair_id=pair_id).pack())
    await harness.send(CURATOR, "Переезд в другой город")
    assert "The curator has ended your pair early" in last_to(harness, MASHA)
    assert "досрочно" in last_to(harness, OLGA)


async def test_the_admission_decision_comes_in_the_candidates_language(
    harness: Harness,
) -> None:
    org = await organization(harness)
    olga = await ready(harness, org.id, OLGA, "mentor", mentor_answers("Ольга Викторовна"))
    await harness.send(OLGA, "/help", language_code="en")
    await harness.press(CURATOR, AdmissionAction(participant_id=olga, action="admit").pack())
    assert "Good news: the curator has admitted you as a mentor" in last_to(harness, OLGA)
    # A double tap: one decision, a calm answer, no apology.
    await harness.press(CURATOR, AdmissionAction(participant_id=olga, action="admit").pack())
    assert texts(harness, OLGA).count("Good news") == 1
    assert APOLOGY not in everything(harness)


async def test_nothing_reaches_a_person_after_their_403_and_the_curators_hear_once(
    harness: Harness,
) -> None:
    ids = await cohort(harness)
    harness.session.fail_chats.add(MASHA)
    pair_id = await approve_pair(harness, ids)  # the introduction meets the 403
    await propose(harness, OLGA, pair_id, "20260317")  # the proposal
    await harness.send(OLGA, "/meetings")
    meeting = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    await harness.press(OLGA, MeetCancel(meeting_id=meeting).pack())
    await harness.send(OLGA, "Заболела, перенесём")  # the cancel notice
    await harness.press(CURATOR, PairEnd(pair_id=pair_id).pack())
    await harness.send(CURATOR, "Переезд в другой город")  # pair ended
    await harness.app.services.outbox.idle()
    tried = [c for c in harness.session.calls if isinstance(c, SendMessage) and c.chat_id == MASHA]
    assert len(tried) == 1  # only the first message was tried
    told = [s for s in harness.session.sent if "бот заблокирован" in s.text]
    assert [s.chat_id for s in told] == [CURATOR]
    # The later paths did run: the meeting is cancelled and the pair ended.
    assert await harness.app.db.fetch_value("SELECT status FROM meetings") == "cancelled"
    assert await harness.app.db.fetch_value("SELECT ended_on FROM pairs") is not None


async def test_a_double_tap_on_confirm_confirms_once(harness: Harness) -> None:
    pair_id = await english_masha_pair(harness)
    await propose(harness, OLGA, pair_id, "20260317")
    meeting = int(await harness.app.db.fetch_value("SELECT max(id) FROM meetings"))
    confirm = MeetAnswer(meeting_id=meeting, confirm=True).pack()
    await harness.press(MASHA, confirm, language_code="en")
    await harness.press(MASHA, confirm, language_code="en")
    assert texts(harness, OLGA).count("Встреча подтверждена") == 1
    assert "Already decided" in (harness.session.callback_answers()[-1].text or "")
    assert APOLOGY not in everything(harness)
    status = await harness.app.db.fetch_value(
        "SELECT status FROM meetings WHERE id = ?", (meeting,)
    )
    assert status == "confirmed"


async def test_ending_an_ended_pair_again_is_outdated(harness: Harness) -> None:
    pair_id = await english_masha_pair(harness)
    await harness.press(CURATOR, PairEnd(pair_id=pair_id).pack())
    await harness.send(CURATOR, "Переезд в другой город")
    again = await harness.press(CURATOR, PairEnd(pair_id=pair_id).pack())
    assert again == [] and "уже" in (harness.session.callback_answers()[-1].text or "").lower()
    assert texts(harness, OLGA).count("досрочно") == 1
    assert APOLOGY not in everything(harness)


# -- forged ids ------------------------------------------------------------------------------
FORGED = (str(2**70), "-5", str(10**30))

SAMPLES: list[tuple[int, CallbackData]] = [
    (OLGA, MeetPlan(pair_id=1, replaces=1)),
    (OLGA, MeetDay(pair_id=1, day="20260317", replaces=1)),
    (OLGA, MeetTime(pair_id=1, day="20260317", at="1500", replaces=1)),
    (OLGA, MeetFormat(pair_id=1, day="20260317", at="1500", online=True, replaces=1)),
    (MASHA, MeetAnswer(meeting_id=1, confirm=True)),
    (OLGA, MeetCancel(meeting_id=1)),
    (OLGA, GoalsStart(pair_id=1)),
    (OLGA, EndSkip(pair_id=1)),
    (OLGA, RhythmAct(pair_id=1, field=RhythmField.TIME, value=900)),
    (CURATOR, PairsPage(page=1)),
    (CURATOR, PairEnd(pair_id=1)),
    (CURATOR, HolidayRemove(holiday_id=1)),
    (CURATOR, AnnounceAction(action=AnnounceStep.SEND, draft=1)),
    (CURATOR, LinkRevoke(invitation_id=1)),
    (CURATOR, LinksPage(page=1)),
    (777, OrgPage(page=1)),
    (777, OrgCuratorLink(org_id=1)),
]


def forged_presses() -> Iterator[tuple[int, str]]:
    for user, sample in SAMPLES:
        names = list(type(sample).model_fields)
        parts = sample.pack().split(":")
        for index, name in enumerate(names, start=1):
            if type(sample).model_fields[name].annotation not in ("Id", "Page", "int") and not (
                name.endswith("_id") or name in ("page", "replaces", "draft", "value")
            ):
                continue
            for forged in FORGED:
                yield user, ":".join([*parts[:index], forged, *parts[index + 1 :]])


class Counting(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def errors() -> Iterator[Counting]:
    counting = Counting()
    watched = [logging.getLogger("handlers.errors"), logging.getLogger("aiogram.event")]
    for logger in watched:
        logger.addHandler(counting)
    yield counting
    for logger in watched:
        logger.removeHandler(counting)


async def test_forged_huge_or_negative_ids_get_a_calm_answer(
    harness: Harness, errors: Counting
) -> None:
    await english_masha_pair(harness)
    presses = list(forged_presses())
    assert len(presses) >= 3 * len(SAMPLES)
    for user, data in presses:
        before = len(harness.session.callback_answers())
        await harness.press(user, data)
        answers = harness.session.callback_answers()[before:]
        assert len(answers) == 1, data  # answered once: the fallback or the outdated notice
        assert APOLOGY not in (answers[0].text or ""), data
    assert [r.getMessage() for r in errors.records] == []
    assert APOLOGY not in everything(harness)
