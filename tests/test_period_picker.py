"""The period picker through the real dispatcher: under /stats, the summary, the monitoring and
/export a person chooses an earlier cycle, a school year, a calendar year or types the dates,
and the same report comes for that period; nothing of another school leaks through a forged
press; the command line takes the same periods.

The history is written straight into the tables (tests/test_indicators.Scenario): school A
ran cycle 1 (01.09.2024 – 31.05.2025) with two meetings in March 2025 and runs cycle 2 (since
01.09.2025) with five meetings (15.10.2025, 01.02.2026, 15.02.2026, 01.03.2026, 05.03.2026);
school B has seven meetings in October 2025. So, counted by hand, school A's meetings held are:
cycle 1: 2, cycle 2: 5, school year 2024/25: 2, 2025/26: 5, year 2025: 3, year 2026: 4,
01.03.2025–31.03.2025: 2, 01.02.2026–31.03.2026: 4.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.__main__ import main
from bot.clock import to_db
from bot.models.periods import Period
from handlers.period_views import PeriodAction, press_of
from handlers.states import PeriodDialogue
from tests.e2e.process import run_cli
from tests.inprocess import Harness, Sent, running_harness
from tests.test_indicators import COORDINATOR, CURATOR_A, CURATOR_B, Scenario, choice

CYCLE_1 = "cycle 1 (01.09.2024 – 31.05.2025)"
CYCLE_2 = "cycle 2, current (since 01.09.2025)"


async def history(harness: Harness) -> dict[str, int]:
    s = Scenario(harness.app.db)
    a = await s.organization("Школа А", CURATOR_A)
    b = await s.organization("Школа Б", CURATOR_B)
    old, cur = await s.cycle(a, 1, closed=True), await s.cycle(a, 2)
    cur_b = await s.cycle(b, 1)
    closed = to_db(datetime(2025, 5, 31, 9, 0, tzinfo=UTC))
    await s.sql("UPDATE cycles SET started_on = '2024-09-01', closed_at = ? WHERE id = ?",
                (closed, old))  # fmt: skip
    sp = choice("student_pupil")
    for name, org, cycle, role in (
        ("m1", a, old, "mentor"), ("e1", a, old, "mentee"),
        ("m2", a, old, "mentor"), ("e2", a, old, "mentee"),
        ("m3", a, cur, "mentor"), ("e3", a, cur, "mentee"),
        ("mb", b, cur_b, "mentor"), ("eb", b, cur_b, "mentee"),
    ):  # fmt: skip
        await s.person(name, org, cycle, role, answers={"form": sp})
    first = await s.pair(a, old, "m1", "e1", "student_pupil", completed=True)
    second = await s.pair(a, old, "m2", "e2", "student_pupil", completed=True)
    await s.sql("UPDATE pairs SET started_on = '2024-10-01', ended_on = '2025-05-20' "
                "WHERE id IN (?, ?)", (first, second))  # fmt: skip
    await s.meeting(first, "held", "2025-03-10T08:00:00+00:00", "m1")
    await s.meeting(second, "held", "2025-03-11T08:00:00+00:00", "m2")
    third = await s.pair(a, cur, "m3", "e3", "student_pupil")
    await s.sql("UPDATE pairs SET started_on = '2025-10-01' WHERE id = ?", (third,))
    for day in ("2025-10-15", "2026-02-01", "2026-02-15", "2026-03-01", "2026-03-05"):
        await s.meeting(third, "held", f"{day}T08:00:00+00:00", "m3")
    other = await s.pair(b, cur_b, "mb", "eb", "student_pupil")
    await s.sql("UPDATE pairs SET started_on = '2025-09-20' WHERE id = ?", (other,))
    for number in range(1, 8):
        await s.meeting(other, "held", f"2025-10-{number:02d}T08:00:00+00:00", "mb")
    return {"a": a, "b": b, "old": old, "cur": cur, "cur_b": cur_b}


def texts(sent: list[Sent]) -> str:
    return "\n".join(s.text for s in sent if s.method in ("sendMessage", "editMessageText"))


def held(count: int) -> str:
    return f"Meetings held: {count} of {count} planned"


def with_buttons(sent: list[Sent]) -> Sent:
    return [s for s in sent if s.buttons][-1]


async def menu_of(harness: Harness, user: int, report: Sent) -> list[tuple[str, str]]:
    """The buttons the period's choices put in place of the report's (an edit of the keyboard
    only: the recording session keeps the last markup of each message)."""
    from aiogram.methods import EditMessageReplyMarkup

    edits = [c for c in harness.session.calls if isinstance(c, EditMessageReplyMarkup)]
    assert edits, "the choices did not replace the buttons"
    markup = edits[-1].reply_markup
    assert markup is not None
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


def data_in(buttons: list[tuple[str, str]], text: str) -> str:
    found = [data for label, data in buttons if text in label]
    assert len(found) == 1, (text, buttons)
    return found[0]


async def test_the_curator_chooses_an_earlier_cycle_a_school_year_and_a_year(
    harness: Harness,
) -> None:
    await history(harness)
    sent = await harness.send(CURATOR_A, "/stats", language_code="en")
    assert sent[0].text.startswith(f"Statistics: {CYCLE_2}\nШкола А")
    assert held(5) in texts(sent)
    report = with_buttons(sent)

    await harness.press(CURATOR_A, report.data_of("Period:"), report.message_id, "en")
    buttons = await menu_of(harness, CURATOR_A, report)
    assert [label for label, _ in buttons] == [
        "✓ Cycle 2, current (since 01.09.2025)",
        "Cycle 1 (01.09.2024 – 31.05.2025)",
        "School year 2025/26",
        "School year 2024/25",
        "Year 2026",
        "Year 2025",
        "Year 2024",
        "Other period…",
        "← Back",
    ]
    # The earlier cycle: the pressed message becomes the report of cycle 1, the rest follows.
    again = await harness.press(
        CURATOR_A, data_in(buttons, "Cycle 1"), report.message_id, language_code="en"
    )
    assert again[0].method == "editMessageText" and again[0].message_id == report.message_id
    assert again[0].text.startswith(f"Statistics: {CYCLE_1}\n")
    assert held(2) in texts(again) and held(5) not in texts(again)
    assert f"Period: {CYCLE_1}" in [b for b, _ in with_buttons(again).buttons]
    [chart] = [s for s in again if s.method == "sendPhoto"]
    assert chart.text.startswith("Cycle 1 (01.09.2024 – 31.05.2025): each indicator")
    assert chart.file is not None and chart.file.startswith(b"\x89PNG")

    for choice_text, heading, count in (
        ("School year 2024/25", "school year 2024/25", 2),
        ("School year 2025/26", "school year 2025/26", 5),
        ("Year 2025", "year 2025", 3),
        ("Year 2026", "year 2026", 4),
    ):
        report = with_buttons(again)
        await harness.press(CURATOR_A, report.data_of("Period:"), report.message_id, "en")
        buttons = await menu_of(harness, CURATOR_A, report)
        again = await harness.press(
            CURATOR_A, data_in(buttons, choice_text), report.message_id, "en"
        )
        assert again[0].text.startswith(f"Statistics: {heading}\n"), again[0].text
        assert held(count) in texts(again), (choice_text, texts(again))
        # The monitoring and the chart under it are of the same period.
        assert with_buttons(again).data_of("Monitoring").startswith("per1:o:mo:")
        assert f"Period: {heading}" in [b for b, _ in with_buttons(again).buttons]


async def test_back_puts_the_reports_buttons_back(harness: Harness) -> None:
    await history(harness)
    report = with_buttons(await harness.send(CURATOR_A, "/stats", language_code="en"))
    await harness.press(CURATOR_A, report.data_of("Period:"), report.message_id, "en")
    buttons = await menu_of(harness, CURATOR_A, report)
    before = len(harness.session.sent)
    await harness.press(CURATOR_A, data_in(buttons, "Back"), report.message_id, "en")
    assert len(harness.session.sent) == before  # nothing new sent, nothing re-counted
    restored = await menu_of(harness, CURATOR_A, report)
    assert restored == report.buttons


async def test_a_typed_range_and_typed_nonsense(harness: Harness) -> None:
    await history(harness)
    report = with_buttons(await harness.send(CURATOR_A, "/stats", language_code="en"))
    await harness.press(CURATOR_A, report.data_of("Period:"), report.message_id, "en")
    buttons = await menu_of(harness, CURATOR_A, report)
    prompt = await harness.press(CURATOR_A, data_in(buttons, "Other period"), report.message_id,
                                 "en")  # fmt: skip
    assert "Type the first and the last day of the period" in prompt[-1].text
    assert f"Now the report is for: {CYCLE_2}" in prompt[-1].text
    assert await harness.state_of(CURATOR_A) == PeriodDialogue.dates.state

    for nonsense, expected in (
        ("на прошлой неделе", "I could not read the dates"),
        ("31.12.2025 - 01.09.2025", "ends before it begins"),
        ("31.04.2025-01.05.2025", "no such date"),
        ("2030", "has not begun yet"),
    ):
        reply = await harness.send(CURATOR_A, nonsense, language_code="en")
        assert len(reply) == 1 and expected in reply[0].text, reply[0].text
        assert "Please type the period again" in reply[0].text
        assert [b for b, _ in reply[0].buttons] == ["← Back"]
        assert await harness.state_of(CURATOR_A) == PeriodDialogue.dates.state
    typed = await harness.send(CURATOR_A, "с 1 февраля по 31 марта 2026", language_code="en")
    assert typed[0].text.startswith("Statistics: 01.02.2026 – 31.03.2026\n")
    assert held(4) in texts(typed)
    assert await harness.state_of(CURATOR_A) is None

    # The same in Russian, the way a curator writes it.
    report = with_buttons(typed)
    await harness.press(CURATOR_A, report.data_of("Period:"), report.message_id, "ru")
    buttons = await menu_of(harness, CURATOR_A, report)
    assert "Другой период…" in [label for label, _ in buttons]
    assert "2024/25 учебный год" in [label for label, _ in buttons]
    await harness.press(CURATOR_A, data_in(buttons, "Другой период"), report.message_id, "ru")
    reply = await harness.send(CURATOR_A, "вчера и сегодня", language_code="ru")
    assert "Не удалось прочитать даты" in reply[0].text
    assert "«с 1 сентября 2026 по 31 декабря 2026»" in reply[0].text
    typed = await harness.send(CURATOR_A, "01.03.2025–31.03.2025", language_code="ru")
    assert typed[0].text.startswith("Статистика: 01.03.2025 – 31.03.2025\nШкола А")
    assert "Проведено встреч: 2" in texts(typed)


async def test_cancel_or_back_leave_the_period_as_it_was(harness: Harness) -> None:
    await history(harness)
    report = with_buttons(await harness.send(CURATOR_A, "/stats", language_code="en"))
    other = press_of(PeriodAction.TYPE, "st", Period.current_cycle())
    await harness.press(CURATOR_A, other, report.message_id, "en")
    cancelled = await harness.send(CURATOR_A, "/cancel", language_code="en")
    assert "choosing the period of a report" in cancelled[-1].text
    assert await harness.state_of(CURATOR_A) is None
    # A date typed now is no answer to anything: the figures are not sent.
    stray = await harness.send(CURATOR_A, "01.03.2025–31.03.2025", language_code="en")
    assert "Statistics:" not in texts(stray)

    prompt = await harness.press(CURATOR_A, other, report.message_id, "en")
    keep = prompt[-1].data_of("Back")
    kept = await harness.press(CURATOR_A, keep, prompt[-1].message_id, "en")
    assert kept[-1].method == "editMessageText"
    assert kept[-1].text == f"The period stays as it was: {CYCLE_2}."
    assert await harness.state_of(CURATOR_A) is None
    # Pressed again (a double tap): already decided.
    await harness.press(CURATOR_A, keep, prompt[-1].message_id, "en")
    assert "outdated" in (harness.session.callback_answers()[-1].text or "")


async def test_a_forged_cycle_of_another_school_shows_nothing(harness: Harness) -> None:
    ids = await history(harness)
    foreign = Period.cycle(ids["cur_b"])
    for action in (PeriodAction.SHOW, PeriodAction.OPEN, PeriodAction.MENU, PeriodAction.TYPE,
                   PeriodAction.BACK):  # fmt: skip
        for report in ("st", "mo", "ex"):
            sent = await harness.press(CURATOR_A, press_of(action, report, foreign), 5, "en")
            assert sent == [], (action, report, sent)
            assert "outdated" in (harness.session.callback_answers()[-1].text or "")
    assert await harness.state_of(CURATOR_A) is None
    # Their own cycle works with the very same press.
    own = await harness.press(CURATOR_B, press_of(PeriodAction.OPEN, "st", foreign), 5, "en")
    assert own[0].text.startswith("Statistics: cycle 1, current (since 01.09.2025)\nШкола Б")
    assert held(7) in texts(own)
    # A coordinator of both schools sees a sum: no one school's cycle is a period of it.
    await harness.app.services.indicators.add_coordinator(COORDINATOR, ids["a"])
    await harness.app.services.indicators.add_coordinator(COORDINATOR, ids["b"])
    sent = await harness.press(COORDINATOR, press_of(PeriodAction.SHOW, "su", foreign), 5, "en")
    assert sent == []
    # A stranger gets nothing from any of them.
    for report in ("st", "su", "mo"):
        assert await harness.press(4321, press_of(PeriodAction.OPEN, report, foreign)) == []
    # Numbers no button carries: outdated, not an error.
    for data in ("per1:s:st:r:20260231:20260301", "per1:s:st:y:1812:0", "per1:s:zz:c:0:0"):
        assert await harness.press(CURATOR_A, data, 5, "en") == []


async def test_the_coordinators_summary_by_school_year(harness: Harness) -> None:
    ids = await history(harness)
    indicators = harness.app.services.indicators
    await indicators.add_coordinator(COORDINATOR, ids["a"])
    await indicators.add_coordinator(COORDINATOR, ids["b"])
    sent = await harness.send(COORDINATOR, "/stats", language_code="en")
    assert sent[0].text.startswith("Summary of the organizations: the current cycles\n")
    assert held(12) in texts(sent)  # 5 of A's cycle 2 and 7 of B's
    report = with_buttons(sent)
    await harness.press(COORDINATOR, report.data_of("Period:"), report.message_id, "en")
    buttons = await menu_of(harness, COORDINATOR, report)
    labels = [label for label, _ in buttons]
    assert labels[0] == "✓ The current cycles" and not any("Cycle" in x for x in labels[1:])
    again = await harness.press(COORDINATOR, data_in(buttons, "School year 2024/25"),
                                report.message_id, "en")  # fmt: skip
    assert again[0].text.startswith("Summary of the organizations: school year 2024/25\n")
    assert held(2) in texts(again)
    [chart] = [s for s in again if s.method == "sendPhoto"]
    assert chart.text.startswith("School year 2024/25: each indicator")


async def test_the_monitoring_follows_the_period(harness: Harness) -> None:
    ids = await history(harness)
    s = Scenario(harness.app.db)
    s.ids = {"e1": await harness.app.db.fetch_value(
        "SELECT id FROM participants WHERE cycle_id = ? AND role = 'mentee' ORDER BY id LIMIT 1",
        (ids["old"],),
    )}  # fmt: skip
    old = ids["old"]
    await s.response("monitoring_pupil", "e1", f"before:{old}", {"engagement": 2})
    await s.response("monitoring_pupil", "e1", f"after:{old}", {"engagement": 5})
    report = with_buttons(await harness.send(CURATOR_A, "/stats", language_code="en"))
    # From the figures of cycle 1, the monitoring of cycle 1.
    await harness.press(CURATOR_A, report.data_of("Period:"), report.message_id, "en")
    buttons = await menu_of(harness, CURATOR_A, report)
    cycle_1 = await harness.press(CURATOR_A, data_in(buttons, "Cycle 1"), report.message_id, "en")
    monitoring = await harness.press(
        CURATOR_A, with_buttons(cycle_1).data_of("Monitoring"), 9, "en"
    )
    assert monitoring[0].method == "sendMessage"  # below the figures, which stay
    assert monitoring[0].text.startswith(f"Monitoring before and after the programme: {CYCLE_1}\n")
    assert "Engagement in learning: 2.0 → 5.0 (+3.0), people: 1" in monitoring[0].text
    # Its own choices: the latest cycle with results is the default, the open one by number.
    await harness.press(CURATOR_A, monitoring[-1].data_of("Period:"), monitoring[-1].message_id,
                        "en")  # fmt: skip
    buttons = await menu_of(harness, CURATOR_A, monitoring[-1])
    labels = [label for label, _ in buttons]
    assert labels[:3] == [
        "The latest cycle with results", "Cycle 2, current (since 01.09.2025)",
        "✓ Cycle 1 (01.09.2024 – 31.05.2025)",
    ]  # fmt: skip
    empty = await harness.press(CURATOR_A, data_in(buttons, "Cycle 2, current"),
                                monitoring[-1].message_id, "en")  # fmt: skip
    assert empty[0].text.startswith(f"Monitoring before and after the programme: {CYCLE_2}\n")
    assert "Nobody has answered the survey" in empty[0].text


async def test_the_workbook_of_a_chosen_or_typed_period(harness: Harness) -> None:
    await history(harness)
    menu = await harness.send(CURATOR_A, "/export", language_code="en")
    assert len(menu) == 1 and "Which period?" in menu[0].text
    labels = [label for label, _ in menu[0].buttons]
    assert labels[0] == "✓ Cycle 2, current (since 01.09.2025)" and "← Back" not in labels
    made = await harness.press(CURATOR_A, menu[0].data_of("School year 2024/25"),
                               menu[0].message_id, "en")  # fmt: skip
    assert made[0].method == "editMessageText"
    assert made[0].text.startswith("Preparing the workbook for school year 2024/25")
    document = made[-1]
    assert document.method == "sendDocument" and document.file is not None
    assert document.text.startswith("Period: school year 2024/25.")
    assert "2024-25" in (document.filename or "")
    meetings = load_workbook(io.BytesIO(document.file))["Meetings"]
    assert meetings.max_row - 1 == 2  # the two of March 2025

    prompt = await harness.press(CURATOR_A, menu[0].data_of("Other period"), menu[0].message_id,
                                 "en")  # fmt: skip
    assert "Type the first and the last day" in prompt[-1].text
    typed = await harness.send(CURATOR_A, "01.02.2026 - 31.03.2026", language_code="en")
    assert typed[0].text.startswith("Preparing the workbook for 01.02.2026 – 31.03.2026")
    assert typed[-1].method == "sendDocument" and typed[-1].file is not None
    assert "2026-02-01_2026-03-31" in (typed[-1].filename or "")
    meetings = load_workbook(io.BytesIO(typed[-1].file))["Meetings"]
    assert meetings.max_row - 1 == 4
    # Another school's curator cannot press these choices into a file of school A.
    assert await harness.press(CURATOR_B, menu[0].data_of("Cycle 1"), 5, "en") == []


def test_the_command_line_takes_the_periods(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # In this process (the real parser and command, without a process per call); the real
    # process is started once below.
    async def prepare() -> dict[str, int]:
        async with running_harness(tmp_path) as harness:
            return await history(harness)

    ids = asyncio.run(prepare())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    out = tmp_path / "report.xlsx"

    def export(*flags: str) -> tuple[int, str, str]:
        code = main(["export", "--org", str(ids["a"]), "--out", str(out), "--locale", "en",
                     *flags])  # fmt: skip
        printed = capsys.readouterr()
        return code, printed.out, printed.err

    periods: tuple[tuple[tuple[str, ...], str, int], ...] = (
        ((), "cycle 2, current (since 01.09.2025)", 5),
        (("--cycle", "1"), "cycle 1 (01.09.2024 – 31.05.2025)", 2),
        (("--school-year", "2024"), "school year 2024/25", 2),
        (("--school-year", "2025/26"), "school year 2025/26", 5),
        (("--year", "2025"), "year 2025", 3),
        (("--from", "01.02.2026", "--to", "31.03.2026"), "01.02.2026 – 31.03.2026", 4),
        (("--from", "1 марта 2025", "--to", "31.3.2025"), "01.03.2025 – 31.03.2025", 2),
    )
    for flags, label, meetings in periods:
        code, stdout, stderr = export(*flags)
        assert (code, stderr) == (0, ""), (flags, stderr)
        assert stdout.strip().endswith(f"period: {label}"), stdout
        assert load_workbook(out)["Meetings"].max_row - 1 == meetings, flags

    mistakes: tuple[tuple[tuple[str, ...], str], ...] = (
        (("--cycle", "1", "--year", "2025"), "Give one period, not --cycle and --year"),
        (("--year", "2025", "--from", "01.01.2025", "--to", "31.01.2025"),
         "Give one period, not --year and --from/--to"),
        (("--cycle", "9"), "organization 1 has no such cycle; its cycles are 1, 2"),
        (("--cycle", "two"), "has no such cycle"),
        (("--year", "20x5"), "--year '20x5': give a year like 2026"),
        (("--school-year", "2024/26"), "a school year runs into the next year, e.g. 2024/25"),
        (("--from", "01.09.2025"), "needs both --from and --to: add --to"),
        (("--to", "01.09.2025"), "needs both --from and --to: add --from"),
        (("--from", "31.04.2025", "--to", "01.05.2025"), "--from '31.04.2025': there is no such"),
        (("--from", "01.09.25", "--to", "01.05.2026"), "four digits"),
        (("--from", "вчера", "--to", "01.05.2026"), "not a date: use DD.MM.YYYY"),
        (("--from", "01.09.2025", "--to", "01.05.2025"), "the period ends before it begins"),
        (("--from", "01.01.2015", "--to", "01.05.2025"), "at most 5 years"),
        (("--year", "2090"), "begins after today"),
    )  # fmt: skip
    for flags, message in mistakes:
        code, _, stderr = export(*flags)
        assert code == 1 and message in stderr, (flags, stderr)
        assert len(stderr.strip().splitlines()) == 1, stderr

    with pytest.raises(SystemExit):
        main(["export", "--help"])
    help_text = capsys.readouterr().out
    for flag in ("--cycle K", "--year YYYY", "--school-year YYYY", "--from DD.MM.YYYY",
                 "--to DD.MM.YYYY", "current cycle"):  # fmt: skip
        assert flag in help_text, flag

    # The real command line, once.
    code, stdout, stderr = asyncio.run(
        run_cli("export", "--org", str(ids["a"]), "--out", str(out), "--school-year", "2024",
                cwd=tmp_path, DATABASE_PATH=str(tmp_path / "bot.sqlite3"))
    )  # fmt: skip
    assert (code, stderr) == (0, "") and "period: school year 2024/25" in stdout
