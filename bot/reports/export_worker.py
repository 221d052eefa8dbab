"""``python -m bot.reports.export_worker``: the process that makes one workbook for the running
bot (:class:`bot.reports.export.ExportWorker`). It reads the job from its standard input and
writes the made file, or the refusal (:class:`~bot.reports.export.ExportError`), to its
standard output, both pickled; any other failure is a traceback on standard error and exit
status 1."""

from __future__ import annotations

import asyncio
import pickle
import sys
from pathlib import Path

from bot.reports.export import ExportError, ExportFile, made_here


def main() -> int:
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
