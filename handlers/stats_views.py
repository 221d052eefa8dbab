"""The views of /stats and /indicators: button data, numbers in the reader's locale, the
indicators as messages, the chart's bars, monitoring, the denominators and targets
(handlers/stats.py reads the figures and sends them)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.models.periods import Period
from bot.models.reports import DenominatorRow
from bot.reports.indicator_figures import SHARE_KEYS, SHARE_TITLES, Indicators
from bot.reports.monitoring import MonitoringRow
from bot.reports.targets import DENOMINATOR_TITLES, InputProblem
from bot.screens import Attachment, Button, Rows, Screen
from dialogs.i18n import N_
from handlers.period_views import capitalized, open_button, period_button
from handlers.school_views import schools_button
from handlers.stats_figures import MESSAGE_LIMIT, monitoring_lines, percent, stats_messages
from handlers.texts import split_message

TARGET_PREFIX = "t_"

# The keys of the reports of /stats in the period picker's buttons (handlers/period_picker.py).
STATS_REPORT = "st"
SUMMARY_REPORT = "su"
MONITORING_REPORT = "mo"
# The monitoring's default: the latest cycle with answers "after" (bot/reports/monitoring.py).
MONITORING_LATEST = N_("the latest cycle with results")


class StatsPage(StrEnum):
    # Buttons of earlier versions (now the period picker's): answered for the current cycle.
    MONITORING = "monitoring"
    SUMMARY = "summary"
    ORGANIZATION = "organization"


class StatsView(CallbackData, prefix="st1"):
    view: StatsPage


class IndicatorEdit(CallbackData, prefix="ind1"):
    field: str  # a denominator name, or "t_" + an indicator key for its target


def refusal() -> str:
    return _(
        "The statistics are for the curator of an organization, a municipal coordinator or "
        "the bot's administrators. If you are a mentor or a mentee, your meetings are in "
        "/meetings."
    )


def field_prompt(field: str) -> str | None:
    if field in DENOMINATOR_TITLES:
        return _(
            "{title}: how many are there in the organization? Type a whole number from 0 to "
            "1 000 000."
        ).format(title=_(DENOMINATOR_TITLES[field]))
    key = field.removeprefix(TARGET_PREFIX)
    if field.startswith(TARGET_PREFIX) and key in SHARE_TITLES:
        return _("{title}: the target in percent, from 1 to 100 (for example: 70).").format(
            title=_(SHARE_TITLES[key])
        )
    return None


PROBLEMS = {
    InputProblem.NOT_A_NUMBER: N_("Please type a whole number, for example: 850."),
    InputProblem.OUT_OF_RANGE: N_("This number is out of range. Please check it."),
}
TARGET_PROBLEMS = {
    InputProblem.NOT_A_NUMBER: N_("Please type the target in percent, for example: 70."),
    InputProblem.OUT_OF_RANGE: N_("The target should be from 1 to 100 percent."),
}


def organization_rows(covered: int, period: Period, label: str) -> Rows:
    """Under the organization's figures: its monitoring and the summary of the organizations
    this curator also covers, for the same period, and the choice of the period."""
    rows: list[tuple[Button, ...]] = [
        (open_button(_("Monitoring: before and after"), MONITORING_REPORT, period),)
    ]
    if covered:
        rows.append(
            (
                open_button(
                    _("Summary of the organizations I cover ({count})").format(count=covered),
                    SUMMARY_REPORT,
                    period,
                ),
            )
        )
    rows.append((period_button(STATS_REPORT, period, label),))
    return tuple(rows)


def summary_rows(period: Period, label: str) -> Rows:
    """Under the summary: the table of the organizations for the same period (/schools), and
    the choice of the period."""
    return ((schools_button(period),), (period_button(SUMMARY_REPORT, period, label),))


def monitoring_rows(period: Period, label: str) -> Rows:
    return ((period_button(MONITORING_REPORT, period, label),),)


def organization_heading(name: str, period: str) -> str:
    return _("<b>Statistics: {period}</b>\n{name}").format(period=quote(period), name=quote(name))


def organization_continued(period: str) -> str:
    return _("<i>Statistics: {period} (continued)</i>").format(period=quote(period))


def summary_heading(count: int, period: str) -> str:
    return _("<b>Summary of the organizations: {period}</b>\nOrganizations: {count}").format(
        period=quote(period), count=count
    )


def summary_continued(period: str) -> str:
    return _("<i>Summary of the organizations: {period} (continued)</i>").format(
        period=quote(period)
    )


def summary_chart_title(count: int) -> str:
    return _("Summary: {count}").format(count=count)


def chart_caption(period: str) -> str:
    return _("{period}: each indicator against its target (the red mark).").format(
        period=quote(capitalized(period))
    )


def indicators_screens(
    indicators: Indicators,
    heading: str,
    continued: str,
    own_titles: dict[str, str],
    locale: str,
    rows: Rows,
    png: bytes,
    period: str,
) -> list[Screen]:
    """The figures in as few messages as Telegram allows, the buttons under the last part
    (where the reader ends up), then the chart; each says the period in its first line."""
    texts = stats_messages(indicators, heading, own_titles, locale, continued)
    screens = [
        Screen(text, rows if number == len(texts) else ())
        for number, text in enumerate(texts, start=1)
    ]
    screens.append(
        Screen(chart_caption(period), attachment=Attachment("indicators.png", png, photo=True))
    )
    return screens


def monitoring_screens(
    rows: list[MonitoringRow],
    own_titles: dict[str, str],
    locale: str,
    period: str,
    buttons: Rows = (),
) -> list[Screen]:
    if not rows:
        return [
            Screen(
                _(
                    "<b>Monitoring before and after the programme: {period}</b>\n"
                    "Nobody has answered the survey both before and after the programme in "
                    "this period yet. The results appear when pairs complete the cycle."
                ).format(period=quote(period)),
                buttons,
            )
        ]
    text = "\n".join(monitoring_lines(rows, own_titles, locale, period))
    parts = split_message(text, MESSAGE_LIMIT)
    continued = _("<i>Monitoring: {period} (continued)</i>").format(period=quote(period))
    return [
        Screen(
            part if number == 1 else f"{continued}\n\n{part}",
            buttons if number == len(parts) else (),
        )
        for number, part in enumerate(parts, start=1)
    ]


def outdated_stats() -> str:
    return _("This button is outdated: /stats")


def outdated_indicators() -> str:
    return _("This button is outdated: /indicators")


def indicators_screen(
    row: DenominatorRow | None,
    targets: dict[str, float],
    current_year: int,
    locale: str,
    saved: bool = False,
) -> Screen:
    year = row.school_year if row else current_year
    lines = [_("Saved.") + "\n"] if saved else []
    lines += [
        _("<b>Numbers to compare with</b> (school year {start}/{end})").format(
            start=year, end=year + 1
        ),
        _("The shares of the indicators are counted against these numbers of your organization."),
    ]
    buttons: list[Button] = []
    for name, title in DENOMINATOR_TITLES.items():
        value = row.values.get(name) if row else None
        shown = str(value) if value is not None else _("not entered")
        lines.append(f"• {_(title)}: {shown}")
        buttons.append(Button(f"{_(title)}: {shown}", data=IndicatorEdit(field=name).pack()))
    lines += ["", _("<b>Targets</b> (federal ones unless you changed them)")]
    for key in SHARE_KEYS:
        shown = percent(targets[key], locale)
        lines.append(f"• {_(SHARE_TITLES[key])}: {shown}")
        buttons.append(
            Button(
                _("Target: {title} — {value}").format(title=_(SHARE_TITLES[key]), value=shown),
                data=IndicatorEdit(field=TARGET_PREFIX + key).pack(),
            )
        )
    if row is not None and row.school_year != current_year:
        lines.append("")
        lines.append(_("These are last year's numbers: please check them for this year."))
    lines += ["", _("Press a button to change a number. The statistics: /stats")]
    return Screen("\n".join(lines), tuple((b,) for b in buttons))
