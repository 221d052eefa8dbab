"""Monitoring of influence: averages before and after the programme, per parameter and form.

Only participants who completed the same monitoring form both before and after count, and for
each parameter only those who gave a number both times. Which cycles a report covers depends on
its period:

* the current cycle (the default): the latest cycle in which someone of the organization
  answered "after" (during closing that is the current cycle; once it is closed, the report
  still shows it until the next cycle has results);
* a chosen cycle: that cycle;
* a dated period (a school year, a calendar year, a range): every cycle whose "after" someone
  of the organization completed on a day of the period, each with all its before/after pairs of
  answers (a cycle's monitoring is one measurement, not cut by dates); a person measured in two
  such cycles counts once per cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.models.periods import Period
from bot.models.reports import MonitoringAnswers
from storage.repositories.reports import ReportRepository


@dataclass(frozen=True)
class MonitoringRow:
    form: str | None  # program form code (None = all)
    questionnaire: str  # 'monitoring_pupil' ...
    parameter: str  # question key
    label: str  # msgid
    answered_both: int  # only participants who answered before AND after count
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


# questionnaire key -> [(parameter key, label msgid)] in the order a report shows them
Parameters = Mapping[str, Sequence[tuple[str, str]]]


def default_parameters() -> dict[str, list[tuple[str, str]]]:
    from dialogs.monitoring import MONITORING_FORMS, MONITORING_PARAMETERS

    found: dict[str, list[tuple[str, str]]] = {}
    for key, numeric in MONITORING_PARAMETERS.items():
        labels = {q.key: q.label or q.key for q in MONITORING_FORMS[key].questions}
        found[key] = [(parameter, labels.get(parameter, parameter)) for parameter in numeric]
    return found


def _number(value: Any) -> float | None:
    # bool is an int in Python, but a yes/no is no point on a scale.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize(answers: Sequence[MonitoringAnswers], parameters: Parameters) -> list[MonitoringRow]:
    """Rows for all forms together first, then per form (forms in code order)."""
    forms = sorted({a.program_form for a in answers if a.program_form is not None})
    rows: list[MonitoringRow] = []
    for form in [None, *forms]:
        for questionnaire, params in parameters.items():
            chosen = [
                a for a in answers
                if a.questionnaire == questionnaire and (form is None or a.program_form == form)
            ]  # fmt: skip
            if form is not None and not chosen:
                continue
            for key, label in params:
                pairs = [
                    (b, f)
                    for b, f in ((_number(a.before.get(key)), _number(a.after.get(key)))
                                 for a in chosen)
                    if b is not None and f is not None
                ]  # fmt: skip
                rows.append(
                    MonitoringRow(
                        form=form,
                        questionnaire=questionnaire,
                        parameter=key,
                        label=label,
                        answered_both=len(pairs),
                        before=_mean([b for b, _ in pairs]),
                        after=_mean([f for _, f in pairs]),
                    )
                )
    return rows


class MonitoringReportService:
    def __init__(self, reports: ReportRepository, parameters: Parameters | None = None) -> None:
        self._reports = reports
        self._parameters = parameters

    @property
    def parameters(self) -> Parameters:
        if self._parameters is None:
            self._parameters = default_parameters()
        return self._parameters

    async def rows(
        self, organization_id: int, period: Period = Period.current_cycle()
    ) -> list[MonitoringRow]:
        """The monitoring report of the period (see :meth:`_rows_now`), read in one snapshot."""
        async with self._reports.snapshot():
            return await self._rows_now(organization_id, period)

    async def _rows_now(
        self, organization_id: int, period: Period = Period.current_cycle()
    ) -> list[MonitoringRow]:
        """The report of the period's cycles (see the module's notes); an empty list when
        nobody has answered both times yet."""
        answers: list[MonitoringAnswers] = []
        for cycle in await self._reports.monitoring_cycles(organization_id, period):
            answers.extend(await self._reports.monitoring(organization_id, cycle))
        if not answers:
            return []
        return summarize(answers, self.parameters)
