"""The figures of /stats as text in the reader's locale: numbers and shares, the blocks of the
indicators packed into as few messages as Telegram allows, the chart's bars, monitoring."""

from __future__ import annotations

import functools

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, format_percent

from bot.html_text import quote
from bot.models.reports import StageCounts
from bot.reports.chart import ChartBar
from bot.reports.indicator_figures import FormFigures, Indicators, Ratio, Share
from bot.reports.indicators import OWN_FORMS
from bot.reports.monitoring import MonitoringRow
from dialogs.forms import FORM_TITLES, FederalForm
from handlers.texts import split_message

MESSAGE_LIMIT = 3800  # Telegram allows 4096 characters; leave room for the markup


# --- formatting -------------------------------------------------------------------------


@functools.cache
def _percent_pattern(locale: str) -> str:
    # The locale's own pattern (Russian puts a no-break space before %), to a tenth of a percent
    # so that 2 of 1,400 is not shown as 0.
    try:
        pattern = str(Locale.parse(locale).percent_formats[None].pattern)
    except (UnknownLocaleError, ValueError, KeyError):
        return "#,##0.#%"
    if pattern.count("0") != 1 or "." in pattern or ";" in pattern:
        return pattern
    return pattern.replace("0", "0.#")


def percent(value: float, locale: str) -> str:
    """A share as a percent in the user's locale: ``66.7%``, ``66,7 %`` in Russian."""
    return format_percent(value, _percent_pattern(locale), locale=locale)


def number(value: int, locale: str) -> str:
    """A count with the locale's grouping: 1,400 or 1 400 (a no-break space) in Russian."""
    return format_decimal(value, locale=locale)


def decimal(value: float, locale: str) -> str:
    return format_decimal(value, "0.0", locale=locale)


def form_title(code: str | None, own_titles: dict[str, str]) -> str:
    if code is None:
        return _("All forms")
    if code == OWN_FORMS:
        return _("Own forms of the organizations")
    if code in own_titles:
        return quote(own_titles[code])
    try:
        return _(FORM_TITLES[FederalForm(code)])
    except ValueError:
        return _("Own form of an organization ({code})").format(code=quote(code))


def stage_line(counts: StageCounts, locale: str) -> str:
    return _(
        "invited {invited}, consented {consented}, questionnaire done {done}, matched "
        "{matched}, in pairs now {pairs}, completed the cycle {completed}"
    ).format(
        invited=number(counts.invited, locale),
        consented=number(counts.consented, locale),
        done=number(counts.questionnaire_done, locale),
        matched=number(counts.matched, locale),
        pairs=number(counts.in_pairs, locale),
        completed=number(counts.completed, locale),
    )


def share_line(share: Share, locale: str, pairs_completed: bool = False) -> str:
    """One indicator: those who entered the program in the period against the number to
    compare with, and beside it those who completed it; a satisfaction share with how many of
    those asked answered the final poll. ``pairs_completed``: pairs did complete the program
    in the period (the other side was asked), so a satisfaction share with nobody asked means
    this side of them withdrew, not that no pair completed."""
    line = _share_value(share, locale, pairs_completed)
    if share.answered is not None and share.total:
        line += "; " + _("answered the final poll: {answered} of {total} ({rate})").format(
            answered=number(share.answered, locale),
            total=number(share.total, locale),
            rate=percent(share.answered / share.total, locale),
        )
    if share.completed is not None and share.completed_title:
        line += f"\n   ◦ {_(share.completed_title)}: {number(share.completed, locale)}"
    return line


def _share_value(share: Share, locale: str, pairs_completed: bool) -> str:
    title = _(share.title)
    target = percent(share.target, locale)
    value = share.share
    if value is not None and share.total is not None:
        return _("• {title}: <b>{share}</b> ({count} of {total}), target {target}").format(
            title=title,
            share=percent(value, locale),
            count=number(share.count, locale),
            total=number(share.total, locale),
            target=target,
        )
    if share.key.startswith("satisfied_") and pairs_completed:
        return _(
            "• {title}: nobody to ask: those of the pairs that completed the program in this "
            "period have withdrawn their consent, target {target}"
        ).format(title=title, target=target)
    if share.key.startswith("satisfied_"):
        return _(
            "• {title}: no pair has completed the program in this period yet, target {target}"
        ).format(title=title, target=target)
    if share.total == 0:
        return _("• {title}: {count}; the number to compare with is 0, target {target}").format(
            title=title, count=number(share.count, locale), target=target
        )
    return _(
        "• {title}: {count}; enter the number to compare with in /indicators, target {target}"
    ).format(title=title, count=number(share.count, locale), target=target)


def ratio_text(ratio: Ratio, locale: str) -> str:
    value = ratio.share
    if value is None:
        return _("no answers yet")
    return _("{count} of {total} ({share})").format(
        count=number(ratio.count, locale),
        total=number(ratio.total, locale),
        share=percent(value, locale),
    )


def form_block(
    code: str, counts: StageCounts, figures: FormFigures, own_titles: dict[str, str], locale: str
) -> list[str]:
    """One form, compactly: people by stage, meetings and feedback, satisfaction."""
    lines = [
        f"<b>{form_title(code, own_titles)}</b>",
        _("People: {line}").format(line=stage_line(counts, locale)),
    ]
    if figures.empty:
        lines.append(_("No meetings or final poll answers yet."))
        return lines
    held = ngettext(
        "Meetings held: {held} of {planned} planned",
        "Meetings held: {held} of {planned} planned",
        figures.meetings_planned,
    ).format(
        held=number(figures.meetings_held, locale),
        planned=number(figures.meetings_planned, locale),
    )
    forms = _("feedback forms: {answered} of {expected}").format(
        answered=number(figures.feedback_answered, locale),
        expected=number(figures.feedback_expected, locale),
    )
    lines.append(f"{held}; {forms}")
    lines.append(
        _("Satisfied mentees: {value}").format(value=ratio_text(figures.satisfied_mentees, locale))
    )
    lines.append(
        _("Satisfied mentors: {value}").format(value=ratio_text(figures.satisfied_mentors, locale))
    )
    return lines


def totals_block(indicators: Indicators, heading: str, locale: str) -> list[str]:
    lines = [heading]
    if indicators.snapshot:
        lines.append(_("The figures as they were stored when the cycle closed."))
    lines += ["", _("<b>People by stage</b>")]
    lines.append(_("All forms: {line}").format(line=stage_line(indicators.stages[None], locale)))
    lines += ["", _("<b>Meetings and feedback</b>")]
    lines.append(
        ngettext(
            "Meetings held: {held} of {planned} planned (confirmed ones whose time has come)",
            "Meetings held: {held} of {planned} planned (confirmed ones whose time has come)",
            indicators.meetings_planned,
        ).format(
            held=number(indicators.meetings_held, locale),
            planned=number(indicators.meetings_planned, locale),
        )
    )
    lines.append(
        ngettext(
            "Feedback forms after meetings: {answered} of {expected} expected (2 per meeting)",
            "Feedback forms after meetings: {answered} of {expected} expected (2 per meeting)",
            indicators.feedback_expected,
        ).format(
            answered=number(indicators.feedback_answered, locale),
            expected=number(indicators.feedback_expected, locale),
        )
    )
    lines += ["", _("<b>Indicators</b>")]
    # Somebody of the pairs completed in the period was asked the final poll.
    asked = any(s.total for s in indicators.shares if s.key.startswith("satisfied_"))
    lines += [share_line(share, locale, asked) for share in indicators.shares]
    lines += _age_lines(indicators)
    lines.append("")
    lines.append(
        _(
            "Involvement counts those who entered the program in the period (their pair started "
            "in it); those who completed it are shown beside. Satisfied means 7 or more out of 10 "
            "in the final poll, of all mentees (mentors) of the pairs that completed the program "
            "in the period."
        )
    )
    if indicators.target_year is not None:
        lines.append(_("The targets are those of {year}.").format(year=indicators.target_year))
    if indicators.denominator_year is not None:
        lines.append(
            _("The numbers to compare with are of the school year {start}/{end}.").format(
                start=indicators.denominator_year, end=indicators.denominator_year + 1
            )
        )
    if indicators.missing_denominators:
        count = len(indicators.missing_denominators)
        if len(indicators.organization_ids) == 1:
            lines.append(_("Not all numbers to compare with are entered: /indicators"))
        else:
            lines.append(
                _(
                    "Organizations that have not entered all numbers to compare with: {count}"
                ).format(count=count)
            )
    return lines


def _age_lines(indicators: Indicators) -> list[str]:
    """Mentors the 15–19 share could not place: reported apart, never guessed."""
    lines = []
    if indicators.mentors_age_unknown:
        lines.append(
            ngettext(
                "Mentors whose age is unknown (no year of birth given): {count}; they are not "
                "counted among those aged 15–19",
                "Mentors whose age is unknown (no year of birth given): {count}; they are not "
                "counted among those aged 15–19",
                indicators.mentors_age_unknown,
            ).format(count=indicators.mentors_age_unknown)
        )
    if indicators.mentors_age_ambiguous:
        lines.append(
            ngettext(
                "Mentors whose year of birth leaves it open whether they were 15–19 when they "
                "entered: {count}; they are not counted among those aged 15–19",
                "Mentors whose year of birth leaves it open whether they were 15–19 when they "
                "entered: {count}; they are not counted among those aged 15–19",
                indicators.mentors_age_ambiguous,
            ).format(count=indicators.mentors_age_ambiguous)
        )
    return lines


_FEDERAL_ORDER = {form.value: index for index, form in enumerate(FederalForm)}


def form_order(code: str) -> tuple[int, int, str]:
    """The federal forms in the order of the documents, then the own ones by number."""
    if code in _FEDERAL_ORDER:
        return (0, _FEDERAL_ORDER[code], "")
    suffix = code.removeprefix("own_")
    if suffix.isdigit():
        return (1, int(suffix), "")
    return (2, 0, code)


def stats_blocks(
    indicators: Indicators, heading: str, own_titles: dict[str, str], locale: str
) -> list[list[str]]:
    """The totals, then a block per form that has anyone in it."""
    blocks = [totals_block(indicators, heading, locale)]
    empty = StageCounts(0, 0, 0, 0, 0, 0)
    forms = [
        form_block(code, indicators.stages.get(code, empty), figures, own_titles, locale)
        for code, figures in sorted(indicators.forms.items(), key=lambda item: form_order(item[0]))
        if indicators.stages.get(code, empty).invited or not figures.empty
    ]
    if forms:
        # The section's heading stays in one message with the first form.
        forms[0] = [
            _("<b>By form of mentoring</b>"),
            _(
                "People count in the form they chose; meetings, feedback and final polls in "
                "the form of their pair. Satisfied means 7 or more out of 10."
            ),
            "",
            *forms[0],
        ]
        blocks += forms
    return blocks


def pack(blocks: list[list[str]], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks separated by an empty line, as few messages as Telegram's limit allows; a block
    is split only when it alone is too long."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for part in split_message("\n".join(block), limit):
            candidate = f"{current}\n\n{part}" if current else part
            if current and len(candidate) > limit:
                messages.append(current)
                current = part
            else:
                current = candidate
    if current.strip():
        messages.append(current)
    return messages


def stats_messages(
    indicators: Indicators,
    heading: str,
    own_titles: dict[str, str],
    locale: str,
    continued: str | None = None,
) -> list[str]:
    """The messages of /stats; each after the first starts with ``continued`` (the period
    again), so that every message of a report says what it is of."""
    parts = pack(stats_blocks(indicators, heading, own_titles, locale))
    if continued is None:
        return parts
    return parts[:1] + [f"{continued}\n\n{part}" for part in parts[1:]]


def chart_bars(indicators: Indicators, locale: str) -> list[ChartBar]:
    bars = []
    for share in indicators.shares:
        if share.total is None:
            note = _("not entered")
        elif share.total == 0:
            note = _("no data")
        else:
            note = f"{number(share.count, locale)} / {number(share.total, locale)}"
        shown = percent(share.share, locale) if share.share is not None else None
        bars.append(ChartBar(_(share.title), share.share, share.target, note, shown))
    return bars


def monitoring_lines(
    rows: list[MonitoringRow], own_titles: dict[str, str], locale: str, period: str
) -> list[str]:
    from dialogs.monitoring import MONITORING_FORMS

    lines = [
        _("<b>Monitoring before and after the programme: {period}</b>").format(
            period=quote(period)
        ),
        _(
            "Averages of those who answered both before and after; "
            "the change is after minus before."
        ),
    ]
    current: tuple[str | None, str] | None = None
    for row in rows:
        if current is None or current[0] != row.form:
            lines += ["", f"<b>{form_title(row.form, own_titles)}</b>"]
        if current != (row.form, row.questionnaire):
            questionnaire = MONITORING_FORMS.get(row.questionnaire)
            lines.append(f"<i>{_(questionnaire.title) if questionnaire else row.questionnaire}</i>")
            current = (row.form, row.questionnaire)
        if row.before is None or row.after is None or row.change is None:
            lines.append(
                _("• {label}: nobody answered both times").format(label=quote(_(row.label)))
            )
            continue
        lines.append(
            _("• {label}: {before} → {after} ({change}), people: {count}").format(
                label=quote(_(row.label)),
                before=decimal(row.before, locale),
                after=decimal(row.after, locale),
                change=("+" if row.change > 0 else "") + decimal(row.change, locale),
                count=row.answered_both,
            )
        )
    return lines
