"""Resident memory of the bot on the region of :mod:`bench.region`: goals at most 180 MB at rest
after start and at most 300 MB at every moment, /export of the largest school included.

Seeds the region (``bench.region.seed_region``), then starts the application on it in a fresh
process, as ``bot run`` builds it (a recording session instead of Telegram, no polling), and
reports its resident memory (``VmRSS``, sampled every few milliseconds by a thread, and the
kernel's own peak ``VmHWM``):

* after start;
* after serving updates: the commands of real people of the largest school (the mentee and
  the mentor of an active pair, its curator), each a few times;
* after /stats of the largest school (the figures and the PNG chart: matplotlib is loaded);
* the peak during /export of the largest school (the workbook of the current cycle) and the
  memory after it;
* which heavy libraries are loaded at each step (none at rest).

``python -m bench.memory [--quick]``; results in ``bench/results/memory.json`` (not written
with ``--quick``, which seeds a small region). The exit code is 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "memory.json"
ROOT = Path(__file__).resolve().parents[1]
AT_REST_GOAL_MB = 180
PEAK_GOAL_MB = 300
SAMPLE_SECONDS = 0.005
HEAVY = ("openpyxl", "ortools", "numpy", "matplotlib", "segno", "PIL")
# Who sends what (as in bench.region): the participants' commands, then the curator's.
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mentee", ("/start", "/help", "/meetings", "/profile")),
    ("mentor", ("/start", "/help", "/meetings", "/profile")),
    ("curator", ("/curator", "/cycle", "/pairs")),
)
ROUNDS = 3


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Sampler:
    """A thread reading this process's ``VmRSS`` every few milliseconds: the highest value
    seen since the last :meth:`mark` (the kernel's ``VmHWM`` is the peak of the whole run)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._peak = 0
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = _status_kb("VmRSS")
            with self._lock:
                self._peak = max(self._peak, rss)
            self._stop.wait(SAMPLE_SECONDS)

    def mark(self) -> int:
        """The peak since the previous mark (kB), and a new start."""
        rss = _status_kb("VmRSS")
        with self._lock:
            peak, self._peak = max(self._peak, rss), rss
        return peak


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


def _heavy_loaded() -> list[str]:
    return sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))


def _step(sampler: Sampler, **extra: Any) -> dict[str, Any]:
    gc.collect()
    peak = sampler.mark()
    return {
        "rss_mb": _mb(_status_kb("VmRSS")),
        "peak_mb": _mb(peak),
        "heavy_modules": _heavy_loaded(),
        **extra,
    }


async def probe(path: str, people_json: str, now: str) -> dict[str, Any]:
    """In a fresh process: start the bot on the region at ``path`` and measure each step.

    Who sends the commands (``people_json``: :class:`bench.region.ActivePair` as a dict) and
    the time (``now``, ISO) are found by the parent: the probe imports no more than the
    bot and the recording session need (``bench.region`` alone holds about 3.5 MB that the
    bot does not), so "after start" is the bot's memory, not the benchmark's."""
    with Sampler() as sampler:
        started = time.perf_counter()
        from datetime import datetime

        from bot.app import build_application, close_application
        from tests.clock import ManualClock
        from tests.inprocess import TOKEN, Harness, RecordingSession, make_settings

        people = argparse.Namespace(**json.loads(people_json))
        with tempfile.TemporaryDirectory() as tmp:
            session, clock = RecordingSession(), ManualClock(datetime.fromisoformat(now))
            app = await build_application(
                make_settings(Path(tmp), database_path=Path(path)),
                TOKEN,
                session=session,
                clock=clock,
            )
            try:
                harness = Harness(app, session, clock)
                steps: dict[str, Any] = {}
                steps["after_start"] = _step(
                    sampler, seconds=round(time.perf_counter() - started, 1)
                )

                served = 0
                for _ in range(ROUNDS):
                    for who, commands in COMMANDS:
                        for command in commands:
                            replies = await harness.send(getattr(people, who), command)
                            assert replies, f"{command} ({who}): no answer"
                            served += 1
                session.sent.clear()
                steps["after_updates"] = _step(sampler, updates=served)

                sent = await harness.send(people.curator, "/stats")
                assert any(s.method == "sendPhoto" for s in sent), "no chart was sent"
                session.sent.clear()
                steps["after_stats"] = _step(sampler)

                start = time.perf_counter()
                choice = await harness.send(people.curator, "/export")
                sent = choice
                if choice[-1].buttons:  # the period picker: the current cycle comes first
                    sent = await harness.press(people.curator, choice[-1].buttons[0][1])
                documents = [s for s in sent if s.method == "sendDocument"]
                assert documents and documents[-1].file, "no workbook was sent"
                size = len(documents[-1].file)
                seconds = time.perf_counter() - start
                del sent, choice, documents
                session.sent.clear()
                # The peak of this step is the export's (sampled while it ran).
                during = sampler.mark()
                steps["export"] = {
                    "peak_mb": _mb(during),
                    "seconds": round(seconds, 1),
                    "file_mb": round(size / 2**20, 2),
                    "heavy_modules": _heavy_loaded(),
                }
                steps["after_export"] = _step(sampler)
                steps["readers_open"] = app.db.readers_open
            finally:
                await close_application(app)
    steps["peak_of_run_mb"] = _mb(_status_kb("VmHWM"))
    steps["people"] = {"organization_id": people.organization_id, "curator": people.curator}
    return steps


def _probe_in_fresh_process(path: str) -> dict[str, Any]:
    from dataclasses import asdict

    from bench.region import NOW, pick_active_pair

    people = json.dumps(asdict(pick_active_pair(path, 1)))
    code = (
        "import asyncio, json, sys; from bench.memory import probe; "
        "print(json.dumps(asyncio.run(probe(*sys.argv[1:]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, path, people, NOW.isoformat()],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the probe failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def _seed(path: Path, quick: bool) -> dict[str, Any]:
    from bench.region import seed_region

    region = await seed_region(path, pairs=3_500, schools=40) if quick else await seed_region(path)
    return {
        "organizations": region.organizations,
        "pairs": region.pairs,
        "participants": region.participants,
        "meetings": region.meetings,
        "responses": region.responses,
        "largest_school_pairs": region.largest_pairs,
        "seeded_seconds": region.seconds,
    }


def run(quick: bool, database: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "region.sqlite3"
        if database is None:
            region = asyncio.run(_seed(path, quick))
        else:
            # A region seeded before (the probe writes to its copy: its updates are new).
            source = sqlite3.connect(database)
            try:
                target = sqlite3.connect(path)
                source.backup(target)
                target.close()
            finally:
                source.close()
            region = {"copied_from": str(database), **_counts(path)}
        region["database_mb"] = round(path.stat().st_size / 2**20, 1)
        steps = _probe_in_fresh_process(str(path))
    return {
        "region": region,
        **steps,
        "goals": {"at_rest_mb": AT_REST_GOAL_MB, "peak_mb": PEAK_GOAL_MB},
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }


def _counts(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "organizations": one("SELECT count(*) FROM organizations"),
            "pairs": one("SELECT count(*) FROM pairs"),
            "participants": one("SELECT count(*) FROM participants"),
            "meetings": one("SELECT count(*) FROM meetings"),
            "responses": one("SELECT count(*) FROM responses"),
            "largest_school_pairs": one("SELECT count(*) FROM pairs WHERE organization_id = 1"),
        }
    finally:
        conn.close()


def goals_met(result: dict[str, Any]) -> bool:
    return bool(
        result["after_start"]["rss_mb"] <= AT_REST_GOAL_MB
        and result["peak_of_run_mb"] <= PEAK_GOAL_MB
        and not result["after_start"]["heavy_modules"]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.memory",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--quick", action="store_true", help="a small region; bench/results is not written"
    )
    parser.add_argument(
        "--database",
        type=Path,
        help="a region seeded before by bench.region.seed_region (copied, not changed); "
        "bench/results is not written",
    )
    args = parser.parse_args(argv)
    result = run(args.quick, args.database)
    region = result["region"]
    print(
        f"Memory on a region of {region['pairs']:,} pairs ({region['participants']:,} "
        f"participants; largest school {region['largest_school_pairs']} pairs):\n"
        f"  after start {result['after_start']['rss_mb']} MB (goal <= {AT_REST_GOAL_MB}), "
        f"heavy modules loaded: {result['after_start']['heavy_modules'] or 'none'}\n"
        f"  after {result['after_updates']['updates']} updates "
        f"{result['after_updates']['rss_mb']} MB; after /stats "
        f"{result['after_stats']['rss_mb']} MB\n"
        f"  /export of the largest school: peak {result['export']['peak_mb']} MB "
        f"({result['export']['seconds']} s, {result['export']['file_mb']} MB file), after it "
        f"{result['after_export']['rss_mb']} MB\n"
        f"  peak of the whole run (VmHWM) {result['peak_of_run_mb']} MB (goal <= {PEAK_GOAL_MB})"
    )
    if not args.quick and args.database is None:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0 if goals_met(result) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
