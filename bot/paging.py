"""Pages of a list counted in the database: which page to show and how many there are."""

from __future__ import annotations


def clamp_page(page: int, total: int, size: int) -> tuple[int, int]:
    """The page to show of ``total`` items ``size`` a page (a page past the end, e.g. of a
    list that became shorter since its button was sent, is the last one) and the page count."""
    pages = max(1, (total + size - 1) // size)
    return min(max(page, 0), pages - 1), pages
