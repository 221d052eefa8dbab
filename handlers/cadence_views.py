"""What the daily cadence guard and the weekly digest say (built inside the outbox's render,
in the reader's language)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.cadence import OVERDUE_DAYS, Digest, Nudge
from bot.html_text import quote
from bot.screens import Screen
from handlers.followup_views import attention_reason_text, pair_title
from handlers.texts import MESSAGE_LIMIT, current_locale


def nudge_text(nudge: Nudge, name: str) -> str:
    if nudge.allowed_days > OVERDUE_DAYS:
        return _rhythm_nudge_text(nudge, name)
    if nudge.never_met:
        return _(
            "Your pair with {name} started more than two weeks ago, and you have not met yet. "
            "The programme asks for a meeting at least every two weeks: please agree on one in "
            "/meetings."
        ).format(name=quote(name))
    return _(
        "It has been more than two weeks since your last meeting with {name}. "
        "The programme asks for a meeting at least every two weeks: please agree "
        "on one in /meetings."
    ).format(name=quote(name))


def _rhythm_nudge_text(nudge: Nudge, name: str) -> str:
    """A pair whose longer rhythm the curator approved is reminded of its own interval."""
    weeks = nudge.allowed_days // 7
    if nudge.never_met:
        return ngettext(
            "Your pair with {name} started more than {weeks} week ago, and you have not met "
            "yet. The curator agreed to your meetings once every {weeks} week: please agree on "
            "one in /meetings.",
            "Your pair with {name} started more than {weeks} weeks ago, and you have not met "
            "yet. The curator agreed to your meetings once every {weeks} weeks: please agree on "
            "one in /meetings.",
            weeks,
        ).format(name=quote(name), weeks=weeks)
    return ngettext(
        "It has been more than {weeks} week since your last meeting with {name}. The curator "
        "agreed to your meetings once every {weeks} week: please agree on one in /meetings.",
        "It has been more than {weeks} weeks since your last meeting with {name}. The curator "
        "agreed to your meetings once every {weeks} weeks: please agree on one in /meetings.",
        weeks,
    ).format(name=quote(name), weeks=weeks)


def nudge_screen(nudge: Nudge, name: str) -> Screen:
    return Screen(nudge_text(nudge, name))


def digest_text(digest: Digest, locale: str, limit: int = MESSAGE_LIMIT) -> str:
    """One message: the pairs needing attention that do not fit are counted, not listed (the
    whole list is in /curator → «Meetings»)."""
    lines = [
        _("<b>Weekly digest</b> · the week from {date}").format(
            date=format_date(digest.week_start, "long", locale=locale)
        ),
        _("Meetings held: {count}").format(count=len(digest.held)),
        _("Meetings that did not happen: {count}").format(count=len(digest.missed)),
        _("Unanswered «Did the meeting take place?»: {count}").format(count=digest.unanswered),
        _("Feedback forms not filled in: {count}").format(count=digest.feedback_missing),
        _("Pairs needing attention: {count}").format(count=len(digest.attention)),
    ]
    footer = _("Details: /curator → «Meetings».")
    room = limit - len(footer) - 80  # for the "and N more" line
    used = sum(len(line) + 1 for line in lines)
    for shown, (item, people) in enumerate(digest.attention):
        line = f"• {quote(pair_title(people))}: {attention_reason_text(item.reason)}"
        if used + len(line) + 1 > room:
            lines.append(_("…and {n} more").format(n=len(digest.attention) - shown))
            break
        lines.append(line)
        used += len(line) + 1
    lines.append(footer)
    return "\n".join(lines)


def digest_screen(digest: Digest) -> Screen:
    return Screen(digest_text(digest, current_locale()))
