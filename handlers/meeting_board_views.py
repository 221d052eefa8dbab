"""The views of /curator → «Meetings»: the callback data, texts and keyboards of the upcoming
meetings, overdue pairs, pairs needing attention and each pair's history with its mark (the
router is :mod:`handlers.meeting_views`).

In /curator → «Meetings»: upcoming meetings, overdue pairs and unanswered follow-ups, the
pairs needing attention (with a way to resolve them), and each pair's history with its mark.
Every view re-reads the curator's organization and shows nothing of another organization.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot.cadence import PairHistory, PairMark
from bot.formatting import format_moment
from bot.html_text import quote
from bot.schedule import utc_to_local
from bot.screens import Button, Screen
from bot.services import Services
from handlers.followup_views import attention_reason_text, pair_title
from handlers.group_views import GroupShow, group_card_text, mentor_name
from handlers.meeting_texts import kind_title
from handlers.paging import column, navigation_row, page_of
from handlers.pair_plan_views import plan_text, rhythm_text
from handlers.people import display_name
from handlers.plan_views import card_plan_text
from handlers.texts import split_message

PAGE_SIZE = 8


class Board(StrEnum):
    """The views of the curator's meeting board."""

    MENU = "menu"
    UPCOMING = "upcoming"
    OVERDUE = "overdue"
    ATTENTION = "attention"
    PAIRS = "pairs"


class ViewMenu(CallbackData, prefix="mv1"):
    view: Board
    page: int = 0


class PairCard(CallbackData, prefix="mv1p"):
    pair_id: int


class Resolve(CallbackData, prefix="mv1r"):
    attention_id: int


class Consent(CallbackData, prefix="mv1c"):
    pair_id: int
    allow: bool


def local_day(moment: datetime, locale: str, timezone: str) -> str:
    return format_date(utc_to_local(moment, timezone).date(), "long", locale=locale)


async def organization_timezone(services: Services, organization_id: int) -> str:
    organization = await services.organizations.get(organization_id)
    return organization.timezone if organization else "Europe/Moscow"


def mark_title(mark: PairMark) -> str:
    return {
        PairMark.ON_TRACK: _("🟢 on track"),
        PairMark.NEEDS_CHECK_IN: _("🟠 needs check-in"),
        PairMark.TOO_EARLY: _("⚪ too early to tell"),
    }[mark]


Rows = tuple[tuple[Button, ...], ...]


def to_view(text: str, view: Board) -> Button:
    return Button(text, data=ViewMenu(view=view).pack())


def back_row() -> tuple[Button, ...]:
    return (to_view("‹ " + _("Meetings"), Board.MENU),)


def _nothing(text: str) -> Screen:
    """A view with nothing to list: its message and the way back."""
    return Screen(text, (back_row(),))


def _paged(rows: Rows, lines: list[str], view: Board, page: int, pages: int) -> Screen:
    """A page of a list view: its lines (as much as one message holds), its buttons, the
    page buttons of ``view`` and the way back."""
    navigation = navigation_row(page, pages, lambda n: ViewMenu(view=view, page=n))
    return Screen(split_message("\n".join(lines))[0], (*rows, *navigation, back_row()))


async def menu_view(services: Services, organization_id: int) -> Screen:
    attention = await services.cadence.attention(organization_id)
    buttons = [
        to_view(_("Upcoming meetings"), Board.UPCOMING),
        to_view(_("Overdue and unanswered"), Board.OVERDUE),
        to_view(_("Needs attention ({count})").format(count=len(attention)), Board.ATTENTION),
        to_view(_("Pairs: history and marks"), Board.PAIRS),
    ]
    return Screen(_("<b>Meetings of the pairs</b>\nWhat would you like to see?"), column(buttons))


async def upcoming_view(
    services: Services, organization_id: int, page: int, locale: str, timezone: str
) -> Screen:
    # A count and one page in SQL; only the shown meetings' pairs are read with their people.
    shown, count, page, pages = await services.cadence.upcoming_page(
        organization_id, page, PAGE_SIZE
    )
    if not count:
        return _nothing(_("No meetings are planned for the next two weeks."))
    lines = [_("<b>Upcoming meetings</b> (two weeks): {count}").format(count=count)]
    for meeting, people in shown:
        status = _("confirmed") if meeting.status == "confirmed" else _("waiting for an answer")
        when = format_moment(meeting.starts_at, locale, timezone)
        pair = quote(pair_title(people))
        if meeting.group_meeting_id is not None:  # a group's meeting, shown once
            pair = _("Group of mentor {name}").format(name=quote(mentor_name(people)))
        lines.append(f"{when} · {kind_title(meeting.kind)} · {pair} · {status}")
    return _paged((), lines, Board.UPCOMING, page, pages)


async def overdue_view(
    services: Services, organization_id: int, page: int, locale: str, timezone: str
) -> Screen:
    # Two lists turned together: page n shows the n-th page of each (eight overdue pairs,
    # sixteen unanswered questions), each a count and one page read; a list that ends sooner
    # shows only its count on the later pages.
    overdue, late, late_page, late_pages = await services.cadence.overdue_page(
        organization_id, page, PAGE_SIZE
    )
    (
        shown,
        named,
        unanswered,
        unanswered_page,
        unanswered_pages,
    ) = await services.cadence.unanswered_page(organization_id, page, PAGE_SIZE * 2)
    pages = max(late_pages, unanswered_pages)
    page = min(max(page, 0), pages - 1)
    lines = [
        _(
            "<b>No held meeting for longer than allowed</b> (two weeks or the rhythm the "
            "curator approved, plus the grace days; holidays not counted): {count}"
        ).format(count=late)
    ]
    for row in overdue if late_page == page else []:
        last = local_day(row.last_held, locale, timezone) if row.last_held else _("no meeting yet")
        lines.append(
            _("{pair}: last meeting {last}").format(pair=quote(pair_title(row.people)), last=last)
        )
    if not late:
        lines.append(_("none"))
    lines.append("")
    lines.append(
        _("<b>Not answered «Did the meeting take place?»</b>: {count}").format(count=unanswered)
    )
    # The names of the shown people of active pairs only.
    if unanswered_page != page:
        shown, named = [], set()
    answers = await services.pairing.answers_of(named)
    people = {i: display_name(i, answers.get(i, {})) for i in named}
    for followup in shown:
        lines.append(
            _("{name}: the meeting of {when}").format(
                name=quote(people.get(followup.participant_id, "—")),
                when=format_moment(followup.meeting_starts_at or followup.due_at, locale, timezone),
            )
        )
    if not unanswered:
        lines.append(_("none"))
    return _paged((), lines, Board.OVERDUE, page, pages)


async def attention_view(
    services: Services, organization_id: int, page: int, locale: str, timezone: str
) -> Screen:
    items = await services.cadence.attention(organization_id)
    if not items:
        return _nothing(_("No pair needs attention now."))
    rows: Rows = ()
    shown, page, pages = page_of(items, page, PAGE_SIZE)
    lines = [_("<b>Pairs needing attention</b>: {count}").format(count=len(items))]
    for number, (item, people) in enumerate(shown, 1 + page * PAGE_SIZE):
        line = _("{number}. {pair}: {reason} (since {date})").format(
            number=number,
            pair=quote(pair_title(people)),
            reason=attention_reason_text(item.reason),
            date=local_day(item.raised_at, locale, timezone),
        )
        if item.detail:
            line += "\n   " + _("Comment: {text}").format(text=quote(item.detail))
        lines.append(line)
        rows += (
            (
                Button(
                    _("{number}: resolved").format(number=number),
                    data=Resolve(attention_id=item.id).pack(),
                ),
                Button(
                    _("{number}: the pair").format(number=number),
                    data=PairCard(pair_id=item.pair_id).pack(),
                ),
            ),
        )
    return _paged(rows, lines, Board.ATTENTION, page, pages)


async def pairs_view(services: Services, organization_id: int, page: int) -> Screen:
    shown, count, page, pages = await services.cadence.marks_page(organization_id, page, PAGE_SIZE)
    if not count:
        return _nothing(_("There are no active pairs yet."))
    lines = [_("<b>Pairs</b>: {count}").format(count=count)]
    cards: list[Button] = []
    for people, mark in shown:
        lines.append(f"{mark_title(mark)} · {quote(pair_title(people))}")
        cards.append(
            Button(
                display_name(people.mentee.id, people.mentee_answers),
                data=PairCard(pair_id=people.pair.id).pack(),
            )
        )
    return _paged(column(cards, 2), lines, Board.PAIRS, page, pages)


def history_text(history: PairHistory, locale: str, timezone: str) -> str:
    lines = [
        _("<b>Pair</b> {pair}").format(pair=quote(pair_title(history.people))),
        mark_title(history.mark),
        _(
            "Meetings held: {held}; moved: {moved}; did not happen: {missed}; "
            "cancelled: {cancelled}"
        ).format(
            held=history.held,
            moved=history.moved,
            missed=history.missed,
            cancelled=history.cancelled,
        ),
        _("Average usefulness: {value} of 5").format(value=f"{history.usefulness:.1f}")
        if history.usefulness is not None
        else _("Average usefulness: no feedback yet"),
        _("Last held meeting: {date}").format(date=local_day(history.last_held, locale, timezone))
        if history.last_held
        else _("No meeting held yet"),
    ]
    if history.rhythm is not None:
        lines.append(rhythm_text(history.rhythm, locale))
        if history.rhythm.curator_consent:
            lines.append(_("Longer intervals than two weeks are allowed by the curator."))
    plan = plan_text(history.plan, locale)
    if plan:
        lines.append(plan)
    for item in history.attention:
        lines.append(
            _("Needs attention: {reason}").format(reason=attention_reason_text(item.reason))
        )
    if history.unanswered:
        lines.append(
            _("Not answered about a meeting: {count}").format(count=len(history.unanswered))
        )
    return "\n".join(lines)


async def pair_card(
    services: Services, organization_id: int, pair_id: int, locale: str, timezone: str
) -> Screen | None:
    history = await services.cadence.history(organization_id, pair_id)
    if history is None:
        return None
    consent = history.rhythm is not None and history.rhythm.curator_consent
    toggle = (
        _("Do not allow meetings less often than every two weeks")
        if consent
        else _("Allow meetings less often than every two weeks")
    )
    rows: Rows = (
        (Button(toggle, data=Consent(pair_id=pair_id, allow=not consent).pack()),),
        (to_view("‹ " + _("Pairs"), Board.PAIRS),),
    )
    if not history.keeps_rhythm:  # a short-term pair: no rhythm to allow longer intervals of
        rows = rows[1:]
    text = history_text(history, locale, timezone)
    plan = card_plan_text(await services.plans.of_pair(pair_id), locale, timezone)
    if plan:  # the pair's individual plan (issue 14)
        text += "\n\n" + plan
    text = split_message(text)[0]
    in_group = await services.groups.card(pair_id)
    if in_group is not None:  # a member of a group: the group's mentor, members, next meeting
        side, following = in_group
        text += "\n\n" + group_card_text(side, following)
        rows += ((Button(_("Group"), data=GroupShow(group_id=side.group.id).pack()),),)
    return Screen(text, rows)
