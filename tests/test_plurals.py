"""Numbers in the texts agree with their nouns: «1 балл, 2 балла, 5 баллов, 21 балл»."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.utils.i18n import I18n

from bot.app import LOCALES_DIR
from bot.formatting import until
from bot.models.matching import ProposalRow
from handlers.matching_views import proposal_text, waiting_line
from handlers.people import age_range_line
from handlers.texts import too_long_text
from jobs.reminders import until_text

NUMBERS = (1, 2, 5, 21)


@pytest.fixture
def ru() -> Iterator[I18n]:
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain="messages")
    with i18n.context(), i18n.use_locale("ru"):
        yield i18n


def forms(render: Callable[[int], str]) -> list[str]:
    return [render(n) for n in NUMBERS]


def proposal(score: int) -> ProposalRow:
    return ProposalRow(1, 1, 1, 10, 20, score, [], "open", 1)


def test_points_of_a_proposal(ru: I18n) -> None:
    heads = forms(lambda n: proposal_text(proposal(n), {}).split("\n")[0])
    assert heads == [
        "<b>Предложение № 1</b> · 1 балл",
        "<b>Предложение № 1</b> · 2 балла",
        "<b>Предложение № 1</b> · 5 баллов",
        "<b>Предложение № 1</b> · 21 балл",
    ]
    assert "83 балла" in proposal_text(proposal(83), {})
    assert "баллов" in proposal_text(proposal(11), {})


def test_minutes_before_a_meeting(ru: I18n) -> None:
    meeting = datetime(2026, 3, 17, 13, tzinfo=UTC)
    said = forms(
        lambda n: until_text(until(meeting, meeting - timedelta(minutes=n), "Asia/Chita"), "ru")
    )
    assert said == ["через 1 минуту", "через 2 минуты", "через 5 минут", "через 21 минуту"]


def test_characters_of_a_text_too_long(ru: I18n) -> None:
    said = [text.split(";")[0] for text in forms(lambda n: too_long_text(n, 1))]
    assert said == [
        "Получилось 1 символ",
        "Получилось 2 символа",
        "Получилось 5 символов",
        "Получилось 21 символ",
    ]


def test_meeting_settings_and_places(ru: I18n) -> None:
    from aiogram.utils.i18n import ngettext

    def days(n: int) -> str:
        return ngettext(
            "A pair without a meeting for 14 days and {n} more day gets a reminder.",
            "A pair without a meeting for 14 days and {n} more days gets a reminder.",
            n,
        ).format(n=n)

    assert [d.split("ещё ")[1].split(" получает")[0] for d in forms(days)] == [
        "1 день", "2 дня", "5 дней", "21 день",
    ]  # fmt: skip
    places = forms(lambda n: ngettext("{n} place", "{n} places", n).format(n=n))
    assert places == ["1 место", "2 места", "5 мест", "21 место"]


def test_when_a_reminder_comes_in_words(ru: I18n) -> None:
    now = datetime(2026, 3, 17, 20, tzinfo=UTC)  # 05:00 on 18 March in Chita
    assert until_text(until(now + timedelta(hours=11), now, "Asia/Chita"), "ru") == (
        "сегодня в 16:00"
    )
    assert until_text(until(now + timedelta(hours=35), now, "Asia/Chita"), "ru") == (
        "завтра в 16:00"
    )
    assert until_text(until(now + timedelta(hours=59), now, "Asia/Chita"), "ru") == (
        "20 марта в 16:00"
    )
    assert until_text(until(now + timedelta(hours=1), now, "Asia/Chita"), "ru") == "через час"


def test_when_a_reminder_comes_in_english(ru: I18n) -> None:
    now = datetime(2026, 3, 17, 20, tzinfo=UTC)
    with ru.use_locale("en"):
        assert until_text(until(now + timedelta(hours=11), now, "Asia/Chita"), "en") == (
            "today at 16:00"
        )
        assert until_text(until(now + timedelta(hours=35), now, "Asia/Chita"), "en") == (
            "tomorrow at 16:00"
        )
        assert until_text(until(now + timedelta(hours=1), now, "Asia/Chita"), "en") == (
            "in an hour"
        )
        assert until_text(until(now + timedelta(minutes=30), now, "Asia/Chita"), "en") == (
            "in 30 minutes"
        )
        assert until_text(until(now + timedelta(minutes=1), now, "Asia/Chita"), "en") == (
            "in 1 minute"
        )


def test_the_age_range_and_the_waiting_reasons(ru: I18n) -> None:
    assert age_range_line({"mentee_age_from": 22, "mentee_age_to": 40}) == (
        "Возраст наставляемых: 22–40"
    )
    assert age_range_line({"mentee_age_to": 40}) == "Возраст наставляемых: до 40"
    assert age_range_line({}) is None
    full = {"mentee_id": 1, "reasons": ["no_capacity"], "had_allowed": False}
    assert "свободных мест у них нет" in waiting_line("Петя", full, None)
    assert "пропустили" in waiting_line("Маша", None, "skipped")


def test_years_in_the_mentor_register() -> None:
    from bot.reports.registers import years_after_preposition

    said = [f"до {n} {years_after_preposition(n)}" for n in (*NUMBERS, 11, 40)]
    assert said == ["до 1 года", "до 2 лет", "до 5 лет", "до 21 года", "до 11 лет", "до 40 лет"]
