"""The small HTML subset a :class:`bot.screens.Screen`'s text is written in: what views need
to put people's words and links into it, without a messenger's library."""

from __future__ import annotations

import html


def quote(value: str) -> str:
    """Text typed by people, safe inside the HTML subset (tags shown, not obeyed)."""
    return html.escape(value, quote=False)


def link(value: str, href: str) -> str:
    """``value`` (already quoted) as a link to ``href``."""
    return f'<a href="{html.escape(href)}">{value}</a>'
