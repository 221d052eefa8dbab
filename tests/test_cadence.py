"""Pure rules of the follow-ups and the cadence guard, as tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cadence import PairMark, pair_mark
from bot.followups import _score, default_rhythm, parse_goals


@pytest.mark.parametrize(
    ("due", "attention", "last_missed", "overdue", "expected"),
    [
        (0, False, False, False, PairMark.TOO_EARLY),
        (1, False, False, False, PairMark.TOO_EARLY),
        (2, False, False, False, PairMark.ON_TRACK),
        (9, False, False, False, PairMark.ON_TRACK),
        # A reason to look wins, even for a new pair.
        (1, True, False, False, PairMark.NEEDS_CHECK_IN),
        (0, False, False, True, PairMark.NEEDS_CHECK_IN),
        (5, False, True, False, PairMark.NEEDS_CHECK_IN),
        (5, True, True, True, PairMark.NEEDS_CHECK_IN),
        (3, False, False, True, PairMark.NEEDS_CHECK_IN),
    ],
)
def test_pair_mark(
    due: int, attention: bool, last_missed: bool, overdue: bool, expected: PairMark
) -> None:
    mark = pair_mark(
        meetings_due=due, attention_open=attention, last_missed=last_missed, overdue=overdue
    )
    assert mark is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Подготовиться к олимпиаде", ["Подготовиться к олимпиаде"]),
        ("1. Олимпиада\n2) Проект\n- Профессия", ["Олимпиада", "Проект", "Профессия"]),
        ("  один   пробел  \n\n\nвторая", ["один пробел", "вторая"]),
        ("a\nb\nc", None),  # too short to be goals
        ("цель 1\nцель 2\nцель 3\nцель 4", None),  # more than three
        ("", None),
        ("\n \n", None),
        ("x" * 201, None),
    ],
)
def test_parse_goals(text: str, expected: list[str] | None) -> None:
    assert parse_goals(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4, 4), ("5", 5), ({"choice": "3"}, 3), (0, None), (6, None), (True, None), ("x", None),
     (None, None), ({"value": 2}, 2)],
)  # fmt: skip
def test_usefulness_scores_as_the_forms_store_them(value: object, expected: int | None) -> None:
    assert _score(value) == expected


def test_the_default_rhythm_is_the_planning_meetings_weekday_and_time() -> None:
    from datetime import date, datetime

    rhythm = default_rhythm(7, datetime(2026, 3, 17, 15, 30))
    assert (rhythm.weekday, rhythm.local_time.strftime("%H:%M"), rhythm.interval_weeks) == (
        1,
        "15:30",
        2,
    )
    assert rhythm.anchor_on == date(2026, 3, 17) and not rhythm.curator_consent


async def test_meetings_confirmed_before_the_upgrade_get_their_questions(tmp_path: Path) -> None:
    from storage.database import Database
    from storage.migrations import load_migrations, migrate

    db = Database(tmp_path / "old.sqlite3")
    await db.connect()
    try:
        migrations = load_migrations()
        await migrate(db, migrations[:10])  # a database from before the follow-ups
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO organizations (id, name, timezone, created_at) "
                "VALUES (1, 'Школа', 'Asia/Chita', '2026-03-01T00:00:00+00:00')"
            )
            for pid, role, chat in ((1, "mentor", 101), (2, "mentee", 201)):
                await tx.execute(
                    "INSERT INTO participants (id, organization_id, telegram_id, role, age_group, "
                    "joined_at) VALUES (?, 1, ?, ?, 'adult', '2026-03-01T00:00:00+00:00')",
                    (pid, chat, role),
                )
            await tx.execute(
                "INSERT INTO pairs (id, organization_id, mentor_id, mentee_id, form, started_on, "
                "created_at) VALUES (1, 1, 1, 2, 'student_pupil', '2026-03-02', '2026-03-02')"
            )
            for mid, state in ((1, "confirmed"), (2, "cancelled")):
                await tx.execute(
                    "INSERT INTO meetings (id, pair_id, kind, status, starts_at, meeting_format, "
                    "place, proposed_by, created_at) VALUES (?, 1, 'acquaintance', ?, "
                    "'2026-03-17T06:00:00+00:00', 'online', 'x', 1, '2026-03-10T00:00:00+00:00')",
                    (mid, state),
                )
        await migrate(db)
        rows = await db.fetch_all(
            "SELECT meeting_id, telegram_id, due_at, state FROM followups ORDER BY telegram_id"
        )
        assert [tuple(r) for r in rows] == [
            (1, 101, "2026-03-17T07:30:00+00:00", "pending"),
            (1, 201, "2026-03-17T07:30:00+00:00", "pending"),
        ]
        settings = await db.fetch_one("SELECT count(*) FROM meeting_settings")
        assert settings is not None and settings[0] == 0
    finally:
        await db.close()
