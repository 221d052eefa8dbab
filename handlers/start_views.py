"""The views of /start and /help (handlers/start.py acts)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot import html_text as hd
from bot.invitations import InvitationStatus
from bot.screens import Screen


def welcome_text(first_name: str) -> str:
    return _(
        "Hello, {name}!\n\n"
        "I help run the mentorship programme of your school, college or organisation:\n"
        "• mentors and mentees fill in their questionnaires, and the curator forms pairs;\n"
        "• I remind you of meetings (at least once every two weeks) "
        "and collect feedback after each one;\n"
        "• your personal data is processed only with your consent "
        "(for children, with their parents' consent).\n\n"
        "To join, open the invitation link from your curator. "
        "What I can do: /help"
    ).format(name=hd.quote(first_name))


def damaged_link() -> Screen:
    return Screen(
        _(
            "This link looks damaged: part of it may have been lost when it was copied. "
            "Ask your curator to send the invitation link again."
        )
    )


def invitation_problem(status: InvitationStatus) -> str:
    if status is InvitationStatus.REVOKED:
        return _("This invitation link has been revoked by the curator. Ask them for a new one.")
    if status is InvitationStatus.EXPIRED:
        return _("This invitation link has expired. Ask your curator for a new one.")
    if status is InvitationStatus.USED_UP:
        return _(
            "This invitation link has already been used as many times as the curator allowed. "
            "Ask your curator for a new one."
        )
    return _(
        "I could not find an invitation for this link: it may be outdated or revoked. "
        "Ask your curator for a new one."
    )


def welcome_back() -> Screen:
    return Screen(_("Welcome back! Let's continue where you stopped."))


def participant_hello(first_name: str) -> Screen:
    return Screen(
        _(
            "Hello, {name}! You take part in the mentorship programme. Your questionnaire: "
            "/profile; everything I can do: /help"
        ).format(name=hd.quote(first_name))
    )


def _covering(curator: bool) -> list[str]:
    """/stats and /export of someone who covers organizations: a curator's stay their own
    school's (the summary is a button under their figures)."""
    if curator:
        return [_("/stats: under your organization's figures, the summary of the organizations")]
    return [
        _("/stats: the indicators summed over the organizations, for any period"),
        _("/export: the Excel workbook of the organizations: the registers and the table"),
    ]


def help_screen(*, curator: bool, admin: bool, coordinator: bool = False) -> Screen:
    """The commands this person can use: a curator's, a municipal coordinator's and an
    administrator's come too."""
    lines = [
        _("<b>What I can do</b>"),
        _("/start: what the programme is and how to join"),
        _("/profile: your questionnaire; answers can be changed"),
        _("/meetings: your meetings with your pair: plan, move or cancel"),
        _("/mydata: everything the bot keeps about you, as a message and a file"),
        _("/revoke: withdraw the consent; your data is deleted"),
        _("/choose: when the curator opens it, choose whom you would like to work with"),
        _("/language: switch between Russian and English"),
        _("/support: write to the bot's administrators if something does not work"),
        _("/cancel: stop the current dialogue (whatever you already confirmed stays saved)"),
        _("/help: this list"),
    ]
    if curator:
        lines += [
            "",
            _("<b>You are a curator.</b>"),
            _("/curator: the workspace with every step of the programme"),
            _("/admission: admit mentor candidates"),
            _("/matching: proposals of pairs and groups for the whole cohort"),
            _("/pairs: active pairs and groups; end a pair early"),
            _("/preferences: open or close the preference round"),
            _("/holidays: the organization's holidays, when no meetings are planned"),
            _(
                "/meetingsettings: when reminders come, how long a meeting lasts, and which "
                "meeting completes the programme of each form"
            ),
            _("/candidates: participants of your organization by status"),
            _("/announce: a message to all mentors, all mentees or everyone"),
            _("/invite: invitation links and QR codes for mentees and mentors"),
            _("/links: active links; revoke a link"),
            _("/forms: the forms of mentorship your organization runs"),
            _("/cycle: the cycle's dates, closing it and starting the next one"),
            _("/stats: the indicators with a chart, for any period"),
            _("/indicators: the numbers to compare with and the targets"),
            _("/ranking: the mentor ranking of a period"),
            _("/voices: what the participants wrote in their own words"),
            _("/export: the Excel workbook of a period: the registers and the reports"),
        ]
    if coordinator:
        lines += ["", _("<b>You are a municipal coordinator.</b>"), *_covering(curator)]
        lines += [
            _("/schools: your organizations one by one, the ones behind first"),
            _("/municipality: the municipality's own numbers to compare with"),
        ]
    if admin:
        lines += [
            "",
            _("<b>You are a bot administrator.</b>"),
            _("/orgs: organizations and single-use curator links"),
            _("/neworg: add an organization"),
            _("/coordinator: a single-use link for a municipal coordinator"),
            _("/schools: every organization one by one, the ones behind first"),
        ]
        if not coordinator and not curator:
            lines += _covering(curator)
        lines.append(_("Requests people send with /support come to you in this chat."))
    return Screen("\n".join(lines))
