"""The two registers (the bases of mentors and mentees) as sheets of the workbook: who is in
them, and their columns' widths and kinds; the rows themselves are made in
:mod:`bot.reports.registers`. Always in Russian (``book.ru``).

A coordinator's workbook puts the registers of all their schools on the same two sheets, with
an extra first column naming the organization (:func:`with_organization`)."""

from __future__ import annotations

from typing import Any

from bot.models.exports import ExportParticipant
from bot.reports.export_book import ExportBook
from bot.reports.registers import (
    MENTEE_BASE_COLUMNS,
    MENTEE_BASE_SHEET,
    MENTOR_BASE_COLUMNS,
    MENTOR_BASE_SHEET,
    RegisterContext,
    mentee_base_rows,
    mentor_base_rows,
)
from bot.reports.workbook import Column, ColumnKind, Sheet
from dialogs.forms import chosen_forms


def _register_context(book: ExportBook) -> RegisterContext:
    codes = {p.form for p in book.data.pairs}
    for person in book.data.participants:
        codes.update(chosen_forms(person.answers.get("form")))  # one, or a mentor's several
    return RegisterContext(
        organization_name=book.data.organization.name,
        form_titles={code: book.form(code, book.ru) for code in sorted(codes)},
        local_date=book.local_date,
    )


def _in_register(book: ExportBook, person: ExportParticipant, role: str) -> bool:
    """Who is in a base: confirmed questionnaires (and anyone with a pair), but not a
    mentor candidate the curator declined."""
    if person.role != role:
        return False
    if book.pairs_of.get(person.id):
        return True
    return person.confirmed_at is not None and person.admission != "declined"


# The coordinator's workbook: the column before the appendix's own (the documents' wording).
ORGANIZATION_COLUMN = "Организация"


def mentor_columns() -> list[Column]:
    widths = (30, 24, 28, 36, 32, 28, 14, 20, 14, 30, 22, 28, 14, 40, 30)
    kinds = {8: ColumnKind.DATE, 12: ColumnKind.DATE}
    return [
        Column(title, width, kinds.get(number, ColumnKind.WRAP))
        for number, (title, width) in enumerate(zip(MENTOR_BASE_COLUMNS, widths, strict=True))
    ]


def mentee_columns() -> list[Column]:
    widths = (6, 30, 30, 10, 36, 14, 30, 22, 28, 14, 40, 30, 16)
    kinds = {0: ColumnKind.TEXT, 3: ColumnKind.TEXT, 5: ColumnKind.DATE, 9: ColumnKind.DATE}
    return [
        Column(title, width, kinds.get(number, ColumnKind.WRAP))
        for number, (title, width) in enumerate(zip(MENTEE_BASE_COLUMNS, widths, strict=True))
    ]


def with_organization(columns: list[Column]) -> list[Column]:
    """The columns of a register with the organization first (the coordinator's workbook)."""
    return [Column(ORGANIZATION_COLUMN, 28, ColumnKind.WRAP), *columns]


def mentor_rows(book: ExportBook) -> list[tuple[Any, ...]]:
    mentors = [p for p in book.data.participants if _in_register(book, p, "mentor")]
    return mentor_base_rows(mentors, book.people, book.pairs_of, _register_context(book), book.ru)


def mentee_rows(book: ExportBook) -> list[tuple[Any, ...]]:
    mentees = [p for p in book.data.participants if _in_register(book, p, "mentee")]
    return mentee_base_rows(mentees, book.people, book.pairs_of, _register_context(book), book.ru)


def mentor_base(book: ExportBook) -> Sheet:
    return Sheet(MENTOR_BASE_SHEET, mentor_columns(), list(mentor_rows(book)))


def mentee_base(book: ExportBook) -> Sheet:
    return Sheet(MENTEE_BASE_SHEET, mentee_columns(), list(mentee_rows(book)))
