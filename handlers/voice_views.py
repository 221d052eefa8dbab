"""The views of what participants said: the list «Participants' feedback» of a period (a
report of the period picker, handlers/period_picker.py) and the free answers on the curator's
pair card.

A page holds a few responses; a mentor's final poll alone may run to thousands of characters,
so long answers are shortened just enough for the page to fit one message (the workbook has
them in full).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.html_text import quote
from bot.models.periods import Period
from bot.models.voices import Voice, VoicePage, VoicePair
from bot.reports.voices import VOICE_FORMS
from bot.schedule import utc_to_local
from bot.screens import Button, Screen
from dialogs.answer_display import format_answer
from dialogs.i18n import N_
from handlers.period_views import open_button, page_rows, period_button
from handlers.texts import MESSAGE_LIMIT

FORM_TITLES = {
    "final_mentee": N_("final poll"),
    "final_mentor": N_("final poll"),
    "compatibility": N_("compatibility form after the trial meeting"),
}
ROLE_TITLES = {"mentor": N_("mentor"), "mentee": N_("mentee")}
# How far a long answer is shortened, tried in turn until the message fits.
CLIPS = (1500, 700, 350, 160, 60)


# The key of the list in the period picker's buttons (handlers/period_picker.py).
VOICES_REPORT = "vo"
# The buttons of the list before it took the picker's period (answered with the current
# cycle): its pages, and the list opened from the ranking.
OLD_VOICES_PAGE = "vo1p:"
OLD_VOICES_OPEN = "vo1o:"


# -- texts ------------------------------------------------------------------------------------
def _day(day: date, locale: str) -> str:
    return format_date(day, "long", locale=locale)


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


def voices_screen(found: VoicePage, label: str, locale: str) -> Screen:
    """One page of the period's free answers (``label``: the period in words), with the
    mentees' "goal reached" of the whole period; ‹ › keep the period; the choice of the
    period under them."""
    scope = found.scope
    choose = ((period_button(VOICES_REPORT, scope.period, label),),)
    header = [_("<b>Participants' feedback</b> · {period}").format(period=quote(label))]
    if found.total == 0:
        header.append(
            _(
                "Nobody has written anything in this period yet. The answers come from the "
                "final poll of the pairs that completed the programme and from the "
                "compatibility form after the trial meeting."
            )
        )
        return Screen("\n".join(header), choose)
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

    rows = page_rows(VOICES_REPORT, scope.period, found.page, found.pages) + choose
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
    return open_button(voices_title(), VOICES_REPORT, period)


def not_theirs_text() -> str:
    return _("This period is not one of your organization's.")
