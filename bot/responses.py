"""Filling in the short repeated forms: after meetings, before and after the programme, at the
end of a cycle. One response per form, person and subject; every answer is stored as it
arrives, so a form left half-way goes on from the same question, also after a restart.

Unlike the main questionnaire there is no summary to confirm: the response is completed, in
the same statement as its last answer, when the last visible question is answered or skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.answering import AnsweringService
from bot.clock import Clock
from bot.models.responses import Response
from dialogs.answers import AnswerError
from dialogs.model import Option, Question, QuestionKind, Questionnaire
from dialogs.navigation import (
    next_question_key,
    previous_question_key,
    question_position,
    visible_answers,
    visible_questions,
)
from dialogs.options import button_options
from dialogs.registry import get_form
from storage.repositories.responses import ResponseRepository

# Questions a typed message can answer (a scale takes a typed number, yes/no a typed "да").
TYPED_KINDS = frozenset(
    {
        QuestionKind.SHORT_TEXT,
        QuestionKind.LONG_TEXT,
        QuestionKind.NUMBER,
        QuestionKind.DATE,
        QuestionKind.BIRTH_YEAR,
        QuestionKind.SCALE,
        QuestionKind.YES_NO,
    }
)

_LARGEST_ID = 2**63 - 1

# These forms ask nothing that depends on age or earlier context.
_NO_CONTEXT: dict[str, str] = {}


class Outdated(Exception):
    """An answer to a question that is not the current one (or to a finished/unknown form)."""


class FormRefused(Exception):
    """The form cannot be opened: the participant is gone (withdrew) or the form is unknown."""


@dataclass(frozen=True)
class FormStep:
    """What to show now: a question, or nothing when the response is completed."""

    response: Response
    questionnaire: Questionnaire
    question: Question | None
    options: list[Option] = field(default_factory=list)  # buttons of the current question
    number: int = 0
    total: int = 0
    # True only in the step returned by the answer that completed the response, so that the
    # thank-you and the completion hooks run once.
    just_completed: bool = False

    @property
    def completed(self) -> bool:
        return self.response.completed_at is not None

    @property
    def answers(self) -> dict[str, Any]:
        return self.response.answers

    @property
    def can_go_back(self) -> bool:
        if self.question is None:
            return False
        previous = previous_question_key(
            self.questionnaire, self.answers, _NO_CONTEXT, self.question.key
        )
        return previous is not None

    @property
    def accepts_typing(self) -> bool:
        return self.question is not None and self.question.kind in TYPED_KINDS


class ResponseService(AnsweringService[FormStep]):
    def __init__(self, repository: ResponseRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock

    # -- opening and reading --------------------------------------------------------------
    async def open(
        self, form: str, participant_id: int, subject: str, *, meeting_id: int | None = None
    ) -> FormStep:
        """The response to ``form`` about ``subject``, created when there is none; an existing
        one goes on where it stopped (or is returned completed). ``FormRefused`` for an unknown
        form or a participant who is no longer in the programme."""
        try:
            questionnaire = get_form(form)
        except KeyError:
            raise FormRefused(f"unknown form {form!r}") from None
        first = next_question_key(questionnaire, {}, _NO_CONTEXT, None)
        response = await self._repository.open(
            form=form,
            participant_id=participant_id,
            subject=subject,
            meeting_id=meeting_id,
            position=first,
            now=self._clock.now(),
        )
        if response is None:
            raise FormRefused(f"participant {participant_id} is not in the programme")
        return await self._step_of(response)

    async def step(self, response_id: int) -> FormStep:
        """The current step; ``Outdated`` when there is no such response (any more)."""
        # Ids come from button data typed by the client: one SQLite cannot hold is no id.
        if not 0 < response_id <= _LARGEST_ID:
            raise Outdated(f"no response {response_id}")
        response = await self._repository.get(response_id)
        if response is None:
            raise Outdated(f"no response {response_id}")
        return await self._step_of(response)

    async def _step_of(self, response: Response) -> FormStep:
        try:
            questionnaire = get_form(response.form)
        except KeyError:  # a form retired from the code: nothing can be asked any more
            raise Outdated(f"unknown form {response.form!r}") from None
        if response.completed_at is not None:
            return FormStep(response, questionnaire, None)
        answers = response.answers
        visible = {q.key for q in visible_questions(questionnaire, answers, _NO_CONTEXT)}
        # The stored position is the current question, answered already after "back".
        key = response.position
        if key not in visible:
            key = next_question_key(questionnaire, answers, _NO_CONTEXT, None)
        if key is None:
            # Every question has an entry (a definition lost a question meanwhile): done.
            await self._repository.complete(response.id, self._clock.now())
            refreshed = await self._repository.get(response.id)
            assert refreshed is not None
            return FormStep(refreshed, questionnaire, None)
        question = questionnaire.question(key)
        number, total = question_position(questionnaire, answers, _NO_CONTEXT, key)
        return FormStep(response, questionnaire, question, button_options(question), number, total)

    async def get(self, form: str, participant_id: int, subject: str) -> Response | None:
        """The response (open or completed), or None when the form was never opened."""
        return await self._repository.find(form, participant_id, subject)

    async def completed(self, form: str, subject: str) -> list[Response]:
        return await self._repository.completed_of_form(form, subject)

    async def of_subject(self, subject: str) -> list[Response]:
        return await self._repository.of_subject(subject)

    async def answers_of(
        self, form: str, participant_id: int, subject: str
    ) -> dict[str, Any] | None:
        """The answers of a completed response; None while it is open or absent."""
        response = await self._repository.find(form, participant_id, subject)
        if response is None or response.completed_at is None:
            return None
        return response.answers

    async def pending_of(self, participant_id: int) -> list[Response]:
        return await self._repository.pending_of(participant_id)

    async def typing_target(self, telegram_id: int) -> FormStep | None:
        """Where a typed message of this person goes: their most recently touched open
        response, when its current question can be answered by typing."""
        for response in await self._repository.pending_of_telegram_user(telegram_id):
            try:
                step = await self._step_of(response)
            except Outdated:
                continue
            return step if step.accepts_typing else None
        return None

    async def cycle_of(self, participant_id: int) -> int | None:
        return await self._repository.cycle_of(participant_id)

    # -- answering (the kinds of answer come from AnsweringService) ---------------------
    def _outdated(self, key: str) -> Exception:
        return Outdated(key)

    async def _store(self, step: FormStep, key: str, value: Any) -> FormStep:
        response = step.response
        if not await self._repository.participant_exists(response.participant_id):
            raise FormRefused(f"participant {response.participant_id} is gone")
        answers = {**response.answers, key: value}
        following = next_question_key(step.questionnaire, answers, _NO_CONTEXT, key)
        completed = following is None
        saved = await self._repository.save_answer(
            response.id,
            expected_position=response.position,
            answers=visible_answers(step.questionnaire, answers, _NO_CONTEXT),
            position=following,
            completed=completed,
            now=self._clock.now(),
        )
        if not saved:  # answered meanwhile (a double press), or completed
            raise Outdated(key)
        after = await self.step(response.id)
        if completed:
            return FormStep(after.response, after.questionnaire, None, just_completed=True)
        return after

    async def back(self, response_id: int, key: str) -> FormStep | AnswerError:
        """Return to the previous question; on the first one nothing changes."""
        step = await self.step(response_id)
        current = self._current(step, key)
        previous = previous_question_key(step.questionnaire, step.answers, _NO_CONTEXT, current.key)
        if previous is None:
            return step
        moved = await self._repository.set_position(
            response_id,
            expected_position=step.response.position,
            position=previous,
            now=self._clock.now(),
        )
        if not moved:
            raise Outdated(key)
        return await self.step(response_id)
