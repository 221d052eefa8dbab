"""The indicators keep what they count over every person, pair, meeting and poll with the
schools' change counters (bot/reports/indicators.py, migrations 0019-0021): every change that
alters a figure moves a counter, so the kept figures are always what a fresh count gives;
changes no figure reads leave the counters (and the kept count) alone; confirmed meetings
whose time comes are counted at every report."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.models.periods import Period
from bot.reports.indicator_figures import Indicators
from storage.database import Database
from tests.clock import ManualClock
from tests.test_indicators import JOINED, NOW, build, service


async def test_every_change_a_figure_shows_is_counted_again(db: Database) -> None:
    s, ids = await build(db)
    org = ids["a"]
    clock = ManualClock(NOW)
    kept = service(db, clock)
    counted: list[int] = []
    original = kept._reports.stages

    async def counting(organization_ids: Any, period: Period) -> Any:
        counted.append(len(organization_ids))
        return await original(organization_ids, period)

    kept._reports.stages = counting  # type: ignore[method-assign]
    shown: list[Indicators] = [await kept.for_organization(org)]

    async def check(*, recounted: bool, changed: bool = True) -> Indicators:
        """The kept service counted again (or not), and shows what a fresh count shows."""
        before = len(counted)
        figures = await kept.for_organization(org)
        assert len(counted) == before + (1 if recounted else 0)
        assert figures == await service(db, clock).for_organization(org)
        assert (figures != shown[-1]) is changed
        shown.append(figures)
        return figures

    await check(recounted=False, changed=False)  # kept: not counted again

    def person(name: str) -> int:
        return s.ids[name]

    async def answer(name: str, question: str, value: Any) -> None:
        await s.sql(
            "INSERT INTO answers (participant_id, question, value, answered_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (participant_id, question) "
            "DO UPDATE SET value = excluded.value",
            (person(name), question, json.dumps(value), "2026-03-12T08:00:00+00:00"),
        )

    # An answer no figure reads.
    await answer("e8", "interests", {"choice": ["chess"], "other": None})
    await check(recounted=False, changed=False)
    # The chosen form (the stages per form).
    await answer("e8", "form", {"choice": "teacher_teacher", "other": None})
    assert (await check(recounted=True)).stages["teacher_teacher"].invited == 2
    # A date and a year of birth, a category, a place of work (the involvement).
    await answer("m1", "birth_date", "2008-01-01")
    await check(recounted=True)
    await answer("m3", "birth_year", 2009)
    await check(recounted=True)
    await answer("e9", "category", {"choice": "young_teacher", "other": None})
    assert (await check(recounted=True)).share("young_teachers").count == 2
    await s.sql(
        "DELETE FROM answers WHERE participant_id = ? AND question = 'category'", (person("e9"),)
    )
    assert (await check(recounted=True)).share("young_teachers").count == 1
    await answer("m3", "workplace_org", "АО «Лютик»")
    assert (await check(recounted=True)).share("enterprises").count == 2
    await s.sql("UPDATE participants SET birth_date = '2000-01-01' WHERE id = ?", (person("m2"),))
    await check(recounted=True)
    # A missed meeting, one cancelled meeting found to have been missed (planned meetings).
    pairs = {
        (r["mentor_id"], r["mentee_id"]): r["id"]
        for r in await db.fetch_all("SELECT id, mentor_id, mentee_id FROM pairs")
    }
    p1, p3 = pairs[person("m1"), person("e1")], pairs[person("m1"), person("e2")]
    planned = shown[-1].meetings_planned
    await s.meeting(p3, "missed", "2026-03-03T10:00:00+00:00", "m1")
    assert (await check(recounted=True)).meetings_planned == planned + 1
    await s.sql(
        "UPDATE meetings SET status = 'missed' WHERE pair_id = ? AND status = 'cancelled'", (p1,)
    )
    assert (await check(recounted=True)).meetings_planned == planned + 2
    # A pair's form (its meetings' row).
    teachers = shown[-1].forms["teacher_teacher"].meetings_planned
    await s.sql("UPDATE pairs SET form = 'student_pupil' WHERE id = ?", (p3,))
    assert (await check(recounted=True)).forms["teacher_teacher"].meetings_planned < teachers
    # The mentors' final poll.
    await s.response("final_mentor", "m3", f"cycle:{ids['cur']}", {"satisfaction": 8})
    assert (await check(recounted=True)).share("satisfied_mentors").answered == 3
    satisfied = shown[-1].share("satisfied_mentors").count
    await s.sql(
        "UPDATE responses SET answers = ? WHERE form = 'final_mentor' AND participant_id = ?",
        (json.dumps({"satisfaction": 2}), person("m3")),
    )
    assert (await check(recounted=True)).share("satisfied_mentors").count == satisfied - 1
    await s.sql(
        "DELETE FROM responses WHERE form = 'final_mentor' AND participant_id = ?", (person("m3"),)
    )
    assert (await check(recounted=True)).share("satisfied_mentors").answered == 2
    # A consent's kind (the law's consent of a child is the representative's).
    await s.sql(
        "UPDATE consents SET kind = 'self', representative_name = NULL WHERE participant_id = ?",
        (person("e1"),),
    )
    await check(recounted=True)
    # A proposal given to another person, then removed (who is matched).
    await s.sql("UPDATE proposals SET mentee_id = ?", (person("e5"),))
    await check(recounted=True)
    await s.sql("DELETE FROM proposals")
    await check(recounted=True)
    # What the lists' counter (migrations 0019 and 0020) follows: a questionnaire confirmed, a
    # consent given, feedback completed, a pair completed.
    done = shown[-1].stages[None].questionnaire_done
    await s.sql("UPDATE participants SET confirmed_at = ? WHERE id = ?", (JOINED, person("e5")))
    assert (await check(recounted=True)).stages[None].questionnaire_done == done + 1
    await s.sql(
        "INSERT INTO consents (participant_id, kind, given_by, representative_name, "
        "text_version, text_sha256, locale, given_at) VALUES (?, 'representative', 1, 'Мама', "
        "'v', ?, 'ru', ?)",
        (person("e4"), "0" * 64, JOINED),
    )
    await check(recounted=True)
    feedback = shown[-1].feedback_answered
    await s.sql("UPDATE responses SET completed_at = ? WHERE completed_at IS NULL", (JOINED,))
    assert (await check(recounted=True)).feedback_answered == feedback + 1
    await s.sql("UPDATE pairs SET completed = 1, ended_on = '2026-03-11' WHERE id = ?", (p3,))
    await check(recounted=True)
    # A confirmed meeting whose time comes is planned: nothing changed but the time.
    clock.advance(timedelta(days=9))  # past the meeting of 20 March
    figures = await check(recounted=False)
    assert figures.meetings_planned == shown[-2].meetings_planned + 1


async def test_the_schools_table_and_the_summary_keep_their_count_too(db: Database) -> None:
    s, ids = await build(db)
    kept = service(db)
    both = [ids["a"], ids["b"]]
    table = await kept.per_organization(both)
    summary = await kept.for_organizations(both)
    assert await kept.per_organization(both) == table
    # A change in one school of the set: counted again, as a fresh count gives.
    await s.meeting(
        int(await db.fetch_value("SELECT id FROM pairs WHERE organization_id = ?", (ids["b"],))),
        "missed",
        "2026-03-03T10:00:00+00:00",
        "g1",
    )
    fresh = service(db)
    assert await kept.per_organization(both) == await fresh.per_organization(both)
    assert (await kept.per_organization(both))[ids["b"]] != table[ids["b"]]
    assert await kept.for_organizations(both) == await fresh.for_organizations(both)
    assert (await kept.for_organizations(both)).meetings_planned == summary.meetings_planned + 1
