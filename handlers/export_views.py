"""The views of /export: the notices and the workbook itself (handlers/export.py acts)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.screens import Attachment, Screen


def other_organization() -> Screen:
    return Screen(
        _(
            "You can export only the data of the organization you curate. "
            "Send /export without a number to get it."
        )
    )


def preparing() -> Screen:
    return Screen(_("Preparing the workbook: it may take a few seconds."))


def organization_gone() -> Screen:
    return Screen(_("This organization no longer exists."))


def too_large(organization_id: int) -> Screen:
    return Screen(
        _(
            "The workbook is larger than Telegram allows a bot to send (50 MB). Ask the "
            "administrator to make it on the server: python -m bot export --org {org} "
            "--out report.xlsx"
        ).format(org=organization_id)
    )


def workbook_screen(content: bytes, filename: str) -> Screen:
    return Screen(
        _(
            "The mentor base and the mentee base (appendices 2.2 and 2.3), pairs, meetings, "
            "feedback, monitoring and indicators. Dates are in the organization's time zone."
        ),
        attachment=Attachment(filename, content),
    )
