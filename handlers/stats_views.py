"""The views of /stats and /indicators: button data, numbers in the reader's locale, the
indicators as messages, the chart's bars, monitoring, the denominators and targets
(handlers/stats.py reads the figures and sends them)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.models.reports import DenominatorRow
from bot.reports.indicator_figures import SHARE_KEYS, SHARE_TITLES, Indicators
from bot.reports.monitoring import MonitoringRow
from bot.reports.targets import DENOMINATOR_TITLES, InputProblem
from bot.screens import Attachment, Button, Screen
from dialogs.i18n import N_
from handlers.stats_figures import MESSAGE_LIMIT, monitoring_lines, percent, stats_messages
from handlers.texts import split_message

TARGET_PREFIX = "t_"


class StatsPage(StrEnum):
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


def organization_rows(covered: int) -> tuple[tuple[Button, ...], ...]:
    rows: list[tuple[Button, ...]] = [
        (
            Button(
                _("Monitoring: before and after"),
                data=StatsView(view=StatsPage.MONITORING).pack(),
            ),
        )
    ]
    if covered:
        rows.append(
            (
                Button(
                    _("Summary of the organizations I cover ({count})").format(count=covered),
                    data=StatsView(view=StatsPage.SUMMARY).pack(),
                ),
            )
        )
    return tuple(rows)


def organization_heading(name: str) -> str:
    return _("<b>Statistics of the current cycle</b>\n{name}").format(name=quote(name))


def summary_heading(count: int) -> str:
    return _("<b>Summary of the current cycles</b>\nOrganizations: {count}").format(count=count)


def summary_chart_title(count: int) -> str:
    return _("Summary: {count}").format(count=count)


def indicators_screens(
    indicators: Indicators,
    heading: str,
    own_titles: dict[str, str],
    locale: str,
    rows: tuple[tuple[Button, ...], ...],
    png: bytes,
) -> list[Screen]:
    """The figures in as few messages as Telegram allows, the buttons under the last part
    (where the reader ends up), then the chart."""
    texts = stats_messages(indicators, heading, own_titles, locale)
    screens = [
        Screen(text, rows if number == len(texts) else ())
        for number, text in enumerate(texts, start=1)
    ]
    screens.append(
        Screen(
            _("Each indicator against its target (the red mark)."),
            attachment=Attachment("indicators.png", png, photo=True),
        )
    )
    return screens


def monitoring_screens(
    rows: list[MonitoringRow], own_titles: dict[str, str], locale: str
) -> list[Screen]:
    if not rows:
        return [
            Screen(
                _(
                    "Monitoring: nobody has answered the survey both before and after the "
                    "programme yet. The results appear when pairs complete the cycle."
                )
            )
        ]
    text = "\n".join(monitoring_lines(rows, own_titles, locale))
    return [Screen(part) for part in split_message(text, MESSAGE_LIMIT)]


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
