"""``python -m bench [--quick]``: run every benchmark."""

from __future__ import annotations

import sys

from bench import matching


def main(argv: list[str]) -> int:
    return matching.main(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
