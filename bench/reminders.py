"""The due-reminder query on a table of a million rows: it must use the partial index.

Seeds a throw-away database with one million reminders (most already sent, a few thousand
pending, spread over a year), prints SQLite's query plan for the claim, and times claiming
batches of due reminders. Results go to ``bench/results/reminders.json``.

``python -m bench.reminders [--quick]`` (``--help`` says more).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import to_db
from storage.database import Database
from storage.migrations import migrate
from storage.repositories.reminders import ReminderRepository

RESULTS = Path(__file__).resolve().parent / "results" / "reminders.json"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

# The inner select of ReminderRepository.claim_due: due, pending, not leased to a live sender.
CLAIM_SELECT = (
    "SELECT id FROM reminders WHERE state = 'pending' AND due_at <= ? "
    "AND (handled_at IS NULL OR handled_at <= ?) ORDER BY due_at LIMIT ?"
)


async def seed(db: Database, rows: int, pending: int) -> None:
    """One organization, pair and meeting carry the rows: the plan depends on the reminders."""
    rng = random.Random(7)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO organizations (name, timezone, created_at) VALUES ('Школа', 'UTC', ?)",
            (to_db(NOW),),
        )
        for telegram_id, role in ((1, "mentor"), (2, "mentee")):
            await tx.execute(
                "INSERT INTO participants (organization_id, telegram_id, role, age_group, "
                "joined_at) VALUES (1, ?, ?, 'adult', ?)",
                (telegram_id, role, to_db(NOW)),
            )
        await tx.execute(
            "INSERT INTO pairs (organization_id, mentor_id, mentee_id, form, started_on, "
            "created_at) VALUES (1, 1, 2, 'student_pupil', '2026-09-01', ?)",
            (to_db(NOW),),
        )
        await tx.execute(
            "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (1, 'regular', 'confirmed', ?, 'online', 'x', 1, ?)",
            (to_db(NOW + timedelta(days=400)), to_db(NOW)),
        )
    batch: list[tuple[object, ...]] = []
    for number in range(rows):
        is_pending = number < pending
        due = NOW + timedelta(minutes=rng.randint(-60 * 24 * 180, 60 * 24 * 180))
        if is_pending and number % 2 == 0:
            due = NOW - timedelta(minutes=rng.randint(0, 60))  # half of the pending are due
        batch.append((1, 10_000 + number, 60, to_db(due), "pending" if is_pending else "sent"))
        if len(batch) == 50_000:
            await insert(db, batch)
            batch = []
    if batch:
        await insert(db, batch)
    await db.fetch_all("ANALYZE")


async def insert(db: Database, batch: list[tuple[object, ...]]) -> None:
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO reminders (meeting_id, telegram_id, minutes_before, due_at, state) "
            "VALUES (?, ?, ?, ?, ?)",
            batch,
        )


async def run(rows: int, pending: int, claims: int, batch: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "bench.sqlite3")
        await db.connect()
        await migrate(db)
        started = time.perf_counter()
        await seed(db, rows, pending)
        seeded = time.perf_counter() - started
        plan = [
            str(row["detail"])
            for row in await db.fetch_all(
                "EXPLAIN QUERY PLAN " + CLAIM_SELECT, (to_db(NOW), to_db(NOW), batch)
            )
        ]
        repository = ReminderRepository(db)
        timings = []
        claimed = 0
        for _ in range(claims):
            began = time.perf_counter()
            claimed += len(await repository.claim_due(NOW, NOW + timedelta(seconds=30), batch))
            timings.append((time.perf_counter() - began) * 1000)
        await db.close()
    return {
        "rows": rows,
        "pending": pending,
        "batch": batch,
        "query_plan": plan,
        "uses_partial_index": any("reminders_due" in line for line in plan),
        "claim_ms_median": round(statistics.median(timings), 2),
        "claim_ms_max": round(max(timings), 2),
        "claimed": claimed,
        "seed_seconds": round(seeded, 1),
    }


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reminders",
        description=(
            "Seed a throw-away database with a million reminders (20,000 pending), print "
            "SQLite's plan for claiming the due ones and time claims of 200. Exits 1 when the "
            "claim does not use the partial index. Results in bench/results/reminders.json."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="100,000 reminders instead of a million; the results are not written",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    quick = _arguments(argv).quick
    rows = 100_000 if quick else 1_000_000
    result = asyncio.run(run(rows, pending=20_000, claims=20, batch=200))
    print(f"Due-reminder claim on {result['rows']:,} rows ({result['pending']:,} pending):")
    for line in result["query_plan"]:  # type: ignore[attr-defined]
        print(f"  plan: {line}")
    print(
        f"  claim of {result['batch']} due rows: median {result['claim_ms_median']} ms, "
        f"max {result['claim_ms_max']} ms"
    )
    if not quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0 if result["uses_partial_index"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
