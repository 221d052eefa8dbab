"""The views of speed mentoring (/speed): the curator's sessions, the steps of organizing one,
the summary after it; each participant's schedule and the two questions after a round
(handlers/speed.py acts, bot/speed_sessions.py decides)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot import html_text as hd
from bot.formatting import format_moment
from bot.models.organizations import OrganizationForm
from bot.models.speed import SpeedSession
from bot.schedule import utc_to_local
from bot.screens import Button, Screen
from bot.speed_sessions import (
    MAX_SIDE,
    ROUND_MINUTES,
    FeedbackDue,
    Schedule,
    Seat,
    SessionSummary,
    SpeedProblem,
)
from dialogs.speed_feedback import (
    GO_ON_QUESTION,
    GO_ON_TITLES,
    USEFULNESS_QUESTION,
    USEFULNESS_SCALE,
    GoOn,
)
from handlers.address import you
from handlers.callbacks import Id
from handlers.curator_views import form_title
from handlers.meeting_texts import zone_label
from handlers.paging import column
from handlers.people import display_name, side_name


class SpeedRole(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


# -- the curator's buttons (refused to others by handlers/access.py) --------------------------
class SpeedMenu(CallbackData, prefix="spd1m"):
    pass


class SpeedNew(CallbackData, prefix="spd1n"):
    pass


class SpeedForm(CallbackData, prefix="spd1f"):
    form: str


class SpeedLength(CallbackData, prefix="spd1l"):
    minutes: int


class SpeedToggle(CallbackData, prefix="spd1t"):
    role: SpeedRole
    participant_id: Id


class SpeedDone(CallbackData, prefix="spd1d"):
    role: SpeedRole


class SpeedCreate(CallbackData, prefix="spd1c"):
    pass


class SpeedShow(CallbackData, prefix="spd1s"):
    session_id: Id


# -- a participant's answers after a round --------------------------------------------------------
class SpeedRate(CallbackData, prefix="spf1r"):
    talk_id: Id
    value: int


class SpeedGoOn(CallbackData, prefix="spf1g"):
    talk_id: Id
    value: GoOn


def _when(moment: datetime, locale: str, timezone: str) -> str:
    return f"{format_moment(moment, locale, timezone)} ({zone_label(moment, timezone)})"


def _clock(moment: datetime, timezone: str) -> str:
    return f"{utc_to_local(moment, timezone):%H:%M}"


# -- the curator --------------------------------------------------------------------------------
def sessions_screen(
    sessions: list[SpeedSession], forms: list[OrganizationForm], locale: str, timezone: str
) -> Screen:
    titles = {form.code: form_title(form) for form in forms}
    lines = [_("<b>Speed mentoring</b>: one meeting of each mentee with several mentors in turn.")]
    buttons: list[Button] = []
    if not forms:
        lines.append(
            _(
                "No form of your organization is marked for speed mentoring. Mark one in /forms "
                "first."
            )
        )
    if sessions:
        lines.append(_("Sessions:"))
        for number, session in enumerate(sessions, start=1):
            lines.append(
                _("{number}. {when}, {form}: {place}").format(
                    number=number,
                    when=_when(session.starts_at, locale, timezone),
                    form=hd.quote(titles.get(session.form, session.form)),
                    place=hd.quote(session.place),
                )
            )
            buttons.append(
                Button(
                    _("Session No. {n}").format(n=number),
                    data=SpeedShow(session_id=session.id).pack(),
                )
            )
    elif forms:
        lines.append(_("No sessions yet."))
    rows = column(buttons, 3)
    if forms:
        rows += ((Button(_("Organize a session"), data=SpeedNew().pack()),),)
    return Screen("\n".join(lines), rows)


def form_pick_screen(forms: list[OrganizationForm]) -> Screen:
    return Screen(
        _("Which form of mentorship is the session for?"),
        column([Button(form_title(f), data=SpeedForm(form=f.code).pack()) for f in forms]),
    )


def start_prompt() -> Screen:
    return Screen(
        _(
            "When does the session start? Write the date and the time (your organization's "
            "local time), for example: 25.05.2026 16:00"
        )
    )


def place_prompt() -> Screen:
    return Screen(_("Where will it take place? Write the address and the room, or a link."))


def length_screen() -> Screen:
    buttons = [
        Button(
            ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes),
            data=SpeedLength(minutes=minutes).pack(),
        )
        for minutes in ROUND_MINUTES
    ]
    return Screen(_("How long is one round (one conversation)?"), column(buttons, 2))


def pick_screen(role: SpeedRole, seats: list[Seat], chosen: list[int]) -> Screen:
    """The form's mentors (mentees) to tick; «Done» goes on once at least one is ticked."""
    if role is SpeedRole.MENTOR:
        title = _("Choose the mentors (up to {limit}): tap a name to tick it or untick it.")
        empty = _("No mentor of this form has been admitted yet: admit mentors in /admission.")
    else:
        title = _("Choose the mentees (up to {limit}): tap a name to tick it or untick it.")
        empty = _("No mentee of this form is ready yet (consent and questionnaire).")
    if not seats:
        return Screen(empty, ((Button("‹ " + _("Speed mentoring"), data=SpeedMenu().pack()),),))
    buttons = [
        Button(
            ("✓ " if seat.participant.id in chosen else "")
            + display_name(seat.participant.id, seat.answers),
            data=SpeedToggle(role=role, participant_id=seat.participant.id).pack(),
        )
        for seat in seats
    ]
    done = Button(_("Done ({count})").format(count=len(chosen)), data=SpeedDone(role=role).pack())
    return Screen(title.format(limit=MAX_SIDE), (*column(buttons, 2), (done,)))


def confirm_screen(
    starts_at: datetime,
    place: str,
    minutes: int,
    mentors: int,
    mentees: int,
    locale: str,
    timezone: str,
) -> Screen:
    rounds = max(mentors, mentees)
    ends = starts_at + timedelta(minutes=minutes * rounds)
    text = "\n".join(
        [
            _("<b>The session</b>"),
            _("Starts: {when}").format(when=_when(starts_at, locale, timezone)),
            _("Place: {place}").format(place=hd.quote(place)),
            _("Mentors: {mentors}, mentees: {mentees}").format(mentors=mentors, mentees=mentees),
            ngettext(
                "{rounds} round of {minutes} min., until {end}: each mentee talks to each mentor "
                "once.",
                "{rounds} rounds of {minutes} min., until {end}: each mentee talks to each mentor "
                "once.",
                rounds,
            ).format(rounds=rounds, minutes=minutes, end=_clock(ends, timezone)),
            _("Everyone gets their schedule now and two short questions after each round."),
        ]
    )
    return Screen(
        text,
        (
            (Button(_("Create and send the schedules"), data=SpeedCreate().pack()),),
            (Button(_("Cancel"), data=SpeedMenu().pack()),),
        ),
    )


def problem_text(problem: SpeedProblem) -> str:
    return {
        SpeedProblem.NOT_SPEED: _("This form is no longer marked for speed mentoring."),
        SpeedProblem.BAD_TIME: _("Please write the date and the time like this: 25.05.2026 16:00"),
        SpeedProblem.TOO_SOON: _(
            "The session must start at least half an hour from now: people need time to read "
            "their schedule. Please write another date and time."
        ),
        SpeedProblem.TOO_LATE: _(
            "A session can be organized at most eight weeks ahead. Please write an earlier date."
        ),
        SpeedProblem.BAD_PLACE: _("Please describe the place in 1 to 300 characters."),
        SpeedProblem.BAD_LENGTH: _("Please choose the length of a round with the buttons."),
        SpeedProblem.TOO_FEW: _("Please tick at least one mentor and one mentee."),
        SpeedProblem.TOO_MANY: _("At most {limit} people on each side, please.").format(
            limit=MAX_SIDE
        ),
        SpeedProblem.NOT_CANDIDATE: _(
            "Someone you ticked is no longer a participant of this form. Please start again."
        ),
    }[problem]


def _feedback_line(summary: SessionSummary, talk_id: int, participant_id: int | None) -> str:
    if participant_id is None:
        return "—"
    found = summary.feedback.get((talk_id, participant_id))
    if found is None:
        return _("not asked yet")
    if found.usefulness is None:
        return _("no answer")
    go_on = _(GO_ON_TITLES[GoOn(found.continue_with)]) if found.continue_with else "…"
    return _("{value} of 5, go on: {go_on}").format(value=found.usefulness, go_on=go_on)


def summary_screen(summary: SessionSummary, locale: str) -> Screen:
    """Who met whom in which round, what each side said, and the good matches."""
    session, timezone = summary.session, summary.timezone
    lines = [
        _("<b>Speed mentoring session</b>, {when}").format(
            when=_when(session.starts_at, locale, timezone)
        ),
        _("Place: {place}").format(place=hd.quote(session.place)),
    ]
    current = 0
    for talk in summary.talks:
        if talk.round != current:
            current = talk.round
            start = talk.ends_at - timedelta(minutes=session.round_minutes)
            lines.append("")
            lines.append(
                _("<b>Round {n}</b> ({start}–{end})").format(
                    n=current, start=_clock(start, timezone), end=_clock(talk.ends_at, timezone)
                )
            )
        mentor = hd.quote(side_name(talk.mentor_id, summary.answers))
        mentee = hd.quote(side_name(talk.mentee_id, summary.answers))
        lines.append(f"• {mentor} — {mentee}")
        lines.append(
            "   "
            + _("mentor: {mentor}; mentee: {mentee}").format(
                mentor=_feedback_line(summary, talk.id, talk.mentor_id),
                mentee=_feedback_line(summary, talk.id, talk.mentee_id),
            )
        )
    good = summary.good_matches()
    lines.append("")
    if good:
        lines.append(_("<b>Both would like to go on working together:</b>"))
        for talk in good:
            lines.append(
                "• "
                + hd.quote(side_name(talk.mentor_id, summary.answers))
                + " — "
                + hd.quote(side_name(talk.mentee_id, summary.answers))
            )
    else:
        lines.append(_("No conversation yet after which both would like to go on."))
    return Screen(
        "\n".join(lines), ((Button("‹ " + _("Speed mentoring"), data=SpeedMenu().pack()),),)
    )


# -- the participants -----------------------------------------------------------------------------
def schedule_screen(schedule: Schedule, minor: bool, locale: str) -> Screen:
    session, timezone = schedule.session, schedule.timezone
    lines = [
        you(
            minor,
            "You take part in a speed mentoring session: {when}, {place}. "
            "Each conversation lasts {minutes} min.",
        ).format(
            when=_when(session.starts_at, locale, timezone),
            place=hd.quote(session.place),
            minutes=session.round_minutes,
        ),
        you(minor, "Your conversations:"),
    ]
    for talk, other in schedule.talks:
        start = talk.ends_at - timedelta(minutes=session.round_minutes)
        lines.append(
            _("Round {n}, {start}: {name}").format(
                n=talk.round,
                start=_clock(start, timezone),
                name=hd.quote(side_name(other, schedule.answers)),
            )
        )
    lines.append(you(minor, "After each conversation the bot asks you two short questions."))
    return Screen("\n".join(lines))


def _other(due: FeedbackDue) -> str:
    if due.other_id is None:
        return side_name(None, {})
    return display_name(due.other_id, due.other_answers)


def rate_screen(due: FeedbackDue, minor: bool) -> Screen:
    buttons = [
        Button(str(value), data=SpeedRate(talk_id=due.talk.id, value=value).pack())
        for value in USEFULNESS_SCALE
    ]
    text = you(minor, USEFULNESS_QUESTION).format(name=hd.quote(_other(due)))
    return Screen(text, (tuple(buttons),))


def go_on_screen(due: FeedbackDue, minor: bool) -> Screen:
    buttons = [
        Button(_(title), data=SpeedGoOn(talk_id=due.talk.id, value=value).pack())
        for value, title in GO_ON_TITLES.items()
    ]
    text = you(minor, GO_ON_QUESTION).format(name=hd.quote(_other(due)))
    return Screen(text, (tuple(buttons),))


def thanks_text(minor: bool) -> str:
    return you(minor, "Thank you! Your answers about this conversation are saved.")


def outdated_text() -> str:
    return _("This button is outdated. Please use the latest message or /help.")
