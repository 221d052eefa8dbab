"""``python -m bot org ...`` and ``python -m bot curator ...`` as an administrator runs them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.process import run_cli
from tests.fake_telegram import FakeTelegram

LINK = "https://t.me/school5_bot?start="


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"), "BOT_USERNAME": "school5_bot"}


async def cli(tmp_path: Path, settings: dict[str, str], *args: str) -> tuple[int, str, str]:
    return await run_cli(*args, cwd=tmp_path, **settings)


def query(settings: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(settings["DATABASE_PATH"]) as conn:
        return conn.execute(sql).fetchall()


async def test_create_and_list_organizations(tmp_path: Path, settings: dict[str, str]) -> None:
    code, out, err = await cli(
        tmp_path,
        settings,
        "org", "create", "--name", "Школа № 5", "--timezone", "Asia/Novosibirsk",
        "--forms", "pupil_pupil,teacher_teacher",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.strip() == (
        "Created organization 1: Школа № 5 (Asia/Novosibirsk); forms: pupil_pupil, teacher_teacher"
    )
    code, out, _ = await cli(
        tmp_path, settings, "org", "create", "--name", "Колледж", "--timezone", "europe/samara"
    )
    assert code == 0 and "forms: pupil_pupil, teacher_teacher, student_pupil" in out
    assert query(settings, "SELECT id, name, timezone FROM organizations ORDER BY id") == [
        (1, "Школа № 5", "Asia/Novosibirsk"),
        (2, "Колледж", "Europe/Samara"),
    ]
    assert query(
        settings, "SELECT code FROM organization_forms WHERE organization_id = 1 AND enabled"
    ) == [("pupil_pupil",), ("teacher_teacher",)]

    code, out, _ = await cli(tmp_path, settings, "org", "list")
    assert code == 0
    assert out.splitlines() == [
        "id\tname\ttime zone\tcurators\tforms on",
        "1\tШкола № 5\tAsia/Novosibirsk\t0\t2",
        "2\tКолледж\tEurope/Samara\t0\t5",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("org", "create", "--name", "  ", "--timezone", "Europe/Moscow"), "name is empty"),
        (
            ("org", "create", "--name", "Школа", "--timezone", "Mars/Base"),
            "Unknown time zone 'Mars/Base'",
        ),
        (
            ("org", "create", "--name", "Школа", "--timezone", "UTC", "--forms", "parent_child"),
            "Unknown form of mentorship 'parent_child'",
        ),
        (("curator", "add", "--org", "42", "--user", "1001"), "No organization with id 42"),
        (("curator", "invite", "--org", "42"), "No organization with id 42"),
    ],
)
async def test_mistakes_print_one_line_and_fail(
    tmp_path: Path, settings: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = await cli(tmp_path, settings, *args)
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert "Traceback" not in err
    assert query(settings, "SELECT count(*) FROM organizations") == [(0,)]


async def test_curators_one_organization_each(tmp_path: Path, settings: dict[str, str]) -> None:
    for name in ("Школа", "Гимназия"):
        await cli(tmp_path, settings, "org", "create", "--name", name, "--timezone", "UTC")
    code, out, _ = await cli(tmp_path, settings, "curator", "add", "--org", "1", "--user", "555")
    assert code == 0 and out.strip() == "User 555 is now a curator of organization 1: Школа"
    code, out, _ = await cli(tmp_path, settings, "curator", "add", "--org", "1", "--user", "555")
    assert code == 0 and "already is a curator of organization 1" in out
    code, _, err = await cli(tmp_path, settings, "curator", "add", "--org", "2", "--user", "555")
    assert code == 1 and "one organization only" in err
    assert query(settings, "SELECT telegram_id, organization_id FROM curators") == [(555, 1)]
    code, _, err = await cli(tmp_path, settings, "curator", "add", "--org", "1", "--user", "-5")
    assert code == 2 and "positive" in err  # argparse's own usage error


async def test_curator_invite_prints_a_single_use_link(
    tmp_path: Path, settings: dict[str, str]
) -> None:
    await cli(tmp_path, settings, "org", "create", "--name", "Школа", "--timezone", "UTC")
    code, out, err = await cli(tmp_path, settings, "curator", "invite", "--org", "1")
    assert code == 0 and "Single-use curator link for organization 1" in err
    link = out.strip()
    assert link.startswith(LINK) and "\n" not in link
    token = link.removeprefix(LINK)
    assert query(
        settings, "SELECT role, max_uses, uses, created_by, organization_id FROM invitations"
    ) == [("curator", 1, 0, None, 1)]
    assert query(settings, "SELECT token FROM invitations") == [(token,)]


async def test_curator_invite_asks_telegram_for_the_username(
    tmp_path: Path, settings: dict[str, str]
) -> None:
    await cli(tmp_path, settings, "org", "create", "--name", "Школа", "--timezone", "UTC")
    without_username = {k: v for k, v in settings.items() if k != "BOT_USERNAME"}
    code, _, err = await cli(tmp_path, without_username, "curator", "invite", "--org", "1")
    assert code == 2 and "Set BOT_USERNAME" in err
    async with FakeTelegram() as tg:
        code, out, err = await cli(
            tmp_path,
            {**without_username, "BOT_TOKEN": tg.token, "TELEGRAM_API_BASE": tg.base_url},
            "curator", "invite", "--org", "1",
        )  # fmt: skip
        assert [call.method for call in tg.calls] == ["getMe"]
    assert code == 0, err
    assert out.startswith("https://t.me/mentor_test_bot?start=")
    # A link is made only once the username is known: the failed attempt left none behind.
    assert query(settings, "SELECT count(*) FROM invitations") == [(1,)]


async def test_matching_weights_per_organization(tmp_path: Path, settings: dict[str, str]) -> None:
    await cli(tmp_path, settings, "org", "create", "--name", "Школа № 3", "--timezone", "Asia/Omsk")
    code, out, _ = await cli(tmp_path, settings, "org", "weights", "--org", "1")
    assert code == 0 and out.startswith("request=45 ")
    code, out, _ = await cli(
        tmp_path, settings, "org", "weights", "--org", "1", "--set", "request=60"
    )
    assert code == 0 and "request=60" in out
    assert query(settings, "SELECT json_extract(weights, '$.request') FROM matching_settings") == [
        (60,)
    ]
    code, _, err = await cli(
        tmp_path, settings, "org", "weights", "--org", "1", "--set", "mutual_preference=1"
    )
    assert code == 1 and "mutual_preference must be at least preference" in err
    code, _, err = await cli(tmp_path, settings, "org", "weights", "--org", "1", "--set", "x=1")
    assert code == 1 and "PART=POINTS" in err


async def test_a_forms_people_pace_and_groups_from_the_command_line(
    tmp_path: Path, settings: dict[str, str]
) -> None:
    code, _, _ = await cli(
        tmp_path, settings, "org", "create", "--name", "Колледж", "--timezone", "Asia/Chita"
    )
    assert code == 0
    # «ученик – ученик» run as «студент – студент», short-term, without groups.
    code, out, err = await cli(
        tmp_path, settings, "org", "form", "--org", "1", "--form", "pupil_pupil",
        "--mentors", "student", "--mentees", "student", "--pace", "short", "--groups", "no",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.strip() == (
        "pupil_pupil: mentors student, mentees student, pace short, groups not allowed"
    )
    # Without changes it shows the form as it is.
    code, out, _ = await cli(
        tmp_path, settings, "org", "form", "--org", "1", "--form", "teacher_teacher"
    )
    assert code == 0
    assert "teacher_teacher: mentors teacher, mentees teacher, pace regular, groups allowed" in out
    assert query(
        settings,
        "SELECT code, mentor_kind, mentee_kind, pace, allows_groups FROM organization_forms "
        "WHERE code IN ('pupil_pupil', 'teacher_teacher') ORDER BY code",
    ) == [("pupil_pupil", "student", "student", "short", 0),
          ("teacher_teacher", None, None, "regular", 1)]  # fmt: skip
    # Mistakes change nothing and say why.
    code, _, err = await cli(
        tmp_path, settings, "org", "form", "--org", "1", "--form", "own_7", "--pace", "speed"
    )
    assert code == 1 and "has no form 'own_7'" in err
    code, _, err = await cli(
        tmp_path, settings, "org", "form", "--org", "9", "--form", "pupil_pupil"
    )
    assert code == 1 and "no organization with id 9" in err
    code, _, err = await cli(
        tmp_path, settings, "org", "form", "--org", "1", "--form", "pupil_pupil",
        "--mentors", "dragon",
    )  # fmt: skip
    assert code == 2 and "invalid choice" in err
    assert query(settings, "SELECT count(*) FROM organization_forms WHERE pace = 'speed'") == [(0,)]
