"""The curator's «Enterprises» (a section of /curator): the enterprises of the organization's
employer mentors, merging two spellings of one enterprise, undoing a merge.

The whole router is behind :class:`IsCurator`: the list is always the curator's own
organization's, and a spelling named by a button (one of its mentors) is looked up in that
list again, so a press about another organization's mentors finds nothing and is outdated.
Texts and buttons are in handlers/enterprise_views.py.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.models.enterprises import EnterpriseGroup, EnterpriseListing, MergeOutcome
from bot.outdated import Outdated
from bot.services import Services
from handlers.enterprise_views import (
    EnterpriseKeep,
    EnterpriseKeepPick,
    EnterpriseList,
    EnterpriseMerge,
    EnterpriseMerges,
    EnterpriseUnmerge,
    already_undone,
    gone_note,
    keep_screen,
    listing_screen,
    merged_note,
    merges_screen,
    same_note,
    second_screen,
    unmerged_note,
)
from handlers.filters import curator_router
from handlers.render import answer, edit


async def show_enterprises(message: Message, services: Services, curator_org_id: int) -> None:
    await answer(message, listing_screen(await services.enterprises.listing(curator_org_id)))


async def turn_page(
    query: CallbackQuery, callback_data: EnterpriseList, services: Services, curator_org_id: int
) -> None:
    listing = await services.enterprises.listing(curator_org_id)
    await edit(query, listing_screen(listing, callback_data.page))


def _group(listing: EnterpriseListing, mentor_id: int) -> EnterpriseGroup:
    """The spelling a button names, in the current list; else the press is outdated."""
    group = listing.group_of(mentor_id)
    if group is None or len(listing.groups) < 2:
        raise Outdated(gone_note(), current=listing_screen(listing))
    return group


async def choose_keep(
    query: CallbackQuery,
    callback_data: EnterpriseKeepPick,
    services: Services,
    curator_org_id: int,
) -> None:
    listing = await services.enterprises.listing(curator_org_id)
    if len(listing.groups) < 2:
        raise Outdated(gone_note(), current=listing_screen(listing))
    await edit(query, keep_screen(listing, callback_data.page))


async def choose_second(
    query: CallbackQuery, callback_data: EnterpriseKeep, services: Services, curator_org_id: int
) -> None:
    listing = await services.enterprises.listing(curator_org_id)
    keep = _group(listing, callback_data.mentor)
    await edit(query, second_screen(listing, keep, callback_data.page))


async def merge(
    query: CallbackQuery, callback_data: EnterpriseMerge, services: Services, curator_org_id: int
) -> None:
    enterprises = services.enterprises
    listing = await enterprises.listing(curator_org_id)
    keep, merged = _group(listing, callback_data.keep), _group(listing, callback_data.merge)
    if keep.key == merged.key:  # a second tap: already merged
        raise Outdated(same_note(), current=listing_screen(listing))
    outcome = await enterprises.merge(curator_org_id, query.from_user.id, keep.key, merged.key)
    current = await enterprises.listing(curator_org_id)
    if outcome is MergeOutcome.MERGED:
        await edit(query, listing_screen(current, note=merged_note(keep.name, merged.name)))
        return
    notice = same_note() if outcome is MergeOutcome.SAME else gone_note()
    raise Outdated(notice, current=listing_screen(current))


async def show_merges(
    query: CallbackQuery, callback_data: EnterpriseMerges, services: Services, curator_org_id: int
) -> None:
    listing = await services.enterprises.listing(curator_org_id)
    await edit(query, merges_screen(listing, callback_data.page))


async def unmerge(
    query: CallbackQuery,
    callback_data: EnterpriseUnmerge,
    services: Services,
    curator_org_id: int,
) -> None:
    enterprises = services.enterprises
    undone = await enterprises.unmerge(curator_org_id, query.from_user.id, callback_data.alias_id)
    listing = await enterprises.listing(curator_org_id)
    if not undone:
        raise Outdated(already_undone(), current=merges_screen(listing))
    await edit(query, merges_screen(listing, note=unmerged_note()))


def build_router() -> Router:
    router = curator_router("enterprises")
    router.callback_query.register(turn_page, EnterpriseList.filter())
    router.callback_query.register(choose_keep, EnterpriseKeepPick.filter())
    router.callback_query.register(choose_second, EnterpriseKeep.filter())
    router.callback_query.register(merge, EnterpriseMerge.filter())
    router.callback_query.register(show_merges, EnterpriseMerges.filter())
    router.callback_query.register(unmerge, EnterpriseUnmerge.filter())
    return router
