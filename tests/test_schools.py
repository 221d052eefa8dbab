"""The municipality's per-school table and the coordinator's combined workbook.

Four schools, counted by hand (the harness's day is 12 March 2026; every school's current
cycle runs from 1 September 2025 to 31 May 2026, so 193 of its 273 days have passed and the
share of pupils aged 10–19 needed by now is 70 % × 193/273 ≈ 49.5 %):

* «Школа № 1» — one mentee, no pair: not started (no pairs).
* «Школа № 2» — a mentor and two pupils in two working pairs; meetings: one held and two
  missed (1 of 3 = 33 % < 75 %), and 100 pupils aged 10–19, of whom 2 in the programme
  (2 % < 49.5 %): behind on both counts.
* «Школа № 3» — two mentors and two pupils in two pairs completed on 11 March; four meetings
  held of four; 3 pupils aged 10–19, 2 of them in the programme (66.7 % ≥ 49.5 %): on track.
* «Школа № 4» — like the third, but the coordinator does not cover it.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.models.periods import Period
from bot.models.reports import StageCounts
from bot.reports.export import ExportError, ExportProblem
from bot.reports.indicator_figures import SHARE_KEYS, SHARE_TITLES, Indicators, Share
from bot.reports.registers import MENTEE_BASE_COLUMNS, MENTOR_BASE_COLUMNS
from bot.reports.schools import (
    MEETINGS_NEEDED,
    Reason,
    SchoolMark,
    SchoolRow,
    progress,
    school_row,
    worst_first,
)
from bot.reports.targets import InputProblem
from handlers.period_views import PeriodAction, page_press, press_of
from handlers.school_views import PAGE_SIZE, REGION_EXPORT_REPORT, SCHOOLS_REPORT, table_screen
from storage.repositories.schools import CycleSpan
from tests.cohort import mentee_answers, mentor_answers, ready
from tests.inprocess import Harness
from tests.test_export import meeting

COORDINATOR, ADMIN = 601, 777
CURATORS = {1: 511, 2: 512, 3: 513, 4: 514}
NAMES = {1: "Школа № 1", 2: "Школа № 2", 3: "Школа № 3", 4: "Школа № 4"}
PASSED = 193 / 273
NEEDED = 0.70 * PASSED


async def sql(harness: Harness, statement: str, params: tuple[Any, ...] = ()) -> None:
    async with harness.app.db.transaction() as tx:
        await tx.execute(statement, params)


async def school(harness: Harness, number: int) -> int:
    services = harness.app.services
    org = await services.organizations.create(NAMES[number], "Europe/Moscow")
    await services.organizations.add_curator(org.id, CURATORS[number])
    return org.id


async def pupil(harness: Harness, org: int, telegram: int, name: str) -> int:
    return await ready(harness, org, telegram, "mentee", mentee_answers(name, birth="2012-05-01"))


async def mentor(harness: Harness, org: int, telegram: int, name: str) -> int:
    pid = await ready(harness, org, telegram, "mentor", mentor_answers(name, capacity=2))
    assert await harness.app.services.admission.admit(org, pid, 555) is None
    return pid


async def pair(harness: Harness, org: int, mentee: int, mentor_id: int) -> int:
    outcome = await harness.app.services.pairing.assign_directly(org, mentee, mentor_id, force=True)
    assert outcome.pair is not None, outcome
    return outcome.pair.id


async def region(harness: Harness) -> dict[str, Any]:
    services = harness.app.services
    ids: dict[str, Any] = {n: await school(harness, n) for n in NAMES}
    at = datetime(2026, 2, 2, 12, tzinfo=UTC)
    # 1: one mentee, nobody to pair with.
    await pupil(harness, ids[1], 1001, "Аня Одинокова")
    # 2: behind.
    teacher = await mentor(harness, ids[2], 2001, "Борис Учителев")
    first = await pair(harness, ids[2], await pupil(harness, ids[2], 2002, "Вера Первая"), teacher)
    second = await pair(harness, ids[2], await pupil(harness, ids[2], 2003, "Глеб Второй"), teacher)
    await meeting(harness, first, teacher, "acquaintance", at, "held")
    await meeting(harness, first, teacher, "trial", at + timedelta(days=7), "missed")
    await meeting(harness, second, teacher, "acquaintance", at, "missed")
    # 3 and 4: on track, completed.
    for n, base in ((3, 3000), (4, 4000)):
        for k in (1, 2):
            mentor_id = await mentor(harness, ids[n], base + k, f"Наставник {n}-{k}")
            mentee = await pupil(harness, ids[n], base + 10 + k, f"Ученик {n}-{k}")
            pair_id = await pair(harness, ids[n], mentee, mentor_id)
            await meeting(harness, pair_id, mentor_id, "acquaintance", at, "held")
            await meeting(harness, pair_id, mentor_id, "trial", at + timedelta(days=7), "held")
            await sql(
                harness,
                "UPDATE pairs SET completed = 1, ended_on = '2026-03-11' WHERE id = ?",
                (pair_id,),
            )
    for n, pupils in ((2, "100"), (3, "3"), (4, "3")):
        assert await services.indicators.set_denominator(
            ids[n], "pupils_10_19", pupils, CURATORS[n]
        ) == int(pupils)
    await sql(harness, "UPDATE cycles SET started_on = '2025-09-01', planned_end = '2026-05-31'")
    for n in (1, 2, 3):
        await services.indicators.add_coordinator(COORDINATOR, ids[n])
    return ids


async def test_the_table_counted_by_hand(harness: Harness) -> None:
    ids = await region(harness)
    table = await harness.app.services.schools.for_viewer(
        COORDINATOR, Period.current_cycle(), is_admin=False
    )
    assert table is not None
    assert [row.name for row in table.rows] == [NAMES[1], NAMES[2], NAMES[3]]
    first, second, third = table.rows
    assert (first.mark, first.reasons) == (SchoolMark.NOT_STARTED, (Reason.NO_PAIRS,))
    assert first.stages.invited == 1 and first.pairs == 0

    assert second.mark is SchoolMark.BEHIND
    assert second.reasons == (Reason.MEETINGS, Reason.INVOLVEMENT)
    assert (second.stages.invited, second.stages.in_pairs, second.stages.completed) == (3, 3, 0)
    assert (second.pairs, second.meetings_held, second.meetings_planned) == (2, 1, 3)
    # Entered the programme (their pairs started in the cycle): the two pupils.
    assert (second.key_share.count, second.key_share.total) == (2, 100)
    assert second.needed == pytest.approx(NEEDED)

    assert (third.mark, third.reasons) == (SchoolMark.ON_TRACK, ())
    assert (third.stages.invited, third.stages.in_pairs, third.stages.completed) == (4, 0, 4)
    assert (third.pairs, third.meetings_held, third.meetings_planned) == (2, 4, 4)
    assert (third.key_share.count, third.key_share.total) == (2, 3)
    assert third.key_share.share == pytest.approx(2 / 3)
    assert third.standing == pytest.approx(min(1 / MEETINGS_NEEDED, (2 / 3) / NEEDED))
    assert ids[4] not in {row.organization_id for row in table.rows}

    # The administrator sees every school, the fourth (a copy of the third) among them.
    everything = await harness.app.services.schools.for_viewer(
        ADMIN, Period.current_cycle(), is_admin=True
    )
    assert everything is not None
    assert [row.name for row in everything.rows] == [NAMES[1], NAMES[2], NAMES[3], NAMES[4]]


async def test_the_coordinator_gets_the_table_and_the_chart_in_the_chat(harness: Harness) -> None:
    await region(harness)
    sent = await harness.send(COORDINATOR, "/schools", language_code="en")
    assert [s.method for s in sent] == ["sendMessage", "sendPhoto"]
    text = sent[0].text
    assert "Organizations: 3 — not started 1, behind 1, on track 1." in text
    lines = [line for line in text.split("\n") if line[:2] in ("1.", "2.", "3.")]
    assert lines[0] == "1. ⚪ Школа № 1 — not started: no pairs"
    assert lines[1].startswith("2. 🟠 Школа № 2 — behind: fewer than 75% of the due meetings")
    assert "People: 3, pairs: 2, completed: 0; meetings: 1 of 3; pupils 10–19: 2%" in lines[1]
    assert "(target 70%, by now 49.5%)" in lines[1]
    assert lines[2].startswith("3. 🟢 Школа № 3 — on track. People: 4, pairs: 2, completed: 4")
    assert "meetings: 4 of 4; pupils 10–19: 66.7%" in lines[2]
    # Satisfaction: of all asked (the mentees and mentors of the two completed pairs), nobody
    # answered yet; the second school has no completed pair to ask.
    assert "satisfied mentees: 0% (answered 0%, target 85%)" in lines[2]
    assert "satisfied mentees: — (target 85%); satisfied mentors: — (target 85%)" in lines[1]
    assert "Школа № 4" not in text
    assert sent[1].file is not None and sent[1].file.startswith(b"\x89PNG")
    assert "Excel workbook: registers and this table" in [b[0] for b in sent[0].buttons]
    assert "Period: the current cycles." in text
    assert "Period: the current cycles" in [b[0] for b in sent[0].buttons]


def choices_shown(harness: Harness) -> dict[str, str]:
    """The period's choices that replaced the table's buttons (an edit of the keyboard only)."""
    from aiogram.methods import EditMessageReplyMarkup

    edits = [c for c in harness.session.calls if isinstance(c, EditMessageReplyMarkup)]
    assert edits, "the choices did not replace the buttons"
    markup = edits[-1].reply_markup
    assert markup is not None
    return {b.text: b.callback_data or "" for row in markup.inline_keyboard for b in row}


async def test_the_table_and_its_workbook_of_another_period(harness: Harness) -> None:
    await region(harness)
    sent = await harness.send(COORDINATOR, "/schools", language_code="en")
    table = sent[0]
    await harness.press(COORDINATOR, table.data_of("Period:"), table.message_id, "en")
    choices = choices_shown(harness)
    # Several schools: each one's current cycle, no one school's cycle to choose.
    assert list(choices) == [
        "✓ The current cycles", "School year 2025/26", "Year 2026", "Year 2025",
        "Other period…", "← Back",
    ]  # fmt: skip
    year = await harness.press(COORDINATOR, choices["Year 2025"], table.message_id, "en")
    assert [s.method for s in year] == ["editMessageText", "sendPhoto"]
    shown = year[0]
    assert shown.message_id == table.message_id
    # Nothing had begun in 2025: no pair anywhere.
    assert "Period: year 2025. Organizations: 3 — not started 3, behind 0, on track 0." in (
        shown.text
    )
    assert "Period: year 2025" in [b[0] for b in shown.buttons]
    assert year[1].text.startswith("The share of pupils aged 10–19")
    # The workbook under it is of the same year.
    made = await harness.press(COORDINATOR, shown.data_of("Excel workbook"), 9, "en")
    assert made[0].text.startswith("Preparing the workbook of all your organizations for year 2025")
    document = made[-1]
    assert document.method == "sendDocument" and document.file is not None
    assert document.filename == "mentorship_schools-3_2025.xlsx"
    assert document.text.startswith("Period: year 2025.")
    book = load_workbook(io.BytesIO(document.file))
    assert book["База наставников"].max_row == 1  # nobody entered in 2025
    # «← Back» under the choices: the first page of the same period.
    await harness.press(COORDINATOR, shown.data_of("Period:"), table.message_id, "en")
    back = await harness.press(COORDINATOR, choices_shown(harness)["← Back"], table.message_id,
                               "en")  # fmt: skip
    assert "Period: year 2025." in back[0].text and len(back) == 1
    # Typed dates: the first quarter of 2026, when the pairs worked.
    await harness.press(COORDINATOR, back[0].data_of("Period:"), table.message_id, "en")
    await harness.press(COORDINATOR, choices_shown(harness)["Other period…"], table.message_id,
                        "en")  # fmt: skip
    typed = await harness.send(COORDINATOR, "01.01.2026 - 31.03.2026", language_code="en")
    assert typed[0].method == "sendMessage"
    assert "Period: 01.01.2026 – 31.03.2026. Organizations: 3" in typed[0].text
    assert "meetings: 1 of 3" in typed[0].text


async def test_a_coordinator_of_one_school_may_choose_its_cycles(harness: Harness) -> None:
    ids = await region(harness)
    services = harness.app.services
    for n in (2, 3):
        await services.indicators.remove_coordinator(COORDINATOR, ids[n])
    sent = await harness.send(COORDINATOR, "/schools", language_code="en")
    assert "Period: cycle 1, current (01.09.2025 – 31.05.2026)." in sent[0].text
    await harness.press(COORDINATOR, sent[0].data_of("Period:"), sent[0].message_id, "en")
    assert "✓ Cycle 1, current (01.09.2025 – 31.05.2026)" in choices_shown(harness)
    # Another school's cycle, forged: nothing.
    other = await harness.app.db.fetch_value(
        "SELECT id FROM cycles WHERE organization_id = ?", (ids[2],)
    )
    for report in (SCHOOLS_REPORT, REGION_EXPORT_REPORT):
        forged = press_of(PeriodAction.SHOW, report, Period.cycle(other))
        assert await harness.press(COORDINATOR, forged, 5, "en") == []
        assert "outdated" in (harness.session.callback_answers()[-1].text or "")


async def test_the_combined_workbook(harness: Harness) -> None:
    ids = await region(harness)
    sent = await harness.send(COORDINATOR, "/schools", language_code="en")
    book_button = sent[0].data_of("Excel workbook")
    made = await harness.press(COORDINATOR, book_button, language_code="en")
    document = made[-1]
    assert document.method == "sendDocument" and document.file is not None
    assert document.filename == "mentorship_schools-3_2026-03-12.xlsx"
    book = load_workbook(io.BytesIO(document.file))
    assert book.sheetnames == ["База наставников", "База наставляемых", "Organizations"]
    mentors = [tuple(r) for r in book["База наставников"].iter_rows(values_only=True)]
    assert list(mentors[0]) == ["Организация", *MENTOR_BASE_COLUMNS]
    assert [(r[0], r[1]) for r in mentors[1:]] == [
        (NAMES[2], "Борис Учителев"),
        (NAMES[3], "Наставник 3-1"),
        (NAMES[3], "Наставник 3-2"),
    ]
    mentees = [tuple(r) for r in book["База наставляемых"].iter_rows(values_only=True)]
    assert list(mentees[0]) == ["Организация", *MENTEE_BASE_COLUMNS]
    assert [(r[0], r[1], r[2]) for r in mentees[1:]] == [
        (NAMES[1], 1, "Аня Одинокова"),
        (NAMES[2], 2, "Вера Первая"),
        (NAMES[2], 3, "Глеб Второй"),
        (NAMES[3], 4, "Ученик 3-1"),
        (NAMES[3], 5, "Ученик 3-2"),
    ]
    assert mentees[4][7] == "Наставник 3-1"  # the mentor column, shifted by one
    everything = "\n".join(
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        for v in row if v is not None
    )  # fmt: skip
    assert "Школа № 4" not in everything and "Наставник 4-1" not in everything
    table = [tuple(r) for r in book["Organizations"].iter_rows(values_only=True)]
    assert table[0][:3] == ("Organization", "Mark", "Why")
    assert [(r[0], r[1]) for r in table[1:4]] == [
        (NAMES[1], "not started"),
        (NAMES[2], "behind"),
        (NAMES[3], "on track"),
    ]
    # Stage counts, pairs, meetings, then the pupils' share: count, out of, share, target.
    assert table[2][3:12] == (3, 3, 3, 3, 3, 0, 2, 1, 3)
    at = 14 + 4 * SHARE_KEYS.index("mentees_10_19")
    assert table[3][at : at + 4] == (2, 3, pytest.approx(2 / 3), 0.7)
    satisfied = 14 + 4 * 4  # after the four involvement shares, each with four columns
    assert table[3][satisfied : satisfied + 5] == (
        0,
        2,
        0,
        0.85,
        0,
    )  # count, of, share, ..., answered
    # The same through the service, and for the administrator every school.
    admin = await harness.app.services.exports.for_coordinator(ADMIN, "en", is_admin=True)
    names = {
        r[0] for r in load_workbook(io.BytesIO(admin.content))["База наставников"].iter_rows(
            min_row=2, values_only=True
        )
    }  # fmt: skip
    assert names == {NAMES[2], NAMES[3], NAMES[4]}
    assert ids  # the region was built


async def test_export_of_a_coordinator_is_the_combined_workbook(harness: Harness) -> None:
    ids = await region(harness)
    # The period first, like a curator's /export: the current cycles, no one school's cycle.
    menu = await harness.send(COORDINATOR, "/export", language_code="en")
    assert [s.method for s in menu] == ["sendMessage"]
    assert "Excel workbook of the organizations you cover" in menu[0].text
    assert "Organizations: 3" in menu[0].text and "Which period?" in menu[0].text
    labels = [label for label, _ in menu[0].buttons]
    assert labels[0] == "✓ The current cycles" and "← Back" not in labels
    assert not [label for label in labels if "Cycle" in label]
    sent = await harness.press(COORDINATOR, menu[0].data_of("The current cycles"),
                               menu[0].message_id, "en")  # fmt: skip
    assert sent[0].method == "editMessageText" and sent[0].message_id == menu[0].message_id
    assert sent[0].text.startswith("Preparing the workbook of all your organizations for the")
    assert sent[-1].method == "sendDocument" and sent[-1].file is not None
    assert sent[-1].filename == "mentorship_schools-3_2026-03-12.xlsx"
    book = load_workbook(io.BytesIO(sent[-1].file))
    assert {r[0] for r in book["База наставляемых"].iter_rows(min_row=2, values_only=True)} == {
        NAMES[1], NAMES[2], NAMES[3],
    }  # fmt: skip
    numbered = await harness.send(COORDINATOR, f"/export {ids[2]}", language_code="en")
    assert [s.method for s in numbered] == ["sendMessage"]
    assert "Send /export without a number" in numbered[0].text
    # A school year, chosen from the same menu.
    year = await harness.press(COORDINATOR, menu[0].data_of("School year 2025/26"),
                               menu[0].message_id, "en")  # fmt: skip
    assert year[-1].filename == "mentorship_schools-3_2025-26.xlsx"
    assert year[-1].text.startswith("Period: school year 2025/26.")
    # A curator who also covers another school gets their own school's workbook from /export.
    await harness.app.services.indicators.add_coordinator(CURATORS[4], ids[1])
    # (It asks for the period first: the first choice is the current cycle.)
    choice = await harness.send(CURATORS[4], "/export", language_code="en")
    own = await harness.press(CURATORS[4], choice[-1].buttons[0][1], language_code="en")
    assert own[-1].filename == f"mentorship_{ids[4]}_cycle1_2026-03-12.xlsx"


async def test_a_curator_of_one_school_gets_no_table_and_no_other_school(
    harness: Harness,
) -> None:
    ids = await region(harness)
    curator = CURATORS[1]
    refused = await harness.send(curator, "/schools", language_code="en")
    assert [s.method for s in refused] == ["sendMessage"]
    assert "for municipal coordinators" in refused[0].text and "/stats" in refused[0].text
    # Forged buttons give nothing, no file.
    for press in (
        press_of(PeriodAction.OPEN, REGION_EXPORT_REPORT, Period.current_cycle()),
        press_of(PeriodAction.SHOW, SCHOOLS_REPORT, Period.school_year(2025)),
        page_press(SCHOOLS_REPORT, Period.current_cycle(), 1).pack(),
    ):
        assert await harness.press(curator, press, language_code="en") == []
        assert "outdated" in (harness.session.callback_answers()[-1].text or "")
    services = harness.app.services
    with pytest.raises(ExportError) as raised:
        await services.exports.for_coordinator(curator, "en")
    assert raised.value.problem is ExportProblem.NOT_COORDINATOR
    with pytest.raises(ExportError) as raised:
        await services.exports.for_curator(curator, ids[2], "en")
    assert raised.value.problem is ExportProblem.NOT_CURATOR
    # A pupil is refused the same way.
    pupil_answer = await harness.send(1001, "/schools", language_code="en")
    assert "for municipal coordinators" in pupil_answer[0].text


TABLES = (
    "denominators", "indicator_targets", "pairs", "meetings", "participants", "cycles",
    "organization_forms", "curators", "coordinators",
)  # fmt: skip


async def snapshot(harness: Harness) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: [tuple(r) for r in await harness.app.db.fetch_all(f"SELECT * FROM {table}")]
        for table in TABLES
    }


async def test_a_coordinator_cannot_change_a_schools_data(harness: Harness) -> None:
    ids = await region(harness)
    services = harness.app.services
    before = await snapshot(harness)
    assert before["pairs"] and before["denominators"]
    assert (
        await services.indicators.set_denominator(ids[2], "pupils_10_19", "5", COORDINATOR)
        is InputProblem.NOT_ALLOWED
    )
    assert (
        await services.indicators.set_target(ids[2], "mentees_10_19", "10", COORDINATOR)
        is InputProblem.NOT_ALLOWED
    )
    for command in ("/indicators", "/matching", "/pairs", "/closecycle", "/newcycle", "/forms"):
        sent = await harness.send(COORDINATOR, command, language_code="en")
        assert "Only the curator of an organization can do this" in sent[-1].text, command
    # What the coordinator may do only reads: the table, its pages, the workbook.
    sent = await harness.send(COORDINATOR, "/schools", language_code="en")
    await harness.press(COORDINATOR, page_press(SCHOOLS_REPORT, Period.current_cycle(), 0).pack())
    await harness.press(COORDINATOR, sent[0].data_of("Excel workbook"))
    await harness.press(COORDINATOR, sent[0].data_of("Period:"))
    assert await snapshot(harness) == before


async def test_a_garbled_period_on_a_button_is_outdated(harness: Harness) -> None:
    await region(harness)
    for forged in ("per1p:sc:0:s:5:0", "per1p:sc:0:r:20260231:20260301", "per1:o:exs:y:1812:0"):
        assert await harness.press(COORDINATOR, forged, language_code="en") == []
        assert "outdated" in (harness.session.callback_answers()[-1].text or "")


async def test_old_buttons_give_the_current_cycles(harness: Harness) -> None:
    """Buttons of tables sent before the table took the picker's period: a page shows the
    current cycles' table in its place, the workbook is made of them."""
    await region(harness)
    page = await harness.press(COORDINATOR, "sch1:page:1:cycle:0:0:0", 40, "en")
    assert page[0].method == "editMessageText" and page[0].message_id == 40
    assert "Period: the current cycles. Organizations: 3" in page[0].text
    notice = harness.session.callback_answers()[-1].text or ""
    assert "earlier version" in notice
    book = await harness.press(COORDINATOR, "sch1:book:0:cycle:0:0:0", 40, "en")
    assert book[-1].method == "sendDocument"
    assert book[-1].filename == "mentorship_schools-3_2026-03-12.xlsx"
    # Someone who covers nothing gets no table from them.
    assert await harness.press(CURATORS[1], "sch1:page:1:cycle:0:0:0", 41, "en") == []


async def test_the_summary_opens_the_table_of_its_period(harness: Harness) -> None:
    await region(harness)
    summary = [s for s in await harness.send(COORDINATOR, "/stats", language_code="en")
               if s.buttons][-1]  # fmt: skip
    await harness.press(COORDINATOR, summary.data_of("Period:"), summary.message_id, "en")
    year = await harness.press(COORDINATOR, choices_shown(harness)["Year 2025"],
                               summary.message_id, "en")  # fmt: skip
    under = [s for s in year if s.buttons][-1]
    table = await harness.press(COORDINATOR, under.data_of("Each organization"), 50, "en")
    assert table[0].method == "sendMessage"
    assert "Period: year 2025. Organizations: 3" in table[0].text


async def test_turning_pages_reuses_a_recent_table_but_rechecks_the_right(
    harness: Harness,
) -> None:
    ids = await region(harness)
    services = harness.app.services
    current = Period.current_cycle()
    first = await services.schools.for_viewer(COORDINATOR, current, is_admin=False)
    again = await services.schools.for_viewer(COORDINATOR, current, is_admin=False, reuse=True)
    assert again is first
    counted = await services.schools.for_viewer(COORDINATOR, current, is_admin=False)
    assert counted is not first  # the command counts anew
    harness.clock.advance(timedelta(seconds=121))
    later = await services.schools.for_viewer(COORDINATOR, current, is_admin=False, reuse=True)
    assert later is not None and later is not counted
    for n in (1, 2, 3):
        await services.indicators.remove_coordinator(COORDINATOR, ids[n])
    assert (
        await services.schools.for_viewer(COORDINATOR, current, is_admin=False, reuse=True) is None
    )
    sent = await harness.press(
        COORDINATOR, page_press(SCHOOLS_REPORT, current, 1).pack(), language_code="en"
    )
    assert sent == []
    assert "outdated" in (harness.session.callback_answers()[-1].text or "")


# --- the pure parts ------------------------------------------------------------------------


def indicators(
    invited: int, held: int, planned: int, involved: int, pupils: int | None
) -> Indicators:
    shares = [
        Share(key, SHARE_TITLES[key], involved if key == "mentees_10_19" else 0,
              pupils if key == "mentees_10_19" else None, 0.7 if key.startswith("m") else 0.85)
        for key in SHARE_KEYS
    ]  # fmt: skip
    return Indicators(
        organization_ids=(1,),
        stages={None: StageCounts(invited, invited, invited, invited, invited, 0)},
        meetings_held=held,
        meetings_planned=planned,
        feedback_answered=0,
        feedback_expected=2 * held,
        shares=shares,
    )


def row(name: str, figures: Indicators, pairs: int = 3, passed: float = 0.5) -> SchoolRow:
    return school_row(len(name), name, figures, pairs, passed)


def test_marks_and_the_order_worst_first() -> None:
    rows = [
        row("Ясная", indicators(10, 9, 10, 5, 10)),  # 90 %, 50 % of 35 %: on track
        row("Берёзка", indicators(10, 7, 10, 5, 10)),  # 70 % of meetings: behind
        row("Астра", indicators(0, 0, 0, 0, 10), pairs=0),  # nobody: not started
        row("Вишня", indicators(10, 10, 10, 3, 10)),  # 30 % < 35 %: behind
        row("Гавань", indicators(4, 0, 0, 0, 10), pairs=0),  # people, no pairs: not started
        row("Дубрава", indicators(10, 8, 10, 1, None)),  # no pupils entered: judged by meetings
        row("Ель", indicators(10, 6, 8, 4, 10)),  # 75 % exactly, 40 %: on track
    ]
    ordered = worst_first(rows)
    assert [(r.name, r.mark) for r in ordered] == [
        ("Астра", SchoolMark.NOT_STARTED),
        ("Гавань", SchoolMark.NOT_STARTED),
        ("Вишня", SchoolMark.BEHIND),  # 30 / 35 = 0.857
        ("Берёзка", SchoolMark.BEHIND),  # 70 / 75 = 0.933
        ("Ель", SchoolMark.ON_TRACK),  # 75 / 75 = 1.0
        ("Дубрава", SchoolMark.ON_TRACK),  # 80 / 75 = 1.067
        ("Ясная", SchoolMark.ON_TRACK),  # 90 / 75 = 1.2, 50 / 35 = 1.43
    ]
    assert ordered[0].reasons == (Reason.NO_PARTICIPANTS,)
    assert ordered[1].reasons == (Reason.NO_PAIRS,)
    assert ordered[2].reasons == (Reason.INVOLVEMENT,)
    assert ordered[3].reasons == (Reason.MEETINGS,)


def test_how_much_of_the_period_has_passed() -> None:
    year = Period.school_year(2025)
    assert progress(year, date(2025, 8, 31), None) == 0.0
    assert progress(year, date(2025, 9, 1), None) == pytest.approx(1 / 365)
    assert progress(year, date(2026, 8, 31), None) == 1.0
    assert progress(year, date(2027, 1, 1), None) == 1.0
    current = Period.current_cycle()
    assert progress(current, date(2026, 3, 12), None) == 0.0  # no cycle: nothing asked
    assert progress(current, date(2026, 3, 12), CycleSpan(date(2025, 9, 1), None, True)) == 1.0
    # Without a planned end a cycle runs to 31 May.
    open_cycle = CycleSpan(date(2025, 9, 1), None, False)
    assert progress(current, date(2026, 3, 12), open_cycle) == pytest.approx(PASSED)
    planned = CycleSpan(date(2026, 1, 10), date(2026, 1, 19), False)
    assert progress(current, date(2026, 1, 14), planned) == pytest.approx(0.5)


def test_long_tables_are_paged(harness: Harness) -> None:
    from bot.reports.schools import SchoolTable

    many = [row(f"Школа {n:03d}", indicators(10, 9, 10, 5, 10)) for n in range(25)]
    table = SchoolTable(Period.current_cycle(), date(2026, 3, 12), worst_first(many))
    with harness.app.i18n.context(), harness.app.i18n.use_locale("en"):
        first = table_screen(table, 0, "the current cycles", "en")
        last = table_screen(table, 99, "the current cycles", "en")
    assert "Page 1 of 3." in first.text and "1. 🟢 <b>Школа 000</b>" in first.text
    assert f"{PAGE_SIZE}. 🟢" in first.text and f"{PAGE_SIZE + 1}." not in first.text
    assert [b.text for b in first.rows[0]] == ["Next ›"]
    assert "Page 3 of 3." in last.text and "25. 🟢 <b>Школа 024</b>" in last.text
    assert [b.text for b in last.rows[0]] == ["‹ Back"]
