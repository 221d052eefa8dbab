"""What people said, where the curator can read it: the free answers of the final polls (most
useful, what to improve, what was hardest, the support that was lacking, with the mentee's
"goal reached") and of the compatibility form after the trial meeting ("anything the curator
should know", with "comfortable to work together"), for a period or one pair; and, for the
workbook, the figures of each mentor in the same period. The material of the analytic note
(аналитическая справка).

Which pairs a period holds is decided in :mod:`storage.repositories.period_sql`: the final
polls of the pairs completed in the period, the compatibility answers of the pairs of the
period. A period is always checked against the organization: another school's cycle gives
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.models.periods import Period
from bot.models.voices import (
    PeriodScope,
    Voice,
    VoiceBook,
    VoicePage,
    VoiceRecord,
)
from dialogs.compatibility import COMPATIBILITY
from dialogs.final_poll import FINAL_MENTEE, FINAL_MENTOR
from dialogs.model import QuestionKind, Questionnaire
from dialogs.navigation import selected_values
from storage.repositories.cycles import CycleRepository
from storage.repositories.organizations import OrganizationRepository
from storage.repositories.voices import VoiceRepository

# The forms whose free answers are shown, and the one choice shown beside them.
VOICE_FORMS: dict[str, Questionnaire] = {
    form.key: form for form in (FINAL_MENTEE, FINAL_MENTOR, COMPATIBILITY)
}
FREE_TEXT_KEYS: dict[str, tuple[str, ...]] = {
    key: tuple(q.key for q in form.questions if q.kind is QuestionKind.LONG_TEXT)
    for key, form in VOICE_FORMS.items()
}
CHOICE_KEYS: dict[str, str] = {FINAL_MENTEE.key: "goal_reached", COMPATIBILITY.key: "comfortable"}

# Answers on a page of the chat list: several long answers still fit one message.
PAGE_SIZE = 3


def voice_of(record: VoiceRecord) -> Voice:
    """The free texts (in the form's order) and the shown choice of a response."""
    return Voice(
        response_id=record.response_id,
        form=record.form,
        participant_id=record.participant_id,
        role=record.role,
        full_name=record.full_name,
        pairs=record.pairs,
        answered_at=record.completed_at,
        texts=free_texts(record.form, record.answers),
        choice=shown_choice(record.form, record.answers),
    )


def free_texts(form: str, answers: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for key in FREE_TEXT_KEYS.get(form, ()):
        value = answers.get(key)
        if isinstance(value, str) and value.strip():
            found.append((key, value.strip()))
    return tuple(found)


def shown_choice(form: str, answers: Mapping[str, object]) -> tuple[str, str] | None:
    key = CHOICE_KEYS.get(form)
    if key is None:
        return None
    value = answers.get(key)
    chosen = {value} if isinstance(value, str) else selected_values(value)
    return (key, sorted(chosen)[0]) if chosen else None


class VoiceService:
    def __init__(
        self,
        repository: VoiceRepository,
        cycles: CycleRepository,
        organizations: OrganizationRepository,
    ) -> None:
        self._repository = repository
        # The cycle a period names, and the figures of each mentor (the ranking's query).
        self._cycles = cycles
        self._organizations = organizations

    async def scope(self, organization_id: int, period: Period | None = None) -> PeriodScope | None:
        """The period (default: the current cycle) checked against the organization: None
        when there is no such organization or the cycle is another organization's."""
        period = period or Period.current_cycle()
        organization = await self._organizations.get(organization_id)
        if organization is None:
            return None
        if period.cycle_id is not None:
            cycle = await self._cycles.get(period.cycle_id)
            if cycle is None or cycle.organization_id != organization_id:
                return None
        elif not period.dated:
            cycle = await self._cycles.open_cycle(organization_id)
        else:
            cycle = None
        return PeriodScope(organization_id, period, cycle, organization.timezone)

    async def page(
        self,
        organization_id: int,
        period: Period | None = None,
        page: int = 0,
        size: int = PAGE_SIZE,
    ) -> VoicePage | None:
        """One page of the period's answers (see :meth:`_page_now`), read in one snapshot."""
        async with self._repository.snapshot():
            return await self._page_now(organization_id, period, page, size)

    async def _page_now(
        self,
        organization_id: int,
        period: Period | None = None,
        page: int = 0,
        size: int = PAGE_SIZE,
    ) -> VoicePage | None:
        """One page of the period's answers, the earliest first (a page past the end shows the
        last one), with the mentees' "goal reached" of the whole period."""
        scope = await self.scope(organization_id, period)
        if scope is None:
            return None
        total = await self._repository.count(organization_id, scope.period)
        pages = max(1, (total + size - 1) // size)
        page = min(max(page, 0), pages - 1)
        records = await self._repository.of_period(
            organization_id, scope.period, limit=size, offset=page * size
        )
        goals = await self._repository.goals(organization_id, scope.period)
        return VoicePage(scope, [voice_of(r) for r in records], total, page, pages, goals)

    async def of_pair(self, organization_id: int, pair_id: int) -> list[Voice]:
        """Both sides' final polls and compatibility answers of one pair of the organization
        (nothing for another organization's pair)."""
        return [voice_of(r) for r in await self._repository.of_pair(organization_id, pair_id)]

    async def book(self, organization_id: int, period: Period | None = None) -> VoiceBook | None:
        """The two sheets' data (see :meth:`_book_now`), read in one snapshot."""
        async with self._repository.snapshot():
            return await self._book_now(organization_id, period)

    async def _book_now(
        self, organization_id: int, period: Period | None = None
    ) -> VoiceBook | None:
        """Everything the two sheets of the workbook show for the period; mentors by name."""
        scope = await self.scope(organization_id, period)
        if scope is None:
            return None
        records = await self._repository.of_period(organization_id, scope.period)
        mentors = await self._cycles.mentor_figures(organization_id, scope.period)
        mentors.sort(key=lambda m: ((m.full_name or "").casefold(), m.mentor_id))
        return VoiceBook(scope, [voice_of(r) for r in records], mentors)
