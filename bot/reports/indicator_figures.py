"""What the indicators are: the shares with their counts and targets, the figures per form and
the whole of one organization's (or a summary's) indicators, as the service returns them and the
views and the workbook show them. How they are counted: :mod:`bot.reports.indicators`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from bot.models.periods import Period
from bot.models.reports import StageCounts
from dialogs.i18n import N_

SHARE_KEYS = (
    "mentees_10_19",
    "mentors_15_19",
    "young_teachers",
    "enterprises",
    "satisfied_mentees",
    "satisfied_mentors",
)

# What each share counts: those who entered a program in the period (its numerator).
SHARE_TITLES: dict[str, str] = {
    "mentees_10_19": N_("Children aged 10–19 who entered the program as mentees"),
    "mentors_15_19": N_("Young people aged 15–19 who entered the program as mentors"),
    "young_teachers": N_("Young teachers (0–3 years) who entered the program as mentees"),
    "enterprises": N_("Enterprises whose mentors entered the program"),
    "satisfied_mentees": N_("Satisfied mentees"),
    "satisfied_mentors": N_("Satisfied mentors"),
}

# Shown beside an involvement share: those of the group who completed the program in the period.
COMPLETED_TITLES: dict[str, str] = {
    "mentees_10_19": N_("Children aged 10–19 who completed the program as mentees"),
    "mentors_15_19": N_("Young people aged 15–19 who completed the program as mentors"),
    "young_teachers": N_("Young teachers (0–3 years) who completed the program as mentees"),
    "enterprises": N_("Enterprises whose mentors completed the program"),
}


@dataclass(frozen=True)
class Share:
    """One indicator: ``count`` of ``total`` against ``target``.

    An involvement share counts those who *entered* a program in the period (``title`` says
    so) and, beside it, ``completed``: those of the same group who *completed* it in the period
    (``completed_title``). A satisfaction share counts the satisfied among *all* mentees
    (mentors) of the pairs completed in the period, and ``answered`` how many of them answered
    the final poll (the response rate is ``answered / total``).
    """

    key: str
    title: str  # msgid (translate when shown)
    count: int  # numerator
    total: int | None  # denominator (None when the curator has not entered it)
    target: float  # 0..1
    completed: int | None = None  # involvement shares: completed the program in the period
    answered: int | None = None  # satisfaction shares: answered the final poll
    completed_title: str | None = None  # msgid of ``completed``

    @property
    def share(self) -> float | None:
        if self.total is None or self.total <= 0:
            return None
        return self.count / self.total

    @property
    def response_rate(self) -> float | None:
        """Satisfaction shares: the part of those asked who answered."""
        if self.answered is None or self.total is None or self.total <= 0:
            return None
        return self.answered / self.total


@dataclass(frozen=True)
class Ratio:
    """A share with the counts behind it; for satisfaction ``answered`` is how many of
    ``total`` answered the poll (``None`` where it does not apply)."""

    count: int
    total: int
    answered: int | None = None

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total > 0 else None

    @property
    def response_rate(self) -> float | None:
        if self.answered is None or self.total <= 0:
            return None
        return self.answered / self.total


@dataclass(frozen=True)
class FormFigures:
    """Meetings, feedback and satisfaction of the pairs of one form (see the notes of
    :mod:`bot.reports.indicators`)."""

    meetings_held: int
    meetings_planned: int
    feedback_answered: int
    satisfied_mentees: Ratio  # satisfied of all asked the final poll, with how many answered
    satisfied_mentors: Ratio

    @property
    def feedback_expected(self) -> int:
        return 2 * self.meetings_held  # one form from each side of every held meeting

    @property
    def empty(self) -> bool:
        return not (
            self.meetings_planned
            or self.meetings_held
            or self.satisfied_mentees.total
            or self.satisfied_mentors.total
        )


NO_FIGURES = FormFigures(0, 0, 0, Ratio(0, 0, 0), Ratio(0, 0, 0))


@dataclass(frozen=True)
class Indicators:
    organization_ids: tuple[int, ...]
    stages: dict[str | None, StageCounts]  # per form code; None = all forms
    meetings_held: int
    meetings_planned: int
    feedback_answered: int
    feedback_expected: int
    shares: list[Share]
    # Additions to the shared contract (defaults keep it compatible):
    # the school year (its first calendar year) of the denominators used, if one year for all;
    denominator_year: int | None = None
    # organizations whose denominators are missing (their shares' totals are then None).
    missing_denominators: tuple[int, ...] = field(default_factory=tuple)
    # meetings, feedback and satisfaction per form code, for every form in ``stages`` and
    # every form with figures, in code order.
    forms: dict[str, FormFigures] = field(default_factory=dict)
    # The period the figures are of (the current cycle unless a report asked for another).
    period: Period = field(default_factory=Period.current_cycle)
    # The calendar year whose targets the shares are compared with.
    target_year: int | None = None
    # Mentors who entered in the period whose age is unknown (no date or year of birth), and
    # those whose year of birth leaves the 15-19 band open (14 or 15, 19 or 20 on the day they
    # entered): they are not guessed into or out of the 15-19 share but reported apart.
    mentors_age_unknown: int = 0
    mentors_age_ambiguous: int = 0
    # Set for a closed cycle: the figures as they were stored when it closed (at this time),
    # not counted again.
    as_of: datetime | None = None

    @property
    def snapshot(self) -> bool:
        return self.as_of is not None

    def form(self, code: str) -> FormFigures:
        return self.forms.get(code, NO_FIGURES)

    def share(self, key: str) -> Share:
        return next(s for s in self.shares if s.key == key)


# --- a closed cycle's stored figures ----------------------------------------------------------

_STAGE_FIELDS = ("invited", "consented", "questionnaire_done", "matched", "in_pairs", "completed")


def _ratio_json(ratio: Ratio) -> list[int | None]:
    return [ratio.count, ratio.total, ratio.answered]


def _ratio_of(value: list[int | None]) -> Ratio:
    count, total, answered = value
    assert count is not None and total is not None
    return Ratio(count, total, answered)


def indicators_to_json(indicators: Indicators) -> str:
    """The figures as JSON, to keep what a cycle showed when it closed (the period and the
    time are not stored: the reader knows which cycle it asked for and when it closed)."""
    return json.dumps(
        {
            "organization_ids": list(indicators.organization_ids),
            "stages": [
                [form, [getattr(counts, f) for f in _STAGE_FIELDS]]
                for form, counts in indicators.stages.items()
            ],
            "meetings": [
                indicators.meetings_held,
                indicators.meetings_planned,
                indicators.feedback_answered,
                indicators.feedback_expected,
            ],
            "shares": [
                {
                    "key": s.key,
                    "title": s.title,
                    "count": s.count,
                    "total": s.total,
                    "target": s.target,
                    "completed": s.completed,
                    "answered": s.answered,
                    "completed_title": s.completed_title,
                }
                for s in indicators.shares
            ],
            "denominator_year": indicators.denominator_year,
            "missing_denominators": list(indicators.missing_denominators),
            "forms": {
                code: [
                    f.meetings_held,
                    f.meetings_planned,
                    f.feedback_answered,
                    _ratio_json(f.satisfied_mentees),
                    _ratio_json(f.satisfied_mentors),
                ]
                for code, f in indicators.forms.items()
            },
            "target_year": indicators.target_year,
            "mentors_age_unknown": indicators.mentors_age_unknown,
            "mentors_age_ambiguous": indicators.mentors_age_ambiguous,
        },
        ensure_ascii=False,
    )


def indicators_from_json(text: str, period: Period, as_of: datetime) -> Indicators:
    data = json.loads(text)
    held, planned, answered, expected = data["meetings"]
    return Indicators(
        organization_ids=tuple(data["organization_ids"]),
        stages={form: StageCounts(*counts) for form, counts in data["stages"]},
        meetings_held=held,
        meetings_planned=planned,
        feedback_answered=answered,
        feedback_expected=expected,
        shares=[Share(**share) for share in data["shares"]],
        denominator_year=data["denominator_year"],
        missing_denominators=tuple(data["missing_denominators"]),
        forms={
            code: FormFigures(h, p, a, _ratio_of(mentees), _ratio_of(mentors))
            for code, (h, p, a, mentees, mentors) in data["forms"].items()
        },
        period=period,
        target_year=data["target_year"],
        mentors_age_unknown=data["mentors_age_unknown"],
        mentors_age_ambiguous=data["mentors_age_ambiguous"],
        as_of=as_of,
    )
