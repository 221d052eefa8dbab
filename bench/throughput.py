"""How many updates a second the whole bot handles, against two references, in one run.

``python -m bench.throughput [--quick]`` (``--help`` says more) feeds updates concurrently
(many people at once: ``CONCURRENCY`` feed_update tasks) to four set-ups, in turns (A B C C'
A B C C' ...), so that whatever else the machine does slows all of them alike:

* A: a bare aiogram Dispatcher with one handler that answers;
* B: the same with one aiosqlite SELECT + INSERT + COMMIT per update (WAL, synchronous=FULL,
  one connection behind an asyncio lock, like the bot's writer);
* C: the whole bot as the in-process tests build it (their recording session without its
  check of the HTML, no network), on a
  one-school database, and C' on a region of about 100,000 participants
  (:func:`bench.region.seed_region`).

The mix: 40 % /start and 40 % /help by participants of the database, 10 % answers to the
questionnaire by people in the middle of it (they joined through an invitation link and are
asked their full name), 10 % a curator's panel button (every section in turn, by curators of
the largest school). Reported per set-up: updates a second, p50/p99/max latency, the longest
pause of the garbage collector. Goals: C at least 0.6 x B in updates a second, C's p99 at most
3 x B's, C's max under 50 ms, on both databases.

Also measured:

* statements per update kind (the whole bot, one update at a time, counted with the writer
  connection's trace callback), against the budgets: /start and /help at most 2, an answer at
  most 8 with one commit, a panel button at most 6;
* "no waiting behind reports": /start's p99 on the region while a regional summary of every
  school and the workbook of the largest school are made, against its p99 without them
  (goal: at most 3 x); the workbook is made by the export worker's process, as the running bot
  makes it (``--reports-only`` measures this alone);
* pauses: the one-school mix with the start-up objects frozen (:func:`bot.app.
  freeze_startup_objects`, as ``bot run`` does) and without, in turns: the max latency and
  the longest full collection of each.

The results go to ``bench/results/throughput.json`` (not with ``--quick``). Exits 1 when a goal
is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
from aiogram import Bot, Dispatcher
from aiogram.types import CallbackQuery, Message, Update

RESULTS = Path(__file__).resolve().parent / "results" / "throughput.json"
CONCURRENCY = 8
# The region of bench/region.py: 35,000 pairs in 300 schools and the people in no pair yet,
# about 100,000 participants.
REGION_PAIRS = 35_000
REGION_SCHOOLS = 300
GOAL_THROUGHPUT_SHARE = 0.6
GOAL_P99_RATIO = 3.0
GOAL_MAX_MS = 50.0
GOAL_REPORTS_P99_RATIO = 3.0
SLOWEST_KEPT = 5  # the slowest updates of each set-up, listed with what they were
# Statements (and commits) an update of each kind may run.
BUDGETS: dict[str, tuple[int, int | None]] = {
    "/start": (2, None),
    "/help": (2, None),
    "answer": (8, 1),
    "panel": (6, None),
}
MIX = (("/start", 40), ("/help", 40), ("answer", 10), ("panel", 10))
PANEL_CURATORS = 8  # extra curators of the largest school: presses by one person queue
PANEL_CURATOR_BASE = 20_000_000
ANSWER_PEOPLE_BASE = 800_000_000
FULL_NAME = "Иванова Мария Петровна"
BOT_TOKEN = "123456789:TEST-inprocess-token_abcdefghijklmnop"

Feed = Callable[[Update], Awaitable[None]]


def _session() -> Any:
    """The in-process tests' recording session without its check of the HTML (a parse of
    every message sent: the tests' oracle, not work the bot does; a sixth of the whole bot's
    time in a profile)."""
    from tests.inprocess import RecordingSession

    class Session(RecordingSession):
        def _plain(self, bot: Bot, text: str, parse_mode: Any) -> str:
            return text

    return Session()


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Аня", "language_code": "ru"}


class Updates:
    """Telegram updates as the bot gets them; one id sequence for every bot of the run."""

    def __init__(self, bot: Bot, first_id: int = 10_000_000) -> None:
        self.bot = bot
        self.ids = itertools.count(first_id)
        self._messages = itertools.count(1)

    def message(self, user_id: int, text: str) -> Update:
        message: dict[str, Any] = {
            "message_id": next(self._messages),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": user_id, "type": "private"},
            "from": _user(user_id),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._update({"message": message})

    def press(self, user_id: int, data: str) -> Update:
        query = {
            "id": str(next(self._messages)),
            "from": _user(user_id),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": 123456789, "is_bot": True, "first_name": "Mentor bot"},
                "text": "…",
            },
        }
        return self._update({"callback_query": query})

    def _update(self, body: dict[str, Any]) -> Update:
        body["update_id"] = next(self.ids)
        return Update.model_validate(body, context={"bot": self.bot})


def mix(count: int, rng: random.Random) -> list[str]:
    kinds = [kind for kind, share in MIX for _ in range(round(count * share / 100))]
    rng.shuffle(kinds)
    return kinds


# -- the set-ups --------------------------------------------------------------------------
class SetUp(ABC):
    """Something that takes updates: makes the next update of a kind, and feeds it."""

    name: str

    @abstractmethod
    def update(self, kind: str) -> Update: ...

    @abstractmethod
    async def feed(self, update: Update) -> None: ...

    def forget(self) -> None:  # noqa: B027 - a set-up without a session keeps nothing
        """Drop what the recording session kept (memory stays flat over the rounds)."""

    async def close(self) -> None:
        return None


class Bare(SetUp):
    """A: aiogram with one answering handler; B (``db``): plus one SELECT + INSERT + COMMIT."""

    def __init__(self, name: str, db: aiosqlite.Connection | None = None) -> None:
        self.name = name
        self.session = _session()
        self.bot = Bot(BOT_TOKEN, session=self.session)
        self.updates = Updates(self.bot)
        self.dispatcher = Dispatcher()
        self.db = db
        self._lock = asyncio.Lock()
        self._users = itertools.cycle(range(100_000_001, 100_002_001))

        async def on_message(message: Message) -> None:
            await self._query(message.chat.id)
            await message.answer("Готово")

        async def on_press(query: CallbackQuery) -> None:
            await self._query(query.from_user.id)
            await query.answer()

        self.dispatcher.message.register(on_message)
        self.dispatcher.callback_query.register(on_press)

    async def _query(self, user_id: int) -> None:
        if self.db is None:
            return
        async with self._lock:
            async with self.db.execute(
                "SELECT count(*) FROM seen WHERE user_id = ?", (user_id,)
            ) as cursor:
                await cursor.fetchone()
            await self.db.execute(
                "INSERT INTO seen (user_id, at) VALUES (?, ?)", (user_id, time.time())
            )
            await self.db.commit()

    def update(self, kind: str) -> Update:
        user = next(self._users)
        if kind == "panel":
            return self.updates.press(user, "ws1:pairs")
        return self.updates.message(user, FULL_NAME if kind == "answer" else kind)

    async def feed(self, update: Update) -> None:
        await self.dispatcher.feed_update(self.bot, update)

    def forget(self) -> None:
        self.session.calls.clear()
        self.session.sent.clear()

    async def close(self) -> None:
        if self.db is not None:
            await self.db.close()


async def one_query_reference(path: Path) -> Bare:
    db = await aiosqlite.connect(path)
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = FULL")
    await db.execute("CREATE TABLE seen (id INTEGER PRIMARY KEY, user_id INTEGER, at REAL)")
    await db.execute("CREATE INDEX seen_user ON seen (user_id)")
    await db.commit()
    return Bare("B: aiogram + SELECT/INSERT/COMMIT", db)


class WholeBot(SetUp):
    """C: the bot as ``build_application`` builds it, with a recording session."""

    def __init__(
        self, name: str, app: Any, clock: Any, people: list[int], curators: list[int]
    ) -> None:
        from bot.app import Application
        from handlers.workspace_views import Section, SectionName
        from tests.inprocess import Harness, RecordingSession

        assert isinstance(app, Application)
        self.name = name
        self.app = app
        session = app.bot.session
        assert isinstance(session, RecordingSession)
        self.session = session
        self.updates = Updates(app.bot)
        self.harness = Harness(app, session, clock)
        self.harness._update_ids = self.updates.ids  # one sequence: no update is seen twice
        self.people = people
        self._people = itertools.cycle(people)
        self._curators = itertools.cycle(curators)
        self.curators = curators
        self._sections = itertools.cycle([Section(name=name).pack() for name in SectionName])
        self.sections = len(SectionName)
        self.answering: list[int] = []  # people asked their full name, each answers once
        self._next_person = itertools.count(ANSWER_PEOPLE_BASE + 1)
        self._link: str | None = None

    async def prepare_answering(self, count: int) -> None:
        """``count`` people who opened a mentors' link, said they are adults, agreed, and are
        asked the first question of the questionnaire (their full name)."""
        from bot.invitations import InvitationRole
        from handlers.join_views import AgeAnswer, ConsentAnswer

        services = self.app.services
        if self._link is None:
            link = await services.invitations.create(1, InvitationRole.MENTOR, self.curators[0])
            self._link = link.token
        for _ in range(count):
            user = next(self._next_person)
            await self.harness.send(user, f"/start {self._link}")
            await self.harness.press(user, AgeAnswer(adult=True).pack())
            found = await services.participants.find(1, user, "mentor")
            assert found is not None, "the person did not join"
            await self.harness.press(
                user, ConsentAnswer(participant_id=found.id, agree=True).pack()
            )
            step = await services.questionnaires.step(found.id)
            assert step.question is not None and step.question.key == "full_name", step
            self.answering.append(user)

    async def resume_half_way(self, path: Path) -> int:
        """Those of the /start and /help people who have not finished joining (asked for a
        consent, or half-way through the questionnaire) were shown that step by the bot, which
        stored the dialogue then: each sends /start once before anything is measured (the
        database is seeded without the bot's dialogue records). Returns how many."""
        conn = sqlite3.connect(path)
        try:
            half_way = {
                row[0]
                for row in conn.execute(
                    "SELECT telegram_id FROM participants WHERE confirmed_at IS NULL"
                )
            }
        finally:
            conn.close()
        resumed = [person for person in self.people if person in half_way]
        for person in resumed:
            await self.harness.send(person, "/start")
        self.forget()
        return len(resumed)

    def update(self, kind: str) -> Update:
        if kind == "answer":
            return self.updates.message(self.answering.pop(0), FULL_NAME)
        if kind == "panel":
            return self.updates.press(next(self._curators), next(self._sections))
        return self.updates.message(next(self._people), kind)

    async def feed(self, update: Update) -> None:
        await self.app.dispatcher.feed_update(self.app.bot, update)

    def forget(self) -> None:
        self.session.calls.clear()
        self.session.sent.clear()
        self.session._shown.clear()

    async def close(self) -> None:
        from bot.app import close_application

        await close_application(self.app)


def _people(path: Path) -> tuple[list[int], list[int]]:
    """Curators of the largest school (organization 1) who press the panel's buttons (added
    here), and participants of the database who send /start and /help."""
    curators = [PANEL_CURATOR_BASE + n for n in range(1, PANEL_CURATORS + 1)]
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.executemany(
                "INSERT INTO curators (telegram_id, organization_id, added_at) "
                "VALUES (?, 1, '2025-09-01T00:00:00+00:00')",
                [(curator,) for curator in curators],
            )
        people = [row[0] for row in conn.execute("SELECT telegram_id FROM participants")]
    finally:
        conn.close()
    random.Random(3).shuffle(people)
    return curators, people[:5000]


async def whole_bot(name: str, path: Path, workdir: Path) -> WholeBot:
    from bench.region import NOW
    from bot.app import build_application
    from tests.clock import ManualClock
    from tests.inprocess import TOKEN, make_settings

    curators, people = _people(path)
    session, clock = _session(), ManualClock(NOW)
    app = await build_application(
        # The export worker's process, as the running bot makes workbooks.
        make_settings(workdir, database_path=path, export_in_process=False),
        TOKEN,
        session=session,
        clock=clock,
    )
    return WholeBot(name, app, clock, people, curators)


# -- measuring ----------------------------------------------------------------------------
class Pauses:
    """The garbage collector's pauses, by generation (a ``gc.callbacks`` entry)."""

    def __init__(self) -> None:
        self.longest = [0.0, 0.0, 0.0]
        self.count = [0, 0, 0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        generation = info["generation"]
        self.count[generation] += 1
        self.longest[generation] = max(
            self.longest[generation], time.perf_counter() - self._started
        )

    def __enter__(self) -> Pauses:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    rates: list[float] = field(default_factory=list)
    updates: int = 0
    seconds: float = 0.0
    gc_longest: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    gc_count: list[int] = field(default_factory=lambda: [0, 0, 0])
    # The slowest updates: (seconds, kind, what it was), longest first, at most SLOWEST_KEPT.
    slowest: list[tuple[float, str, str]] = field(default_factory=list)

    def note(self, spent: float, kind: str, update: Update) -> None:
        self.latencies.append(spent)
        self.by_kind.setdefault(kind, []).append(spent)
        if len(self.slowest) < SLOWEST_KEPT or spent > self.slowest[-1][0]:
            self.slowest.append((spent, kind, _described(update)))
            self.slowest.sort(key=lambda item: -item[0])
            del self.slowest[SLOWEST_KEPT:]

    def add(self, other: Samples) -> None:
        self.latencies += other.latencies
        self.slowest = sorted(self.slowest + other.slowest, key=lambda item: -item[0])
        del self.slowest[SLOWEST_KEPT:]
        for kind, values in other.by_kind.items():
            self.by_kind.setdefault(kind, []).extend(values)
        self.rates += other.rates
        self.updates += other.updates
        self.seconds += other.seconds
        self.gc_longest = [
            max(a, b) for a, b in zip(self.gc_longest, other.gc_longest, strict=True)
        ]
        self.gc_count = [a + b for a, b in zip(self.gc_count, other.gc_count, strict=True)]


def _described(update: Update) -> str:
    """What an update was, for the list of the slowest: who, and the text or the button."""
    if update.message is not None:
        user = update.message.from_user.id if update.message.from_user else None
        return f"update {update.update_id}: message {update.message.text!r} from {user}"
    if update.callback_query is not None:
        query = update.callback_query
        return f"update {update.update_id}: press {query.data!r} by {query.from_user.id}"
    return f"update {update.update_id}: {update.event_type}"


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ms(value: float) -> float:
    return round(value * 1000, 2)


def _latency(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": _ms(_quantile(values, 0.5)),
        "p99_ms": _ms(_quantile(values, 0.99)),
        "max_ms": _ms(max(values)),
        "updates": len(values),
    }


async def drive(setup: SetUp, kinds: list[str], concurrency: int = CONCURRENCY) -> Samples:
    """Feed updates of these kinds by ``concurrency`` tasks at once; each update's latency is
    from the moment a task hands it to the dispatcher to the moment the dispatcher is done."""
    pending: Iterator[str] = iter(kinds)
    samples = Samples()

    async def worker() -> None:
        for kind in pending:  # shared: each update is taken once
            # Made as it comes (as polling parses it), outside the timing: the benchmark must
            # not keep thousands of updates alive for the collector to walk.
            update = setup.update(kind)
            start = time.perf_counter()
            await setup.feed(update)
            samples.note(time.perf_counter() - start, kind, update)

    with Pauses() as pauses:
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        samples.seconds = time.perf_counter() - started
    samples.updates = len(kinds)
    samples.rates.append(len(kinds) / samples.seconds)
    samples.gc_longest, samples.gc_count = pauses.longest, pauses.count
    setup.forget()
    return samples


def _summary(samples: Samples) -> dict[str, Any]:
    return {
        "updates_per_second": round(statistics.median(samples.rates), 1),
        "updates_per_second_by_round": [round(r, 1) for r in samples.rates],
        **_latency(samples.latencies),
        "by_kind": {kind: _latency(values) for kind, values in sorted(samples.by_kind.items())},
        "gc_longest_pause_ms": [_ms(p) for p in samples.gc_longest],
        "gc_collections": samples.gc_count,
        "slowest": [
            {"ms": _ms(spent), "kind": kind, "update": what}
            for spent, kind, what in samples.slowest
        ],
    }


async def statements_per_kind(bot: WholeBot) -> dict[str, Any]:
    """Statements and commits of one update of each kind, one update at a time, on the writer
    connection (:func:`storage.statement_count.count_statements`); each update must get an
    answer."""
    from storage.statement_count import count_statements

    result: dict[str, Any] = {}
    for kind in ("/start", "/help", "answer", "panel"):
        counts: list[int] = []
        commits: list[int] = []
        examples = bot.sections if kind == "panel" else 3
        for _ in range(examples):
            update = bot.update(kind)
            before = len(bot.session.calls)
            async with count_statements(bot.app.db) as counted:
                await bot.feed(update)
            assert len(bot.session.calls) > before, f"{kind}: no answer"
            counts.append(counted.statements)
            commits.append(counted.commits)
        budget, commit_budget = BUDGETS[kind]
        result[kind] = {
            "statements_max": max(counts),
            "statements_median": statistics.median(counts),
            "commits_max": max(commits),
            "budget": budget,
            "commit_budget": commit_budget,
            "within_budget": max(counts) <= budget
            and (commit_budget is None or max(commits) <= commit_budget),
        }
    bot.forget()
    return result


async def reports_load(bot: WholeBot, organizations: int, rounds: int) -> dict[str, Any]:
    """/start's latency on the region while the regional summary and the workbook of the
    largest school are made, and without them, in turns; /start by two people at a time."""
    services = bot.app.services
    idle = Samples()
    loaded = Samples()
    report_seconds: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        reports = asyncio.gather(
            services.indicators.for_organizations(range(1, organizations + 1)),
            services.exports.workbook(1, "ru"),
        )
        during = Samples()
        while not reports.done():
            during.add(await drive(bot, ["/start"] * 20, concurrency=2))
        await reports
        report_seconds.append(time.perf_counter() - started)
        loaded.add(during)
        # As many /start updates again, with nothing else running.
        idle.add(await drive(bot, ["/start"] * max(20, during.updates), concurrency=2))
    return {
        "idle": _latency(idle.latencies),
        "during_reports": _latency(loaded.latencies),
        "reports_seconds": [round(s, 2) for s in report_seconds],
        "p99_ratio": round(_quantile(loaded.latencies, 0.99) / _quantile(idle.latencies, 0.99), 2),
        "goal_ratio": GOAL_REPORTS_P99_RATIO,
    }


async def pauses_with_and_without_freezing(
    bot: WholeBot, rounds: int, per_round: int
) -> dict[str, Any]:
    """The one-school mix with the start-up objects frozen and not, in turns."""
    from bot.app import freeze_startup_objects

    rng = random.Random(11)
    threshold = gc.get_threshold()
    modes: dict[str, Samples] = {"not frozen": Samples(), "frozen": Samples()}
    # A full collection stops the loop for as long as it takes: timed directly in each mode
    # (when Python runs one depends on how much survived, rarely within a short run).
    full: dict[str, list[float]] = {"not frozen": [], "frozen": []}

    def collect(mode: str) -> None:
        started = time.perf_counter()
        gc.collect()
        full[mode].append(time.perf_counter() - started)

    try:
        for _ in range(rounds):
            gc.unfreeze()
            gc.set_threshold(700, 10, 10)  # Python's defaults
            modes["not frozen"].add(await drive(bot, mix(per_round, rng)))
            collect("not frozen")
            freeze_startup_objects()
            modes["frozen"].add(await drive(bot, mix(per_round, rng)))
            collect("frozen")
    finally:
        freeze_startup_objects()
        gc.set_threshold(*threshold)
    return {
        mode: {
            **_latency(samples.latencies),
            "updates_per_second": round(statistics.median(samples.rates), 1),
            "gc_longest_pause_ms": [_ms(p) for p in samples.gc_longest],
            "gc_collections": samples.gc_count,
            "full_collection_ms": _ms(statistics.median(full[mode])),
        }
        for mode, samples in modes.items()
    }


async def reports_only(*, quick: bool) -> dict[str, Any]:
    """Only "no waiting behind reports", on the region (``--reports-only``)."""
    from bench.region import seed_region

    region_pairs, region_schools = (3_500, 40) if quick else (REGION_PAIRS, REGION_SCHOOLS)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        region = await seed_region(
            root / "region.sqlite3", pairs=region_pairs, schools=region_schools
        )
        (root / "c").mkdir()
        bot = await whole_bot("C: whole bot, region", Path(region.path), root / "c")
        try:
            await drive(bot, ["/start", "/help"] * 5, concurrency=1)  # first calls import
            return await reports_load(bot, region.organizations, 1 if quick else 2)
        finally:
            await bot.close()


def _print_reports(reports: dict[str, Any]) -> None:
    print(
        f"/start on the region while the regional summary and the largest school's workbook "
        f"are made ({reports['reports_seconds']} s): p99 {reports['during_reports']['p99_ms']} "
        f"ms against {reports['idle']['p99_ms']} ms idle = {reports['p99_ratio']} x "
        f"(goal <= {reports['goal_ratio']})"
    )


async def run(*, quick: bool) -> dict[str, Any]:
    from bench.region import seed_region
    from bot.app import freeze_startup_objects

    rounds = 2 if quick else 5
    per_round = 300 if quick else 1000
    answers_per_round = per_round * dict(MIX)["answer"] // 100
    region_pairs, region_schools = (3_500, 40) if quick else (REGION_PAIRS, REGION_SCHOOLS)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        region = await seed_region(
            root / "region.sqlite3", pairs=region_pairs, schools=region_schools
        )
        school = await seed_region(root / "school.sqlite3", pairs=10, schools=1)
        print(
            f"Seeded: a region of {region.participants:,} participants in "
            f"{region.organizations} schools, and one school of {school.participants} "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        (root / "c1").mkdir()
        (root / "c2").mkdir()
        bare = Bare("A: bare aiogram")
        reference = await one_query_reference(root / "reference.sqlite3")
        on_school = await whole_bot("C: whole bot, one school", Path(school.path), root / "c1")
        on_region = await whole_bot("C: whole bot, region", Path(region.path), root / "c2")
        setups: list[SetUp] = [bare, reference, on_school, on_region]
        try:
            # People asked their full name: one per answer, for every round and the counting.
            # (warm-up 1, counting 3, the rounds and, on the one school, the pauses' rounds)
            for bot, rounds_of_answers in ((on_school, 3 * rounds + 1), (on_region, rounds + 1)):
                await bot.prepare_answering(answers_per_round * rounds_of_answers + 4)
            await on_school.resume_half_way(Path(school.path))
            await on_region.resume_half_way(Path(region.path))
            # Once each kind and every panel section before anything is timed (first calls
            # import what they need), then the start-up objects are frozen, as `bot run` does.
            for setup in setups:
                await drive(setup, ["/start", "/help", "answer"] + ["panel"] * 12, concurrency=1)
            statements = {
                "one_school": await statements_per_kind(on_school),
                "region": await statements_per_kind(on_region),
            }
            gc.collect()
            freeze_startup_objects()
            rng = random.Random(5)
            totals = {setup.name: Samples() for setup in setups}
            for number in range(rounds + 1):
                kinds = mix(per_round, rng)
                for setup in setups:
                    samples = await drive(setup, kinds)
                    if number:  # the first round warms up
                        totals[setup.name].add(samples)
                print(f"  round {number + 1} of {rounds + 1} done", flush=True)
            throughput = {name: _summary(samples) for name, samples in totals.items()}
            reports = await reports_load(on_region, region.organizations, 1 if quick else 2)
            pauses = await pauses_with_and_without_freezing(on_school, rounds, per_round)
        finally:
            for setup in setups:
                await setup.close()
    return {
        "settings": {
            "concurrency": CONCURRENCY,
            "rounds": rounds,
            "updates_per_round": per_round,
            "mix_percent": dict(MIX),
        },
        "databases": {
            "one_school": {"participants": school.participants, "pairs": school.pairs},
            "region": {
                "participants": region.participants,
                "pairs": region.pairs,
                "schools": region.organizations,
            },
        },
        "throughput": throughput,
        "goals": _goals(throughput, bare.name, reference.name, [on_school.name, on_region.name]),
        "statements": statements,
        "reports": reports,
        "pauses": pauses,
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
        },
    }


def _goals(
    throughput: dict[str, Any], bare: str, reference: str, bots: list[str]
) -> dict[str, Any]:
    ref = throughput[reference]
    goals: dict[str, Any] = {}
    for name in bots:
        bot = throughput[name]
        share = bot["updates_per_second"] / ref["updates_per_second"]
        ratio = bot["p99_ms"] / ref["p99_ms"]
        goals[name] = {
            "share_of_reference_rate": round(share, 2),
            "p99_ratio_to_reference": round(ratio, 2),
            "max_ms": bot["max_ms"],
            "met": share >= GOAL_THROUGHPUT_SHARE
            and ratio <= GOAL_P99_RATIO
            and bot["max_ms"] < GOAL_MAX_MS,
        }
    return goals


def _goals_met(result: dict[str, Any]) -> bool:
    return (
        all(goal["met"] for goal in result["goals"].values())
        and all(
            kind["within_budget"]
            for database in result["statements"].values()
            for kind in database.values()
        )
        and result["reports"]["p99_ratio"] <= GOAL_REPORTS_P99_RATIO
    )


def _print(result: dict[str, Any]) -> None:
    settings = result["settings"]
    databases = result["databases"]
    print(
        f"Throughput: {settings['rounds']} rounds of {settings['updates_per_round']} updates, "
        f"{settings['concurrency']} at once; mix {settings['mix_percent']}; "
        f"region {databases['region']['participants']:,} participants"
    )
    print(f"  {'set-up':<34} {'upd/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'gc2 ms':>8}")
    for name, row in result["throughput"].items():
        print(
            f"  {name:<34} {row['updates_per_second']:>7} {row['p50_ms']:>8} "
            f"{row['p99_ms']:>8} {row['max_ms']:>8} {row['gc_longest_pause_ms'][2]:>8}"
        )
    for name, goal in result["goals"].items():
        mark = "met" if goal["met"] else "MISSED"
        print(
            f"  {name}: {goal['share_of_reference_rate']} x B's rate (goal >= "
            f"{GOAL_THROUGHPUT_SHARE}), p99 {goal['p99_ratio_to_reference']} x B's (goal <= "
            f"{GOAL_P99_RATIO}), max {goal['max_ms']} ms (goal < {GOAL_MAX_MS}): {mark}"
        )
    for name, row in result["throughput"].items():
        if row["by_kind"] and name.startswith("C"):
            kinds = ", ".join(
                f"{kind} p99 {k['p99_ms']} / max {k['max_ms']} ms"
                for kind, k in row["by_kind"].items()
            )
            print(f"  {name} by kind: {kinds}")
            for slow in row["slowest"]:
                print(f"    slowest: {slow['ms']} ms, {slow['kind']}: {slow['update']}")
    print("Statements per update (max of the examples; budget):")
    for database, kinds in result["statements"].items():
        row = ", ".join(
            f"{kind} {k['statements_max']} ({k['commits_max']} commits; <= {k['budget']}"
            + (f", {k['commit_budget']} commit" if k["commit_budget"] is not None else "")
            + (")" if k["within_budget"] else ") OVER")
            for kind, k in kinds.items()
        )
        print(f"  {database}: {row}")
    _print_reports(result["reports"])
    print("Pauses (one-school mix): start-up objects frozen or not")
    for mode, row in result["pauses"].items():
        print(
            f"  {mode:<11} p99 {row['p99_ms']} ms, max {row['max_ms']} ms, "
            f"{row['updates_per_second']} upd/s; longest collection by generation "
            f"{row['gc_longest_pause_ms']} ms, collections {row['gc_collections']}; "
            f"a full collection takes {row['full_collection_ms']} ms"
        )


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.throughput",
        description=(
            "Updates a second and latency of the whole bot (in process, a recording session "
            "instead of Telegram) on a one-school database and on a region of about 100,000 "
            "participants, against a bare aiogram dispatcher and one with one SELECT + INSERT "
            "+ COMMIT per update, measured in turns; statements per update kind; /start "
            "while reports are made; pauses with the start-up objects frozen and not. Takes "
            "a few minutes (seeding the region is one of them). Exits 1 when a goal is missed."
        ),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small region (3,500 pairs), fewer and shorter rounds; the results are not written",
    )
    parser.add_argument(
        "--reports-only",
        action="store_true",
        help="only /start while reports are made (on the region; the results are not written)",
    )
    # bench/__main__.py passes its arguments to every benchmark: leave others' alone.
    arguments = parser.parse_args(argv)
    return arguments


def main(argv: list[str]) -> int:
    arguments = _arguments(argv)
    if arguments.reports_only:
        reports = asyncio.run(reports_only(quick=arguments.quick))
        _print_reports(reports)
        return 0 if reports["p99_ratio"] <= GOAL_REPORTS_P99_RATIO else 1
    result = asyncio.run(run(quick=arguments.quick))
    _print(result)
    if not arguments.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0 if _goals_met(result) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
