"""The curator's sheet of the pairs' individual plans: a row per goal with its deadline, how
success will be seen, the activities and the progress, and the plan's status, approval date
and the program's end. In the curator's language (the headings in Russian are the documents'
own words: цель, срок, мероприятия, индивидуальный план)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.reports.export_book import ExportBook
from bot.reports.workbook import Column, ColumnKind, Sheet
from dialogs.i18n import N_
from dialogs.plan import PLAN_STATUS_LABELS, PROGRESS_LABELS, PlanStatus, Progress

SHEET_PLANS = N_("Individual plans")


def plans_sheet(book: ExportBook) -> Sheet:
    t = book.t
    columns = [
        Column(t(N_("Pair No.")), 9),
        Column(t(N_("Mentor")), 28, ColumnKind.WRAP),
        Column(t(N_("Mentee")), 28, ColumnKind.WRAP),
        Column(t(N_("Form of mentorship")), 22, ColumnKind.WRAP),
        Column(t(N_("Goal No.")), 8),
        Column(t(N_("Goal")), 40, ColumnKind.WRAP),
        Column(t(N_("Deadline")), 13, ColumnKind.DATE),
        Column(t(N_("How success will be seen")), 36, ColumnKind.WRAP),
        Column(t(N_("Activities")), 44, ColumnKind.WRAP),
        Column(t(N_("Progress on the goal")), 16, ColumnKind.WRAP),
        Column(t(N_("Status of the plan")), 18, ColumnKind.WRAP),
        Column(t(N_("Date the plan was approved")), 14, ColumnKind.DATE),
        Column(t(N_("End of the program")), 14, ColumnKind.DATE),
    ]
    rows: list[Sequence[Any]] = []
    for version in book.data.plans:
        pair = book.pairs.get(version.pair_id)
        if pair is None:  # not a pair of the export's period
            continue
        status = t(PLAN_STATUS_LABELS[PlanStatus(version.status)])
        approved = (
            book.local_date(version.decided_at)
            if version.status == PlanStatus.APPROVED and version.decided_at is not None
            else None
        )
        for number, goal in enumerate(version.goals, 1):
            progress = Progress(version.progress[number - 1])
            rows.append(
                (
                    pair.id,
                    book.name(pair.mentor_id),
                    book.name(pair.mentee_id),
                    book.form(pair.form, t),
                    number,
                    goal.text,
                    goal.deadline,
                    goal.measure,
                    "\n".join(goal.activities),
                    t(PROGRESS_LABELS[progress]),
                    status,
                    approved,
                    version.program_end,
                )
            )
    return Sheet(t(SHEET_PLANS), columns, rows)
