"""The views of stage 7: the callback data, texts and keyboards of /cycle, the ranking, the
finished pairs, the mentor base, and what the cycle job tells the pairs and the curators.

Texts are built in the reader's language (the caller has it in force); the ones the job sends
are called inside the outbox's render functions.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date
from babel.numbers import format_decimal

from bot.cycles import CycleProblem, CycleSummary
from bot.html_text import quote
from bot.models.cycles import Cycle, MentorFigures
from bot.models.pairs import Pair
from bot.models.periods import Period
from bot.pair_results import RESULTS_LIMIT
from bot.participants import AgeGroup
from bot.screens import Button, Screen
from bot.services import Services
from handlers.meeting_texts import MeetPlan
from handlers.paging import column, navigation_row, page_of
from handlers.people import side_name
from handlers.period_views import page_rows, period_button
from handlers.plan_views import card_plan_text
from handlers.texts import MESSAGE_LIMIT
from handlers.voice_views import pair_voices_text, voices_button, voices_title

RANK_PAGE = 8
PAIRS_PAGE = 8
# The key of the ranking in the period picker's buttons (handlers/period_picker.py).
RANKING_REPORT = "rk"
# The page buttons of the ranking before it took the picker's period (answered with the
# current cycle).
OLD_RANK_PAGE = "cy1r:"


class CycleStep(StrEnum):
    VIEW = "view"
    END_DATE = "end_date"
    CLOSE = "close"
    CLOSE_YES = "close_yes"
    FINISH = "finish"
    FINISH_YES = "finish_yes"
    NEW = "new"
    NEW_YES = "new_yes"
    RANKING = "ranking"
    PAIRS = "pairs"
    BASE = "base"


class CycleAct(CallbackData, prefix="cy1a"):
    action: CycleStep


class FinishedPage(CallbackData, prefix="cy1f"):
    page: int


class PairCard(CallbackData, prefix="cy1p"):
    pair_id: int


class PairGood(CallbackData, prefix="cy1g"):
    pair_id: int


class PairResultsEdit(CallbackData, prefix="cy1e"):
    pair_id: int


class Report(StrEnum):
    RANKING = "ranking"
    STATS = "stats"
    INDICATORS = "indicators"
    EXPORT = "export"
    VOICES = "voices"


class ReportView(CallbackData, prefix="cy1v"):
    """A button of the curator's panel that opens what a command shows."""

    view: Report


class MentorResults(CallbackData, prefix="cyr1"):
    """The mentor's button under "write the results of your pair"."""

    pair_id: int


# -- texts ---------------------------------------------------------------------------------------
def day_text(day: date, locale: str) -> str:
    return format_date(day, "long", locale=locale)


def problem_text(problem: CycleProblem) -> str:
    texts = {
        CycleProblem.NOT_FOUND: _("This pair is not in your organization."),
        CycleProblem.ALREADY_CLOSING: _("The cycle is already being closed."),
        CycleProblem.NOT_CLOSING: _("First close the cycle: /closecycle"),
        CycleProblem.PAIRS_ACTIVE: _(
            "Some pairs have not held their final meeting yet. Wait for them, or finish the "
            "cycle now in /cycle."
        ),
        CycleProblem.DATE_IN_PAST: _(
            "This date has already passed. Please type a date from today on."
        ),
        CycleProblem.NOT_COMPLETED: _("The results are written once the pair has completed."),
        CycleProblem.BAD_TEXT: ngettext(
            "Please write the results in 3 to {limit} character.",
            "Please write the results in 3 to {limit} characters.",
            RESULTS_LIMIT,
        ).format(limit=RESULTS_LIMIT),
        CycleProblem.DECIDED: _("This has already been done."),
    }
    return texts[problem]


def cycle_text(summary: CycleSummary, locale: str) -> str:
    cycle, counts = summary.cycle, summary.counts
    lines = [
        _("<b>Cycle No. {number}</b> of the mentoring programme").format(number=cycle.number),
        _("Started: {date}").format(date=day_text(cycle.started_on, locale)),
    ]
    if cycle.planned_end is None:
        lines.append(_("Planned end: not set"))
    else:
        lines.append(_("Planned end: {date}").format(date=day_text(cycle.planned_end, locale)))
    if cycle.closing:
        lines.append(_("Status: closing — pairs hold their final meetings and answer the polls"))
    else:
        lines.append(_("Status: pairs are working"))
    lines.append(
        _(
            "Participants: {participants}; pairs: {pairs} (working: {active}, completed: "
            "{completed}, ended early: {early})"
        ).format(
            participants=counts.participants,
            pairs=counts.pairs,
            active=counts.active_pairs,
            completed=counts.completed_pairs,
            early=counts.ended_early,
        )
    )
    return "\n".join(lines)


def act(text: str, action: CycleStep) -> Button:
    return Button(text, data=CycleAct(action=action).pack())


def cycle_rows(cycle: Cycle, active_pairs: int) -> tuple[tuple[Button, ...], ...]:
    if not cycle.closing:
        first = [
            act(_("Set the planned end"), CycleStep.END_DATE),
            act(_("Close the cycle"), CycleStep.CLOSE),
        ]
    elif active_pairs:
        first = [act(_("Finish the cycle now"), CycleStep.FINISH)]
    else:
        first = [act(_("Start the next cycle"), CycleStep.NEW)]
    return column(
        [
            *first,
            act(_("Mentor ranking"), CycleStep.RANKING),
            act(_("Finished pairs"), CycleStep.PAIRS),
            act(_("Mentor base"), CycleStep.BASE),
        ]
    )


def cycle_screen(summary: CycleSummary, locale: str) -> Screen:
    """/cycle: the cycle, its pairs and what the curator can do next."""
    return Screen(
        cycle_text(summary, locale), cycle_rows(summary.cycle, summary.counts.active_pairs)
    )


_CONFIRMED = {
    CycleStep.CLOSE: CycleStep.CLOSE_YES,
    CycleStep.FINISH: CycleStep.FINISH_YES,
    CycleStep.NEW: CycleStep.NEW_YES,
}


def confirm_screen(text: str, action: CycleStep, yes: str) -> Screen:
    """A question before ``action``: ``yes`` does it, «No, back» shows /cycle again."""
    return Screen(text, ((act(yes, _CONFIRMED[action]),), (act(_("No, back"), CycleStep.VIEW),)))


# -- the curator: ranking, finished pairs, the base ----------------------------------------------
def average_text(value: float | None, locale: str) -> str:
    """An average with one decimal in the reader's locale (4,5 in Russian), or a dash."""
    return format_decimal(value, "0.0", locale=locale) if value is not None else "—"


def figures_line(position: int, item: MentorFigures, locale: str) -> str:
    name = quote(item.full_name or _("Mentor No. {id}").format(id=item.mentor_id))
    answers = ngettext("{n} answer", "{n} answers", item.usefulness_answers).format(
        n=item.usefulness_answers
    )
    own = ngettext("{n} answer", "{n} answers", item.own_usefulness_answers).format(
        n=item.own_usefulness_answers
    )
    polled = ngettext("{n} answer", "{n} answers", item.satisfaction_answers).format(
        n=item.satisfaction_answers
    )
    return _(
        "{position}. <b>{name}</b>\n   meetings held {held} · mentees {mentees} · completed "
        "pairs {completed} of {pairs}\n   usefulness of meetings {usefulness}/5 ({u_answers}), "
        "by the mentor {own}/5 ({o_answers}) · mentees' satisfaction {satisfaction}/10 "
        "({s_answers})"
    ).format(
        position=position,
        name=name,
        held=item.meetings_held,
        mentees=item.mentees,
        completed=item.completed,
        pairs=item.pairs,
        usefulness=average_text(item.usefulness, locale),
        u_answers=answers,
        own=average_text(item.own_usefulness, locale),
        o_answers=own,
        satisfaction=average_text(item.satisfaction, locale),
        s_answers=polled,
    )


def ranking_screen(
    ranking: list[MentorFigures], page: int, period: Period, label: str, locale: str
) -> Screen:
    """A page of the mentors of the pairs of ``period`` (``label``: the period in words),
    with ‹ ›, the participants' feedback of the same period and the choice of the period."""
    more = (
        (voices_button(period),),
        (period_button(RANKING_REPORT, period, label),),
    )
    if not ranking:
        return Screen(
            _("No mentor has worked in a pair in this period ({period}).").format(
                period=quote(label)
            ),
            more,
        )
    shown, page, pages = page_of(ranking, page, RANK_PAGE)
    lines = [
        _("<b>Mentor ranking</b> · {period}").format(period=quote(label)),
        _(
            "Order: mentees' average usefulness of meetings, then their final satisfaction, "
            "meetings held, completed pairs. Meetings and answers are those of the period; "
            "completed pairs are those that completed the programme in it."
        ),
        "",
    ]
    start = page * RANK_PAGE
    lines += [figures_line(start + i + 1, item, locale) for i, item in enumerate(shown)]
    rows = page_rows(RANKING_REPORT, period, page, pages) + more
    return Screen("\n".join(lines), rows)


async def pair_names(services: Services, pair: Pair) -> tuple[str, str]:
    """The mentor's and the mentee's names; a side who withdrew is named so."""
    answers = await services.pairing.side_answers([pair])
    return side_name(pair.mentor_id, answers), side_name(pair.mentee_id, answers)


async def finished_view(services: Services, organization_id: int, page: int) -> Screen:
    pairs = await services.pair_results.finished_pairs(organization_id)
    if not pairs:
        return Screen(_("No pair of this cycle has finished yet."))
    shown, page, pages = page_of(pairs, page, PAIRS_PAGE)
    lines = [_("<b>Finished pairs</b> of the current cycle: {n}").format(n=len(pairs))]
    cards: list[Button] = []
    for pair in shown:
        mentor, mentee = await pair_names(services, pair)
        mark = "⭐ " if pair.good_practice else ""
        status = _("completed") if pair.completed else _("ended early")
        lines.append(f"{mark}{quote(mentor)} → {quote(mentee)}: {status}")
        cards.append(Button(f"{mark}{mentee}", data=PairCard(pair_id=pair.id).pack()))
    rows = column(cards) + navigation_row(page, pages, lambda n: FinishedPage(page=n))
    return Screen("\n".join(lines), rows)


async def card_view(services: Services, pair: Pair, locale: str) -> Screen:
    """The pair, its results and the good-practice mark, and what both sides said in the
    final poll and the compatibility form."""
    mentor, mentee = await pair_names(services, pair)
    lines = [_("<b>{mentor} → {mentee}</b>").format(mentor=quote(mentor), mentee=quote(mentee))]
    lines.append(_("Started: {date}").format(date=day_text(pair.started_on, locale)))
    if pair.ended_on is not None:
        lines.append(_("Ended: {date}").format(date=day_text(pair.ended_on, locale)))
    lines.append(
        _("Completed the programme: yes") if pair.completed else _("Completed the programme: no")
    )
    lines.append(
        _("Results: {results}").format(results=quote(pair.results))
        if pair.results
        else _("Results: not written yet")
    )
    lines.append(_("⭐ A good practice (case) of the organization") if pair.good_practice else "")
    timezone = await services.cycles.timezone(pair.organization_id)
    # The pair's individual plan (issue 14), in short.
    lines.append(card_plan_text(await services.plans.of_pair(pair.id), locale, timezone) or "")
    text = "\n".join(line for line in lines if line)
    voices = await services.voices.of_pair(pair.organization_id, pair.id)
    said = pair_voices_text(voices, locale, timezone, MESSAGE_LIMIT - len(text) - 2)
    good = _("Remove from good practices") if pair.good_practice else _("Mark as good practice")
    rows = (
        (Button(good, data=PairGood(pair_id=pair.id).pack()),),
        (Button(_("Write the results"), data=PairResultsEdit(pair_id=pair.id).pack()),),
    )
    return Screen(f"{text}\n\n{said}", rows)


def results_prompt() -> str:
    return ngettext(
        "Write the results of the pair in a few lines: what was achieved, what the mentee "
        "learned, what came of it (up to {limit} character). Or /cancel.",
        "Write the results of the pair in a few lines: what was achieved, what the mentee "
        "learned, what came of it (up to {limit} characters). Or /cancel.",
        RESULTS_LIMIT,
    ).format(limit=RESULTS_LIMIT)


async def base_view(services: Services, organization_id: int) -> str:
    base = await services.cycle_closing.mentor_base(organization_id)
    if not base:
        return _(
            "The long-term mentor base is empty so far. Mentors who will continue and mentees "
            "who want to become mentors get into it from the final poll."
        )
    lines = [_("<b>Long-term mentor base</b>: {n}").format(n=len(base))]
    for entry in base[:50]:
        name = quote(entry.full_name or _("Participant No. {id}").format(id=entry.participant_id))
        source = (
            _("continues as a mentor")
            if entry.source == "continuing_mentor"
            else _("former mentee, wants to mentor")
        )
        lines.append(f"• {name} — {source}")
    if len(base) > 50:
        lines.append(_("…and {n} more").format(n=len(base) - 50))
    return "\n".join(lines)


# -- the curator's panel: the reports of the cycle ----------------------------------------------
def report_buttons() -> list[tuple[str, ReportView]]:
    """Buttons for the curator's panel (/curator) that open what /ranking, /stats,
    /indicators, /export and /voices show."""
    return [
        (_("Mentor ranking"), ReportView(view=Report.RANKING)),
        (_("Statistics and indicators with a chart"), ReportView(view=Report.STATS)),
        (_("Numbers to compare with and targets"), ReportView(view=Report.INDICATORS)),
        (_("Excel workbook: registers and reports"), ReportView(view=Report.EXPORT)),
        (voices_title(), ReportView(view=Report.VOICES)),
    ]


# -- what the cycle job says ---------------------------------------------------------------------
def one_button(text: str, data: CallbackData) -> tuple[tuple[Button, ...], ...]:
    return ((Button(text, data=data.pack()),),)


def closing_screen(number: int) -> Screen:
    return Screen(
        _(
            "The planned end of cycle No. {number} has come, so the cycle is closing: each "
            "working pair is asked to hold its final meeting. See /cycle."
        ).format(number=number)
    )


def final_meeting_mentor_screen(pair_id: int, mentee_name: str) -> Screen:
    text = _(
        "The programme cycle is coming to an end. Please propose the final meeting with "
        "{name}: sum up what you have achieved together. After it you both get a short "
        "final poll."
    ).format(name=quote(mentee_name))
    return Screen(text, one_button(_("Propose the final meeting"), MeetPlan(pair_id=pair_id)))


def final_meeting_mentee_screen(age_group: str, mentor_name: str) -> Screen:
    if age_group == AgeGroup.ADULT:
        # Translators: to an adult mentee (a young teacher, a student): «вы» in Russian.
        text = _(
            "The programme cycle is coming to an end. Your mentor {name} will propose a "
            "time for your final meeting, where you will sum up what you have achieved."
        )
    else:
        # Translators: to a pupil: «ты» in Russian.
        text = _(
            "The programme cycle is coming to an end. Your mentor {name} will suggest the "
            "time of your final meeting, where you will talk about what you have achieved."
        )
    return Screen(text.format(name=quote(mentor_name)))


def results_request_screen(pair_id: int, mentee_name: str) -> Screen:
    text = _(
        "Your pair with {name} has completed the programme — thank you for your work! "
        "Please write the results of the pair in a few lines: they go to the mentor base "
        "of the organization."
    ).format(name=quote(mentee_name))
    return Screen(text, one_button(_("Write the results"), MentorResults(pair_id=pair_id)))


def invitation_screen(organization: str, link: str) -> Screen:
    return Screen(
        _(
            "A new cycle of the mentoring programme begins at «{organization}». You said "
            "you would like to become a mentor — we are glad! Here is your personal link "
            "to join as a mentor (it works once, for 30 days): {link}"
        ).format(organization=quote(organization), link=quote(link))
    )
