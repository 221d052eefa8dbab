"""The views of pairs and groups: the introduction, the /pairs list and ending a pair early
(handlers/pairs.py acts)."""

from __future__ import annotations

from collections import Counter

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot import html_text as hd
from bot.pairing import PairPeople
from bot.screens import Button, Screen
from handlers.callbacks import Id, Page
from handlers.cycle_views import CycleAct, CycleStep
from handlers.meeting_texts import MeetPlan
from handlers.paging import column, navigation_row
from handlers.people import contact_line, display_name, profile_lines

PAGE_SIZE = 8


class PairsPage(CallbackData, prefix="pr1l"):
    page: Page


class PairEnd(CallbackData, prefix="pr1e"):
    pair_id: Id


def introduction_screen(people: PairPeople, to_mentor: bool) -> Screen:
    """Who the other side is, how to reach them (as allowed), and what is next; the mentor's
    copy has the button that proposes the first meeting, the acquaintance meeting."""
    if to_mentor:
        other_role, other_id, other_answers = "mentee", people.mentee.id, people.mentee_answers
    else:
        other_role, other_id, other_answers = "mentor", people.mentor.id, people.mentor_answers
    other_name = hd.quote(display_name(other_id, other_answers))
    if to_mentor:
        lines = [_("<b>Meet your mentee: {name}</b>").format(name=other_name)]
    else:
        lines = [_("<b>Meet your mentor: {name}</b>").format(name=other_name)]
    lines += profile_lines(other_role, other_answers)
    contact = contact_line(other_role, other_answers)
    if contact:
        lines.append(contact)
    lines.append("")
    if not to_mentor:
        lines.append(
            _(
                "What next: your mentor will suggest the time of your first meeting, the "
                "acquaintance meeting. Then you will meet at least once every two weeks."
            )
        )
        return Screen("\n".join(lines))
    lines.append(
        _(
            "What next: please suggest the time of the first meeting, the acquaintance "
            "meeting. Then meet at least once every two weeks; after each meeting I "
            "will ask both of you for feedback."
        )
    )
    propose = Button(_("Propose the first meeting"), data=MeetPlan(pair_id=people.pair.id).pack())
    return Screen("\n".join(lines), ((propose,),))


def finished_title() -> str:
    return _("Finished pairs: results and good practice")


def finished_button() -> Button:
    return Button(finished_title(), data=CycleAct(action=CycleStep.PAIRS).pack())


def pairs_screen(
    total: int, group_sizes: Counter[int], shown: list[PairPeople], page: int, pages: int
) -> Screen:
    """One page of the active pairs; ``group_sizes`` counts the active pairs of each mentor
    (a mentor with more than one leads a group)."""
    if total == 0:
        return Screen(
            _("There are no active pairs yet. Run the matching: /curator"),
            ((finished_button(),),),
        )
    lines = [_("<b>Active pairs and groups</b>: {count}").format(count=total)]
    buttons: list[Button] = []
    for item in shown:
        mentor = display_name(item.mentor.id, item.mentor_answers)
        mentee = display_name(item.mentee.id, item.mentee_answers)
        size = group_sizes[item.mentor.id]
        group = _(" (group of {n})").format(n=size) if size > 1 else ""
        lines.append(
            _("{mentor} → {mentee}{group}, since {date}").format(
                mentor=hd.quote(mentor),
                mentee=hd.quote(mentee),
                group=group,
                date=item.pair.started_on.strftime("%d.%m.%Y"),
            )
        )
        buttons.append(
            Button(
                _("End: {mentee}").format(mentee=mentee),
                data=PairEnd(pair_id=item.pair.id).pack(),
            )
        )
    buttons.append(finished_button())
    rows = column(buttons) + navigation_row(page, pages, lambda n: PairsPage(page=n))
    return Screen("\n".join(lines), rows)


def already_ended() -> str:
    return _("This pair has already ended.")


def reason_prompt() -> Screen:
    return Screen(
        _(
            "Why does the pair end early? Type the reason in one message; both participants "
            "will see it. Or /cancel."
        )
    )


def reason_length() -> Screen:
    return Screen(_("Please describe the reason in 3 to 500 characters."))


def ended_screen() -> Screen:
    return Screen(_("The pair is ended; the mentee is back among those waiting for a mentor."))


def ended_notice(reason: str) -> Screen:
    """What both sides read (in their own language, rendered by the outbox)."""
    return Screen(
        _("The curator has ended your pair early. Reason: {reason}").format(reason=hd.quote(reason))
    )
