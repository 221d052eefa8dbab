"""The curator's /announce through the real dispatcher, with the sending in the background."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage, TelegramMethod

from bot.announcements import Audience
from bot.models.organizations import Organization
from handlers.announcement_texts import AnnounceAction, AnnounceAudience
from handlers.rights_views import RevokeDecision
from handlers.states import AnnounceDialogue
from tests.inprocess import Harness, Sent, member_update, running_harness
from tests.joining import CURATOR, organization

MENTEE = 1001
MENTEE_EN = 1002
LEAVER = 1003  # withdraws between the preview and the sending
SILENT = 1004  # blocked the bot earlier: marked unreachable
MENTOR = 2001
TEXT = "Встреча в пятницу <b>в 15:00</b> & не опаздывайте"


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    # Fast rates keep the background sends short; the sender's own tests check the limits.
    async with running_harness(
        tmp_path, send_rate_per_second=500, send_rate_per_chat_per_second=100
    ) as h:
        yield h


async def join(harness: Harness, org: Organization, user: int, role: str) -> None:
    joined = await harness.app.services.participants.join(
        organization_id=org.id, telegram_id=user, role=role, birth_date=None, invitation_id=None
    )
    assert joined is not None


async def school(harness: Harness) -> Organization:
    org = await organization(harness)
    for user in (MENTEE, MENTEE_EN, LEAVER, SILENT):
        await join(harness, org, user, "mentee")
    await join(harness, org, MENTOR, "mentor")
    await harness.app.services.languages.choose(MENTEE_EN, "en")
    await harness.app.services.announcements.mark_unreachable(SILENT)
    return org


async def finished(harness: Harness) -> None:
    assert await harness.app.services.background.wait_idle(10)


def texts_to(harness: Harness, user: int, since: int = 0) -> list[str]:
    """New messages to this person (edits of earlier ones left out)."""
    return [
        s.text
        for s in harness.session.sent[since:]
        if s.chat_id == user and s.method == "sendMessage"
    ]


async def prepare(harness: Harness, audience: Audience, text: str = TEXT) -> list[Sent]:
    """/announce, the audience button, the text: up to the preview."""
    menu = (await harness.send(CURATOR, "/announce"))[0]
    data = menu.data_of(
        {Audience.MENTORS: "наставникам", Audience.MENTEES: "наставляемым"}.get(
            audience, "участникам"
        )
    )
    prompt = await harness.press(CURATOR, data, menu.message_id)
    assert "Объявление для" in prompt[0].text
    return await harness.send(CURATOR, text)


async def test_the_curator_sends_to_mentees_only(harness: Harness) -> None:
    await school(harness)
    menu = (await harness.send(CURATOR, "/announce"))[0]
    assert "«Школа № 5»: кому отправить объявление?" in menu.text
    assert [text for text, _ in menu.buttons] == [
        "Всем наставникам: 1",
        "Всем наставляемым: 4",
        "Всем участникам: 5",
        "Отмена",
    ]
    prompt = await harness.press(CURATOR, menu.data_of("наставляемым"), menu.message_id)
    assert "Объявление для всех наставляемых" in prompt[0].text
    assert await harness.state_of(CURATOR) == AnnounceDialogue.text.state

    shown, summary = await harness.send(CURATOR, TEXT)
    assert shown.text == f"Сообщение от куратора «Школа № 5»:\n\n{TEXT}"
    assert "Получателей: 3." in summary.text
    assert "заблокировали бота или удалили аккаунт: 1." in summary.text
    assert "Участник № 4 (имя пока не указано) — наставляемый" in summary.text
    assert await harness.state_of(CURATOR) == AnnounceDialogue.confirm.state

    # Withdrawing after the preview: the recipients are read when the sending starts.
    await harness.send(LEAVER, "/revoke")
    await harness.press(LEAVER, RevokeDecision(confirm=True).pack())
    assert await harness.app.services.participants.find(1, LEAVER, "mentee") is None

    mark = len(harness.session.sent)
    sending = await harness.press(CURATOR, summary.data_of("Отправить"), summary.message_id)
    assert "Отправляю, получателей: 2." in sending[0].text
    assert sending[0].method == "editMessageText" and not sending[0].buttons
    await finished(harness)

    assert texts_to(harness, MENTEE, mark) == [f"Сообщение от куратора «Школа № 5»:\n\n{TEXT}"]
    assert texts_to(harness, MENTEE_EN, mark) == [
        f"Message from the curator of “Школа № 5”:\n\n{TEXT}"
    ]
    assert texts_to(harness, LEAVER, mark) == []
    assert texts_to(harness, SILENT, mark) == []
    assert texts_to(harness, MENTOR, mark) == []
    (report,) = texts_to(harness, CURATOR, mark)
    assert (
        "Объявление для всех наставляемых отправлено: доставлено — 2, не удалось доставить — 1"
        in (report)
    )
    assert "Участник № 4 (имя пока не указано) — наставляемый" in report
    assert await harness.state_of(CURATOR) is None


async def test_the_text_goes_out_escaped_and_arrives_literally(harness: Harness) -> None:
    await school(harness)
    summary = (await prepare(harness, Audience.MENTORS, "<b>не жирный</b> & <i>x</i> <a"))[-1]
    await harness.press(CURATOR, summary.data_of("Отправить"), summary.message_id)
    await finished(harness)

    (sent,) = [
        c
        for c in harness.session.calls
        if isinstance(c, SendMessage) and c.chat_id == MENTOR and "куратора" in c.text
    ]
    assert "&lt;b&gt;не жирный&lt;/b&gt; &amp; &lt;i&gt;x&lt;/i&gt; &lt;a" in sent.text
    assert texts_to(harness, MENTOR)[-1].endswith("\n\n<b>не жирный</b> & <i>x</i> <a")


async def test_everyone_means_each_person_once(harness: Harness) -> None:
    org = await school(harness)
    await join(harness, org, MENTEE, "mentor")  # a pupil who is also a mentor
    summary = (await prepare(harness, Audience.EVERYONE))[-1]
    assert "Получателей: 4." in summary.text
    mark = len(harness.session.sent)
    await harness.press(CURATOR, summary.data_of("Отправить"), summary.message_id)
    await finished(harness)
    assert len(texts_to(harness, MENTEE, mark)) == 1
    assert len(texts_to(harness, MENTOR, mark)) == 1
    assert texts_to(harness, SILENT, mark) == []


async def test_a_pupil_cannot_announce(harness: Harness) -> None:
    await school(harness)
    refused = await harness.send(MENTEE, "/announce")
    assert "Это может сделать только куратор организации" in refused[0].text
    mark = len(harness.session.sent)
    await harness.press(MENTEE, AnnounceAudience(audience=Audience.EVERYONE).pack())
    await harness.press(MENTEE, AnnounceAction(action="send", draft=1).pack())
    answers = harness.session.callback_answers()[-2:]
    assert all("только куратор" in (a.text or "") and a.show_alert for a in answers)
    assert harness.session.sent[mark:] == []
    assert await harness.state_of(MENTEE) is None


async def test_a_blocked_recipient_is_reported_and_skipped_next_time(harness: Harness) -> None:
    await school(harness)
    session = harness.session
    original = session.make_request
    attempts: list[int] = []

    async def blocked_mentor(
        bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        if isinstance(method, SendMessage) and method.chat_id == MENTOR:
            attempts.append(MENTOR)
            raise TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
        return await original(bot, method, timeout)

    session.make_request = blocked_mentor  # type: ignore[method-assign]
    summary = (await prepare(harness, Audience.EVERYONE))[-1]
    assert "Получателей: 4." in summary.text
    mark = len(session.sent)
    await harness.press(CURATOR, summary.data_of("Отправить"), summary.message_id)
    await finished(harness)
    assert attempts == [MENTOR]  # a 403 is not retried
    # The outbox's policy: the curator hears once that the mentor blocked the bot, then the
    # report.
    blocked, report = texts_to(harness, CURATOR, mark)
    assert "бот заблокирован" in blocked
    assert "доставлено — 3, не удалось доставить — 2" in report
    assert "Участник № 5 (имя пока не указано) — наставник" in report

    summary = (await prepare(harness, Audience.EVERYONE))[-1]
    assert "Получателей: 3." in summary.text
    await harness.press(CURATOR, summary.data_of("Отправить"), summary.message_id)
    await finished(harness)
    assert attempts == [MENTOR]  # skipped without trying


async def test_blocking_and_unblocking_the_bot_change_reachability(harness: Harness) -> None:
    await school(harness)
    reachability = harness.app.services.announcements

    await member_update(harness, MENTOR, "member", "kicked")
    view = await reachability.audience(1, Audience.MENTORS)
    assert [p.telegram_id for p in view.unreachable] == [MENTOR]
    await member_update(harness, SILENT, "kicked", "member")
    view = await reachability.audience(1, Audience.MENTEES)
    assert view.unreachable == () and len(view.reachable) == 4


async def test_the_text_is_checked_and_can_be_replaced(harness: Harness) -> None:
    await school(harness)
    menu = (await harness.send(CURATOR, "/announce"))[0]
    await harness.press(CURATOR, menu.data_of("наставникам"), menu.message_id)

    too_long = await harness.send(CURATOR, "😀" * 1501)  # 3002 characters as Telegram counts
    assert "Получилось 3002 символа; сократите, пожалуйста, до 3000" in too_long[0].text
    picture = await harness.send_raw(CURATOR, {"sticker": {"file_id": "x", "file_unique_id": "y",
                                                           "type": "regular", "width": 1,
                                                           "height": 1, "is_animated": False,
                                                           "is_video": False}})  # fmt: skip
    assert "Пришлите объявление текстовым сообщением" in picture[0].text
    assert await harness.state_of(CURATOR) == AnnounceDialogue.text.state

    first = (await harness.send(CURATOR, "Первый вариант"))[-1]
    second = (await harness.send(CURATOR, "Второй вариант"))[-1]
    old = await harness.press(CURATOR, first.data_of("Отправить"), first.message_id)
    assert old == [] and "уже отправлено или отменено" in (
        harness.session.callback_answers()[-1].text or ""
    )
    mark = len(harness.session.sent)
    await harness.press(CURATOR, second.data_of("Отправить"), second.message_id)
    await harness.press(CURATOR, second.data_of("Отправить"), second.message_id)  # double tap
    assert "уже отправлено или отменено" in (harness.session.callback_answers()[-1].text or "")
    await finished(harness)
    assert [t.split("\n\n")[-1] for t in texts_to(harness, MENTOR, mark)] == ["Второй вариант"]


async def test_cancel_sends_nothing(harness: Harness) -> None:
    await school(harness)
    summary = (await prepare(harness, Audience.EVERYONE))[-1]
    mark = len(harness.session.sent)
    cancelled = await harness.press(CURATOR, summary.data_of("Отмена"), summary.message_id)
    assert "Объявление отменено, ничего не отправлено" in cancelled[0].text
    assert await harness.state_of(CURATOR) is None
    await finished(harness)
    assert [s.chat_id for s in harness.session.sent[mark:]] == [CURATOR]


async def test_nobody_to_announce_to(harness: Harness) -> None:
    await organization(harness)
    replies = await harness.send(CURATOR, "/announce")
    assert "объявление отправить некому" in replies[0].text and not replies[0].buttons


async def test_stopping_the_bot_interrupts_the_send_and_tells_the_curator(
    tmp_path: Path,
) -> None:
    async with running_harness(
        tmp_path, send_rate_per_second=4, send_rate_per_chat_per_second=1
    ) as harness:
        org = await school(harness)
        for user in range(3001, 3013):
            await join(harness, org, user, "mentee")
        summary = (await prepare(harness, Audience.MENTEES))[-1]
        mark = len(harness.session.sent)
        await harness.press(CURATOR, summary.data_of("Отправить"), summary.message_id)
        assert harness.app.services.background.active == 1

        await harness.app.services.background.close(0.3)
        assert harness.app.services.background.active == 0
        delivered = [s for s in harness.session.sent[mark:] if s.chat_id != CURATOR]
        assert 1 <= len(delivered) < 15
        report = texts_to(harness, CURATOR, mark)[-1]
        assert "Рассылка объявления для всех наставляемых прервана" in report
        assert f"Доставлено {len(delivered)} из 16" in report


async def test_two_refusals_at_once_mark_a_person_newly_once(harness: Harness) -> None:
    """Two sends to one person refused at the same moment: the curator hears of it once."""
    await school(harness)
    announcements = harness.app.services.announcements
    results = await asyncio.gather(*(announcements.mark_unreachable(MENTOR) for _ in range(3)))
    assert sorted(results) == [False, False, True]
    assert await announcements.mark_unreachable(MENTOR) is False
