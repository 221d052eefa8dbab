"""Long lists in pages: one way to slice them and one row of ‹ › buttons for all of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.paging import clamp_page
from bot.screens import Button

T = TypeVar("T")


def page_of(items: Sequence[T], page: int, size: int) -> tuple[Sequence[T], int, int]:
    """The items of a page (clamped to the existing ones), that page and the page count."""
    page, pages = clamp_page(page, len(items), size)
    return items[page * size : (page + 1) * size], page, pages


def navigation_row(
    page: int, pages: int, to_page: Callable[[int], CallbackData]
) -> tuple[tuple[Button, ...], ...]:
    """The ‹ Back / Next › row of a screen (none when there is one page)."""
    if pages <= 1:
        return ()
    row: list[Button] = []
    if page > 0:
        row.append(Button("‹ " + _("Back"), data=to_page(page - 1).pack()))
    if page + 1 < pages:
        row.append(Button(_("Next") + " ›", data=to_page(page + 1).pack()))
    return (tuple(row),)


def column(buttons: list[Button], width: int = 1) -> tuple[tuple[Button, ...], ...]:
    """Buttons in rows of ``width`` (the last row may be shorter)."""
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))
