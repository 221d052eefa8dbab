"""The views of municipal coordinators: an administrator's coordinator link (organizations
picked by buttons, the municipality's name), what the person who opens it reads, and the
municipality's own numbers the coordinator enters (handlers/coordinators.py acts)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot import html_text as hd
from bot.coordinators import MAX_MUNICIPALITY_LENGTH, CoordinatorAcceptance, LinkProblem
from bot.models.coordinators import CoordinatorJoin, MunicipalDenominators
from bot.models.organizations import Organization
from bot.reports.targets import DENOMINATOR_TITLES, MAX_DENOMINATOR, InputProblem
from bot.screens import Button, Screen
from dialogs.i18n import N_
from handlers.callbacks import Id, Page
from handlers.paging import navigation_row

PER_PAGE = 8
BUTTON_NAME_LENGTH = 40
LISTED = 20  # organizations named in a message; the rest are counted


class LinkStep(StrEnum):
    """What the administrator presses while picking the organizations of a link."""

    TOGGLE = "t"  # select or unselect one organization
    PAGE = "p"
    ALL = "a"
    CLEAR = "c"
    NEXT = "n"  # the organizations are chosen: ask the municipality's name
    UNNAMED = "u"  # no municipality name: make the link


class CoordinatorPick(CallbackData, prefix="cod1"):
    action: LinkStep
    org_id: Id = 0
    page: Page = 0


class MunicipalField(StrEnum):
    PUPILS_10_19 = "pupils_10_19"
    YOUTH_15_19 = "youth_15_19"
    YOUNG_TEACHERS = "young_teachers"
    ENTERPRISES = "enterprises"


class MunicipalEdit(CallbackData, prefix="mun1"):
    field: MunicipalField


NUMBER_PROBLEMS = {
    InputProblem.NOT_A_NUMBER: N_("Please type a whole number, for example: 850."),
    InputProblem.OUT_OF_RANGE: N_("This number is out of range. Please check it."),
}


def _short(text: str, limit: int = BUTTON_NAME_LENGTH) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _names(organizations: Sequence[Organization]) -> str:
    lines = [f"• {hd.quote(o.name)}" for o in organizations[:LISTED]]
    if len(organizations) > LISTED:
        lines.append(_("…and {n} more").format(n=len(organizations) - LISTED))
    return "\n".join(lines)


# -- the administrator makes a link ---------------------------------------------------------------
def no_organizations() -> Screen:
    return Screen(_("There are no organizations yet. Add one with /neworg."))


def pick_screen(
    organizations: Sequence[Organization], selected: Collection[int], page: int, pages: int
) -> Screen:
    text = "\n".join(
        [
            _("<b>Coordinator link</b>"),
            _(
                "Choose the organizations the coordinator will see: press an organization to "
                "select it or to remove it. A coordinator sees their figures and changes none "
                "of their data."
            ),
            ngettext(
                "Selected: {n} organization.", "Selected: {n} organizations.", len(selected)
            ).format(n=len(selected)),
            _("Page {page} of {pages}. To stop: /cancel").format(page=page + 1, pages=pages),
        ]
    )
    rows: list[tuple[Button, ...]] = []
    for organization in organizations:
        mark = "✅" if organization.id in selected else "▫️"
        rows.append(
            (
                Button(
                    f"{mark} {_short(organization.name)}",
                    data=CoordinatorPick(
                        action=LinkStep.TOGGLE, org_id=organization.id, page=page
                    ).pack(),
                ),
            )
        )
    rows += navigation_row(page, pages, lambda n: CoordinatorPick(action=LinkStep.PAGE, page=n))
    rows.append(
        (
            Button(_("Select all"), data=CoordinatorPick(action=LinkStep.ALL, page=page).pack()),
            Button(_("Clear"), data=CoordinatorPick(action=LinkStep.CLEAR, page=page).pack()),
        )
    )
    done = Button(_("Done choosing") + " ›", data=CoordinatorPick(action=LinkStep.NEXT).pack())
    rows.append((done,))
    return Screen(text, tuple(rows))


def nothing_selected() -> str:
    return _("Select at least one organization first.")


def municipality_prompt(selected: Sequence[Organization]) -> Screen:
    text = "\n".join(
        [
            ngettext(
                "The link will be for {n} organization:",
                "The link will be for {n} organizations:",
                len(selected),
            ).format(n=len(selected)),
            _names(selected),
            "",
            ngettext(
                "Type the name of the municipality the coordinator works for, as it should "
                "appear in reports (up to {limit} character), for example: «Городской округ "
                "«Город Чита»». Or make the link without a name.",
                "Type the name of the municipality the coordinator works for, as it should "
                "appear in reports (up to {limit} characters), for example: «Городской округ "
                "«Город Чита»». Or make the link without a name.",
                MAX_MUNICIPALITY_LENGTH,
            ).format(limit=MAX_MUNICIPALITY_LENGTH),
        ]
    )
    unnamed = Button(_("Without a name"), data=CoordinatorPick(action=LinkStep.UNNAMED).pack())
    return Screen(text, ((unnamed,),))


def link_problem(problem: LinkProblem) -> str:
    texts = {
        LinkProblem.NAME_TOO_LONG: ngettext(
            "The name is too long: please shorten it to {limit} character.",
            "The name is too long: please shorten it to {limit} characters.",
            MAX_MUNICIPALITY_LENGTH,
        ).format(limit=MAX_MUNICIPALITY_LENGTH),
        LinkProblem.EMPTY_NAME: _("Please type the name of the municipality in words."),
        LinkProblem.NO_ORGANIZATIONS: nothing_selected(),
        LinkProblem.UNKNOWN_ORGANIZATION: _(
            "An organization you selected has been deleted meanwhile. Please start again: "
            "/coordinator"
        ),
        LinkProblem.NOT_ALLOWED: _("Only the bot's administrators can do this."),
    }
    return texts[problem]


def link_text(
    link: str, organizations: Sequence[Organization], municipality: str | None, when: str
) -> str:
    head = (
        _("Coordinator link for “{name}”:").format(name=hd.quote(municipality))
        if municipality
        else _("Coordinator link:")
    )
    return "\n".join(
        [
            head,
            link,
            "",
            ngettext(
                "The coordinator will see the figures of {n} organization:",
                "The coordinator will see the figures of {n} organizations:",
                len(organizations),
            ).format(n=len(organizations)),
            _names(organizations),
            "",
            _(
                "It works once, until {when}: whoever opens it first becomes the coordinator. "
                "Send it to the person the education office appointed."
            ).format(when=when),
        ]
    )


# -- the person who opens a link ------------------------------------------------------------------
def coordinator_abilities() -> str:
    return _(
        "• /stats — the indicators of your organizations, summed and per organization\n"
        "• /municipality — the municipality's own numbers to compare with (how many pupils, "
        "young people, young teachers and enterprises there are in the municipality)"
    )


def joined_screen(acceptance: CoordinatorAcceptance) -> Screen:
    outcome = acceptance.outcome
    if outcome in (CoordinatorJoin.JOINED, CoordinatorJoin.ALREADY_HERE):
        head = (
            _("You are now the municipal coordinator of the mentorship programme.")
            if outcome is CoordinatorJoin.JOINED
            else _("You have already opened this link: you are the municipal coordinator.")
        )
        lines = [head]
        if acceptance.municipality:
            lines.append(_("Municipality: {name}").format(name=hd.quote(acceptance.municipality)))
        lines += [
            ngettext(
                "You see the figures of {n} organization:",
                "You see the figures of {n} organizations:",
                len(acceptance.organizations),
            ).format(n=len(acceptance.organizations)),
            _names(acceptance.organizations),
            "",
            _("What you can do:\n{abilities}").format(abilities=coordinator_abilities()),
            "",
            _("The data of the schools are changed by their curators only."),
        ]
        return Screen("\n".join(lines))
    texts = {
        CoordinatorJoin.USED: _(
            "This coordinator link has already been used: it works only once. "
            "Ask the administrator for a new one."
        ),
        CoordinatorJoin.EXPIRED: _(
            "This coordinator link has expired. Ask the administrator for a new one."
        ),
        CoordinatorJoin.NO_ORGANIZATIONS: _(
            "The organizations of this coordinator link no longer exist. "
            "Ask the administrator for a new one."
        ),
    }
    return Screen(
        texts.get(
            outcome, _("I could not find a coordinator invitation for this link. Check the link.")
        )
    )


# -- the coordinator's numbers --------------------------------------------------------------------
def coordinator_refusal() -> str:
    return _(
        "Only a municipal coordinator can do this. A coordinator is appointed by the bot's "
        "administrators with a coordinator link."
    )


def outdated_municipal() -> str:
    return _("This button is outdated: /municipality")


def municipal_screen(
    municipality: str | None,
    organizations: int,
    row: MunicipalDenominators | None,
    current_year: int,
    saved: bool = False,
) -> Screen:
    year = row.school_year if row else current_year
    lines = [_("Saved.") + "\n"] if saved else []
    title = (
        _("<b>Numbers of the municipality “{name}”</b> (school year {start}/{end})").format(
            name=hd.quote(municipality), start=year, end=year + 1
        )
        if municipality
        else _("<b>Numbers of your municipality</b> (school year {start}/{end})").format(
            start=year, end=year + 1
        )
    )
    lines += [
        title,
        ngettext(
            "How many there are in the whole municipality, not only in the {n} organization "
            "you cover: the summary of your organizations compares the involvement with these "
            "numbers where they are entered.",
            "How many there are in the whole municipality, not only in the {n} organizations "
            "you cover: the summary of your organizations compares the involvement with these "
            "numbers where they are entered.",
            organizations,
        ).format(n=organizations),
    ]
    buttons: list[Button] = []
    for field in MunicipalField:
        value = row.values.get(field.value) if row else None
        shown = str(value) if value is not None else _("not entered")
        title_text = _(DENOMINATOR_TITLES[field.value])
        lines.append(f"• {title_text}: {shown}")
        buttons.append(Button(f"{title_text}: {shown}", data=MunicipalEdit(field=field).pack()))
    if row is not None and row.school_year != current_year:
        lines += ["", _("These are last year's numbers: please check them for this year.")]
    lines += ["", _("Press a button to change a number. The statistics: /stats")]
    return Screen("\n".join(lines), tuple((b,) for b in buttons))


def municipal_prompt(field: MunicipalField) -> Screen:
    return Screen(
        _(
            "{title}: how many are there in the whole municipality? Type a whole number from 0 "
            "to {limit}."
        ).format(
            title=_(DENOMINATOR_TITLES[field.value]), limit=f"{MAX_DENOMINATOR:,}".replace(",", " ")
        )
    )


def number_problem(problem: InputProblem) -> str | None:
    """What to say about a typed number; None when the problem is not the typing's."""
    text = NUMBER_PROBLEMS.get(problem)
    return _(text) if text is not None else None


def changed_meanwhile() -> str:
    return _("Something has changed meanwhile. Please open /municipality again.")
