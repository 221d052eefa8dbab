"""Organizations, their forms of mentorship and their curators: services over real SQLite."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from bot.organizations import (
    MAX_OWN_FORMS,
    FormRejection,
    OrganizationError,
    OrganizationProblem,
    OrganizationService,
    normalize_timezone,
    parse_federal_forms,
)
from dialogs.forms import FederalForm, FormPace, ParticipantKind
from storage.database import Database
from storage.repositories.organizations import OrganizationRepository
from tests.clock import ManualClock

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
FORM_ROW = "INSERT INTO organization_forms (organization_id, code, title, enabled) VALUES "


@pytest.fixture
def service(db: Database) -> OrganizationService:
    return OrganizationService(OrganizationRepository(db), ManualClock(NOW))


async def test_create_with_all_federal_forms_by_default(service: OrganizationService) -> None:
    school = await service.create("  Школа   № 5 ", "Asia/Novosibirsk")
    assert school.name == "Школа № 5"
    assert school.timezone == "Asia/Novosibirsk"
    assert school.created_at == NOW
    assert await service.get(school.id) == school
    forms = await service.forms(school.id)
    assert [f.code for f in forms] == [form.value for form in FederalForm]
    assert all(f.enabled and f.title is None for f in forms)


async def test_create_with_chosen_forms_keeps_the_others_off(service: OrganizationService) -> None:
    college = await service.create(
        "Колледж", "europe/samara", [FederalForm.EMPLOYER_STUDENT, FederalForm.PUPIL_PUPIL]
    )
    assert college.timezone == "Europe/Samara"  # typed in any case, stored canonical
    enabled = {f.code for f in await service.enabled_forms(college.id)}
    assert enabled == {"pupil_pupil", "employer_student"}
    assert len(await service.forms(college.id)) == 5


@pytest.mark.parametrize(
    ("name", "zone", "problem"),
    [
        ("", "Europe/Moscow", OrganizationProblem.EMPTY_NAME),
        ("   \n ", "Europe/Moscow", OrganizationProblem.EMPTY_NAME),
        ("Ш" * 201, "Europe/Moscow", OrganizationProblem.NAME_TOO_LONG),
        ("Школа", "Mars/Olympus", OrganizationProblem.BAD_TIMEZONE),
        ("Школа", "", OrganizationProblem.BAD_TIMEZONE),
        ("Школа", "../../etc/passwd", OrganizationProblem.BAD_TIMEZONE),
    ],
)
async def test_create_refuses_bad_input(
    service: OrganizationService, name: str, zone: str, problem: OrganizationProblem
) -> None:
    with pytest.raises(OrganizationError) as caught:
        await service.create(name, zone)
    assert caught.value.problem is problem
    assert await service.count() == 0


def test_timezone_and_forms_parsing() -> None:
    assert normalize_timezone("Asia/Kamchatka") == "Asia/Kamchatka"
    assert normalize_timezone(" asia/ust-nera ") == "Asia/Ust-Nera"
    assert normalize_timezone("America/New York") == "America/New_York"
    assert normalize_timezone("Moscow") is None
    assert parse_federal_forms("pupil_pupil, TEACHER_TEACHER,pupil_pupil") == [
        FederalForm.PUPIL_PUPIL,
        FederalForm.TEACHER_TEACHER,
    ]
    with pytest.raises(OrganizationError) as caught:
        parse_federal_forms("pupil_pupil,parent_child")
    assert caught.value.problem is OrganizationProblem.UNKNOWN_FORM
    with pytest.raises(OrganizationError):
        parse_federal_forms(" , ")


async def test_listing_pages_with_counts(service: OrganizationService) -> None:
    ids = [(await service.create(f"Школа {n}", "Europe/Moscow")).id for n in range(1, 12)]
    await service.add_curator(ids[0], 501)
    await service.add_curator(ids[0], 502)
    await service.toggle_form(ids[0], "pupil_pupil")
    assert await service.count() == 11
    first = await service.listing(0, 8)
    second = await service.listing(1, 8)
    assert [item.organization.id for item in first + second] == ids
    assert (first[0].curators, first[0].enabled_forms) == (2, 4)
    assert (first[1].curators, first[1].enabled_forms) == (0, 5)
    assert len(second) == 3


async def test_toggle_forms_and_keep_one_on(service: OrganizationService) -> None:
    school = await service.create("Школа", "Europe/Moscow", [FederalForm.TEACHER_TEACHER])
    change = await service.toggle_form(school.id, "pupil_pupil")
    assert change.rejection is None and change.form is not None and change.form.enabled
    change = await service.toggle_form(school.id, "pupil_pupil")
    assert change.form is not None and not change.form.enabled
    # The last form that is on stays on.
    change = await service.toggle_form(school.id, "teacher_teacher")
    assert change.rejection is FormRejection.LAST_ENABLED
    assert [f.code for f in await service.enabled_forms(school.id)] == ["teacher_teacher"]
    # A form of another organization or a made-up code changes nothing.
    other = await service.create("Другая", "Europe/Moscow")
    assert (await service.toggle_form(other.id, "own_1")).rejection is FormRejection.UNKNOWN
    assert (await service.toggle_form(school.id, "nonsense")).rejection is FormRejection.UNKNOWN
    assert len(await service.enabled_forms(other.id)) == 5


async def test_own_forms_are_numbered_per_organization(service: OrganizationService) -> None:
    school = await service.create("Школа", "Europe/Moscow")
    other = await service.create("Гимназия", "Europe/Moscow")
    first = await service.add_own_form(school.id, "  Педагог –  студент ")
    second = await service.add_own_form(school.id, "Руководитель – педагог")
    elsewhere = await service.add_own_form(other.id, "Педагог вуза – молодой педагог")
    assert first.form is not None and second.form is not None and elsewhere.form is not None
    assert (first.form.code, first.form.title) == ("own_1", "Педагог – студент")
    assert second.form.code == "own_2"
    assert elsewhere.form.code == "own_1"
    forms = await service.forms(school.id)
    assert [f.code for f in forms][-2:] == ["own_1", "own_2"]
    assert forms[-1].is_own and forms[-1].enabled
    # Own forms switch off like federal ones.
    assert (await service.toggle_form(school.id, "own_2")).form.enabled is False  # type: ignore[union-attr]


async def test_own_form_titles_are_checked(service: OrganizationService) -> None:
    school = await service.create("Школа", "Europe/Moscow")
    await service.add_own_form(school.id, "Педагог – студент")
    assert (await service.add_own_form(school.id, " ")).rejection is FormRejection.EMPTY_TITLE
    long_title = "x" * 101
    assert (await service.add_own_form(school.id, long_title)).rejection is (
        FormRejection.TITLE_TOO_LONG
    )
    assert (await service.add_own_form(school.id, "ПЕДАГОГ – СТУДЕНТ")).rejection is (
        FormRejection.DUPLICATE
    )
    for n in range(2, MAX_OWN_FORMS + 1):
        assert (await service.add_own_form(school.id, f"Форма {n}")).rejection is None
    assert (await service.add_own_form(school.id, "Ещё одна")).rejection is FormRejection.TOO_MANY


async def test_a_person_curates_one_organization_only(service: OrganizationService) -> None:
    school = await service.create("Школа", "Europe/Moscow")
    other = await service.create("Гимназия", "Europe/Moscow")
    appointed = await service.add_curator(school.id, 42)
    assert appointed.added and appointed.organization_id == school.id
    again = await service.add_curator(other.id, 42)
    assert not again.added and again.organization_id == school.id
    assert await service.curator_organization_id(42) == school.id
    assert await service.curator_organization_id(43) is None
    await service.add_curator(school.id, 43)
    assert [c.telegram_id for c in await service.curators(school.id)] == [42, 43]
    assert await service.curators(other.id) == []
    with pytest.raises(OrganizationError) as caught:
        await service.add_curator(999, 44)
    assert caught.value.problem is OrganizationProblem.UNKNOWN_ORGANIZATION


async def test_the_schema_keeps_data_sane(db: Database, service: OrganizationService) -> None:
    school = await service.create("Школа", "Europe/Moscow")
    bad = [
        ("INSERT INTO curators VALUES (1, 999, '2026-01-01')", ()),  # no such organization
        ("INSERT INTO curators VALUES (2, ?, '2026-01-01')", (school.id,)),
        ("INSERT INTO curators VALUES (2, ?, '2026-01-01')", (school.id,)),  # a second org
        (
            FORM_ROW + "(?, 'own_x', 'Форма', 1)",
            (school.id,),
        ),
        (
            FORM_ROW + "(?, 'own_3', NULL, 1)",
            (school.id,),
        ),
        (
            FORM_ROW + "(?, 'parent_child', NULL, 1)",
            (school.id,),
        ),
        (
            FORM_ROW + "(?, 'pupil_pupil', 'Тайтл', 1)",
            (school.id,),
        ),
        ("UPDATE organization_forms SET enabled = 2", ()),
        ("INSERT INTO organizations (name, timezone, created_at) VALUES ('  ', 'UTC', 'x')", ()),
    ]
    failures = 0
    for sql, params in bad:
        try:
            async with db.transaction() as tx:
                await tx.execute(sql, params)
        except sqlite3.IntegrityError:
            failures += 1
    # The one valid insert (curator 2) passes; everything else is refused.
    assert failures == len(bad) - 1


async def test_a_form_declares_its_people_and_pace(
    db: Database, service: OrganizationService
) -> None:
    """Federal forms bring together their own people unless the organization says otherwise
    (a college runs «ученик – ученик» between students); an own form defaults to staff and
    pupils; the pace is kept per form."""
    college = await service.create("Колледж", "Europe/Moscow")
    repository = OrganizationRepository(db)
    pupils = await repository.form(college.id, "pupil_pupil")
    assert pupils is not None
    assert (pupils.mentor_kind, pupils.mentee_kind) == ("pupil", "pupil")
    assert pupils.pace is FormPace.REGULAR
    changed = await repository.set_form_profile(
        college.id,
        "pupil_pupil",
        mentor_kind=ParticipantKind.STUDENT,
        mentee_kind=ParticipantKind.STUDENT,
        pace=FormPace.SHORT,
        allows_groups=False,
    )
    assert changed is not None
    assert pupils.allows_groups and not changed.allows_groups
    assert (changed.mentor_kind, changed.mentee_kind, changed.pace) == (
        "student",
        "student",
        FormPace.SHORT,
    )
    assert await repository.form(college.id, "pupil_pupil") == changed
    own = await repository.add_own_form(college.id, "Педагог – студент")
    assert (own.mentor_kind, own.mentee_kind) == ("teacher", "pupil")
    missing = await repository.set_form_profile(
        college.id, "own_9", mentor_kind=None, mentee_kind=None, pace=FormPace.SPEED
    )
    assert missing is None
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute(
                "UPDATE organization_forms SET mentee_kind = 'parent' WHERE organization_id = ?",
                (college.id,),
            )


async def test_a_change_of_a_form_moves_the_kept_figures_counters(
    db: Database, service: OrganizationService
) -> None:
    """The indicators and the curator's lists are kept with the school's change counters: a
    form switched, added or declared anew (its people, pace, groups) moves both, so nothing
    kept shows the form as it was."""
    school = await service.create("Колледж", "Europe/Moscow")

    async def counters() -> tuple[int, int]:
        lists = await db.fetch_value(
            "SELECT version FROM organization_versions WHERE organization_id = ?", (school.id,)
        )
        reports = await db.fetch_value(
            "SELECT version FROM report_versions WHERE organization_id = ?", (school.id,)
        )
        return int(lists or 0), int(reports or 0)

    seen = [await counters()]

    async def moved() -> None:
        now = await counters()
        assert now[0] > seen[-1][0] and now[1] > seen[-1][1]
        seen.append(now)

    await OrganizationRepository(db).set_form_profile(
        school.id,
        "pupil_pupil",
        mentor_kind=ParticipantKind.STUDENT,
        mentee_kind=ParticipantKind.STUDENT,
        pace=FormPace.REGULAR,
    )
    await moved()
    await service.toggle_form(school.id, "employer_pupil")
    await moved()
    await service.add_own_form(school.id, "Педагог – студент")
    await moved()
