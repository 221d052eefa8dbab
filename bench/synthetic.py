"""Synthetic cohorts with realistic shapes, for the matching benchmarks.

The shapes follow the programme documents and what schools report: most mentees are pupils
(pupil-pupil and student-pupil forms), a college also runs employer-student mentoring, a few
young teachers take part; topic and interest popularity is skewed (a few topics such as
exams and choosing a profession are asked for far more often than others); pupils meet after
lessons on weekdays, employers in the evening; a mentor takes 1 to 5 mentees, one-to-one
being the most common. Adult mentors have no age (the bot keeps a date of birth only for
minors). A few people are mentees and mentors at once, a few name preferred partners, and
the curator has rejected a few pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from bot.matching.profiles import Candidate
from bot.matching.scoring import Preferences
from dialogs.forms import FederalForm
from dialogs.tags import INTERESTS, LEARNER_TOPICS, TEACHER_TOPICS

FORM_MIX: dict[str, float] = {
    FederalForm.PUPIL_PUPIL: 0.35,
    FederalForm.STUDENT_PUPIL: 0.15,
    FederalForm.TEACHER_TEACHER: 0.10,
    FederalForm.EMPLOYER_PUPIL: 0.10,
    FederalForm.EMPLOYER_STUDENT: 0.30,
}

_LEARNER = [t.value for t in LEARNER_TOPICS.topics]
_TEACHER = [t.value for t in TEACHER_TOPICS.topics]
_CAREER = [
    "career_choice",
    "first_job",
    "cv_interview",
    "enterprise_project",
    "projects",
    "digital_skills",
    "financial_literacy",
    "public_speaking",
    "leadership",
    "time_management",
]
FORM_TOPICS: dict[str, list[str]] = {
    FederalForm.PUPIL_PUPIL: _LEARNER,
    FederalForm.STUDENT_PUPIL: _LEARNER,
    FederalForm.TEACHER_TEACHER: _TEACHER,
    FederalForm.EMPLOYER_PUPIL: _CAREER,
    FederalForm.EMPLOYER_STUDENT: _CAREER,
}
# (mentee ages, mentor ages or None for adults of unknown age, typical lowest and highest
# ages mentors ask for)
FORM_AGES: dict[str, tuple[tuple[int, int], tuple[int, int] | None, tuple[int, int]]] = {
    FederalForm.PUPIL_PUPIL: ((11, 17), (14, 18), (10, 17)),
    FederalForm.STUDENT_PUPIL: ((11, 17), (18, 23), (10, 17)),
    FederalForm.TEACHER_TEACHER: ((22, 35), None, (21, 40)),
    FederalForm.EMPLOYER_PUPIL: ((14, 17), None, (13, 18)),
    FederalForm.EMPLOYER_STUDENT: ((16, 22), None, (15, 25)),
}
OTHER_TEXTS = [
    "Робототехника",
    "3D-моделирование",
    "Шахматы",
    "Журналистика",
    "Психология",
    "Английский язык",
    "Подготовка к ВПР",
    "Дизайн",
    "Музыка",
    "Первая помощь",
]
_INTERESTS = [option.value for option in INTERESTS]
_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY_P = [0.55, 0.55, 0.55, 0.55, 0.45, 0.2, 0.05]
_TIMES = ["morning", "daytime", "after_lessons", "evening"]
_TIME_P_PUPIL = [0.05, 0.15, 0.75, 0.35]
_TIME_P_ADULT = [0.15, 0.3, 0.2, 0.65]
_FORMATS = ["online", "in_person", "either"]
_FORMAT_P = [0.3, 0.4, 0.3]
_CAPACITY_P = [0.35, 0.25, 0.2, 0.1, 0.1]


@dataclass(frozen=True)
class Cohort:
    mentees: list[Candidate]
    mentors: list[Candidate]
    preferences: Preferences
    rejected: frozenset[tuple[int, int]]


def cohort(n_mentees: int, n_mentors: int, *, seed: int = 1, organization_id: int = 1) -> Cohort:
    rng = np.random.default_rng(seed)
    forms = list(FORM_MIX)
    form_p = np.array(list(FORM_MIX.values()))
    popularity = {form: _zipf(len(topics), rng) for form, topics in FORM_TOPICS.items()}
    interest_p = _zipf(len(_INTERESTS), rng)

    def tags(codes: list[str], p: npt.NDArray[np.float64], count: int) -> frozenset[str]:
        return frozenset(rng.choice(codes, size=count, replace=False, p=p).tolist())

    def schedule(adult: bool) -> tuple[frozenset[str], frozenset[str]]:
        days = [d for d, p in zip(_DAYS, _DAY_P, strict=True) if rng.random() < p]
        time_p = _TIME_P_ADULT if adult else _TIME_P_PUPIL
        times = [t for t, p in zip(_TIMES, time_p, strict=True) if rng.random() < p]
        return (
            frozenset(days or [str(rng.choice(_DAYS[:5]))]),
            frozenset(times or [str(rng.choice(_TIMES))]),
        )

    def person(index: int, role: str) -> Candidate:
        form = str(forms[rng.choice(len(forms), p=form_p)])
        (mentee_low, mentee_high), mentor_ages, (want_low, want_high) = FORM_AGES[form]
        mentor = role == "mentor"
        topic_count = (
            int(rng.integers(2, 6)) if mentor else int(rng.choice([1, 2, 3], p=[0.35, 0.4, 0.25]))
        )
        topics = tags(FORM_TOPICS[form], popularity[form], min(topic_count, len(FORM_TOPICS[form])))
        other = str(rng.choice(OTHER_TEXTS)) if rng.random() < 0.05 else None
        if other is not None and rng.random() < 0.5:
            other = other.upper() if rng.random() < 0.5 else other.lower()
        adult_side = form in (FederalForm.TEACHER_TEACHER,) or (mentor and mentor_ages is None)
        days, times = schedule(adult_side)
        if mentor:
            age = (
                None
                if mentor_ages is None
                else int(rng.integers(mentor_ages[0], mentor_ages[1] + 1))
            )
            low = int(rng.integers(want_low, max(want_low, want_high - 3) + 1))
            high = min(want_high, low + int(rng.integers(2, 9)))
            if age is not None:  # a pupil mentor asks for younger mentees, mostly
                high = min(high, max(want_low, age - int(rng.integers(0, 3))))
                low = min(low, high)
            age_min: int | None = low
            age_max: int | None = high
            capacity = int(rng.choice([1, 2, 3, 4, 5], p=_CAPACITY_P))
        else:
            age = int(rng.integers(mentee_low, mentee_high + 1))
            age_min = age_max = None
            capacity = 1
        return Candidate(
            participant_id=index,
            telegram_id=10_000_000 + index,
            organization_id=organization_id,
            role="mentor" if mentor else "mentee",
            form=form,
            age=age,
            age_min=age_min,
            age_max=age_max,
            capacity=capacity,
            topics=topics,
            topic_other=other,
            interests=tags(_INTERESTS, interest_p, int(rng.integers(1, 6))),
            days=days,
            times=times,
            meeting_format=str(rng.choice(_FORMATS, p=_FORMAT_P)),
            category=None,
            full_name=None,
        )

    mentees = [person(i + 1, "mentee") for i in range(n_mentees)]
    mentors = [person(n_mentees + j + 1, "mentor") for j in range(n_mentors)]
    # Half a percent of mentors are also mentees (the same Telegram user).
    for j in rng.choice(n_mentors, size=n_mentors // 200, replace=False).tolist():
        twin = mentees[int(rng.integers(n_mentees))]
        mentors[j] = replace(mentors[j], telegram_id=twin.telegram_id)

    by_form: dict[str, list[Candidate]] = {}
    for mentor in mentors:
        by_form.setdefault(mentor.form or "", []).append(mentor)
    by_mentee: dict[int, frozenset[int]] = {}
    by_mentor: dict[int, set[int]] = {}
    rejected: set[tuple[int, int]] = set()
    for mentee in mentees:
        pool = by_form.get(mentee.form or "", [])
        if not pool:
            continue
        draw = rng.random()
        if draw < 0.03:  # named one or two mentors after a group meeting
            chosen = {pool[int(k)].participant_id for k in rng.integers(len(pool), size=2)}
            by_mentee[mentee.participant_id] = frozenset(chosen)
            if rng.random() < 0.5:  # and the mentor named them too
                by_mentor.setdefault(min(chosen), set()).add(mentee.participant_id)
        elif draw < 0.05:  # a mentor named this mentee
            mentor_id = pool[int(rng.integers(len(pool)))].participant_id
            by_mentor.setdefault(mentor_id, set()).add(mentee.participant_id)
        elif draw < 0.06:  # the curator rejected a pair
            rejected.add((mentee.participant_id, pool[int(rng.integers(len(pool)))].participant_id))
    preferences = Preferences(by_mentee, {k: frozenset(v) for k, v in by_mentor.items()})
    return Cohort(mentees, mentors, preferences, frozenset(rejected))


def _zipf(size: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    weights = (1.0 / np.arange(1, size + 1) ** 0.9).astype(np.float64)
    rng.shuffle(weights)
    return np.asarray(weights / weights.sum(), np.float64)
