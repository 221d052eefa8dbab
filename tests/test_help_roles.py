"""/help lists what each role can do: a municipal coordinator's commands for coordinators, the
coordinator link for administrators, the reports for curators, and nothing of those for a
participant."""

from __future__ import annotations

from tests.inprocess import Harness

CURATOR, COORDINATOR, CURATING_COORDINATOR, ADMIN, PUPIL = 811, 812, 813, 777, 814


async def roles(harness: Harness) -> None:
    services = harness.app.services
    a = await services.organizations.create("Школа № 1", "Europe/Moscow")
    b = await services.organizations.create("Школа № 2", "Europe/Moscow")
    await services.organizations.add_curator(a.id, CURATOR)
    await services.organizations.add_curator(b.id, CURATING_COORDINATOR)
    for coordinator in (COORDINATOR, CURATING_COORDINATOR):
        await services.indicators.add_coordinator(coordinator, a.id)


async def help_of(harness: Harness, user: int) -> list[str]:
    return (await harness.send(user, "/help"))[0].text.split("\n")


def commands(lines: list[str]) -> set[str]:
    return {line.split()[0] for line in lines if line.startswith("/")}


async def test_a_coordinator_sees_the_coordinators_commands(harness: Harness) -> None:
    await roles(harness)
    lines = await help_of(harness, COORDINATOR)
    assert "Вы муниципальный координатор." in lines
    assert {"/stats", "/schools", "/municipality", "/export"} <= commands(lines)
    assert "/stats — сводка показателей по организациям за любой период" in lines
    assert "Вы куратор." not in lines and "Вы администратор бота." not in lines
    assert "/candidates" not in commands(lines) and "/coordinator" not in commands(lines)


async def test_a_curator_who_also_coordinates_keeps_their_own_export(harness: Harness) -> None:
    await roles(harness)
    lines = await help_of(harness, CURATING_COORDINATOR)
    assert "Вы куратор." in lines and "Вы муниципальный координатор." in lines
    coordinating = lines[lines.index("Вы муниципальный координатор.") :]
    # Their /export is their school's (listed among the curator's commands), /stats too.
    assert "/export" not in commands(coordinating)
    assert "/stats — показатели вашей организации, под ними кнопка сводки по организациям" in (
        coordinating
    )
    assert {"/schools", "/municipality"} <= commands(coordinating)


async def test_an_administrator_sees_the_coordinator_link(harness: Harness) -> None:
    await roles(harness)
    lines = await help_of(harness, ADMIN)
    assert "Вы администратор бота." in lines
    admin = lines[lines.index("Вы администратор бота.") :]
    assert {"/coordinator", "/schools", "/stats", "/export", "/orgs"} <= commands(admin)
    assert "/municipality" not in commands(lines)


async def test_a_curator_sees_the_reports_and_a_participant_none(harness: Harness) -> None:
    await roles(harness)
    curator = commands(await help_of(harness, CURATOR))
    assert {"/stats", "/ranking", "/voices", "/export", "/cycle", "/indicators"} <= curator
    assert "/municipality" not in curator and "/coordinator" not in curator
    pupil = await help_of(harness, PUPIL)
    assert not {"/stats", "/schools", "/municipality", "/coordinator", "/export"} & commands(pupil)
    assert "Вы муниципальный координатор." not in pupil
