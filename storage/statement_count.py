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
    """The statements seen so far, in the order they ran."""

    texts: list[str] = field(default_factory=list)

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

    def _add(self, text: str) -> None:
        self.texts.append(text)


def _verb(text: str) -> str:
    words = text.split(None, 1)
    return words[0].upper().rstrip(";") if words else ""


@asynccontextmanager
async def count_statements(db: Database) -> AsyncIterator[CountedStatements]:
    """Count every statement ``db``'s connection runs inside the block.

    The callback runs in aiosqlite's worker thread; appending to a list is safe there, and
    the connection's statements run one at a time on that thread, so the order is theirs.
    """
    counted = CountedStatements()
    connection = db.connection
    await connection.set_trace_callback(counted._add)
    try:
        yield counted
    finally:
        # sqlite3 takes None to remove the callback; aiosqlite's annotation forgets it.
        await connection.set_trace_callback(None)  # type: ignore[arg-type]
