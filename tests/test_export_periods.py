"""The workbook of a period: the registers, pairs, meetings and feedback of the period only, and
a file name that says which period it is.

The organization's first cycle ran in the school year 2024/25 (one pair, from October to May,
with a held meeting and feedback) and is closed; the second, current cycle started in
September 2025 and has one pair that started on the harness's day, 12 March 2026.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bot.clock import to_db
from bot.models.periods import Period
from bot.reports.export import ExportError, ExportProblem, period_slug
from bot.reports.export_book import translator
from tests.cohort import mentee_answers, mentor_answers, ready
from tests.inprocess import Harness
from tests.joining import organization
from tests.test_export import feedback, meeting

RU = translator("ru")
OLD_MENTOR, OLD_MENTEE, NEW_MENTOR, NEW_MENTEE = 301, 302, 303, 304


async def sql(harness: Harness, statement: str, params: tuple[Any, ...] = ()) -> None:
    async with harness.app.db.transaction() as tx:
        await tx.execute(statement, params)


async def two_cycles(harness: Harness) -> dict[str, int]:
    services, db = harness.app.services, harness.app.db
    org = await organization(harness)
    ids: dict[str, int] = {"org": org.id}
    ids["old_mentor"] = await ready(
        harness, org.id, OLD_MENTOR, "mentor", mentor_answers("Прежний Наставник")
    )
    ids["old_mentee"] = await ready(
        harness, org.id, OLD_MENTEE, "mentee", mentee_answers("Прежняя Наставляемая")
    )
    ids["new_mentor"] = await ready(
        harness, org.id, NEW_MENTOR, "mentor", mentor_answers("Новый Наставник")
    )
    ids["new_mentee"] = await ready(
        harness, org.id, NEW_MENTEE, "mentee", mentee_answers("Новая Наставляемая")
    )
    for mentor in ("old_mentor", "new_mentor"):
        assert await services.admission.admit(org.id, ids[mentor], 555) is None
    for side in ("old", "new"):
        outcome = await services.pairing.assign_directly(
            org.id, ids[f"{side}_mentee"], ids[f"{side}_mentor"], force=True
        )
        assert outcome.pair is not None
        ids[f"{side}_pair"] = outcome.pair.id
    ids["old_meeting"] = await meeting(
        harness, ids["old_pair"], ids["old_mentor"], "acquaintance",
        datetime(2024, 10, 8, 6, 0, tzinfo=UTC), "held",
    )  # fmt: skip
    await feedback(harness, ids["old_mentee"], ids["old_meeting"], "5", comment="Прошлый год")
    ids["new_meeting"] = await meeting(
        harness, ids["new_pair"], ids["new_mentor"], "acquaintance",
        datetime(2026, 3, 17, 6, 0, tzinfo=UTC), "held",
    )  # fmt: skip
    await feedback(harness, ids["new_mentee"], ids["new_meeting"], "4", comment="Этот год")

    # The open cycle becomes the second; the first, closed one gets the old pair and people.
    current = await db.fetch_value(
        "SELECT id FROM cycles WHERE organization_id = ? AND closed_at IS NULL", (org.id,)
    )
    await sql(
        harness,
        "UPDATE cycles SET number = 2, started_on = '2025-09-01' WHERE id = ?",
        (current,),
    )
    async with db.transaction() as tx:
        ids["old_cycle"] = await tx.execute(
            "INSERT INTO cycles (organization_id, number, started_on, closed_at) "
            "VALUES (?, 1, '2024-09-01', ?)",
            (org.id, to_db(datetime(2025, 5, 31, tzinfo=UTC))),
        )
    await sql(
        harness,
        "UPDATE pairs SET cycle_id = ?, started_on = '2024-10-01', ended_on = '2025-05-20', "
        "completed = 1 WHERE id = ?",
        (ids["old_cycle"], ids["old_pair"]),
    )
    for person in ("old_mentor", "old_mentee"):
        await sql(
            harness,
            "UPDATE participants SET cycle_id = ?, joined_at = ? WHERE id = ?",
            (ids["old_cycle"], to_db(datetime(2024, 9, 20, 5, tzinfo=UTC)), ids[person]),
        )
    return ids


def rows(book: Workbook, title: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in book[title].iter_rows(values_only=True)][1:]


async def export(harness: Harness, org: int, period: Period) -> tuple[str, Workbook]:
    made = await harness.app.services.exports.workbook(org, "ru", period)
    return made.filename, load_workbook(io.BytesIO(made.content))


def contents(book: Workbook) -> dict[str, list[Any]]:
    """Who and what each sheet lists: the registers' names, pairs', meetings' numbers."""
    return {
        "mentors": [row[0] for row in rows(book, "База наставников")],
        "mentees": [row[1] for row in rows(book, "База наставляемых")],
        "pairs": [row[0] for row in rows(book, RU("Pairs"))],
        "meetings": [row[0] for row in rows(book, RU("Meetings"))],
        "feedback": [row[0] for row in rows(book, RU("Feedback"))],
    }


async def test_a_school_year_and_the_current_cycle_show_only_their_own_pairs(
    harness: Harness,
) -> None:
    ids = await two_cycles(harness)
    org = ids["org"]
    old = {
        "mentors": ["Прежний Наставник"],
        "mentees": ["Прежняя Наставляемая"],
        "pairs": [ids["old_pair"]],
        "meetings": [ids["old_meeting"]],
        "feedback": [ids["old_meeting"]],
    }
    new = {
        "mentors": ["Новый Наставник"],
        "mentees": ["Новая Наставляемая"],
        "pairs": [ids["new_pair"]],
        "meetings": [ids["new_meeting"]],
        "feedback": [ids["new_meeting"]],
    }

    name, book = await export(harness, org, Period.current_cycle())
    assert name == f"mentorship_{org}_cycle2_2026-03-12.xlsx"
    assert contents(book) == new

    name, book = await export(harness, org, Period.school_year(2024))
    assert name == f"mentorship_{org}_2024-25.xlsx"
    assert contents(book) == old
    # The register keeps the old pair's dates and its completion.
    mentee_row = rows(book, "База наставляемых")[0]
    assert mentee_row[9] == datetime(2025, 5, 20)
    assert mentee_row[12] == "программа пройдена"

    name, book = await export(harness, org, Period.school_year(2025))
    assert name == f"mentorship_{org}_2025-26.xlsx"
    assert contents(book) == new

    name, book = await export(harness, org, Period.cycle(ids["old_cycle"]))
    assert name == f"mentorship_{org}_cycle1.xlsx"
    assert contents(book) == old

    name, book = await export(harness, org, Period.calendar_year(2025))
    assert name == f"mentorship_{org}_2025.xlsx"
    # The old pair lived until May 2025; its meeting was in 2024, so no meeting is listed.
    assert contents(book) == {**old, "meetings": [], "feedback": []}

    name, book = await export(harness, org, Period.between(date(2024, 9, 1), date(2026, 3, 31)))
    assert name == f"mentorship_{org}_2024-09-01_2026-03-31.xlsx"
    both = contents(book)
    assert both["pairs"] == [ids["old_pair"], ids["new_pair"]]
    assert both["meetings"] == [ids["old_meeting"], ids["new_meeting"]]


async def test_a_cycle_of_another_organization_is_refused(harness: Harness) -> None:
    ids = await two_cycles(harness)
    other = await harness.app.services.organizations.create("Лицей № 2", "Europe/Moscow")
    with pytest.raises(ExportError) as raised:
        await harness.app.services.exports.workbook(other.id, "ru", Period.cycle(ids["old_cycle"]))
    assert raised.value.problem is ExportProblem.UNKNOWN_CYCLE


async def test_the_curator_gets_the_period_asked_for(harness: Harness) -> None:
    ids = await two_cycles(harness)
    made = await harness.app.services.exports.for_curator(
        555, ids["org"], "en", Period.school_year(2024)
    )
    assert made.filename == f"mentorship_{ids['org']}_2024-25.xlsx"
    book = load_workbook(io.BytesIO(made.content))
    assert [row[0] for row in rows(book, "База наставников")] == ["Прежний Наставник"]


def test_the_period_in_the_file_name() -> None:
    today = date(2026, 11, 30)
    assert period_slug(Period.current_cycle(), 3, today) == "cycle3_2026-11-30"
    assert period_slug(Period.current_cycle(), None, today) == "2026-11-30"
    assert period_slug(Period.cycle(17), 2, today) == "cycle2"
    assert period_slug(Period.school_year(2099), None, today) == "2099-00"
    assert period_slug(Period.calendar_year(2026), None, today) == "2026"
    assert (
        period_slug(Period.between(date(2026, 9, 1), date(2026, 12, 31)), None, today)
        == "2026-09-01_2026-12-31"
    )
