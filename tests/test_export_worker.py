"""The running bot's workbooks (a school's and a coordinator's) are made by separate processes
(``ExportWorker``, a child process per workbook): the same file as the one made in the bot's
own process, its refusals re-raised in the bot, the process killed when the workbook is no
longer awaited or the bot stops."""

from __future__ import annotations

import asyncio
import io
import signal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.app import close_application
from bot.reports.export import (
    ExportError,
    ExportProblem,
    ExportWorkerFailed,
    build_export_service,
)
from tests.inprocess import running_harness
from tests.test_export import scenario


def values(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


async def test_the_worker_makes_the_same_workbook_as_the_bot_would(tmp_path: Path) -> None:
    async with running_harness(tmp_path, export_in_process=False) as harness:
        ids = await scenario(harness)
        exports = harness.app.services.exports
        worker = exports._worker
        assert worker is not None

        made = await exports.workbook(ids["org"], "ru")

        assert worker.made == 1 and worker.running == 0
        here = await build_export_service(harness.app.db, harness.clock).workbook(ids["org"], "ru")
        assert made.filename == here.filename == f"mentorship_{ids['org']}_cycle1_2026-03-12.xlsx"
        sheets = values(made.content)
        assert sheets == values(here.content)
        # The scenario's people and meetings are there (not an empty book that matches).
        assert any("Маша Иванова" in str(row) for row in sheets["Встречи"])
        assert len(sheets) >= 8

        # A refusal in the worker's process is the bot's ExportError, and the worker lives on.
        with pytest.raises(ExportError) as refused:
            await exports.workbook(ids["org"] + 1000, "ru")
        assert refused.value.problem is ExportProblem.UNKNOWN_ORGANIZATION
        again = await exports.workbook(ids["org"], "ru")
        assert values(again.content) == sheets

        # The coordinator's workbook, by the other process.
        region = await exports.region_workbook([ids["org"]], "ru")
        region_here = await build_export_service(harness.app.db, harness.clock).region_workbook(
            [ids["org"]], "ru"
        )
        assert region.filename == region_here.filename
        region_sheets = values(region.content)
        assert region_sheets == values(region_here.content)
        assert any("Ольга Викторовна Смирнова" in str(row) for rows in region_sheets.values()
                   for row in rows)  # fmt: skip

        assert worker.made == 3  # the refusal made none


async def test_a_workbook_no_longer_awaited_or_of_a_stopping_bot_is_killed(
    tmp_path: Path,
) -> None:
    async with running_harness(tmp_path, export_in_process=False) as harness:
        ids = await scenario(harness)
        exports = harness.app.services.exports
        worker = exports._worker
        assert worker is not None
        started: asyncio.Queue[asyncio.subprocess.Process] = asyncio.Queue()
        worker.on_start = started.put_nowait

        cancelled = asyncio.create_task(exports.workbook(ids["org"], "ru"))
        process = await started.get()
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        assert await process.wait() == -signal.SIGKILL
        assert worker.running == 0

        stopped = asyncio.create_task(exports.workbook(ids["org"], "ru"))
        process = await started.get()
        await close_application(harness.app)
        with pytest.raises(ExportWorkerFailed):
            await stopped
        assert await process.wait() == -signal.SIGKILL
        assert worker.made == 0


async def test_the_in_process_tests_make_workbooks_without_a_worker(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as harness:
        assert harness.app.services.exports._worker is None
