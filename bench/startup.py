"""How long ``python -m bot run`` takes to its first getUpdates, against ``import aiogram``.

``python -m bench.startup [--quick]`` (``--help`` says more) starts, in fresh processes and in
turns (so that the machine's other work slows both alike): ``python -c "import aiogram"``
(spawn to exit), and the bot against a local fake Bot API server (the one the end-to-end tests
use) on a region of 300 schools, each with its curator: the time from spawn to the bot's first
getUpdates, and to the moment every curator's command menu is set (they are set after polling
has started, at the bulk sender's rate). Goal: the first getUpdates within 1.5 x the import
time. The results go to ``bench/results/startup.json`` (not with ``--quick``); exits 1 when the
goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "startup.json"
GOAL_RATIO = 1.5
ADMIN = 777


async def _import_time() -> float:
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", "import aiogram")
    await process.wait()
    return time.perf_counter() - started


async def _wait(condition: Any, process: asyncio.subprocess.Process, what: str) -> None:
    deadline = time.perf_counter() + 120
    while not condition():
        if process.returncode is not None:
            raise RuntimeError(f"the bot exited before {what}")
        if time.perf_counter() > deadline:
            raise RuntimeError(f"no {what} within two minutes")
        await asyncio.sleep(0.002)


async def _bot_start(tg: Any, workdir: Path, database: Path, curators: int) -> dict[str, Any]:
    """Spawn the bot; the time to its first getUpdates and to the last curator's menu."""
    from tests.e2e.process import bot_environment

    env = bot_environment(
        BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE=tg.base_url,
        DATABASE_PATH=str(database),
        ADMIN_IDS=str(ADMIN),
        LOG_LEVEL="WARNING",
    )
    polls = tg.getupdates_polls
    calls = len(tg.calls)

    def menus() -> int:
        return sum(
            1
            for call in tg.calls[calls:]
            if call.method == "setMyCommands"
            and call.status == 200
            and "chat" in str(call.params.get("scope", ""))
        )

    started = time.perf_counter()
    with (workdir / "bot.log").open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=workdir, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
    try:
        await _wait(lambda: tg.getupdates_polls > polls, process, "getUpdates")
        first_poll = time.perf_counter() - started
        await _wait(lambda: menus() >= curators + 1, process, "menus of every curator")
        all_menus = time.perf_counter() - started
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 60)
    first_poll_index = next(
        i for i, call in enumerate(tg.calls[calls:]) if call.method == "getUpdates"
    )
    before_first_poll = [call.method for call in tg.calls[calls:][:first_poll_index]]
    return {
        "first_getupdates_s": first_poll,
        "all_menus_s": all_menus,
        "calls_before_first_getupdates": before_first_poll,
    }


async def run(runs: int, schools: int, pairs: int) -> dict[str, Any]:
    from bench.region import seed_region
    from tests.fake_telegram import FakeTelegram

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        region = await seed_region(root / "bot.sqlite3", pairs=pairs, schools=schools)
        imports: list[float] = []
        first_polls: list[float] = []
        menus: list[float] = []
        calls_before: list[str] = []
        async with FakeTelegram() as tg:
            # Once before timing: the first run of a fresh checkout compiles the bytecode.
            await _import_time()
            await _bot_start(tg, root, Path(region.path), region.organizations)
            for _ in range(runs):
                imports.append(await _import_time())
                started = await _bot_start(tg, root, Path(region.path), region.organizations)
                first_polls.append(started["first_getupdates_s"])
                menus.append(started["all_menus_s"])
                calls_before = started["calls_before_first_getupdates"]
            log = (root / "bot.log").read_text(errors="replace")
    import_median = statistics.median(imports)
    poll_median = statistics.median(first_polls)
    # Each bot start against the import just before it: the machine's other work changes
    # slowly, so the pairs compare like with like.
    paired = statistics.median(p / i for p, i in zip(first_polls, imports, strict=True))
    return {
        "runs": runs,
        "curators": region.organizations,
        "import_aiogram_s": {"median": round(import_median, 3), "all": _rounded(imports)},
        "first_getupdates_s": {"median": round(poll_median, 3), "all": _rounded(first_polls)},
        "all_menus_set_s": {"median": round(statistics.median(menus), 3), "all": _rounded(menus)},
        "calls_before_first_getupdates": calls_before,
        "ratio_of_medians": round(poll_median / import_median, 2),
        "ratio": round(paired, 2),
        "goal_ratio": GOAL_RATIO,
        "bot_log_errors": [line for line in log.splitlines() if "ERROR" in line][:5],
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "cpus": os.cpu_count(),
    }


def _rounded(values: list[float]) -> list[float]:
    return [round(value, 3) for value in values]


def _print(result: dict[str, Any]) -> None:
    print(f"Start-up, {result['runs']} runs in turns, a region with {result['curators']} curators:")
    print(f"  python -c 'import aiogram': median {result['import_aiogram_s']['median']} s")
    print(
        f"  python -m bot run to its first getUpdates: median "
        f"{result['first_getupdates_s']['median']} s; against the import just before each "
        f"start, median {result['ratio']} x (goal <= {result['goal_ratio']}; ratio of the "
        f"medians {result['ratio_of_medians']} x); before it: "
        f"{', '.join(result['calls_before_first_getupdates'])}"
    )
    print(
        f"  every curator's menu set (after polling started, at the sender's rate): median "
        f"{result['all_menus_set_s']['median']} s after the spawn"
    )
    for line in result["bot_log_errors"]:
        print(f"  bot log: {line}")


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.startup",
        description=(
            "Time from spawning `python -m bot run` to its first getUpdates against a local "
            "fake Bot API server (a region of 300 schools, each with its curator), against "
            "`python -c 'import aiogram'`, in fresh processes, in turns; and until every "
            "curator's command menu is set. Goal: at most 1.5 x. Exits 1 when it is missed."
        ),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="two runs of each and 40 schools; the results are not written",
    )
    parser.add_argument("--runs", type=int, default=None, help="runs of each (default 7)")
    # bench/__main__.py passes its arguments to every benchmark: leave others' alone.
    arguments = parser.parse_args(argv)
    return arguments


def main(argv: list[str]) -> int:
    arguments = _arguments(argv)
    quick = arguments.quick
    runs = arguments.runs or (2 if quick else 7)
    schools, pairs = (40, 1_000) if quick else (300, 3_500)
    result = asyncio.run(run(runs, schools, pairs))
    _print(result)
    if not quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0 if result["ratio"] <= GOAL_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
