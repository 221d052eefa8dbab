"""FSM states of the dialogues and the names people know them by."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import gettext as _


class SupportDialogue(StatesGroup):
    topic = State()
    body = State()
    confirm = State()


class NewOrganization(StatesGroup):
    name = State()
    timezone = State()


class OwnFormDialogue(StatesGroup):
    title = State()


class AnnounceDialogue(StatesGroup):
    text = State()  # the audience is chosen, the text is awaited
    confirm = State()  # the preview is shown


class JoinDialogue(StatesGroup):
    second_role = State()  # already takes part in the other role: join in this one too?
    age = State()
    birth_date = State()
    consent = State()


class GuardianDialogue(StatesGroup):
    name = State()
    child_name = State()  # the child's full name, as the consent will name the child
    relation = State()
    consent = State()
    phone = State()  # the representative's own number, from Telegram's contact button


class QuestionnaireDialogue(StatesGroup):
    answering = State()


class DeclineReason(StatesGroup):
    text = State()


class EndReason(StatesGroup):
    text = State()


class MeetingDialogue(StatesGroup):
    place = State()
    cancel_reason = State()


class HolidayDialogue(StatesGroup):
    range = State()


class MeetingSettingsDialogue(StatesGroup):
    value = State()


class ResponseDialogue(StatesGroup):
    other = State()  # the text of an "other" choice in a short form


class FollowupDialogue(StatesGroup):
    reason = State()  # why the meeting did not happen
    goals = State()  # the mentor's goals after the planning meeting
    end_date = State()  # and the planned end date


class CycleDialogue(StatesGroup):
    planned_end = State()
    results = State()  # the curator writes a pair's results


class PairResultsDialogue(StatesGroup):
    text = State()  # the mentor writes the pair's results


class IndicatorsDialogue(StatesGroup):
    value = State()  # a denominator or a target typed by the curator


class CoordinatorLinkDialogue(StatesGroup):
    organizations = State()  # the administrator picks the organizations of a coordinator link
    municipality = State()  # and then names the municipality (or not)


class MunicipalDialogue(StatesGroup):
    value = State()  # a number of the whole municipality typed by its coordinator


class PeriodDialogue(StatesGroup):
    dates = State()  # the dates of a report's period, typed (handlers/period_picker.py)


class SpeedDialogue(StatesGroup):
    start = State()  # the date and time of a speed mentoring session
    place = State()
    picking = State()  # the round's length, the mentors and the mentees, by buttons


class PlanDialogue(StatesGroup):
    """Building the pair's individual plan (the mentor), the curator's comment on a return."""

    end = State()
    goal = State()
    deadline = State()
    measure = State()
    activities = State()
    draft = State()  # the draft shown with its buttons: add a goal, submit, start again
    comment = State()


def dialogue_title(state: str) -> str:
    group = state.split(":", 1)[0]
    if group == NewOrganization.__full_group_name__:
        return _("creating an organization")
    if group == OwnFormDialogue.__full_group_name__:
        return _("adding a form of mentorship")
    if group == AnnounceDialogue.__full_group_name__:
        return _("writing an announcement")
    if group == SupportDialogue.__full_group_name__:
        return _("the message to support")
    if group == JoinDialogue.__full_group_name__:
        return _("joining the programme")
    if group == GuardianDialogue.__full_group_name__:
        return _("the consent for a child")
    if group == QuestionnaireDialogue.__full_group_name__:
        return _("the questionnaire (the answers given so far are saved)")
    if group == DeclineReason.__full_group_name__:
        return _("the reason for the candidate")
    if group == EndReason.__full_group_name__:
        return _("ending a pair")
    if group == MeetingDialogue.__full_group_name__:
        return _("planning a meeting")
    if group == HolidayDialogue.__full_group_name__:
        return _("adding holidays")
    if group == MeetingSettingsDialogue.__full_group_name__:
        return _("changing the meeting settings")
    if group == ResponseDialogue.__full_group_name__:
        return _("the form (the answers given so far are saved)")
    if group == FollowupDialogue.__full_group_name__:
        return _("the answer about a meeting")
    if group == CycleDialogue.__full_group_name__:
        return _("the cycle settings")
    if group == PairResultsDialogue.__full_group_name__:
        return _("the results of the pair")
    if group == IndicatorsDialogue.__full_group_name__:
        return _("entering the numbers for the indicators")
    if group == CoordinatorLinkDialogue.__full_group_name__:
        return _("making a coordinator link")
    if group == MunicipalDialogue.__full_group_name__:
        return _("entering the numbers of the municipality")
    if group == PeriodDialogue.__full_group_name__:
        return _("choosing the period of a report (the report stays as it was)")
    if group == SpeedDialogue.__full_group_name__:
        return _("organizing a speed mentoring session")
    if group == PlanDialogue.__full_group_name__:
        return _("the plan of the pair (the goals entered so far are kept)")
    return _("the current dialogue")
