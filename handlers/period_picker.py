"""The period of a report, chosen with buttons under it (texts and button data:
handlers/period_views.py).

Under a report, «Период: <label>» puts the choices in place of the report's buttons: the
current cycle, the organization's earlier cycles (numbered, with their dates), the school years
(1 September – 31 August) and the calendar years since its first cycle, «Другой период…» and
«← Назад». A choice shows the same report for that period in place of the pressed message (its
further parts and files follow as new messages). «Другой период…» asks for the dates; the
answer is read by :func:`bot.reports.period_text.parse_period`, nonsense gets the friendly
problem and the question again, «← Назад» or /cancel leaves the period as it was, and the
report for the typed period comes as new messages.

Every press is checked again: the report says which organizations this person sees in it
(read from the database now), and a cycle must be one of that organization's. A forged or stale
press with another school's cycle shows nothing and is answered as outdated.

Plugging in a report
--------------------
1. Describe it as a :class:`PeriodReport`:

   * ``key``: two to four lowercase letters, unique among the reports (it is in the buttons);
   * ``scope(services, telegram_id)``: the organizations this person sees in the report now
     (:func:`organization_scope` for one), or ``None`` to show nothing;
   * ``render(request)``: an async generator of the report's screens for a
     :class:`ReportRequest` (``request.period``, ``request.label`` — the period in the
     reader's words — ``request.scope``, ``request.locale``). The first line of its first
     screen states the period; the screen that holds the report's buttons includes
     :func:`period_rows` (the «Период: …» button);
   * ``rows(request)``: those buttons alone, put back by «← Назад» (``None`` when the choices
     are the report's first screen, as in /export);
   * ``current_label``: a msgid naming the default period when the report reads "the current
     cycle" differently (the monitoring: the latest cycle with results); the open cycle is
     then offered by its number as well;
   * ``page(request, number)``: for a report in pages (the ranking, the participants'
     feedback, the table of organizations), the screen of that page (``None``: nothing to
     show). Its ‹ › are :func:`handlers.period_views.page_rows`, which carry the period the
     picker's way, so a page turned is of the same period, checked again at every press.
     «← Назад» under the choices then shows the first page again (the buttons of the page
     that was shown are not known any more); ``rows`` is not needed.

2. In the report's ``build_router()``: ``period_picker.attach(router, REPORT)``. The router's
   filters (curators only, ...) apply to the picker's presses as to the report's own.

3. From a command: ``request = await request_for(REPORT, services, user, Period.current_cycle(),
   locale)`` (``None``: nothing to show this person), then ``await send_report(bot, chat_id,
   REPORT, request)``.

4. Buttons of an earlier version of the report (with its own way of carrying the period):
   :func:`old_button` answers them with the report for the current cycle.

The mentor ranking, for one, is ``PeriodReport("rk", curator_scope, ranking_screens,
page=ranking_page)`` whose screens read ``services.pair_results.ranking(org, period=...)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.models.cycles import Cycle
from bot.models.periods import Period
from bot.outdated import Outdated
from bot.reports.period_text import CycleSpan, cycle_span, parse_period, period_label
from bot.screens import Rows, Screen
from bot.services import Services
from handlers.period_views import (
    PagePress,
    PeriodAction,
    PeriodChoice,
    PeriodCode,
    PeriodPress,
    choice_rows,
    dates_prompt,
    offered_periods,
    old_button_notice,
    outdated_period,
    period_button,
    period_kept,
    period_of,
    problem_screen,
    unpack_period,
)
from handlers.render import answer, drop_keyboard, edit, edit_buttons, pressed_message, send
from handlers.states import PeriodDialogue

# --- what a report tells the picker ------------------------------------------------------------


@dataclass(frozen=True)
class ReportScope:
    """The organizations a person sees in a report, and the time zone their days are in."""

    organization_ids: tuple[int, ...]
    timezone: str

    @property
    def single(self) -> int | None:
        return self.organization_ids[0] if len(self.organization_ids) == 1 else None


@dataclass(frozen=True)
class ReportRequest:
    services: Services
    telegram_id: int
    scope: ReportScope
    period: Period
    label: str  # the period in the reader's words
    span: CycleSpan | None  # the cycle of a cycle period, when it is one organization's
    locale: str


Scope = Callable[[Services, int], Awaitable[ReportScope | None]]
Render = Callable[[ReportRequest], AsyncIterator[Screen]]
ReportRows = Callable[[ReportRequest], Awaitable[Rows]]
Paging = Callable[[ReportRequest, int], Awaitable[Screen | None]]


@dataclass(frozen=True)
class PeriodReport:
    key: str
    scope: Scope
    render: Render
    rows: ReportRows | None = None
    current_label: str | None = None  # msgid
    page: Paging | None = None  # a report in pages: the screen of a page


def paged_report(key: str, scope: Scope, page: Paging, **options: Any) -> PeriodReport:
    """A report in pages whose command shows its first page."""

    async def first_page(request: ReportRequest) -> AsyncIterator[Screen]:
        screen = await page(request, 0)
        if screen is not None:
            yield screen

    return PeriodReport(key, scope, first_page, page=page, **options)


async def organization_scope(services: Services, organization_id: int) -> ReportScope:
    organization = await services.organizations.get(organization_id)
    timezone = organization.timezone if organization else services.settings.default_timezone
    return ReportScope((organization_id,), timezone)


def organizations_scope(services: Services, organization_ids: tuple[int, ...]) -> ReportScope:
    return ReportScope(organization_ids, services.settings.default_timezone)


async def curator_scope(services: Services, telegram_id: int) -> ReportScope | None:
    """The organization this person curates now (a curator's own report)."""
    organization_id = await services.organizations.curator_organization_id(telegram_id)
    if organization_id is None:
        return None
    return await organization_scope(services, organization_id)


def period_rows(request: ReportRequest, report: PeriodReport) -> Rows:
    """The «Период: …» button of a report, as a row to put among the report's own."""
    return ((period_button(report.key, request.period, request.label),),)


# --- the request for a press or a command -------------------------------------------------------


def _open_cycle(cycles: list[Cycle]) -> Cycle | None:
    return next((cycle for cycle in cycles if cycle.closed_at is None), None)


async def request_for(
    report: PeriodReport, services: Services, telegram_id: int, period: Period, locale: str
) -> ReportRequest | None:
    """What the report is to show this person for the period, or ``None`` when they may not
    see it (anymore), or the cycle is not of the organization they see."""
    scope = await report.scope(services, telegram_id)
    if scope is None:
        return None
    span: CycleSpan | None = None
    if period.cycle_id is not None:
        if scope.single is None:
            return None  # several organizations have no one cycle
        cycle = await services.cycles.in_organization(scope.single, period.cycle_id)
        if cycle is None:
            return None
        span = cycle_span(cycle, scope.timezone)
    elif period.is_current_cycle and scope.single is not None:
        current = _open_cycle(await services.cycles.of_organization(scope.single))
        span = cycle_span(current, scope.timezone) if current else None
    if period.is_current_cycle and report.current_label is not None:
        label = _(report.current_label)
    else:
        label = period_label(period, _, span, several=len(scope.organization_ids) > 1)
    return ReportRequest(services, telegram_id, scope, period, label, span, locale)


async def choices(report: PeriodReport, request: ReportRequest) -> list[PeriodChoice]:
    services, scope = request.services, request.scope
    cycles = await services.cycles.of_organizations(scope.organization_ids)
    first_day = min((cycle.started_on for cycle in cycles), default=None)
    today = services.cycles.local_today(scope.timezone)
    spans: dict[int, CycleSpan] = {}
    earlier: list[int] = []
    current: int | None = None
    if scope.single is not None:
        for cycle in cycles:  # the latest first
            spans[cycle.id] = cycle_span(cycle, scope.timezone)
            if cycle.closed_at is not None:
                earlier.append(cycle.id)
            elif report.current_label is not None:
                current = cycle.id
    open_span = next((span for span in spans.values() if span.current), None)
    several = len(scope.organization_ids) > 1
    found = []
    for period in offered_periods(today, first_day, earlier, current):
        if period.is_current_cycle:
            label = (
                _(report.current_label)
                if report.current_label is not None
                else period_label(period, _, open_span, several=several)
            )
        else:
            span = spans.get(period.cycle_id) if period.cycle_id is not None else None
            label = period_label(period, _, span, several=several)
        found.append(PeriodChoice(period, label))
    return found


async def choices_rows(report: PeriodReport, request: ReportRequest, *, back: bool) -> Rows:
    """The choices of the period, e.g. as the first screen of a report that asks first."""
    return choice_rows(report.key, request.period, await choices(report, request), back=back)


# --- showing a report -----------------------------------------------------------------------------


async def send_report(bot: Bot, chat_id: int, report: PeriodReport, request: ReportRequest) -> None:
    """The report as new messages."""
    async for screen in report.render(request):
        await send(bot, chat_id, screen)


async def send_current(
    bot: Bot,
    chat_id: int,
    telegram_id: int,
    services: Services,
    locale: str,
    report: PeriodReport,
    refusal: str,
) -> None:
    """The report of the current cycle as new messages (a command), or ``refusal`` for
    someone who may not see it."""
    request = await request_for(report, services, telegram_id, Period.current_cycle(), locale)
    if request is None:
        await send(bot, chat_id, Screen(refusal))
        return
    await send_report(bot, chat_id, report, request)


async def show_in_place(message: Message, report: PeriodReport, request: ReportRequest) -> None:
    """The report in place of ``message`` (its first screen); the rest as new messages."""
    first = True
    async for screen in report.render(request):
        if first and screen.attachment is None:
            await edit(message, screen)
        else:
            await answer(message, screen)
        first = False


async def _pressed(
    report: PeriodReport,
    press: PeriodPress | PagePress,
    services: Services,
    query: CallbackQuery,
    i18n: I18n,
) -> ReportRequest:
    period = period_of(press)
    request = (
        None
        if period is None
        else await request_for(report, services, query.from_user.id, period, i18n.current_locale)
    )
    if request is None:
        raise Outdated(outdated_period())
    return request


# --- the presses ----------------------------------------------------------------------------------


async def on_open(
    query: CallbackQuery,
    callback_data: PeriodPress,
    period_report: PeriodReport,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    request = await _pressed(period_report, callback_data, services, query, i18n)
    await send_report(bot, pressed_message(query).chat.id, period_report, request)


async def on_menu(
    query: CallbackQuery,
    callback_data: PeriodPress,
    period_report: PeriodReport,
    services: Services,
    i18n: I18n,
) -> None:
    request = await _pressed(period_report, callback_data, services, query, i18n)
    back = period_report.rows is not None or period_report.page is not None
    rows = await choices_rows(period_report, request, back=back)
    await edit_buttons(pressed_message(query), Screen("", rows))


async def on_show(
    query: CallbackQuery,
    callback_data: PeriodPress,
    period_report: PeriodReport,
    services: Services,
    i18n: I18n,
) -> None:
    request = await _pressed(period_report, callback_data, services, query, i18n)
    await show_in_place(pressed_message(query), period_report, request)


async def on_back(
    query: CallbackQuery,
    callback_data: PeriodPress,
    period_report: PeriodReport,
    services: Services,
    i18n: I18n,
) -> None:
    request = await _pressed(period_report, callback_data, services, query, i18n)
    if period_report.page is not None:
        # The page that was shown is not known: its first page again, text and buttons.
        await _show_page(query, period_report, request, 0)
        return
    if period_report.rows is None:
        raise Outdated(outdated_period())
    await edit_buttons(pressed_message(query), Screen("", await period_report.rows(request)))


async def _show_page(
    query: CallbackQuery, report: PeriodReport, request: ReportRequest, page: int
) -> None:
    screen = await report.page(request, page) if report.page is not None else None
    if screen is None:
        raise Outdated(outdated_period())
    await edit(query, screen)


async def on_page(
    query: CallbackQuery,
    callback_data: PagePress,
    period_report: PeriodReport,
    services: Services,
    i18n: I18n,
) -> None:
    """‹ › of a report in pages: the page, of the period the button carries."""
    request = await _pressed(period_report, callback_data, services, query, i18n)
    await _show_page(query, period_report, request, callback_data.page)


async def old_button(
    query: CallbackQuery,
    report: PeriodReport,
    services: Services,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
    *,
    in_place: bool = True,
) -> None:
    """A button of an earlier version of ``report`` (it carried the period its own way): the
    report for the current cycle, in place of the pressed message (a page turned) or as new
    messages (a button that opened the report), with a note saying so; outdated when this
    person may not see the report any more."""
    request = await request_for(
        report, services, query.from_user.id, Period.current_cycle(), i18n.current_locale
    )
    if request is None:
        raise Outdated(outdated_period())
    callback_answer.text = old_button_notice()
    message = pressed_message(query)
    if in_place:
        await show_in_place(message, report, request)
    else:
        await send_report(bot, message.chat.id, report, request)


def old_button_handler(
    report: PeriodReport, *, in_place: bool = True
) -> Callable[..., Awaitable[None]]:
    """The handler of :func:`old_button` for one report's buttons of an earlier version."""

    async def handler(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        services: Services,
        bot: Bot,
        i18n: I18n,
    ) -> None:
        await old_button(query, report, services, bot, i18n, callback_answer, in_place=in_place)

    return handler


async def on_type(
    query: CallbackQuery,
    callback_data: PeriodPress,
    period_report: PeriodReport,
    state: FSMContext,
    services: Services,
    i18n: I18n,
) -> None:
    request = await _pressed(period_report, callback_data, services, query, i18n)
    message = pressed_message(query)
    prompt = await answer(message, dates_prompt(period_report.key, request.period, request.label))
    await state.set_state(PeriodDialogue.dates)
    await state.set_data(
        {"period_report": period_report.key, "period_prompt": prompt.message_id}
        | _packed(callback_data)
    )


def _packed(press: PeriodPress) -> dict[str, Any]:
    return {"period_kind": press.kind.value, "period_a": press.a, "period_b": press.b}


def _stored_period(data: dict[str, Any]) -> Period:
    """The period the report had when the dates were asked for."""
    try:
        kind = PeriodCode(str(data.get("period_kind", PeriodCode.CYCLE.value)))
        found = unpack_period(kind, int(data.get("period_a", 0)), int(data.get("period_b", 0)))
    except (TypeError, ValueError):
        found = None
    return found or Period.current_cycle()


async def on_keep(
    query: CallbackQuery,
    callback_data: PeriodPress,
    period_report: PeriodReport,
    state: FSMContext,
    services: Services,
    i18n: I18n,
) -> None:
    data = await state.get_data()
    if await state.get_state() != PeriodDialogue.dates.state or (
        data.get("period_report") != period_report.key
    ):
        raise Outdated(outdated_period())
    request = await _pressed(period_report, callback_data, services, query, i18n)
    await state.clear()
    await edit(query, Screen(period_kept(request.label)))


ACTIONS: dict[PeriodAction, Callable[..., Awaitable[None]]] = {
    PeriodAction.OPEN: on_open,
    PeriodAction.MENU: on_menu,
    PeriodAction.SHOW: on_show,
    PeriodAction.BACK: on_back,
    PeriodAction.TYPE: on_type,
    PeriodAction.KEEP: on_keep,
}


# --- the typed dates ------------------------------------------------------------------------------


async def on_typed(
    message: Message,
    state: FSMContext,
    period_report: PeriodReport,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    current = _stored_period(data)
    request = await request_for(
        period_report, services, message.from_user.id, current, i18n.current_locale
    )
    if request is None:
        # No longer theirs to see (or the cycle is gone): nothing to ask any more.
        await state.clear()
        await answer(message, Screen(outdated_period()))
        return
    today = services.cycles.local_today(request.scope.timezone)
    typed = parse_period(message.text or "", today)
    prompt = int(data.get("period_prompt", 0))
    if not isinstance(typed, Period):
        reply = await answer(message, problem_screen(typed, period_report.key, current))
        if prompt:
            await drop_keyboard(bot, message.chat.id, prompt)
        await state.update_data(period_prompt=reply.message_id)
        return
    chosen = await request_for(
        period_report, services, message.from_user.id, typed, i18n.current_locale
    )
    await state.clear()
    if prompt:
        await drop_keyboard(bot, message.chat.id, prompt)
    if chosen is None:
        await answer(message, Screen(outdated_period()))
        return
    await send_report(bot, message.chat.id, period_report, chosen)


# --- wiring ---------------------------------------------------------------------------------------


class _Report(Filter):
    """Hands the report to the picker's handlers (as ``period_report``)."""

    def __init__(self, report: PeriodReport) -> None:
        self.report = report

    async def __call__(self, event: TelegramObject) -> dict[str, Any]:
        return {"period_report": self.report}


class _TypingFor(Filter):
    """A message typed while this report's question for dates is open."""

    def __init__(self, report: PeriodReport) -> None:
        self.report = report

    async def __call__(self, event: TelegramObject, state: FSMContext) -> bool | dict[str, Any]:
        if (await state.get_data()).get("period_report") != self.report.key:
            return False
        return {"period_report": self.report}


def attach(router: Router, report: PeriodReport) -> None:
    """The picker's presses and typed dates of ``report``, on the report's own router."""
    press = PeriodPress.filter
    for action, handler in ACTIONS.items():
        router.callback_query.register(
            handler, press((F.action == action) & (F.report == report.key)), _Report(report)
        )
    if report.page is not None:
        router.callback_query.register(
            on_page, PagePress.filter(F.report == report.key), _Report(report)
        )
    router.message.register(
        on_typed,
        StateFilter(PeriodDialogue.dates),
        F.text,
        ~F.text.startswith("/"),
        _TypingFor(report),
    )
