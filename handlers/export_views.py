"""The views of /export: the choice of the period, the notices and the workbook itself
(handlers/export.py acts)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.models.periods import Period, PeriodKind
from bot.reports.period_text import CycleSpan, day_text
from bot.screens import Attachment, Rows, Screen

# The key of the workbook in the period picker's buttons (handlers/period_picker.py).
EXPORT_REPORT = "ex"


def other_organization() -> Screen:
    return Screen(
        _(
            "You can export only the data of the organization you curate. "
            "Send /export without a number to get it."
        )
    )


def choose_period(organization: str, rows: Rows) -> Screen:
    """The first screen of /export: the period is chosen before the file is made."""
    return Screen(
        _(
            "<b>Excel workbook</b>\n{name}\n\n"
            "Which period? The registers, pairs, meetings, feedback, monitoring and indicators "
            "will be of it. The first button is the current cycle."
        ).format(name=quote(organization)),
        rows,
    )


def preparing(period: str) -> Screen:
    return Screen(
        _("Preparing the workbook for {period}: it may take a few seconds.").format(
            period=quote(period)
        )
    )


def organization_gone() -> Screen:
    return Screen(_("This organization no longer exists."))


def cycle_gone() -> Screen:
    return Screen(_("This cycle is not one of your organization's. Please send /export again."))


def cli_period(period: Period, span: CycleSpan | None) -> str:
    """The same period as ``python -m bot export`` options."""
    if period.kind is PeriodKind.CYCLE:
        return f" --cycle {span.number}" if period.cycle_id is not None and span else ""
    assert period.start is not None and period.end is not None
    if period.kind is PeriodKind.SCHOOL_YEAR:
        return f" --school-year {period.start.year}"
    if period.kind is PeriodKind.CALENDAR_YEAR:
        return f" --year {period.start.year}"
    return f" --from {day_text(period.start)} --to {day_text(period.end)}"


def too_large(organization_id: int, period: Period, span: CycleSpan | None) -> Screen:
    return Screen(
        _(
            "The workbook is larger than Telegram allows a bot to send (50 MB). Ask the "
            "administrator to make it on the server: python -m bot export --org {org}"
            "{period} --out report.xlsx"
        ).format(org=organization_id, period=cli_period(period, span))
    )


def workbook_screen(content: bytes, filename: str, period: str) -> Screen:
    return Screen(
        _("Period: {period}.").format(period=quote(period))
        + "\n"
        + _(
            "The mentor base and the mentee base (appendices 2.2 and 2.3), pairs, meetings, "
            "feedback, monitoring and indicators. Dates are in the organization's time zone."
        ),
        attachment=Attachment(filename, content),
    )
