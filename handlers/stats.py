"""/stats: the indicators of the current cycle as a short message and a PNG chart; monitoring
before and after; the summary over organizations for coordinators and administrators.
/indicators: the curator enters the denominators of the year and the organization's targets.

Who sees what is decided by :class:`bot.reports.indicators.IndicatorService` (read from the
database at every press): the curator of an organization sees it, a municipal coordinator or an
administrator the sum over the organizations they cover, anyone else a friendly refusal.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd
from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, format_percent

from bot.reports.chart import ChartBar, render_chart
from bot.reports.indicators import (
    DENOMINATOR_TITLES,
    OWN_FORMS,
    SHARE_KEYS,
    SHARE_TITLES,
    FormFigures,
    Indicators,
    InputProblem,
    Ratio,
    Share,
    StageCounts,
)
from bot.reports.monitoring import MonitoringRow
from bot.services import Services
from dialogs.forms import FORM_TITLES, FederalForm
from dialogs.i18n import N_
from handlers.filters import curator_router
from handlers.states import IndicatorsDialogue
from handlers.texts import split_message

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 3800  # Telegram allows 4096 characters; leave room for the markup

TARGET_PREFIX = "t_"


class StatsView(CallbackData, prefix="st1"):
    view: str  # monitoring | summary | organization


class IndicatorEdit(CallbackData, prefix="ind1"):
    field: str  # a denominator name, or "t_" + an indicator key for its target


def refusal() -> str:
    return _(
        "The statistics are for the curator of an organization, a municipal coordinator or "
        "the bot's administrators. If you are a mentor or a mentee, your meetings are in "
        "/meetings."
    )


# --- formatting -------------------------------------------------------------------------


@functools.cache
def _percent_pattern(locale: str) -> str:
    # The locale's own pattern (Russian puts a no-break space before %), to a tenth of a percent
    # so that 2 of 1,400 is not shown as 0.
    try:
        pattern = str(Locale.parse(locale).percent_formats[None].pattern)
    except (UnknownLocaleError, ValueError, KeyError):
        return "#,##0.#%"
    if pattern.count("0") != 1 or "." in pattern or ";" in pattern:
        return pattern
    return pattern.replace("0", "0.#")


def percent(value: float, locale: str) -> str:
    """A share as a percent in the user's locale: ``66.7%``, ``66,7 %`` in Russian."""
    return format_percent(value, _percent_pattern(locale), locale=locale)


def number(value: int, locale: str) -> str:
    """A count with the locale's grouping: 1,400 or 1 400 (a no-break space) in Russian."""
    return format_decimal(value, locale=locale)


def decimal(value: float, locale: str) -> str:
    return format_decimal(value, "0.0", locale=locale)


def form_title(code: str | None, own_titles: dict[str, str]) -> str:
    if code is None:
        return _("All forms")
    if code == OWN_FORMS:
        return _("Own forms of the organizations")
    if code in own_titles:
        return hd.quote(own_titles[code])
    try:
        return _(FORM_TITLES[FederalForm(code)])
    except ValueError:
        return _("Own form of an organization ({code})").format(code=hd.quote(code))


def stage_line(counts: StageCounts, locale: str) -> str:
    return _(
        "invited {invited}, consented {consented}, questionnaire done {done}, matched "
        "{matched}, in pairs now {pairs}, completed the cycle {completed}"
    ).format(
        invited=number(counts.invited, locale),
        consented=number(counts.consented, locale),
        done=number(counts.questionnaire_done, locale),
        matched=number(counts.matched, locale),
        pairs=number(counts.in_pairs, locale),
        completed=number(counts.completed, locale),
    )


def share_line(share: Share, locale: str) -> str:
    title = _(share.title)
    target = percent(share.target, locale)
    value = share.share
    if value is not None and share.total is not None:
        return _("• {title}: <b>{share}</b> ({count} of {total}), target {target}").format(
            title=title,
            share=percent(value, locale),
            count=number(share.count, locale),
            total=number(share.total, locale),
            target=target,
        )
    if share.key.startswith("satisfied_"):
        return _("• {title}: no answers to the final poll yet, target {target}").format(
            title=title, target=target
        )
    if share.total == 0:
        return _("• {title}: {count}; the number to compare with is 0, target {target}").format(
            title=title, count=number(share.count, locale), target=target
        )
    return _(
        "• {title}: {count}; enter the number to compare with in /indicators, target {target}"
    ).format(title=title, count=number(share.count, locale), target=target)


def ratio_text(ratio: Ratio, locale: str) -> str:
    value = ratio.share
    if value is None:
        return _("no answers yet")
    return _("{count} of {total} ({share})").format(
        count=number(ratio.count, locale),
        total=number(ratio.total, locale),
        share=percent(value, locale),
    )


def form_block(
    code: str, counts: StageCounts, figures: FormFigures, own_titles: dict[str, str], locale: str
) -> list[str]:
    """One form, compactly: people by stage, meetings and feedback, satisfaction."""
    lines = [
        f"<b>{form_title(code, own_titles)}</b>",
        _("People: {line}").format(line=stage_line(counts, locale)),
    ]
    if figures.empty:
        lines.append(_("No meetings or final poll answers yet."))
        return lines
    held = ngettext(
        "Meetings held: {held} of {planned} planned",
        "Meetings held: {held} of {planned} planned",
        figures.meetings_planned,
    ).format(
        held=number(figures.meetings_held, locale),
        planned=number(figures.meetings_planned, locale),
    )
    forms = _("feedback forms: {answered} of {expected}").format(
        answered=number(figures.feedback_answered, locale),
        expected=number(figures.feedback_expected, locale),
    )
    lines.append(f"{held}; {forms}")
    lines.append(
        _("Satisfied mentees: {value}").format(value=ratio_text(figures.satisfied_mentees, locale))
    )
    lines.append(
        _("Satisfied mentors: {value}").format(value=ratio_text(figures.satisfied_mentors, locale))
    )
    return lines


def totals_block(indicators: Indicators, heading: str, locale: str) -> list[str]:
    lines = [heading, "", _("<b>People by stage</b>")]
    lines.append(_("All forms: {line}").format(line=stage_line(indicators.stages[None], locale)))
    lines += ["", _("<b>Meetings and feedback</b>")]
    lines.append(
        ngettext(
            "Meetings held: {held} of {planned} planned (confirmed ones whose time has come)",
            "Meetings held: {held} of {planned} planned (confirmed ones whose time has come)",
            indicators.meetings_planned,
        ).format(
            held=number(indicators.meetings_held, locale),
            planned=number(indicators.meetings_planned, locale),
        )
    )
    lines.append(
        ngettext(
            "Feedback forms after meetings: {answered} of {expected} expected (2 per meeting)",
            "Feedback forms after meetings: {answered} of {expected} expected (2 per meeting)",
            indicators.feedback_expected,
        ).format(
            answered=number(indicators.feedback_answered, locale),
            expected=number(indicators.feedback_expected, locale),
        )
    )
    lines += ["", _("<b>Indicators</b>")]
    lines += [share_line(share, locale) for share in indicators.shares]
    lines.append("")
    lines.append(
        _(
            "Involvement counts those who went through the full cycle (their pair completed it). "
            "Satisfied means 7 or more out of 10 in the final poll."
        )
    )
    if indicators.denominator_year is not None:
        lines.append(
            _("The numbers to compare with are of the school year {start}/{end}.").format(
                start=indicators.denominator_year, end=indicators.denominator_year + 1
            )
        )
    if indicators.missing_denominators:
        count = len(indicators.missing_denominators)
        if len(indicators.organization_ids) == 1:
            lines.append(_("Not all numbers to compare with are entered: /indicators"))
        else:
            lines.append(
                _(
                    "Organizations that have not entered all numbers to compare with: {count}"
                ).format(count=count)
            )
    return lines


_FEDERAL_ORDER = {form.value: index for index, form in enumerate(FederalForm)}


def form_order(code: str) -> tuple[int, int, str]:
    """The federal forms in the order of the documents, then the own ones by number."""
    if code in _FEDERAL_ORDER:
        return (0, _FEDERAL_ORDER[code], "")
    suffix = code.removeprefix("own_")
    if suffix.isdigit():
        return (1, int(suffix), "")
    return (2, 0, code)


def stats_blocks(
    indicators: Indicators, heading: str, own_titles: dict[str, str], locale: str
) -> list[list[str]]:
    """The totals, then a block per form that has anyone in it."""
    blocks = [totals_block(indicators, heading, locale)]
    empty = StageCounts(0, 0, 0, 0, 0, 0)
    forms = [
        form_block(code, indicators.stages.get(code, empty), figures, own_titles, locale)
        for code, figures in sorted(indicators.forms.items(), key=lambda item: form_order(item[0]))
        if indicators.stages.get(code, empty).invited or not figures.empty
    ]
    if forms:
        # The section's heading stays in one message with the first form.
        forms[0] = [
            _("<b>By form of mentoring</b>"),
            _(
                "People count in the form they chose; meetings, feedback and final polls in "
                "the form of their pair. Satisfied means 7 or more out of 10."
            ),
            "",
            *forms[0],
        ]
        blocks += forms
    return blocks


def pack(blocks: list[list[str]], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks separated by an empty line, as few messages as Telegram's limit allows; a block
    is split only when it alone is too long."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for part in split_message("\n".join(block), limit):
            candidate = f"{current}\n\n{part}" if current else part
            if current and len(candidate) > limit:
                messages.append(current)
                current = part
            else:
                current = candidate
    if current.strip():
        messages.append(current)
    return messages


def stats_messages(
    indicators: Indicators, heading: str, own_titles: dict[str, str], locale: str
) -> list[str]:
    return pack(stats_blocks(indicators, heading, own_titles, locale))


def chart_bars(indicators: Indicators, locale: str) -> list[ChartBar]:
    bars = []
    for share in indicators.shares:
        if share.total is None:
            note = _("not entered")
        elif share.total == 0:
            note = _("no data")
        else:
            note = f"{number(share.count, locale)} / {number(share.total, locale)}"
        shown = percent(share.share, locale) if share.share is not None else None
        bars.append(ChartBar(_(share.title), share.share, share.target, note, shown))
    return bars


async def chart_png(indicators: Indicators, title: str, locale: str) -> bytes:
    bars = chart_bars(indicators, locale)
    # Drawing takes a noticeable fraction of a second: off the event loop.
    return await asyncio.to_thread(
        render_chart,
        bars,
        title=title,
        target_label=_("target"),
        value_label=_("share, %"),
    )


async def own_form_titles(services: Services, organization_ids: tuple[int, ...]) -> dict[str, str]:
    if len(organization_ids) != 1:
        return {}
    forms = await services.organizations.forms(organization_ids[0])
    return {form.code: form.title for form in forms if form.title}


async def send_indicators(
    bot: Bot,
    chat_id: int,
    services: Services,
    indicators: Indicators,
    heading: str,
    chart_title: str,
    locale: str,
    markup: InlineKeyboardMarkup | None,
) -> None:
    titles = await own_form_titles(services, indicators.organization_ids)
    messages = stats_messages(indicators, heading, titles, locale)
    for number, text in enumerate(messages, start=1):
        # The buttons go under the last part, where the reader ends up.
        await bot.send_message(
            chat_id, text, reply_markup=markup if number == len(messages) else None
        )
    png = await chart_png(indicators, chart_title, locale)
    await bot.send_photo(
        chat_id,
        BufferedInputFile(png, filename="indicators.png"),
        caption=_("Each indicator against its target (the red mark)."),
    )


async def send_organization(
    bot: Bot, chat_id: int, services: Services, organization_id: int, locale: str, covered: int
) -> bool:
    indicators = await services.indicators.for_viewer(
        chat_id, organization_id, is_admin=services.is_admin(chat_id)
    )
    organization = await services.organizations.get(organization_id)
    if indicators is None or organization is None:
        return False
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Monitoring: before and after"), callback_data=StatsView(view="monitoring")
    )
    if covered:
        builder.button(
            text=_("Summary of the organizations I cover ({count})").format(count=covered),
            callback_data=StatsView(view="summary"),
        )
    builder.adjust(1)
    heading = _("<b>Statistics of the current cycle</b>\n{name}").format(
        name=hd.quote(organization.name)
    )
    await send_indicators(
        bot, chat_id, services, indicators, heading, organization.name, locale,
        builder.as_markup(),
    )  # fmt: skip
    return True


async def send_summary(bot: Bot, chat_id: int, services: Services, locale: str) -> bool:
    summary = await services.indicators.summary_for(chat_id, is_admin=services.is_admin(chat_id))
    if summary is None:
        return False
    count = len(summary.organization_ids)
    heading = _("<b>Summary of the current cycles</b>\nOrganizations: {count}").format(count=count)
    await send_indicators(
        bot, chat_id, services, summary, heading, _("Summary: {count}").format(count=count),
        locale, None,
    )  # fmt: skip
    return True


# --- monitoring -----------------------------------------------------------------------------


def monitoring_lines(
    rows: list[MonitoringRow], own_titles: dict[str, str], locale: str
) -> list[str]:
    from dialogs.monitoring import MONITORING_FORMS

    lines = [
        _("<b>Monitoring: before and after the programme</b>"),
        _(
            "Averages of those who answered both before and after; "
            "the change is after minus before."
        ),
    ]
    current: tuple[str | None, str] | None = None
    for row in rows:
        if current is None or current[0] != row.form:
            lines += ["", f"<b>{form_title(row.form, own_titles)}</b>"]
        if current != (row.form, row.questionnaire):
            questionnaire = MONITORING_FORMS.get(row.questionnaire)
            lines.append(f"<i>{_(questionnaire.title) if questionnaire else row.questionnaire}</i>")
            current = (row.form, row.questionnaire)
        if row.before is None or row.after is None or row.change is None:
            lines.append(
                _("• {label}: nobody answered both times").format(label=hd.quote(_(row.label)))
            )
            continue
        lines.append(
            _("• {label}: {before} → {after} ({change}), people: {count}").format(
                label=hd.quote(_(row.label)),
                before=decimal(row.before, locale),
                after=decimal(row.after, locale),
                change=("+" if row.change > 0 else "") + decimal(row.change, locale),
                count=row.answered_both,
            )
        )
    return lines


async def send_monitoring(
    bot: Bot, chat_id: int, services: Services, organization_id: int, locale: str
) -> None:
    rows = await services.monitoring.rows(organization_id)
    if not rows:
        await bot.send_message(
            chat_id,
            _(
                "Monitoring: nobody has answered the survey both before and after the "
                "programme yet. The results appear when pairs complete the cycle."
            ),
        )
        return
    titles = await own_form_titles(services, (organization_id,))
    for text in split_message("\n".join(monitoring_lines(rows, titles, locale)), MESSAGE_LIMIT):
        await bot.send_message(chat_id, text)


# --- handlers -------------------------------------------------------------------------------


async def show_stats(message: Message, services: Services, bot: Bot, i18n: I18n) -> None:
    assert message.from_user is not None
    await send_stats(bot, message.chat.id, message.from_user.id, services, i18n)


async def send_stats(bot: Bot, chat_id: int, user: int, services: Services, i18n: I18n) -> None:
    """/stats for this user (a command or the curator panel's button): their organization's
    figures, the summary of those they coordinate, or a refusal."""
    viewer = await services.indicators.viewer(user, is_admin=services.is_admin(user))
    locale = i18n.current_locale
    if viewer.curated is not None:
        covered = len([o for o in viewer.covered if o != viewer.curated])
        if await send_organization(bot, chat_id, services, viewer.curated, locale, covered):
            return
    if viewer.covered and await send_summary(bot, chat_id, services, locale):
        return
    await bot.send_message(chat_id, refusal())


async def on_view(
    query: CallbackQuery,
    callback_data: StatsView,
    callback_answer: CallbackAnswer,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    user = query.from_user.id
    viewer = await services.indicators.viewer(user, is_admin=services.is_admin(user))
    locale = i18n.current_locale
    if callback_data.view == "monitoring" and viewer.curated is not None:
        await send_monitoring(bot, user, services, viewer.curated, locale)
        return
    if callback_data.view == "summary" and viewer.covered:
        await send_summary(bot, user, services, locale)
        return
    callback_answer.text = refusal() if not viewer.allowed else _("This button is outdated: /stats")
    callback_answer.show_alert = True


# --- /indicators: denominators and targets ----------------------------------------------------


def field_prompt(field: str) -> str | None:
    if field in DENOMINATOR_TITLES:
        return _(
            "{title}: how many are there in the organization? Type a whole number from 0 to "
            "1 000 000."
        ).format(title=_(DENOMINATOR_TITLES[field]))
    key = field.removeprefix(TARGET_PREFIX)
    if field.startswith(TARGET_PREFIX) and key in SHARE_TITLES:
        return _("{title}: the target in percent, from 1 to 100 (for example: 70).").format(
            title=_(SHARE_TITLES[key])
        )
    return None


async def indicators_view(
    services: Services, organization_id: int, locale: str
) -> tuple[str, InlineKeyboardMarkup]:
    row = await services.indicators.denominators(organization_id)
    targets = await services.indicators.targets(organization_id)
    year = row.school_year if row else services.indicators.school_year()
    lines = [
        _("<b>Numbers to compare with</b> (school year {start}/{end})").format(
            start=year, end=year + 1
        ),
        _("The shares of the indicators are counted against these numbers of your organization."),
    ]
    builder = InlineKeyboardBuilder()
    for name, title in DENOMINATOR_TITLES.items():
        value = row.values.get(name) if row else None
        shown = str(value) if value is not None else _("not entered")
        lines.append(f"• {_(title)}: {shown}")
        builder.button(text=f"{_(title)}: {shown}", callback_data=IndicatorEdit(field=name))
    lines += ["", _("<b>Targets</b> (federal ones unless you changed them)")]
    for key in SHARE_KEYS:
        shown = percent(targets[key], locale)
        lines.append(f"• {_(SHARE_TITLES[key])}: {shown}")
        builder.button(
            text=_("Target: {title} — {value}").format(title=_(SHARE_TITLES[key]), value=shown),
            callback_data=IndicatorEdit(field=TARGET_PREFIX + key),
        )
    if row is not None and row.school_year != services.indicators.school_year():
        lines.append("")
        lines.append(_("These are last year's numbers: please check them for this year."))
    lines += ["", _("Press a button to change a number. The statistics: /stats")]
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


async def show_indicators(
    message: Message, state: FSMContext, services: Services, curator_org_id: int, i18n: I18n
) -> None:
    await state.clear()
    text, markup = await indicators_view(services, curator_org_id, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


async def ask_value(
    query: CallbackQuery,
    callback_data: IndicatorEdit,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    bot: Bot,
) -> None:
    prompt = field_prompt(callback_data.field)
    if prompt is None:
        callback_answer.text = _("This button is outdated: /indicators")
        callback_answer.show_alert = True
        return
    await state.set_state(IndicatorsDialogue.value)
    await state.set_data({"field": callback_data.field})
    await bot.send_message(query.from_user.id, prompt)


PROBLEMS = {
    InputProblem.NOT_A_NUMBER: N_("Please type a whole number, for example: 850."),
    InputProblem.OUT_OF_RANGE: N_("This number is out of range. Please check it."),
}
TARGET_PROBLEMS = {
    InputProblem.NOT_A_NUMBER: N_("Please type the target in percent, for example: 70."),
    InputProblem.OUT_OF_RANGE: N_("The target should be from 1 to 100 percent."),
}


async def receive_value(
    message: Message, state: FSMContext, services: Services, curator_org_id: int, i18n: I18n
) -> None:
    assert message.from_user is not None
    field = str((await state.get_data()).get("field", ""))
    text = message.text or ""
    if field.startswith(TARGET_PREFIX):
        result: object = await services.indicators.set_target(
            curator_org_id, field.removeprefix(TARGET_PREFIX), text, message.from_user.id
        )
        problems = TARGET_PROBLEMS
    else:
        result = await services.indicators.set_denominator(
            curator_org_id, field, text, message.from_user.id
        )
        problems = PROBLEMS
    if isinstance(result, InputProblem):
        if result in problems:
            await message.answer(_(problems[result]))
            return
        await state.clear()
        await message.answer(_("Something has changed meanwhile. Please open /indicators again."))
        return
    await state.clear()
    view, markup = await indicators_view(services, curator_org_id, i18n.current_locale)
    await message.answer(_("Saved.") + "\n\n" + view, reply_markup=markup)


def build_router() -> Router:
    router = Router(name="stats")
    # Everyone may ask; the service decides what they see (curators, coordinators, admins).
    router.message.register(show_stats, Command("stats"))
    router.callback_query.register(on_view, StatsView.filter())

    editing = curator_router("indicators")
    editing.message.register(show_indicators, Command("indicators"))
    editing.callback_query.register(ask_value, IndicatorEdit.filter())
    editing.message.register(
        receive_value, StateFilter(IndicatorsDialogue.value), F.text, ~F.text.startswith("/")
    )
    router.include_router(editing)
    return router
