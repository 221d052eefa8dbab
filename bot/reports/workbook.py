"""Sheets as an Excel file: columns with widths and kinds, rows of plain values, written with
openpyxl's write-only workbook so rows stream to the file and even the largest school's year of
meetings takes little memory. Knows nothing of what the sheets say (see :mod:`bot.reports.export`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet


class ColumnKind(StrEnum):
    TEXT = "text"  # short text, numbers
    WRAP = "wrap"  # text that may run long: wrapped in its cell
    DATE = "date"
    DATETIME = "datetime"
    DECIMAL = "decimal"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    kind: ColumnKind = ColumnKind.TEXT


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)
    # Rows after the first that are headers of a further table on the same sheet (bold).
    header_rows: set[int] = field(default_factory=set)


NUMBER_FORMATS = {
    ColumnKind.DATE: "DD.MM.YYYY",
    ColumnKind.DATETIME: "DD.MM.YYYY HH:MM",
    ColumnKind.DECIMAL: "0.00",
    ColumnKind.PERCENT: "0%",
}
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_BOLD = Font(bold=True)
# Characters Excel refuses in a sheet's name, and its length limit.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    name = _SHEET_NAME_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    candidate, number = name, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def _header_cells(ws: Any, values: Sequence[Any]) -> list[Cell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value)
        cell.font = _BOLD
        cell.alignment = _HEADER
        cells.append(cell)
    return cells


_EXCEL_EPOCH = datetime(1899, 12, 30)


def excel_serial(value: date) -> float:
    """A date or a naive local date-time as Excel's serial day number (1900 date system)."""
    moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
    return (moment - _EXCEL_EPOCH) / timedelta(days=1)


class _Styles:
    """The styles of a workbook's cells, registered once on it as named styles.

    Hidden ones, so that they do not show among Excel's cell styles. A styled cell is made with
    its named style's array of style ids (``Cell(..., style_array=...)``, openpyxl's public
    API): several times cheaper than setting a style attribute on each of hundreds of thousands
    of cells, which looks the style up in the workbook's tables every time (measured by
    ``bench/export.py``). Dates are written as Excel serial numbers for the same reason:
    openpyxl would otherwise give each date cell a default format first.
    """

    def __init__(self, workbook: Workbook) -> None:
        def named(name: str, **style: Any) -> NamedStyle:
            named_style = NamedStyle(name=f"mentorbot {name}", hidden=True, **style)
            workbook.add_named_style(named_style)
            return named_style

        self.wrap = named("wrap", alignment=_WRAP)
        self.formats = {
            kind: named(kind.value, number_format=number_format)
            for kind, number_format in NUMBER_FORMATS.items()
        }


class _Row:
    """Rows of one sheet as openpyxl takes them: plain values where no style is needed (the
    fast path), styled cells elsewhere."""

    def __init__(self, ws: Any, styles: _Styles) -> None:
        self._ws = ws
        self._styles = styles

    def _cell(self, value: Any, style: NamedStyle) -> Cell:
        # Cell copies the array; the row and column are set by the sheet when it is appended.
        return Cell(self._ws, row=1, column=1, value=value, style_array=style.as_tuple())

    def __call__(self, kinds: Sequence[ColumnKind], values: Sequence[Any]) -> list[Any]:
        formats = self._styles.formats
        out: list[Any] = []
        for kind, value in zip(kinds, values, strict=False):
            if value is None or value == "":
                out.append(None)
            elif isinstance(value, str):
                if kind is ColumnKind.TEXT and "\n" not in value:
                    out.append(value)
                else:
                    out.append(self._cell(value, self._styles.wrap))
            elif kind is ColumnKind.PERCENT and not isinstance(value, float):
                out.append(value)  # a count below a share's header (the stage table) stays one
            elif kind in formats and isinstance(value, date | int | float):
                serial = excel_serial(value) if isinstance(value, date) else value
                out.append(self._cell(serial, formats[kind]))
            else:
                out.append(value)
        return out


class SheetWriter:
    """One sheet of a workbook being written: its header is out, rows go on as they come."""

    def __init__(
        self,
        workbook: Workbook,
        styles: _Styles,
        title: str,
        columns: Sequence[Column],
        taken: set[str],
        widest: int = 0,
    ) -> None:
        ws = workbook.create_sheet(_sheet_name(title, taken))
        for number, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = column.width
        # Printing: landscape, every column on one page width, the header on every page.
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        ws.append(_header_cells(ws, [column.title for column in columns]))
        self._ws = ws
        self._row = _Row(ws, styles)
        # A note under a table may run past the last column: it wraps like text.
        self._kinds = [column.kind for column in columns]
        self._kinds += [ColumnKind.WRAP] * max(0, widest - len(self._kinds))

    def append(self, values: Sequence[Any]) -> None:
        if len(values) > len(self._kinds):
            self._kinds += [ColumnKind.WRAP] * (len(values) - len(self._kinds))
        self._ws.append(self._row(self._kinds, values))

    def append_header(self, values: Sequence[Any]) -> None:
        self._ws.append(_header_cells(self._ws, values))


def _write_sheet(workbook: Workbook, styles: _Styles, sheet: Sheet, taken: set[str]) -> None:
    widest = max((len(values) for values in sheet.rows), default=0)
    writer = SheetWriter(workbook, styles, sheet.title, sheet.columns, taken, widest)
    for index, values in enumerate(sheet.rows):
        if index in sheet.header_rows:
            writer.append_header(values)
        else:
            writer.append(values)


class StreamedWorkbook:
    """A workbook written sheet by sheet and row by row as the data arrives (the registers of
    a region, one school after another), so that no more than one school's rows are held."""

    def __init__(self) -> None:
        self._workbook = Workbook(write_only=True)
        self._styles = _Styles(self._workbook)
        self._taken: set[str] = set()

    def sheet(self, title: str, columns: Sequence[Column]) -> SheetWriter:
        return SheetWriter(self._workbook, self._styles, title, columns, self._taken)

    def add(self, sheet: Sheet) -> None:
        _write_sheet(self._workbook, self._styles, sheet, self._taken)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


def write_workbook(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as the bytes of one workbook (CPU-bound: run it in a thread)."""
    book = StreamedWorkbook()
    for sheet in sheets:
        book.add(sheet)
    return book.save()
