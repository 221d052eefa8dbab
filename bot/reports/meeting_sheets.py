"""The curator's sheets of the work itself, in their language: pairs, meetings and the
feedback on meetings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.models.exports import ExportPair
from bot.models.pairs import WITHDRAWN
from bot.reports.export_book import ExportBook
from bot.reports.workbook import Column, ColumnKind, Sheet
from dialogs.answer_display import format_answer
from dialogs.feedback import MEETING_FEEDBACK
from dialogs.i18n import N_

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
# The stored text of a withdrawal (bot.models.pairs.WITHDRAWN), written out for extraction.
WITHDRAWN_TITLE = N_("participant withdrew consent")
CANCEL_REASONS = {"moved": N_("moved to another time"), WITHDRAWN: WITHDRAWN_TITLE}
# Reasons a pair ended that the bot wrote itself (the curator's are typed text).
END_REASONS = {WITHDRAWN: WITHDRAWN_TITLE}
# A proposal replaced by a newer one before anyone answered was never a meeting: left out.
SUPERSEDED = "superseded"

SHEET_PAIRS = N_("Pairs")
SHEET_MEETINGS = N_("Meetings")
SHEET_FEEDBACK = N_("Feedback")


def pair_status(book: ExportBook, pair: ExportPair) -> str:
    if pair.completed:
        return book.t(N_("completed the cycle"))
    if pair.ended_on is None:
        return book.t(N_("working"))
    return book.t(N_("ended early"))


def pairs_sheet(book: ExportBook) -> Sheet:
    t = book.t
    held: dict[int, int] = defaultdict(int)
    for meeting in book.data.meetings:
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
            book.name(pair.mentor_id),
            book.name(pair.mentee_id),
            book.form(pair.form, t),
            pair.cycle_number,
            pair.started_on,
            pair.ended_on,
            pair_status(book, pair),
            t(END_REASONS[pair.end_reason]) if pair.end_reason in END_REASONS else pair.end_reason,
            yes if pair.directive else no,
            held[pair.id],
            pair.results,
            yes if pair.good_practice else no,
        )
        for pair in book.data.pairs
    ]
    return Sheet(t(SHEET_PAIRS), columns, rows)


@dataclass
class StreamedSheet:
    """A sheet whose rows are made one by one as they are written (the two large sheets: a
    large school's year of meetings and of answers is never held as rows)."""

    title: str
    columns: list[Column]
    rows: Iterator[Sequence[Any]]


def meetings_sheet(book: ExportBook) -> Sheet:
    sheet = streamed_meetings_sheet(book)
    return Sheet(sheet.title, sheet.columns, list(sheet.rows))


def streamed_meetings_sheet(book: ExportBook) -> StreamedSheet:
    # The two large sheets wrap only what may run long: a styled cell costs several
    # times a plain one, and names and kinds fit their columns.
    t = book.t
    columns = [
        Column(t(N_("Meeting No.")), 11),
        Column(t(N_("Pair No.")), 9),
        Column(t(N_("Mentor")), 28),
        Column(t(N_("Mentee")), 28),
        Column(t(N_("Kind of meeting")), 22),
        Column(t(N_("Status")), 18),
        Column(t(N_("Date and time ({zone})")).format(zone=book.zone), 17, ColumnKind.DATETIME),
        Column(t(N_("Format")), 12),
        Column(t(N_("Place or link")), 30, ColumnKind.WRAP),
        Column(t(N_("Reason for cancelling")), 28, ColumnKind.WRAP),
    ]
    kinds = {code: t(msgid) for code, msgid in KIND_TITLES.items()}
    statuses = {code: t(msgid) for code, msgid in STATUS_TITLES.items()}
    formats = {code: t(msgid) for code, msgid in FORMAT_TITLES.items()}
    reasons = {code: t(msgid) for code, msgid in CANCEL_REASONS.items()}

    def rows() -> Iterator[Sequence[Any]]:
        for meeting in book.data.meetings:
            if meeting.cancel_reason == SUPERSEDED:
                continue
            pair = book.pairs[meeting.pair_id]
            reason = meeting.cancel_reason
            yield (
                meeting.id,
                pair.id,
                book.name(pair.mentor_id),
                book.name(pair.mentee_id),
                kinds.get(meeting.kind, meeting.kind),
                statuses.get(meeting.status, meeting.status),
                book.local(meeting.starts_at),
                formats.get(meeting.meeting_format, meeting.meeting_format),
                meeting.place,
                reasons.get(reason, reason) if reason else None,
            )

    return StreamedSheet(t(SHEET_MEETINGS), columns, rows())


def feedback_sheet(book: ExportBook) -> Sheet:
    sheet = streamed_feedback_sheet(book)
    return Sheet(sheet.title, sheet.columns, list(sheet.rows))


def streamed_feedback_sheet(book: ExportBook) -> StreamedSheet:
    t = book.t
    questions = {q.key: q for q in MEETING_FEEDBACK.questions}
    keys = ("usefulness", "worked_on", "went_well", "to_change", "comment")
    columns = [
        Column(t(N_("Meeting No.")), 11),
        Column(t(N_("Pair No.")), 9),
        Column(
            t(N_("Meeting date and time ({zone})")).format(zone=book.zone),
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
    kinds = {code: t(msgid) for code, msgid in KIND_TITLES.items()}
    sides = {"mentor": t(N_("mentor")), "mentee": t(N_("mentee"))}

    def rows() -> Iterator[Sequence[Any]]:
        # What each answer's row shows of its meeting (not the whole meeting: a large
        # school's year has tens of thousands), gathered when the writer comes to the sheet.
        meetings = {m.id: (m.pair_id, m.starts_at, m.kind) for m in book.data.meetings}
        for answer in book.data.feedback:
            shown = meetings.get(answer.meeting_id)
            if shown is None:
                continue  # its meeting is not on the meetings sheet (the pair is not shown)
            pair_id, starts_at, kind = shown
            person = book.people[answer.participant_id]
            values: list[Any] = []
            for key in keys:
                value = answer.answers.get(key)
                if value is None:
                    values.append(None)
                elif key == "usefulness" and isinstance(value, int):
                    values.append(value)
                else:
                    values.append(format_answer(questions[key], value, t))
            yield (
                answer.meeting_id,
                pair_id,
                book.local(starts_at),
                kinds.get(kind, kind),
                sides.get(person.role, person.role),
                book.name(person.id),
                *values,
            )

    return StreamedSheet(t(SHEET_FEEDBACK), columns, rows())
