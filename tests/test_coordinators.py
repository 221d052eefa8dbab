"""Coordinators appointed in the chat by an administrator's single-use link, and the
municipality's own numbers they enter (in-process; time by ManualClock)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.coordinators import LinkProblem
from bot.models.coordinators import CoordinatorJoin
from bot.reports.targets import InputProblem
from handlers.coordinator_views import CoordinatorPick, LinkStep, MunicipalEdit, MunicipalField
from handlers.meeting_board_views import Consent, Resolve
from handlers.stats_views import IndicatorEdit
from tests.e2e.process import run_cli
from tests.inprocess import Harness, Sent

ADMIN, COORDINATOR, OTHER, CURATOR = 777, 601, 602, 603
LINK = re.compile(r"https://t\.me/mentor_test_bot\?start=([A-Za-z0-9_-]{16,64})")


def texts(sent: list[Sent]) -> str:
    return "\n".join(s.text for s in sent)


async def schools(harness: Harness, count: int) -> list[int]:
    organizations = harness.app.services.organizations
    return [
        (await organizations.create(f"Школа № {n}", "Asia/Chita")).id for n in range(1, count + 1)
    ]


async def covered(harness: Harness, telegram_id: int) -> list[int]:
    rows = await harness.app.db.fetch_all(
        "SELECT organization_id FROM coordinators WHERE telegram_id = ? ORDER BY 1",
        (telegram_id,),
    )
    return [r[0] for r in rows]


def alert(harness: Harness) -> str:
    answer = harness.session.callback_answers()[-1]
    assert answer.show_alert, answer
    return answer.text or ""


async def test_an_administrator_makes_a_link_that_the_first_opener_takes(
    harness: Harness,
) -> None:
    ids = await schools(harness, 10)  # two pages of eight
    screen = (await harness.send(ADMIN, "/coordinator", language_code="en"))[-1]
    assert "Selected: 0 organizations." in screen.text and "Page 1 of 2" in screen.text
    assert [text for text, _ in screen.buttons][:2] == ["▫️ Школа № 1", "▫️ Школа № 2"]
    # Nothing selected: "Next" is refused with an alert.
    await harness.press(ADMIN, screen.data_of("Done choosing"), language_code="en")
    assert "at least one organization" in alert(harness)
    screen = (await harness.press(ADMIN, screen.data_of("Школа № 1"), language_code="en"))[-1]
    assert "Selected: 1 organization." in screen.text and "✅ Школа № 1" in screen.text + str(
        screen.buttons
    )
    screen = (await harness.press(ADMIN, screen.data_of("Next ›"), language_code="en"))[-1]
    assert "Page 2 of 2" in screen.text
    screen = (await harness.press(ADMIN, screen.data_of("Школа № 9"), language_code="en"))[-1]
    screen = (await harness.press(ADMIN, screen.data_of("Школа № 10"), language_code="en"))[-1]
    screen = (await harness.press(ADMIN, screen.data_of("Школа № 10"), language_code="en"))[-1]
    assert "Selected: 2 organizations." in screen.text and "Page 2 of 2" in screen.text
    # A forged organization id changes nothing.
    forged = CoordinatorPick(action=LinkStep.TOGGLE, org_id=999, page=0).pack()
    await harness.press(ADMIN, forged, language_code="en")
    prompt = (await harness.press(ADMIN, screen.data_of("Done choosing"), language_code="en"))[-1]
    assert "The link will be for 2 organizations:" in prompt.text
    assert "Школа № 1" in prompt.text and "Школа № 9" in prompt.text
    # A name too long is asked again; then the municipality's name.
    assert "shorten it to 200" in texts(await harness.send(ADMIN, "х" * 201, language_code="en"))
    made = texts(await harness.send(ADMIN, "  Городской округ   «Город Чита» ", language_code="en"))
    assert "Coordinator link for “Городской округ «Город Чита»”:" in made
    assert "works once" in made and "figures of 2 organizations" in made
    match = LINK.search(made)
    assert match is not None, made
    token = match.group(1)
    row = await harness.app.db.fetch_one(
        "SELECT municipality, created_by, used_by FROM coordinator_links WHERE token = ?",
        (token,),
    )
    assert tuple(row) == ("Городской округ «Город Чита»", ADMIN, None)
    assert await harness.state_of(ADMIN) is None

    # The coordinator opens it: exactly these organizations, and the menu of a coordinator.
    welcome = texts(await harness.send(COORDINATOR, f"/start {token}", language_code="en"))
    assert "You are now the municipal coordinator" in welcome
    assert "Городской округ «Город Чита»" in welcome and "/municipality" in welcome
    assert await covered(harness, COORDINATOR) == [ids[0], ids[8]]
    commands = [
        c for c in harness.session.calls if type(c).__name__ == "SetMyCommands"
    ]  # the menu of the new coordinator's chat
    assert commands and "municipality" in {c.command for c in commands[-1].commands}
    # A double tap: told it is theirs already; nothing changes.
    again = texts(await harness.send(COORDINATOR, f"/start {token}", language_code="en"))
    assert "already opened this link" in again
    assert await covered(harness, COORDINATOR) == [ids[0], ids[8]]
    # Somebody else: the link is used.
    other = texts(await harness.send(OTHER, f"/start {token}", language_code="en"))
    assert "already been used" in other
    assert await covered(harness, OTHER) == []
    assert await harness.app.services.coordinators.municipality(COORDINATOR) == (
        "Городской округ «Город Чита»"
    )


async def test_select_all_clear_and_a_link_without_a_name(harness: Harness) -> None:
    ids = await schools(harness, 3)
    screen = (await harness.send(ADMIN, "/coordinator", language_code="en"))[-1]
    screen = (await harness.press(ADMIN, screen.data_of("Select all"), language_code="en"))[-1]
    assert "Selected: 3 organizations." in screen.text
    screen = (await harness.press(ADMIN, screen.data_of("Clear"), language_code="en"))[-1]
    assert "Selected: 0 organizations." in screen.text
    screen = (await harness.press(ADMIN, screen.data_of("Select all"), language_code="en"))[-1]
    prompt = (await harness.press(ADMIN, screen.data_of("Done choosing"), language_code="en"))[-1]
    made = texts(await harness.press(ADMIN, prompt.data_of("Without a name"), language_code="en"))
    assert "Coordinator link:" in made and "figures of 3 organizations" in made
    assert await harness.app.db.fetch_value("SELECT municipality FROM coordinator_links") is None
    links = await harness.app.db.fetch_all(
        "SELECT organization_id FROM coordinator_link_organizations"
    )
    assert sorted(r[0] for r in links) == ids
    # The dialogue is over: its old buttons are outdated and make no second link.
    await harness.press(ADMIN, prompt.data_of("Without a name"), language_code="en")
    await harness.press(ADMIN, screen.data_of("Clear"), language_code="en")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM coordinator_links") == 1


async def test_only_administrators_make_links(harness: Harness) -> None:
    await schools(harness, 2)
    reply = texts(await harness.send(OTHER, "/coordinator", language_code="en"))
    assert "Only the bot's administrators" in reply
    assert await harness.state_of(OTHER) is None
    await harness.press(OTHER, CoordinatorPick(action=LinkStep.ALL).pack(), language_code="en")
    assert "Only the bot's administrators" in alert(harness)
    result = await harness.app.services.coordinators.create_link([1], None, OTHER)
    assert result is LinkProblem.NOT_ALLOWED
    assert await harness.app.db.fetch_value("SELECT count(*) FROM coordinator_links") == 0


async def test_a_link_expires_like_a_curator_link(harness: Harness) -> None:
    ids = await schools(harness, 1)
    link = await harness.app.services.coordinators.create_link(ids, None, None)
    assert not isinstance(link, LinkProblem)
    assert link.expires_at - link.created_at == timedelta(days=7)
    harness.clock.advance(timedelta(days=7, seconds=1))
    reply = texts(await harness.send(COORDINATOR, f"/start {link.token}", language_code="en"))
    assert "has expired" in reply
    assert await covered(harness, COORDINATOR) == []


async def test_two_people_opening_at_once_one_becomes_coordinator(harness: Harness) -> None:
    ids = await schools(harness, 2)
    coordinators = harness.app.services.coordinators
    link = await coordinators.create_link(ids, None, ADMIN)
    assert not isinstance(link, LinkProblem)
    first, second = await asyncio.gather(
        coordinators.accept(link.token, COORDINATOR), coordinators.accept(link.token, OTHER)
    )
    assert sorted([first.outcome, second.outcome]) == sorted(
        [CoordinatorJoin.JOINED, CoordinatorJoin.USED]
    )
    owners = await harness.app.db.fetch_all("SELECT DISTINCT telegram_id FROM coordinators")
    assert len(owners) == 1


async def test_a_link_for_an_organization_that_does_not_exist_is_not_made(
    harness: Harness,
) -> None:
    ids = await schools(harness, 1)
    coordinators = harness.app.services.coordinators
    assert await coordinators.create_link([ids[0], 42], None, ADMIN) is (
        LinkProblem.UNKNOWN_ORGANIZATION
    )
    assert await coordinators.create_link([], None, ADMIN) is LinkProblem.NO_ORGANIZATIONS
    assert await coordinators.create_link(ids, "   ", ADMIN) is LinkProblem.EMPTY_NAME
    assert await harness.app.db.fetch_value("SELECT count(*) FROM coordinator_links") == 0
    unknown = await coordinators.accept("x" * 32, COORDINATOR)
    assert unknown.outcome is CoordinatorJoin.UNKNOWN


async def _coordinator_of(harness: Harness, ids: list[int], name: str | None = "Район") -> None:
    link = await harness.app.services.coordinators.create_link(ids, name, ADMIN)
    assert not isinstance(link, LinkProblem)
    await harness.send(COORDINATOR, f"/start {link.token}", language_code="en")


async def test_the_coordinator_enters_the_municipalitys_numbers(harness: Harness) -> None:
    ids = await schools(harness, 3)
    await _coordinator_of(harness, ids)
    view = (await harness.send(COORDINATOR, "/municipality", language_code="en"))[-1]
    assert "Numbers of the municipality “Район”" in view.text
    assert "school year 2025/2026" in view.text  # the clock is in March 2026
    assert "not only in the 3 organizations you cover" in view.text
    assert "Pupils aged 10–19: not entered" in view.text
    await harness.press(COORDINATOR, view.data_of("Pupils aged 10–19"), language_code="en")
    assert "in the whole municipality" in harness.session.sent[-1].text
    for bad, problem in (("много", "whole number"), ("5000000", "out of range")):
        assert problem in texts(await harness.send(COORDINATOR, bad, language_code="en"))
    saved = (await harness.send(COORDINATOR, "12 500", language_code="en"))[-1]
    assert "Saved." in saved.text and "Pupils aged 10–19: 12500" in saved.text
    await harness.press(COORDINATOR, saved.data_of("Partner enterprises"), language_code="en")
    await harness.send(COORDINATOR, "40", language_code="en")
    service = harness.app.services.coordinators
    row = await service.municipal_denominators(COORDINATOR, 2025)
    assert row is not None and row.school_year == 2025 and not row.complete
    assert row.values == {
        "pupils_10_19": 12500,
        "youth_15_19": None,
        "young_teachers": None,
        "enterprises": 40,
    }
    assert await service.municipal_denominators(COORDINATOR, 2024) is None
    # The next school year: last year's numbers are offered and carried when one changes.
    harness.clock.advance(timedelta(days=200))  # September 2026
    offered = await service.municipal_denominators(COORDINATOR, 2026)
    assert offered is not None and offered.school_year == 2025
    view = (await harness.send(COORDINATOR, "/municipality", language_code="en"))[-1]
    assert "last year's numbers" in view.text
    assert await service.set_municipal_denominator(COORDINATOR, "youth_15_19", "3000") == 3000
    carried = await service.municipal_denominators(COORDINATOR, 2026)
    assert carried is not None and carried.school_year == 2026
    assert carried.values["pupils_10_19"] == 12500 and carried.values["youth_15_19"] == 3000
    # The schools' own numbers are untouched.
    assert await harness.app.db.fetch_value("SELECT count(*) FROM denominators") == 0


async def test_only_a_coordinator_enters_municipal_numbers(harness: Harness) -> None:
    await schools(harness, 1)
    reply = texts(await harness.send(OTHER, "/municipality", language_code="en"))
    assert "Only a municipal coordinator" in reply
    field = MunicipalEdit(field=MunicipalField.PUPILS_10_19).pack()
    await harness.press(OTHER, field, language_code="en")
    assert "Only a municipal coordinator" in alert(harness)
    assert await harness.state_of(OTHER) is None
    service = harness.app.services.coordinators
    assert (
        await service.set_municipal_denominator(OTHER, "pupils_10_19", "100")
        is InputProblem.NOT_ALLOWED
    )
    assert await service.set_municipal_denominator(COORDINATOR, "pupils", "1") is (
        InputProblem.UNKNOWN_FIELD
    )
    assert await harness.app.db.fetch_value("SELECT count(*) FROM municipal_denominators") == 0


async def test_a_coordinator_changes_no_schools_data(harness: Harness) -> None:
    from tests.test_meetings import approved_pair

    ids, pair_id = await approved_pair(harness)  # the school, its curator and a pair
    school = ids["org"]
    await _coordinator_of(harness, [school])
    db = harness.app.db
    async with db.transaction() as tx:
        attention = await tx.execute(
            "INSERT INTO attention (pair_id, reason, raised_at) "
            "VALUES (?, 'overdue', '2026-03-12T00:00:00+00:00')",
            (pair_id,),
        )

    async def snapshot() -> tuple[object, ...]:
        return (
            await db.fetch_value("SELECT count(*) FROM denominators"),
            await db.fetch_value("SELECT count(*) FROM indicator_targets"),
            await db.fetch_value("SELECT resolved_at FROM attention WHERE id = ?", (attention,)),
            await db.fetch_value(
                "SELECT curator_consent FROM rhythms WHERE pair_id = ?", (pair_id,)
            ),
            await db.fetch_value("SELECT count(*) FROM invitations"),
            await db.fetch_value("SELECT ended_on FROM pairs WHERE id = ?", (pair_id,)),
        )

    before = await snapshot()
    # The curator's buttons, pressed by the coordinator of the school: refused.
    for data in (
        IndicatorEdit(field="pupils_10_19").pack(),
        Resolve(attention_id=attention).pack(),
        Consent(pair_id=pair_id, allow=True).pack(),
    ):
        await harness.press(COORDINATOR, data, language_code="en")
        assert "Only the curator of an organization" in alert(harness)
    assert await harness.state_of(COORDINATOR) is None
    assert "Only a municipal coordinator" not in texts(
        await harness.send(COORDINATOR, "123", language_code="en")
    )
    # The curator's commands: refused.
    for command in ("/indicators", "/invite", "/closecycle", "/newcycle", "/pairs", "/curator"):
        reply = texts(await harness.send(COORDINATOR, command, language_code="en"))
        assert "Only the curator of an organization" in reply, (command, reply)
    assert await snapshot() == before


async def test_a_coordinator_link_from_the_command_line(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3"), "BOT_USERNAME": "region_bot"}
    for name in ("Школа А", "Школа Б"):
        code, _, err = await run_cli(
            "org", "create", "--name", name, "--timezone", "Asia/Chita", cwd=tmp_path, **env
        )
        assert code == 0, err
    code, out, err = await run_cli(
        "coordinator", "invite", "--org", "1", "--org", "2", "--municipality", "Район",
        cwd=tmp_path, **env,
    )  # fmt: skip
    assert code == 0, err
    assert re.fullmatch(r"https://t\.me/region_bot\?start=[A-Za-z0-9_-]{32}\n", out), out
    assert "Single-use coordinator link (Район) for organizations 1, 2" in err
    code, out, err = await run_cli(
        "coordinator", "invite", "--org", "1", "--org", "7", cwd=tmp_path, **env
    )
    assert code == 1 and out == "" and "No organization with id 7" in err


@pytest.mark.parametrize("field", list(MunicipalField))
def test_the_municipal_fields_are_the_schools_fields(field: MunicipalField) -> None:
    from bot.models.reports import DENOMINATOR_FIELDS

    assert field.value in DENOMINATOR_FIELDS and len(MunicipalField) == len(DENOMINATOR_FIELDS)
