"""The curator's sheets of results, in their language: monitoring before and after, and the
indicators of the export's period."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.reports.export_book import ExportBook
from bot.reports.period_text import day_text, period_label
from bot.reports.workbook import Column, ColumnKind, Sheet
from bot.schedule import utc_to_local
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
    t = book.t
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
    indicators = book.data.indicators
    if indicators is None:
        sheet.rows.append((t(N_("The indicators could not be computed.")),))
        return sheet
    period = period_label(book.data.period, t, book.data.cycle)
    sheet.rows.append((t(N_("Period: {period}")).format(period=period),))
    if indicators.as_of is not None:
        closed = utc_to_local(indicators.as_of, book.data.organization.timezone)
        sheet.rows.append(
            (
                t(N_("The figures as they were when the cycle closed ({day}).")).format(
                    day=day_text(closed.date())
                ),
            )
        )
    if indicators.target_year is not None:
        sheet.rows.append((t(N_("Targets of {year}.")).format(year=indicators.target_year),))
    sheet.rows.append(())
    for share in indicators.shares:
        sheet.rows.append((t(share.title), share.count, share.total, share.share, share.target))
        if share.completed is not None and share.completed_title is not None:
            completed_share = share.completed / share.total if share.total else None
            sheet.rows.append((t(share.completed_title), share.completed, share.total,
                               completed_share))  # fmt: skip
        if share.answered is not None:
            sheet.rows.append((t(N_("Answered the final poll")), share.answered, share.total,
                               share.response_rate))  # fmt: skip
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
            t(N_("Stage")),
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
