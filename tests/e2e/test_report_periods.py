"""Reports of any period after two cycles, in the real bot process on a clock the test moves.

What is not under test is written straight into the database (cycle 1's people, pairs and
meetings before the bot starts; cycle 2's after it opens); the chat does what the issue tests:
a withdrawal in each cycle (/revoke), the curator closing cycle 1 and opening cycle 2 (/closecycle
and /cycle), one final poll answered, /stats with the period picker and /export with its
workbook. The school is in Moscow; every day below is the school's (and UTC's) date.

    cycle 1: from 1 September 2025; closed on 25 May 2026; cycle 2 opened on 1 September 2026

    pair  mentor            mentee           started     ended       completed  cycle
    P1    Daria (adult)     Anya (b. 2012)   2025-09-15  2025-12-18  yes        1
    P2    Olga (age n/a)    Boris (b. 2011)  2025-10-01  2026-05-25  yes        1
    P3    Kirill (b. 2009)  Vera (b. 2013)   2026-01-15  2026-05-25  no         1
    P4    Olga (carried)    Grisha (b. 2014) 2026-09-10  2026-10-01  no         2
    P5    Maxim (yr 2008)   Dima (b. 2010)   2026-09-15  2026-12-10  yes        2

Joined: Daria, Olga, Anya, Boris on 5 September 2025; Kirill, Vera on 10 January 2026; Grisha,
Maxim, Dima on 3 September 2026. Olga gave no year of birth (her age is unknown); Maxim gave
only the year 2008 (17 or 18 when he entered: within 15–19 either way).

Meetings held: P1 22.09 (acquaintance), 06.10 (planning), 18.12.2025 (final); P2 08.10, 22.10,
05.11.2025, 04.03.2026 (acquaintance, trial, planning, regular), 15.04.2026 missed; P3 22.01.2026
(acquaintance), 05.02.2026 (trial) missed; P4 17.09.2026; P5 22.09, 29.09, 10.12.2026 (final).
Feedback: Anya's and Daria's on P1's acquaintance.

The chat, in order:
    25.05.2026  Daria withdraws (her pair P1 completed in December: Anya keeps her completion);
                the curator closes cycle 1 and finishes it now: P2 held its planning meeting
                and completes, P3 only met once and does not; Olga answers the final poll
                (10 of 10, "I will continue"), Boris does not answer his.
    01.09.2026  the curator opens cycle 2 (Olga, continuing, is carried over): cycle 1's
                figures are stored as they are.
    01.10.2026  Olga withdraws during P4: the pair ends, Grisha stays; cycle 1 counted again
                would lose her (P2's mentor, her final poll), its stored figures do not.
    15.01.2027  the reports.

Final polls: Anya 9 and Daria 8 (cycle 1, answered in December), Olga 10, Boris none; Dima 6,
Maxim none (cycle 2). Satisfied means 7 or more; the share is of everyone asked (the people of
the completed pairs still here), the response rate beside it. The numbers to compare with:
2025/26 — 40 pupils aged 10–19 and 20 young people aged 15–19; 2026/27 — 50 and 25.

Counted by hand. People by stage (invited, consented, questionnaire done, matched, in pairs,
completed)*, meetings and feedback:

    period                   people by stage   meetings held / planned   feedback forms
    cycle 1 (stored)         5 5 5 5 0 3       8 / 10                    1 of 16
    school year 2025/26      4 4 4 4 4 2       8 / 10                    1 of 16
    year 2025                2 2 2 2 2 1       6 / 6                     1 of 12
    year 2026                5 5 5 5 5 2       6 / 8                     0 of 12
    01.12.2025–31.03.2026    2 2 2 2 2 0       3 / 4                     0 of 6
    cycle 2 (current)        3 3 3 3 0 2       4 / 4                     0 of 8

The indicators: entered / completed / out of; satisfied / asked / answered; the targets' year**:

    period                 mentees 10-19   mentors 15-19   sat. mentees  sat. mentors  targets
    cycle 1 (stored)       3 / 2 / 40      1 / 0 / 20      1 / 2 / 1     1 / 1 / 1     2026
    school year 2025/26    3 / 2 / 40      1 / 0 / 20      1 / 2 / 1     0 / 0 / 0     2026
    year 2025              2 / 1 / 40      0 / 0 / 20      1 / 1 / 1     0 / 0 / 0     2025
    year 2026              3 / 2 / 50      2 / 1 / 25      0 / 2 / 1     0 / 1 / 0     2026
    01.12.2025–31.03.2026  1 / 1 / 40      1 / 0 / 20      1 / 1 / 1     0 / 0 / 0     2026
    cycle 2 (current)      2 / 1 / 50      1 / 1 / 25      0 / 1 / 1     0 / 1 / 0     2027
    01.09.2022–31.05.2023  0 / 0 / —       0 / 0 / —       0 / 0 / 0     0 / 0 / 0     2023
    year 2022              0 / 0 / —       0 / 0 / —       0 / 0 / 0     0 / 0 / 0     2022

Cycle 1 also had one mentor of unknown age (Olga); none of the other periods has one.

 * people of the cycle, or who joined in the dated period. Daria and Olga are gone from every
   count but cycle 1's stored figures, counted while Olga was still there (Daria had gone).
** the year of the period's end (a cycle: the day it began closing; the open cycle: today).
   The pupils' share is stepped: 70 % from 2024, 50 % in 2023, 35 % in 2022; satisfaction
   85 % from 2024, 73.3 % in 2023, 64.6 % in 2022. No numbers to compare with before 2025/26.
"""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bot.clock import to_db
from bot.config import Settings
from bot.models.periods import Period
from bot.reports.indicator_figures import indicators_from_json
from bot.reports.indicators import build_indicator_service
from bot.services import Services
from bot.wiring import build_services
from dialogs.final_poll import FINAL_MENTOR
from jobs.housekeeping import Housekeeping
from storage.database import Database
from storage.migrations import migrate
from storage.repositories.maintenance import MaintenanceRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.updates import ProcessedUpdateRepository
from tests.clock import ManualClock
from tests.cohort import mentee_answers, mentor_answers, seed_ready
from tests.e2e.participants import query
from tests.e2e.process import BotProcess
from tests.e2e.test_cycle import answer_final_poll, workbooks
from tests.fake_telegram import ChatMessage, FakeTelegram, FakeUser
from tests.test_export import APPENDIX_2_2, APPENDIX_2_3, every_value, rows
from tests.test_withdrawal_history import traces_in_database

SCHOOL, TIMEZONE = "Школа № 12", "Europe/Moscow"
CURATOR = 555
# Numbers that occur nowhere else, so that a search of the whole database for them is exact.
DARIA, OLGA = 770_001_234, 770_005_678  # Telegram ids
DARIA_ID, OLGA_ID = 880_001, 880_002  # participant ids
KIRILL, MAXIM = 102, 103
ANYA, BORIS, VERA, GRISHA, DIMA = 201, 202, 203, 204, 205

DARIA_NAME, DARIA_CONTACT = "Кузнецова Дарья Андреевна", "daria.kuznetsova@example.ru"
DARIA_WORK, DARIA_FEAT = "Гимназия «Эрудит»", "Призёр конкурса «Педагог-новатор»"
DARIA_SAID = "Отзыв Дарьи о знакомстве"
OLGA_NAME, OLGA_CONTACT, OLGA_WORK = (
    "Смирнова Ольга Викторовна",
    "+7 900 555-12-34",
    "Лицей «Вектор»",
)
DARIA_TRACES = ("Кузнецова", "Дарья", DARIA_CONTACT, "Эрудит", "Педагог-новатор", DARIA_SAID)
OLGA_TRACES = ("Смирнова", "Ольга", OLGA_CONTACT, "Вектор")
KIRILL_NAME, MAXIM_NAME = "Орлов Кирилл", "Волков Максим Игоревич"
ANYA_NAME, BORIS_NAME, VERA_NAME = "Белова Анна", "Громов Борис", "Лебедева Вера"
GRISHA_NAME, DIMA_NAME = "Соколов Григорий", "Зайцев Дмитрий"
WITHDRAWN = "участник отозвал согласие"
COMPLETED, ENDED_EARLY = "программа пройдена", "программа завершена досрочно"


def utc(day: str, hour: int = 6) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


CLOSING = utc("2026-05-25", 7)  # 10:00 in Moscow
NEW_CYCLE = utc("2026-09-01", 7)
SECOND_WITHDRAWAL = utc("2026-10-01", 7)
REPORTING = utc("2027-01-15", 7)

# The reports' texts (Russian catalog), shared by every period's check.
ENTERED_MENTEES = "Дети 10–19 лет, вошедшие в программу в роли наставляемых"
DONE_MENTEES = "Дети 10–19 лет, завершившие программу в роли наставляемых"
ENTERED_MENTORS = "Молодёжь 15–19 лет, вошедшая в программу в роли наставников"
DONE_MENTORS = "Молодёжь 15–19 лет, завершившая программу в роли наставников"
SATISFIED_MENTEES, SATISFIED_MENTORS = "Удовлетворённые наставляемые", "Удовлетворённые наставники"
STORED = "Показатели — в том виде, в каком они были сохранены при завершении цикла."
CHART = "каждый показатель в сравнении"
CYCLE_1 = "цикл 1 (01.09.2025 – 25.05.2026)"


# -- seeding ---------------------------------------------------------------------------------------
class Seed:
    """A connection of the test's own, with the services on a clock the test sets."""

    def __init__(self, db: Database, services: Services, clock: ManualClock) -> None:
        self.db, self.services, self.clock = db, services, clock

    def at(self, moment: datetime) -> Seed:
        self.clock.advance(moment - self.clock.now())
        return self

    async def sql(self, statement: str, params: tuple[Any, ...] = ()) -> int:
        async with self.db.transaction() as tx:
            return await tx.execute(statement, params)

    async def person(
        self, org: int, telegram_id: int, role: str, answers: dict[str, Any], at: datetime
    ) -> int:
        self.at(at)
        pid = await seed_ready(self.services, self.db, at, org, telegram_id, role, answers)
        if role == "mentor":
            assert await self.services.admission.admit(org, pid, CURATOR) is None
        return pid

    async def pair(self, org: int, mentee: int, mentor: int, at: datetime) -> int:
        self.at(at)
        outcome = await self.services.pairing.assign_directly(org, mentee, mentor, force=True)
        assert outcome.pair is not None, outcome
        return outcome.pair.id

    async def meeting(self, pair: int, kind: str, status: str, day: str, by: int) -> int:
        at = to_db(utc(day, 9))
        return await self.sql(
            "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (?, ?, ?, ?, 'online', 'https://meet.example/12', "
            "?, ?)",
            (pair, kind, status, at, by, at),
        )

    async def response(
        self, form: str, who: int, subject: str, answers: dict[str, Any], day: str,
        meeting: int | None = None,
    ) -> None:  # fmt: skip
        at = to_db(utc(day, 12))
        await self.sql(
            "INSERT INTO responses (form, participant_id, subject, meeting_id, answers, "
            "started_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (form, who, subject, meeting, json.dumps(answers), at, at, at),
        )

    async def sent(self, cycle: int, who: int, what: str) -> None:
        """What the cycle job would have sent already (the polls were answered in December)."""
        await self.sql(
            "INSERT INTO cycle_deliveries (cycle_id, participant_id, what, sent_at) "
            "VALUES (?, ?, ?, ?)",
            (cycle, who, what, to_db(self.clock.now())),
        )


@asynccontextmanager
async def opened(database: Path, start: datetime, *, new: bool = False) -> AsyncIterator[Seed]:
    """The database (made when ``new``) with the services on a clock showing ``start``."""
    db = Database(database)
    await db.connect()
    try:
        if new:
            await migrate(db)
        clock = ManualClock(start)
        yield Seed(db, build_services(Settings(_env_file=None), db, clock), clock)  # type: ignore[call-arg]
    finally:
        await db.close()


def mentor(name: str, contact: str, work: str, **more: Any) -> dict[str, Any]:
    return mentor_answers(name, contact=contact, workplace_org=work, **more)


async def seed_cycle_1(seed: Seed) -> dict[str, int]:
    """The school with its curator and the numbers to compare with; cycle 1's people, pairs,
    meetings, feedback and the final polls answered in December."""
    org = (await seed.services.organizations.create(SCHOOL, TIMEZONE)).id
    await seed.services.organizations.add_curator(org, CURATOR)
    ids: dict[str, int] = {"org": org}
    ids["c1"] = await seed.db.fetch_value("SELECT id FROM cycles WHERE organization_id = ?", (org,))
    for year, pupils, youth in ((2025, 40, 20), (2026, 50, 25)):
        await seed.sql(
            "INSERT INTO denominators (organization_id, school_year, pupils_10_19, youth_15_19, "
            "young_teachers, enterprises, entered_by, entered_at) VALUES (?, ?, ?, ?, 4, 2, ?, ?)",
            (org, year, pupils, youth, CURATOR, to_db(seed.clock.now())),
        )
    # Daria's and Olga's participant ids occur nowhere else.
    await seed.sql(
        "INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('participants', ?)",
        (DARIA_ID - 1,),
    )
    joined = utc("2025-09-05")
    ids["daria"] = await seed.person(org, DARIA, "mentor", mentor(
        DARIA_NAME, DARIA_CONTACT, DARIA_WORK, birth_year=1985, achievements=DARIA_FEAT,
    ), joined)  # fmt: skip
    ids["olga"] = await seed.person(
        org, OLGA, "mentor", mentor(OLGA_NAME, OLGA_CONTACT, OLGA_WORK), joined
    )
    assert (ids["daria"], ids["olga"]) == (DARIA_ID, OLGA_ID)
    ids["anya"] = await seed.person(
        org, ANYA, "mentee", mentee_answers(ANYA_NAME, "2012-04-10"), joined
    )
    ids["boris"] = await seed.person(
        org, BORIS, "mentee", mentee_answers(BORIS_NAME, "2011-02-02"), joined
    )
    winter = utc("2026-01-10")
    ids["kirill"] = await seed.person(org, KIRILL, "mentor", mentor(
        KIRILL_NAME, "+7 900 700-00-01", "Школа № 12, 11 «А»", birth_date="2009-03-01",
    ), winter)  # fmt: skip
    ids["vera"] = await seed.person(
        org, VERA, "mentee", mentee_answers(VERA_NAME, "2013-06-06"), winter
    )

    ids["p1"] = p1 = await seed.pair(org, ids["anya"], ids["daria"], utc("2025-09-15"))
    ids["p2"] = p2 = await seed.pair(org, ids["boris"], ids["olga"], utc("2025-10-01"))
    ids["p3"] = p3 = await seed.pair(org, ids["vera"], ids["kirill"], utc("2026-01-15"))
    daria, olga, kirill = ids["daria"], ids["olga"], ids["kirill"]
    acquaintance = await seed.meeting(p1, "acquaintance", "held", "2025-09-22", daria)
    await seed.meeting(p1, "planning", "held", "2025-10-06", daria)
    await seed.meeting(p1, "final", "held", "2025-12-18", daria)
    for kind, status, day in (
        ("acquaintance", "held", "2025-10-08"), ("trial", "held", "2025-10-22"),
        ("planning", "held", "2025-11-05"), ("regular", "held", "2026-03-04"),
        ("regular", "missed", "2026-04-15"),
    ):  # fmt: skip
        await seed.meeting(p2, kind, status, day, olga)
    await seed.meeting(p3, "acquaintance", "held", "2026-01-22", kirill)
    await seed.meeting(p3, "trial", "missed", "2026-02-05", kirill)
    # P1 completed with its final meeting; Anya and Daria gave feedback on the first meeting
    # and answered the final poll in December.
    await seed.sql("UPDATE pairs SET completed = 1, ended_on = '2025-12-18' WHERE id = ?", (p1,))
    subject = f"meeting:{acquaintance}"
    await seed.response("meeting_feedback", ids["anya"], subject,
                        {"usefulness": 5, "went_well": "Разобрали олимпиадные задачи"},
                        "2025-09-22", acquaintance)  # fmt: skip
    await seed.response("meeting_feedback", daria, subject,
                        {"usefulness": 4, "comment": DARIA_SAID}, "2025-09-22",
                        acquaintance)  # fmt: skip
    cycle = f"cycle:{ids['c1']}"
    await seed.response("final_mentee", ids["anya"], cycle, {"satisfaction": 9}, "2025-12-19")
    await seed.response("final_mentor", daria, cycle, {"satisfaction": 8}, "2025-12-19")
    for who, what in ((ids["anya"], "poll"), (daria, "poll"), (daria, f"results:{p1}")):
        await seed.sent(ids["c1"], who, what)
    return ids


async def seed_cycle_2(seed: Seed, ids: dict[str, int]) -> None:
    """Cycle 2's newcomers and its two pairs, up to the end of September 2026."""
    org = ids["org"]
    joined = utc("2026-09-03")
    ids["grisha"] = await seed.person(
        org, GRISHA, "mentee", mentee_answers(GRISHA_NAME, "2014-03-03"), joined
    )
    ids["maxim"] = await seed.person(
        org, MAXIM, "mentor", mentor(MAXIM_NAME, "+7 900 700-00-02", "ООО «Ромашка»",
                                     birth_year=2008), joined,
    )  # fmt: skip
    ids["dima"] = await seed.person(
        org, DIMA, "mentee", mentee_answers(DIMA_NAME, "2010-05-05"), joined
    )
    ids["p4"] = await seed.pair(org, ids["grisha"], ids["olga"], utc("2026-09-10"))
    ids["p5"] = await seed.pair(org, ids["dima"], ids["maxim"], utc("2026-09-15"))
    await seed.meeting(ids["p4"], "acquaintance", "held", "2026-09-17", ids["olga"])
    await seed.meeting(ids["p5"], "acquaintance", "held", "2026-09-22", ids["maxim"])
    await seed.meeting(ids["p5"], "planning", "held", "2026-09-29", ids["maxim"])


async def complete_p5(seed: Seed, ids: dict[str, int]) -> None:
    """December 2026: P5 holds its final meeting and completes; Dima rates it 6, Maxim does
    not answer (both were sent the poll)."""
    seed.at(utc("2026-12-11"))
    await seed.meeting(ids["p5"], "final", "held", "2026-12-10", ids["maxim"])
    await seed.sql(
        "UPDATE pairs SET completed = 1, ended_on = '2026-12-10' WHERE id = ?", (ids["p5"],)
    )
    await seed.response("final_mentee", ids["dima"], f"cycle:{ids['c2']}", {"satisfaction": 6},
                        "2026-12-11")  # fmt: skip
    for who, what in (
        (ids["dima"], "poll"), (ids["maxim"], "poll"), (ids["maxim"], f"results:{ids['p5']}"),
    ):  # fmt: skip
        await seed.sent(ids["c2"], who, what)


@pytest.fixture
async def clocked(
    tg: FakeTelegram, tmp_path: Path
) -> AsyncIterator[tuple[BotProcess, dict[str, int]]]:
    process = BotProcess(tg, tmp_path, clocked=True, start_time=CLOSING, SHUTDOWN_GRACE_SECONDS="1")
    process.database.parent.mkdir(parents=True, exist_ok=True)
    async with opened(process.database, utc("2025-09-01"), new=True) as seed:
        ids = await seed_cycle_1(seed)
    # Everyone's chat exists before the bot starts: its first jobs may write to them.
    for chat, name in ((CURATOR, "Куратор"), (DARIA, "Дарья"), (OLGA, "Ольга"),
                       (KIRILL, "Кирилл"), (MAXIM, "Максим"), (ANYA, "Аня"), (BORIS, "Борис"),
                       (VERA, "Вера"), (GRISHA, "Гриша"), (DIMA, "Дима")):  # fmt: skip
        tg.user(chat, name)
    await process.start()
    yield process, ids
    if process.process is not None and process.process.returncode is None:
        assert await process.stop() == 0, process.log()
    assert "Traceback" not in process.log(), process.log()


# -- reading the reports ---------------------------------------------------------------------------
def plain(text: str) -> str:
    """Russian numbers have no-break spaces (``7,5 %``, ``1 400``): plain ones compare."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# A report as read: the text of all its parts, and the part holding the «Период: …» button.
Report = tuple[str, ChatMessage]


async def stats_after(curator: FakeUser, mark: int, label: str) -> Report:
    """The report that began after ``mark`` (its parts up to the chart) and its last part,
    which holds the «Период: …» button."""
    chart = await curator.wait_for_bot_message(CHART, after=mark, timeout=30.0)
    parts = [
        m for m in curator.bot_messages()
        if mark < m.version < chart.version and m.text.startswith("Статистика: ")
    ]  # fmt: skip
    assert parts and parts[0].text.startswith(f"Статистика: {label}\n{SCHOOL}"), [
        m.text[:80] for m in parts
    ]
    assert plain(chart.text).lower().startswith(label.lower()), chart.text
    return "\n".join(plain(m.text) for m in parts), parts[-1]


async def choose(curator: FakeUser, report: ChatMessage, choice: str, label: str) -> Report:
    """«Период: …» under a report, then one of the choices: the report for that period."""
    await curator.press("Период: ", message_id=report.message_id)
    await curator.press(choice, message_id=report.message_id)
    return await stats_after(curator, curator.mark, label)


async def typed(curator: FakeUser, report: ChatMessage, dates: str, label: str) -> Report:
    """«Период: …», «Другой период…» and the dates typed: the report for them."""
    await curator.press("Период: ", message_id=report.message_id)
    await curator.press("Другой период…", message_id=report.message_id)
    await curator.wait_for_bot_message("Напишите первый и последний день периода")
    await curator.send_text(dates)
    return await stats_after(curator, curator.mark, label)


def people(
    invited: int, consented: int, done: int, matched: int, pairs: int, completed: int
) -> str:
    return (
        f"Все формы: приглашено {invited}, дали согласие {consented}, заполнили анкету {done}, "
        f"подобрана пара {matched}, сейчас в парах {pairs}, завершили цикл {completed}"
    )


def meetings(held: int, planned: int, feedback: int) -> list[str]:
    return [
        f"Проведено встреч: {held} из {planned} запланированн",
        f"Форм обратной связи после встреч: {feedback} из {2 * held} ожидаем",
    ]


def involvement(title: str, done_title: str, count: int, done: int, total: int, shown: str,
                target: str) -> str:  # fmt: skip
    return f"• {title}: {shown} ({count} из {total}), цель {target}\n   ◦ {done_title}: {done}"


def satisfaction(
    title: str, satisfied: int, asked: int, answered: int, target: str, *, withdrew: bool = False
) -> str:
    """The line of a satisfaction share; ``withdrew``: pairs completed in the period but this
    side of them withdrew, so nobody was asked."""
    if withdrew:
        return (
            f"• {title}: опрашивать некого — участники пар, завершивших программу в этом "
            f"периоде, отозвали согласие, цель {target}"
        )
    if not asked:
        return f"• {title}: в этом периоде пока ни одна пара не завершила программу, цель {target}"
    return (
        f"• {title}: {percent(satisfied, asked)} ({satisfied} из {asked}), цель {target}; "
        f"ответили на итоговый опрос: {answered} из {asked} ({percent(answered, asked)})"
    )


def percent(count: int, total: int) -> str:
    value = round(100 * count / total, 1)
    return f"{value:g}".replace(".", ",") + " %"


def check(text: str, expected: list[str]) -> None:
    for line in expected:
        assert line in text, f"{line!r} is not in:\n{text}"


# -- the workbook ----------------------------------------------------------------------------------
async def export(curator: FakeUser, tg: FakeTelegram, choice: str) -> Workbook:
    """/export, the period chosen from its buttons: the workbook that came."""
    before = len(workbooks(curator))
    await curator.send_text("/export")
    asked = await curator.wait_for_bot_message("Выгрузка в Excel")
    await curator.press(choice, message_id=asked.message_id)
    return await next_workbook(curator, tg, before)


async def next_workbook(curator: FakeUser, tg: FakeTelegram, before: int) -> Workbook:
    await tg.wait_until(lambda: len(workbooks(curator)) > before, 30.0)
    document = workbooks(curator)[-1]
    assert document.file is not None
    return load_workbook(io.BytesIO(document.file.content))


def indicator_rows(book: Workbook) -> dict[str, tuple[Any, ...]]:
    """The indicators sheet by the first column: (count, out of, share, target) of each
    indicator, the counts of people by stage of all forms, the meetings."""
    return {row[0]: row[1:] for row in rows(book, "Показатели") if row and row[0]}


def check_sheet(book: Workbook, expected: dict[str, tuple[Any, ...]], year: int) -> None:
    found = indicator_rows(book)
    for title, values in expected.items():
        got = found[title][: len(values)]
        assert got == values, (title, got, values)
    assert f"Целевые значения — на {year} год." in found, list(found)


def sheet_figures(
    mentees: tuple[int, int, int], mentors: tuple[int, int, int],
    satisfied_mentees: tuple[int, int, int], satisfied_mentors: tuple[int, int, int],
    stages: tuple[int, ...], held: tuple[int, int],
) -> dict[str, tuple[Any, ...]]:  # fmt: skip
    """The rows of the indicators sheet: an involvement share from (entered, completed, out
    of), a satisfaction share from (satisfied, asked, answered); the targets of 2025–2027."""

    def share(count: int, total: int) -> float | None:
        return count / total if total else None

    def involvement(entered: int, completed: int, total: int, target: float) -> tuple[Any, ...]:
        return (entered, total, share(entered, total), target, completed)

    def satisfied(count: int, asked: int, answered: int) -> tuple[Any, ...]:
        return (count, asked, share(count, asked), 0.85, None, answered, share(answered, asked))

    return {
        ENTERED_MENTEES: involvement(*mentees, 0.70),
        ENTERED_MENTORS: involvement(*mentors, 0.10),
        SATISFIED_MENTEES: satisfied(*satisfied_mentees),
        SATISFIED_MENTORS: satisfied(*satisfied_mentors),
        "Все формы": stages,
        "Встречи: проведено / запланировано": held,
    }


def register(book: Workbook, sheet: str, column: int) -> dict[str, tuple[Any, ...]]:
    return {row[column]: row for row in rows(book, sheet)[1:]}


# -- the test --------------------------------------------------------------------------------------
async def test_reports_of_two_cycles_by_period_with_a_withdrawal_in_each(
    tg: FakeTelegram, clocked: tuple[BotProcess, dict[str, int]]
) -> None:
    bot, ids = clocked
    db = bot.database
    curator, daria, olga, grisha = (tg.user(chat) for chat in (CURATOR, DARIA, OLGA, GRISHA))

    # -- 25 May 2026: Daria withdraws; her pair completed in December -------------------------
    await daria.send_text("/revoke")
    await daria.press("Да, отозвать и удалить")
    await daria.wait_for_bot_message("Согласие отозвано")
    await curator.wait_for_bot_message(DARIA_NAME, after=0)
    assert query(db, "SELECT mentor_id, mentee_id, completed, ended_on FROM pairs WHERE id = ?",
                 (ids["p1"],)) == [(None, ids["anya"], 1, "2025-12-18")]  # fmt: skip

    # The curator closes cycle 1 and finishes it now: P2 held its planning meeting and
    # completes the program; P3 only got acquainted and does not.
    await curator.send_text("/closecycle")
    ask = await curator.wait_for_bot_message("Завершить цикл № 1?")
    await curator.press("Да, завершить цикл", message_id=ask.message_id)
    await curator.wait_for_bot_message("Цикл завершается")
    await curator.send_text("/cycle")
    panel = await curator.wait_for_bot_message("Цикл № 1")
    await curator.press("Завершить цикл сейчас", message_id=panel.message_id)
    ask = await curator.wait_for_bot_message("Завершить цикл сейчас?")
    await curator.press("Да, завершить сейчас", message_id=ask.message_id)
    done = await curator.wait_for_bot_message("Готово:")
    assert "завершили программу — 1, завершены без прохождения программы — 1" in done.text
    assert sorted(query(db, "SELECT id, completed, ended_on FROM pairs WHERE id IN (?, ?)",
                        (ids["p2"], ids["p3"]))) == sorted(
        [(ids["p2"], 1, "2026-05-25"), (ids["p3"], 0, "2026-05-25")]
    )  # fmt: skip

    # The final poll goes to Olga and Boris: Olga answers (and will continue), Boris does not.
    await answer_final_poll(olga, FINAL_MENTOR, {
        "satisfaction": 10, "organization": 9, "progress": 8, "recommend": True,
        "most_useful": "Видеть, как растёт ученик", "hardest": None, "support_lacked": None,
        "improve": None, "continue": True,
    }, timeout=15.0)  # fmt: skip
    assert query(db, "SELECT count(*) FROM responses WHERE participant_id = ? AND form = "
                 "'final_mentee' AND completed_at IS NULL", (ids["boris"],)) == [(1,)]  # fmt: skip
    await tg.wait_until(lambda: query(
        db, "SELECT source FROM mentor_base WHERE participant_id = ?", (ids["olga"],)
    ) == [("continuing_mentor",)], 15.0)  # fmt: skip

    # -- 1 September 2026: cycle 2 opens; cycle 1's figures are stored -------------------------
    bot.set_time(NEW_CYCLE)
    await curator.send_text("/cycle")
    panel = await curator.wait_for_bot_message("Цикл № 1")
    await curator.press("Начать новый цикл", message_id=panel.message_id)
    ask = await curator.wait_for_bot_message("Начать цикл № 2?")
    await curator.press("Да, начать", message_id=ask.message_id)
    started = await curator.wait_for_bot_message("Цикл № 2 начался")
    assert "продолжающие наставники — 1" in started.text, started.text
    ids["c2"] = int(str(query(db, "SELECT id FROM cycles WHERE number = 2")[0][0]))
    assert query(db, "SELECT cycle_id FROM cycle_snapshots") == [(ids["c1"],)]

    await curator.send_text("/stats")
    _, current = await stats_after(curator, curator.mark, "цикл 2, текущий (с 01.09.2026)")
    stored_first, current = await choose(curator, current, "Цикл 1 (", CYCLE_1)

    # -- 1 October 2026: cycle 2's pairs are working; Olga withdraws during hers --------------
    bot.set_time(SECOND_WITHDRAWAL)
    async with opened(db, utc("2026-09-01")) as seed:
        await seed_cycle_2(seed, ids)
    await olga.send_text("/revoke")
    await olga.press("Да, отозвать и удалить")
    await olga.wait_for_bot_message("Согласие отозвано")
    await grisha.wait_for_bot_message("Твоя пара завершена", after=0)
    assert query(
        db, "SELECT mentor_id, mentee_id, completed, ended_on, end_reason FROM pairs "
        "WHERE id IN (?, ?) ORDER BY id", (ids["p2"], ids["p4"]),
    ) == [(None, ids["boris"], 1, "2026-05-25", None),
          (None, ids["grisha"], 0, "2026-10-01", "participant withdrew consent")]  # fmt: skip

    # Cycle 1 counted again would lose Olga (P2's mentor, her final poll, her unknown age);
    # the report of cycle 1 is what was stored when it closed, unchanged.
    async with opened(db, SECOND_WITHDRAWAL) as seed:
        live = indicators_from_json(
            await build_indicator_service(seed.db, seed.clock).closing_figures(
                ids["org"], ids["c1"]
            ),
            Period.cycle(ids["c1"]),
            SECOND_WITHDRAWAL,
        )
    mentors_now = live.share("satisfied_mentors")
    assert (mentors_now.count, mentors_now.total, live.mentors_age_unknown) == (0, 0, 0)
    stored_again, current = await choose(curator, current, "Цикл 1 (", CYCLE_1)
    assert stored_again == stored_first

    # -- 15 January 2027: P5 completed in December; the reports ------------------------------
    bot.set_time(REPORTING)
    async with opened(db, REPORTING) as seed:
        await complete_p5(seed, ids)

    await curator.send_text("/stats")
    text, report = await stats_after(curator, curator.mark, "цикл 2, текущий (с 01.09.2026)")
    check(text, [
        people(3, 3, 3, 3, 0, 2), *meetings(4, 4, 0),
        involvement(ENTERED_MENTEES, DONE_MENTEES, 2, 1, 50, "4 %", "70 %"),
        involvement(ENTERED_MENTORS, DONE_MENTORS, 1, 1, 25, "4 %", "10 %"),
        satisfaction(SATISFIED_MENTEES, 0, 1, 1, "85 %"),
        satisfaction(SATISFIED_MENTORS, 0, 1, 0, "85 %"),
        "Целевые значения — на 2027 год.",
        "Общая численность (база для расчёта долей) — за 2026/2027 учебный год.",
    ])  # fmt: skip

    # Cycle 1, as stored when cycle 2 opened (Olga was there, Daria had gone).
    text, report = await choose(curator, report, "Цикл 1 (", CYCLE_1)
    assert text == stored_first
    check(text, [
        STORED, people(5, 5, 5, 5, 0, 3), *meetings(8, 10, 1),
        involvement(ENTERED_MENTEES, DONE_MENTEES, 3, 2, 40, "7,5 %", "70 %"),
        involvement(ENTERED_MENTORS, DONE_MENTORS, 1, 0, 20, "5 %", "10 %"),
        satisfaction(SATISFIED_MENTEES, 1, 2, 1, "85 %"),
        satisfaction(SATISFIED_MENTORS, 1, 1, 1, "85 %"),
        "Наставники, возраст которых неизвестен (год рождения не указан): 1",
        "Целевые значения — на 2026 год.",
        "Общая численность (база для расчёта долей) — за 2025/2026 учебный год.",
    ])  # fmt: skip

    # The school year 2025/26: cycle 1's pairs by their dates; Olga and Daria count nowhere.
    text, report = await choose(curator, report, "2025/26 учебный год", "2025/26 учебный год")
    check(text, [
        people(4, 4, 4, 4, 4, 2), *meetings(8, 10, 1),
        involvement(ENTERED_MENTEES, DONE_MENTEES, 3, 2, 40, "7,5 %", "70 %"),
        involvement(ENTERED_MENTORS, DONE_MENTORS, 1, 0, 20, "5 %", "10 %"),
        satisfaction(SATISFIED_MENTEES, 1, 2, 1, "85 %"),
        satisfaction(SATISFIED_MENTORS, 0, 0, 0, "85 %", withdrew=True),
        "Целевые значения — на 2026 год.",
        "Общая численность (база для расчёта долей) — за 2025/2026 учебный год.",
    ])  # fmt: skip
    assert STORED not in text and "возраст которых неизвестен" not in text

    # The calendar years 2025 and 2026.
    text, report = await choose(curator, report, "2025 год", "2025 год")
    check(text, [
        people(2, 2, 2, 2, 2, 1), *meetings(6, 6, 1),
        involvement(ENTERED_MENTEES, DONE_MENTEES, 2, 1, 40, "5 %", "70 %"),
        involvement(ENTERED_MENTORS, DONE_MENTORS, 0, 0, 20, "0 %", "10 %"),
        satisfaction(SATISFIED_MENTEES, 1, 1, 1, "85 %"),
        satisfaction(SATISFIED_MENTORS, 0, 0, 0, "85 %", withdrew=True),
        "Целевые значения — на 2025 год.",
    ])  # fmt: skip
    text, report = await choose(curator, report, "2026 год", "2026 год")
    check(text, [
        people(5, 5, 5, 5, 5, 2), *meetings(6, 8, 0),
        involvement(ENTERED_MENTEES, DONE_MENTEES, 3, 2, 50, "6 %", "70 %"),
        involvement(ENTERED_MENTORS, DONE_MENTORS, 2, 1, 25, "8 %", "10 %"),
        satisfaction(SATISFIED_MENTEES, 0, 2, 1, "85 %"),
        satisfaction(SATISFIED_MENTORS, 0, 1, 0, "85 %"),
        "Целевые значения — на 2026 год.",
        "Общая численность (база для расчёта долей) — за 2026/2027 учебный год.",
    ])  # fmt: skip

    # A range typed the Russian way: the winter between the two completions of cycle 1.
    text, report = await typed(curator, report, "01.12.2025–31.03.2026", "01.12.2025 – 31.03.2026")
    check(text, [
        people(2, 2, 2, 2, 2, 0), *meetings(3, 4, 0),
        involvement(ENTERED_MENTEES, DONE_MENTEES, 1, 1, 40, "2,5 %", "70 %"),
        involvement(ENTERED_MENTORS, DONE_MENTORS, 1, 0, 20, "5 %", "10 %"),
        satisfaction(SATISFIED_MENTEES, 1, 1, 1, "85 %"),
        satisfaction(SATISFIED_MENTORS, 0, 0, 0, "85 %", withdrew=True),
        "Целевые значения — на 2026 год.",
    ])  # fmt: skip

    # The stepped targets: a period ending in 2023 against 50 %, the year 2022 against 35 %
    # (no data then, and no numbers to compare with entered).
    text, report = await typed(curator, report, "01.09.2022–31.05.2023", "01.09.2022 – 31.05.2023")
    check(text, [
        f"• {ENTERED_MENTEES}: 0; введите общее число для расчёта доли в /indicators, цель 50 %",
        satisfaction(SATISFIED_MENTEES, 0, 0, 0, "73,3 %"),
        "Целевые значения — на 2023 год.",
    ])  # fmt: skip
    text, report = await typed(curator, report, "2022", "2022 год")
    check(text, [
        f"• {ENTERED_MENTEES}: 0; введите общее число для расчёта доли в /indicators, цель 35 %",
        satisfaction(SATISFIED_MENTEES, 0, 0, 0, "64,6 %"),
        "Целевые значения — на 2022 год.",
    ])  # fmt: skip

    # -- The workbooks of the same periods ------------------------------------------------------
    book = await export(curator, tg, "Цикл 1 (")
    check_sheet(book, sheet_figures(
        (3, 2, 40), (1, 0, 20), (1, 2, 1), (1, 1, 1), (5, 5, 5, 5, 0, 3), (8, 10)
    ), 2026)  # fmt: skip
    assert STORED in indicator_rows(book)
    assert list(rows(book, "База наставников")[0]) == APPENDIX_2_2
    assert list(rows(book, "База наставляемых")[0]) == APPENDIX_2_3
    # Both mentors who withdrew are in no register; their mentees stay, with the placeholder
    # for the mentor and the mark of completing the program.
    assert list(register(book, "База наставников", 0)) == [KIRILL_NAME]
    mentees = register(book, "База наставляемых", 1)
    assert list(mentees) == [ANYA_NAME, BORIS_NAME, VERA_NAME]
    for name, mentor_name, ended, mark in (
        (ANYA_NAME, WITHDRAWN, datetime(2025, 12, 18), COMPLETED),
        (BORIS_NAME, WITHDRAWN, datetime(2026, 5, 25), COMPLETED),
        (VERA_NAME, KIRILL_NAME, datetime(2026, 5, 25), ENDED_EARLY),
    ):
        row = mentees[name]
        assert (row[6], row[9], row[12]) == (mentor_name, ended, mark), row
    assert not mentees[ANYA_NAME][8]  # nor the withdrawn mentor's workplace
    books = [book]

    book = await export(curator, tg, "2025/26 учебный год")
    check_sheet(book, sheet_figures(
        (3, 2, 40), (1, 0, 20), (1, 2, 1), (0, 0, 0), (4, 4, 4, 4, 4, 2), (8, 10)
    ), 2026)  # fmt: skip
    assert STORED not in indicator_rows(book)
    assert list(register(book, "База наставляемых", 1)) == [ANYA_NAME, BORIS_NAME, VERA_NAME]
    books.append(book)

    book = await export(curator, tg, "2026 год")
    check_sheet(book, sheet_figures(
        (3, 2, 50), (2, 1, 25), (0, 2, 1), (0, 1, 0), (5, 5, 5, 5, 5, 2), (6, 8)
    ), 2026)  # fmt: skip
    mentees = register(book, "База наставляемых", 1)
    assert mentees[GRISHA_NAME][6] == WITHDRAWN and mentees[GRISHA_NAME][12] == ENDED_EARLY
    assert mentees[DIMA_NAME][6] == MAXIM_NAME and mentees[DIMA_NAME][12] == COMPLETED
    books.append(book)

    before = len(workbooks(curator))
    await curator.send_text("/export")
    asked = await curator.wait_for_bot_message("Выгрузка в Excel")
    await curator.press("Другой период…", message_id=asked.message_id)
    await curator.wait_for_bot_message("Напишите первый и последний день периода")
    await curator.send_text("с 1 декабря 2025 по 31 марта 2026")
    book = await next_workbook(curator, tg, before)
    check_sheet(book, sheet_figures(
        (1, 1, 40), (1, 0, 20), (1, 1, 1), (0, 0, 0), (2, 2, 2, 2, 2, 0), (3, 4)
    ), 2026)  # fmt: skip
    books.append(book)

    # Nothing of either withdrawn mentor in any sheet of any period.
    for book in books:
        values = every_value(book)
        for trace in (*DARIA_TRACES, *OLGA_TRACES, str(DARIA), str(OLGA)):
            assert trace not in values, trace

    # -- Nothing of them in the database either ------------------------------------------------
    # The messages already sent (which named them to the curator) keep their texts an hour
    # for retries; the housekeeping job then blanks them.
    assert await bot.stop() == 0, bot.log()
    async with opened(db, REPORTING + timedelta(hours=3)) as seed:
        await Housekeeping(
            MaintenanceRepository(seed.db), ProcessedUpdateRepository(seed.db),
            OutboxRepository(seed.db), seed.clock,
        ).run()  # fmt: skip
        traces = await traces_in_database(
            seed.db, numbers=(DARIA, OLGA, DARIA_ID, OLGA_ID), texts=(*DARIA_TRACES, *OLGA_TRACES)
        )
    assert traces == []
