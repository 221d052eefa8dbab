"""The curator's sheets of results, in their language: monitoring before and after, and the
indicators of the export's period."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.reports.export_book import ExportBook
from bot.reports.period_text import period_label
from bot.reports.workbook import Column, ColumnKind, Sheet
from dialogs.final_poll import SATISFIED_FROM
from dialogs.i18n import N_
from dialogs.monitoring import MONITORING_FORMS

SHEET_MONITORING = N_("Monitoring")
SHEET_INDICATORS = N_("Indicators")


def monitoring_sheet(book: ExportBook) -> Sheet:
    t = book.t
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
    for row in book.data.monitoring:
        questionnaire = MONITORING_FORMS.get(row.questionnaire)
        rows.append(
            (
                book.form(row.form, t) if row.form else t(N_("All forms")),
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


def indicators_sheet(book: ExportBook) -> Sheet:
    """The indicators of the period: each share against its target; beside an involvement
    share (those who entered the program) those who completed it, beside a satisfaction share
    (of all asked) how many answered the final poll and the response rate; then the people by
    stage and the meetings."""
    t = book.t
    columns = [
        Column(t(N_("Indicator")), 48, ColumnKind.WRAP),
        Column(t(N_("Count")), 12),
        Column(t(N_("Out of")), 12),
        Column(t(N_("Share")), 10, ColumnKind.PERCENT),
        Column(t(N_("Target")), 10, ColumnKind.PERCENT),
        Column(t(N_("Completed the program")), 14),
        Column(t(N_("Answered the final poll")), 14),
        Column(t(N_("Response rate")), 12, ColumnKind.PERCENT),
    ]
    sheet = Sheet(t(SHEET_INDICATORS), columns)
    indicators = book.data.indicators
    if indicators is None:
        sheet.rows.append((t(N_("The indicators could not be computed.")),))
        return sheet
    for share in indicators.shares:
        row: tuple[Any, ...] = (t(share.title), share.count, share.total, share.share, share.target)
        if share.answered is not None:
            row += (None, share.answered, share.response_rate)
        else:
            row += (share.completed,)
        sheet.rows.append(row)
    sheet.rows.append(())
    notes = [
        N_(
            "“Count” is those who entered the program in the period (their pair started in "
            "it); “Completed the program”, those who completed it in the period."
        ),
        N_("Satisfied means {points} or more out of 10 in the final poll."),
        N_(
            "Satisfaction is a share of all mentees (mentors) of the pairs that completed the "
            "program in the period, answered or not; “Answered the final poll” is how many of "
            "them answered it."
        ),
        N_("“Out of” is the number the curator entered; empty when not entered yet."),
    ]
    sheet.rows += [(t(note).format(points=SATISFIED_FROM),) for note in notes]
    if indicators.target_year is not None:
        sheet.rows.append(
            (t(N_("The targets are those of {year}.")).format(year=indicators.target_year),)
        )
    if indicators.snapshot:
        sheet.rows.append((t(N_("The figures as they were stored when the cycle closed.")),))
    period = period_label(book.data.period, t, book.data.cycle)
    sheet.rows.append((t(N_("Period: {period}")).format(period=period),))
    sheet.rows.append(
        (t(N_("Mentors whose age is unknown (no year of birth)")), indicators.mentors_age_unknown)
    )
    sheet.rows.append(
        (
            t(N_("Mentors whose year of birth leaves the age 15–19 open")),
            indicators.mentors_age_ambiguous,
        )
    )
    sheet.rows.append(())
    sheet.header_rows.add(len(sheet.rows))
    sheet.rows.append(
        (
            t(N_("People by stage")),
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
                book.form(code, t) if code else t(N_("All forms")),
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
