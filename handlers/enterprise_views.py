"""The views of the curator's «Enterprises»: the enterprises of the employer mentors with how
many mentors each, merging two spellings by buttons, and undoing a merge
(handlers/enterprises.py acts).

A spelling is picked by the id of one of its mentors: button data hold ids only, and the
handler finds the spelling again in the current list of the curator's own organization."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot import html_text as hd
from bot.models.enterprises import EnterpriseAlias, EnterpriseGroup, EnterpriseListing
from bot.screens import Button, Screen
from handlers.callbacks import Id, Page
from handlers.paging import column, navigation_row, page_of

PAGE_SIZE = 10
BUTTON_NAME = 40  # characters of a name on a button
TEXT_NAME = 100  # characters of a name in the text (a page stays within one message)
SPELLINGS_SHOWN = 3  # other spellings named under an enterprise


class EnterpriseList(CallbackData, prefix="ent1l"):
    page: Page


class EnterpriseKeepPick(CallbackData, prefix="ent1s"):
    """The first step of a merge: choose the spelling to keep (a page of them)."""

    page: Page


class EnterpriseKeep(CallbackData, prefix="ent1k"):
    """The spelling to keep is chosen (by one of its mentors); choose the second."""

    mentor: Id
    page: Page


class EnterpriseMerge(CallbackData, prefix="ent1m"):
    """Merge the spelling of mentor ``merge`` into that of mentor ``keep``."""

    keep: Id
    merge: Id


class EnterpriseMerges(CallbackData, prefix="ent1u"):
    """The list of merges, to undo one."""

    page: Page


class EnterpriseUnmerge(CallbackData, prefix="ent1d"):
    alias_id: Id


def _short(name: str, limit: int = BUTTON_NAME) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def mentors_text(count: int) -> str:
    return ngettext("{n} mentor", "{n} mentors", count).format(n=count)


def _group_line(number: int, group: EnterpriseGroup) -> str:
    name = hd.quote(_short(group.name, TEXT_NAME))
    line = f"{number}. <b>{name}</b> — {mentors_text(group.mentors)}"
    others = [name for name, _count in group.spellings if name != group.name]
    if others:
        shown = ", ".join(
            f"«{hd.quote(_short(name, TEXT_NAME))}»" for name in others[:SPELLINGS_SHOWN]
        )
        if len(others) > SPELLINGS_SHOWN:
            shown += ", …"
        line += "\n    " + _("also typed as: {names}").format(names=shown)
    return line


def listing_screen(listing: EnterpriseListing, page: int = 0, note: str | None = None) -> Screen:
    """The enterprises, the largest first, a page at a time; «Merge two spellings» when there
    are two to merge, «Undo a merge» when there is one."""
    groups, page, pages = page_of(listing.groups, page, PAGE_SIZE)
    lines = [_("<b>Enterprises of the mentors</b>")]
    if listing.groups:
        lines.append(
            _(
                "The places of work of the mentors in the forms «Employer – pupil» and "
                "«Employer – student». One enterprise typed in different ways is counted "
                "once; if the bot has not recognised two spellings as one, merge them."
            )
        )
        lines.append("")
        first = page * PAGE_SIZE + 1
        lines += [_group_line(number, g) for number, g in enumerate(groups, start=first)]
    else:
        lines.append(
            _(
                "No mentor in the forms «Employer – pupil» or «Employer – student» has named "
                "a place of work yet."
            )
        )
    if note:
        lines += ["", note]
    buttons: list[Button] = []
    if len(listing.groups) >= 2:
        buttons.append(Button(_("Merge two spellings"), EnterpriseKeepPick(page=0).pack()))
    if listing.merges:
        buttons.append(Button(_("Undo a merge"), EnterpriseMerges(page=0).pack()))
    rows = (
        *navigation_row(page, pages, lambda p: EnterpriseList(page=p)),
        *column(buttons, 1),
    )
    return Screen("\n".join(lines), rows)


def _pick_rows(
    groups: list[EnterpriseGroup], first: int, data: list[str]
) -> tuple[tuple[Button, ...], ...]:
    return column(
        [
            Button(f"{number}. {_short(g.name)} ({g.mentors})", packed)
            for number, (g, packed) in enumerate(zip(groups, data, strict=True), start=first)
        ],
        1,
    )


def keep_screen(listing: EnterpriseListing, page: int = 0) -> Screen:
    """Step 1 of 2: the spelling to keep."""
    groups, page, pages = page_of(listing.groups, page, PAGE_SIZE)
    data = [EnterpriseKeep(mentor=g.mentor_ids[0], page=0).pack() for g in groups]
    rows = (
        *_pick_rows(list(groups), page * PAGE_SIZE + 1, data),
        *navigation_row(page, pages, lambda p: EnterpriseKeepPick(page=p)),
        (Button(_("Cancel"), EnterpriseList(page=0).pack()),),
    )
    return Screen(
        _(
            "<b>Merging two spellings, step 1 of 2.</b> Choose the spelling to keep: the "
            "enterprise will be shown and counted under this name."
        ),
        rows,
    )


def second_screen(listing: EnterpriseListing, keep: EnterpriseGroup, page: int = 0) -> Screen:
    """Step 2 of 2: the spelling that is the same enterprise as ``keep``."""
    others = [g for g in listing.groups if g.key != keep.key]
    groups, page, pages = page_of(others, page, PAGE_SIZE)
    keeper = keep.mentor_ids[0]
    data = [EnterpriseMerge(keep=keeper, merge=g.mentor_ids[0]).pack() for g in groups]
    rows = (
        *_pick_rows(list(groups), page * PAGE_SIZE + 1, data),
        *navigation_row(page, pages, lambda p: EnterpriseKeep(mentor=keeper, page=p)),
        (Button(_("Cancel"), EnterpriseList(page=0).pack()),),
    )
    return Screen(
        _(
            "<b>Merging two spellings, step 2 of 2.</b> Which spelling is the same "
            "enterprise as «{name}»? It will be counted as «{name}»."
        ).format(name=hd.quote(_short(keep.name, TEXT_NAME))),
        rows,
    )


def merged_note(kept: str, merged: str) -> str:
    return _("«{merged}» is now counted as «{kept}». To undo it, press «Undo a merge».").format(
        merged=hd.quote(_short(merged, TEXT_NAME)), kept=hd.quote(_short(kept, TEXT_NAME))
    )


def same_note() -> str:
    return _("These spellings are already one enterprise.")


def gone_note() -> str:
    return _("The list has changed since: here is the current one.")


def merges_screen(listing: EnterpriseListing, page: int = 0, note: str | None = None) -> Screen:
    """The merges made, each with «Undo No. N»."""
    merges, page, pages = page_of(listing.merges, page, PAGE_SIZE)
    first = page * PAGE_SIZE + 1
    lines = [_("<b>Merged spellings</b>")]
    buttons: list[Button] = []
    if merges:
        for number, alias in enumerate(merges, start=first):
            lines.append(_merge_line(number, alias))
            buttons.append(
                Button(
                    _("Undo No. {n}").format(n=number),
                    EnterpriseUnmerge(alias_id=alias.id).pack(),
                )
            )
        lines += ["", _("Undoing a merge counts the spelling as an enterprise of its own again.")]
    else:
        lines.append(_("No spellings are merged."))
    if note:
        lines += ["", note]
    rows = (
        *column(buttons, 3),
        *navigation_row(page, pages, lambda p: EnterpriseMerges(page=p)),
        (Button(_("← To the enterprises"), EnterpriseList(page=0).pack()),),
    )
    return Screen("\n".join(lines), rows)


def _merge_line(number: int, alias: EnterpriseAlias) -> str:
    return _("{n}. «{merged}» is counted as «{kept}»").format(
        n=number,
        merged=hd.quote(_short(alias.alias_name, TEXT_NAME)),
        kept=hd.quote(_short(alias.canonical_name, TEXT_NAME)),
    )


def unmerged_note() -> str:
    return _("Undone: the spelling is an enterprise of its own again.")


def already_undone() -> str:
    return _("This merge has already been undone: here is the current list.")
