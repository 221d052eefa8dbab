"""The views of a minor's legal representative (handlers/representative.py acts): their
children with the actions, what they are told of the pair and the meetings, the child's plan,
a message to the curator; and the curator's check of the representative.

The representative is an adult («вы» in Russian). Nothing here names a contact of the mentor,
nor the place of a meeting (it may be someone's home)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot import html_text as hd
from bot.formatting import format_moment
from bot.representatives import (
    CheckWay,
    ChildPlan,
    MeetingNotice,
    PairNotice,
    RepresentedChild,
)
from bot.screens import Button, Screen
from bot.support import MAX_BODY_LENGTH
from dialogs.consent import RELATION_LABELS
from handlers.curator_views import form_title
from handlers.meeting_texts import kind_title, zone_label
from handlers.paging import column, navigation_row
from handlers.stats_figures import form_title as form_code_title
from handlers.texts import current_locale


class ChildAction(StrEnum):
    SHOW = "show"
    PLAN = "plan"
    WRITE = "write"
    TIMES_ON = "times_on"
    TIMES_OFF = "times_off"


class ChildAct(CallbackData, prefix="rep1"):
    participant_id: int
    action: ChildAction


class RepresentativeCheck(CallbackData, prefix="rep1c"):
    participant_id: int
    way: CheckWay


class RepresentativeCard(CallbackData, prefix="rep1k"):
    participant_id: int


class WaitingCheckPage(CallbackData, prefix="rep1w"):
    page: int


WAITING_PAGE = 10


def _act(participant_id: int, action: ChildAction) -> str:
    return ChildAct(participant_id=participant_id, action=action).pack()


def _check(participant_id: int, way: CheckWay) -> str:
    return RepresentativeCheck(participant_id=participant_id, way=way).pack()


def _moment(moment: datetime, timezone: str) -> str:
    return format_moment(moment, current_locale(), timezone)


def _name(child: RepresentedChild) -> str:
    return hd.quote(child.name or _("the child"))


def _day(child: RepresentedChild) -> str:
    return (
        child.participant.birth_date.strftime("%d.%m.%Y") if child.participant.birth_date else "—"
    )


# -- the representative's menu -----------------------------------------------------------------
def children_screen(children: list[RepresentedChild]) -> Screen:
    lines = [_("<b>You are the legal representative of:</b>")]
    lines += [f"• {_name(child)}" for child in children]
    lines.append(_("Choose a child to see their mentorship and what you can do."))
    buttons = [
        Button(
            child.name or _("the child"),
            data=ChildAct(participant_id=child.participant.id, action=ChildAction.SHOW).pack(),
        )
        for child in children
    ]
    return Screen("\n".join(lines), column(buttons))


def _times_button(child: RepresentedChild) -> Button:
    pid = child.participant.id
    if child.consent.meeting_times:
        return Button(
            _("Stop telling me the meeting times"),
            data=_act(pid, ChildAction.TIMES_OFF),
        )
    return Button(
        _("Tell me the meeting times"),
        data=_act(pid, ChildAction.TIMES_ON),
    )


def child_actions(child: RepresentedChild) -> tuple[tuple[Button, ...], ...]:
    pid = child.participant.id
    return (
        (Button(_("The child's plan"), data=_act(pid, ChildAction.PLAN)),),
        (Button(_("Write to the curator"), data=_act(pid, ChildAction.WRITE)),),
        (_times_button(child),),
    )


def child_screen(child: RepresentedChild) -> Screen:
    lines = [_("<b>{child}</b>").format(child=_name(child))]
    if child.consent.checked:
        lines.append(_("The curator has checked your consent."))
    else:
        lines.append(
            _(
                "The curator has not yet checked your consent against the school's records; "
                "a mentor will be chosen after that."
            )
        )
    if child.consent.meeting_times:
        lines.append(_("You are told the date and time of the child's meetings."))
    else:
        lines.append(_("You are not told the times of the child's meetings."))
    lines.append(_("To withdraw the consent: /revoke"))
    return Screen("\n".join(lines), child_actions(child))


def times_changed(child: RepresentedChild) -> Screen:
    if child.consent.meeting_times:
        text = _(
            "Done: I will tell you the date, time and format of each meeting of {child} with "
            "the mentor once it is confirmed."
        )
    else:
        text = _("Done: I will not tell you the times of the meetings of {child}.")
    return Screen(text.format(child=_name(child)), ((_times_button(child),),))


def plan_screen(found: ChildPlan) -> Screen:
    name = _name(found.child)
    if not found.in_pair:
        return Screen(_("{child} has no mentor yet, so there is no plan yet.").format(child=name))
    plan = found.plan
    if plan is None or not (plan.goals or plan.planned_end):
        return Screen(
            _(
                "The plan of {child} and the mentor is not written yet: they agree on it at "
                "the planning meeting."
            ).format(child=name)
        )
    lines = [_("<b>The plan of {child}</b>").format(child=name)]
    if plan.goals:
        lines.append(_("Goals:"))
        lines += [f"{n}. {hd.quote(goal)}" for n, goal in enumerate(plan.goals, 1)]
    if plan.planned_end:
        lines.append(
            _("The programme ends: {day}").format(day=plan.planned_end.strftime("%d.%m.%Y"))
        )
    return Screen("\n".join(lines))


def write_prompt(child: RepresentedChild) -> Screen:
    return Screen(
        _(
            "Type your message to the curator about {child} in one message (up to {limit} "
            "characters). To stop: /cancel"
        ).format(child=_name(child), limit=MAX_BODY_LENGTH)
    )


def write_sent() -> Screen:
    return Screen(_("Your message has been sent to the curator."))


def write_too_many() -> Screen:
    return Screen(_("You have sent many messages today. Please try again tomorrow."))


def write_text_only() -> Screen:
    return Screen(_("Please type the message as text. To stop: /cancel"))


def not_your_child() -> str:
    return _("This button is not for you any more.")


def to_curator(child: RepresentedChild, body: str) -> Screen:
    consent = child.consent
    return Screen(
        _(
            "<b>A message from the legal representative of the mentee {child}</b>\n"
            "{representative} ({relation}), phone {phone}:\n\n{body}"
        ).format(
            child=_name(child),
            representative=hd.quote(consent.representative_name or ""),
            relation=_(RELATION_LABELS.get(consent.representative_relation or "other", "")),
            phone=hd.quote(consent.representative_phone or "—"),
            body=hd.quote(body),
        )
    )


# -- what the representative is told ------------------------------------------------------------
def pair_notice_screen(notice: PairNotice) -> Screen:
    if notice.form is not None:
        form = hd.quote(form_title(notice.form))
    else:
        form = form_code_title(notice.form_code, {})
    role = ", ".join(hd.quote(part) for part in (notice.position, notice.workplace) if part)
    lines = [
        _("<b>A mentor has been chosen for {child}</b>").format(child=hd.quote(notice.child_name)),
        _("Mentor: {name}").format(name=hd.quote(notice.mentor_name)),
    ]
    if role:
        lines.append(_("Position and place of work or study: {role}").format(role=role))
    lines.append(_("Form of mentorship: {form}").format(form=form))
    lines += [
        "",
        _(
            "The curator has approved the pair. The child and the mentor agree on meetings "
            "in this bot; the mentor's contacts stay within the pair. Would you like me to "
            "tell you the date and time of each confirmed meeting?"
        ),
    ]
    pid = notice.participant_id
    rows = (
        (
            Button(_("Yes, tell me"), data=_act(pid, ChildAction.TIMES_ON)),
            Button(_("No, thank you"), data=_act(pid, ChildAction.TIMES_OFF)),
        ),
        (Button(_("The child's plan"), data=_act(pid, ChildAction.PLAN)),),
    )
    return Screen("\n".join(lines), rows)


def meeting_notice_screen(notice: MeetingNotice) -> Screen:
    meeting, zone = notice.view.meeting, notice.view.side.timezone
    how = _("online") if meeting.meeting_format == "online" else _("in person")
    if notice.moved_from is not None:
        return Screen(
            _(
                "<b>A meeting of {child} with the mentor is moved</b>\n"
                "It was to be on {before}; now: {kind}, {when} ({zone}), {how}.\n"
                "The place is agreed between the child and the mentor; ask the child about it."
            ).format(
                child=hd.quote(notice.child_name),
                before=format_moment(notice.moved_from, current_locale(), zone),
                kind=kind_title(meeting.kind),
                when=format_moment(meeting.starts_at, current_locale(), zone),
                zone=zone_label(meeting.starts_at, zone),
                how=how,
            )
        )
    return Screen(
        _(
            "<b>A meeting of {child} with the mentor is confirmed</b>\n"
            "{kind}: {when} ({zone}), {how}.\n"
            "The place is agreed between the child and the mentor; ask the child about it."
        ).format(
            child=hd.quote(notice.child_name),
            kind=kind_title(meeting.kind).capitalize(),
            when=format_moment(meeting.starts_at, current_locale(), zone),
            zone=zone_label(meeting.starts_at, zone),
            how=how,
        )
    )


# -- the curator's check ----------------------------------------------------------------------
def waiting_button(count: int) -> Button:
    return Button(
        _("Representatives to check: {count}").format(count=count),
        data=WaitingCheckPage(page=0).pack(),
    )


def waiting_screen(children: list[RepresentedChild], total: int, page: int, pages: int) -> Screen:
    if not total:
        return Screen(_("Every legal representative has been checked."))
    text = _(
        "<b>Waiting for the curator's check: {count}</b>\nThe legal representatives of these "
        "minors have consented; compare the name and phone with the school's records, or "
        "record a paper consent. Until then the child is not matched."
    ).format(count=total)
    buttons = [
        Button(
            child.name or _("the child"),
            data=RepresentativeCard(participant_id=child.participant.id).pack(),
        )
        for child in children
    ]
    return Screen(
        text, column(buttons) + navigation_row(page, pages, lambda n: WaitingCheckPage(page=n))
    )


def check_title(way: str | None) -> str:
    if way == CheckWay.PAPER:
        return _("a paper consent was received")
    return _("confirmed against the school's records")


def representative_lines(child: RepresentedChild) -> list[str]:
    """The representative as the curator sees them beside the child: name, relation, phone,
    the consent and its check."""
    consent = child.consent
    lines = [
        _("Legal representative: {name} ({relation})").format(
            name=hd.quote(consent.representative_name or "—"),
            relation=_(RELATION_LABELS.get(consent.representative_relation or "other", "")),
        ),
        _("Phone (shared through Telegram): {phone}").format(
            phone=hd.quote(
                consent.representative_phone or _("not given (consent before the phone was asked)")
            )
        ),
        _("Consent given: {day}").format(day=_moment(consent.given_at, child.timezone)),
    ]
    if consent.checked_at is not None:
        lines.append(
            _("Checked: {how}, by the curator {curator}, {day}").format(
                how=check_title(consent.checked_as),
                curator=consent.checked_by,
                day=_moment(consent.checked_at, child.timezone),
            )
        )
    else:
        lines.append(_("Status: waiting for the curator's check"))
    return lines


def card_screen(child: RepresentedChild) -> Screen:
    role = _("mentor") if child.participant.role == "mentor" else _("mentee")
    lines = [
        _("<b>{child}</b> — {role}, born {day}").format(
            child=_name(child), role=role, day=_day(child)
        ),
        *representative_lines(child),
    ]
    rows: tuple[tuple[Button, ...], ...] = ()
    if not child.consent.checked:
        pid = child.participant.id
        rows = (
            (
                Button(
                    _("Confirm: matches the school's records"), data=_check(pid, CheckWay.RECORDS)
                ),
            ),
            (Button(_("Paper consent received"), data=_check(pid, CheckWay.PAPER)),),
        )
    back = Button(_("← To the list"), data=WaitingCheckPage(page=0).pack())
    return Screen("\n".join(lines), (*rows, (back,)))


def check_request_screen(child: RepresentedChild) -> Screen:
    """To the curators when a representative has consented: the check is theirs to do."""
    lines = [
        _("<b>A legal representative has consented for {child}</b>").format(child=_name(child)),
        *representative_lines(child),
        _(
            "Compare the name and phone with the school's records (or record a paper "
            "consent): until then the child is not matched."
        ),
    ]
    card = RepresentativeCard(participant_id=child.participant.id).pack()
    return Screen("\n".join(lines), ((Button(_("Open the card"), data=card),),))


def checked_text(child: RepresentedChild) -> str:
    return _("Recorded: the representative of {child} is checked ({how}).").format(
        child=_name(child), how=check_title(child.consent.checked_as)
    )


def already_checked() -> str:
    return _("This representative has already been checked.")


def not_found() -> str:
    return _("This child is no longer among the participants.")
