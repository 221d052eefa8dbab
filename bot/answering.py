"""Answering one question of a form, shared by the main questionnaire and the repeated forms.

Both keep a current question per person (or per response) and take the same kinds of answer:
a typed text, a pressed choice, a finished multi-choice selection, the typed text of "other",
a skip. Checking the answer is the same pure code from ``dialogs.answers``; what differs is how
the current step is read, how an accepted value is stored and which error an outdated button
raises, so a service supplies those three and inherits the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, Generic, Protocol, TypeVar

from bot.clock import Clock
from dialogs.answers import (
    AnswerError,
    ParsedAnswer,
    check_choice,
    check_choices,
    parse_other,
    parse_text,
    skip_answer,
    toggle_choice,
)
from dialogs.model import Option, Question


class AnswerStep(Protocol):
    """What a step has to offer for answering: its current question, buttons and answers."""

    @property
    def question(self) -> Question | None: ...

    @property
    def options(self) -> list[Option]: ...

    @property
    def answers(self) -> Mapping[str, Any]: ...


StepT = TypeVar("StepT", bound=AnswerStep)


class AnsweringService(ABC, Generic[StepT]):
    """The answering methods over ``step``/``_store``; ``owner_id`` is whatever ``step`` reads
    (a participant id or a response id)."""

    _clock: Clock

    @abstractmethod
    async def step(self, owner_id: int) -> StepT: ...

    @abstractmethod
    async def _store(self, step: StepT, key: str, value: Any) -> StepT:
        """Save an accepted value of the current question; the step after it."""

    @abstractmethod
    def _outdated(self, key: str) -> Exception:
        """The error for a button or message aimed at a question that is not the current one."""

    def _current(self, step: StepT, key: str) -> Question:
        if step.question is None or step.question.key != key:
            raise self._outdated(key)
        return step.question

    def _check_text(
        self, step: StepT, question: Question, result: ParsedAnswer | AnswerError
    ) -> ParsedAnswer | AnswerError:
        """A further check of a parsed typed answer; none unless a service adds one."""
        return result

    async def _accept(
        self, step: StepT, key: str, result: ParsedAnswer | AnswerError
    ) -> StepT | AnswerError:
        if isinstance(result, AnswerError):
            return result
        return await self._store(step, key, result.value)

    async def answer_text(
        self, owner_id: int, key: str, text: str, step: StepT | None = None
    ) -> StepT | AnswerError:
        """``step``: the current step when the caller has just read it (saves reading again)."""
        step = step if step is not None else await self.step(owner_id)
        question = self._current(step, key)
        result = parse_text(question, text, today=self._clock.now().date(), answers=step.answers)
        return await self._accept(step, key, self._check_text(step, question, result))

    async def answer_choice(
        self,
        owner_id: int,
        key: str,
        value: str,
        other: str | None = None,
        step: StepT | None = None,
    ) -> StepT | AnswerError:
        step = step if step is not None else await self.step(owner_id)
        question = self._current(step, key)
        return await self._accept(
            step, key, check_choice(question, value, step.options, other=other)
        )

    async def answer_choices(
        self,
        owner_id: int,
        key: str,
        values: list[str],
        other: str | None = None,
        step: StepT | None = None,
    ) -> StepT | AnswerError:
        step = step if step is not None else await self.step(owner_id)
        question = self._current(step, key)
        return await self._accept(
            step, key, check_choices(question, values, step.options, other=other)
        )

    def toggle(
        self, step: StepT, key: str, selected: list[str], value: str
    ) -> list[str] | AnswerError:
        """The selection of a multi-choice question after pressing ``value`` (not stored)."""
        return toggle_choice(self._current(step, key), selected, value, step.options)

    async def check_other(
        self, owner_id: int, key: str, text: str, step: StepT | None = None
    ) -> str | AnswerError:
        step = step if step is not None else await self.step(owner_id)
        result = parse_other(self._current(step, key), text)
        if isinstance(result, AnswerError):
            return result
        assert isinstance(result.value, str)
        return result.value

    async def skip(self, owner_id: int, key: str, step: StepT | None = None) -> StepT | AnswerError:
        step = step if step is not None else await self.step(owner_id)
        return await self._accept(step, key, skip_answer(self._current(step, key)))
