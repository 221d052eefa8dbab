"""A synthetic region for a whole school year, and how fast the reports read it.

``seed_region(db_path)`` fills a fresh database with a region of schools (35,000 pairs by
default, one large school and many ordinary ones), each pair meeting every two weeks from
September to May with feedback after the meetings, monitoring before and after and the final
polls; participants, consents and questionnaire answers as the bot stores them; and in every
school people in no pair (``unpaired_per_pair``: candidates waiting for a consent or half-way
through the questionnaire, mentors awaiting admission, admitted mentors and ready mentees not
yet matched): about 100,000 participants, 3,800 of them in the largest school. Everything is
inserted with ``executemany`` in one transaction. Other benchmarks (the export) reuse it.

``python -m bench.region [--quick] [--reports-only] [--views-only]`` then measures, with the
results in ``bench/results/region.json`` (``--help`` says more):

* the indicators (and the monitoring report) of one school: goal under 1 s;
* a period report of the largest school, the school year 2025/26: goal under 1 s;
* the regional summary over every school: goal under 30 s;
* the municipality's per-school table over every school (marks, worst first): goal under
  5 s; /schools through the dispatcher by an administrator (the table's first page and the
  chart); and the coordinator's workbook of every school (the registers with the
  organization column and the per-school table), its time and, in a fresh process, its peak
  memory;
* handler latency through the real dispatcher (a recording session instead of Telegram),
  commands of real people: on the full database the mentor and the mentee of an active pair of
  the largest school and its curator, on the empty one their counterparts in a one-school
  organization (``seed_minimal``: the same pairs' people and upcoming meetings, no history):
  goal at most 1.5 times; and /stats of the largest school end to end (the message and the
  PNG chart);
* every curator's and coordinator's view (:func:`views`: the panel, Candidates, Mentor
  admission, Matching, Pairs, the meetings board, /cycle, /stats, /ranking, and the
  coordinator's /schools, /stats and /municipality), by the curator of the largest school
  and a coordinator who covers it against their counterparts on the one-school database,
  after the matching has run once on each: goal at most 1.5 times.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import math
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import to_db
from dialogs.model import AGE_GROUP
from dialogs.navigation import answer_context, next_question_key
from dialogs.registry import get_questionnaire
from storage.database import Database
from storage.migrations import migrate

RESULTS = Path(__file__).resolve().parent / "results" / "region.json"
# Late in the school year: most pairs have completed their cycle, some are still meeting.
NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
YEAR_START = date(2025, 9, 1)
ADMITTED_AT = datetime(2025, 9, 10, 12, 0, tzinfo=UTC)  # when the pairs' mentors were admitted
FORMS = ("pupil_pupil", "teacher_teacher", "student_pupil", "employer_pupil", "employer_student")
CURATOR_BASE = 10_000_000
# Pupils aged 10-19 per pair, by school: some schools involve most of their pupils, others
# few, so that the per-school table has schools on track and behind.
PUPILS_PER_PAIR = (1.0, 1.5, 2.5, 4.0)
TELEGRAM_BASE = 100_000_000
# The parents who consented for the minors: Telegram ids of their own, none a participant's
# (a parent who also took part would see their children's menu on /start).
PARENT_BASE = 3_000_000_000


@dataclass(frozen=True)
class Region:
    path: str
    organizations: int
    largest_organization_id: int
    largest_pairs: int
    largest_participants: int
    pairs: int
    participants: int
    answers: int
    meetings: int
    responses: int
    seconds: float
    now: str

    def curator_of(self, organization_id: int) -> int:
        """The Telegram id of the organization's curator."""
        return CURATOR_BASE + organization_id


def _school_sizes(rng: random.Random, pairs: int, schools: int) -> list[int]:
    """One large school (a college) with about 3 % of the pairs, the rest skewed like a region:
    a few big schools, many small ones, none with fewer than 10 pairs."""
    largest = max(10, round(pairs * 0.034))
    weights = [rng.paretovariate(1.6) for _ in range(schools - 1)]
    rest = pairs - largest
    sizes = [max(10, math.floor(rest * w / sum(weights))) for w in weights]
    sizes = [min(s, largest - 1) for s in sizes]
    # Whatever rounding left over goes to the ordinary schools one by one.
    index = 0
    while sum(sizes) < rest:
        sizes[index % len(sizes)] += 1
        index += 1
    while sum(sizes) > rest:
        if sizes[index % len(sizes)] > 10:
            sizes[index % len(sizes)] -= 1
        index += 1
    return [largest, *sizes]


def _birth(rng: random.Random, age_from: int, age_to: int) -> str:
    age = rng.randint(age_from, age_to)
    day = date(YEAR_START.year - age, 1, 1) + timedelta(days=rng.randint(0, 240))
    return day.isoformat()


def _next_question(role: str, group: str, answers: dict[str, str]) -> str | None:
    """The question a person with these answers is asked next (the bot's own rule)."""
    questionnaire = get_questionnaire(role)
    given = {key: json.loads(value) for key, value in answers.items()}
    context = answer_context(questionnaire, given, today=NOW.date(), base={AGE_GROUP: group})
    return next_question_key(questionnaire, given, context, None)


def _choice(value: str) -> str:
    return json.dumps({"choice": value, "other": None})


def _choices(*values: str) -> str:
    return json.dumps({"choices": list(values), "other": None})


class _Seeder:
    def __init__(self, conn: sqlite3.Connection, rng: random.Random) -> None:
        self.conn = conn
        self.rng = rng
        self.unpaired_rng = random.Random(str(rng.getstate()[1][:4]))  # leaves rng as it is
        self.participant_id = 0
        self.pair_id = 0
        self.meeting_id = 0
        self.telegram = TELEGRAM_BASE
        self.counts = {"participants": 0, "answers": 0, "meetings": 0, "responses": 0}
        self.participants: list[tuple[Any, ...]] = []
        self.consents: list[tuple[Any, ...]] = []
        self.answers: list[tuple[Any, ...]] = []
        self.pairs: list[tuple[Any, ...]] = []
        self.meetings: list[tuple[Any, ...]] = []
        self.responses: list[tuple[Any, ...]] = []
        self.admissions: list[tuple[Any, ...]] = []

    # Rows are collected per school and written in batches: memory stays small.
    def flush(self) -> None:
        c = self.conn
        c.executemany(
            "INSERT INTO participants (id, organization_id, telegram_id, role, age_group, "
            "birth_date, joined_at, confirmed_at, cycle_id, current_question) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.participants,
        )
        # Everyone who joined wrote to the bot, which keeps the language Telegram reported
        # (a users row): without it each person's first /start of the run would be a write.
        c.executemany(
            "INSERT OR IGNORE INTO users (telegram_id, telegram_language, created_at, "
            "updated_at) VALUES (?, 'ru', ?, ?)",
            [(row[2], row[6], row[6]) for row in self.participants],
        )
        c.executemany(
            "INSERT INTO consents (participant_id, kind, given_by, representative_name, "
            "representative_relation, text_version, text_sha256, locale, given_at) "
            "VALUES (?, ?, ?, ?, ?, 'v1', ?, 'ru', ?)",
            self.consents,
        )
        # The curators have checked the representatives (migration 0026).
        c.execute(
            "UPDATE consents SET checked_as = 'records', checked_at = given_at "
            "WHERE kind = 'representative' AND checked_at IS NULL"
        )
        c.executemany(
            "INSERT INTO answers (participant_id, question, value, answered_at) "
            "VALUES (?, ?, ?, ?)",
            self.answers,
        )
        c.executemany(
            "INSERT INTO pairs (id, organization_id, mentor_id, mentee_id, form, started_on, "
            "ended_on, created_at, cycle_id, completed, results) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.pairs,
        )
        c.executemany(
            "INSERT INTO meetings (id, pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.meetings,
        )
        c.executemany(
            "INSERT INTO responses (form, participant_id, subject, meeting_id, answers, "
            "started_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            self.responses,
        )
        c.executemany(
            "INSERT INTO mentor_admissions (participant_id, decision, trained, decided_by, "
            "decided_at) VALUES (?, 'admitted', ?, ?, ?)",
            self.admissions,
        )
        self.counts["participants"] += len(self.participants)
        self.counts["answers"] += len(self.answers)
        self.counts["meetings"] += len(self.meetings)
        self.counts["responses"] += len(self.responses)
        for rows in (self.participants, self.consents, self.answers, self.pairs, self.meetings,
                     self.responses, self.admissions):  # fmt: skip
            rows.clear()

    def person(
        self, org: int, cycle: int, role: str, form: str, kind: str, stage: str = "ready"
    ) -> tuple[int, str, str]:
        """A participant with consents and answers; returns (id, category, joined_at).

        ``stage`` is how far the person has come: ``"ready"`` (consents and a confirmed
        questionnaire), ``"questionnaire"`` (consents and the first answers, not confirmed) or
        ``"consent"`` (joined, no consent yet: a child's parent, or the person, has not agreed).
        """
        rng = self.rng
        self.participant_id += 1
        self.telegram += 1
        pid = self.participant_id
        joined = datetime.combine(
            YEAR_START + timedelta(days=rng.randint(0, 30)), datetime.min.time(), UTC
        ) + timedelta(hours=rng.randint(8, 19))
        joined_db = to_db(joined)
        if kind == "child":
            birth, group = _birth(rng, 10, 13), "child"
        elif kind == "teen":
            birth, group = _birth(rng, 14, 17), "teen"
        elif kind == "student":
            birth, group = _birth(rng, 18, 22), "adult"
        else:
            birth, group = _birth(rng, 23, 60), "adult"
        person = (
            pid, org, self.telegram, role, group, birth if group != "adult" else None,
            joined_db, joined_db if stage == "ready" else None, cycle,
        )  # fmt: skip
        self.participants.append((*person, None))
        if stage == "consent":
            return pid, "", joined_db
        if group != "child":
            self.consents.append((pid, "self", self.telegram, None, None, "0" * 64, joined_db))
        if group != "adult":
            self.consents.append(
                (pid, "representative", PARENT_BASE + pid, "Родитель", "mother", "0" * 64,
                 joined_db)
            )  # fmt: skip
        name = json.dumps(f"Участник {pid}")
        common = {
            "full_name": name,
            "interests": _choices(rng.choice(["chess", "sport", "music", "robotics"])),
            "days": _choices("tue", "thu"),
            "times": _choices("after_lessons"),
            "meeting_format": _choice(rng.choice(["online", "in_person", "either"])),
            "form": _choice(form),
        }
        category = ""
        if role == "mentee":
            if form == "teacher_teacher":
                category = "young_teacher" if rng.random() < 0.7 else "teacher"
            elif form == "employer_student":
                category = "student"
            else:
                category = "pupil" if kind != "student" else "student"
            answers = {
                **common,
                "birth_date": json.dumps(birth),
                "category": _choice(category),
                "request": _choices(rng.choice(["olympiads", "exams", "career_choice"])),
                "parent_contact" if group != "adult" else "contact": json.dumps("+7 900 000-00-00"),
            }
            if category in ("pupil", "student"):
                answers["class_course"] = json.dumps(f"{rng.randint(5, 11)} «А»")
        else:
            if form.startswith("employer_"):
                workplace = f"ООО «Предприятие {rng.randint(1, 40)}»"
            elif form == "teacher_teacher":
                workplace = "Школа, учитель"
            else:
                workplace = "Колледж, 2 курс"
            answers = {
                **common,
                "contact": json.dumps("@mentor"),
                "workplace": json.dumps(workplace),
                "competencies": _choices("olympiads", "exams"),
                "achievements": "null",
                "mentee_age_from": "10",
                "mentee_age_to": "18",
                "capacity": "2",
                "time_resource": _choice("hours_2"),
                "experience": _choice("some"),
                "motivation": json.dumps("Хочу помогать ребятам"),
            }
        if stage == "questionnaire":  # half-way through: the first few answers
            answers = dict(list(answers.items())[: rng.randint(1, 5)])
            if group != "adult":  # a minor's date of birth: filled in by the bot at the start
                answers["birth_date"] = json.dumps(birth)
            # The question they are at, stored with each answer as the bot does.
            self.participants[-1] = (*person, _next_question(role, group, answers))
        self.answers.extend((pid, key, value, joined_db) for key, value in answers.items())
        return pid, category, joined_db

    def admitted(self, org: int, mentor_id: int) -> None:
        self.admissions.append(
            (mentor_id, int(mentor_id % 10 < 7), CURATOR_BASE + org, to_db(ADMITTED_AT))
        )

    def school(self, org: int, cycle: int, size: int, unpaired: int = 0) -> None:
        """``size`` pairs with their people, and ``unpaired`` people of the open cycle in no
        pair (see :func:`_unpaired_mix`)."""
        rng = self.rng
        form_weights = (0.3, 0.15, 0.25, 0.2, 0.1)
        # Mentors lead one or two mentees: about 0.8 mentors per pair; all were admitted.
        mentors: list[tuple[int, str]] = []
        for _ in range(max(1, round(size * 0.8))):
            form = rng.choices(FORMS, form_weights)[0]
            kind = {"pupil_pupil": "teen", "student_pupil": "student"}.get(form, "adult")
            mentor_id, _, _ = self.person(org, cycle, "mentor", form, kind)
            self.admitted(org, mentor_id)
            mentors.append((mentor_id, form))
        for number in range(size):
            mentor_id, form = mentors[number % len(mentors)]
            if form in ("pupil_pupil", "student_pupil", "employer_pupil"):
                kind = rng.choice(["child", "teen"])
            elif form == "employer_student":
                kind = "student"
            else:
                kind = "adult"
            mentee_id, _, _ = self.person(org, cycle, "mentee", form, kind)
            self.pair(org, cycle, mentor_id, mentee_id, form)
        # The unpaired people draw from a generator of their own: the pairs and their
        # history stay what they were in a region without them.
        main, self.rng = self.rng, self.unpaired_rng
        try:
            for what, count in _unpaired_mix(unpaired).items():
                for _ in range(count):
                    self.unpaired(org, cycle, what)
        finally:
            self.rng = main

    def unpaired(self, org: int, cycle: int, what: str) -> None:
        """One person in no pair: see :data:`UNPAIRED_MIX`."""
        rng = self.rng
        form = rng.choices(FORMS, (0.3, 0.15, 0.25, 0.2, 0.1))[0]
        role = "mentor" if what.startswith("mentor") else "mentee"
        if role == "mentor":
            kind = {"pupil_pupil": "teen", "student_pupil": "student"}.get(form, "adult")
        elif form in ("pupil_pupil", "student_pupil", "employer_pupil"):
            kind = rng.choice(["child", "teen"])
        else:
            kind = "student" if form == "employer_student" else "adult"
        stage = {"waiting_consent": "consent", "questionnaire": "questionnaire"}.get(what, "ready")
        person, _, _ = self.person(org, cycle, role, form, kind, stage)
        if what == "mentor_admitted":
            self.admitted(org, person)

    def pair(self, org: int, cycle: int, mentor: int, mentee: int, form: str) -> None:
        rng = self.rng
        self.pair_id += 1
        pair_id = self.pair_id
        started = YEAR_START + timedelta(days=rng.randint(14, 45))
        completed = rng.random() < 0.85
        ended = date(2026, 5, rng.randint(5, 19)) if completed else None
        self.pairs.append((
            pair_id, org, mentor, mentee, form, started.isoformat(),
            ended.isoformat() if ended else None, to_db(NOW), cycle, int(completed),
            "Цели достигнуты" if completed else None,
        ))  # fmt: skip
        # Every two weeks from the start to the end (or a month past now for active pairs).
        last = ended or (NOW + timedelta(days=30)).date()
        day, index = started, 0
        held_ids: list[int] = []
        while day <= last:
            self.meeting_id += 1
            moment = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=11)
            past = moment < NOW
            kind = ("acquaintance", "trial", "planning")[index] if index < 3 else "regular"
            if completed and day + timedelta(days=14) > last:
                kind = "final"
            if past:
                roll = rng.random()
                status = "held" if roll < 0.9 else ("missed" if roll < 0.97 else "cancelled")
            else:
                status = "confirmed"
            self.meetings.append((
                self.meeting_id, pair_id, kind, status, to_db(moment),
                "online" if index % 2 else "in_person", "Кабинет 12", mentor,
                to_db(moment - timedelta(days=5)), to_db(moment - timedelta(days=4)),
            ))  # fmt: skip
            if status == "held":
                held_ids.append(self.meeting_id)
            day += timedelta(days=14)
            index += 1
        for meeting_id in held_ids:
            for who, chance in ((mentor, 0.85), (mentee, 0.8)):
                if rng.random() < chance:
                    answers = json.dumps({
                        "usefulness": rng.randint(3, 5), "worked_on": _choices("exams"),
                        "went_well": None, "to_change": None, "comment": None,
                    })  # fmt: skip
                    self.responses.append((
                        "meeting_feedback", who, f"meeting:{meeting_id}", meeting_id, answers,
                        to_db(NOW), to_db(NOW), to_db(NOW),
                    ))  # fmt: skip
        monitoring = "monitoring_teacher" if form == "teacher_teacher" else (
            "monitoring_pupil"
        )  # fmt: skip
        params = (
            ("burnout", "profession_satisfaction", "staff_climate")
            if monitoring == "monitoring_teacher"
            else ("engagement", "performance", "soft_skills", "attend_wish", "anxiety",
                  "future", "emotional_state", "high_results")
        )  # fmt: skip
        if rng.random() < 0.9:
            before = {p: rng.randint(1, 4) for p in params}
            self.responses.append((
                monitoring, mentee, f"before:{cycle}", None, json.dumps(before),
                to_db(NOW), to_db(NOW), to_db(NOW),
            ))  # fmt: skip
            if completed and rng.random() < 0.85:
                after = {p: min(5, v + rng.randint(0, 2)) for p, v in before.items()}
                self.responses.append((
                    monitoring, mentee, f"after:{cycle}", None, json.dumps(after),
                    to_db(NOW), to_db(NOW), to_db(NOW),
                ))  # fmt: skip
        if completed and rng.random() < 0.9:
            poll = {"satisfaction": rng.randint(4, 10), "recommend": True, "become_mentor": False}
            self.responses.append((
                "final_mentee", mentee, f"cycle:{cycle}", None, json.dumps(poll),
                to_db(NOW), to_db(NOW), to_db(NOW),
            ))  # fmt: skip


# People in no pair, by what they wait for, as shares of a school's unpaired people: mentees
# and mentors waiting for a consent (their own or a parent's) or half-way through the
# questionnaire (the candidates' list), mentors waiting for the curator's admission, admitted
# mentors not yet in a pair and mentees ready for matching (the matching's cohort).
UNPAIRED_MIX: dict[str, float] = {
    "waiting_consent": 0.15,
    "questionnaire": 0.15,
    "mentor_awaiting_admission": 0.15,
    "mentor_admitted": 0.15,
    "mentee_ready": 0.40,
}
# Unpaired people per pair: the region's ~35,000 pairs lead to ~100,000 participants, the
# largest school (a college in its first months of the programme) has more in waiting.
UNPAIRED_PER_PAIR = 1.05
LARGEST_UNPAIRED_PER_PAIR = 1.4


COORDINATOR = 20_000_000  # a municipal coordinator of the largest school (of the one school)


def _coordinator(conn: sqlite3.Connection, org: int) -> None:
    conn.execute(
        "INSERT INTO coordinators (telegram_id, organization_id, added_at) VALUES (?, ?, ?)",
        (COORDINATOR, org, to_db(NOW - timedelta(days=250))),
    )


def _unpaired_mix(count: int) -> dict[str, int]:
    """``count`` unpaired people split by :data:`UNPAIRED_MIX` (the rest to ready mentees)."""
    mix = {what: math.floor(count * share) for what, share in UNPAIRED_MIX.items()}
    mix["mentee_ready"] += count - sum(mix.values())
    return mix


def _organization(conn: sqlite3.Connection, org: int, size: int) -> int:
    """An organization with its forms, its curator (``CURATOR_BASE + org``), last year's closed
    cycle and this year's open one, and the year's denominators; returns the open cycle's id."""
    conn.execute(
        "INSERT INTO organizations (id, name, timezone, created_at) VALUES (?, ?, ?, ?)",
        (org, f"Школа № {org}", "Europe/Moscow", to_db(NOW - timedelta(days=300))),
    )
    conn.executemany(
        "INSERT INTO organization_forms (organization_id, code) VALUES (?, ?)",
        [(org, code) for code in FORMS],
    )
    conn.execute(
        "INSERT INTO curators (telegram_id, organization_id, added_at) VALUES (?, ?, ?)",
        (CURATOR_BASE + org, org, to_db(NOW - timedelta(days=300))),
    )
    # Last year's cycle is closed (it holds nothing here); this year's is open.
    conn.execute(
        "INSERT INTO cycles (organization_id, number, started_on, closed_at) "
        "VALUES (?, 1, '2024-09-01', '2025-06-30T00:00:00+00:00')",
        (org,),
    )
    cycle: int = conn.execute(
        "INSERT INTO cycles (organization_id, number, started_on, planned_end) "
        "VALUES (?, 2, ?, '2026-05-31') RETURNING id",
        (org, YEAR_START.isoformat()),
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO denominators (organization_id, school_year, pupils_10_19, "
        "youth_15_19, young_teachers, enterprises, entered_by, entered_at) "
        "VALUES (?, 2025, ?, ?, ?, ?, ?, ?)",
        (org, round(size * PUPILS_PER_PAIR[org % len(PUPILS_PER_PAIR)]), size,
         max(1, size // 20), max(1, size // 30), CURATOR_BASE + org,
         to_db(NOW - timedelta(days=200))),
    )  # fmt: skip
    return cycle


async def _migrated(db_path: Path | str) -> None:
    """Create the database file, or bring it to the current schema."""
    db = Database(db_path)
    await db.connect()
    try:
        await migrate(db)
    finally:
        await db.close()


async def seed_region(
    db_path: Path | str,
    *,
    pairs: int = 35_000,
    schools: int = 300,
    seed: int = 7,
    unpaired_per_pair: float = UNPAIRED_PER_PAIR,
    largest_unpaired_per_pair: float = LARGEST_UNPAIRED_PER_PAIR,
) -> Region:
    """Create (or refill, if empty) the database at ``db_path`` with a region's school year.

    The organizations get ids 1..``schools``; organization 1 is the largest school. The
    curator of organization N has the Telegram id ``CURATOR_BASE + N``. Besides the pairs'
    people every school has ``unpaired_per_pair`` people per pair in no pair (the largest
    ``largest_unpaired_per_pair``): candidates waiting for a consent or half-way through the
    questionnaire, mentors awaiting admission, admitted mentors and ready mentees not yet
    matched (:data:`UNPAIRED_MIX`). The defaults give about 100,000 participants, about 3,800
    of them in the largest school; 0 and 0 give the pairs' people only.
    """
    started = time.perf_counter()
    await _migrated(db_path)
    rng = random.Random(seed)
    sizes = _school_sizes(rng, pairs, schools)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN IMMEDIATE")
        seeder = _Seeder(conn, rng)
        for org, size in enumerate(sizes, start=1):
            cycle = _organization(conn, org, size)
            per_pair = largest_unpaired_per_pair if org == 1 else unpaired_per_pair
            seeder.school(org, cycle, size, round(size * per_pair))
            if len(seeder.responses) > 50_000 or org == len(sizes):
                seeder.flush()
        _coordinator(conn, 1)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        # Leave a database as a running bot finds it: the pages in the file, not in the WAL.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        largest_participants = conn.execute(
            "SELECT count(*) FROM participants WHERE organization_id = 1"
        ).fetchone()[0]
    finally:
        conn.close()
    counts = seeder.counts
    return Region(
        path=str(db_path),
        organizations=len(sizes),
        largest_organization_id=1,
        largest_pairs=sizes[0],
        largest_participants=largest_participants,
        pairs=sum(sizes),
        participants=counts["participants"],
        answers=counts["answers"],
        meetings=counts["meetings"],
        responses=counts["responses"],
        seconds=round(time.perf_counter() - started, 1),
        now=to_db(NOW),
    )


@dataclass(frozen=True)
class ActivePair:
    """Real people of one organization whose commands are timed: a mentor and a mentee of an
    active pair, and the organization's curator (Telegram ids)."""

    organization_id: int
    pair_id: int
    form: str
    mentor: int
    mentee: int
    curator: int
    mentee_age_group: str
    # The mentor's active pairs, this one first: (pair id, form, mentee's age group, started on).
    mentor_active_pairs: tuple[tuple[int, str, str, str], ...]
    # Stored for this pair and these people: how much a handler could have to read.
    mentor_pairs_all: int
    pair_meetings: int
    upcoming_meetings: int
    mentee_responses: int
    mentor_responses: int
    active_pairs_of_organization: int


# Proposed and confirmed meetings from two hours ago on: what /meetings lists.
_UPCOMING = "status IN ('proposed', 'confirmed') AND starts_at >= ?"


def pick_active_pair(db_path: Path | str, organization_id: int) -> ActivePair:
    """The active pair of the organization whose mentor has the most pairs (then the pair with
    the most meetings): real people with as much stored about them as the region holds."""
    since = to_db(NOW - timedelta(hours=2))
    conn = sqlite3.connect(db_path)
    try:
        row = conn.execute(
            "SELECT pr.id, pr.form, mentor.telegram_id, mentee.telegram_id, mentee.age_group, "
            "pr.mentor_id, pr.mentee_id, "
            "(SELECT count(*) FROM pairs x WHERE x.mentor_id = pr.mentor_id) AS mentor_pairs, "
            "(SELECT count(*) FROM meetings m WHERE m.pair_id = pr.id) AS meetings "
            "FROM pairs pr "
            "JOIN participants mentor ON mentor.id = pr.mentor_id "
            "JOIN participants mentee ON mentee.id = pr.mentee_id "
            "WHERE pr.organization_id = ? AND pr.ended_on IS NULL "
            "ORDER BY mentor_pairs DESC, meetings DESC, pr.id LIMIT 1",
            (organization_id,),
        ).fetchone()
        if row is None:
            raise RuntimeError(f"organization {organization_id} has no active pair")
        pair_id, form, mentor, mentee, mentee_group, mentor_id, mentee_id, all_pairs, meetings = row
        others = conn.execute(
            "SELECT pr.id, pr.form, p.age_group, pr.started_on FROM pairs pr "
            "JOIN participants p ON p.id = pr.mentee_id "
            "WHERE pr.mentor_id = ? AND pr.ended_on IS NULL ORDER BY pr.id <> ?, pr.id",
            (mentor_id, pair_id),
        ).fetchall()
        upcoming = conn.execute(
            f"SELECT count(*) FROM meetings WHERE pair_id = ? AND {_UPCOMING}", (pair_id, since)
        ).fetchone()[0]
        responses = dict(
            conn.execute(
                "SELECT participant_id, count(*) FROM responses WHERE participant_id IN (?, ?) "
                "GROUP BY participant_id",
                (mentor_id, mentee_id),
            ).fetchall()
        )
        active = conn.execute(
            "SELECT count(*) FROM pairs WHERE organization_id = ? AND ended_on IS NULL",
            (organization_id,),
        ).fetchone()[0]
    finally:
        conn.close()
    return ActivePair(
        organization_id=organization_id,
        pair_id=pair_id,
        form=form,
        mentor=mentor,
        mentee=mentee,
        curator=CURATOR_BASE + organization_id,
        mentee_age_group=mentee_group,
        mentor_active_pairs=tuple(tuple(r) for r in others),
        mentor_pairs_all=all_pairs,
        pair_meetings=meetings,
        upcoming_meetings=upcoming,
        mentee_responses=responses.get(mentee_id, 0),
        mentor_responses=responses.get(mentor_id, 0),
        active_pairs_of_organization=active,
    )


def _kind(form: str, role: str, age_group: str) -> str:
    """The seeder's kind of person for a role in a form (as ``_Seeder.school`` chooses it)."""
    if role == "mentor":
        return {"pupil_pupil": "teen", "student_pupil": "student"}.get(form, "adult")
    if age_group != "adult":
        return age_group
    return "student" if form == "employer_student" else "adult"


MINIMAL_UNPAIRED = 70


async def seed_minimal(db_path: Path | str, like: ActivePair, full_path: Path | str) -> ActivePair:
    """The smallest organization where the same commands reach real people: one school with its
    curator, the mentor and one mentee per active pair the mentor of ``like`` leads (one or
    two), with consents, confirmed questionnaires and only the upcoming confirmed meetings of
    those pairs (copied from ``full_path``; at least one), and as many other active pairs with
    one confirmed meeting as fill the curator's first page of /pairs, and a few people in no
    pair (:data:`MINIMAL_UNPAIRED`, as :data:`UNPAIRED_MIX` splits them) for the curator's
    lists; the municipal coordinator :data:`COORDINATOR` covers the school. No history: no
    past meetings, feedback, monitoring or polls. The people are written by the region's
    seeder."""
    from handlers.pair_views import PAGE_SIZE

    since = to_db(NOW - timedelta(hours=2))
    source = sqlite3.connect(full_path)
    try:
        upcoming = {
            pair_id: source.execute(
                "SELECT kind, status, starts_at, meeting_format, place, created_at, decided_at "
                f"FROM meetings WHERE pair_id = ? AND {_UPCOMING} ORDER BY starts_at",
                (pair_id, since),
            ).fetchall()
            for pair_id, *_ in like.mentor_active_pairs
        }
    finally:
        source.close()
    await _migrated(db_path)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        org = 1
        # Other pairs, so that /pairs shows a full first page on both databases alike.
        others = max(0, min(like.active_pairs_of_organization, PAGE_SIZE) - len(upcoming))
        cycle = _organization(conn, org, len(upcoming) + others)
        seeder = _Seeder(conn, random.Random(1))
        one_meeting = [(
            "regular", "confirmed", to_db(NOW + timedelta(days=7)), "online", "Кабинет 12",
            to_db(NOW - timedelta(days=1)), to_db(NOW - timedelta(days=1)),
        )]  # fmt: skip

        def add_pair(mentor_id: int, form: str, group: str, started_on: str, meetings: Any) -> int:
            """A mentee in an active pair with the mentor; returns the mentee's Telegram id."""
            mentee_id, _, _ = seeder.person(
                org, cycle, "mentee", form, _kind(form, "mentee", group)
            )
            seeder.pair_id += 1
            seeder.pairs.append((
                seeder.pair_id, org, mentor_id, mentee_id, form, started_on, None, to_db(NOW),
                cycle, 0, None,
            ))  # fmt: skip
            for kind, status, starts_at, meeting_format, place, created, decided in meetings:
                seeder.meeting_id += 1
                seeder.meetings.append((
                    seeder.meeting_id, seeder.pair_id, kind, status, starts_at, meeting_format,
                    place, mentor_id, created, decided,
                ))  # fmt: skip
            return seeder.telegram

        mentor_id, _, _ = seeder.person(
            org, cycle, "mentor", like.form, _kind(like.form, "mentor", "")
        )
        mentor_telegram = seeder.telegram
        mentees = [
            add_pair(mentor_id, form, group, started_on, upcoming[full_pair] or one_meeting)
            for full_pair, form, group, started_on in like.mentor_active_pairs
        ]
        for number in range(others):
            form = FORMS[number % len(FORMS)]
            other_mentor, _, _ = seeder.person(
                org, cycle, "mentor", form, _kind(form, "mentor", "")
            )
            group = "teen" if form.endswith("_pupil") else "adult"
            add_pair(other_mentor, form, group, (YEAR_START + timedelta(days=30)).isoformat(),
                     one_meeting)  # fmt: skip
        # People in no pair, as the region's schools have them: enough to fill the first
        # page of each curator's list (candidates, admission, matching's proposals).
        for what, count in _unpaired_mix(MINIMAL_UNPAIRED).items():
            for _ in range(count):
                seeder.unpaired(org, cycle, what)
        _coordinator(conn, org)
        seeder.flush()
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return ActivePair(
        organization_id=org,
        pair_id=1,
        form=like.form,
        mentor=mentor_telegram,
        mentee=mentees[0],
        curator=CURATOR_BASE + org,
        mentee_age_group=like.mentee_age_group,
        mentor_active_pairs=tuple(
            (number, form, group, started)
            for number, (_, form, group, started) in enumerate(like.mentor_active_pairs, start=1)
        ),
        mentor_pairs_all=len(like.mentor_active_pairs),
        pair_meetings=len(upcoming[like.pair_id]) or 1,
        upcoming_meetings=len(upcoming[like.pair_id]) or 1,
        mentee_responses=0,
        mentor_responses=0,
        active_pairs_of_organization=len(upcoming) + others,
    )


# --- measuring ------------------------------------------------------------------------------


def _timed(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
        "runs": len(samples),
    }


async def _report_timings(region: Region) -> dict[str, Any]:
    from bot.reports.indicators import build_indicator_service
    from bot.reports.monitoring import MonitoringReportService
    from storage.repositories.reports import ReportRepository
    from tests.clock import ManualClock

    db = Database(region.path)
    await db.connect()
    try:
        service = build_indicator_service(db, ManualClock(NOW))
        monitoring = MonitoringReportService(ReportRepository(db))
        largest = region.largest_organization_id
        typical = region.organizations // 2
        one: list[float] = []
        for _ in range(5):
            start = time.perf_counter()
            indicators = await service.for_organization(largest)
            one.append(time.perf_counter() - start)
        median_school: list[float] = []
        for _ in range(5):
            start = time.perf_counter()
            await service.for_organization(typical)
            median_school.append(time.perf_counter() - start)
        mon: list[float] = []
        for _ in range(3):
            start = time.perf_counter()
            rows = await monitoring.rows(largest)
            mon.append(time.perf_counter() - start)
        start = time.perf_counter()
        summary = await service.for_organizations(range(1, region.organizations + 1))
        regional = time.perf_counter() - start
    finally:
        await db.close()
    return {
        "school_largest": {**_timed(one), "goal_ms": 1000,
                           "stages_all": asdict(indicators.stages[None]),
                           "meetings_held": indicators.meetings_held},
        "school_typical": {**_timed(median_school), "organization_id": typical},
        "monitoring_largest": {**_timed(mon), "rows": len(rows)},
        "regional_summary": {
            "seconds": round(regional, 2), "goal_seconds": 30,
            "organizations": len(summary.organization_ids),
            "stages_all": asdict(summary.stages[None]),
            "meetings_held": summary.meetings_held,
            "feedback_answered": summary.feedback_answered,
        },
    }  # fmt: skip


# The municipality: the per-school table, a period report, the coordinator's workbook.

SCHOOL_TABLE_GOAL_SECONDS = 5.0
PERIOD_REPORT_GOAL_MS = 1000
SCHOOL_YEAR = 2025  # the region's year: 1 September 2025 to 31 August 2026
ADMIN = 777  # the harness's administrator (tests/inprocess.make_settings)


async def _municipal_timings(region: Region) -> dict[str, Any]:
    from bot.models.periods import Period
    from bot.reports.indicators import build_indicator_service
    from bot.reports.schools import SchoolMark, build_school_table_service
    from tests.clock import ManualClock

    ids = list(range(1, region.organizations + 1))
    year = Period.school_year(SCHOOL_YEAR)
    db = Database(region.path)
    await db.connect()
    try:
        clock = ManualClock(NOW)
        indicators = build_indicator_service(db, clock)
        report: list[float] = []
        for _ in range(5):
            start = time.perf_counter()
            figures = await indicators.for_organization(region.largest_organization_id, year)
            report.append(time.perf_counter() - start)
        schools = build_school_table_service(db, clock)
        tables: dict[str, dict[str, Any]] = {}
        for name, period in (("current_cycle", Period.current_cycle()), ("school_year", year)):
            samples: list[float] = []
            cpu: list[float] = []
            for _ in range(3):
                start, start_cpu = time.perf_counter(), time.process_time()
                table = await schools.table(ids, period)
                samples.append(time.perf_counter() - start)
                # The process's CPU time (SQLite's thread included): on a machine shared
                # with other work it says what the table costs when the machine is idle.
                cpu.append(time.process_time() - start_cpu)
            tables[name] = {
                "seconds_median": round(statistics.median(samples), 2),
                "seconds_max": round(max(samples), 2),
                "cpu_seconds_median": round(statistics.median(cpu), 2),
                "runs": len(samples),
                "organizations": len(table.rows),
                "marks": {mark.value: table.count(mark) for mark in SchoolMark},
                "worst": table.rows[0].name,
            }
    finally:
        await db.close()
    return {
        "period_report_largest": {
            **_timed(report), "goal_ms": PERIOD_REPORT_GOAL_MS,
            "period": f"school year {SCHOOL_YEAR}/{SCHOOL_YEAR + 1}",
            "meetings_held": figures.meetings_held,
            "stages_all": asdict(figures.stages[None]),
        },
        "school_table": {**tables, "goal_seconds": SCHOOL_TABLE_GOAL_SECONDS},
        "region_workbook": _workbook_in_fresh_process(region.path),
    }  # fmt: skip


def _peak_kb() -> int:
    """The process's peak resident memory so far (Linux ``VmHWM``, in kB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def _workbook_probe(path: str) -> dict[str, Any]:
    """The administrator's workbook of every school of the current cycle, timed, with the
    process's peak memory before and after (run in a fresh process: the seeding's memory
    would hide the workbook's)."""
    from bot.reports.export import build_export_service
    from tests.clock import ManualClock

    db = Database(path)
    await db.connect()
    try:
        service = build_export_service(db, ManualClock(NOW))
        before = _peak_kb()
        start = time.perf_counter()
        made = await service.for_coordinator(ADMIN, "ru", is_admin=True)
        seconds = time.perf_counter() - start
        after = _peak_kb()
    finally:
        await db.close()
    return {
        "seconds": round(seconds, 1),
        "megabytes": round(len(made.content) / 2**20, 1),
        "filename": made.filename,
        "peak_mb_before": round(before / 1024),
        "peak_mb_after": round(after / 1024),
    }


def _workbook_in_fresh_process(path: str) -> dict[str, Any]:
    code = (
        "import asyncio, json, sys; from bench.region import _workbook_probe; "
        "print(json.dumps(asyncio.run(_workbook_probe(sys.argv[1]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, path],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def _schools_command(full: str, first_update: int) -> dict[str, Any]:
    """/schools by the administrator (every school) through the real dispatcher: the first
    page of the table and the chart of the worst."""
    from bot.app import build_application, close_application
    from tests.clock import ManualClock
    from tests.inprocess import TOKEN, Harness, RecordingSession, make_settings

    with tempfile.TemporaryDirectory() as tmp:
        session, clock = RecordingSession(), ManualClock(NOW)
        app = await build_application(
            make_settings(Path(tmp), database_path=Path(full)), TOKEN, session=session,
            clock=clock,
        )  # fmt: skip
        try:
            harness = Harness(app, session, clock)
            harness._update_ids = itertools.count(first_update)  # not ids seen before
            samples: list[float] = []
            for _ in range(4):
                start = time.perf_counter()
                sent = await harness.send(ADMIN, "/schools")
                samples.append(time.perf_counter() - start)
                assert [s.method for s in sent] == ["sendMessage", "sendPhoto"], sent
        finally:
            await close_application(app)
    return {**_timed(samples[1:]), "first_call_ms": round(samples[0] * 1000, 1)}


# Who sends what: the participant's commands by the mentee and by the mentor of the pair.
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mentee", ("/start", "/help", "/meetings", "/profile")),
    ("mentor", ("/start", "/help", "/meetings", "/profile")),
)
STRANGER = 900_000_000  # in no database: what someone without a role would be answered
SLOW_BUDGET_SECONDS = 60.0


@dataclass(frozen=True)
class Lists:
    """What the curator's and the coordinator's views press on, in one database: the last
    page of the candidates' list and the first mentor waiting for admission."""

    candidates_last_page: int
    candidates: int
    mentor_waiting: int


def lists_of(db_path: Path | str, organization_id: int) -> Lists:
    from handlers.candidates_views import PAGE_SIZE

    conn = sqlite3.connect(db_path)
    try:
        candidates = conn.execute(
            "SELECT count(*) FROM participants p WHERE p.organization_id = ? AND p.cycle_id = "
            "(SELECT id FROM cycles c WHERE c.organization_id = ? AND c.closed_at IS NULL)",
            (organization_id, organization_id),
        ).fetchone()[0]
        waiting = conn.execute(
            "SELECT min(p.id) FROM participants p WHERE p.organization_id = ? "
            "AND p.role = 'mentor' AND p.confirmed_at IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM mentor_admissions a WHERE a.participant_id = p.id)",
            (organization_id,),
        ).fetchone()[0]
    finally:
        conn.close()
    if waiting is None:
        raise RuntimeError(f"organization {organization_id} has no mentor awaiting admission")
    return Lists(max(0, (candidates - 1) // PAGE_SIZE), candidates, waiting)


@dataclass(frozen=True)
class View:
    """One curator's or coordinator's view: a command (``text`` starting with "/") or a
    press on a button whose data ``data`` makes from the database's :class:`Lists`."""

    key: str
    who: str  # "curator" or "coordinator"
    text: str | None = None
    data: Any = None  # Callable[[Lists], str]


def views() -> tuple[View, ...]:
    """Every curator's and coordinator's view, as the panel's buttons and the commands open
    them (the button data are the handlers' own)."""
    from handlers.admission_views import AdmissionCard, AdmissionList
    from handlers.candidates_views import CandidatesPage
    from handlers.matching_views import MatchMenu, MenuStep
    from handlers.meeting_board_views import Board, ViewMenu
    from handlers.workspace_views import Section, SectionName

    def section(name: SectionName) -> Any:
        return lambda lists: Section(name=name).pack()

    return (
        View("/curator (panel)", "curator", text="/curator"),
        View("Candidates (panel button)", "curator", data=section(SectionName.CANDIDATES)),
        View(
            "Candidates, last page",
            "curator",
            data=lambda lists: CandidatesPage(page=lists.candidates_last_page).pack(),
        ),
        View("Mentor admission (panel button)", "curator", data=section(SectionName.ADMISSION)),
        View("Mentor admission, page 2", "curator", data=lambda _: AdmissionList(page=1).pack()),
        View(
            "Mentor admission, a card",
            "curator",
            data=lambda lists: AdmissionCard(participant_id=lists.mentor_waiting).pack(),
        ),
        View("Matching (panel button)", "curator", data=section(SectionName.MATCHING)),
        View(
            "Matching, proposals page",
            "curator",
            data=lambda _: MatchMenu(action=MenuStep.NEXT).pack(),
        ),
        View(
            "Matching, without a pair",
            "curator",
            data=lambda _: MatchMenu(action=MenuStep.UNMATCHED).pack(),
        ),
        View("Pairs (panel button)", "curator", data=section(SectionName.PAIRS)),
        View("/pairs", "curator", text="/pairs"),
        View("Meetings board (panel button)", "curator", data=section(SectionName.MEETING_VIEWS)),
        View(
            "Meetings board, upcoming",
            "curator",
            data=lambda _: ViewMenu(view=Board.UPCOMING).pack(),
        ),
        View(
            "Meetings board, overdue",
            "curator",
            data=lambda _: ViewMenu(view=Board.OVERDUE).pack(),
        ),
        View("Meetings board, pairs", "curator", data=lambda _: ViewMenu(view=Board.PAIRS).pack()),
        View("/cycle", "curator", text="/cycle"),
        View("/stats (curator)", "curator", text="/stats"),
        View("/ranking", "curator", text="/ranking"),
        View("/schools (coordinator)", "coordinator", text="/schools"),
        View("/stats (coordinator's summary)", "coordinator", text="/stats"),
        View("/municipality (coordinator)", "coordinator", text="/municipality"),
    )


def _refused(sent: list[Any]) -> bool:
    """A press answered by an alert only (outdated, not allowed): nothing shown."""
    return not sent


async def _timed_pair(
    harnesses: dict[str, Any],
    act: dict[str, Any],
    runs: int,
    warm_up: int,
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """``act[name]()`` on both databases in turns (which goes first alternates); the samples
    and the first run's time (one untimed first run before)."""
    first: dict[str, float] = {}
    for name in harnesses:
        start = time.perf_counter()
        await act[name]()
        first[name] = time.perf_counter() - start
    # A view that takes long on the full database gets fewer runs, about a minute's worth
    # (at least 7): the figure then says enough.
    count = runs
    if first["full"] * runs > SLOW_BUDGET_SECONDS:
        count, warm_up = max(7, int(SLOW_BUDGET_SECONDS / first["full"])), 0
    order = (("empty", "full"), ("full", "empty"))
    samples: dict[str, list[float]] = {"empty": [], "full": []}
    for number in range(count + warm_up):
        for name in order[number % 2]:
            start = time.perf_counter()
            await act[name]()
            samples[name].append(time.perf_counter() - start)
    return {name: values[warm_up:] for name, values in samples.items()}, first


def _ratio(samples: dict[str, list[float]]) -> float:
    # Each full-database run against the empty-database run next to it: the machine's other
    # work cancels out of the ratio.
    return round(
        statistics.median(f / e for f, e in zip(samples["full"], samples["empty"], strict=True)),
        2,
    )


async def _handler_latency(
    empty: str, full: str, runs: int, view_runs: int, people: dict[str, ActivePair]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Median time to feed updates through the real dispatcher (nothing is sent anywhere),
    each command sent by real people with data: on the full database by people of the largest
    school, on the empty one by their counterparts in a one-school organization; then every
    curator's and coordinator's view (:func:`views`) by the curator and the coordinator of
    those schools.

    Both bots run side by side and take turns (which goes first alternates), so that whatever
    else the machine is doing slows both alike: the ratio compares the databases, not two
    moments.
    """
    from bot.app import build_application, close_application
    from handlers.matching_views import MatchMenu, MenuStep
    from tests.clock import ManualClock
    from tests.inprocess import TOKEN, Harness, RecordingSession, make_settings

    harnesses: dict[str, Harness] = {}
    paths = {"empty": empty, "full": full}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for name, path in paths.items():
                session, clock = RecordingSession(), ManualClock(NOW)
                app = await build_application(
                    make_settings(Path(tmp) / name, database_path=Path(path)),
                    TOKEN,
                    session=session,
                    clock=clock,
                )
                harnesses[name] = Harness(app, session, clock)
            result: dict[str, dict[str, Any]] = {"empty": {}, "full": {}}
            message_ids = itertools.count(10**6)  # every press edits a message of its own

            def sender(harness: Harness, user: int, text: str) -> Any:
                return lambda: harness.send(user, text)

            def presser(harness: Harness, user: int, data: str) -> Any:
                return lambda: harness.press(user, data, message_id=next(message_ids))

            for who, commands in COMMANDS if runs else ():
                user = {name: getattr(people[name], who) for name in harnesses}
                for command in commands:
                    key = f"{command} ({who})"
                    # Once each before timing: the person must get a real answer, not what a
                    # stranger gets (a refusal or the welcome), on both databases alike.
                    stranger = [s.text for s in await harnesses["empty"].send(STRANGER, command)]
                    for name, harness in harnesses.items():
                        replies = [s.text for s in await harness.send(user[name], command)]
                        assert replies, f"{key}: no answer on the {name} database"
                        if command != "/help":  # /help is the same for a participant
                            assert replies != stranger, f"{key}: a stranger's answer ({name})"
                        result[name][key] = {
                            "telegram_id": user[name],
                            "messages": len(replies),
                            "first_line": replies[0].split("\n", 1)[0][:80],
                        }
                    act = {
                        name: sender(harness, user[name], command)
                        for name, harness in harnesses.items()
                    }
                    samples, _ = await _timed_pair(harnesses, act, runs, 10)
                    for name, values in samples.items():
                        result[name][key].update(_timed(values))
                    result["full"][key]["paired_ratio_median"] = _ratio(samples)
            # The curator's and the coordinator's views. The matching has run once on each
            # database (untimed): its proposals are what the proposals page reads.
            lists = {
                name: lists_of(paths[name], people[name].organization_id) for name in harnesses
            }
            run_matching = MatchMenu(action=MenuStep.RUN).pack()
            for name, harness in harnesses.items():
                start = time.perf_counter()
                sent = await harness.press(people[name].curator, run_matching)
                result[name]["matching run (untimed)"] = {
                    "seconds": round(time.perf_counter() - start, 2),
                    "messages": len(sent),
                    "first_line": sent[0].text.split("\n", 1)[0][:80] if sent else "",
                }
            for view in views():
                act = {}
                for name, harness in harnesses.items():
                    user = people[name].curator if view.who == "curator" else COORDINATOR
                    if view.text is not None:
                        act[name] = sender(harness, user, view.text)
                    else:
                        act[name] = presser(harness, user, view.data(lists[name]))
                    sent = await act[name]()
                    assert not _refused(sent), f"{view.key}: nothing shown on the {name} database"
                    result[name][view.key] = {
                        "telegram_id": user,
                        "messages": len(sent),
                        "first_line": sent[0].text.split("\n", 1)[0][:80],
                    }
                samples, first = await _timed_pair(harnesses, act, view_runs, 2)
                for name, values in samples.items():
                    result[name][view.key].update(_timed(values))
                    result[name][view.key]["first_ms"] = round(first[name] * 1000, 1)
                result["full"][view.key]["paired_ratio_median"] = _ratio(samples)
            result["empty"]["lists"] = asdict(lists["empty"])
            result["full"]["lists"] = asdict(lists["full"])
            stats: list[float] = []
            for _ in range(6):
                start = time.perf_counter()
                sent = await harnesses["full"].send(people["full"].curator, "/stats")
                stats.append(time.perf_counter() - start)
                assert any(s.method == "sendPhoto" for s in sent), "no chart was sent"
            result["full"]["/stats (largest school, with the chart)"] = _timed(stats[1:])
            return result["empty"], result["full"]
        finally:
            for harness in harnesses.values():
                await close_application(harness.app)


async def run(
    pairs: int,
    schools: int,
    runs: int,
    view_runs: int,
    *,
    latency: bool = True,
    reports: bool = True,
    commands: bool = True,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "region.sqlite3"
        region = await seed_region(full, pairs=pairs, schools=schools)
        handler_latency: dict[str, Any] = {}
        if latency:
            # First: the people's updates must be the first the full database records (an
            # update id seen before is answered by nobody).
            on_full_db = pick_active_pair(full, region.largest_organization_id)
            empty = Path(tmp) / "empty.sqlite3"
            on_empty_db = await seed_minimal(empty, on_full_db, full)
            gc.collect()  # the seeding's garbage should not be collected while handlers run
            on_empty, on_full = await _handler_latency(
                str(empty),
                str(full),
                runs if commands else 0,
                view_runs,
                {"empty": on_empty_db, "full": on_full_db},
            )
            handler_latency = {
                "handler_latency": {
                    "people": {
                        "empty_database": asdict(on_empty_db),
                        "full_database": asdict(on_full_db),
                    },
                    "empty_database": on_empty,
                    "full_database": on_full,
                    "ratio_full_to_empty": {
                        key: on_full[key]["paired_ratio_median"]
                        for key in _command_keys() if key in on_full
                    },
                    "views_ratio_full_to_empty": {
                        view.key: on_full[view.key]["paired_ratio_median"] for view in views()
                    },
                    "goal_ratio": 1.5,
                }
            }  # fmt: skip
        gc.collect()
        timings: dict[str, Any] = {}
        if reports:
            timings = await _report_timings(region)
            municipal = await _municipal_timings(region)
            # Through the dispatcher again (a bot of its own, update ids of its own): last.
            municipal["schools_command"] = await _schools_command(str(full), first_update=10**6)
            timings.update(municipal)
        size_mb = round(full.stat().st_size / 2**20, 1)
    return {
        "region": {**asdict(region), "path": None, "database_mb": size_mb},
        **timings,
        **handler_latency,
        "machine": _machine(),
    }


def _command_keys() -> list[str]:
    return [f"{command} ({who})" for who, commands in COMMANDS for command in commands]


def _machine() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def _goals_met(result: dict[str, Any]) -> bool:
    latency = result.get("handler_latency")
    reports = "school_largest" not in result or (
        result["school_largest"]["median_ms"] < 1000
        and result["period_report_largest"]["median_ms"] < PERIOD_REPORT_GOAL_MS
        and result["regional_summary"]["seconds"] < 30
        and all(
            table["seconds_median"] < SCHOOL_TABLE_GOAL_SECONDS
            for name, table in result["school_table"].items()
            if name != "goal_seconds"
        )
    )
    ratios = (
        []
        if latency is None
        else [
            *latency["ratio_full_to_empty"].values(),
            *latency["views_ratio_full_to_empty"].values(),
        ]
    )
    return bool(reports and all(r <= 1.5 for r in ratios))


def _print(result: dict[str, Any]) -> None:
    region = result["region"]
    print(
        f"Region: {region['organizations']} schools, {region['pairs']:,} pairs, "
        f"{region['participants']:,} participants, {region['meetings']:,} meetings, "
        f"{region['responses']:,} form responses ({region['database_mb']} MB, "
        f"seeded in {region['seconds']} s)"
    )
    print(f"  the largest school: {region['largest_pairs']} pairs, "
          f"{region['largest_participants']:,} participants")  # fmt: skip
    if "school_largest" in result:
        _print_reports(result)
    latency = result.get("handler_latency")
    if latency is not None:
        _print_latency(latency)


def _print_reports(result: dict[str, Any]) -> None:
    region = result["region"]
    school = result["school_largest"]
    print(f"  indicators of the largest school ({region['largest_pairs']} pairs, "
          f"{region['largest_participants']:,} participants): "
          f"median {school['median_ms']} ms (goal < 1000 ms)")  # fmt: skip
    print(f"  indicators of a typical school: median {result['school_typical']['median_ms']} ms")
    print(f"  monitoring report of the largest school: "
          f"median {result['monitoring_largest']['median_ms']} ms")  # fmt: skip
    print(f"  regional summary: {result['regional_summary']['seconds']} s (goal < 30 s)")
    period = result["period_report_largest"]
    print(f"  period report of the largest school ({period['period']}): "
          f"median {period['median_ms']} ms (goal < {PERIOD_REPORT_GOAL_MS} ms)")  # fmt: skip
    for name, table in result["school_table"].items():
        if name != "goal_seconds":
            print(f"  per-school table of {table['organizations']} schools ({name}): "
                  f"median {table['seconds_median']} s, CPU {table['cpu_seconds_median']} s "
                  f"(goal < {SCHOOL_TABLE_GOAL_SECONDS} s); "
                  f"marks {table['marks']}")  # fmt: skip
    command = result["schools_command"]
    print(f"  /schools by an administrator through the dispatcher (page and chart): "
          f"median {command['median_ms']} ms "
          f"(first call {command['first_call_ms']} ms)")  # fmt: skip
    book = result["region_workbook"]
    print(f"  the coordinator's workbook of every school: {book['seconds']} s, "
          f"{book['megabytes']} MB; peak memory of a fresh process {book['peak_mb_before']} MB "
          f"before, {book['peak_mb_after']} MB after")  # fmt: skip


def _print_latency(latency: dict[str, Any]) -> None:
    people = latency["people"]["full_database"]
    print(
        f"  handler latency, real people of the largest school (pair {people['pair_id']}: "
        f"{people['pair_meetings']} meetings, mentor with {people['mentor_pairs_all']} pairs, "
        f"{people['active_pairs_of_organization']} active pairs in the school) against a "
        f"one-school database; paired ratio, goal <= {latency['goal_ratio']}:"
    )
    lists = latency["full_database"]["lists"]
    for title, ratios in (
        ("command (who)", latency["ratio_full_to_empty"]),
        (f"curator's/coordinator's view ({lists['candidates']} candidates)",
         latency["views_ratio_full_to_empty"]),
    ):  # fmt: skip
        if not ratios:
            continue
        print(f"    {title:<46} {'empty ms':>9} {'full ms':>9} {'ratio':>7}")
        for key, ratio in ratios.items():
            mark = "" if ratio <= latency["goal_ratio"] else "  over the goal"
            print(
                f"    {key:<46} {latency['empty_database'][key]['median_ms']:>9} "
                f"{latency['full_database'][key]['median_ms']:>9} {ratio:>6}x{mark}"
            )
    stats = latency["full_database"].get("/stats (largest school, with the chart)")
    if stats:
        print(f"  /stats of the largest school through the dispatcher: {stats['median_ms']} ms")


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.region",
        description=(
            "Seed a synthetic region (300 schools, 35,000 pairs, about 100,000 participants, a "
            "school year of meetings, feedback, monitoring and polls) and measure the reports: "
            "one school's indicators "
            "(goal < 1 s), a school year's report of the largest school (goal < 1 s), the "
            "regional summary (goal < 30 s), the per-school table of every school (goal < 5 s), "
            "/schools, the coordinator's workbook, and handler latency against a one-school "
            "database (goal <= 1.5x): participants' commands and every curator's and "
            "coordinator's view of the largest school. Exits 1 when a goal is missed."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="a small region (3,500 pairs, 40 schools); the results are not written",
    )  # fmt: skip
    parser.add_argument(
        "--reports-only", action="store_true",
        help="skip the handler latency (minutes); the results are not written",
    )  # fmt: skip
    parser.add_argument(
        "--views-only", action="store_true",
        help="only the curator's and the coordinator's views against a one-school database "
        "(no reports, no participants' commands); the results are not written",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = _arguments(argv)
    quick = arguments.quick
    result = asyncio.run(
        run(
            pairs=3_500 if quick else 35_000,
            schools=40 if quick else 300,
            runs=210,
            view_runs=15 if quick else 30,
            latency=not arguments.reports_only,
            reports=not arguments.views_only,
            commands=not arguments.views_only,
        )
    )
    _print(result)
    if not quick and not arguments.reports_only and not arguments.views_only:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0 if _goals_met(result) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
