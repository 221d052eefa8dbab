"""Count the statements a piece of work runs on the bot's SQLite connection.

    async with count_statements(db) as counted:
        await feed(update)
    assert counted.statements <= 8, counted.report()

SQLite's trace callback sees every statement the connection runs, ``BEGIN`` and ``COMMIT``
included (each statement of a script too), so the count is what the database really did,
not what the code meant to do. Used by the query-budget tests and the throughput benchmark.
Only one trace callback can be installed on a connection at a time; the previous one is not
restored (there is none in the bot itself).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from storage.database import Database


@dataclass
class CountedStatements:
    """The statements seen so far, in the order they ran.

    A statement that fires triggers is reported by Python's trace callback once more for each
    trigger program it enters, with the same text (the answers' consent triggers, say). Those
    repeats are one statement: an exact repeat of the text just traced counts once here (and
    shows in :attr:`trigger_runs`); every trace line is kept in :attr:`raw`.
    """

    texts: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    trigger_runs: int = 0

    @property
    def statements(self) -> int:
        return len(self.texts)

    @property
    def commits(self) -> int:
        return sum(1 for text in self.texts if _verb(text) in {"COMMIT", "END"})

    @property
    def begins(self) -> int:
        return sum(1 for text in self.texts if _verb(text) == "BEGIN")

    def report(self) -> str:
        """The statements, numbered, one a line: for an assertion's failure message."""
        lines = [f"{self.statements} statements, {self.commits} commits:"]
        lines += [
            f"{number:3}. {' '.join(text.split())}" for number, text in enumerate(self.texts, 1)
        ]
        return "\n".join(lines)

    def add(self, text: str) -> None:
        if self.raw and self.raw[-1] == text and _verb(text) in _WRITES:
            self.trigger_runs += 1
        else:
            self.texts.append(text)
        self.raw.append(text)


# Statements that can fire a trigger (and so be traced again).
_WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"}


def _verb(text: str) -> str:
    words = text.split(None, 1)
    return words[0].upper().rstrip(";") if words else ""


@asynccontextmanager
async def count_statements(db: Database) -> AsyncIterator[CountedStatements]:
    """Count every statement ``db``'s connections run inside the block: the writer's and the
    read-only connections' (long reports read there).

    The callback runs in aiosqlite's worker threads; appending to a list is safe there, and
    each connection's statements run one at a time on its thread, so the order is theirs.
    """
    counted = CountedStatements()
    await db.set_trace_callback(counted.add)
    try:
        yield counted
    finally:
        await db.set_trace_callback(None)
