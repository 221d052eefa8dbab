"""What the indicators are: the shares with their counts and targets, the figures per form and
the whole of one organization's (or a summary's) indicators, as the service returns them and the
views and the workbook show them. How they are counted: :mod:`bot.reports.indicators`."""

from __future__ import annotations

from dataclasses import dataclass, field

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

SHARE_TITLES: dict[str, str] = {
    "mentees_10_19": N_("Children aged 10–19 who took part as mentees"),
    "mentors_15_19": N_("Young people aged 15–19 who took part as mentors"),
    "young_teachers": N_("Young teachers (0–3 years) who took part as mentees"),
    "enterprises": N_("Enterprises that provided mentors"),
    "satisfied_mentees": N_("Satisfied mentees"),
    "satisfied_mentors": N_("Satisfied mentors"),
}


@dataclass(frozen=True)
class Share:
    key: str
    title: str  # msgid (translate when shown)
    count: int  # numerator
    total: int | None  # denominator (None when the curator has not entered it)
    target: float  # 0..1

    @property
    def share(self) -> float | None:
        if self.total is None or self.total <= 0:
            return None
        return self.count / self.total


@dataclass(frozen=True)
class Ratio:
    """A share with the counts behind it."""

    count: int
    total: int

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total > 0 else None


@dataclass(frozen=True)
class FormFigures:
    """Meetings, feedback and satisfaction of the pairs of one form (see the notes of
    :mod:`bot.reports.indicators`)."""

    meetings_held: int
    meetings_planned: int
    feedback_answered: int
    satisfied_mentees: Ratio  # satisfied of those who rated the final poll
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


NO_FIGURES = FormFigures(0, 0, 0, Ratio(0, 0), Ratio(0, 0))


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

    def form(self, code: str) -> FormFigures:
        return self.forms.get(code, NO_FIGURES)

    def share(self, key: str) -> Share:
        return next(s for s in self.shares if s.key == key)
