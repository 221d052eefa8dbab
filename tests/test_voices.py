"""What people said, where the curator can read it: the free answers of the final polls and the
compatibility form for a period and on the pair card, the figures of each mentor for a period,
and the two sheets of the workbook; each against a scenario counted by hand.

The scenario is written straight into the tables. School «Школа № 5» ran cycle 1 for the first
semester (1 September 2025 – 1 February 2026) and cycle 2 since 1 February 2026 (open):

======  =====  ==================  ==========================  ==============================
pair    cycle  mentor → mentee     lived                       meetings held (not held)
======  =====  ==================  ==========================  ==============================
p1      1      Ольга → Маша        15.09.2025 – 25.01.2026 ✓   25.09 trial, 20.10, 25.01 final
                                                               (01.12 missed)
p2      2      Павел → Петя        10.02.2026 – 25.05.2026 ✓   20.02 trial, 20.03, 25.05 final
p3      2      Ольга → Вика        15.02.2026 – working        25.02 trial, 10.04, 05.10.2026
                                                               (20.10.2026 cancelled)
======  =====  ==================  ==========================  ==============================

✓ completed the programme. «Лицей № 1» has one completed pair of its own with a final poll.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.clock import to_db
from bot.models.periods import Period
from bot.reports.export import render_workbook
from bot.reports.export_book import ExportBook, translator
from bot.reports.voice_sheets import (
    MENTORS_COLUMNS,
    MENTORS_SHEET,
    VOICES_COLUMNS,
    VOICES_SHEET,
    voice_sheets,
)
from handlers.cycle_views import RANKING_REPORT, PairCard
from handlers.period_views import PeriodAction, page_press, press_of
from handlers.voice_views import VOICES_REPORT
from tests.inprocess import Harness

CURATOR_A, CURATOR_B, PUPIL = 501, 502, 901
LONG = "Очень трудно было выкроить время между уроками и проверкой тетрадей. " * 28  # ~2000


def moment(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def choice(value: str) -> dict[str, Any]:
    return {"choice": value, "other": None}


class Scenario:
    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.db = harness.app.db
        self.ids: dict[str, int] = {}
        self._telegram = 1000

    async def sql(self, statement: str, params: tuple[Any, ...] = ()) -> int:
        async with self.db.transaction() as tx:
            return await tx.execute(statement, params)

    async def person(self, key: str, org: int, role: str, name: str) -> int:
        self._telegram += 1
        joined = to_db(moment("2025-09-01"))
        pid = await self.sql(
            "INSERT INTO participants (organization_id, telegram_id, role, age_group, joined_at, "
            "confirmed_at) VALUES (?, ?, ?, 'adult', ?, ?)",
            (org, self._telegram, role, joined, joined),
        )
        await self.sql(
            "INSERT INTO consents (participant_id, kind, given_by, text_version, text_sha256, "
            "locale, given_at) VALUES (?, 'self', ?, 'v', ?, 'ru', ?)",
            (pid, self._telegram, "0" * 64, joined),
        )
        await self.sql(
            "INSERT INTO answers (participant_id, question, value, answered_at) "
            "VALUES (?, 'full_name', ?, ?)",
            (pid, json.dumps(name, ensure_ascii=False), joined),
        )
        self.ids[key] = pid
        return pid

    async def pair(
        self, key: str, org: int, cycle: int, mentor: str, mentee: str, started: str,
        ended: str | None = None,
    ) -> int:  # fmt: skip
        pid = await self.sql(
            "INSERT INTO pairs (organization_id, mentor_id, mentee_id, form, started_on, "
            "ended_on, created_at, cycle_id, completed) "
            "VALUES (?, ?, ?, 'teacher_teacher', ?, ?, ?, ?, ?)",
            (org, self.ids[mentor], self.ids[mentee], started, ended,
             to_db(moment(started)), cycle, int(ended is not None)),
        )  # fmt: skip
        self.ids[key] = pid
        return pid

    async def meeting(self, pair: str, kind: str, day: str, status: str = "held") -> int:
        return await self.sql(
            "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (?, ?, ?, ?, 'online', 'Каб. 5', "
            "(SELECT mentor_id FROM pairs WHERE id = ?), ?)",
            (self.ids[pair], kind, status, to_db(moment(day)), self.ids[pair],
             to_db(moment(day))),
        )  # fmt: skip

    async def response(
        self, form: str, who: str, subject: str, answers: dict[str, Any], day: str,
        meeting: int | None = None,
    ) -> None:  # fmt: skip
        at = to_db(moment(day, 15))
        await self.sql(
            "INSERT INTO responses (form, participant_id, subject, meeting_id, answers, "
            "started_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (form, self.ids[who], subject, meeting, json.dumps(answers, ensure_ascii=False),
             at, at, at),
        )  # fmt: skip

    async def feedback(self, who: str, meeting: int, usefulness: int, day: str) -> None:
        await self.response(
            "meeting_feedback", who, f"meeting:{meeting}", {"usefulness": usefulness}, day,
            meeting=meeting,
        )  # fmt: skip


async def build(harness: Harness) -> Scenario:
    services = harness.app.services
    s = Scenario(harness)
    a = await services.organizations.create("Школа № 5", "Europe/Moscow")
    await services.organizations.add_curator(a.id, CURATOR_A)
    b = await services.organizations.create("Лицей № 1", "Europe/Moscow")
    await services.organizations.add_curator(b.id, CURATOR_B)
    s.ids.update(a=a.id, b=b.id)
    # Creating an organization opens its cycle 1: here it ran the first semester.
    c1 = await harness.app.db.fetch_value(
        "SELECT id FROM cycles WHERE organization_id = ?", (a.id,)
    )
    await s.sql(
        "UPDATE cycles SET started_on = '2025-09-01', closing_since = ?, closed_at = ? "
        "WHERE id = ?",
        (to_db(moment("2026-01-20")), to_db(moment("2026-02-01")), c1),
    )
    c2 = await s.sql(
        "INSERT INTO cycles (organization_id, number, started_on) VALUES (?, 2, '2026-02-01')",
        (a.id,),
    )
    cb = await harness.app.db.fetch_value(
        "SELECT id FROM cycles WHERE organization_id = ?", (b.id,)
    )
    s.ids.update(c1=c1, c2=c2, cb=cb)

    await s.person("olga", a.id, "mentor", "Ольга Викторовна")
    await s.person("pavel", a.id, "mentor", "Павел Андреевич")
    await s.person("masha", a.id, "mentee", "Маша Иванова")
    await s.person("petya", a.id, "mentee", "Петя Сидоров")
    await s.person("vika", a.id, "mentee", "Вика Орлова")
    await s.person("gleb", b.id, "mentor", "Глеб Лицейский")
    await s.person("lena", b.id, "mentee", "Лена Лицейская")

    await s.pair("p1", a.id, c1, "olga", "masha", "2025-09-15", "2026-01-25")
    await s.pair("p2", a.id, c2, "pavel", "petya", "2026-02-10", "2026-05-25")
    await s.pair("p3", a.id, c2, "olga", "vika", "2026-02-15")
    await s.pair("pb", b.id, cb, "gleb", "lena", "2026-01-10", "2026-03-01")

    # Pair 1 (cycle 1).
    t1 = await s.meeting("p1", "trial", "2025-09-25")
    r1 = await s.meeting("p1", "regular", "2025-10-20")
    await s.meeting("p1", "regular", "2025-12-01", "missed")
    f1 = await s.meeting("p1", "final", "2026-01-25")
    await s.feedback("masha", r1, 4, "2025-10-20")
    await s.feedback("masha", f1, 5, "2026-01-25")
    await s.feedback("olga", r1, 3, "2025-10-20")
    await s.response("compatibility", "masha", f"meeting:{t1}", {
        "comfortable": choice("yes"), "understand_plan": True,
        "for_curator": "Мне комфортно, но встречи лучше по средам",
    }, "2025-09-26", meeting=t1)  # fmt: skip
    await s.response("compatibility", "olga", f"meeting:{t1}", {
        "comfortable": choice("rather_yes"), "understand_plan": True, "for_curator": None,
    }, "2025-09-26", meeting=t1)  # fmt: skip
    await s.response("final_mentee", "masha", f"cycle:{c1}", {
        "satisfaction": 9, "contact": 9, "usefulness": 8, "goal_reached": choice("partly"),
        "recommend": True, "most_useful": "Разбор олимпиадных задач",
        "improve": "Больше встреч перед олимпиадой", "become_mentor": False,
    }, "2026-01-27")  # fmt: skip
    await s.response("final_mentor", "olga", f"cycle:{c1}", {
        "satisfaction": 8, "organization": 7, "progress": 8, "recommend": True,
        "most_useful": "Видеть, как Маша растёт", "hardest": "Найти время для встреч",
        "support_lacked": None, "improve": "", "continue": True,
    }, "2026-01-28")  # fmt: skip

    # Pair 2 (cycle 2).
    t2 = await s.meeting("p2", "trial", "2026-02-20")
    r2 = await s.meeting("p2", "regular", "2026-03-20")
    await s.meeting("p2", "final", "2026-05-25")
    await s.feedback("petya", r2, 3, "2026-03-20")
    await s.response("compatibility", "petya", f"meeting:{t2}", {
        "comfortable": choice("rather_no"), "understand_plan": False,
        "for_curator": "Пока не понимаю, чем мы будем заниматься",
    }, "2026-02-21", meeting=t2)  # fmt: skip
    await s.response("final_mentee", "petya", f"cycle:{c2}", {
        "satisfaction": 6, "contact": 7, "usefulness": 6, "goal_reached": choice("no"),
        "recommend": False, "most_useful": "Экскурсия на завод", "improve": None,
        "become_mentor": False,
    }, "2026-05-27")  # fmt: skip
    await s.response("final_mentor", "pavel", f"cycle:{c2}", {
        "satisfaction": 7, "organization": 6, "progress": 5, "recommend": True,
        "most_useful": "Общение с Петей", "hardest": LONG,
        "support_lacked": "Методички по профориентации", "improve": None, "continue": False,
    }, "2026-05-28")  # fmt: skip

    # Pair 3 (cycle 2, still working in the next school year).
    t3 = await s.meeting("p3", "trial", "2026-02-25")
    r3 = await s.meeting("p3", "regular", "2026-04-10")
    r4 = await s.meeting("p3", "regular", "2026-10-05")
    await s.meeting("p3", "regular", "2026-10-20", "cancelled")
    await s.feedback("vika", r3, 2, "2026-04-10")
    await s.feedback("vika", r4, 4, "2026-10-05")
    await s.feedback("olga", r3, 5, "2026-04-10")
    await s.response("compatibility", "olga", f"meeting:{t3}", {
        "comfortable": choice("yes"), "understand_plan": True,
        "for_curator": "Вика стеснительная, начнём с малого",
    }, "2026-02-26", meeting=t3)  # fmt: skip
    await s.response("compatibility", "vika", f"meeting:{t3}", {
        "comfortable": choice("yes"), "understand_plan": True, "for_curator": None,
    }, "2026-02-26", meeting=t3)  # fmt: skip

    # The other school.
    await s.response("final_mentee", "lena", f"cycle:{cb}", {
        "satisfaction": 10, "goal_reached": choice("yes"), "most_useful": "Лицейский секрет",
    }, "2026-03-02")  # fmt: skip
    return s


def choices_shown(harness: Harness) -> dict[str, str]:
    """The period's choices that replaced a report's buttons (an edit of the keyboard only),
    by their text."""
    from aiogram.methods import EditMessageReplyMarkup

    edits = [c for c in harness.session.calls if isinstance(c, EditMessageReplyMarkup)]
    assert edits, "the choices did not replace the buttons"
    markup = edits[-1].reply_markup
    assert markup is not None
    return {b.text: b.callback_data or "" for row in markup.inline_keyboard for b in row}


def said(voices: list[Any]) -> list[tuple[str, str]]:
    """(who, form) of each response, in order."""
    return [(v.full_name, v.form) for v in voices]


# -- the service --------------------------------------------------------------------------------
async def test_free_answers_of_a_period_are_those_of_its_pairs_only(harness: Harness) -> None:
    s = await build(harness)
    voices = harness.app.services.voices
    a = s.ids["a"]

    # Cycle 1: Маша's and Ольга's final polls (pair 1 completed in it) and Маша's note to the
    # curator; Ольга's compatibility answer without a note is nothing to read.
    first = await voices.page(a, Period.cycle(s.ids["c1"]), size=10)
    assert first is not None
    assert said(first.voices) == [
        ("Маша Иванова", "compatibility"),
        ("Маша Иванова", "final_mentee"),
        ("Ольга Викторовна", "final_mentor"),
    ]
    assert (first.total, first.goals.partly, first.goals.answered) == (3, 1, 1)
    masha = first.voices[1]
    assert masha.texts == (
        ("most_useful", "Разбор олимпиадных задач"),
        ("improve", "Больше встреч перед олимпиадой"),
    )
    assert masha.choice == ("goal_reached", "partly") and masha.role == "mentee"
    olga = first.voices[2]
    # Skipped and empty answers are left out; the form's order is kept.
    assert olga.texts == (
        ("most_useful", "Видеть, как Маша растёт"),
        ("hardest", "Найти время для встреч"),
    )
    assert [(p.pair_id, p.mentor_name, p.mentee_name) for p in olga.pairs] == [
        (s.ids["p1"], "Ольга Викторовна", "Маша Иванова")
    ]
    assert first.voices[0].choice == ("comfortable", "yes")

    # The current cycle (2): pair 2's polls and note, pair 3's note from Ольга.
    current = await voices.page(a, size=10)
    assert current is not None and current.scope.cycle is not None
    assert current.scope.cycle.number == 2
    assert said(current.voices) == [
        ("Петя Сидоров", "compatibility"),
        ("Ольга Викторовна", "compatibility"),
        ("Петя Сидоров", "final_mentee"),
        ("Павел Андреевич", "final_mentor"),
    ]
    assert (current.goals.yes, current.goals.partly, current.goals.no) == (0, 0, 1)
    assert "Разбор олимпиадных задач" not in str(current.voices)

    # School year 2025/26 holds both cycles' pairs: 4 polls, 3 notes.
    year = await voices.page(a, Period.school_year(2025), size=10)
    assert year is not None and year.total == 7
    assert (year.goals.partly, year.goals.no) == (1, 1)
    # School year 2026/27: only pair 3 still works, and nobody completed.
    next_year = await voices.page(a, Period.school_year(2026), size=10)
    assert next_year is not None
    assert said(next_year.voices) == [("Ольга Викторовна", "compatibility")]
    assert next_year.goals.answered == 0
    # A range inside the first semester: pair 1's notes, no completion in it.
    autumn = await voices.page(a, Period.between(date(2025, 9, 1), date(2025, 12, 31)), size=10)
    assert autumn is not None and said(autumn.voices) == [("Маша Иванова", "compatibility")]

    # Pages of three, the earliest first.
    pages = [await voices.page(a, Period.school_year(2025), n) for n in range(3)]
    assert [len(p.voices) for p in pages if p] == [3, 3, 1]
    flat = [v.response_id for p in pages if p for v in p.voices]
    assert flat == [v.response_id for v in year.voices]


async def test_another_schools_curator_gets_nothing(harness: Harness) -> None:
    s = await build(harness)
    services = harness.app.services
    b = s.ids["b"]
    # Another school's cycle is refused outright; its own periods show only its own answers.
    assert await services.voices.page(b, Period.cycle(s.ids["c1"])) is None
    assert await services.voices.page(b, Period.cycle(10**9)) is None
    assert await services.pair_results.ranking(b, Period.cycle(s.ids["c1"])) is None
    own = await services.voices.page(b, Period.school_year(2025))
    assert own is not None and said(own.voices) == [("Лена Лицейская", "final_mentee")]
    assert await services.voices.of_pair(b, s.ids["p1"]) == []
    assert await services.voices.book(b, Period.cycle(s.ids["c2"])) is None
    ranking = await services.pair_results.ranking(b, Period.school_year(2025))
    assert [m.full_name for m in ranking or []] == ["Глеб Лицейский"]

    # In the chat: the list, the pages, the ranking of school A's cycle and its pair card.
    text = "\n".join(m.text for m in await harness.send(CURATOR_B, "/voices", language_code="en"))
    assert "Лицейский секрет" in text and "Маша" not in text
    school_a = Period.cycle(s.ids["c1"])
    forged = (
        page_press(VOICES_REPORT, school_a, 0).pack(),
        press_of(PeriodAction.OPEN, VOICES_REPORT, school_a),
        press_of(PeriodAction.SHOW, VOICES_REPORT, school_a),
        press_of(PeriodAction.MENU, VOICES_REPORT, school_a),
        page_press(RANKING_REPORT, Period.cycle(s.ids["c2"]), 0).pack(),
        press_of(PeriodAction.OPEN, RANKING_REPORT, Period.cycle(s.ids["c2"])),
        press_of(PeriodAction.SHOW, RANKING_REPORT, Period.cycle(s.ids["c2"])),
    )
    for data in forged:
        assert await harness.press(CURATOR_B, data, language_code="en") == [], data
        assert "outdated" in (harness.session.callback_answers()[-1].text or ""), data
    assert await harness.press(CURATOR_B, PairCard(pair_id=s.ids["p1"]).pack()) == []
    assert all("Маша" not in m.text for m in harness.session.answers(CURATOR_B))
    # A pupil is refused the command and the buttons.
    refused = await harness.send(PUPIL, "/voices")
    assert "куратор" in refused[-1].text
    page = page_press(VOICES_REPORT, Period.current_cycle(), 0).pack()
    assert await harness.press(PUPIL, page) == []
    assert await harness.press(PUPIL, "vo1p:0:c") == []
    assert "куратор" in (harness.session.callback_answers()[-1].text or "")


# -- the chat -----------------------------------------------------------------------------------
async def test_the_list_in_the_chat_shows_its_period_and_pages(harness: Harness) -> None:
    await build(harness)
    shown = (await harness.send(CURATOR_A, "/voices"))[-1]
    # The current cycle by default, said so; Павел's long answer shortened to fit one message.
    assert "Отзывы участников · цикл 2, текущий (с 01.02.2026)" in shown.text
    assert "Пока не понимаю, чем мы будем заниматься" in shown.text
    assert "Наставляемые достигли цели: да — 0, частично — 0, нет — 1." in shown.text
    assert "Страница 1 из 2." in shown.text
    assert "Экскурсия на завод" in shown.text and "Методички" not in shown.text
    assert "Период: цикл 2, текущий (с 01.02.2026)" in [b for b, _ in shown.buttons]
    second = await harness.press(CURATOR_A, shown.data_of("›"), shown.message_id)
    page = harness.session.sent[-1] if not second else second[-1]
    assert "Павел Андреевич" in page.text and "Методички по профориентации" in page.text
    assert LONG not in page.text and "…" in page.text and len(page.text) <= 4096
    assert "сокращены" in page.text

    # Another period chosen with the picker's buttons: school year 2025/26, in English.
    await harness.press(CURATOR_A, shown.data_of("Период:"), shown.message_id, "en")
    choices = choices_shown(harness)
    labels = list(choices)
    assert labels[:3] == [
        "✓ Cycle 2, current (since 01.02.2026)",
        "Cycle 1 (01.09.2025 – 20.01.2026)",
        "School year 2025/26",
    ], labels
    year = choices["School year 2025/26"]
    opened = await harness.press(CURATOR_A, year, shown.message_id, language_code="en")
    first = opened[0]
    assert first.method == "editMessageText" and first.message_id == shown.message_id
    text = first.text
    assert "Participants' feedback · school year 2025/26" in text and "7 responses" in text
    assert "Page 1 of 3." in text and "Мне комфортно, но встречи лучше по средам" in text
    assert "Pair: Ольга Викторовна → Маша Иванова" in text
    # The earliest first: Маша's note and final poll, Ольга's final poll; the rest later.
    assert "Goal reached: Partly" in text and "Видеть, как Маша растёт" in text
    assert "Петя" not in text
    # The pages keep the period: the third of school year 2025/26 holds Павел's final poll.
    turned = await harness.press(CURATOR_A, first.data_of("›"), shown.message_id, "en")
    assert "school year 2025/26" in turned[0].text and "Page 2 of 3." in turned[0].text
    last = await harness.press(CURATOR_A, turned[0].data_of("›"), shown.message_id, "en")
    assert "Page 3 of 3." in last[0].text and "Павел Андреевич" in last[0].text
    assert "Period: school year 2025/26" in [b for b, _ in last[0].buttons]
    # «← Back» under the choices: the first page of the same period again.
    await harness.press(CURATOR_A, last[0].data_of("Period:"), shown.message_id, "en")
    back = choices_shown(harness)["← Back"]
    again = await harness.press(CURATOR_A, back, shown.message_id, "en")
    assert "school year 2025/26" in again[0].text and "Page 1 of 3." in again[0].text

    nothing = await harness.press(
        CURATOR_A,
        press_of(PeriodAction.OPEN, VOICES_REPORT, Period.calendar_year(2024)),
        language_code="en",
    )
    assert "Nobody has written anything in this period yet" in nothing[-1].text
    assert "Participants' feedback · year 2024" in nothing[-1].text
    # A garbled period is an outdated press, nothing shown.
    assert await harness.press(CURATOR_A, "per1p:vo:0:s:1812:0", language_code="en") == []
    assert "outdated" in (harness.session.callback_answers()[-1].text or "")
    for period in (
        Period.current_cycle(), Period.cycle(10**12), Period.school_year(2025),
        Period.calendar_year(2026), Period.between(date(2026, 9, 1), date(2026, 10, 31)),
    ):  # fmt: skip
        assert len(page_press(VOICES_REPORT, period, 999).pack().encode()) <= 64


async def test_old_buttons_show_the_current_cycle(harness: Harness) -> None:
    """Buttons of messages sent before the lists took the picker's period (their own short
    code of it) are answered with the current cycle, never an error."""
    await build(harness)
    for message_id, (data, edited) in enumerate((
        ("vo1p:1:s2025", True),  # a page of the list
        ("vo1p:0:x2026", True),  # a garbled one
        ("cy1r:0:s2025", True),  # a page of the ranking
        ("vo1o:c12", False),  # «Participants' feedback» under a ranking: a new message
    ), start=70):  # fmt: skip
        sent = await harness.press(CURATOR_A, data, message_id, language_code="en")
        assert len(sent) == 1, (data, sent)
        shown = sent[0]
        assert shown.method == ("editMessageText" if edited else "sendMessage"), data
        assert "cycle 2, current (since 01.02.2026)" in shown.text, data
        assert "Period: cycle 2, current (since 01.02.2026)" in [b for b, _ in shown.buttons]
        notice = harness.session.callback_answers()[-1].text or ""
        assert "earlier version" in notice and "current cycle" in notice, data


async def test_the_pair_card_shows_both_sides(harness: Harness) -> None:
    s = await build(harness)
    card = (await harness.press(CURATOR_A, PairCard(pair_id=s.ids["p1"]).pack()))[-1].text
    assert "Отзывы пары" in card
    for text in (
        "Разбор олимпиадных задач", "Больше встреч перед олимпиадой",  # Маша's final poll
        "Видеть, как Маша растёт", "Найти время для встреч",  # Ольга's final poll
        "Мне комфортно, но встречи лучше по средам",  # Маша's note after the trial meeting
    ):  # fmt: skip
        assert text in card
    assert "Цель достигнута: <b>Частично</b>" not in card  # the text is plain once sent
    assert "Цель достигнута: Частично" in card
    # Both sides' compatibility answers, the one without a note too.
    assert "Комфортно работать вместе: Да" in card
    assert "Комфортно работать вместе: Скорее да" in card
    assert "Ольга Викторовна, наставник · итоговая анкета" in card
    assert "Маша Иванова, наставляемый · анкета совместимости после пробной встречи" in card
    # Nothing of the other pairs.
    assert "Экскурсия" not in card and "Вика стеснительная" not in card
    # Pair 3 is working: its notes only, the rest not yet.
    voices = await harness.app.services.voices.of_pair(s.ids["a"], s.ids["p3"])
    assert said(voices) == [
        ("Ольга Викторовна", "compatibility"),
        ("Вика Орлова", "compatibility"),
    ]


# -- per mentor ---------------------------------------------------------------------------------
def figures(ranking: list[Any] | None) -> dict[str, tuple[Any, ...]]:
    assert ranking is not None
    return {
        m.full_name: (
            m.pairs, m.mentees, m.completed, m.meetings_held,
            None if m.usefulness is None else round(m.usefulness, 2), m.usefulness_answers,
            m.own_usefulness, m.own_usefulness_answers, m.satisfaction, m.satisfaction_answers,
        )
        for m in ranking
    }  # fmt: skip


async def test_per_mentor_figures_for_a_school_year_and_a_cycle(harness: Harness) -> None:
    s = await build(harness)
    results = harness.app.services.pair_results
    a = s.ids["a"]
    # (pairs, mentees, completed, held, usefulness, answers, own, answers, satisfaction, answers)
    assert figures(await results.ranking(a, Period.cycle(s.ids["c1"]))) == {
        "Ольга Викторовна": (1, 1, 1, 3, 4.5, 2, 3.0, 1, 9.0, 1),
    }
    assert figures(await results.ranking(a)) == {
        "Ольга Викторовна": (1, 1, 0, 3, 3.0, 2, 5.0, 1, None, 0),
        "Павел Андреевич": (1, 1, 1, 3, 3.0, 1, None, 0, 6.0, 1),
    }
    # School year 2025/26 spans both cycles: Ольга's two pairs, her meetings up to 31 August.
    assert figures(await results.ranking(a, Period.school_year(2025))) == {
        "Ольга Викторовна": (2, 2, 1, 5, 3.67, 3, 4.0, 2, 9.0, 1),
        "Павел Андреевич": (1, 1, 1, 3, 3.0, 1, None, 0, 6.0, 1),
    }
    # School year 2026/27: pair 3 only, one meeting held (the other cancelled).
    assert figures(await results.ranking(a, Period.school_year(2026))) == {
        "Ольга Викторовна": (1, 1, 0, 1, 4.0, 1, None, 0, None, 0),
    }

    shown = (await harness.send(CURATOR_A, "/ranking", language_code="en"))[-1]
    assert "Mentor ranking · cycle 2, current (since 01.02.2026)" in shown.text
    assert "meetings held 3 · mentees 1 · completed pairs 1 of 1" in shown.text
    assert "by the mentor 5.0/5 (1 answer)" in shown.text
    assert shown.data_of("Participants' feedback") == press_of(
        PeriodAction.OPEN, VOICES_REPORT, Period.current_cycle()
    )
    # The school year chosen under it: the ranking in place, the feedback of the same year.
    await harness.press(CURATOR_A, shown.data_of("Period:"), shown.message_id, "en")
    choices = choices_shown(harness)
    turned = await harness.press(
        CURATOR_A, choices["School year 2025/26"], shown.message_id, language_code="en"
    )
    page = turned[0]
    assert page.method == "editMessageText" and page.message_id == shown.message_id
    assert "Mentor ranking · school year 2025/26" in page.text
    assert "3.7/5 (3 answers)" in page.text and "completed pairs 1 of 2" in page.text
    said_then = await harness.press(
        CURATOR_A, page.data_of("Participants' feedback"), shown.message_id, "en"
    )
    assert said_then[0].method == "sendMessage"
    assert "Participants' feedback · school year 2025/26" in said_then[0].text
    # An earlier cycle by its button: Ольга alone.
    earlier = await harness.press(CURATOR_A, choices["Cycle 1 (01.09.2025 – 20.01.2026)"],
                                  shown.message_id, "en")  # fmt: skip
    assert "Mentor ranking · cycle 1 (01.09.2025 – 20.01.2026)" in earlier[0].text
    assert "Павел" not in earlier[0].text and "Ольга Викторовна" in earlier[0].text


async def test_the_ranking_in_pages_keeps_its_period(harness: Harness) -> None:
    s = await build(harness)
    # Nine more mentors with a pair each in cycle 1: ten mentors, two pages of eight.
    for n in range(9):
        await s.person(f"m{n}", s.ids["a"], "mentor", f"Наставник {n}")
        await s.person(f"e{n}", s.ids["a"], "mentee", f"Наставляемый {n}")
        await s.pair(f"x{n}", s.ids["a"], s.ids["c1"], f"m{n}", f"e{n}", "2025-10-01")
    year = Period.school_year(2025)
    sent = await harness.press(
        CURATOR_A, press_of(PeriodAction.OPEN, RANKING_REPORT, year), language_code="en"
    )
    first = sent[-1]
    assert "Mentor ranking · school year 2025/26" in first.text
    assert "1. Ольга Викторовна" in first.text and "8. Наставник" in first.text
    assert "\n9. " not in first.text
    second = await harness.press(CURATOR_A, first.data_of("Next"), first.message_id, "en")
    assert "Mentor ranking · school year 2025/26" in second[0].text
    assert "\n9. Наставник" in second[0].text and "\n10. Наставник" in second[0].text
    assert "Period: school year 2025/26" in [b for b, _ in second[0].buttons]
    # The current cycle has the two mentors of cycle 2 only: one page, no ‹ ›.
    current = (await harness.send(CURATOR_A, "/ranking", language_code="en"))[-1]
    assert "Наставник" not in current.text
    assert not [b for b, _ in current.buttons if "Next" in b]


# -- the workbook -------------------------------------------------------------------------------
async def test_the_two_sheets_of_a_period(harness: Harness) -> None:
    s = await build(harness)
    exports = harness.app.services.exports
    data = await exports.collect(s.ids["a"], Period.cycle(s.ids["c1"]))
    voices, mentors = voice_sheets(ExportBook(data, translator("en")))
    assert voices.title == VOICES_SHEET and mentors.title == MENTORS_SHEET
    assert [c.title for c in voices.columns] == list(VOICES_COLUMNS)
    p1 = str(s.ids["p1"])
    pair = (p1, "Ольга Викторовна", "Маша Иванова")
    masha = (*pair, "наставляемый", "Маша Иванова")
    olga = (*pair, "наставник", "Ольга Викторовна")
    compat = "анкета совместимости после пробной встречи"
    assert [tuple(row) for row in voices.rows] == [
        (*masha, compat, "Комфортно работать вместе", "Да", date(2025, 9, 26)),
        (*masha, compat, "Для куратора", "Мне комфортно, но встречи лучше по средам",
         date(2025, 9, 26)),
        (*masha, "итоговая анкета наставляемого", "Цель достигнута", "Частично",
         date(2026, 1, 27)),
        (*masha, "итоговая анкета наставляемого", "Самое полезное", "Разбор олимпиадных задач",
         date(2026, 1, 27)),
        (*masha, "итоговая анкета наставляемого", "Что улучшить",
         "Больше встреч перед олимпиадой", date(2026, 1, 27)),
        (*olga, "итоговая анкета наставника", "Самое полезное", "Видеть, как Маша растёт",
         date(2026, 1, 28)),
        (*olga, "итоговая анкета наставника", "Самое трудное",
         "Найти время для встреч", date(2026, 1, 28)),
    ]  # fmt: skip
    assert [c.title for c in mentors.columns] == list(MENTORS_COLUMNS)
    assert [tuple(row) for row in mentors.rows] == [
        ("Ольга Викторовна", 3, 1, 4.5, 2, 3.0, 1, 1, 1, 1.0, 9.0, 1),
    ]

    # The school year in the whole workbook: the long answer in full, the mentors by name.
    data = await exports.collect(s.ids["a"], Period.school_year(2025))
    book = load_workbook(io.BytesIO(render_workbook(data, translator("ru"))), read_only=True)
    rows = list(book[VOICES_SHEET].iter_rows(values_only=True))
    assert list(rows[0]) == list(VOICES_COLUMNS)
    assert LONG.strip() in [row[7] for row in rows]
    # Маша 2+3, Ольга 2 (pair 1); Петя 2+2, Павел 3 (pair 2); Ольга 2 (pair 3's note).
    assert len(rows) == 1 + 16
    table = [list(row) for row in book[MENTORS_SHEET].iter_rows(values_only=True)]
    assert table[0] == list(MENTORS_COLUMNS)
    assert [row[0] for row in table[1:]] == ["Ольга Викторовна", "Павел Андреевич"]
    assert table[1][1:3] == [5, 2] and table[1][7:9] == [1, 2]
    assert table[1][9] == pytest.approx(0.5) and table[1][3] == pytest.approx(11 / 3)
    assert "Лицейский секрет" not in str(rows)
