"""The views of /schools: the per-school table of a coordinator (or an administrator) as pages
of short lines, one school per line with its mark and key figures, worst first; the chart's
bars; the choice of the period and the notices of the combined workbook (handlers/schools.py
reads and sends). Both are reports of the period picker (handlers/period_picker.py): their
buttons carry the period its way."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.models.periods import Period
from bot.reports.indicator_figures import Share
from bot.reports.school_chart import CHART_LIMIT, SchoolBar, SchoolChartTexts
from bot.reports.schools import (
    MARK_TITLES,
    SchoolMark,
    SchoolRow,
    SchoolTable,
    mark_rule,
    reasons_text,
)
from bot.screens import Attachment, Button, Rows, Screen
from handlers.period_views import open_button, page_rows, period_button
from handlers.stats_figures import MESSAGE_LIMIT, number, percent

# At most this many schools on a page (fewer when long names would pass a message's limit).
PAGE_SIZE = 10

ICONS = {SchoolMark.NOT_STARTED: "⚪", SchoolMark.BEHIND: "🟠", SchoolMark.ON_TRACK: "🟢"}

# The keys of the table and of the combined workbook in the period picker's buttons.
SCHOOLS_REPORT = "sc"
REGION_EXPORT_REPORT = "exs"
# The buttons of the table before it took the picker's period (answered with the current
# cycles): a page, the workbook.
OLD_SCHOOLS_PAGE = "sch1:page:"
OLD_SCHOOLS_WORKBOOK = "sch1:book:"


def schools_button(period: Period) -> Button:
    """The button to this table for the same period (under the coordinator's summary)."""
    return open_button(_("Each organization"), SCHOOLS_REPORT, period)


# --- the lines ---------------------------------------------------------------------------


def _translate(msgid: str) -> str:
    return _(msgid)


def mark_text(row: SchoolRow, locale: str) -> str:
    mark = _(MARK_TITLES[row.mark])
    return f"{mark}: {reasons_text(row, _translate, locale)}" if row.reasons else mark


def _share(value: float | None, locale: str) -> str:
    return "—" if value is None else percent(value, locale)


def _involvement(row: SchoolRow, locale: str) -> str:
    share = row.key_share
    if share.share is None:
        return _("the number of pupils is not entered")
    if row.needed < share.target:
        return _("{share} (target {target}, by now {needed})").format(
            share=percent(share.share, locale),
            target=percent(share.target, locale),
            needed=percent(row.needed, locale),
        )
    return _("{share} (target {target})").format(
        share=percent(share.share, locale), target=percent(share.target, locale)
    )


def _satisfaction(share: Share, locale: str) -> str:
    """The satisfied of all asked (the pairs completed in the period), with how many answered
    beside it; a dash while no pair has completed."""
    if share.share is None:
        return _("— (target {target})").format(target=percent(share.target, locale))
    return _("{share} (answered {answered}, target {target})").format(
        share=percent(share.share, locale),
        answered=_share(share.response_rate, locale),
        target=percent(share.target, locale),
    )


def school_line(row: SchoolRow, locale: str) -> str:
    icon, name = ICONS[row.mark], quote(row.name)
    if row.mark is SchoolMark.NOT_STARTED:
        return f"{icon} <b>{name}</b> — {mark_text(row, locale)}"
    mentees, mentors = row.share("satisfied_mentees"), row.share("satisfied_mentors")
    return _(
        "{icon} <b>{name}</b> — {mark}. People: {invited}, pairs: {pairs}, completed: "
        "{completed}; meetings: {held} of {planned}; pupils 10–19: {involved}; satisfied "
        "mentees: {mentees}; satisfied mentors: {mentors}"
    ).format(
        icon=icon,
        name=name,
        mark=mark_text(row, locale),
        invited=number(row.stages.invited, locale),
        pairs=number(row.pairs, locale),
        completed=number(row.stages.completed, locale),
        held=number(row.meetings_held, locale),
        planned=number(row.meetings_planned, locale),
        involved=_involvement(row, locale),
        mentees=_satisfaction(mentees, locale),
        mentors=_satisfaction(mentors, locale),
    )


def heading(table: SchoolTable, label: str, locale: str) -> str:
    return _(
        "<b>Organizations, the ones behind first</b>\n"
        "Period: {period}. Organizations: {count} — not started {not_started}, behind "
        "{behind}, on track {on_track}."
    ).format(
        period=quote(label),
        count=number(len(table.rows), locale),
        not_started=number(table.count(SchoolMark.NOT_STARTED), locale),
        behind=number(table.count(SchoolMark.BEHIND), locale),
        on_track=number(table.count(SchoolMark.ON_TRACK), locale),
    )


def pages(lines: list[str], room: int, size: int = PAGE_SIZE) -> list[tuple[int, int]]:
    """The lines' pages as (first, past the last): at most ``size`` lines and ``room``
    characters each (a line longer than the room still gets a page of its own)."""
    found: list[tuple[int, int]] = []
    first, used = 0, 0
    for index, line in enumerate(lines):
        cost = len(line) + 2
        if index > first and (index - first >= size or used + cost > room):
            found.append((first, index))
            first, used = index, 0
        used += cost
    if first < len(lines) or not found:
        found.append((first, len(lines)))
    return found


def table_screen(table: SchoolTable, page: int, label: str, locale: str) -> Screen:
    """A page of the table (clamped to the pages there are) with ‹ ›, the workbook and the
    choice of the period (``label``: the period in words)."""
    top = heading(table, label, locale)
    rule = mark_rule(_translate, locale)
    lines = [school_line(row, locale) for row in table.rows]
    spans = pages(lines, MESSAGE_LIMIT - len(top) - len(rule) - 80)
    page = min(max(page, 0), len(spans) - 1)
    first, last = spans[page]
    parts = [top]
    if len(spans) > 1:
        parts.append(_("Page {page} of {pages}.").format(page=page + 1, pages=len(spans)))
    parts.append("")
    parts += [
        f"{number(first + i + 1, locale)}. {line}" for i, line in enumerate(lines[first:last])
    ]
    parts += ["", f"<i>{rule}</i>"]
    book = open_button(
        _("Excel workbook: registers and this table"), REGION_EXPORT_REPORT, table.period
    )
    rows: Rows = (
        *page_rows(SCHOOLS_REPORT, table.period, page, len(spans)),
        (book,),
        (period_button(SCHOOLS_REPORT, table.period, label),),
    )
    return Screen("\n".join(parts), rows)


# --- the chart ---------------------------------------------------------------------------


def chart_bars(table: SchoolTable, locale: str) -> list[SchoolBar]:
    """The worst :data:`CHART_LIMIT` schools' bars, in the table's order."""
    bars: list[SchoolBar] = []
    for row in table.rows[:CHART_LIMIT]:
        share = row.key_share
        shown = _share(share.share, locale) if share.total is not None else _("no number")
        bars.append(
            SchoolBar(
                label=row.name,
                mark=row.mark,
                share=share.share,
                target=share.target,
                needed=row.needed,
                note=f"{shown} · {_(MARK_TITLES[row.mark])}",
            )
        )
    return bars


def chart_texts(label: str) -> SchoolChartTexts:
    return SchoolChartTexts(
        title=_("Pupils aged 10–19 who entered as mentees: {period}").format(period=label),
        value_label=_("share, %"),
        target=_("target"),
        needed=_("needed by now"),
        marks={mark: _(title) for mark, title in MARK_TITLES.items()},
    )


def chart_screen(png: bytes, table: SchoolTable, locale: str) -> Screen:
    total = len(table.rows)
    if total > CHART_LIMIT:
        text = _(
            "The organizations furthest behind ({shown} shown of {total}): the share of pupils "
            "aged 10–19 who entered as mentees against its target (the red mark) and what is "
            "needed by now (the dashed mark). All of them are in the table above and in the "
            "workbook."
        ).format(shown=number(CHART_LIMIT, locale), total=number(total, locale))
    else:
        text = _(
            "The share of pupils aged 10–19 who entered as mentees against its target (the "
            "red mark) and what is needed by now (the dashed mark), the ones behind first."
        )
    return Screen(text, attachment=Attachment("schools.png", png, photo=True))


# --- refusals and the workbook ----------------------------------------------------------


def refusal(curator: bool) -> str:
    if curator:
        return _(
            "The table of organizations is for municipal coordinators and the bot's "
            "administrators. Your organization's figures are in /stats, its workbook in "
            "/export."
        )
    return _(
        "The table of organizations is for municipal coordinators and the bot's administrators."
    )


def choose_period(count: int, rows: Rows) -> Screen:
    """The first screen of a coordinator's /export: the period is chosen before the file is
    made."""
    return Screen(
        _(
            "<b>Excel workbook of the organizations you cover</b>\n"
            "Organizations: {count}\n\n"
            "Which period? The mentor base and the mentee base of the organizations and the "
            "table of their indicators will be of it. The first button is the current cycle "
            "(of each organization)."
        ).format(count=count),
        rows,
    )


def preparing(label: str) -> Screen:
    return Screen(
        _(
            "Preparing the workbook of all your organizations for {period}: it may take a minute."
        ).format(period=quote(label))
    )


def one_workbook() -> Screen:
    return Screen(
        _(
            "Send /export without a number: it makes one workbook of all the organizations "
            "you cover. The table of organizations is in /schools."
        )
    )


def too_large() -> Screen:
    return Screen(
        _(
            "The workbook is larger than Telegram allows a bot to send (50 MB). Ask the "
            "administrator for it, or ask for a shorter period."
        )
    )


def workbook_screen(content: bytes, filename: str, label: str) -> Screen:
    return Screen(
        _("Period: {period}.").format(period=quote(label))
        + "\n"
        + _(
            "The mentor base and the mentee base of all your organizations (appendices 2.2 "
            "and 2.3, with the organization in the first column) and the table of the "
            "organizations' indicators."
        ),
        attachment=Attachment(filename, content),
    )
