"""The views of the bot administrators' organizations: the /orgs list, a curator link and
the /neworg dialogue (handlers/organizations.py acts)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot import html_text as hd
from bot.models.organizations import OrganizationListing
from bot.organizations import MAX_NAME_LENGTH, Organization, RussianZone
from bot.screens import Button, Screen
from handlers.callbacks import OrgCuratorLink, OrgPage, OrgZoneChoice
from handlers.paging import column, navigation_row

PER_PAGE = 8
BUTTON_NAME_LENGTH = 40


def zone_title(zone: RussianZone) -> str:
    titles = {
        RussianZone.KALININGRAD: _("Kaliningrad (MSK−1)"),
        RussianZone.MOSCOW: _("Moscow (MSK)"),
        RussianZone.SAMARA: _("Samara (MSK+1)"),
        RussianZone.YEKATERINBURG: _("Yekaterinburg (MSK+2)"),
        RussianZone.OMSK: _("Omsk (MSK+3)"),
        RussianZone.NOVOSIBIRSK: _("Novosibirsk, Krasnoyarsk (MSK+4)"),
        RussianZone.IRKUTSK: _("Irkutsk (MSK+5)"),
        RussianZone.CHITA: _("Chita (MSK+6)"),
        RussianZone.VLADIVOSTOK: _("Vladivostok (MSK+7)"),
        RussianZone.MAGADAN: _("Magadan (MSK+8)"),
        RussianZone.KAMCHATKA: _("Kamchatka (MSK+9)"),
    }
    return titles[zone]


def short(text: str, limit: int = BUTTON_NAME_LENGTH) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def no_organizations() -> Screen:
    return Screen(_("There are no organizations yet. Add one with /neworg."))


def organizations_screen(listing: list[OrganizationListing], page: int, pages: int) -> Screen:
    lines = [
        _(
            "<b>Organizations</b> (page {page} of {pages}). A button gives a new curator link."
        ).format(page=page + 1, pages=pages)
    ]
    buttons: list[Button] = []
    for item in listing:
        organization = item.organization
        lines.append(
            "\n"
            + _(
                "No. {id}. <b>{name}</b>\n{timezone}; curators: {curators}; forms on: {forms}"
            ).format(
                id=organization.id,
                name=hd.quote(organization.name),
                timezone=organization.timezone,
                curators=item.curators,
                forms=item.enabled_forms,
            )
        )
        buttons.append(
            Button(
                _("Curator link: No. {id}. {name}").format(
                    id=organization.id, name=short(organization.name)
                ),
                data=OrgCuratorLink(org_id=organization.id).pack(),
            )
        )
    rows = column(buttons) + navigation_row(page, pages, lambda n: OrgPage(page=n))
    return Screen("\n".join(lines), rows)


def no_such_organization() -> str:
    return _("There is no such organization.")


def curator_link_text(organization: Organization, link: str, when: str) -> str:
    return _(
        "Curator link for “{name}”:\n{link}\n\n"
        "It works once, until {when}: whoever opens it first becomes the curator. "
        "Send it to the person the head of the organization appointed."
    ).format(name=hd.quote(organization.name), link=link, when=when)


def name_prompt() -> Screen:
    return Screen(
        ngettext(
            "Send the name of the organization as it should appear in reports, "
            "e.g. “School No. 5” (up to {limit} character). To stop: /cancel",
            "Send the name of the organization as it should appear in reports, "
            "e.g. “School No. 5” (up to {limit} characters). To stop: /cancel",
            MAX_NAME_LENGTH,
        ).format(limit=MAX_NAME_LENGTH)
    )


def zone_screen(name: str) -> Screen:
    buttons = [
        Button(zone_title(zone), data=OrgZoneChoice(zone=zone).pack()) for zone in RussianZone
    ]
    return Screen(
        _(
            "The time zone of “{name}”: choose it below, or send its name from the time zone "
            "database, e.g. Asia/Yakutsk. Reminders and dates will follow it."
        ).format(name=hd.quote(name)),
        column(buttons, 2),
    )


def created_screen(organization: Organization, timezone: str) -> Screen:
    return Screen(
        _(
            "The organization “{name}” (No. {id}) is added, time zone {timezone}. "
            "All five federal forms of mentorship are on; the curator can change them with "
            "/forms."
        ).format(name=hd.quote(organization.name), id=organization.id, timezone=timezone)
    )


def first_link_screen(link_text: str) -> Screen:
    return Screen(link_text + "\n\n" + _("Another link or other organizations: /orgs"))


def zone_hint() -> str:
    return _(
        "Choose one of the buttons above or send a name such as Asia/Yakutsk. To stop: /cancel"
    )


def unknown_zone(typed: str) -> Screen:
    return Screen(
        _("I do not know the time zone “{zone}”.").format(zone=hd.quote(typed[:64]))
        + " "
        + zone_hint()
    )
