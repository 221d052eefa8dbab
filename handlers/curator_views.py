"""The views of the curator's links and forms: /invite, /links, /forms and the welcome of a
new curator (handlers/curator.py acts)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.formatting import format_moment
from bot.html_text import quote
from bot.invitations import (
    CuratorJoin,
    Invitation,
    InvitationLimit,
    InvitationRole,
    InvitationStatus,
    invitation_link,
)
from bot.organizations import MAX_FORM_TITLE_LENGTH, Organization, OrganizationForm
from bot.qr import qr_png
from bot.screens import Attachment, Button, Screen
from dialogs.forms import FORM_DESCRIPTIONS, FORM_TITLES, FederalForm
from handlers.callbacks import (
    FormAdd,
    FormToggle,
    InviteLimitChoice,
    InviteRoleChoice,
    LinkRevoke,
    LinksPage,
)
from handlers.form_profile_views import profiles_button
from handlers.paging import column, navigation_row, page_of

# /links shows this many; a curator rarely has more links working at once.
MAX_LINKS_SHOWN = 10  # per page: each link is a long line


def role_title(role: InvitationRole) -> str:
    # Translators: who a link is for, as in "a link for mentees" (genitive in Russian).
    titles = {
        InvitationRole.MENTEE: _("mentees"),
        InvitationRole.MENTOR: _("mentors"),
        InvitationRole.CURATOR: _("a curator"),
    }
    return titles[role]


def form_title(form: OrganizationForm) -> str:
    if form.title is not None:
        return form.title
    return _(FORM_TITLES[FederalForm(form.code)])


def curator_abilities() -> str:
    return "\n".join(
        [
            _("/invite: an invitation link for mentees or mentors, with a QR code for a poster"),
            _("/links: the active invitation links; revoke a link there"),
            _("/forms: the forms of mentorship your organization runs"),
        ]
    )


def outdated_button() -> str:
    return _("This button is outdated. Please use the latest message or /help.")


# -- joining as a curator ----------------------------------------------------------------
def joined_screen(outcome: CuratorJoin, status: InvitationStatus | None, name: str) -> Screen:
    """What the person who opened a curator link reads; ``name`` is the organization's."""
    name = quote(name)
    if outcome is CuratorJoin.JOINED:
        return Screen(
            _(
                "You are now the curator of the mentorship programme of “{name}”.\n\n"
                "What you can do now:\n{abilities}\n\n"
                "Start with /forms to check the forms of mentorship, then send the invitation "
                "links from /invite to mentors and mentees."
            ).format(name=name, abilities=curator_abilities())
        )
    if outcome is CuratorJoin.ALREADY_HERE:
        return Screen(
            _("You are already the curator of “{name}”. What you can do:\n{abilities}").format(
                name=name, abilities=curator_abilities()
            )
        )
    if outcome is CuratorJoin.OTHER_ORGANIZATION:
        return Screen(
            _(
                "You are already the curator of “{name}”, and a person can be the curator of "
                "only one organization. This link was not used. If you are moving to another "
                "organization, write to the administrators: /support"
            ).format(name=name)
        )
    texts = {
        InvitationStatus.REVOKED: _(
            "This curator link has been revoked. Ask the administrator for a new one."
        ),
        InvitationStatus.EXPIRED: _(
            "This curator link has expired. Ask the administrator for a new one."
        ),
        InvitationStatus.USED_UP: _(
            "This curator link has already been used: it works only once. "
            "Ask the administrator for a new one."
        ),
    }
    fallback = _("I could not find a curator invitation for this link. Check the link.")
    return Screen(texts.get(status, fallback) if status is not None else fallback)


# -- /invite ------------------------------------------------------------------------------
def role_screen(organization: Organization) -> Screen:
    return Screen(
        _("“{name}”: whom is the invitation link for?").format(name=quote(organization.name)),
        (
            (
                Button(_("For mentees"), data=InviteRoleChoice(role=InvitationRole.MENTEE).pack()),
                Button(_("For mentors"), data=InviteRoleChoice(role=InvitationRole.MENTOR).pack()),
            ),
        ),
    )


def limit_screen(role: InvitationRole) -> Screen:
    labels = {
        InvitationLimit.NONE: _("No limit"),
        InvitationLimit.USES_30: _("Up to 30 people"),
        InvitationLimit.DAYS_7: _("Valid for 7 days"),
    }
    return Screen(
        _(
            "A link for {role}. Should it stop working at some point? You can also revoke "
            "it at any time in /links."
        ).format(role=role_title(role)),
        tuple(
            (Button(label, data=InviteLimitChoice(role=role, limit=limit).pack()),)
            for limit, label in labels.items()
        ),
    )


def describe_limits(invitation: Invitation, locale: str, timezone: str) -> str:
    uses = (
        _("uses: {uses}").format(uses=invitation.uses)
        if invitation.max_uses is None
        else _("uses: {uses} of {max_uses}").format(
            uses=invitation.uses, max_uses=invitation.max_uses
        )
    )
    expiry = (
        _("no end date")
        if invitation.expires_at is None
        else _("works until {when}").format(
            when=format_moment(invitation.expires_at, locale, timezone)
        )
    )
    return f"{uses}, {expiry}"


def poster_caption(role: InvitationRole, organization: Organization) -> str:
    name = quote(organization.name)
    if role is InvitationRole.MENTOR:
        return _(
            "Mentorship programme of “{name}”. Point your phone camera at the code "
            "to join as a mentor."
        ).format(name=name)
    return _(
        "Mentorship programme of “{name}”. Point your phone camera at the code to join as a mentee."
    ).format(name=name)


def link_screens(
    invitation: Invitation, organization: Organization, link: str, locale: str
) -> tuple[Screen, Screen]:
    """The link in place of the choice, then the QR code for a poster as a file."""
    role = invitation.role
    limits = describe_limits(invitation, locale, organization.timezone)
    text = _(
        "Invitation link for {role} of “{name}” ({limits}):\n{link}\n\n"
        "Send it in a chat, or print the QR code below on a poster. "
        "Active links and revoking them: /links"
    ).format(role=role_title(role), name=quote(organization.name), limits=limits, link=link)
    poster = Screen(
        poster_caption(role, organization) + "\n" + link,
        attachment=Attachment(f"invitation-{role.value}.png", qr_png(link)),
    )
    return Screen(text), poster


def link_ready() -> str:
    return _("The link is ready")


# -- /links ------------------------------------------------------------------------------
def links_screen(
    invitations: Sequence[Invitation],
    organization: Organization,
    username: str,
    locale: str,
    page: int = 0,
) -> Screen:
    name = quote(organization.name)
    if not invitations:
        return Screen(
            _("“{name}” has no active invitation links. Make one with /invite.").format(name=name)
        )
    lines = [_("<b>Active invitation links of “{name}”</b>").format(name=name)]
    buttons: list[Button] = []
    shown, page, pages = page_of(invitations, page, MAX_LINKS_SHOWN)
    for number, invitation in enumerate(shown, start=page * MAX_LINKS_SHOWN + 1):
        lines.append(
            "\n"
            + _("{number}. For {role}: {limits}").format(
                number=number,
                role=role_title(invitation.role),
                limits=describe_limits(invitation, locale, organization.timezone),
            )
            + "\n"
            + invitation_link(username, invitation.token)
        )
        buttons.append(
            Button(
                _("Revoke No. {number}").format(number=number),
                data=LinkRevoke(invitation_id=invitation.id).pack(),
            )
        )
    rows = column(buttons, 3) + navigation_row(page, pages, lambda n: LinksPage(page=n))
    return Screen("\n".join(lines), rows)


def not_your_link() -> str:
    return _("This link does not belong to your organization.")


def revoked(now: bool) -> str:
    if now:
        return _("The link is revoked: it no longer works.")
    return _("This link had already been revoked.")


# -- /forms ------------------------------------------------------------------------------
def forms_screen(organization: Organization, forms: Sequence[OrganizationForm]) -> Screen:
    lines = [
        _("<b>Forms of mentorship of “{name}”</b>").format(name=quote(organization.name)),
        _("Tap a form to switch it on or off. ✅ on, ⬜ off."),
    ]
    buttons: list[Button] = []
    for form in forms:
        mark = "✅" if form.enabled else "⬜"
        title = form_title(form)
        if form.is_own:
            description = _("The organization's own form.")
        else:
            description = _(FORM_DESCRIPTIONS[FederalForm(form.code)])
        lines.append(f"\n{mark} <b>{quote(title)}</b>\n{description}")
        buttons.append(Button(f"{mark} {title}", data=FormToggle(code=form.code).pack()))
    buttons.append(Button(_("➕ Add an own form"), data=FormAdd().pack()))
    buttons.append(profiles_button())
    return Screen("\n".join(lines), column(buttons))


def toggled(form: OrganizationForm) -> str:
    if form.enabled:
        return _("“{title}” is on").format(title=form_title(form))
    return _("“{title}” is off").format(title=form_title(form))


def own_form_prompt() -> str:
    return ngettext(
        "Send the title of your own form of mentorship, e.g. “Teacher – student” "
        "(up to {limit} character). To stop: /cancel",
        "Send the title of your own form of mentorship, e.g. “Teacher – student” "
        "(up to {limit} characters). To stop: /cancel",
        MAX_FORM_TITLE_LENGTH,
    ).format(limit=MAX_FORM_TITLE_LENGTH)
