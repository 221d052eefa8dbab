"""The shared lists: topics (a mentor's competencies and a mentee's request) and interests.

Matching compares a mentee's request with a mentor's competencies, so both questions offer
the same :data:`TOPICS`. Codes are stored and go into callback data: never rename one; add new
codes instead. Labels are msgids short enough for a phone button (30 characters at most).
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.i18n import N_
from dialogs.model import Option


@dataclass(frozen=True, slots=True)
class TopicGroup:
    key: str
    title: str  # msgid
    topics: tuple[Option, ...]


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(value=value, label=label) for value, label in pairs)


LEARNER_TOPICS = TopicGroup(
    key="learners",
    title=N_("For pupils and students"),
    topics=_options(
        ("adaptation", N_("Settling in at a new school")),
        ("school_subject", N_("A school subject")),
        ("olympiads", N_("Olympiad preparation")),
        ("exams", N_("Preparing for OGE / EGE")),
        ("career_choice", N_("Choosing a profession")),
        ("projects", N_("Project or research work")),
        ("public_speaking", N_("Public speaking")),
        ("leadership", N_("Leadership and teamwork")),
        ("communication", N_("Friends and communication")),
        ("time_management", N_("Time management")),
        ("digital_skills", N_("Digital skills, programming")),
        ("creativity", N_("Creativity")),
        ("sport", N_("Sport")),
        ("volunteering", N_("Volunteering")),
        ("financial_literacy", N_("Financial literacy")),
        ("first_job", N_("Internship and first job")),
        ("cv_interview", N_("CV and job interview")),
        ("enterprise_project", N_("Real project at an enterprise")),
    ),
)

TEACHER_TOPICS = TopicGroup(
    key="teachers",
    title=N_("For teachers"),
    topics=_options(
        ("teaching_methods", N_("Teaching methods")),
        ("class_teacher", N_("Class teacher's work")),
        ("parents", N_("Working with parents")),
        ("discipline", N_("Discipline in the classroom")),
        ("special_needs", N_("Children with special needs")),
        ("gifted", N_("Gifted children")),
        ("digital_tools", N_("Digital tools for lessons")),
        ("lesson_planning", N_("Lesson plans, FGOS programmes")),
        ("certification", N_("Teacher certification")),
        ("open_lessons", N_("Open lessons")),
        ("competitions", N_("Professional competitions")),
        ("burnout", N_("Avoiding burnout")),
    ),
)

TOPIC_GROUPS: tuple[TopicGroup, ...] = (LEARNER_TOPICS, TEACHER_TOPICS)

# The one list for both competencies and requests, pupils' and students' topics first.
TOPICS: list[Option] = [topic for group in TOPIC_GROUPS for topic in group.topics]

INTERESTS: list[Option] = list(
    _options(
        ("sport", N_("Sport")),
        ("music", N_("Music")),
        ("art", N_("Art")),
        ("theatre", N_("Theatre")),
        ("reading", N_("Reading")),
        ("chess", N_("Chess")),
        ("robotics", N_("Robotics")),
        ("programming", N_("Programming")),
        ("games", N_("Games")),
        ("cinema", N_("Cinema")),
        ("travel", N_("Travel")),
        ("nature", N_("Nature and ecology")),
        ("history", N_("History")),
        ("science", N_("Science")),
        ("technology", N_("Technology")),
        ("handicraft", N_("Handicraft")),
        ("cooking", N_("Cooking")),
        ("volunteering", N_("Volunteering")),
        ("blogging", N_("Blogging")),
        ("photography", N_("Photography")),
    )
)

# Meeting preferences, asked of mentors and mentees alike.
WEEKDAYS: list[Option] = list(
    _options(
        ("mon", N_("Monday")),
        ("tue", N_("Tuesday")),
        ("wed", N_("Wednesday")),
        ("thu", N_("Thursday")),
        ("fri", N_("Friday")),
        ("sat", N_("Saturday")),
        ("sun", N_("Sunday")),
    )
)

TIMES_OF_DAY: list[Option] = list(
    _options(
        ("morning", N_("Morning")),
        ("daytime", N_("Daytime")),
        ("after_lessons", N_("After lessons")),
        ("evening", N_("Evening")),
    )
)

MEETING_FORMATS: list[Option] = list(
    _options(
        ("online", N_("Online")),
        ("in_person", N_("In person")),
        ("either", N_("Either is fine")),
    )
)
