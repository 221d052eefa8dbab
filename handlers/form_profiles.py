"""A form's profile (issue 14, colleges): the curator declares who the form's mentors and
mentees are, its pace and whether a mentor may lead a group.

Behind :class:`IsCurator` (``curator_org_id`` injected); every press re-reads the form from
the curator's own organization, so a form of another organization is never seen or changed.
Texts and buttons are in handlers/form_profile_views.py.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.organizations import FormProfileChange
from bot.outdated import Outdated
from bot.services import Services
from handlers.filters import curator_router
from handlers.form_profile_views import (
    FormGroups,
    FormMenteeKind,
    FormMentorKind,
    FormPaceChoice,
    FormProfileOpen,
    FormProfiles,
    changed,
    no_such_form,
    profile_screen,
    profiles_screen,
    unchanged,
)
from handlers.outdated import outdated_button_text
from handlers.render import edit


async def show_profiles(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    await edit(query, profiles_screen(await services.organizations.forms(curator_org_id)))


async def open_profile(
    query: CallbackQuery, callback_data: FormProfileOpen, services: Services, curator_org_id: int
) -> None:
    form = await services.organizations.form(curator_org_id, callback_data.code)
    if form is None:
        raise Outdated(no_such_form())
    await edit(query, profile_screen(form))


async def _show_change(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    before: object,
    change: FormProfileChange,
) -> None:
    if change.form is None:
        raise Outdated(no_such_form())
    callback_answer.text = unchanged() if change.form == before else changed(change.form)
    await edit(query, profile_screen(change.form))


async def _declare(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    services: Services,
    organization_id: int,
    code: str,
    **declared: Any,
) -> None:
    """One of the form's settings changed (who its mentors or mentees are, its pace, groups)
    and the screen shown as it is now."""
    before = await services.organizations.form(organization_id, code)
    change = await services.organizations.set_form_profile(organization_id, code, **declared)
    await _show_change(query, callback_answer, before, change)


async def set_mentor_kind(
    query: CallbackQuery,
    callback_data: FormMentorKind,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    await _declare(
        query, callback_answer, services, curator_org_id, callback_data.code,
        mentor_kind=callback_data.kind,
    )  # fmt: skip


async def set_mentee_kind(
    query: CallbackQuery,
    callback_data: FormMenteeKind,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    await _declare(
        query, callback_answer, services, curator_org_id, callback_data.code,
        mentee_kind=callback_data.kind,
    )  # fmt: skip


async def set_pace(
    query: CallbackQuery,
    callback_data: FormPaceChoice,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    await _declare(
        query, callback_answer, services, curator_org_id, callback_data.code,
        pace=callback_data.pace,
    )  # fmt: skip


async def set_groups(
    query: CallbackQuery,
    callback_data: FormGroups,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    await _declare(
        query, callback_answer, services, curator_org_id, callback_data.code,
        allows_groups=callback_data.allowed,
    )  # fmt: skip


async def outdated_profile_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    # Data that did not parse (forged, or from an older version): no handler above took it.
    callback_answer.text = outdated_button_text()
    callback_answer.show_alert = True


def build_router() -> Router:
    router = curator_router("form_profiles")
    router.callback_query.register(show_profiles, FormProfiles.filter())
    router.callback_query.register(open_profile, FormProfileOpen.filter())
    router.callback_query.register(set_mentor_kind, FormMentorKind.filter())
    router.callback_query.register(set_mentee_kind, FormMenteeKind.filter())
    router.callback_query.register(set_pace, FormPaceChoice.filter())
    router.callback_query.register(set_groups, FormGroups.filter())
    router.callback_query.register(outdated_profile_button, F.data.startswith("fp1"))
    return router
