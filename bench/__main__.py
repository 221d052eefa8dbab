"""``python -m bench [--quick]``: run every benchmark."""

from __future__ import annotations

import sys

from bench import delivery, export, matching, region, reminders, startup, throughput


def main(argv: list[str]) -> int:
    # Every benchmark runs; the exit code says whether any missed its goal.
    return max(
        matching.main(argv),
        reminders.main(argv),
        export.main(argv),
        delivery.main(argv),
        region.main(argv),
        throughput.main(argv),
        startup.main(argv),
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
