"""Long reads through the real bot: a report being counted on a read-only connection stops
nobody else, and its figures come from one snapshot of the database."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from storage.database import Database
from tests.inprocess import Harness, Sent
from tests.test_indicators import CURATOR_A, build

NEWCOMER = 4242


class Gate:
    """A trace callback for read-only connections: on their own thread, it holds the
    ``nth`` SELECT of a snapshot (counted from its BEGIN) until the test opens it."""

    def __init__(self, nth: int = 1) -> None:
        self._loop = asyncio.get_running_loop()
        self._nth = nth
        self._seen: dict[int, int] = {}
        self.reached = asyncio.Event()
        self.opened = threading.Event()

    def __call__(self, sql: str) -> None:
        me = threading.get_ident()
        if sql.startswith("BEGIN"):
            self._seen[me] = 0
            return
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            return
        self._seen[me] = self._seen.get(me, 0) + 1
        if self._seen[me] == self._nth and not self.opened.is_set():
            self._loop.call_soon_threadsafe(self.reached.set)
            self.opened.wait(timeout=60)


async def trace_every_reader(db: Database, callback: Callable[[str], None]) -> None:
    """Open every read-only connection of the pool and trace it with ``callback``."""
    inside = 0
    all_open = asyncio.Event()

    async def hold() -> None:
        nonlocal inside
        async with db.reading() as reader:
            await reader.connection.set_trace_callback(callback)
            inside += 1
            if inside == db.readers:
                all_open.set()
            await all_open.wait()

    await asyncio.gather(*(hold() for _ in range(db.readers)))
    assert db.readers_open == db.readers


def texts(sent: list[Sent], chat_id: int) -> str:
    return "\n".join(s.text for s in sent if s.chat_id == chat_id and s.method == "sendMessage")


async def test_a_start_is_answered_while_the_stats_are_being_read(harness: Harness) -> None:
    await build(harness.app.db)
    gate = Gate()
    await trace_every_reader(harness.app.db, gate)

    stats = asyncio.create_task(harness.send(CURATOR_A, "/stats", language_code="en"))
    await asyncio.wait_for(gate.reached.wait(), 30)
    # The curator's figures are being read (held on a read-only connection): a newcomer's
    # /start goes through the writer and is answered meanwhile.
    started = await asyncio.wait_for(harness.send(NEWCOMER, "/start", language_code="en"), 30)
    assert texts(started, NEWCOMER)
    assert not stats.done()

    gate.opened.set()
    sent = await asyncio.wait_for(stats, 60)
    assert "All forms: invited 12, consented 10" in texts(sent, CURATOR_A)


async def test_the_figures_of_a_report_come_from_one_snapshot(harness: Harness) -> None:
    scenario, ids = await build(harness.app.db)
    db = harness.app.db
    indicators = harness.app.services.indicators
    before = await indicators.for_organization(ids["a"])
    pair = await db.fetch_value(
        "SELECT id FROM pairs WHERE organization_id = ? AND cycle_id = ? ORDER BY id",
        (ids["a"], ids["cur"]),
    )

    # Hold the report at its second statement: the first (the stages) has fixed the snapshot;
    # the meetings are read after it.
    gate = Gate(nth=2)
    await trace_every_reader(db, gate)
    counting = asyncio.create_task(indicators.for_organization(ids["a"]))
    await asyncio.wait_for(gate.reached.wait(), 30)
    # Meanwhile a mentor enters the open cycle and a meeting is held (the writer does not
    # wait for the reader).
    await asyncio.wait_for(scenario.person("m9", ids["a"], ids["cur"], "mentor"), 30)
    await asyncio.wait_for(scenario.meeting(pair, "held", "2026-02-15T10:00:00+00:00", "m1"), 30)
    gate.opened.set()
    during = await asyncio.wait_for(counting, 30)

    after = await indicators.for_organization(ids["a"])
    assert after.stages[None].invited == before.stages[None].invited + 1
    assert after.meetings_held == before.meetings_held + 1
    # Counted across the writes, the report is still the database of one moment.
    assert during == before
