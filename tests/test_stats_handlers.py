"""/stats, the monitoring button and /indicators through the real dispatcher.

The figures of the scenario are counted by hand in tests/test_indicators.py; here they must
reach the right person, and only the right person, as text and a PNG chart.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

from handlers.stats_figures import number as count_text
from handlers.stats_figures import pack, percent
from handlers.stats_views import IndicatorEdit, StatsView
from tests.inprocess import Harness, Sent
from tests.test_indicators import COORDINATOR, CURATOR_A, CURATOR_B, build, choice

PNG = b"\x89PNG\r\n\x1a\n"


def photos(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.method == "sendPhoto"]


def texts(sent: list[Sent]) -> str:
    return "\n".join(s.text for s in sent if s.method == "sendMessage")


def block(text: str, title: str) -> str:
    """The per-form block that starts with the form's title (up to the next empty line)."""
    text = "\n" + text
    start = text.index("\n" + title + "\n") + 1
    end = text.find("\n\n", start)
    return text[start:] if end == -1 else text[start:end]


async def test_the_curator_gets_the_figures_and_a_chart(harness: Harness) -> None:
    await build(harness.app.db)
    sent = await harness.send(CURATOR_A, "/stats", language_code="en")
    text = texts(sent)
    assert "Школа А" in text and "Школа Б" not in text
    assert (
        "All forms: invited 12, consented 10, questionnaire done 9, matched 9, in pairs now 2, "
        "completed the cycle 6" in text
    )
    assert "Meetings held: 3 of 5 planned" in text
    assert "Feedback forms after meetings: 4 of 6 expected" in text
    assert "Satisfied mentees: <b>" not in text  # the HTML was rendered
    assert "Satisfied mentees: 66.7% (2 of 3), target 85%" in text
    assert "Satisfied means 7 or more out of 10" in text
    # The documents' definitions, each label saying which: entered, and beside it completed;
    # the satisfaction of all asked, with how many answered; mentors of unknown age apart.
    assert (
        "• Children aged 10–19 who entered the program as mentees: 2; enter the number to "
        "compare with in /indicators, target 70%\n"
        "   ◦ Children aged 10–19 who completed the program as mentees: 2\n" in text
    )
    assert "(2 of 3), target 85%; answered the final poll: 3 of 3 (100%)" in text
    assert "(1 of 3), target 85%; answered the final poll: 2 of 3 (66.7%)" in text
    assert "Mentors whose age is unknown (no year of birth given): 2;" in text
    assert "The targets are those of 2026." in text
    # Then a block per form that has anyone, in the order of the documents (counted by hand
    # in tests/test_indicators.py).
    forms = text.index("By form of mentoring")
    assert forms > text.index("Satisfied mentees: 66.7%")
    assert "final polls in the form of their pair. Satisfied means 7 or more out of 10." in text
    assert block(text, "Teacher – teacher").split("\n") == [
        "Teacher – teacher",
        "People: invited 1, consented 1, questionnaire done 1, matched 1, in pairs now 1, "
        "completed the cycle 0",
        "No meetings or final poll answers yet.",
    ]
    assert block(text, "Student – pupil").split("\n") == [
        "Student – pupil",
        "People: invited 4, consented 4, questionnaire done 4, matched 4, in pairs now 1, "
        "completed the cycle 2",
        "Meetings held: 2 of 4 planned; feedback forms: 3 of 4",
        "Satisfied mentees: 1 of 1 (100%)",
        "Satisfied mentors: 1 of 1 (100%)",
    ]
    assert block(text, "Employer – pupil").split("\n")[2:] == [
        "Meetings held: 1 of 1 planned; feedback forms: 1 of 2",
        "Satisfied mentees: 1 of 2 (50%)",
        "Satisfied mentors: 0 of 2 (0%)",
    ]
    order = [text.index(f"\n{title}\n") for title in
             ("Teacher – teacher", "Student – pupil", "Employer – pupil")]  # fmt: skip
    assert forms < order[0] < order[1] < order[2]
    # Forms nobody has chosen and no pair has are left out.
    assert "Pupil – pupil" not in text and "Employer – student" not in text
    # Not entered yet: the count is shown and the curator is sent to /indicators.
    assert "Children aged 10–19 who entered the program as mentees: 2; enter the number" in text
    [chart] = photos(sent)
    assert chart.file is not None and chart.file.startswith(PNG)
    width, height = struct.unpack(">II", chart.file[16:24])
    assert width > 600 and height > 200
    assert chart.filename == "indicators.png"
    messages = [s for s in sent if s.method == "sendMessage"]
    assert all(len(m.text) <= 4096 for m in messages)
    # The buttons are under the last part of the text; the first line says the period.
    assert messages[0].text.startswith("Statistics: cycle 2, current (since 01.09.2025)\n")
    assert [text for text, _ in messages[-1].buttons] == [
        "Monitoring: before and after",
        "Period: cycle 2, current (since 01.09.2025)",
    ]
    assert chart.text.startswith("Cycle 2, current (since 01.09.2025): each indicator")
    assert all(m.buttons == [] for m in messages[:-1])


async def test_the_per_form_block_in_russian(harness: Harness) -> None:
    _, ids = await build(harness.app.db)
    await harness.app.services.indicators.set_denominator(
        ids["a"], "pupils_10_19", "1400", CURATOR_A
    )
    sent = await harness.send(CURATOR_A, "/stats", language_code="ru")
    text = texts(sent)
    # Numbers the Russian way: a decimal comma, a no-break space before the percent sign and
    # between the thousands.
    assert "Удовлетворённые наставляемые: 66,7\u00a0% (2 из 3), цель 85\u00a0%" in text
    assert "ответили на итоговый опрос: 3 из 3 (100\u00a0%)" in text
    assert "◦ Дети 10–19 лет, завершившие программу в роли наставляемых: 2" in text
    assert "наставляемых: 0,1\u00a0% (2 из 1\u00a0400), цель 70\u00a0%" in text
    assert "Удовлетворённые наставники: 33,3\u00a0% (1 из 3)" in text
    employer = block(text, "Работодатель – ученик")
    assert text.index("Работодатель – ученик") > text.index("Удовлетворённые наставляемые")
    lines = employer.split("\n")
    assert len(lines) == 5
    assert (
        "приглашено 4, дали согласие 4, заполнили анкету 4, подобрана пара 4, сейчас в парах 0, "
        "завершили цикл 4" in lines[1]
    )
    assert "1" in lines[2] and "2" in lines[2]
    assert lines[3].endswith("(50\u00a0%)") and lines[4].endswith("(0\u00a0%)")
    student = block(text, "Студент – ученик").split("\n")
    assert student[3].endswith("1 (100\u00a0%)") and student[4].endswith("1 (100\u00a0%)")
    assert "Учитель – учитель" in text and "Ученик – ученик" not in text


async def test_many_forms_are_split_into_several_messages(harness: Harness) -> None:
    scenario, ids = await build(harness.app.db)
    a, cur = ids["a"], ids["cur"]
    for number in range(1, 7):
        code = f"own_{number}"
        title = f"Собственная форма № {number}: " + "наставничество в проектной работе " * 2
        await scenario.sql(
            "INSERT INTO organization_forms (organization_id, code, title) VALUES (?, ?, ?)",
            (a, code, title.strip()[:100]),
        )
        await scenario.person(f"o{number}", a, cur, "mentor", answers={"form": choice(code)})
        await scenario.person(f"p{number}", a, cur, "mentee", answers={"form": choice(code)})
        pair = await scenario.pair(a, cur, f"o{number}", f"p{number}", code)
        await scenario.meeting(pair, "held", "2026-02-01T10:00:00+00:00", f"o{number}")
        await scenario.response("final_mentee", f"p{number}", f"cycle:{cur}", {"satisfaction": 8})
    for language in ("ru", "en"):
        sent = await harness.send(CURATOR_A, "/stats", language_code=language)
        messages = [s for s in sent if s.method == "sendMessage"]
        assert len(messages) >= 2
        assert all(len(m.text) <= 4096 for m in messages)
        assert [b for m in messages[:-1] for b in m.buttons] == []
        assert len(messages[-1].buttons) == 2
        # Every part says the period in its first line.
        assert all("cycle 2" in m.text.split("\n", 1)[0] or "цикл 2" in m.text.split("\n", 1)[0]
                   for m in messages)  # fmt: skip
        text = texts(sent)
        for number in range(1, 7):
            title = f"Собственная форма № {number}: наставничество"
            assert text.count(title) == 1
            # A form's block is never cut between two messages.
            [holder] = [m for m in messages if title in m.text]
            assert block(holder.text, next(
                line for line in holder.text.split("\n") if line.startswith(title)
            )).count("\n") == 4  # fmt: skip
        assert len(photos(sent)) == 1


async def test_others_get_a_refusal_and_no_data(harness: Harness) -> None:
    scenario, _ = await build(harness.app.db)
    pupil = int(
        await harness.app.db.fetch_value(
            "SELECT telegram_id FROM participants WHERE id = ?", (scenario.ids["e1"],)
        )
    )
    for person in (pupil, 4321):
        sent = await harness.send(person, "/stats", language_code="en")
        assert photos(sent) == []
        assert len(sent) == 1 and "statistics are for the curator" in sent[0].text
        assert "invited" not in sent[0].text
        await harness.press(person, StatsView(view="monitoring").pack(), language_code="en")
        alert = harness.session.callback_answers()[-1]
        assert alert.show_alert and "statistics are for the curator" in (alert.text or "")
    # The other organization's curator sees only their own organization.
    sent = await harness.send(CURATOR_B, "/stats", language_code="en")
    text = texts(sent)
    assert "Школа Б" in text and "Школа А" not in text
    assert "All forms: invited 2," in text


async def test_a_coordinator_sees_the_sum_of_the_organizations_covered(harness: Harness) -> None:
    _, ids = await build(harness.app.db)
    indicators = harness.app.services.indicators
    await indicators.add_coordinator(COORDINATOR, ids["b"])
    only_b = texts(await harness.send(COORDINATOR, "/stats", language_code="en"))
    assert "Organizations: 1" in only_b and "All forms: invited 2," in only_b
    assert "Школа А" not in only_b and "invited 12" not in only_b  # nothing of A
    await indicators.add_coordinator(COORDINATOR, ids["a"])
    sent = await harness.send(COORDINATOR, "/stats", language_code="en")
    both = texts(sent)
    assert "Organizations: 2" in both
    assert "All forms: invited 14, consented 12, questionnaire done 11" in both
    assert "Meetings held: 3 of 5 planned" in both
    # The summary has the per-form figures too: teacher – teacher of A and of B together.
    assert block(both, "Teacher – teacher").split("\n")[1:3] == [
        "People: invited 3, consented 3, questionnaire done 3, matched 3, in pairs now 1, "
        "completed the cycle 2",
        "Meetings held: 0 of 0 planned; feedback forms: 0 of 0",
    ]
    assert len(photos(sent)) == 1
    # A coordinator is no curator: the monitoring of one organization is not for them.
    await harness.press(COORDINATOR, StatsView(view="monitoring").pack(), language_code="en")
    assert "outdated" in (harness.session.callback_answers()[-1].text or "")
    # The administrator covers all organizations.
    admin = texts(await harness.send(777, "/stats", language_code="en"))
    assert "Organizations: 2" in admin and "invited 14" in admin


async def test_a_curator_who_also_coordinates_gets_both(harness: Harness) -> None:
    _, ids = await build(harness.app.db)
    await harness.app.services.indicators.add_coordinator(CURATOR_A, ids["b"])
    sent = await harness.send(CURATOR_A, "/stats", language_code="en")
    summary = sent[0].data_of("Summary of the organizations I cover (1)")
    more = await harness.press(CURATOR_A, summary, language_code="en")
    assert "Organizations: 1" in texts(more) and "invited 2," in texts(more)


async def test_the_monitoring_button(harness: Harness) -> None:
    scenario, ids = await build(harness.app.db)
    sent = await harness.press(CURATOR_A, StatsView(view="monitoring").pack(), language_code="en")
    assert "Nobody has answered the survey both before and after" in texts(sent)
    cur = ids["cur"]
    await scenario.response("monitoring_pupil", "e1", f"before:{cur}", {"engagement": 2})
    await scenario.response("monitoring_pupil", "e1", f"after:{cur}", {"engagement": 5})
    sent = await harness.press(CURATOR_A, StatsView(view="monitoring").pack(), language_code="en")
    text = texts(sent)
    assert "Engagement in learning: 2.0 → 5.0 (+3.0), people: 1" in text
    assert "Performance in main subjects (self-assessment): nobody answered both times" in text
    assert "Student – pupil" in text


async def test_the_curator_enters_denominators_and_targets(harness: Harness) -> None:
    _, ids = await build(harness.app.db)
    view = (await harness.send(CURATOR_A, "/indicators", language_code="en"))[-1]
    assert "school year 2025/2026" in view.text
    assert "Pupils aged 10–19: not entered" in view.text
    assert "Satisfied mentees: 85%" in view.text
    await harness.press(CURATOR_A, view.data_of("Pupils aged 10–19"), language_code="en")
    assert "whole number from 0 to 1 000 000" in harness.session.sent[-1].text
    for bad in ("много", "-3", "5000000"):
        reply = await harness.send(CURATOR_A, bad, language_code="en")
        assert "number" in reply[-1].text and "Saved" not in reply[-1].text
    assert await harness.app.db.fetch_value("SELECT count(*) FROM denominators") == 0
    saved = await harness.send(CURATOR_A, "1 400", language_code="en")
    assert "Saved." in saved[-1].text and "Pupils aged 10–19: 1400" in saved[-1].text
    assert await harness.state_of(CURATOR_A) is None

    target = saved[-1].data_of("Target: Children aged 10–19")
    await harness.press(CURATOR_A, target, language_code="en")
    reply = await harness.send(CURATOR_A, "150", language_code="en")
    assert "from 1 to 100 percent" in reply[-1].text
    reply = await harness.send(CURATOR_A, "55%", language_code="en")
    assert "Children aged 10–19 who entered the program as mentees: 55%" in reply[-1].text
    indicators = await harness.app.services.indicators.for_organization(ids["a"])
    mentees = indicators.share("mentees_10_19")
    assert (mentees.count, mentees.total, mentees.target) == (2, 1400, 0.55)
    stats = texts(await harness.send(CURATOR_A, "/stats", language_code="en"))
    assert (
        "Children aged 10–19 who entered the program as mentees: 0.1% (2 of 1,400), target 55%"
        in stats
    )

    # A forged field, a pupil and another organization's numbers stay untouched.
    await harness.press(CURATOR_A, IndicatorEdit(field="bogus").pack(), language_code="en")
    assert "outdated" in (harness.session.callback_answers()[-1].text or "")
    refused = await harness.send(4321, "/indicators", language_code="en")
    assert "Only the curator" in refused[-1].text
    await harness.press(4321, IndicatorEdit(field="pupils_10_19").pack(), language_code="en")
    assert "Only the curator" in (harness.session.callback_answers()[-1].text or "")
    await harness.press(CURATOR_B, IndicatorEdit(field="pupils_10_19").pack(), language_code="en")
    await harness.send(CURATOR_B, "7", language_code="en")
    rows = await harness.app.db.fetch_all(
        "SELECT organization_id, pupils_10_19 FROM denominators ORDER BY organization_id"
    )
    assert [tuple(r) for r in rows] == [(ids["a"], 1400), (ids["b"], 7)]


async def test_coordinators_from_the_command_line(tmp_path: Path) -> None:
    from tests.e2e.process import run_cli

    env = {"DATABASE_PATH": str(tmp_path / "cli.sqlite3"), "BOT_USERNAME": "school5_bot"}
    code, _, err = await run_cli(
        "org", "create", "--name", "Школа № 5", "--timezone", "Asia/Chita", cwd=tmp_path, **env
    )
    assert (code, err) == (0, "")
    code, out, err = await run_cli(
        "coordinator", "add", "--telegram-id", "601", "--org", "1", cwd=tmp_path, **env
    )
    assert code == 0 and "User 601 now sees the indicators of organization 1" in out
    code, out, _ = await run_cli(
        "coordinator", "add", "--telegram-id", "601", "--org", "1", cwd=tmp_path, **env
    )
    assert code == 0 and "already covers" in out
    code, _, err = await run_cli(
        "coordinator", "add", "--telegram-id", "601", "--org", "9", cwd=tmp_path, **env
    )
    assert code == 1 and "No organization with id 9" in err
    code, out, _ = await run_cli("coordinator", "list", "--telegram-id", "601", cwd=tmp_path, **env)
    assert out.strip() == "1\tШкола № 5"
    with sqlite3.connect(env["DATABASE_PATH"]) as conn:
        rows = conn.execute("SELECT telegram_id, organization_id FROM coordinators").fetchall()
    assert rows == [(601, 1)]
    code, out, _ = await run_cli(
        "coordinator", "remove", "--telegram-id", "601", "--org", "1", cwd=tmp_path, **env
    )
    assert code == 0 and "no longer covers" in out


def test_numbers_in_the_locale_and_blocks_packed_into_messages() -> None:
    assert (percent(2 / 3, "ru"), percent(2 / 3, "en")) == ("66,7\u00a0%", "66.7%")
    assert (percent(0.85, "ru"), percent(0.725, "en"), percent(0.0, "en")) == (
        "85\u00a0%", "72.5%", "0%",
    )  # fmt: skip
    assert (count_text(1400, "ru"), count_text(1400, "en"), count_text(12, "ru")) == (
        "1\u00a0400",
        "1,400",
        "12",
    )
    blocks = [["a" * 30, "b" * 30], ["c" * 50], ["d" * 20, "e" * 20], ["f" * 10]]
    # 61 + 2 + 50 > 100: the second block starts a message; 50 + 2 + 41 = 93 takes the third;
    # 93 + 2 + 10 > 100: the fourth starts another.
    assert pack(blocks, limit=100) == [
        "a" * 30 + "\n" + "b" * 30,
        "c" * 50 + "\n\n" + "d" * 20 + "\n" + "e" * 20,
        "f" * 10,
    ]
    # A block longer than a message is split between its lines.
    assert pack([["x" * 60, "y" * 60]], limit=100) == ["x" * 60, "y" * 60]
