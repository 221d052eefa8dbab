"""Callback data: short versioned prefixes, ids and enums only (at most 64 bytes)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.invitations import InvitationLimit, InvitationRole
from bot.organizations import RussianZone
from bot.support import SupportTopic

# An id or a page in button data: what SQLite's INTEGER holds. A forged press with a bigger
# or negative number does not parse, so no handler runs and the fallback calls it outdated
# (instead of an OverflowError deep in a repository).
Id = Annotated[int, Field(ge=0, le=2**63 - 1)]
Page = Annotated[int, Field(ge=0, le=10**6)]


class LanguageChoice(CallbackData, prefix="lang1"):
    code: str


class SupportTopicChoice(CallbackData, prefix="sup1t"):
    topic: SupportTopic


class SupportStep(StrEnum):
    SEND = "send"
    EDIT = "edit"
    CANCEL = "cancel"


class SupportAction(CallbackData, prefix="sup1a"):
    action: SupportStep


# Bot administrators: organizations and curator links. The prefixes start with "org1" so
# that one refusal handler covers them all (handlers/access.py).
class OrgPage(CallbackData, prefix="org1p"):
    page: Page


class OrgCuratorLink(CallbackData, prefix="org1c"):
    org_id: Id


class OrgZoneChoice(CallbackData, prefix="org1z"):
    zone: RussianZone


# Curators: invitation links and forms of mentorship. The prefixes start with "cur1".
class InviteRoleChoice(CallbackData, prefix="cur1r"):
    role: InvitationRole


class InviteLimitChoice(CallbackData, prefix="cur1l"):
    role: InvitationRole
    limit: InvitationLimit


class LinkRevoke(CallbackData, prefix="cur1x"):
    invitation_id: Id


class LinksPage(CallbackData, prefix="cur1g"):
    page: Page


class FormToggle(CallbackData, prefix="cur1f"):
    code: str  # "pupil_pupil" ... or "own_3"; re-read from the curator's organization


class FormAdd(CallbackData, prefix="cur1n"):
    pass
