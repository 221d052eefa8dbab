"""``python -m bench [--quick] [--only NAME ...]``: run every benchmark (or some of them).

Each benchmark is also a module of its own with the same options: ``python -m bench.export
--help``. A new benchmark is a module whose ``main(argv)`` parses ``--quick`` (and ``--help``)
with argparse and returns 1 when a goal is missed; it is listed in :data:`BENCHMARKS`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bench import delivery, export, matching, memory, region, reminders, startup, throughput

# In the order they run: the quick ones first.
BENCHMARKS: dict[str, Callable[[list[str]], int]] = {
    "matching": matching.main,
    "reminders": reminders.main,
    "export": export.main,
    "delivery": delivery.main,
    "region": region.main,
    "memory": memory.main,
    "throughput": throughput.main,
    "startup": startup.main,
}


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Run the speed and memory benchmarks one after another: "
            + ", ".join(BENCHMARKS)
            + ". Each prints its figures and writes them to bench/results/<name>.json; the exit "
            "code is 1 when any missed its goal. `python -m bench.<name> --help` says what "
            "each measures."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="a small version of every benchmark; the results are not written",
    )  # fmt: skip
    parser.add_argument(
        "--only", action="append", choices=list(BENCHMARKS), metavar="NAME",
        help=f"run only this benchmark (one of {', '.join(BENCHMARKS)}); may be repeated",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = _arguments(argv)
    passed = ["--quick"] if arguments.quick else []
    chosen = [name for name in BENCHMARKS if not arguments.only or name in arguments.only]
    # Every chosen benchmark runs; the exit code says whether any missed its goal.
    return max(BENCHMARKS[name](passed) for name in chosen)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
