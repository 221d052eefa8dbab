"""Unit tests of the matching engine: profiles, constraints, scores, explanations, reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from bot.matching import profiles
from bot.matching.assignment import assign
from bot.matching.constraints import Violation, blocking_reasons, violations
from bot.matching.engine import propose
from bot.matching.profiles import Candidate, candidate_from_answers
from bot.matching.scoring import PartKind, Preferences, Score, Weights, score
from dialogs.answers import ParsedAnswer, check_choice, check_choices, parse_text
from dialogs.forms import FORM_TITLES
from dialogs.mentee import MENTEE
from dialogs.mentor import MENTOR
from dialogs.model import Option, Questionnaire

TODAY = date(2025, 9, 15)
FORMS = [Option(value=form.value, label=title) for form, title in FORM_TITLES.items()]
NOBODY = Preferences.empty()
W = Weights()


def mentee(pid: int = 1, **changes: Any) -> Candidate:
    base = Candidate(
        participant_id=pid,
        telegram_id=1000 + pid,
        organization_id=1,
        role="mentee",
        form="student_pupil",
        age=13,
    )
    return replace(base, **changes)


def mentor(pid: int = 101, **changes: Any) -> Candidate:
    base = Candidate(
        participant_id=pid,
        telegram_id=1000 + pid,
        organization_id=1,
        role="mentor",
        form="student_pupil",
        age=19,
        age_min=11,
        age_max=15,
        capacity=1,
    )
    return replace(base, **changes)


# --- profiles from real answers ---------------------------------------------------------------


class Answers:
    """Answers built with the questionnaire's own checks, so they have the stored shapes."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.values: dict[str, object] = {}

    def _keep(self, key: str, parsed: object) -> Answers:
        assert isinstance(parsed, ParsedAnswer), parsed
        self.values[key] = parsed.value
        return self

    def text(self, key: str, text: str) -> Answers:
        question = self.questionnaire.question(key)
        return self._keep(key, parse_text(question, text, today=TODAY, answers=self.values))

    def choice(self, key: str, value: str, other: str | None = None) -> Answers:
        question = self.questionnaire.question(key)
        options = FORMS if question.options_source == "forms" else None
        return self._keep(key, check_choice(question, value, options, other=other))

    def choices(self, key: str, *values: str, other: str | None = None) -> Answers:
        question = self.questionnaire.question(key)
        options = FORMS if question.options_source == "forms" else None
        return self._keep(key, check_choices(question, list(values), options, other=other))


def mentor_answers() -> Answers:
    return (
        Answers(MENTOR)
        .text("full_name", "Иванова Мария Петровна")
        .text("workplace_org", "Колледж")
        .text("workplace_position", "3 курс")
        .choices("competencies", "exams", "career_choice", "other", other="Робототехника")
        .choices("interests", "chess", "music", "other", other="Вязание")
        .text("mentee_age_from", "12")
        .text("mentee_age_to", "15")
        .text("capacity", "3")
        .choice("time_resource", "hours_2")
        .choices("days", "mon", "wed")
        .choices("times", "after_lessons", "evening")
        .choice("meeting_format", "either")
        .choices("form", "student_pupil")
    )


def mentee_answers() -> Answers:
    return (
        Answers(MENTEE)
        .text("full_name", "Петров Пётр")
        .text("birth_date", "16.09.2012")
        .choice("category", "pupil")
        .text("class_course", "7Б")
        .choices("request", "exams", "other", other="  РОБОТОТЕХНИКА ")
        .choices("interests", "chess")
        .choices("days", "mon", "tue")
        .choices("times", "evening")
        .choice("meeting_format", "online")
        .choice("form", "student_pupil")
    )


def test_the_keys_read_are_questions_of_the_questionnaires() -> None:
    both = ("full_name", "form", "interests", "days", "times", "meeting_format")
    mentor_keys = (*both, profiles.COMPETENCIES, profiles.MENTEE_AGE_FROM,
                   profiles.MENTEE_AGE_TO, profiles.CAPACITY)  # fmt: skip
    mentee_keys = (*both, profiles.REQUEST, profiles.BIRTH_DATE, profiles.CATEGORY)
    assert [MENTOR.question(key).key for key in mentor_keys] == list(mentor_keys)
    assert [MENTEE.question(key).key for key in mentee_keys] == list(mentee_keys)


def test_mentor_candidate_from_answers() -> None:
    built = candidate_from_answers(
        participant_id=7,
        telegram_id=70,
        organization_id=3,
        role="mentor",
        answers=mentor_answers().values,
        today=TODAY,
        taken=1,
        birth_date=date(2007, 1, 2),
    )
    assert built == Candidate(
        participant_id=7,
        telegram_id=70,
        organization_id=3,
        role="mentor",
        form="student_pupil",
        age=18,
        age_min=12,
        age_max=15,
        capacity=2,
        topics=frozenset({"exams", "career_choice"}),
        topic_other="Робототехника",
        interests=frozenset({"chess", "music"}),
        days=frozenset({"mon", "wed"}),
        times=frozenset({"after_lessons", "evening"}),
        meeting_format="either",
        category=None,
        full_name="Иванова Мария Петровна",
    )


def test_mentor_capacity_never_below_zero_and_adult_age_unknown() -> None:
    built = candidate_from_answers(
        participant_id=7,
        telegram_id=70,
        organization_id=3,
        role="mentor",
        answers=mentor_answers().values,
        today=TODAY,
        taken=5,
    )
    assert built.capacity == 0
    assert built.age is None


def test_mentee_candidate_from_answers() -> None:
    built = candidate_from_answers(
        participant_id=8,
        telegram_id=80,
        organization_id=3,
        role="mentee",
        answers=mentee_answers().values,
        today=TODAY,
    )
    assert built.age == 12  # the 13th birthday is tomorrow
    assert built.topics == {"exams"}
    assert built.topic_other == "РОБОТОТЕХНИКА"  # cleaned by the questionnaire, case kept
    assert built.category == "pupil"
    assert built.capacity == 1
    assert (built.age_min, built.age_max) == (None, None)
    assert built.form == "student_pupil"
    assert built.meeting_format == "online"


def test_missing_or_malformed_answers_read_as_unknown() -> None:
    built = candidate_from_answers(
        participant_id=8,
        telegram_id=80,
        organization_id=3,
        role="mentee",
        answers={"birth_date": "not a date", "request": ["exams"], "form": "pupil_pupil"},
        today=TODAY,
    )
    assert (built.age, built.topics, built.form, built.full_name) == (None, frozenset(), None, None)


# --- constraints ------------------------------------------------------------------------------


def test_an_allowed_pair_breaks_nothing() -> None:
    assert violations(mentee(), mentor(), set()) == []


@pytest.mark.parametrize(
    ("mentee_changes", "mentor_changes", "broken"),
    [
        ({}, {"organization_id": 2}, Violation.ORGANIZATION),
        ({}, {"form": "employer_pupil"}, Violation.FORM),
        ({"form": None}, {}, Violation.FORM),
        ({"age": 10}, {}, Violation.AGE),
        ({"age": 16}, {}, Violation.AGE),
        ({"age": None}, {}, Violation.AGE),
        ({}, {"capacity": 0}, Violation.NO_CAPACITY),
        ({"telegram_id": 5}, {"telegram_id": 5}, Violation.SAME_PERSON),
    ],
)
def test_each_constraint(
    mentee_changes: dict[str, Any], mentor_changes: dict[str, Any], broken: Violation
) -> None:
    assert violations(mentee(**mentee_changes), mentor(**mentor_changes), set()) == [broken]


def test_age_range_is_inclusive_and_optional() -> None:
    for age in (11, 15):
        assert violations(mentee(age=age), mentor(), set()) == []
    assert violations(mentee(age=40), mentor(age_min=None, age_max=None), set()) == []
    assert violations(mentee(age=None), mentor(age_min=None, age_max=None), set()) == []
    assert violations(mentee(age=9), mentor(age_min=None, age_max=12), set()) == []


def test_the_rejected_pair_in_its_own_direction() -> None:
    assert violations(mentee(1), mentor(101), {(1, 101)}) == [Violation.REJECTED]
    assert violations(mentee(1), mentor(101), {(101, 1), (1, 102)}) == []


def test_pupil_pupil_mentor_must_be_older() -> None:
    def broken(mentee_age: int | None, mentor_age: int | None) -> list[Violation]:
        return violations(
            mentee(form="pupil_pupil", age=mentee_age),
            mentor(form="pupil_pupil", age=mentor_age, age_min=None, age_max=None),
            set(),
        )

    assert broken(13, 15) == []
    assert broken(13, 13) == [Violation.NOT_OLDER]
    assert broken(14, 12) == [Violation.NOT_OLDER]
    assert broken(None, 15) == [Violation.NOT_OLDER]
    # No date of birth is kept for adults: an unknown mentor age is 18 or more.
    assert broken(17, None) == []
    assert broken(18, None) == [Violation.NOT_OLDER]
    # Other forms do not ask it.
    assert violations(mentee(age=13), mentor(age=12), set()) == []


def test_several_violations_in_order() -> None:
    broken = violations(
        mentee(age=30, telegram_id=9),
        mentor(organization_id=2, form="x", capacity=0, telegram_id=9),
        {(1, 101)},
    )
    assert broken == [
        Violation.ORGANIZATION,
        Violation.FORM,
        Violation.AGE,
        Violation.SAME_PERSON,
        Violation.REJECTED,
        Violation.NO_CAPACITY,
    ]


# --- scores -----------------------------------------------------------------------------------


def parts(result: Score) -> dict[PartKind, tuple[int, tuple[str, ...]]]:
    return {part.kind: (part.points, part.matched) for part in result.parts}


def test_nothing_in_common_scores_zero() -> None:
    assert score(mentee(), mentor(), W, NOBODY) == Score(0, ())


def test_request_share_and_typed_topic() -> None:
    asked = mentee(topics=frozenset({"exams", "olympiads"}), topic_other="Робототехника")
    helps = mentor(topics=frozenset({"exams", "sport"}), topic_other="  робототехника")
    assert parts(score(asked, helps, W, NOBODY)) == {PartKind.REQUEST: (30, ("exams", "other"))}
    # A typed topic matches only the same text, not a part of it nor a similar code.
    near = mentor(topics=frozenset({"exams"}), topic_other="Робототехника и 3D")
    assert parts(score(asked, near, W, NOBODY)) == {PartKind.REQUEST: (15, ("exams",))}
    full = mentor(topics=frozenset({"exams", "olympiads"}), topic_other="РОБОТОТЕХНИКА")
    assert parts(score(asked, full, W, NOBODY))[PartKind.REQUEST][0] == W.request


def test_interests_a_third_each_up_to_three() -> None:
    likes = frozenset({"chess", "music", "art", "cinema"})
    for shared, points in ((1, 5), (2, 10), (3, 15), (4, 15)):
        other = frozenset(sorted(likes)[:shared]) | {"sport"}
        result = score(mentee(interests=likes), mentor(interests=other), W, NOBODY)
        assert parts(result)[PartKind.INTERESTS][0] == points


def test_schedule_needs_a_shared_day_and_a_shared_time() -> None:
    one = mentee(days=frozenset({"mon", "tue", "wed"}), times=frozenset({"evening", "morning"}))
    assert parts(score(one, mentor(days=frozenset({"mon"})), W, NOBODY)) == {
        PartKind.SCHEDULE: (0, ("mon",))
    }
    half = mentor(days=frozenset({"mon"}), times=frozenset({"evening"}))
    assert parts(score(one, half, W, NOBODY)) == {PartKind.SCHEDULE: (13, ("mon", "evening"))}
    full = mentor(days=frozenset({"wed", "tue"}), times=frozenset({"morning", "evening"}))
    assert parts(score(one, full, W, NOBODY)) == {
        PartKind.SCHEDULE: (W.schedule, ("tue", "wed", "morning", "evening"))
    }


@pytest.mark.parametrize(
    ("mine", "theirs", "agreed"),
    [
        ("online", "online", "online"),
        ("online", "either", "online"),
        ("either", "in_person", "in_person"),
        ("either", "either", "either"),
        ("online", "in_person", None),
        (None, "either", None),
    ],
)
def test_meeting_format(mine: str | None, theirs: str | None, agreed: str | None) -> None:
    result = score(mentee(meeting_format=mine), mentor(meeting_format=theirs), W, NOBODY)
    expected = {PartKind.FORMAT: (W.meeting_format, (agreed,))} if agreed else {}
    assert parts(result) == expected


def test_preferences_and_mutual_choice_weigh_more() -> None:
    by_mentee = Preferences({1: frozenset({101})}, {})
    by_mentor = Preferences({}, {101: frozenset({1})})
    both = Preferences({1: frozenset({101})}, {101: frozenset({1, 2})})
    one_way = score(mentee(), mentor(), W, by_mentee)
    other_way = score(mentee(), mentor(), W, by_mentor)
    mutual = score(mentee(), mentor(), W, both)
    assert parts(one_way) == {PartKind.PREFERENCE: (W.preference, ("mentee",))}
    assert parts(other_way) == {PartKind.PREFERENCE: (W.preference, ("mentor",))}
    assert parts(mutual) == {PartKind.PREFERENCE: (W.mutual_preference, ("mentee", "mentor"))}
    assert mutual.total > one_way.total + other_way.total
    assert score(mentee(2), mentor(), W, by_mentee).parts == ()


def test_weights_change_the_points_and_totals_add_up() -> None:
    asked = mentee(
        topics=frozenset({"exams"}),
        interests=frozenset({"chess"}),
        days=frozenset({"mon"}),
        times=frozenset({"evening"}),
        meeting_format="online",
    )
    helps = replace(mentor(), **{k: getattr(asked, k) for k in ("topics", "interests", "days")})
    helps = replace(helps, times=asked.times, meeting_format="online")
    weights = Weights(request=10, interests=0, schedule=8, meeting_format=3)
    result = score(asked, helps, weights, NOBODY)
    assert parts(result) == {
        PartKind.REQUEST: (10, ("exams",)),
        PartKind.INTERESTS: (0, ("chess",)),
        PartKind.SCHEDULE: (4, ("mon", "evening")),
        PartKind.FORMAT: (3, ("online",)),
    }
    assert result.total == sum(part.points for part in result.parts) == 17
    assert result.part(PartKind.FORMAT) is not None
    assert result.part(PartKind.PREFERENCE) is None


def test_weights_defaults_validation_and_json() -> None:
    assert W.profile_total == 100
    assert W.max_total == 140
    assert Weights.from_json(None) == W
    custom = Weights(request=60, mutual_preference=50)
    assert Weights.from_json(custom.to_json()) == custom
    with pytest.raises(ValidationError):
        Weights(request=-1)
    with pytest.raises(ValidationError):
        Weights(preference=30, mutual_preference=20)
    with pytest.raises(ValidationError):
        Weights.model_validate({"colour": 3})
    with pytest.raises(ValidationError):
        Weights.from_json('{"request": "many"}')


# --- the engine: proposals, explanations, reasons ---------------------------------------------


def test_proposals_carry_their_explanation_best_first() -> None:
    asked = mentee(1, topics=frozenset({"exams"}), meeting_format="online")
    other = mentee(2, topics=frozenset({"exams"}), interests=frozenset({"chess"}))
    helps = mentor(101, capacity=2, topics=frozenset({"exams"}), interests=frozenset({"chess"}))
    result = propose([asked, other], [helps], weights=W, preferences=NOBODY, rejected=frozenset())
    assert [p.mentee.participant_id for p in result.proposals] == [2, 1]
    best = result.proposals[0]
    assert parts(best.score) == {
        PartKind.REQUEST: (W.request, ("exams",)),
        PartKind.INTERESTS: (5, ("chess",)),
    }
    assert best.score == score(other, helps, W, NOBODY)
    assert result.unmatched == []
    assert list(result.groups()) == [101]
    assert len(result.groups()[101]) == 2


def test_whole_cohort_beats_greedy() -> None:
    # Greedy would give the mentor both like best to the first mentee and leave one out.
    first = mentee(1, topics=frozenset({"exams", "sport"}))
    second = mentee(2, age=12, topics=frozenset({"exams"}))
    both = mentor(101, topics=frozenset({"exams", "sport"}))
    only_first = mentor(102, topics=frozenset({"sport"}), age_min=13, age_max=13)
    result = propose(
        [first, second], [both, only_first], weights=W, preferences=NOBODY, rejected=set()
    )
    chosen = {(p.mentee.participant_id, p.mentor.participant_id) for p in result.proposals}
    assert chosen == {(1, 102), (2, 101)}


@pytest.mark.parametrize(
    ("mentors", "rejected", "reasons"),
    [
        ([], set(), (Violation.ORGANIZATION,)),
        ([mentor(organization_id=2)], set(), (Violation.ORGANIZATION,)),
        ([mentor(form="pupil_pupil")], set(), (Violation.FORM,)),
        ([mentor(age_min=14), mentor(102, age_max=12)], set(), (Violation.AGE,)),
        ([mentor(), mentor(102)], {(1, 101), (1, 102)}, (Violation.REJECTED,)),
        # One mentor is out of age, the one who fits was rejected: the rejection is the reason.
        ([mentor(age_min=14), mentor(102)], {(1, 102)}, (Violation.REJECTED,)),
        ([mentor(age_min=14)], {(1, 101)}, (Violation.AGE, Violation.REJECTED)),
        ([mentor(capacity=0)], set(), (Violation.NO_CAPACITY,)),
        ([mentor(telegram_id=1001)], set(), (Violation.SAME_PERSON,)),
    ],
)
def test_reasons_for_a_mentee_without_an_allowed_mentor(
    mentors: list[Candidate], rejected: set[tuple[int, int]], reasons: tuple[Violation, ...]
) -> None:
    assert blocking_reasons(mentee(), mentors, rejected) == reasons
    result = propose([mentee()], mentors, weights=W, preferences=NOBODY, rejected=rejected)
    assert result.proposals == []
    [left] = result.unmatched
    assert (left.reasons, left.had_allowed, left.allowed_count) == (reasons, False, 0)


def test_not_older_is_the_reason_in_pupil_pupil() -> None:
    young = [mentor(form="pupil_pupil", age=12), mentor(102, form="pupil_pupil", age=13)]
    result = propose(
        [mentee(form="pupil_pupil")], young, weights=W, preferences=NOBODY, rejected=set()
    )
    assert result.unmatched[0].reasons == (Violation.NOT_OLDER,)


def test_a_mentee_who_lost_out_to_capacity() -> None:
    first = mentee(1, topics=frozenset({"exams"}))
    second = mentee(2)
    result = propose([first, second], [mentor()], weights=W, preferences=NOBODY, rejected=set())
    assert [p.mentee.participant_id for p in result.proposals] == [1]
    [left] = result.unmatched
    assert left.mentee == second
    assert (left.reasons, left.had_allowed, left.allowed_count) == (
        (Violation.NO_CAPACITY,),
        True,
        1,
    )
    assert blocking_reasons(second, [mentor()], set()) == ()


def test_unmatched_keep_the_order_of_the_mentees() -> None:
    cohort = [mentee(3, form=None), mentee(1, organization_id=9), mentee(2, age=40)]
    result = propose(cohort, [mentor()], weights=W, preferences=NOBODY, rejected=set())
    assert [(u.mentee.participant_id, u.reasons) for u in result.unmatched] == [
        (3, (Violation.FORM,)),
        (1, (Violation.ORGANIZATION,)),
        (2, (Violation.AGE,)),
    ]


def test_a_short_list_does_not_lose_a_mentee() -> None:
    # Both mentees like mentor 101 best; with one edge each, one would be left out.
    first = mentee(1, topics=frozenset({"exams"}))
    second = mentee(2, topics=frozenset({"exams"}))
    best = mentor(101, topics=frozenset({"exams"}))
    spare = mentor(102)
    for top_k in (1, 2):
        result = propose(
            [first, second],
            [best, spare],
            weights=W,
            preferences=NOBODY,
            rejected=set(),
            top_k=top_k,
        )
        assert len(result.proposals) == 2
    with pytest.raises(ValueError, match="top_k"):
        propose([first], [best], weights=W, preferences=NOBODY, rejected=set(), top_k=0)


def test_mentors_in_several_organizations_and_forms() -> None:
    cohort = [mentee(1), mentee(2, organization_id=2), mentee(3, form="pupil_pupil", age=12)]
    mentors = [
        mentor(101, organization_id=2),
        mentor(102),
        mentor(103, form="pupil_pupil", age=14, age_min=None, age_max=None),
    ]
    result = propose(cohort, mentors, weights=W, preferences=NOBODY, rejected=set())
    chosen = {(p.mentee.participant_id, p.mentor.participant_id) for p in result.proposals}
    assert chosen == {(1, 102), (2, 101), (3, 103)}


# --- assignment -------------------------------------------------------------------------------


def test_assign_small_cases() -> None:
    assert assign(0, [], []) == []
    assert assign(2, [1, 0], [(0, 0, 5), (1, 1, 9)]) == [(0, 0)]
    assert assign(3, [2], [(0, 0, 1), (1, 0, 3), (2, 0, 2)]) == [(1, 0), (2, 0)]
    # More mentees matched wins over a higher score.
    assert assign(2, [1, 1], [(0, 0, 100), (0, 1, 1), (1, 0, 1)]) == [(0, 1), (1, 0)]
    with pytest.raises(ValueError):
        assign(1, [1], [(0, 1, 3)])
    with pytest.raises(ValueError):
        assign(1, [1], [(1, 0, 3)])
