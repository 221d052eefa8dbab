"""The views of what participants said: the list «Participants' feedback» of a period, the
free answers on the curator's pair card, and the title of a report's period.

A page holds a few responses; a mentor's final poll alone may run to thousands of characters,
so long answers are shortened just enough for the page to fit one message (the workbook has
them in full).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.html_text import quote
from bot.models.periods import Period, PeriodKind
from bot.models.voices import PeriodScope, Voice, VoicePage, VoicePair
from bot.reports.voices import VOICE_FORMS
from bot.schedule import utc_to_local
from bot.screens import Button, Screen
from dialogs.answer_display import format_answer
from dialogs.i18n import N_
from handlers.callbacks import Page
from handlers.paging import navigation_row
from handlers.texts import MESSAGE_LIMIT

FORM_TITLES = {
    "final_mentee": N_("final poll"),
    "final_mentor": N_("final poll"),
    "compatibility": N_("compatibility form after the trial meeting"),
}
ROLE_TITLES = {"mentor": N_("mentor"), "mentee": N_("mentee")}
# How far a long answer is shortened, tried in turn until the message fits.
CLIPS = (1500, 700, 350, 160, 60)


# -- the period in button data ----------------------------------------------------------------
# A period travels in button data as one short word: "c" (the current cycle), "c12" (cycle
# 12), "s2026" (school year 2026/27), "y2026" (calendar year), "r20260901-20261031" (a range).
_PACKED = re.compile(r"^(?:c(\d{0,18})|s(\d{4})|y(\d{4})|r(\d{8})-(\d{8}))$")


def pack_period(period: Period) -> str:
    if period.kind is PeriodKind.CYCLE:
        return f"c{period.cycle_id}" if period.cycle_id is not None else "c"
    assert period.start is not None and period.end is not None
    if period.kind is PeriodKind.SCHOOL_YEAR:
        return f"s{period.start.year}"
    if period.kind is PeriodKind.CALENDAR_YEAR:
        return f"y{period.start.year}"
    return f"r{period.start:%Y%m%d}-{period.end:%Y%m%d}"


def unpack_period(packed: str) -> Period | None:
    """The period of button data; None for anything else (a forged or garbled press)."""
    found = _PACKED.match(packed)
    if found is None:
        return None
    cycle, school, calendar, start, end = found.groups()
    try:
        if cycle is not None:
            return Period.cycle(int(cycle)) if cycle else Period.current_cycle()
        if school is not None:
            return Period.school_year(int(school))
        if calendar is not None:
            return Period.calendar_year(int(calendar))
        first = date(int(start[:4]), int(start[4:6]), int(start[6:]))
        last = date(int(end[:4]), int(end[4:6]), int(end[6:]))
        return Period.between(first, last)
    except ValueError:
        return None


class VoicesPage(CallbackData, prefix="vo1p"):
    """‹ › of the list: the pressed message turns to the page."""

    page: Page
    period: str = "c"


class VoicesOpen(CallbackData, prefix="vo1o"):
    """The list of a period as a new message (from another report of the same period)."""

    period: str = "c"


# -- texts ------------------------------------------------------------------------------------
def _day(day: date, locale: str) -> str:
    return format_date(day, "long", locale=locale)


def period_title(scope: PeriodScope, locale: str) -> str:
    """The period a report covers, as its header says it."""
    period, cycle = scope.period, scope.cycle
    if period.kind is PeriodKind.CYCLE:
        if cycle is None:
            return _("the current cycle")
        if cycle.ended_at is None:
            return _("cycle No. {number} (current), since {date}").format(
                number=cycle.number, date=_day(cycle.started_on, locale)
            )
        closed = utc_to_local(cycle.ended_at, scope.timezone).date()
        return _("cycle No. {number}, {start} – {end}").format(
            number=cycle.number, start=_day(cycle.started_on, locale), end=_day(closed, locale)
        )
    assert period.start is not None and period.end is not None
    if period.kind is PeriodKind.SCHOOL_YEAR:
        return _("school year {first}/{second}").format(
            first=period.start.year, second=period.end.year
        )
    if period.kind is PeriodKind.CALENDAR_YEAR:
        return _("the year {year}").format(year=period.start.year)
    return _("from {start} to {end}").format(
        start=_day(period.start, locale), end=_day(period.end, locale)
    )


def _name(participant_id: int | None, name: str | None) -> str:
    if participant_id is None:
        return _("participant withdrew consent")
    if name and name.strip():
        return name.strip()
    return _("Participant No. {id} (no name yet)").format(id=participant_id)


def pair_line(pairs: Sequence[VoicePair]) -> str:
    shown = [
        f"{quote(_name(p.mentor_id, p.mentor_name))} → {quote(_name(p.mentee_id, p.mentee_name))}"
        for p in pairs
    ]
    return ngettext("Pair: {pairs}", "Pairs: {pairs}", len(shown)).format(pairs="; ".join(shown))


def _clipped(text: str, clip: int) -> str:
    return text if len(text) <= clip else text[:clip].rstrip() + "…"


def voice_block(
    voice: Voice, locale: str, timezone: str, clip: int, *, with_pair: bool = True
) -> list[str]:
    """Who wrote, in which form and when; the pair; the choice; each free answer."""
    form = VOICE_FORMS[voice.form]
    day = utc_to_local(voice.answered_at, timezone).date()
    lines = [
        _("<b>{name}</b>, {role} · {form} · {date}").format(
            name=quote(_name(voice.participant_id, voice.full_name)),
            role=_(ROLE_TITLES.get(voice.role, voice.role)),
            form=_(FORM_TITLES[voice.form]),
            date=_day(day, locale),
        )
    ]
    if with_pair and voice.pairs:
        lines.append(pair_line(voice.pairs))
    if voice.choice is not None:
        key, value = voice.choice
        question = form.question(key)
        lines.append(
            f"{quote(_(question.label or question.text))}: "
            f"<b>{quote(format_answer(question, {'choice': value}, _))}</b>"
        )
    for key, text in voice.texts:
        question = form.question(key)
        lines.append(
            f"<i>{quote(_(question.label or question.text))}</i>: {quote(_clipped(text, clip))}"
        )
    return lines


def fit(build: Callable[[int], list[str]], limit: int = MESSAGE_LIMIT) -> str:
    """The lines ``build`` makes with the longest clip that fits ``limit``; when even the
    shortest does not, whole lines are left off the end (a cut never breaks the markup)."""
    lines: list[str] = []
    for clip in CLIPS:
        lines = build(clip)
        if len("\n".join(lines)) <= limit:
            return "\n".join(lines)
    while len(lines) > 1 and len("\n".join([*lines, "…"])) > limit:
        lines.pop()
    return "\n".join([*lines, "…"])


def _longest(voices: Sequence[Voice]) -> int:
    return max((len(text) for voice in voices for _key, text in voice.texts), default=0)


def voices_screen(found: VoicePage, locale: str) -> Screen:
    """One page of the period's free answers, with the mentees' "goal reached" of the whole
    period; ‹ › buttons keep the period."""
    scope = found.scope
    packed = pack_period(scope.period)
    header = [
        _("<b>Participants' feedback</b> · {period}").format(period=period_title(scope, locale))
    ]
    if found.total == 0:
        header.append(
            _(
                "Nobody has written anything in this period yet. The answers come from the "
                "final poll of the pairs that completed the programme and from the "
                "compatibility form after the trial meeting."
            )
        )
        return Screen("\n".join(header))
    header.append(
        ngettext(
            "{n} response with answers in the participants' own words.",
            "{n} responses with answers in the participants' own words.",
            found.total,
        ).format(n=found.total)
    )
    goals = found.goals
    if goals.answered:
        header.append(
            _("Mentees reached their goal: yes — {yes}, partly — {partly}, no — {no}.").format(
                yes=goals.yes, partly=goals.partly, no=goals.no
            )
        )
    if found.pages > 1:
        header.append(_("Page {page} of {pages}.").format(page=found.page + 1, pages=found.pages))

    def build(clip: int) -> list[str]:
        lines = list(header)
        for voice in found.voices:
            lines.append("")
            lines += voice_block(voice, locale, scope.timezone, clip)
        if _longest(found.voices) > clip:
            lines += [
                "",
                _("Long answers are shortened here; the workbook /export has them in full."),
            ]
        return lines

    rows = navigation_row(found.page, found.pages, lambda n: VoicesPage(page=n, period=packed))
    return Screen(fit(build), rows)


def pair_voices_text(voices: Sequence[Voice], locale: str, timezone: str, room: int) -> str:
    """The pair card's part: both sides' answers, shortened to fit ``room`` characters."""
    if not voices:
        return _("What the pair said: no final poll or compatibility answers yet.")

    def build(clip: int) -> list[str]:
        lines = [_("<b>What the pair said</b>")]
        for voice in voices:
            lines.append("")
            lines += voice_block(voice, locale, timezone, clip, with_pair=False)
        if _longest(voices) > clip:
            lines.append(
                _("Long answers are shortened here; the workbook /export has them in full.")
            )
        return lines

    return fit(build, room)


def voices_title() -> str:
    return _("Participants' feedback")


def voices_button(period: Period) -> Button:
    """Opens the list of ``period`` from another report of it (the ranking)."""
    return Button(voices_title(), data=VoicesOpen(period=pack_period(period)).pack())


def not_theirs_text() -> str:
    return _("This period is not one of your organization's.")
