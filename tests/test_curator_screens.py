"""The views of candidates, admission and stats are neutral screens, and every button they
carry is data that exactly one of the routers' filters takes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from aiogram.types import CallbackQuery, User
from aiogram.utils.i18n import I18n

from bot.admission import MentorCard, MentorPage
from bot.models.matching import Admission
from bot.models.participants import CandidateRow, Participant
from bot.models.periods import Period
from bot.participants import CandidatePage, Status
from bot.reports.indicator_figures import SHARE_KEYS
from bot.screens import Screen
from handlers import admission, candidates, stats
from handlers.admission_views import card_screen, list_screen, reason_prompt
from handlers.candidates_views import candidates_screen
from handlers.stats_views import indicators_screen, organization_rows

NOW = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)


def person(pid: int, role: str) -> Participant:
    return Participant(pid, 1, 1000 + pid, role, "adult", None, None, NOW, None, NOW)


def card(pid: int, decision: str | None, trained: bool = False) -> MentorCard:
    admission_ = None if decision is None else Admission(pid, decision, None, trained, NOW)
    return MentorCard(person(pid, "mentor"), {}, admission_, 0)


def data_of(screen: Screen) -> list[str]:
    assert isinstance(screen, Screen)
    return [b.data for row in screen.rows for b in row if b.data is not None]


async def taken_by(router_data: str, routers: list[object]) -> int:
    """How many callback handlers of the routers (and their children) take this data."""
    query = CallbackQuery(
        id="1", from_user=User(id=1, is_bot=False, first_name="C"), chat_instance="1",
        data=router_data,
    )  # fmt: skip
    taken = 0
    for router in routers:
        for sub in router.chain_tail:  # type: ignore[attr-defined]
            for handler in sub.callback_query.handlers:
                matched, _ = await handler.check(query)
                taken += matched
    return taken


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # Reset afterwards: a current I18n left behind would leak into the next test of the worker.
    i18n = I18n(path="locales", default_locale="en", domain="messages")
    token = I18n.set_current(i18n)
    yield
    I18n.reset_current(token)


async def test_admission_screens_carry_data_one_handler_takes() -> None:
    cards = [card(n, d) for n, d in ((1, None), (2, "admitted"), (3, "declined"))]
    cards += [card(n, None) for n in range(4, 20)]
    pages = [MentorPage(cards[n * 8 : n * 8 + 8], len(cards), 17, n, 3) for n in (0, 1)]
    screens = [list_screen(pages[0]), list_screen(pages[1]), reason_prompt(1)]
    screens += [card_screen(c) for c in cards[:3]]
    routers = [admission.build_router()]
    found = [d for s in screens for d in data_of(s)]
    assert any(d.startswith("adm1a:1:admit") for d in found)
    assert any(d.startswith("adm1a:2:trained") for d in found)
    assert any(d == "adm1a:1:noreason" for d in found)
    for data in found:
        assert await taken_by(data, routers) == 1, data


async def test_candidates_screen_pages_with_data_its_router_takes() -> None:
    rows = [
        (CandidateRow(person(n, "mentee"), True, True, f"Имя {n}"), Status.READY)
        for n in range(31, 61)
    ]
    page = CandidatePage({("mentee", Status.READY): 69}, rows, 1, 3)
    screen = candidates_screen(page, {})
    found = data_of(screen)
    assert found == ["cand1:0", "cand1:2"]
    for data in found:
        assert await taken_by(data, [candidates.build_router()]) == 1


async def test_stats_screens_carry_data_one_handler_takes() -> None:
    targets = {key: 0.7 for key in SHARE_KEYS}
    screens = [
        indicators_screen(None, targets, 2025, "en"),
        Screen("figures", organization_rows(2, Period.current_cycle(), "the current cycle")),
    ]
    found = [d for s in screens for d in data_of(s)]
    assert "per1:o:mo:c:0:0" in found and "per1:o:su:c:0:0" in found
    assert "per1:m:st:c:0:0" in found
    assert any(d.startswith("ind1:t_") for d in found)
    for data in found:
        assert await taken_by(data, [stats.build_router()]) == 1, data
