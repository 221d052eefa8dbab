"""Pairs and groups: introductions on approval, /pairs, and ending a pair early."""

from __future__ import annotations

from collections import Counter

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.outdated import Outdated
from bot.pairing import PairPeople
from bot.screens import Screen
from bot.services import Services
from handlers.callbacks import Id, Page
from handlers.cycles import CycleAct
from handlers.filters import curator_router
from handlers.meeting_texts import MeetPlan
from handlers.paging import attach_navigation, page_of
from handlers.people import contact_line, display_name, profile_lines
from handlers.render import screen_of
from handlers.states import EndReason
from handlers.texts import reason_from

PAGE_SIZE = 8


class PairsPage(CallbackData, prefix="pr1l"):
    page: Page


class PairEnd(CallbackData, prefix="pr1e"):
    pair_id: Id


def introduction_screen(people: PairPeople, to_mentor: bool) -> Screen:
    """Who the other side is, how to reach them (as allowed), and what is next; the mentor's
    copy has the button that proposes the first meeting, the acquaintance meeting."""
    if to_mentor:
        other_role, other_id, other_answers = "mentee", people.mentee.id, people.mentee_answers
    else:
        other_role, other_id, other_answers = "mentor", people.mentor.id, people.mentor_answers
    other_name = hd.quote(display_name(other_id, other_answers))
    if to_mentor:
        lines = [_("<b>Meet your mentee: {name}</b>").format(name=other_name)]
    else:
        lines = [_("<b>Meet your mentor: {name}</b>").format(name=other_name)]
    lines += profile_lines(other_role, other_answers)
    contact = contact_line(other_role, other_answers)
    if contact:
        lines.append(contact)
    lines.append("")
    if not to_mentor:
        lines.append(
            _(
                "What next: your mentor will suggest the time of your first meeting, the "
                "acquaintance meeting. Then you will meet at least once every two weeks."
            )
        )
        return Screen("\n".join(lines))
    lines.append(
        _(
            "What next: please suggest the time of the first meeting, the acquaintance "
            "meeting. Then meet at least once every two weeks; after each meeting I "
            "will ask both of you for feedback."
        )
    )
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Propose the first meeting"), callback_data=MeetPlan(pair_id=people.pair.id)
    )
    return screen_of("\n".join(lines), builder.as_markup())


async def introduce_pair(services: Services, people: PairPeople) -> None:
    """Each side meets the other, in their own language (the curator approved the pair)."""
    await services.outbox.send(
        people.mentee.telegram_id,
        lambda: introduction_screen(people, to_mentor=False),
        kind="pair_introduction",
    )
    await services.outbox.send(
        people.mentor.telegram_id,
        lambda: introduction_screen(people, to_mentor=True),
        kind="pair_introduction",
    )


async def introduce(bot: object, i18n: object, services: Services, people: PairPeople) -> None:
    """The signature handlers/matching.py calls; the messenger and i18n are not needed any
    more (the outbox has them). To go once matching.py calls :func:`introduce_pair`."""
    await introduce_pair(services, people)


async def pairs_view(
    services: Services, organization_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    # Paged before the people are read: a school's 200 pairs would otherwise be read whole
    # for the eight shown.
    pairs = await services.pairing.active_pair_rows(organization_id)
    if not pairs:
        finished = InlineKeyboardBuilder()
        finished.button(text=finished_title(), callback_data=CycleAct(action="pairs"))
        return (
            _("There are no active pairs yet. Run the matching: /curator"),
            finished.as_markup(),
        )
    shown, page, pages = page_of(pairs, page, PAGE_SIZE)
    groups = Counter(pair.mentor_id for pair in pairs)
    people = await services.pairing.people_of(shown)
    lines = [_("<b>Active pairs and groups</b>: {count}").format(count=len(pairs))]
    builder = InlineKeyboardBuilder()
    for item in (people[pair.id] for pair in shown if pair.id in people):
        mentor = display_name(item.mentor.id, item.mentor_answers)
        mentee = display_name(item.mentee.id, item.mentee_answers)
        group = (
            _(" (group of {n})").format(n=groups[item.mentor.id])
            if groups[item.mentor.id] > 1
            else ""
        )
        lines.append(
            _("{mentor} → {mentee}{group}, since {date}").format(
                mentor=hd.quote(mentor),
                mentee=hd.quote(mentee),
                group=group,
                date=item.pair.started_on.strftime("%d.%m.%Y"),
            )
        )
        builder.button(
            text=_("End: {mentee}").format(mentee=mentee),
            callback_data=PairEnd(pair_id=item.pair.id),
        )
    builder.button(text=finished_title(), callback_data=CycleAct(action="pairs"))
    builder.adjust(1)
    attach_navigation(builder, page, pages, lambda n: PairsPage(page=n))
    return "\n".join(lines), builder.as_markup()


def finished_title() -> str:
    return _("Finished pairs: results and good practice")


async def show_pairs(message: Message, services: Services, curator_org_id: int) -> None:
    text, markup = await pairs_view(services, curator_org_id, 0)
    await message.answer(text, reply_markup=markup)


async def turn_page(
    query: CallbackQuery, callback_data: PairsPage, services: Services, curator_org_id: int
) -> None:
    text, markup = await pairs_view(services, curator_org_id, callback_data.page)
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)


async def ask_end(
    query: CallbackQuery,
    callback_data: PairEnd,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    pair = await services.pairing.pair(curator_org_id, callback_data.pair_id)
    if pair is None or pair.ended_on is not None:
        raise Outdated(_("This pair has already ended."))
    await state.set_state(EndReason.text)
    await state.set_data({"pair_id": pair.id})
    if isinstance(query.message, Message):
        await query.message.answer(
            _(
                "Why does the pair end early? Type the reason in one message; both participants "
                "will see it. Or /cancel."
            )
        )


async def end_with_reason(
    message: Message,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    data = await state.get_data()
    reason = reason_from(message.text)
    if reason is None:
        await message.answer(_("Please describe the reason in 3 to 500 characters."))
        return
    await state.clear()
    people = await services.pairing.end_pair(curator_org_id, int(data.get("pair_id", 0)), reason)
    if people is None:
        await message.answer(_("This pair has already ended."))
        return
    await message.answer(
        _("The pair is ended; the mentee is back among those waiting for a mentor.")
    )

    def render() -> Screen:
        return Screen(
            _("The curator has ended your pair early. Reason: {reason}").format(
                reason=hd.quote(reason)
            )
        )

    for person in (people.mentor, people.mentee):
        await services.outbox.send(person.telegram_id, render, kind="pair_ended")


def build_router() -> Router:
    router = curator_router("pairs")
    router.message.register(show_pairs, Command("pairs"))
    router.callback_query.register(turn_page, PairsPage.filter())
    router.callback_query.register(ask_end, PairEnd.filter())
    router.message.register(
        end_with_reason, StateFilter(EndReason.text), F.text, ~F.text.startswith("/")
    )
    return router
