"""The Excel workbook: the registers of appendices 2.2 and 2.3, pairs, meetings, feedback,
monitoring and indicators; /export for the curator only; ``python -m bot export``."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bot.reports.export_book import translator
from bot.reports.registers import MENTEE_BASE_COLUMNS, MENTOR_BASE_COLUMNS
from storage.repositories.meetings import MeetingRepository
from tests.cohort import choice, choices, mentee_answers, mentor_answers, ready
from tests.e2e.process import run_cli
from tests.inprocess import Harness, Sent, running_harness
from tests.joining import CURATOR, organization

OLGA, PAVEL, IGOR = 101, 102, 103
MASHA, PETYA, VIKA, TEACHER = 201, 202, 203, 204
OTHER_CURATOR = 556
RU = translator("ru")

# The headers as the reference text of the methodology has them (appendix 2.3 verbatim;
# appendix 2.2 with the extraction's hyphenation undone), typed here independently.
APPENDIX_2_2 = [
    "ФИО наставника",
    "Контактные данные для связи",
    "Место работы/ учебы наставника",
    "Основные компетенции наставника",
    "Важные для программы достижения наставника",
    "Интересы наставника",
    "Желаемый возраст наставляемых",
    "Ресурс времени на программу наставничества",
    "Дата вхождения в программу",
    "ФИО наставляемого (наставляемых)",
    "Форма наставничества",
    "Место работы/ учебы наставляемого",
    "Дата завершения программы",
    "Результаты программы",
    "Ссылка на кейс/отзыв наставника, размещенные на сайте организации",
]
APPENDIX_2_3 = [
    "№ п/п",
    "ФИО наставляемого",
    "Контактные данные для связи (данные представителя)",
    "Год рождения наставляемого",
    "Основной запрос наставляемого",
    "Дата вхождения в программу",
    "ФИО наставника",
    "Форма наставничества",
    "Место работы/ учебы наставника",
    "Дата завершения программы",
    "Результаты программы",
    "Ссылка на кейс/отзыв наставляемого, размещенные на сайте организации",
    "Отметка о прохождении программы",
]


async def meeting(
    harness: Harness, pair_id: int, proposer: int, kind: str, at: datetime, status: str
) -> int:
    repository = MeetingRepository(harness.app.db)
    created = await repository.propose(
        pair_id=pair_id, kind=kind, starts_at=at, meeting_format="online",
        place="https://meet.example/room", proposed_by=proposer, now=harness.clock.now(),
        replaces=None,
    )  # fmt: skip
    if status != "proposed":
        assert await repository.decide(created.id, "proposed", "confirmed", harness.clock.now())
    if status in ("held", "missed", "cancelled"):
        reason = "Заболела" if status == "cancelled" else None
        assert await repository.decide(created.id, "confirmed", status, harness.clock.now(), reason)
    return created.id


async def feedback(
    harness: Harness, participant: int, meeting_id: int, usefulness: str, **texts: str
) -> None:
    """Fill in the feedback form through the real service, skipping what is not given."""
    responses = harness.app.services.responses
    step = await responses.open(
        "meeting_feedback", participant, f"meeting:{meeting_id}", meeting_id=meeting_id
    )
    while step.question is not None:
        key = step.question.key
        if key == "usefulness":
            result = await responses.answer_choice(step.response.id, key, usefulness)
        elif key == "worked_on":
            result = await responses.answer_choices(step.response.id, key, ["olympiads"])
        elif key in texts:
            result = await responses.answer_text(step.response.id, key, texts[key])
        else:
            result = await responses.skip(step.response.id, key)
        assert not hasattr(result, "message"), result
        step = result  # type: ignore[assignment]


async def scenario(harness: Harness) -> dict[str, int]:
    """Two mentors with pairs, a declined mentor candidate, a mentee in a group who later
    withdraws, a young teacher without a pair; meetings of every kind of outcome."""
    org = await organization(harness)
    services, db = harness.app.services, harness.app.db
    ids: dict[str, Any] = {"org": org.id}
    ids["olga"] = await ready(
        harness,
        org.id,
        OLGA,
        "mentor",
        mentor_answers(
            "Ольга Викторовна Смирнова",
            achievements="Призёр конкурса «Учитель года»",
            competencies=choices("olympiads", "school_subject"),
            subjects="математика",
            mentee_age_from=11,
            mentee_age_to=15,
        ),
    )
    ids["pavel"] = await ready(
        harness,
        org.id,
        PAVEL,
        "mentor",
        mentor_answers(
            "Павел Андреевич Котов",
            workplace="ООО «Ромашка», инженер",
            capacity=2,
            competencies=choices("career_choice"),
            interests=choices("sport"),
        ),
    )
    ids["igor"] = await ready(harness, org.id, IGOR, "mentor", mentor_answers("Игорь Отказов"))
    ids["masha"] = await ready(harness, org.id, MASHA, "mentee", mentee_answers("Маша Иванова"))
    ids["petya"] = await ready(
        harness,
        org.id,
        PETYA,
        "mentee",
        mentee_answers(
            "Петя Сидоров",
            birth="2010-01-15",
            request=choices("career_choice"),
            class_course="10 «А»",
        ),
    )
    ids["vika"] = await ready(
        harness, org.id, VIKA, "mentee", mentee_answers("Вика Орлова", birth="2011-02-02")
    )
    ids["teacher"] = await ready(
        harness,
        org.id,
        TEACHER,
        "mentee",
        mentee_answers(
            "Анна Молодова",
            birth="1999-09-09",
            contact="anna@example.ru",
            parent_contact=None,
            category=choice("young_teacher"),
            class_course=None,
            request=choices("other"),
            form=choice("teacher_teacher"),
        ),
    )
    # The "other" request was typed by the teacher herself.
    await db.fetch_all(
        "UPDATE answers SET value = ? WHERE participant_id = ? AND question = 'request'",
        ('{"choices": ["other"], "other": "Работа с родителями"}', ids["teacher"]),
    )  # fmt: skip
    for mentor in ("olga", "pavel"):
        assert await services.admission.admit(org.id, ids[mentor], CURATOR) is None
    assert await services.admission.decline(org.id, ids["igor"], CURATOR, "Нет времени") is None
    for mentee, mentor in (("masha", "olga"), ("petya", "pavel"), ("vika", "pavel")):
        outcome = await services.pairing.assign_directly(
            org.id, ids[mentee], ids[mentor], force=True
        )
        assert outcome.pair is not None, outcome
        ids[f"pair_{mentee}"] = outcome.pair.id

    first = datetime(2026, 3, 17, 6, 0, tzinfo=UTC)  # 15:00 in Chita
    ids["m1"] = await meeting(harness, ids["pair_masha"], ids["olga"], "acquaintance", first,
                              "held")  # fmt: skip
    # A proposal replaced by another before anyone answered: never a meeting.
    await meeting(harness, ids["pair_masha"], ids["olga"], "trial", first + timedelta(days=6),
                  "proposed")  # fmt: skip
    ids["m2"] = await meeting(harness, ids["pair_masha"], ids["masha"], "trial",
                              first + timedelta(days=7), "held")  # fmt: skip
    ids["m3"] = await meeting(harness, ids["pair_petya"], ids["pavel"], "acquaintance",
                              first + timedelta(days=1), "held")  # fmt: skip
    ids["m4"] = await meeting(harness, ids["pair_petya"], ids["petya"], "trial",
                              first + timedelta(days=8), "cancelled")  # fmt: skip
    ids["m5"] = await meeting(harness, ids["pair_vika"], ids["pavel"], "acquaintance",
                              first + timedelta(days=2), "held")  # fmt: skip

    await feedback(harness, ids["masha"], ids["m1"], "5", went_well="Было интересно")
    await feedback(harness, ids["olga"], ids["m1"], "4", comment="Хорошее начало")
    await feedback(harness, ids["petya"], ids["m3"], "3", to_change="Встречаться чаще")
    await feedback(harness, ids["vika"], ids["m5"], "2", comment="Секрет Вики")

    # The first pair went through the whole cycle; its story is a good practice.
    await db.fetch_all(
        "UPDATE pairs SET completed = 1, ended_on = '2026-05-20', good_practice = 1, "
        "results = 'Маша стала призёром олимпиады' WHERE id = ?",
        (ids["pair_masha"],),
    )
    await db.fetch_all(
        "UPDATE pairs SET results = 'Выбрал профиль обучения' WHERE id = ?",
        (ids["pair_petya"],),
    )
    return ids


async def export(harness: Harness, org_id: int, locale: str = "en") -> Workbook:
    made = await harness.app.services.exports.workbook(org_id, locale)
    assert made.filename == f"mentorship_{org_id}_cycle1_2026-03-12.xlsx"
    return load_workbook(io.BytesIO(made.content))


def rows(workbook: Workbook, sheet: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]


def every_value(workbook: Workbook) -> str:
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


async def test_registers_have_the_appendix_columns_and_the_scenario_rows(
    harness: Harness,
) -> None:
    ids = await scenario(harness)
    assert list(MENTOR_BASE_COLUMNS) == APPENDIX_2_2
    assert list(MENTEE_BASE_COLUMNS) == APPENDIX_2_3
    book = await export(harness, ids["org"])
    assert book.sheetnames == [
        "База наставников", "База наставляемых", "Pairs", "Meetings", "Feedback",
        "Monitoring", "Indicators", "Отзывы участников", "Наставники — итоги",
        "Individual plans",
    ]  # fmt: skip

    mentors = rows(book, "База наставников")
    assert list(mentors[0]) == APPENDIX_2_2
    joined = datetime(2026, 3, 12)  # 18:30 in Chita on the day the clock shows
    # The declined candidate is not in the base; answers are in Russian whatever the locale.
    assert mentors[1:] == [
        (
            "Ольга Викторовна Смирнова",
            "+7 900 000-00-00",
            "Школа № 5, учитель математики",
            f"{RU('Olympiad preparation')}, {RU('A school subject')}; математика",
            "Призёр конкурса «Учитель года»",
            "Шахматы, Робототехника",
            "от 11 до 15 лет",
            "Около 2 часов в месяц",
            joined,
            "Маша Иванова",
            "Студент – ученик",
            "Школа № 5, 8 «Б»",
            datetime(2026, 5, 20),
            "Маша стала призёром олимпиады",
            "кейс пары отмечен куратором как лучшая практика",
        ),
        (
            "Павел Андреевич Котов",
            "+7 900 000-00-00",
            "ООО «Ромашка», инженер",
            RU("Choosing a profession"),
            None,
            RU("Sport"),
            "от 10 до 18 лет",
            "Около 2 часов в месяц",
            joined,
            "Петя Сидоров\nВика Орлова",
            "Студент – ученик",
            "Школа № 5, 10 «А»\nШкола № 5, 8 «Б»",
            None,  # a pair is still active
            "Петя Сидоров: Выбрал профиль обучения",
            None,
        ),
    ]
    mentees = rows(book, "База наставляемых")
    assert list(mentees[0]) == APPENDIX_2_3
    assert mentees[1:] == [
        (
            1,
            "Маша Иванова",
            "Мама (законный представитель), +79000000000, +7 900 111-22-33",
            2012,
            RU("Olympiad preparation"),
            joined,
            "Ольга Викторовна Смирнова",
            "Студент – ученик",
            "Школа № 5, учитель математики",
            datetime(2026, 5, 20),
            "Маша стала призёром олимпиады",
            "кейс пары отмечен куратором как лучшая практика",
            "программа пройдена",
        ),
        (
            2,
            "Петя Сидоров",
            "Мама (законный представитель), +79000000000, +7 900 111-22-33",
            2010,
            RU("Choosing a profession"),
            joined,
            "Павел Андреевич Котов",
            "Студент – ученик",
            "ООО «Ромашка», инженер",
            None,
            "Выбрал профиль обучения",
            None,
            None,
        ),
        (
            3,
            "Вика Орлова",
            "Мама (законный представитель), +79000000000, +7 900 111-22-33",
            2011,
            RU("Olympiad preparation"),
            joined,
            "Павел Андреевич Котов",
            "Студент – ученик",
            "ООО «Ромашка», инженер",
            None,
            None,
            None,
            None,
        ),
        (
            4,
            "Анна Молодова",
            "anna@example.ru",
            1999,
            "Другое: «Работа с родителями»",
            joined,
            None,
            "Учитель – учитель",
            None,
            None,
            None,
            None,
            None,
        ),
    ]
    # Dates are real dates, shown the Russian way.
    cell = book["База наставников"]["I2"]
    assert cell.is_date and cell.number_format == "DD.MM.YYYY"


async def test_pairs_meetings_and_feedback_sheets(harness: Harness) -> None:
    ids = await scenario(harness)
    book = await export(harness, ids["org"])
    pairs = rows(book, "Pairs")
    assert pairs[0][:8] == (
        "Pair No.", "Mentor", "Mentee", "Form of mentorship", "Cycle", "Start date", "End date",
        "Status",
    )  # fmt: skip
    by_id = {row[0]: row for row in pairs[1:]}
    assert set(by_id) == {ids["pair_masha"], ids["pair_petya"], ids["pair_vika"]}
    masha = by_id[ids["pair_masha"]]
    assert masha[1:4] == ("Ольга Викторовна Смирнова", "Маша Иванова", "Student – pupil")
    assert masha[5:8] == (datetime(2026, 3, 12), datetime(2026, 5, 20), "completed the cycle")
    assert masha[9:] == ("yes", 2, "Маша стала призёром олимпиады", "yes")
    assert by_id[ids["pair_petya"]][7] == "working" and by_id[ids["pair_petya"]][10] == 1

    meetings = rows(book, "Meetings")
    assert meetings[0][6] == "Date and time (Asia/Chita)"
    # The superseded proposal is left out; times are Chita's wall clock (UTC+9).
    assert [row[0] for row in meetings[1:]] == [ids[m] for m in ("m1", "m3", "m5", "m2", "m4")]
    first = meetings[1]
    assert first[1:7] == (
        ids["pair_masha"], "Ольга Викторовна Смирнова", "Маша Иванова", "acquaintance meeting",
        "took place", datetime(2026, 3, 17, 15, 0),
    )  # fmt: skip
    cancelled = meetings[-1]
    assert cancelled[5] == "cancelled" and cancelled[9] == "Заболела"
    assert book["Meetings"]["G2"].number_format == "DD.MM.YYYY HH:MM"

    answers = rows(book, "Feedback")
    assert answers[0][:6] == (
        "Meeting No.", "Pair No.", "Meeting date and time (Asia/Chita)", "Kind of meeting",
        "Who answered", "Name",
    )  # fmt: skip
    table = {(row[0], row[5]): row for row in answers[1:]}
    assert set(table) == {
        (ids["m1"], "Маша Иванова"), (ids["m1"], "Ольга Викторовна Смирнова"),
        (ids["m3"], "Петя Сидоров"), (ids["m5"], "Вика Орлова"),
    }  # fmt: skip
    masha = table[(ids["m1"], "Маша Иванова")]
    assert masha[4] == "mentee" and masha[6] == 5 and masha[7] == "Olympiad preparation"
    assert masha[8] == "Было интересно" and masha[9] is None and masha[10] is None
    assert table[(ids["m3"], "Петя Сидоров")][9] == "Встречаться чаще"


async def test_monitoring_and_indicators_sheets(harness: Harness) -> None:
    ids = await scenario(harness)
    book = await export(harness, ids["org"])
    monitoring = rows(book, "Monitoring")
    assert monitoring[0][:4] == (
        "Form of mentorship",
        "Questionnaire",
        "Parameter",
        "Answered before and after",
    )
    assert "Nobody has answered the monitoring both before and after yet." in monitoring[1]
    indicators = rows(book, "Indicators")
    assert indicators[0][:5] == ("Indicator", "Count", "Out of", "Share", "Target")
    expected = await harness.app.services.indicators.for_organization(ids["org"])
    shares = indicators[1 : 1 + len(expected.shares)]
    assert [row[:3] for row in shares] == [
        (share.title, share.count, share.total) for share in expected.shares
    ]
    assert [row[4] for row in shares] == pytest.approx([s.target for s in expected.shares])
    # Beside those who entered, those who completed; beside satisfaction (of all asked), how
    # many answered the final poll and the response rate.
    assert indicators[0][5:8] == ("Completed the program", "Answered the final poll",
                                  "Response rate")  # fmt: skip
    for row, share in zip(shares, expected.shares, strict=True):
        if share.answered is None:
            assert row[5:8] == (share.completed, None, None), row
        else:
            assert row[5:8] == (None, share.answered, share.response_rate), row
    assert any(row[5] for row in shares), shares  # Masha completed
    text = every_value(book)
    assert "Satisfied means 7 or more out of 10 in the final poll." in text
    stages = next(i for i, row in enumerate(indicators) if row[0] == "People by stage")
    everyone = indicators[stages + 1][:7]
    stage = expected.stages[None]
    assert everyone == (
        "All forms", stage.invited, stage.consented, stage.questionnaire_done, stage.matched,
        stage.in_pairs, stage.completed,
    )  # fmt: skip
    # Seven people finished the questionnaire; Pavel, Petya and Vika are in active pairs,
    # Olga and Masha completed theirs.
    assert (stage.questionnaire_done, stage.in_pairs, stage.completed) == (7, 3, 2)
    # Counts print as counts: the percent format of the share columns is for shares only.
    sheet = book["Indicators"]
    assert sheet.cell(stages + 2, 4).number_format == "General"  # 7 people, not "700%"
    assert sheet.cell(2, 4).number_format == "0%" or shares[0][3] is None
    held = next(row for row in indicators if row[0] == "Meetings held / planned")
    assert held[1] == expected.meetings_held == 4


async def test_a_withdrawn_participant_appears_in_no_sheet(harness: Harness) -> None:
    ids = await scenario(harness)
    before = every_value(await export(harness, ids["org"]))
    assert "Вика Орлова" in before and "Секрет Вики" in before

    departures = await harness.app.services.rights.withdraw(VIKA)
    assert [d.full_name for d in departures] == ["Вика Орлова"]
    book = await export(harness, ids["org"], "ru")
    after = every_value(book)
    assert "Орлова" not in after and "Секрет Вики" not in after
    # Her side of the pair is the placeholder in the mentor's row (her place left empty);
    # the pair, ended by the withdrawal, and its held meeting stay in the curator's sheets.
    pavel = next(row for row in rows(book, "База наставников") if row[0].startswith("Павел"))
    assert pavel[9] == "Петя Сидоров\nучастник отозвал согласие"
    assert pavel[11].splitlines() == ["Школа № 5, 10 «А»"]
    pair = next(row for row in rows(book, RU("Pairs"))[1:] if row[0] == ids["pair_vika"])
    assert pair[1].startswith("Павел") and pair[2] == "участник отозвал согласие"
    assert pair[6] is not None and pair[7] == RU("ended early")
    assert pair[8] == "участник отозвал согласие"
    meeting = next(row for row in rows(book, RU("Meetings"))[1:] if row[0] == ids["m5"])
    assert meeting[3] == "участник отозвал согласие" and meeting[5] == RU("took place")
    # Her feedback went with her; the others' stays.
    assert [row[0] for row in rows(book, RU("Feedback"))[1:]] == [ids["m1"], ids["m1"], ids["m3"]]
    assert [row[1] for row in rows(book, "База наставляемых")[1:]] == [
        "Маша Иванова", "Петя Сидоров", "Анна Молодова",
    ]  # fmt: skip


async def test_sheets_are_set_up_for_printing(harness: Harness) -> None:
    ids = await scenario(harness)
    book = await export(harness, ids["org"])
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$1:$1"
        assert all(cell.font.b for cell in sheet[1] if cell.value), sheet.title
        assert sheet.column_dimensions["A"].width > 5
    long_text = book["База наставников"]["N2"]
    assert long_text.alignment.wrap_text


async def test_the_curators_language_names_the_other_sheets_but_not_the_registers(
    harness: Harness,
) -> None:
    ids = await scenario(harness)
    english, russian = (
        await export(harness, ids["org"], "en"),
        await export(harness, ids["org"], "ru"),
    )
    assert rows(english, "База наставников") == rows(russian, "База наставников")
    assert rows(english, "База наставляемых") == rows(russian, "База наставляемых")
    pairs = russian.worksheets[2]
    assert pairs.title == RU("Pairs")
    assert pairs["H2"].value in (RU("completed the cycle"), RU("working"))


async def exported(harness: Harness, user: int, command: str = "/export") -> list[Sent]:
    """/export, then the first choice of the period (the current cycle)."""
    choice = await harness.send(user, command, language_code="en")
    if not choice[-1].buttons:
        return choice
    return await harness.press(user, choice[-1].buttons[0][1], language_code="en")


async def test_export_command_sends_the_workbook_to_the_curator(harness: Harness) -> None:
    ids = await scenario(harness)
    sent = await exported(harness, CURATOR)
    document = sent[-1]
    assert document.method == "sendDocument"
    assert document.filename == f"mentorship_{ids['org']}_cycle1_2026-03-12.xlsx"
    assert document.file is not None
    book = load_workbook(io.BytesIO(document.file))
    assert [row[1] for row in rows(book, "База наставляемых")[1:]][:2] == [
        "Маша Иванова", "Петя Сидоров",
    ]  # fmt: skip
    # Naming one's own organization works too.
    again = await exported(harness, CURATOR, f"/export {ids['org']}")
    assert again[-1].method == "sendDocument"


async def test_a_pupil_and_another_organizations_curator_get_no_workbook(
    harness: Harness,
) -> None:
    ids = await scenario(harness)
    other = await harness.app.services.organizations.create("Лицей № 2", "Europe/Moscow")
    await harness.app.services.organizations.add_curator(other.id, OTHER_CURATOR)

    refused = await harness.send(MASHA, "/export", language_code="en")
    assert [s.method for s in refused] == ["sendMessage"]
    assert "Only the curator of an organization can do this" in refused[0].text

    foreign = await harness.send(OTHER_CURATOR, f"/export {ids['org']}", language_code="en")
    assert [s.method for s in foreign] == ["sendMessage"]
    assert "only the data of the organization you curate" in foreign[0].text
    garbage = await harness.send(OTHER_CURATOR, "/export все", language_code="en")
    assert [s.method for s in garbage] == ["sendMessage"]

    # The service re-checks the right on its own, whatever the handler passed.
    from bot.reports.export import ExportError, ExportProblem

    for person in (OTHER_CURATOR, MASHA):
        try:
            await harness.app.services.exports.for_curator(person, ids["org"], "en")
        except ExportError as error:
            assert error.problem is ExportProblem.NOT_CURATOR
        else:
            raise AssertionError(f"{person} got the workbook")
    # Their own organization's workbook holds nothing of the first one.
    own = await exported(harness, OTHER_CURATOR)
    assert own[-1].method == "sendDocument" and own[-1].file is not None
    assert "Маша" not in every_value(load_workbook(io.BytesIO(own[-1].file)))


async def test_the_command_line_writes_the_workbook(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as harness:
        ids = await scenario(harness)
    settings = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    out = tmp_path / "report.xlsx"
    code, stdout, stderr = await run_cli(
        "export", "--org", str(ids["org"]), "--out", str(out), cwd=tmp_path, **settings
    )
    assert (code, stderr) == (0, ""), stderr
    assert f"Wrote {out}" in stdout
    book = load_workbook(out)
    assert list(rows(book, "База наставников")[0]) == APPENDIX_2_2
    assert [row[0] for row in rows(book, "База наставников")[1:]] == [
        "Ольга Викторовна Смирнова", "Павел Андреевич Котов",
    ]  # fmt: skip
    assert not list(tmp_path.glob("*.part"))

    code, _, stderr = await run_cli(
        "export", "--org", "99", "--out", str(out), cwd=tmp_path, **settings
    )
    assert code == 1 and "no organization with id 99" in stderr
    code, _, stderr = await run_cli(
        "export", "--org", str(ids["org"]), "--out", str(tmp_path / "report.csv"),
        cwd=tmp_path, **settings,
    )  # fmt: skip
    assert code == 1 and "must end with .xlsx" in stderr
    code, _, stderr = await run_cli(
        "export", "--org", str(ids["org"]), "--out", str(tmp_path / "no" / "r.xlsx"),
        cwd=tmp_path, **settings,
    )  # fmt: skip
    assert code == 1 and "does not exist" in stderr


def test_someone_deleted_while_the_export_was_read_is_an_empty_side() -> None:
    """Pairs, meetings and feedback are read before the participants: a withdrawal in
    between leaves rows whose person is gone; the pairs keep their history with that side
    empty (as the database has it after the withdrawal), the person's feedback is left out."""
    from datetime import date

    from bot.models.exports import ExportFeedback, ExportMeeting, ExportPair, ExportParticipant
    from bot.reports.export import keep_present

    def person(pid: int) -> ExportParticipant:
        return ExportParticipant(pid, "mentee", "adult", None, datetime.now(UTC), None, None, None)

    def pair(pid: int, mentor: int, mentee: int) -> ExportPair:
        return ExportPair(id=pid, organization_id=1, mentor_id=mentor, mentee_id=mentee,
                          form="student_pupil", started_on=date(2026, 3, 1), ended_on=None,
                          end_reason=None, directive=False, cycle_number=1)  # fmt: skip

    def meeting(mid: int, pair_id: int) -> ExportMeeting:
        return ExportMeeting(id=mid, pair_id=pair_id, kind="regular", status="held",
                             starts_at=datetime.now(UTC), meeting_format="online", place="x",
                             proposed_by=1, cancel_reason=None)  # fmt: skip

    people = [person(1), person(2), person(3)]  # 4 withdrew after the pairs were read
    pairs, meetings, answers = keep_present(
        people,
        [pair(10, 1, 2), pair(11, 1, 4), pair(12, 4, 3)],
        [meeting(100, 10), meeting(101, 11), meeting(102, 12)],
        [ExportFeedback(100, 2, {}, None), ExportFeedback(100, 4, {}, None),
         ExportFeedback(101, 1, {}, None)],
    )  # fmt: skip
    assert [(p.id, p.mentor_id, p.mentee_id) for p in pairs] == [
        (10, 1, 2), (11, 1, None), (12, None, 3),
    ]  # fmt: skip
    assert [m.id for m in meetings] == [100, 101, 102]
    assert [(f.meeting_id, f.participant_id) for f in answers] == [(100, 2), (101, 1)]
