"""The Excel workbook of the largest school of a synthetic region: goal under 10 seconds.

Seeds the region of :mod:`bench.region` (35,000 pairs over 300 schools, a school year of
meetings every two weeks, feedback, monitoring and polls), then exports the largest school
through :class:`bot.reports.export.ExportService` as ``/export`` does, several times, and
measures:

* the whole export (reading, building the rows, writing the file): goal under 10 s;
* the reading alone and the writing alone;
* how long the event loop was blocked meanwhile (the writing runs in a thread, so the bot keeps
  answering): the longest gap between ticks of a 10 ms ticker;
* the peak memory the writing added (tracemalloc, in a separate run: it slows Python down);
* the rows of every sheet and the file's size.

``python -m bench.export [--quick]`` (``--help`` says more); results in
``bench/results/export.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bench.region import NOW, seed_region
from bot.reports.export import build_export_service, render_workbook
from bot.reports.export_book import translator
from storage.database import Database
from tests.clock import ManualClock

RESULTS = Path(__file__).resolve().parent / "results" / "export.json"
GOAL_SECONDS = 10.0
TICK = 0.01


async def _longest_stall(work: Any) -> tuple[Any, float]:
    """Run ``work`` while a ticker measures the longest pause of the event loop."""
    stop = asyncio.Event()
    longest = 0.0

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            longest = max(longest, now - last - TICK)
            last = now

    task = asyncio.create_task(ticker())
    try:
        result = await work
    finally:
        stop.set()
        await task
    return result, longest


async def measure(path: Path, organization_id: int, runs: int) -> dict[str, Any]:
    db = Database(path)
    await db.connect()
    try:
        service = build_export_service(db, ManualClock(NOW))
        whole: list[float] = []
        cpu: list[float] = []
        stalls: list[float] = []
        size = 0
        for _ in range(runs):
            start, used = time.perf_counter(), time.process_time()
            made, stall = await _longest_stall(service.workbook(organization_id, "ru"))
            whole.append(time.perf_counter() - start)
            # CPU time of the process (every thread): what the wall time is on an idle machine.
            cpu.append(time.process_time() - used)
            stalls.append(stall)
            size = len(made.content)
        start = time.perf_counter()
        data = await service.collect(organization_id)
        reading = time.perf_counter() - start
    finally:
        await db.close()
    start, used = time.perf_counter(), time.process_time()
    content = render_workbook(data, translator("ru"))
    writing = time.perf_counter() - start
    writing_cpu = time.process_time() - used
    tracemalloc.start()
    render_workbook(data, translator("ru"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    book = load_workbook(io.BytesIO(content), read_only=True)
    # Rows under the header (a write-only file records no dimensions: they are counted).
    sheets = {sheet.title: sum(1 for _ in sheet.iter_rows(min_row=2)) for sheet in book.worksheets}
    book.close()
    return {
        "export_seconds": {
            "median": round(statistics.median(whole), 2),
            "max": round(max(whole), 2),
            "runs": runs,
            "goal": GOAL_SECONDS,
            "cpu_median": round(statistics.median(cpu), 2),
        },
        "reading_seconds": round(reading, 2),
        "writing_seconds": round(writing, 2),
        "writing_cpu_seconds": round(writing_cpu, 2),
        "event_loop_longest_stall_ms": round(max(stalls) * 1000, 1),
        "writing_peak_memory_mb": round(peak / 2**20, 1),
        "file_mb": round(size / 2**20, 2),
        "rows_per_sheet": sheets,
        "data": {
            "participants": len(data.participants),
            "pairs": len(data.pairs),
            "meetings": sum(1 for _ in data.meetings),
            "feedback": sum(1 for _ in data.feedback),
        },
    }


async def run(pairs: int, schools: int, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "region.sqlite3"
        region = await seed_region(path, pairs=pairs, schools=schools)
        result = await measure(path, region.largest_organization_id, runs)
    return {
        "region": {
            "organizations": region.organizations,
            "pairs": region.pairs,
            "largest_school_pairs": region.largest_pairs,
            "seeded_seconds": region.seconds,
        },
        **result,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.export",
        description=(
            "Seed a synthetic region (300 schools, 35,000 pairs, a school year of meetings, "
            "feedback, monitoring and polls) and export the Excel workbook of its largest "
            f"school as /export does, three times: goal under {GOAL_SECONDS:.0f} s. Also the "
            "reading and the writing alone, the longest stall of the event loop, the writing's "
            "peak memory and the rows of every sheet. Exits 1 when the goal is missed. Results "
            "in bench/results/export.json."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="a small region (3,500 pairs, 40 schools); the results are not written",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    quick = _arguments(argv).quick
    result = asyncio.run(
        run(pairs=3_500 if quick else 35_000, schools=40 if quick else 300, runs=3)
    )
    seconds = result["export_seconds"]
    print(
        f"Export of the largest school ({result['region']['largest_school_pairs']} pairs of "
        f"{result['region']['pairs']:,}): median {seconds['median']} s ({seconds['cpu_median']} s "
        f"of CPU), max {seconds['max']} s "
        f"(goal < {GOAL_SECONDS:.0f} s); reading {result['reading_seconds']} s, writing "
        f"{result['writing_seconds']} s ({result['writing_cpu_seconds']} s of CPU); event loop "
        f"stalled at most {result['event_loop_longest_stall_ms']} ms; {result['file_mb']} MB, "
        f"writing peak {result['writing_peak_memory_mb']} MB"
    )
    print(
        "  rows: "
        + ", ".join(f"{name} {rows:,}" for name, rows in result["rows_per_sheet"].items())
    )
    if not quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0 if seconds["median"] < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
