"""The coordinator's workbook: the registers of all their schools (appendices 2.2 and 2.3 on
two sheets, with the organization as the first column) and the per-school table.

A region is large (hundreds of schools, tens of thousands of people), so the registers are
streamed: one school is read, its rows are appended to the sheets (in a thread, like every
workbook's writing) and its objects are dropped before the next is read. The mentee base is
numbered through the whole sheet.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from bot.reports.export_book import ExportBook, ExportData, translator
from bot.reports.register_sheets import (
    mentee_columns,
    mentee_rows,
    mentor_columns,
    mentor_rows,
    with_organization,
)
from bot.reports.registers import MENTEE_BASE_SHEET, MENTOR_BASE_SHEET
from bot.reports.school_sheet import schools_sheet
from bot.reports.schools import SchoolTable
from bot.reports.workbook import SheetWriter, StreamedWorkbook

ReadSchool = Callable[[int], Awaitable[ExportData | None]]


def _append_school(
    data: ExportData, mentors: SheetWriter, mentees: SheetWriter, numbered: int
) -> int:
    """The school's rows on the two register sheets; returns the last mentee number used."""
    book = ExportBook(data, translator("ru"))
    name = data.organization.name
    for row in mentor_rows(book):
        mentors.append((name, *row))
    for row in mentee_rows(book):
        numbered += 1
        mentees.append((name, numbered, *row[1:]))
    return numbered


async def write_region_workbook(
    table: SchoolTable, read_school: ReadSchool, locale: str, turn: asyncio.Semaphore
) -> bytes:
    """The workbook of the schools of ``table``; their registers are read one by one with
    ``read_school`` (None for a school deleted meanwhile: left out).

    Each school is read and written holding ``turn`` (the export's one-workbook-at-a-time
    semaphore), released between schools: a region takes minutes, and a curator's /export
    meanwhile waits for one school, not for the whole region."""
    book = StreamedWorkbook()
    mentors = book.sheet(MENTOR_BASE_SHEET, with_organization(mentor_columns()))
    mentees = book.sheet(MENTEE_BASE_SHEET, with_organization(mentee_columns()))
    numbered = 0
    for organization_id in _by_name(table):
        async with turn:
            data = await read_school(organization_id)
            if data is not None:
                numbered = await asyncio.to_thread(_append_school, data, mentors, mentees, numbered)
        del data
    async with turn:
        book.add(schools_sheet(table, translator(locale), locale))
        return await asyncio.to_thread(book.save)


def _by_name(table: SchoolTable) -> Sequence[int]:
    """The registers go school by school in the order of their names (the table: worst first)."""
    ordered = sorted(table.rows, key=lambda row: (row.name.casefold(), row.organization_id))
    return [row.organization_id for row in ordered]
