"""The per-school table as a sheet of the coordinator's workbook, in the coordinator's language:
one row per school, worst first, with its mark, stage counts, meetings and every share with its
count, denominator and target."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.reports.indicator_figures import SHARE_KEYS, SHARE_TITLES
from bot.reports.schools import (
    MARK_TITLES,
    SATISFACTION_SHARES,
    SchoolTable,
    Translate,
    mark_rule,
    period_name,
    reasons_text,
)
from bot.reports.workbook import Column, ColumnKind, Sheet
from dialogs.final_poll import SATISFIED_FROM
from dialogs.i18n import N_

SHEET_SCHOOLS = N_("Organizations")


def schools_sheet(table: SchoolTable, t: Translate, locale: str) -> Sheet:
    columns = [
        Column(t(N_("Organization")), 32, ColumnKind.WRAP),
        Column(t(N_("Mark")), 14, ColumnKind.WRAP),
        Column(t(N_("Why")), 30, ColumnKind.WRAP),
        Column(t(N_("Invited")), 10),
        Column(t(N_("Consented")), 10),
        Column(t(N_("Questionnaire done")), 12),
        Column(t(N_("Matched")), 10),
        Column(t(N_("In pairs")), 10),
        Column(t(N_("Completed")), 10),
        Column(t(N_("Pairs")), 9),
        Column(t(N_("Meetings held")), 10),
        Column(t(N_("Meetings planned")), 10),
        Column(t(N_("Held of planned")), 10, ColumnKind.PERCENT),
        Column(t(N_("Pupils 10–19: needed by now")), 12, ColumnKind.PERCENT),
    ]
    for key in SHARE_KEYS:
        title = t(SHARE_TITLES[key])
        columns += [
            Column(t(N_("{indicator}: count")).format(indicator=title), 14, ColumnKind.WRAP),
            Column(t(N_("{indicator}: out of")).format(indicator=title), 14, ColumnKind.WRAP),
            Column(t(N_("{indicator}: share")).format(indicator=title), 14, ColumnKind.PERCENT),
            Column(t(N_("{indicator}: target")).format(indicator=title), 14, ColumnKind.PERCENT),
        ]
        if key in SATISFACTION_SHARES:
            columns.append(
                Column(t(N_("{indicator}: answered")).format(indicator=title), 14, ColumnKind.WRAP)
            )
    rows: list[Sequence[Any]] = []
    for row in table.rows:
        values: list[Any] = [
            row.name,
            t(MARK_TITLES[row.mark]),
            reasons_text(row, t, locale),
            row.stages.invited,
            row.stages.consented,
            row.stages.questionnaire_done,
            row.stages.matched,
            row.stages.in_pairs,
            row.stages.completed,
            row.pairs,
            row.meetings_held,
            row.meetings_planned,
            row.meetings_share,
            row.needed,
        ]
        for key in SHARE_KEYS:
            share = row.share(key)
            values += [share.count, share.total, share.share, share.target]
            if key in SATISFACTION_SHARES:
                values.append(share.answered)
        rows.append(values)
    if not table.rows:
        rows.append((t(N_("No organizations.")),))
    rows.append(())
    rows.append((t(N_("Period: {period}.")).format(period=period_name(table.period, t)),))
    rows.append((mark_rule(t, locale),))
    rows.append(
        (
            t(N_("Satisfied means {points} or more out of 10 in the final poll.")).format(
                points=SATISFIED_FROM
            ),
        )
    )
    rows.append((t(N_("“Out of” is the number the curator entered; empty when not entered yet.")),))
    rows.append(
        (
            t(
                N_(
                    "For satisfaction, “out of” is every mentee (mentor) of the pairs that "
                    "completed the programme in the period, and “answered” how many of them "
                    "answered the final poll."
                )
            ),
        )
    )
    return Sheet(t(SHEET_SCHOOLS), columns, rows)
