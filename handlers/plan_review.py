"""The curator's side of the pairs' plans: approve a submitted plan, or return it with a
comment. Only a plan of the curator's own organization, and only while it waits; the pair is
told through the outbox. Texts and buttons are in handlers/plan_views.py."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters.state import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.models.plans import PlanVersion
from bot.outdated import Outdated
from bot.pairing import PairPeople
from bot.plans import Decided, PlanProblem
from bot.services import Services
from dialogs.plan import LIMITS
from handlers.address import is_minor
from handlers.filters import curator_router
from handlers.plan_people import plan_people, plan_title, told
from handlers.plan_views import (
    PlanReview,
    ReviewAction,
    already_decided,
    approved_curator_text,
    approved_screen,
    comment_prompt,
    returned_curator_text,
    returned_screen,
    text_too_long,
)
from handlers.render import drop_message_keyboard, pressed_message
from handlers.states import PlanDialogue
from handlers.texts import current_locale


async def people_of(services: Services, decided: Decided) -> list[PairPeople]:
    """Everyone working by the decided plan: the pair, or the group's members."""
    people = await plan_people(services, decided.version)
    if not people:
        raise Outdated(already_decided())
    return people


async def on_approve(
    query: CallbackQuery, callback_data: PlanReview, services: Services, curator_org_id: int
) -> None:
    result = await services.plans.decide(
        curator_org_id, callback_data.version_id, query.from_user.id, approve=True
    )
    if isinstance(result, PlanProblem):
        raise Outdated(already_decided())
    people = await people_of(services, result)
    message = pressed_message(query)
    await drop_message_keyboard(message)
    await message.answer(approved_curator_text(plan_title(people)))
    version = result.version
    for person in told(people):
        minor = is_minor(person)
        await services.outbox.send(
            person.telegram_id,
            lambda minor=minor: approved_screen(minor, version, current_locale()),  # type: ignore[misc]
            kind="plan_approved",
        )


async def on_return(
    query: CallbackQuery,
    callback_data: PlanReview,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    if await services.plans.waiting(curator_org_id, callback_data.version_id) is None:
        raise Outdated(already_decided())
    await state.set_state(PlanDialogue.comment)
    await state.set_data({"version_id": callback_data.version_id})
    await pressed_message(query).answer(comment_prompt())


async def on_comment(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    data = await state.get_data()
    user = message.from_user.id if message.from_user else 0
    result = await services.plans.decide(
        curator_org_id, int(data.get("version_id") or 0), user, approve=False,
        comment=message.text or "",
    )  # fmt: skip
    if result is PlanProblem.TOO_LONG:
        await message.answer(text_too_long(LIMITS.comment))
        return
    if result is PlanProblem.EMPTY:
        await message.answer(comment_prompt())
        return
    await state.clear()
    if isinstance(result, PlanProblem):
        await message.answer(already_decided())
        return
    people = await people_of(services, result)
    await message.answer(returned_curator_text(plan_title(people)))
    await tell_returned(services, people, result.version)


async def tell_returned(services: Services, people: list[PairPeople], version: PlanVersion) -> None:
    """The mentor gets the comment with the button to change the plan (for the pair it was
    built for), the mentees the comment."""
    mentor, pair_id = people[0].mentor, people[0].pair.id
    for person in told(people):
        minor, change = is_minor(person), pair_id if person.id == mentor.id else None
        await services.outbox.send(
            person.telegram_id,
            lambda minor=minor, change=change: returned_screen(  # type: ignore[misc]
                minor, version, current_locale(), change
            ),
            kind="plan_returned",
        )


def build_router() -> Router:
    router = curator_router("plan-review")
    router.callback_query.register(on_approve, PlanReview.filter(F.action == ReviewAction.APPROVE))
    router.callback_query.register(on_return, PlanReview.filter(F.action == ReviewAction.RETURN))
    router.message.register(
        on_comment, StateFilter(PlanDialogue.comment), F.text, ~F.text.startswith("/")
    )
    return router
