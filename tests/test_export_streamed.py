"""/export writes the meetings and the feedback as it reads them (a chunk at a time, from the
writing thread, in one snapshot): the file is the same as from data read whole first."""

from __future__ import annotations

import asyncio
import io

import pytest
from openpyxl import load_workbook

from bot.reports.export import Replayed, render_workbook
from bot.reports.export_book import translator
from storage.repositories import export as export_repository
from tests.inprocess import Harness
from tests.test_export import rows, scenario


async def test_the_streamed_workbook_is_the_one_read_whole(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of two rows: every sheet of the scenario spans several of them.
    monkeypatch.setattr(export_repository, "CHUNK", 2)
    ids = await scenario(harness)
    exports = harness.app.services.exports
    streamed = load_workbook(io.BytesIO((await exports.workbook(ids["org"], "en")).content))
    data = await exports.collect(ids["org"])
    assert isinstance(data.meetings, list) and len(data.meetings) > 2
    assert isinstance(data.feedback, list) and len(data.feedback) > 2
    whole = load_workbook(io.BytesIO(render_workbook(data, translator("en"))))
    assert streamed.sheetnames == whole.sheetnames
    for name in whole.sheetnames:
        assert rows(streamed, name) == rows(whole, name), name


async def test_replayed_rows_are_not_read_on_the_event_loop() -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        yield [1, 2]
        yield [3]

    replayed = Replayed(asyncio.get_running_loop(), chunks, keep=lambda n: n != 2)
    with pytest.raises(RuntimeError):
        list(replayed)
    # From a worker thread, as the workbook's writer reads them; each pass reads anew.
    assert await asyncio.to_thread(lambda: (list(replayed), list(replayed))) == ([1, 3], [1, 3])
