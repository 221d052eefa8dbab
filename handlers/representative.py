"""A minor's legal representative in the bot (texts in handlers/representative_views.py):
their children with the actions (the plan, a message to the curator, the meeting times),
what they are told when the child's pair is approved and a meeting confirmed; and the
curator's check of the representative (from /candidates)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.meeting_sides import MeetingView
from bot.outdated import Outdated
from bot.pairing import PairPeople
from bot.representatives import CheckOutcome, CheckWay, RepresentedChild
from bot.services import Services
from bot.support import MAX_BODY_LENGTH, SupportRejection
from handlers.filters import curator_router
from handlers.render import answer, edit
from handlers.representative_views import (
    WAITING_PAGE,
    ChildAct,
    ChildAction,
    RepresentativeCard,
    RepresentativeCheck,
    WaitingCheckPage,
    already_checked,
    card_screen,
    check_request_screen,
    checked_text,
    child_screen,
    children_screen,
    meeting_notice_screen,
    not_found,
    not_your_child,
    pair_notice_screen,
    plan_screen,
    times_changed,
    to_curator,
    waiting_screen,
    write_prompt,
    write_sent,
    write_text_only,
    write_too_many,
)
from handlers.texts import too_long_text


class RepresentativeDialogue(StatesGroup):
    message = State()  # a message to the curator about a child


# -- what representatives are told (called where pairs are approved, meetings confirmed) --------
async def tell_of_pair(services: Services, people: PairPeople) -> None:
    """The mentee's legal representative learns of the approved pair: the mentor's name and
    role, never a contact."""
    for notice in await services.representatives.pair_notices(people):
        await services.outbox.send(
            notice.telegram_id,
            lambda notice=notice: pair_notice_screen(notice),  # type: ignore[misc]
            kind="representative_pair",
        )


async def tell_of_meeting(services: Services, view: MeetingView) -> None:
    """The representatives who chose so learn the date, time and format of a confirmed
    meeting (never the place)."""
    for notice in await services.representatives.meeting_notices(view):
        await services.outbox.send(
            notice.telegram_id,
            lambda notice=notice: meeting_notice_screen(notice),  # type: ignore[misc]
            kind="representative_meeting",
        )


async def ask_curators_to_check(
    services: Services, organization_id: int, participant_id: int
) -> None:
    """A representative has just consented: the child's curators are asked to check them."""
    child = await services.representatives.card(organization_id, participant_id)
    if child is None or child.consent.checked:
        return
    for curator in await services.organizations.curators(organization_id):
        await services.outbox.send(
            curator.telegram_id, lambda: check_request_screen(child), kind="representative_check"
        )


async def show_children(message: Message, services: Services) -> bool:
    """The representative's menu on /start; False when the person represents nobody."""
    assert message.from_user is not None
    children = await services.representatives.children(message.from_user.id)
    if not children:
        return False
    await answer(message, children_screen(children))
    return True


# -- the representative's buttons ----------------------------------------------------------------
async def _child(query: CallbackQuery, services: Services, participant_id: int) -> RepresentedChild:
    child = await services.representatives.child(query.from_user.id, participant_id)
    if child is None or not isinstance(query.message, Message):
        raise Outdated(not_your_child())
    return child


async def on_show(query: CallbackQuery, callback_data: ChildAct, services: Services) -> None:
    child = await _child(query, services, callback_data.participant_id)
    assert isinstance(query.message, Message)
    await answer(query.message, child_screen(child))


async def on_plan(query: CallbackQuery, callback_data: ChildAct, services: Services) -> None:
    found = await services.representatives.plan(query.from_user.id, callback_data.participant_id)
    if found is None or not isinstance(query.message, Message):
        raise Outdated(not_your_child())
    await answer(query.message, plan_screen(found))


def setting_times(on: bool) -> Callable[..., Awaitable[None]]:
    async def handler(query: CallbackQuery, callback_data: ChildAct, services: Services) -> None:
        child = await services.representatives.set_meeting_times(
            query.from_user.id, callback_data.participant_id, on
        )
        if child is None or not isinstance(query.message, Message):
            raise Outdated(not_your_child())
        await answer(query.message, times_changed(child))

    return handler


async def on_write(
    query: CallbackQuery, callback_data: ChildAct, services: Services, state: FSMContext
) -> None:
    child = await _child(query, services, callback_data.participant_id)
    assert isinstance(query.message, Message)
    await state.set_state(RepresentativeDialogue.message)
    await state.set_data({"participant_id": child.participant.id})
    await answer(query.message, write_prompt(child))


async def on_message_text(message: Message, services: Services, state: FSMContext) -> None:
    assert message.from_user is not None
    body = message.text or ""
    participant_id = int((await state.get_data()).get("participant_id", 0))
    sent = await services.representatives.write_to_curator(
        message.from_user.id, participant_id, body
    )
    if sent.child is None:
        await state.clear()
        await message.answer(not_your_child())
        return
    if sent.rejection is SupportRejection.TOO_LONG:
        await message.answer(too_long_text(len(body.strip()), MAX_BODY_LENGTH))
        return
    if sent.rejection is SupportRejection.EMPTY:
        await answer(message, write_prompt(sent.child))
        return
    await state.clear()
    if sent.rejection is SupportRejection.TOO_MANY:
        await answer(message, write_too_many())
        return
    child = sent.child
    for curator in sent.curators:
        await services.outbox.send(
            curator, lambda: to_curator(child, body.strip()), kind="representative_message"
        )
    await answer(message, write_sent())


async def on_message_other(message: Message) -> None:
    await answer(message, write_text_only())


# -- the curator's check ---------------------------------------------------------------------------
async def on_waiting_page(
    query: CallbackQuery, callback_data: WaitingCheckPage, services: Services, curator_org_id: int
) -> None:
    shown, total, page, pages = await services.representatives.waiting(
        curator_org_id, callback_data.page, WAITING_PAGE
    )
    if isinstance(query.message, Message):
        await answer(query.message, waiting_screen(shown, total, page, pages))


async def on_card(
    query: CallbackQuery, callback_data: RepresentativeCard, services: Services, curator_org_id: int
) -> None:
    child = await services.representatives.card(curator_org_id, callback_data.participant_id)
    if child is None or not isinstance(query.message, Message):
        raise Outdated(not_found())
    await answer(query.message, card_screen(child))


def checking(way: CheckWay) -> Callable[..., Awaitable[None]]:
    async def handler(
        query: CallbackQuery,
        callback_data: RepresentativeCheck,
        services: Services,
        curator_org_id: int,
    ) -> None:
        outcome = await services.representatives.check(
            curator_org_id, callback_data.participant_id, way, query.from_user.id
        )
        if outcome is CheckOutcome.NOT_FOUND:
            raise Outdated(not_found())
        if outcome is CheckOutcome.ALREADY:
            raise Outdated(already_checked())
        child = await services.representatives.card(curator_org_id, callback_data.participant_id)
        if child is None:
            raise Outdated(not_found())
        await edit(query, card_screen(child))
        if isinstance(query.message, Message):
            await query.message.answer(checked_text(child))

    return handler


def build_router() -> Router:
    """The representative's side (anyone: the service checks whose child it is)."""
    router = Router(name="representative")
    act = ChildAct.filter
    router.callback_query.register(on_show, act(F.action == ChildAction.SHOW))
    router.callback_query.register(on_plan, act(F.action == ChildAction.PLAN))
    router.callback_query.register(on_write, act(F.action == ChildAction.WRITE))
    router.callback_query.register(setting_times(True), act(F.action == ChildAction.TIMES_ON))
    router.callback_query.register(setting_times(False), act(F.action == ChildAction.TIMES_OFF))
    router.message.register(
        on_message_text,
        StateFilter(RepresentativeDialogue.message),
        F.text,
        ~F.text.startswith("/"),
    )
    router.message.register(
        on_message_other, StateFilter(RepresentativeDialogue.message), ~F.text.startswith("/")
    )
    return router


def build_curator_router() -> Router:
    router = curator_router("representative_check")
    router.callback_query.register(on_waiting_page, WaitingCheckPage.filter())
    router.callback_query.register(on_card, RepresentativeCard.filter())
    check = RepresentativeCheck.filter
    router.callback_query.register(checking(CheckWay.RECORDS), check(F.way == CheckWay.RECORDS))
    router.callback_query.register(checking(CheckWay.PAPER), check(F.way == CheckWay.PAPER))
    return router
