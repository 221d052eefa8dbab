"""``python -m bot.reports.export_worker``: the process that makes one workbook for the running
bot (:class:`bot.reports.export.ExportWorker`). It reads the job from its standard input and
writes the made file, or the refusal (:class:`~bot.reports.export.ExportError`), to its
standard output, both pickled; any other failure is a traceback on standard error and exit
status 1. It runs at a lower priority than the bot."""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
from contextlib import suppress
from pathlib import Path

from bot.reports.export import ExportError, ExportFile, made_here

# The workbook can wait; people writing to the bot cannot: on a busy server the system gives
# the bot's process the core first.
NICENESS = 10


def main() -> int:
    with suppress(OSError, AttributeError):  # AttributeError: no os.nice (Windows)
        os.nice(NICENESS)
    path, now, job, args = pickle.loads(sys.stdin.buffer.read())
    result: ExportFile | ExportError
    try:
        result = asyncio.run(made_here(Path(path), now, job, args))
    except ExportError as refused:
        result = refused
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
