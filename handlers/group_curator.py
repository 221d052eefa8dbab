"""Group mentoring, the curator's side: /groups lists the groups and the mentors whose pairs a
group can be formed of; a group's card lets a member leave it or move to another group.

Every press re-reads the group and checks that it belongs to the curator's organization."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.groups import GroupProblem, GroupSide
from bot.models.groups import GroupListing
from bot.outdated import Outdated
from bot.pairing import PairPeople, Problem
from bot.services import Services
from handlers import render
from handlers.filters import curator_router
from handlers.group_views import (
    GroupApprove,
    GroupForm,
    GroupLeave,
    GroupMove,
    GroupPick,
    GroupShow,
    GroupsList,
    GroupSplit,
    formed_notice,
    formed_text,
    group_approved_text,
    group_screen,
    groups_screen,
    left_notice,
    left_text,
    moved_notice,
    moved_text,
    pick_screen,
    problem_text,
)
from handlers.matching_views import problem_text as matching_problem
from handlers.matching_views import proposal_screen
from handlers.pairs import introduce_pair
from handlers.people import display_name
from handlers.render import answer, edit

# The pairs ticked while forming a group, kept in the dialogue's data (a restart or another
# dialogue forgets them: the curator ticks again).
PICKED = "group_pick"


async def groups_view(
    services: Services, organization_id: int
) -> tuple[list[GroupSide], list[tuple[PairPeople, ...]]]:
    listing = await services.groups.listing(organization_id)
    sides = [
        side
        for item in listing
        if (side := await services.groups.of_organization(organization_id, item.group.id))
    ]
    return sides, await services.groups.candidates(organization_id)


async def show_groups(message: Message, services: Services, curator_org_id: int) -> None:
    sides, candidates = await groups_view(services, curator_org_id)
    await answer(message, groups_screen(sides, candidates))


async def on_list(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    sides, candidates = await groups_view(services, curator_org_id)
    await edit(query, groups_screen(sides, candidates))


async def _candidate(
    services: Services, organization_id: int, mentor_id: int, pair_id: int
) -> tuple[PairPeople, ...]:
    """The mentor's pairs of one form that a group can be formed of, this pair among them."""
    for members in await services.groups.candidates(organization_id):
        if members[0].mentor.id == mentor_id and pair_id in {m.pair.id for m in members}:
            return members
    raise Outdated(problem_text(GroupProblem.TAKEN))


async def on_pick(
    query: CallbackQuery,
    callback_data: GroupPick,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    members = await _candidate(
        services, curator_org_id, callback_data.mentor_id, callback_data.pair_id
    )
    ids = {m.pair.id for m in members}
    picked = (await state.get_data()).get(PICKED) or {}
    # Ticks of another mentor or form are forgotten: one choice at a time.
    ticked = (
        set(picked.get("pairs", [])) & ids
        if picked.get("mentor") == members[0].mentor.id
        else set()
    )
    if callback_data.toggle:
        ticked ^= {callback_data.pair_id}
    await state.update_data({PICKED: {"mentor": callback_data.mentor_id, "pairs": sorted(ticked)}})
    first = members[0]
    name = display_name(first.mentor.id, first.mentor_answers)
    await edit(query, pick_screen(name, callback_data.mentor_id, members, ticked))


async def on_form(
    query: CallbackQuery,
    callback_data: GroupForm,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    data = await state.get_data()
    picked = data.get(PICKED) or {}
    if picked.get("mentor") != callback_data.mentor_id:
        raise Outdated(problem_text(GroupProblem.TOO_FEW))
    group = await services.groups.form(curator_org_id, list(picked.get("pairs", [])))
    if isinstance(group, GroupProblem):
        raise Outdated(problem_text(group))
    await state.update_data({PICKED: None})
    side = await services.groups.of_organization(curator_org_id, group.id)
    if side is None or not isinstance(query.message, Message):
        raise Outdated(problem_text(GroupProblem.TAKEN))
    await edit(query, group_screen(side, None, await _others(services, curator_org_id, side)))
    await query.message.answer(formed_text(side))
    await _tell_group(services, side)


async def _tell_group(services: Services, side: GroupSide) -> None:
    await services.outbox.send(
        side.mentor.telegram_id, lambda: formed_notice(side, to_mentor=True), kind="group"
    )
    for member in side.members:
        await services.outbox.send(
            member.mentee.telegram_id, lambda: formed_notice(side, to_mentor=False), kind="group"
        )


async def _others(services: Services, organization_id: int, side: GroupSide) -> list[GroupListing]:
    return [
        item
        for item in await services.groups.listing(organization_id)
        if item.group.id != side.group.id and item.group.form == side.group.form
    ]


async def on_show(
    query: CallbackQuery, callback_data: GroupShow, services: Services, curator_org_id: int
) -> None:
    side = await services.groups.of_organization(curator_org_id, callback_data.group_id)
    if side is None:
        raise Outdated(problem_text(GroupProblem.NOT_YOURS))
    following = await services.groups.next_meeting(side.group.id)
    others = await _others(services, curator_org_id, side)
    await edit(query, group_screen(side, following, others))


async def on_leave(
    query: CallbackQuery, callback_data: GroupLeave, services: Services, curator_org_id: int
) -> None:
    group = await services.groups.of_pair(callback_data.pair_id)
    side = await services.groups.side(group) if group else None
    member = side.member(callback_data.pair_id) if side else None
    result = await services.groups.leave(curator_org_id, callback_data.pair_id)
    if isinstance(result, GroupProblem) or member is None:
        raise Outdated(
            problem_text(result if isinstance(result, GroupProblem) else GroupProblem.NOT_YOURS)
        )
    if isinstance(query.message, Message):
        await query.message.answer(left_text())
    for chat in (member.mentor.telegram_id, member.mentee.telegram_id):
        await services.outbox.send(chat, left_notice, kind="group")


async def on_move(
    query: CallbackQuery, callback_data: GroupMove, services: Services, curator_org_id: int
) -> None:
    group = await services.groups.of_pair(callback_data.pair_id)
    side = await services.groups.side(group) if group else None
    member = side.member(callback_data.pair_id) if side else None
    result = await services.groups.move(
        curator_org_id, callback_data.pair_id, callback_data.group_id
    )
    if isinstance(result, GroupProblem) or member is None:
        raise Outdated(
            problem_text(result if isinstance(result, GroupProblem) else GroupProblem.NOT_YOURS)
        )
    if isinstance(query.message, Message):
        await query.message.answer(moved_text())
    for chat in {member.mentor.telegram_id, member.mentee.telegram_id, result.mentor.telegram_id}:
        await services.outbox.send(chat, lambda: moved_notice(result), kind="group")


# -- matching's group proposals ------------------------------------------------------------
async def on_approve_group(
    query: CallbackQuery, callback_data: GroupApprove, services: Services, curator_org_id: int
) -> None:
    result = await services.groups.approve_group(
        curator_org_id, callback_data.run_id, callback_data.mentor_id
    )
    if result is None or not result.pairs:
        raise Outdated(matching_problem(Problem.DECIDED))
    if isinstance(query.message, Message):
        await render.drop_message_keyboard(query.message)
        await query.message.answer(
            group_approved_text(len(result.pairs), result.failed, result.group is not None)
        )
    for pair in result.pairs:
        people = await services.pairing.people(pair)
        if people is not None:
            await introduce_pair(services, people)
    if result.group is not None:
        side = await services.groups.of_organization(curator_org_id, result.group.id)
        if side is not None:
            await _tell_group(services, side)


async def on_split(
    query: CallbackQuery, callback_data: GroupSplit, services: Services, curator_org_id: int
) -> None:
    """The group proposal's pairs, each with its own buttons (approved one by one they stay
    one-to-one pairs)."""
    proposals = [
        p
        for p in await services.pairing.open_proposals(curator_org_id, callback_data.run_id)
        if p.mentor_id == callback_data.mentor_id
    ]
    if not proposals or not isinstance(query.message, Message):
        raise Outdated(matching_problem(Problem.DECIDED))
    await render.drop_message_keyboard(query.message)
    answers = await services.pairing.answers_of(
        [i for p in proposals for i in (p.mentee_id, p.mentor_id)]
    )
    for proposal in proposals:
        await answer(query.message, proposal_screen(proposal, answers))


def build_router() -> Router:
    router = curator_router("group_curator")
    router.message.register(show_groups, Command("groups"))
    router.callback_query.register(on_list, GroupsList.filter())
    router.callback_query.register(on_pick, GroupPick.filter())
    router.callback_query.register(on_form, GroupForm.filter())
    router.callback_query.register(on_show, GroupShow.filter())
    router.callback_query.register(on_leave, GroupLeave.filter())
    router.callback_query.register(on_move, GroupMove.filter())
    router.callback_query.register(on_approve_group, GroupApprove.filter())
    router.callback_query.register(on_split, GroupSplit.filter())
    return router
