"""The organization's workbook: the two registers, pairs, meetings, feedback, monitoring and
indicators, as one Excel file (``/export`` and ``python -m bot export``).

The data is read asynchronously; building the rows and writing the file is CPU work done in a
thread (:func:`asyncio.to_thread`) so the bot keeps answering others meanwhile. Sheets are
written with openpyxl's write-only workbook: rows stream to the file, so even the largest
school's year of meetings takes little memory.

Only what the bot still holds is shown: a participant who withdrew is deleted with their pairs,
meetings and answers, and anything read while such a deletion happened (a pair whose side is no
longer there) is left out, so no sheet can name them.
"""

from __future__ import annotations

import asyncio
import gettext
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from bot.clock import Clock
from bot.models.exports import ExportFeedback, ExportMeeting, ExportPair, ExportParticipant
from bot.models.organizations import Organization
from bot.reports.indicators import Indicators, IndicatorService
from bot.reports.monitoring import MonitoringReportService, MonitoringRow
from bot.reports.registers import (
    MENTEE_BASE_COLUMNS,
    MENTEE_BASE_SHEET,
    MENTOR_BASE_COLUMNS,
    MENTOR_BASE_SHEET,
    RegisterContext,
    Translate,
    form_title,
    mentee_base_rows,
    mentor_base_rows,
    person_name,
)
from bot.schedule import utc_to_local
from dialogs.answer_display import format_answer
from dialogs.feedback import MEETING_FEEDBACK
from dialogs.final_poll import SATISFIED_FROM
from dialogs.i18n import N_
from dialogs.monitoring import MONITORING_FORMS
from storage.database import Database
from storage.repositories.denominators import DenominatorRepository
from storage.repositories.export import ExportRepository
from storage.repositories.organizations import OrganizationRepository
from storage.repositories.reports import CoordinatorRepository, ReportRepository

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
# The registers are Russian documents whatever the reader's language (see registers.py).
REGISTER_LOCALE = "ru"
FEEDBACK_FORM = "meeting_feedback"

MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def translator(locale: str) -> Translate:
    """The catalog of ``locale`` (the msgid itself where it has no translation)."""
    catalog = gettext.translation("messages", LOCALES_DIR, languages=[locale], fallback=True)
    return catalog.gettext


# --- what the sheets say -------------------------------------------------------------------

KIND_TITLES = {
    "acquaintance": N_("acquaintance meeting"),
    "trial": N_("trial working meeting"),
    "planning": N_("planning meeting"),
    "regular": N_("regular meeting"),
    "final": N_("final meeting"),
}
STATUS_TITLES = {
    "proposed": N_("proposed, waiting for an answer"),
    "confirmed": N_("confirmed"),
    "cancelled": N_("cancelled"),
    "held": N_("took place"),
    "missed": N_("did not take place"),
}
FORMAT_TITLES = {"online": N_("online"), "in_person": N_("in person")}
CANCEL_REASONS = {"moved": N_("moved to another time")}
# A proposal replaced by a newer one before anyone answered was never a meeting: left out.
SUPERSEDED = "superseded"

SHEET_PAIRS = N_("Pairs")
SHEET_MEETINGS = N_("Meetings")
SHEET_FEEDBACK = N_("Feedback")
SHEET_MONITORING = N_("Monitoring")
SHEET_INDICATORS = N_("Indicators")


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


@dataclass(frozen=True)
class ExportData:
    """Everything read from the database for one workbook (no Telegram, no files)."""

    organization: Organization
    form_titles: dict[str, str]  # own forms' typed titles by code
    participants: list[ExportParticipant]
    pairs: list[ExportPair]
    meetings: list[ExportMeeting]
    feedback: list[ExportFeedback]
    monitoring: list[MonitoringRow]
    indicators: Indicators | None
    today: date  # the organization's date when the export was made


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes


class ExportProblem(StrEnum):
    UNKNOWN_ORGANIZATION = "unknown_organization"
    NOT_CURATOR = "not_curator"


class ExportError(Exception):
    def __init__(self, problem: ExportProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def keep_present(
    participants: Sequence[ExportParticipant],
    pairs: Sequence[ExportPair],
    meetings: Sequence[ExportMeeting],
    feedback: Sequence[ExportFeedback],
) -> tuple[list[ExportPair], list[ExportMeeting], list[ExportFeedback]]:
    """Pairs, meetings and feedback whose people are among ``participants`` (read last)."""
    present = {p.id for p in participants}
    kept_pairs = [p for p in pairs if p.mentor_id in present and p.mentee_id in present]
    pair_ids = {p.id for p in kept_pairs}
    kept_meetings = [m for m in meetings if m.pair_id in pair_ids]
    meeting_ids = {m.id for m in kept_meetings}
    kept_feedback = [
        f for f in feedback if f.meeting_id in meeting_ids and f.participant_id in present
    ]
    return kept_pairs, kept_meetings, kept_feedback


# --- the sheets ----------------------------------------------------------------------------


class _Book:
    """The data of one export and the helpers every sheet uses."""

    def __init__(self, data: ExportData, translate: Translate) -> None:
        self.data = data
        self.t = translate
        self.ru = translator(REGISTER_LOCALE)
        self.zone = data.organization.timezone
        self.people = {p.id: p for p in data.participants}
        self.names = {p.id: person_name(p) for p in data.participants}
        self.pairs = {p.id: p for p in data.pairs}
        self.pairs_of: dict[int, list[ExportPair]] = defaultdict(list)
        for pair in data.pairs:
            self.pairs_of[pair.mentor_id].append(pair)
            self.pairs_of[pair.mentee_id].append(pair)

    def local(self, moment: datetime) -> datetime:
        """A stored UTC moment as the organization's wall-clock time (Excel has no zones)."""
        return utc_to_local(moment, self.zone).replace(tzinfo=None)

    def local_date(self, moment: datetime) -> date:
        return utc_to_local(moment, self.zone).date()

    def form(self, code: str, translate: Translate) -> str:
        return form_title(code, self.data.form_titles, translate)

    def name(self, participant_id: int) -> str:
        return self.names.get(participant_id, "")

    # -- registers (Russian) ---------------------------------------------------------------
    def _register_context(self) -> RegisterContext:
        codes = {p.form for p in self.data.pairs}
        for person in self.data.participants:
            chosen = person.answers.get("form")
            if isinstance(chosen, dict) and isinstance(chosen.get("choice"), str):
                codes.add(chosen["choice"])
        return RegisterContext(
            organization_name=self.data.organization.name,
            form_titles={code: self.form(code, self.ru) for code in sorted(codes)},
            local_date=self.local_date,
        )

    def _in_register(self, person: ExportParticipant, role: str) -> bool:
        """Who is in a base: confirmed questionnaires (and anyone with a pair), but not a
        mentor candidate the curator declined."""
        if person.role != role:
            return False
        if self.pairs_of.get(person.id):
            return True
        return person.confirmed_at is not None and person.admission != "declined"

    def mentor_base(self) -> Sheet:
        mentors = [p for p in self.data.participants if self._in_register(p, "mentor")]
        widths = (30, 24, 28, 36, 32, 28, 14, 20, 14, 30, 22, 28, 14, 40, 30)
        kinds = {8: ColumnKind.DATE, 12: ColumnKind.DATE}
        return Sheet(
            MENTOR_BASE_SHEET,
            [
                Column(title, width, kinds.get(number, ColumnKind.WRAP))
                for number, (title, width) in enumerate(
                    zip(MENTOR_BASE_COLUMNS, widths, strict=True)
                )
            ],
            list(
                mentor_base_rows(
                    mentors, self.people, self.pairs_of, self._register_context(), self.ru
                )
            ),
        )

    def mentee_base(self) -> Sheet:
        mentees = [p for p in self.data.participants if self._in_register(p, "mentee")]
        widths = (6, 30, 30, 10, 36, 14, 30, 22, 28, 14, 40, 30, 16)
        kinds = {0: ColumnKind.TEXT, 3: ColumnKind.TEXT, 5: ColumnKind.DATE, 9: ColumnKind.DATE}
        return Sheet(
            MENTEE_BASE_SHEET,
            [
                Column(title, width, kinds.get(number, ColumnKind.WRAP))
                for number, (title, width) in enumerate(
                    zip(MENTEE_BASE_COLUMNS, widths, strict=True)
                )
            ],
            list(
                mentee_base_rows(
                    mentees, self.people, self.pairs_of, self._register_context(), self.ru
                )
            ),
        )

    # -- the curator's sheets (their language) ---------------------------------------------
    def pair_status(self, pair: ExportPair) -> str:
        if pair.completed:
            return self.t(N_("completed the cycle"))
        if pair.ended_on is None:
            return self.t(N_("working"))
        return self.t(N_("ended early"))

    def pairs_sheet(self) -> Sheet:
        t = self.t
        held: dict[int, int] = defaultdict(int)
        for meeting in self.data.meetings:
            if meeting.status == "held":
                held[meeting.pair_id] += 1
        columns = [
            Column(t(N_("Pair No.")), 9),
            Column(t(N_("Mentor")), 30, ColumnKind.WRAP),
            Column(t(N_("Mentee")), 30, ColumnKind.WRAP),
            Column(t(N_("Form of mentorship")), 22, ColumnKind.WRAP),
            Column(t(N_("Cycle")), 8),
            Column(t(N_("Start date")), 13, ColumnKind.DATE),
            Column(t(N_("End date")), 13, ColumnKind.DATE),
            Column(t(N_("Status")), 16, ColumnKind.WRAP),
            Column(t(N_("Reason the pair ended")), 28, ColumnKind.WRAP),
            Column(t(N_("Assigned by the curator")), 14),
            Column(t(N_("Meetings held")), 12),
            Column(t(N_("Results of the programme")), 40, ColumnKind.WRAP),
            Column(t(N_("Good practice")), 12),
        ]
        yes, no = t(N_("yes")), t(N_("no"))
        rows: list[Sequence[Any]] = [
            (
                pair.id,
                self.name(pair.mentor_id),
                self.name(pair.mentee_id),
                self.form(pair.form, t),
                pair.cycle_number,
                pair.started_on,
                pair.ended_on,
                self.pair_status(pair),
                pair.end_reason,
                yes if pair.directive else no,
                held[pair.id],
                pair.results,
                yes if pair.good_practice else no,
            )
            for pair in self.data.pairs
        ]
        return Sheet(t(SHEET_PAIRS), columns, rows)

    def meetings_sheet(self) -> Sheet:
        # The two large sheets wrap only what may run long: a styled cell costs several
        # times a plain one, and names and kinds fit their columns.
        t = self.t
        columns = [
            Column(t(N_("Meeting No.")), 11),
            Column(t(N_("Pair No.")), 9),
            Column(t(N_("Mentor")), 28),
            Column(t(N_("Mentee")), 28),
            Column(t(N_("Kind of meeting")), 22),
            Column(t(N_("Status")), 18),
            Column(t(N_("Date and time ({zone})")).format(zone=self.zone), 17, ColumnKind.DATETIME),
            Column(t(N_("Format")), 12),
            Column(t(N_("Place or link")), 30, ColumnKind.WRAP),
            Column(t(N_("Reason for cancelling")), 28, ColumnKind.WRAP),
        ]
        kinds = {code: t(msgid) for code, msgid in KIND_TITLES.items()}
        statuses = {code: t(msgid) for code, msgid in STATUS_TITLES.items()}
        formats = {code: t(msgid) for code, msgid in FORMAT_TITLES.items()}
        reasons = {code: t(msgid) for code, msgid in CANCEL_REASONS.items()}
        rows: list[Sequence[Any]] = []
        for meeting in self.data.meetings:
            if meeting.cancel_reason == SUPERSEDED:
                continue
            pair = self.pairs[meeting.pair_id]
            reason = meeting.cancel_reason
            rows.append(
                (
                    meeting.id,
                    pair.id,
                    self.name(pair.mentor_id),
                    self.name(pair.mentee_id),
                    kinds.get(meeting.kind, meeting.kind),
                    statuses.get(meeting.status, meeting.status),
                    self.local(meeting.starts_at),
                    formats.get(meeting.meeting_format, meeting.meeting_format),
                    meeting.place,
                    reasons.get(reason, reason) if reason else None,
                )
            )
        return Sheet(t(SHEET_MEETINGS), columns, rows)

    def feedback_sheet(self) -> Sheet:
        t = self.t
        questions = {q.key: q for q in MEETING_FEEDBACK.questions}
        keys = ("usefulness", "worked_on", "went_well", "to_change", "comment")
        columns = [
            Column(t(N_("Meeting No.")), 11),
            Column(t(N_("Pair No.")), 9),
            Column(
                t(N_("Meeting date and time ({zone})")).format(zone=self.zone),
                17,
                ColumnKind.DATETIME,
            ),
            Column(t(N_("Kind of meeting")), 20),
            Column(t(N_("Who answered")), 14),
            Column(t(N_("Name")), 28),
            *(
                Column(
                    t(questions[key].label or questions[key].text),
                    12 if key == "usefulness" else 32,
                    ColumnKind.TEXT if key == "usefulness" else ColumnKind.WRAP,
                )
                for key in keys
            ),
        ]
        meetings = {m.id: m for m in self.data.meetings}
        kinds = {code: t(msgid) for code, msgid in KIND_TITLES.items()}
        sides = {"mentor": t(N_("mentor")), "mentee": t(N_("mentee"))}
        rows: list[Sequence[Any]] = []
        for answer in self.data.feedback:
            meeting = meetings[answer.meeting_id]
            person = self.people[answer.participant_id]
            values: list[Any] = []
            for key in keys:
                value = answer.answers.get(key)
                if value is None:
                    values.append(None)
                elif key == "usefulness" and isinstance(value, int):
                    values.append(value)
                else:
                    values.append(format_answer(questions[key], value, t))
            rows.append(
                (
                    meeting.id,
                    meeting.pair_id,
                    self.local(meeting.starts_at),
                    kinds.get(meeting.kind, meeting.kind),
                    sides.get(person.role, person.role),
                    self.name(person.id),
                    *values,
                )
            )
        return Sheet(t(SHEET_FEEDBACK), columns, rows)

    def monitoring_sheet(self) -> Sheet:
        t = self.t
        columns = [
            Column(t(N_("Form of mentorship")), 24, ColumnKind.WRAP),
            Column(t(N_("Questionnaire")), 28, ColumnKind.WRAP),
            Column(t(N_("Parameter")), 40, ColumnKind.WRAP),
            Column(t(N_("Answered before and after")), 14),
            Column(t(N_("Average before")), 12, ColumnKind.DECIMAL),
            Column(t(N_("Average after")), 12, ColumnKind.DECIMAL),
            Column(t(N_("Change")), 12, ColumnKind.DECIMAL),
        ]
        rows: list[Sequence[Any]] = []
        for row in self.data.monitoring:
            questionnaire = MONITORING_FORMS.get(row.questionnaire)
            rows.append(
                (
                    self.form(row.form, t) if row.form else t(N_("All forms")),
                    t(questionnaire.title) if questionnaire else row.questionnaire,
                    t(row.label),
                    row.answered_both,
                    row.before,
                    row.after,
                    row.change,
                )
            )
        if not rows:
            rows.append((t(N_("Nobody has answered the monitoring both before and after yet.")),))
        rows.append(())
        rows.append(
            (
                t(
                    N_(
                        "Only participants who answered both before entering and after "
                        "completing the programme are counted."
                    )
                ),
            )
        )
        return Sheet(t(SHEET_MONITORING), columns, rows)

    def indicators_sheet(self) -> Sheet:
        t = self.t
        columns = [
            Column(t(N_("Indicator")), 48, ColumnKind.WRAP),
            Column(t(N_("Count")), 12),
            Column(t(N_("Out of")), 12),
            Column(t(N_("Share")), 10, ColumnKind.PERCENT),
            Column(t(N_("Target")), 10, ColumnKind.PERCENT),
            Column("", 12),
            Column("", 12),
        ]
        sheet = Sheet(t(SHEET_INDICATORS), columns)
        indicators = self.data.indicators
        if indicators is None:
            sheet.rows.append((t(N_("The indicators could not be computed.")),))
            return sheet
        for share in indicators.shares:
            sheet.rows.append((t(share.title), share.count, share.total, share.share, share.target))
        sheet.rows.append(())
        sheet.rows.append(
            (
                t(N_("Satisfied means {points} or more out of 10 in the final poll.")).format(
                    points=SATISFIED_FROM
                ),
            )
        )
        sheet.rows.append(
            (t(N_("“Out of” is the number the curator entered; empty when not entered yet.")),)
        )
        sheet.rows.append(())
        sheet.header_rows.add(len(sheet.rows))
        sheet.rows.append(
            (
                t(N_("Stage of the current cycle")),
                t(N_("Invited")),
                t(N_("Consented")),
                t(N_("Questionnaire done")),
                t(N_("Matched")),
                t(N_("In pairs")),
                t(N_("Completed")),
            )
        )
        ordered = sorted(indicators.stages.items(), key=lambda item: (item[0] is not None, item[0]))
        for code, stage in ordered:
            sheet.rows.append(
                (
                    self.form(code, t) if code else t(N_("All forms")),
                    stage.invited,
                    stage.consented,
                    stage.questionnaire_done,
                    stage.matched,
                    stage.in_pairs,
                    stage.completed,
                )
            )
        sheet.rows.append(())
        sheet.header_rows.add(len(sheet.rows))
        sheet.rows.append((t(N_("Meetings and feedback")), t(N_("Count")), t(N_("Out of"))))
        sheet.rows.append(
            (
                t(N_("Meetings held / planned")),
                indicators.meetings_held,
                indicators.meetings_planned,
            )
        )
        sheet.rows.append(
            (
                t(N_("Feedback forms answered / expected")),
                indicators.feedback_answered,
                indicators.feedback_expected,
            )
        )
        return sheet

    def sheets(self) -> list[Sheet]:
        return [
            self.mentor_base(),
            self.mentee_base(),
            self.pairs_sheet(),
            self.meetings_sheet(),
            self.feedback_sheet(),
            self.monitoring_sheet(),
            self.indicators_sheet(),
        ]


# --- the file ------------------------------------------------------------------------------

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


def _header_cells(ws: WriteOnlyWorksheet, values: Sequence[Any]) -> list[Cell]:
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
    """Cell styles made once per sheet and copied onto cells.

    Setting a style attribute on each of hundreds of thousands of cells looks the style up in
    the workbook's tables every time; copying a ready style array is several times cheaper
    (measured by ``bench/export.py``). Dates are written as Excel serial numbers for the same
    reason: openpyxl would otherwise give each date cell a default format first.
    """

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self._ws = ws
        wrap = WriteOnlyCell(ws)
        wrap.alignment = _WRAP
        self._wrap: StyleArray = wrap._style  # type: ignore[attr-defined]
        self._formats: dict[ColumnKind, StyleArray] = {}
        for kind, number_format in NUMBER_FORMATS.items():
            template = WriteOnlyCell(ws)
            template.number_format = number_format
            self._formats[kind] = template._style  # type: ignore[attr-defined]

    def _cell(self, value: Any, style: StyleArray) -> Cell:
        cell = WriteOnlyCell(self._ws, value)
        cell._style = copy(style)  # type: ignore[attr-defined]
        return cell

    def row(self, kinds: Sequence[ColumnKind], values: Sequence[Any]) -> list[Any]:
        """Plain values where no style is needed (the fast path), styled cells elsewhere."""
        out: list[Any] = []
        for kind, value in zip(kinds, values, strict=False):
            if value is None or value == "":
                out.append(None)
            elif isinstance(value, str):
                if kind is ColumnKind.TEXT and "\n" not in value:
                    out.append(value)
                else:
                    out.append(self._cell(value, self._wrap))
            elif kind is ColumnKind.PERCENT and not isinstance(value, float):
                out.append(value)  # a count below a share's header (the stage table) stays one
            elif kind in self._formats and isinstance(value, date | int | float):
                serial = excel_serial(value) if isinstance(value, date) else value
                out.append(self._cell(serial, self._formats[kind]))
            else:
                out.append(value)
        return out


def _write_sheet(workbook: Workbook, sheet: Sheet, taken: set[str]) -> None:
    ws = workbook.create_sheet(_sheet_name(sheet.title, taken))
    for number, column in enumerate(sheet.columns, start=1):
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
    ws.append(_header_cells(ws, [column.title for column in sheet.columns]))
    styles = _Styles(ws)
    # A note under a table may run past the last column: it wraps like text.
    widest = max((len(values) for values in sheet.rows), default=0)
    kinds = [column.kind for column in sheet.columns]
    kinds += [ColumnKind.WRAP] * max(0, widest - len(kinds))
    for index, values in enumerate(sheet.rows):
        if index in sheet.header_rows:
            ws.append(_header_cells(ws, values))
        else:
            ws.append(styles.row(kinds, values))


def render_workbook(data: ExportData, translate: Translate) -> bytes:
    """The workbook as bytes (CPU-bound: run it in a thread)."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in _Book(data, translate).sheets():
        _write_sheet(workbook, sheet, taken)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(organization_id: int, today: date) -> str:
    return f"mentorship_{organization_id}_{today.isoformat()}.xlsx"


# --- the service ---------------------------------------------------------------------------


class ExportService:
    def __init__(
        self,
        repository: ExportRepository,
        organizations: OrganizationRepository,
        indicators: IndicatorService | None,
        monitoring: MonitoringReportService | None,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._organizations = organizations
        self._indicators = indicators
        self._monitoring = monitoring
        self._clock = clock
        # One workbook at a time: the largest takes a core for seconds, and curators pressing
        # /export again and again must not take every core from the bot.
        self._one_at_a_time = asyncio.Semaphore(1)

    async def for_curator(self, telegram_id: int, organization_id: int, locale: str) -> ExportFile:
        """The workbook of the organization this person curates now; anyone else is refused."""
        curator = await self._organizations.curator(telegram_id)
        if curator is None or curator.organization_id != organization_id:
            raise ExportError(ExportProblem.NOT_CURATOR)
        return await self.workbook(organization_id, locale)

    async def workbook(self, organization_id: int, locale: str) -> ExportFile:
        """The workbook of any organization (the command line: the server's administrator)."""
        async with self._one_at_a_time:
            data = await self.collect(organization_id)
            content = await asyncio.to_thread(render_workbook, data, translator(locale))
        return ExportFile(export_filename(organization_id, data.today), content)

    async def collect(self, organization_id: int) -> ExportData:
        organization = await self._organizations.get(organization_id)
        if organization is None:
            raise ExportError(ExportProblem.UNKNOWN_ORGANIZATION)
        own = {
            form.code: form.title
            for form in await self._organizations.forms(organization_id)
            if form.title is not None
        }
        pairs = await self._repository.pairs(organization_id)
        meetings = await self._repository.meetings(organization_id)
        feedback = await self._repository.feedback(organization_id, FEEDBACK_FORM)
        monitoring = await self._monitoring.rows(organization_id) if self._monitoring else []
        indicators = (
            await self._indicators.for_organization(organization_id) if self._indicators else None
        )
        # Read last, in one statement: the people that everything else must still belong to.
        participants = await self._repository.participants(organization_id)
        pairs, meetings, feedback = keep_present(participants, pairs, meetings, feedback)
        return ExportData(
            organization=organization,
            form_titles=own,
            participants=participants,
            pairs=pairs,
            meetings=meetings,
            feedback=feedback,
            monitoring=monitoring,
            indicators=indicators,
            today=utc_to_local(self._clock.now(), organization.timezone).date(),
        )


def build_export_service(db: Database, clock: Clock) -> ExportService:
    """The service with its own repositories: the bot's factory and the command line (which
    must not import aiogram to stay quick) build it the same way."""
    organizations = OrganizationRepository(db)
    reports = ReportRepository(db)
    indicators = IndicatorService(
        reports, DenominatorRepository(db), CoordinatorRepository(db), organizations, clock
    )
    return ExportService(
        ExportRepository(db), organizations, indicators, MonitoringReportService(reports), clock
    )
