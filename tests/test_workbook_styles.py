"""Each kind of column gets its look in the file (number formats, wrapped text, bold headers),
through named styles registered once per workbook and hidden from Excel's style gallery."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from bot.reports.workbook import Column, ColumnKind, Sheet, StreamedWorkbook, write_workbook

COLUMNS = [
    Column("Текст", 10),
    Column("Комментарий", 30, ColumnKind.WRAP),
    Column("Дата", 12, ColumnKind.DATE),
    Column("Время", 16, ColumnKind.DATETIME),
    Column("Среднее", 8, ColumnKind.DECIMAL),
    Column("Доля", 8, ColumnKind.PERCENT),
]


def test_every_kind_of_column_looks_as_it_should() -> None:
    sheet = Sheet(
        "Встречи",
        COLUMNS,
        rows=[
            [
                "Иванова",
                "длинный\nкомментарий",
                date(2026, 9, 14),
                datetime(2026, 9, 14, 15, 30),
                4.25,
                0.5,
            ],
            ["две\nстроки", "коротко", None, None, 3, 7],
            ["Итого по таблице", "", "", "", "", ""],
            ["примечание", None, None, None, None, None, "под таблицей, шире её"],
        ],
        header_rows={2},
    )
    book = load_workbook(io.BytesIO(write_workbook([sheet])))
    ws = book["Встречи"]
    header = ws[1][: len(COLUMNS)]  # the sheet is as wide as its widest row (the note)
    assert [cell.value for cell in header] == [column.title for column in COLUMNS]
    assert all(cell.font.b and cell.alignment.wrap_text for cell in header)
    assert all(cell.alignment.horizontal == "center" for cell in header)

    first = ws[2]
    assert first[0].value == "Иванова" and not first[0].alignment.wrap_text
    assert first[1].alignment.wrap_text and first[1].alignment.vertical == "top"
    assert first[2].value == datetime(2026, 9, 14) and first[2].number_format == "DD.MM.YYYY"
    assert first[3].value == datetime(2026, 9, 14, 15, 30)
    assert first[3].number_format == "DD.MM.YYYY HH:MM"
    assert first[4].value == 4.25 and first[4].number_format == "0.00"
    assert first[5].value == 0.5 and first[5].number_format == "0%"

    second = ws[3]
    assert second[0].alignment.wrap_text  # a line break wraps even a short text column
    assert second[1].alignment.wrap_text  # a long-text column wraps whatever its length
    assert second[4].value == 3 and second[4].number_format == "0.00"
    assert second[5].value == 7 and second[5].number_format == "General"  # a count, not 700 %

    assert ws["A4"].font.b and ws["A4"].value == "Итого по таблице"  # a further table's header
    assert ws["G5"].alignment.wrap_text  # a note past the last column wraps
    assert not ws["A5"].font.b

    # The styles come from named styles of the workbook, registered once and hidden in Excel.
    assert book.named_styles == [
        "Normal",
        "mentorbot wrap",
        "mentorbot date",
        "mentorbot datetime",
        "mentorbot decimal",
        "mentorbot percent",
    ]


def test_the_named_styles_are_registered_once_and_hidden() -> None:
    streamed = StreamedWorkbook()
    for number in range(3):
        writer = streamed.sheet(f"Школа {number}", COLUMNS)
        writer.append(["x", "y", date(2026, 1, 1), None, 1.5, 0.25])
    content = streamed.save()
    styles = zipfile.ZipFile(io.BytesIO(content)).read("xl/styles.xml").decode()
    cell_styles = re.findall(r"<cellStyle [^>]*>", styles)
    assert len(cell_styles) == 6  # Normal and our five, not five more per sheet
    ours = [style for style in cell_styles if "mentorbot" in style]
    assert len(ours) == 5 and all('hidden="1"' in style for style in ours)
    book = load_workbook(io.BytesIO(content))
    assert [book[f"Школа {number}"]["C2"].number_format for number in range(3)] == [
        "DD.MM.YYYY"
    ] * 3
