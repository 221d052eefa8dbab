"""The views of /announce: button data, the texts the curator and the recipients read."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.announcements import (
    MAX_TEXT_LENGTH,
    AnnouncementReport,
    Audience,
    AudienceView,
    Person,
    Progress,
)
from bot.html_text import quote
from bot.screens import Button, Screen
from handlers.callbacks import Id

# Names listed in a preview or a report; the rest are counted.
MAX_NAMES_SHOWN = 30
MAX_NAME_LENGTH = 64


# Curators' announcements; "ann1" is in handlers/access.py's curator prefixes.
class AnnounceAudience(CallbackData, prefix="ann1a"):
    audience: Audience


class AnnounceStep(StrEnum):
    SEND = "send"
    CANCEL = "cancel"


class AnnounceAction(CallbackData, prefix="ann1s"):
    action: AnnounceStep
    draft: Id  # which preview the button belongs to; an older one is outdated


def audience_title(audience: Audience) -> str:
    # Translators: as in “an announcement for all mentors” (genitive in Russian).
    titles = {
        Audience.MENTORS: _("all mentors"),
        Audience.MENTEES: _("all mentees"),
        Audience.EVERYONE: _("everyone in the organization"),
    }
    return titles[audience]


def announcement_text(organization: str, text: str) -> str:
    """What a recipient gets, in the current locale: a header, then the text as typed."""
    header = _("Message from the curator of “{organization}”:").format(
        organization=quote(organization)
    )
    return f"<b>{header}</b>\n\n{quote(text)}"


def person_line(person: Person) -> str:
    name = person.full_name or _("Participant No. {id} (no name yet)").format(
        id=person.participant_id
    )
    if len(name) > MAX_NAME_LENGTH:
        name = name[: MAX_NAME_LENGTH - 1] + "…"
    role = _("mentor") if person.role == "mentor" else _("mentee")
    return f"• {quote(name)} — {role}"


def people_lines(people: tuple[Person, ...]) -> list[str]:
    lines = [person_line(p) for p in people[:MAX_NAMES_SHOWN]]
    if len(people) > MAX_NAMES_SHOWN:
        lines.append(_("…and {count} more").format(count=len(people) - MAX_NAMES_SHOWN))
    return lines


def text_prompt(audience: Audience) -> str:
    return ngettext(
        "An announcement for {audience}. Send its text in one message, up to {limit} "
        "character. To stop: /cancel",
        "An announcement for {audience}. Send its text in one message, up to {limit} "
        "characters. To stop: /cancel",
        MAX_TEXT_LENGTH,
    ).format(audience=audience_title(audience), limit=MAX_TEXT_LENGTH)


def outdated_text() -> str:
    return _("This announcement has already been sent or cancelled.")


def report_text(audience: Audience, report: AnnouncementReport) -> str:
    lines = [
        _(
            "<b>The announcement for {audience} is sent</b>: delivered to {delivered}, "
            "could not reach {not_reached}."
        ).format(
            audience=audience_title(audience),
            delivered=report.delivered,
            not_reached=len(report.not_reached),
        )
    ]
    if report.not_reached:
        lines += [
            "",
            _("Could not reach (they blocked the bot or deleted the account):"),
            *people_lines(report.not_reached),
        ]
    if report.failed:
        lines += [
            "",
            _("Not sent because of an error: {count}.").format(count=len(report.failed)),
            *people_lines(report.failed),
        ]
    return "\n".join(lines)


def interrupted_text(audience: Audience, progress: Progress) -> str:
    return _(
        "<b>The announcement for {audience} was interrupted</b>: the bot was stopped. "
        "Delivered to {delivered} of {total}; the others did not get it."
    ).format(audience=audience_title(audience), delivered=progress.delivered, total=progress.total)


def failed_text(audience: Audience, progress: Progress) -> str:
    return _(
        "<b>The announcement for {audience} stopped because of an error</b>. Delivered to "
        "{delivered} of {total}. Please tell the administrators: /support"
    ).format(audience=audience_title(audience), delivered=progress.delivered, total=progress.total)


def nobody_text(name: str) -> str:
    return _(
        "“{name}” has no mentors or mentees yet, so there is nobody to send an "
        "announcement to. Invite them with /invite."
    ).format(name=quote(name))


def action_button(text: str, step: AnnounceStep, draft: int) -> Button:
    return Button(text, data=AnnounceAction(action=step, draft=draft).pack())


def audience_screen(name: str, sizes: dict[Audience, int]) -> Screen:
    """The first step: who gets it, with the size of each audience."""
    labels = {
        Audience.MENTORS: _("All mentors: {count}"),
        Audience.MENTEES: _("All mentees: {count}"),
        Audience.EVERYONE: _("Everyone: {count}"),
    }
    rows = tuple(
        (
            Button(
                label.format(count=sizes[audience]),
                data=AnnounceAudience(audience=audience).pack(),
            ),
        )
        for audience, label in labels.items()
    )
    return Screen(
        _("“{name}”: who should get the announcement?").format(name=quote(name)),
        (*rows, (action_button(_("Cancel"), AnnounceStep.CANCEL, 0),)),
    )


def preview_screen(audience: Audience, view: AudienceView, draft: int) -> Screen:
    """Under the announcement as recipients will see it: who gets it, who cannot, and the
    buttons of this draft."""
    lines = [
        _("<b>An announcement for {audience}</b>").format(audience=audience_title(audience)),
        _("Recipients: {count}.").format(count=len(view.reachable)),
    ]
    if view.unreachable:
        lines += [
            "",
            _("Will not get it, as they blocked the bot or deleted the account: {count}.").format(
                count=len(view.unreachable)
            ),
            *people_lines(view.unreachable),
        ]
    lines += [
        "",
        _(
            "Check the text above: this is how they will see it, each in their language of "
            "the bot. Send it? To change the text, send a new one."
        ),
    ]
    row = (
        action_button(_("Send"), AnnounceStep.SEND, draft),
        action_button(_("Cancel"), AnnounceStep.CANCEL, draft),
    )
    return Screen("\n".join(lines), (row,))


def sending_text(audience: Audience, count: int) -> str:
    return (
        _("<b>An announcement for {audience}</b>").format(audience=audience_title(audience))
        + "\n"
        + _("Sending, recipients: {count}. I will write here when it is done.").format(count=count)
    )
