"""The views of the preference round: the curator's switch and the participant's cards
(handlers/preferences.py acts)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot import html_text as hd
from bot.matching.profiles import Candidate
from bot.screens import Button, Screen
from handlers.paging import column
from handlers.people import label
from storage.repositories.preferences import MAX_CHOICES

# At most this many cards are shown (and numbered) at once.
MAX_CARDS = 30


class RoundAction(CallbackData, prefix="mt1r"):
    open: bool


class PreferencePick(CallbackData, prefix="prf1"):
    chooser: int
    chosen: int


def round_screen(is_open: bool) -> Screen:
    """The text says the state too, so the whole message follows a press."""
    state = _("open") if is_open else _("closed")
    text = _(
        "Preference round: participants see short cards of compatible people of the other "
        "side and choose up to three; mutual choices weigh heavily in the matching. "
        "Now: {state}."
    ).format(state=state)
    if is_open:
        button = Button(_("Close the preference round"), data=RoundAction(open=False).pack())
    else:
        button = Button(_("Open the preference round"), data=RoundAction(open=True).pack())
    return Screen(text, ((button,),))


def invitation_screen() -> Screen:
    return Screen(
        _(
            "The curator invites you to choose whom you would like to work with: "
            "up to three people. Press /choose."
        )
    )


def invited_notice(count: int) -> str:
    return ngettext("Invited: {n} person", "Invited: {n} people", count).format(n=count)


def labels(codes: frozenset[str]) -> str:
    return hd.quote(", ".join(label(code) for code in sorted(codes)))


def card_line(number: int, candidate: Candidate) -> str:
    """Short and anonymous enough: no names, only what matters for the choice."""
    if candidate.role == "mentor":
        head = _("Mentor No. {n}").format(n=number)
        what = _("can help with: {items}")
    else:
        head = _("Mentee No. {n}").format(n=number)
        what = _("asks for: {items}")
    parts = [f"<b>{head}</b>"]
    if candidate.topics:
        parts.append(
            what.format(items=hd.quote(", ".join(label(t) for t in sorted(candidate.topics))))
        )
    if candidate.interests:
        parts.append(
            _("interests: {items}").format(
                items=hd.quote(", ".join(label(i) for i in sorted(candidate.interests)))
            )
        )
    if candidate.days:
        parts.append(
            _("days: {items}").format(items=", ".join(label(d) for d in sorted(candidate.days)))
        )
    return "; ".join(parts)


def not_open() -> Screen:
    return Screen(_("Choosing is not open now, or you are already in a pair."))


def cards_screen(chooser: int, cards: list[Candidate] | None, chosen: set[int]) -> Screen:
    """The cards a participant chooses from (None: the round is not open for them)."""
    if cards is None:
        return not_open()
    if not cards:
        return Screen(_("There is nobody compatible to choose from yet."))
    lines = [
        ngettext(
            "Choose up to {n} person you would like to work with:",
            "Choose up to {n} people you would like to work with:",
            MAX_CHOICES,
        ).format(n=MAX_CHOICES)
    ]
    buttons: list[Button] = []
    for number, card in enumerate(cards[:MAX_CARDS], start=1):
        lines.append(card_line(number, card))
        mark = "✓ " if card.participant_id in chosen else ""
        buttons.append(
            Button(
                f"{mark}{number}",
                data=PreferencePick(chooser=chooser, chosen=card.participant_id).pack(),
            )
        )
    return Screen("\n".join(lines), column(buttons, 6))


def limit_notice() -> str:
    return _("You can choose up to three people while choosing is open.")


def pick_notice(chosen: bool) -> str:
    return _("Chosen") if chosen else _("Choice removed")
