"""Each area's views return neutral screens whose buttons the area's router takes: every
button's data is accepted by exactly one callback handler's filter (one per enum value)."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from aiogram import Router
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery, User
from aiogram.utils.i18n import I18n

from bot.app import LOCALES_DIR
from bot.models.holidays import HolidayRow
from bot.models.organizations import Organization, OrganizationListing
from bot.models.pairs import Pair
from bot.models.participants import Participant
from bot.organizations import RussianZone
from bot.pairing import PairPeople
from bot.participants import AgeGroup
from bot.screens import Screen
from handlers import (
    guardian,
    guardian_link,
    holidays,
    language,
    meeting_settings,
    monitoring_offer,
    organizations,
    pairs,
    preferences,
    rights,
    support,
)
from handlers.guardian_views import consent_screen, relation_screen, waiting_screen
from handlers.holiday_views import holidays_screen
from handlers.language_views import language_screen
from handlers.meeting_settings_views import settings_screen
from handlers.monitoring_views import reminder_screen
from handlers.organization_views import organizations_screen, zone_screen
from handlers.pair_views import PairsPage, pairs_screen
from handlers.preference_views import round_screen
from handlers.rights_views import Withdrawing, revoke_screen
from handlers.support_views import confirmation_screen, topic_screen


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = I18n(path=LOCALES_DIR, default_locale="en", domain="messages")
    with i18n.context(), i18n.use_locale("en"):
        yield


def data_of(screen: Screen) -> list[str]:
    return [b.data for row in screen.rows for b in row if b.data is not None]


async def takers(router: Router, data: str) -> list[str]:
    """The callback handlers of ``router`` whose callback-data filter accepts ``data``."""
    query = CallbackQuery(
        id="1",
        from_user=User(id=1, is_bot=False, first_name="A"),
        chat_instance="c",
        data=data,
    )
    found = []
    for handler in router.callback_query.handlers:
        checks = [f.callback for f in handler.filters or []]
        data_checks = [c for c in checks if isinstance(c, CallbackQueryFilter)]
        if data_checks and all([await c(query) for c in data_checks]):
            found.append(handler.callback.__name__)
    return found


async def assert_taken(router: Router, screen: Screen) -> None:
    assert screen.rows, "the screen has buttons"
    for data in data_of(screen):
        assert len(await takers(router, data)) == 1, data


def participant(pid: int, role: str) -> Participant:
    return Participant(
        pid, 1, 1000 + pid, role, AgeGroup.ADULT, None, None, datetime(2026, 1, 1, tzinfo=UTC),
        None, None,
    )  # fmt: skip


async def test_pairs() -> None:
    pair = Pair(7, 1, 1, 2, "pupil_pupil", date(2026, 2, 1), None, None, False)
    people = PairPeople(pair, participant(1, "mentor"), participant(2, "mentee"))
    screen = pairs_screen(20, Counter({1: 2}), [people], 1, 3)
    assert "(group of 2)" in screen.text
    router = pairs.build_router()
    own = [d for d in data_of(screen) if not d.startswith("cy1")]  # «finished»: the cycles'
    assert len(own) == 3  # end, back, next
    for data in own:
        assert len(await takers(router, data)) == 1, data
    assert PairsPage.unpack(own[-1]).page == 2


async def test_organizations() -> None:
    organization = Organization(3, "Школа № 5", "Europe/Moscow", datetime(2026, 1, 1))
    listing = [OrganizationListing(organization, 1, 5)]
    router = organizations.build_router()
    await assert_taken(router, organizations_screen(listing, 0, 2))
    for data in data_of(zone_screen("Школа")):
        # The zone buttons act only in the dialogue; the filter itself parses them.
        assert "choose_zone" in await takers(router, data)
    assert len(zone_screen("Школа").rows[0]) == 2 and len(list(RussianZone)) == 11


async def test_holidays_and_meeting_settings() -> None:
    row = HolidayRow(4, 1, date(2026, 12, 30), date(2027, 1, 10), "Зимние")
    await assert_taken(holidays.build_router(), holidays_screen([row], "note"))
    screen = settings_screen((1440, 60), 60, 30, 2)
    await assert_taken(meeting_settings.build_router(), screen)
    assert len(screen.rows) == 4


async def test_language_support_preferences_rights() -> None:
    await assert_taken(language.build_router(), language_screen("ru", ("ru", "en")))
    await assert_taken(support.build_router(), topic_screen())
    await assert_taken(support.build_router(), confirmation_screen("<b>text</b>"))
    assert "&lt;b&gt;text&lt;/b&gt;" in confirmation_screen("<b>text</b>").text
    for is_open in (True, False):
        screen = round_screen(is_open)
        assert await takers(preferences.build_curator_router(), data_of(screen)[0]) == [
            "close_round" if is_open else "open_round"
        ]
    screen = revoke_screen(Withdrawing((("Школа", "mentor"),), (("Школа", None),), False))
    assert [await takers(rights.build_router(), d) for d in data_of(screen)] == [
        ["withdraw"],
        ["keep_consent"],
    ]


async def test_guardian_and_monitoring() -> None:
    await assert_taken(guardian.build_router(), relation_screen())
    await assert_taken(guardian_link.build_router(), waiting_screen(AgeGroup.TEEN, 5))
    await assert_taken(monitoring_offer.build_router(), reminder_screen(True, 5))
    decision = consent_screen("consent", 3)
    assert [await takers(guardian.build_router(), d) for d in data_of(decision)] == [
        ["on_agree"],
        ["on_decline"],
    ]


VIEWS = (
    "export_views", "guardian_views", "holiday_views", "language_views",
    "meeting_settings_views", "monitoring_views", "organization_views", "pair_views",
    "preference_views", "rights_views", "start_views", "support_views",
)  # fmt: skip


@pytest.mark.parametrize("name", VIEWS)
def test_views_know_no_messenger(name: str) -> None:
    """Of aiogram, a view uses only callback data and gettext (a second messenger can take
    the same screens)."""
    tree = ast.parse((Path(__file__).parent.parent / "handlers" / f"{name}.py").read_text())
    used = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aiogram")
    }
    assert used <= {"aiogram.filters.callback_data", "aiogram.utils.i18n"}, used
