"""Filling in a questionnaire: one question at a time, every answer stored as it arrives.

The position lives in the database (``participants.current_question``), so a person can stop,
come back days later or after a restart, and go on from the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from bot.answering import AnsweringService
from bot.clock import Clock
from bot.models.organizations import OrganizationForm
from bot.models.participants import Participant
from bot.organizations import OrganizationService, ordered_forms
from bot.participants import AgeGroup, may_answer
from dialogs.ages import age_in_years
from dialogs.answers import AnswerError, ParsedAnswer
from dialogs.forms import FORM_TITLES, FederalForm, ParticipantKind, chosen_forms
from dialogs.i18n import N_
from dialogs.mentee import mentee_questionnaire
from dialogs.mentor import mentor_questionnaire
from dialogs.model import AGE_GROUP, Option, Question, Questionnaire
from dialogs.navigation import (
    answer_context,
    is_complete,
    most_questions,
    next_question_key,
    previous_question_key,
    question_position,
    selected_values,
    visible_answers,
    visible_questions,
)
from dialogs.options import button_options
from dialogs.registry import get_questionnaire
from storage.repositories.answers import AnswerCleanup, QuestionnaireState, QuestionnaireStates
from storage.repositories.participants import ParticipantRepository

_NOT_STUDENTS = frozenset({"pupil", "teacher", "young_teacher", "employee"})

MSG_ADULT_BIRTH_DATE = N_(
    "You said you are 18 or older, but this date gives {age}. Please check the date."
)


@dataclass(frozen=True)
class Step:
    """What to show now: a question, or the summary when ``question`` is None."""

    participant: Participant
    questionnaire: Questionnaire
    question: Question | None
    answers: dict[str, Any]
    context: dict[str, str]
    forms: list[Option] = field(default_factory=list)  # the organization's forms
    options: list[Option] = field(default_factory=list)  # buttons of the current question
    number: int = 0
    total: int = 0
    consents: frozenset[str] = frozenset()  # kinds of consent given, as read with the step
    # Who the mentees of each of the organization's forms are (by code): the questions a
    # mentor in several forms, or a student mentee, is asked depend on it.
    mentee_kinds: dict[str, ParticipantKind] = field(default_factory=dict)

    def options_of(self, question: Question) -> list[Option] | None:
        """Options for showing an answer: the forms for a form question, else its own."""
        return self.forms if question.options_source == "forms" else None

    @property
    def complete(self) -> bool:
        return is_complete(self.questionnaire, self.answers, self.context)

    @property
    def can_go_back(self) -> bool:
        current = self.question.key if self.question else None
        return (
            previous_question_key(self.questionnaire, self.answers, self.context, current)
            is not None
        )

    def visible(self) -> list[Question]:
        return visible_questions(self.questionnaire, self.answers, self.context)


class Outdated(Exception):
    """A button for a question that is no longer the current one."""


class QuestionnaireService(AnsweringService[Step]):
    def __init__(
        self,
        repository: ParticipantRepository,
        cleanup: AnswerCleanup,
        organizations: OrganizationService,
        clock: Clock,
        states: QuestionnaireStates,
    ) -> None:
        self._repository = repository
        self._cleanup = cleanup
        self._organizations = organizations
        self._clock = clock
        self._states = states

    @staticmethod
    def questionnaire_of(participant: Participant) -> Questionnaire:
        return get_questionnaire(participant.role)

    @staticmethod
    def _mentee_kinds(forms: list[OrganizationForm]) -> dict[str, ParticipantKind]:
        return {form.code: form.mentee_kind for form in forms}

    def questionnaire_for(
        self,
        participant: Participant,
        answers: dict[str, Any],
        mentee_kinds: dict[str, ParticipantKind],
    ) -> Questionnaire:
        """The questionnaire as this person is asked it: a mentor in several forms answers
        the per-form questions for each (dialogs/mentor.py); a mentee who is a student, or
        chose a form whose mentees are students, gets the college questions
        (dialogs/mentee.py)."""
        codes = chosen_forms(answers.get("form"))
        if participant.role == "mentor":
            return mentor_questionnaire(
                tuple((code, mentee_kinds.get(code, ParticipantKind.PUPIL)) for code in codes)
            )
        # The person's own "who are you" first; the form's mentees when it says nothing.
        category = selected_values(answers.get("category"))
        if category & _NOT_STUDENTS:
            student = False
        else:
            student = "student" in category or any(
                mentee_kinds.get(code) is ParticipantKind.STUDENT for code in codes
            )
        return mentee_questionnaire(student=student)

    @staticmethod
    def _forms(forms: list[OrganizationForm]) -> list[Option]:
        options = []
        for form in ordered_forms(form for form in forms if form.enabled):
            # Own forms carry the title the curator typed; federal ones a msgid.
            label = form.title or FORM_TITLES.get(FederalForm(form.code), form.code)
            options.append(Option(value=form.code, label=label))
        return options

    def _context(self, participant: Participant, answers: dict[str, Any]) -> dict[str, str]:
        return answer_context(
            self.questionnaire_of(participant),
            answers,
            today=self._clock.now().date(),
            base={AGE_GROUP: participant.age_group},
        )

    async def may_start(self, participant: Participant) -> bool:
        return may_answer(participant, await self._repository.consents_of(participant.id))

    async def start(self, participant: Participant) -> Step:
        """Open (or reopen) the questionnaire; a known date of birth is filled in at once."""
        state = await self._states.read(participant.id)
        assert state is not None
        return await self._open(state)

    async def open(self, participant: Participant) -> Step | None:
        """:meth:`start` when :meth:`may_start` allows it (one read for both), else None."""
        state = await self._states.read(participant.id)
        if state is None or self._consent_needed(state.participant) not in state.consents:
            return None
        return await self._open(state)

    async def _open(self, state: QuestionnaireState) -> Step:
        participant = state.participant
        questionnaire = self.questionnaire_of(participant)
        answers = state.answers
        birth = next((q for q in questionnaire.questions if q.is_birth_date), None)
        if birth and participant.birth_date and birth.key not in answers:
            value = participant.birth_date.isoformat()
            await self._repository.save_answer(
                participant.id, birth.key, value, participant.current_question, self._clock.now()
            )
            answers = {**answers, birth.key: value}
        step = self._step(
            participant,
            answers,
            self._forms(state.forms),
            state.consents,
            self._mentee_kinds(state.forms),
        )
        if step.question is not None and participant.current_question != step.question.key:
            # The position is kept in the database from the first question on.
            await self._repository.set_current_question(participant.id, step.question.key)
            moved = replace(participant, current_question=step.question.key)
            step = replace(step, participant=moved)
        return step

    @staticmethod
    def _consent_needed(participant: Participant) -> str:
        """The consent the questionnaire opens with (as :func:`bot.participants.may_answer`)."""
        return "representative" if participant.age_group == AgeGroup.CHILD else "self"

    async def step(self, participant_id: int) -> Step:
        """The current step, read in one statement (see :class:`QuestionnaireStates`)."""
        state = await self._states.read(participant_id)
        assert state is not None
        return self._step(
            state.participant,
            state.answers,
            self._forms(state.forms),
            state.consents,
            self._mentee_kinds(state.forms),
        )

    def _step(
        self,
        participant: Participant,
        answers: dict[str, Any],
        forms: list[Option],
        consents: frozenset[str],
        mentee_kinds: dict[str, ParticipantKind],
    ) -> Step:
        questionnaire = self.questionnaire_for(participant, answers, mentee_kinds)
        context = self._context(participant, answers)
        visible = {q.key for q in visible_questions(questionnaire, answers, context)}
        key = participant.current_question
        if key not in visible:
            key = next_question_key(questionnaire, answers, context, None)
        if key is None:
            return Step(
                participant,
                questionnaire,
                None,
                answers,
                context,
                forms,
                consents=consents,
                mentee_kinds=mentee_kinds,
            )
        question = questionnaire.question(key)
        options = button_options(question, forms)
        prefilled = self._prefilled(participant, questionnaire)
        number, total = question_position(questionnaire, answers, context, key, prefilled)
        # «Вопрос N из M» never grows: M is the most of any questionnaire this person may end
        # up with (a mentor choosing every form, a mentee as a pupil or as a student).
        widest = max(
            most_questions(variant, context, prefilled)
            for variant in self._variants(participant, forms, mentee_kinds)
        )
        total = max(total, widest)
        return Step(
            participant,
            questionnaire,
            question,
            answers,
            context,
            forms,
            options,
            number,
            total,
            consents,
            mentee_kinds,
        )

    @staticmethod
    def _variants(
        participant: Participant, forms: list[Option], mentee_kinds: dict[str, ParticipantKind]
    ) -> tuple[Questionnaire, ...]:
        """Every questionnaire this person may be asked, whatever they answer."""
        if participant.role == "mentor":
            every = tuple(
                (form.value, mentee_kinds.get(form.value, ParticipantKind.PUPIL)) for form in forms
            )
            return (mentor_questionnaire(()), mentor_questionnaire(every))
        return (mentee_questionnaire(student=False), mentee_questionnaire(student=True))

    @staticmethod
    def _prefilled(participant: Participant, questionnaire: Questionnaire) -> set[str]:
        """Questions the bot answers itself: a minor's date of birth, given when joining."""
        if participant.birth_date is None:
            return set()
        return {q.key for q in questionnaire.questions if q.is_birth_date}

    def _outdated(self, key: str) -> Exception:
        return Outdated(key)

    async def _store(self, step: Step, key: str, value: Any) -> Step:
        """Store the answer and move on in one transaction; the next step is worked out from
        what ``step`` read, without reading again."""
        participant = step.participant
        if self._consent_needed(participant) not in step.consents:
            # The handlers never offer questions before consent; the database refuses too.
            raise PermissionError("an answer needs a valid consent")
        answers = {**step.answers, key: value}
        context = self._context(participant, answers)
        # The answer may change the questions (a mentor's forms, a mentee's category).
        questionnaire = self.questionnaire_for(participant, answers, step.mentee_kinds)
        following = next_question_key(questionnaire, answers, context, key)
        await self._repository.save_answer(participant.id, key, value, following, self._clock.now())
        keep = visible_answers(questionnaire, answers, context)
        if set(keep) != set(answers):
            await self._cleanup.keep_only(participant.id, list(keep))
            answers = {k: v for k, v in answers.items() if k in keep}
        moved = replace(participant, current_question=following)
        return self._step(moved, answers, step.forms, step.consents, step.mentee_kinds)

    def _check_text(
        self, step: Step, question: Question, result: ParsedAnswer | AnswerError
    ) -> ParsedAnswer | AnswerError:
        """An adult's date of birth must give 18 or more."""
        if (
            isinstance(result, ParsedAnswer)
            and question.is_birth_date
            and step.participant.age_group == "adult"
            and isinstance(result.value, str)
        ):
            age = age_in_years(date.fromisoformat(result.value), self._clock.now().date())
            if age < 18:
                return AnswerError(MSG_ADULT_BIRTH_DATE, {"age": age})
        return result

    async def back(self, participant_id: int, key: str | None) -> Step:
        """Return to the previous question (from the summary, to the last one)."""
        step = await self.step(participant_id)
        current = step.question.key if step.question else None
        if current != key:
            raise Outdated(str(key))
        previous = previous_question_key(step.questionnaire, step.answers, step.context, current)
        if previous is not None:
            await self._repository.set_current_question(participant_id, previous)
        return await self.step(participant_id)

    async def edit(self, participant_id: int, key: str) -> Step:
        """Ask one answered question again (from the summary or the profile); a retired
        question is never asked again."""
        step = await self.step(participant_id)
        if key not in {q.key for q in step.visible() if not q.retired}:
            raise Outdated(key)
        await self._repository.set_current_question(participant_id, key)
        return await self.step(participant_id)

    async def finish_editing(self, participant_id: int) -> Step:
        """Leave a question being changed without answering it: back to the summary."""
        step = await self.step(participant_id)
        if step.question is not None and step.question.key in step.answers:
            await self._repository.set_current_question(participant_id, None)
        return await self.step(participant_id)

    async def confirm(self, participant_id: int) -> bool:
        step = await self.step(participant_id)
        if step.question is not None or not step.complete:
            return False
        await self._repository.confirm(participant_id, self._clock.now())
        return True
