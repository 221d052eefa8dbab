"""Callback data: short versioned prefixes, ids and enums only (at most 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.invitations import InvitationLimit, InvitationRole
from bot.organizations import RussianZone
from bot.support import SupportTopic


class LanguageChoice(CallbackData, prefix="lang1"):
    code: str


class SupportTopicChoice(CallbackData, prefix="sup1t"):
    topic: SupportTopic


class SupportAction(CallbackData, prefix="sup1a"):
    action: str  # "send", "edit" or "cancel"


# Bot administrators: organizations and curator links. The prefixes start with "org1" so
# that one refusal handler covers them all (handlers/access.py).
class OrgPage(CallbackData, prefix="org1p"):
    page: int


class OrgCuratorLink(CallbackData, prefix="org1c"):
    org_id: int


class OrgZoneChoice(CallbackData, prefix="org1z"):
    zone: RussianZone


# Curators: invitation links and forms of mentorship. The prefixes start with "cur1".
class InviteRoleChoice(CallbackData, prefix="cur1r"):
    role: InvitationRole


class InviteLimitChoice(CallbackData, prefix="cur1l"):
    role: InvitationRole
    limit: InvitationLimit


class LinkRevoke(CallbackData, prefix="cur1x"):
    invitation_id: int


class LinksPage(CallbackData, prefix="cur1g"):
    page: int


class FormToggle(CallbackData, prefix="cur1f"):
    code: str  # "pupil_pupil" ... or "own_3"; re-read from the curator's organization


class FormAdd(CallbackData, prefix="cur1n"):
    pass
