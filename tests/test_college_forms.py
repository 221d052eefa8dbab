"""Colleges (issue 14): a form's declared people and pace, and mentors in several forms of one
organization, counted by hand in matching, the registers (appendices 2.2, 2.3), the
indicators and the curator's card."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import load_workbook

from bot.organizations import FormRejection
from dialogs.forms import FormPace, ParticipantKind
from tests.cohort import choice, choices, mentee_answers, mentor_answers, ready
from tests.inprocess import Harness
from tests.joining import CURATOR, organization

ANNA, KIRILL = 101, 102  # a teacher in two forms; a 17-year-old student in two forms
YULIA, ILYA, OLEG, ROMA = 201, 202, 203, 204  # a young teacher, three students
MASHA, PETYA = 211, 212  # pupils


def anna_answers() -> dict[str, Any]:
    answers = mentor_answers(
        "Соколова Анна Петровна",
        workplace_org="Колледж № 3",
        workplace_position="преподаватель",
        form=choices("teacher_teacher", "own_1"),
        cap_teacher_teacher=1,
        agelo_own_1=16,
        agehi_own_1=25,
        cap_own_1=2,
    )
    for single in ("capacity", "mentee_age_from", "mentee_age_to"):
        del answers[single]  # a mentor in several forms answers them per form
    return answers


def kirill_answers() -> dict[str, Any]:
    answers = mentor_answers(
        "Зайцев Кирилл",
        birth_date="2009-01-10",
        workplace_org="Колледж № 3",
        workplace_position="2 курс",
        form=choices("pupil_pupil", "student_pupil"),
        agelo_pupil_pupil=10,
        agehi_pupil_pupil=16,
        cap_pupil_pupil=1,
        agelo_student_pupil=10,
        agehi_student_pupil=16,
        cap_student_pupil=1,
    )
    for single in ("capacity", "mentee_age_from", "mentee_age_to", "birth_year"):
        del answers[single]
    return answers


def student(name: str, course: str) -> dict[str, Any]:
    answers = mentee_answers(
        name, birth="2006-03-03", contact="+7 900 555-00-00", parent_contact=None,
        category=choice("student"), course=course, form=choice("own_1"),
    )  # fmt: skip
    del answers["class_course"]
    return answers


async def college(harness: Harness) -> dict[str, int]:
    """The college, its own form «Педагог – студент» declared teacher → student, and people."""
    org = await organization(harness, "Колледж № 3")
    services = harness.app.services
    added = await services.organizations.add_own_form(org.id, "Педагог – студент")
    assert added.form is not None and added.form.code == "own_1"
    changed = await services.organizations.set_form_profile(
        org.id, "own_1", mentee_kind=ParticipantKind.STUDENT
    )
    assert changed.form is not None and changed.form.mentee_kind is ParticipantKind.STUDENT
    ids = {"org": org.id}
    ids["anna"] = await ready(harness, org.id, ANNA, "mentor", anna_answers())
    ids["kirill"] = await ready(harness, org.id, KIRILL, "mentor", kirill_answers())
    young_teacher = mentee_answers(
        "Белова Юлия", birth="1999-09-09", contact="yulia@example.ru", parent_contact=None,
        category=choice("young_teacher"), class_course=None, form=choice("teacher_teacher"),
    )  # fmt: skip
    ids["yulia"] = await ready(harness, org.id, YULIA, "mentee", young_teacher)
    ids["ilya"] = await ready(harness, org.id, ILYA, "mentee", student("Лебедев Илья", "2 курс"))
    ids["oleg"] = await ready(harness, org.id, OLEG, "mentee", student("Орлов Олег", "1 курс"))
    ids["roma"] = await ready(harness, org.id, ROMA, "mentee", student("Рыбин Рома", "3 курс"))
    ids["masha"] = await ready(harness, org.id, MASHA, "mentee", mentee_answers(
        "Маша Иванова", form=choice("pupil_pupil")))  # fmt: skip
    ids["petya"] = await ready(harness, org.id, PETYA, "mentee", mentee_answers(
        "Петя Сидоров", birth="2011-04-04"))  # fmt: skip
    for mentor in ("anna", "kirill"):
        assert await services.admission.admit(org.id, ids[mentor], CURATOR) is None
    return ids


async def test_the_form_profile_service_checks_the_organization(harness: Harness) -> None:
    org = await organization(harness, "Колледж № 3")
    other = await organization(harness, "Школа № 40")
    services = harness.app.services
    await services.organizations.add_own_form(org.id, "Педагог – студент")
    # Another organization has no such form: nothing changes anywhere.
    refused = await services.organizations.set_form_profile(
        other.id, "own_1", mentee_kind=ParticipantKind.EMPLOYER
    )
    assert refused.form is None and refused.rejection is FormRejection.UNKNOWN
    mine = await services.organizations.form(org.id, "own_1")
    assert mine is not None and mine.declared_mentee_kind is None
    # Only what is given changes.
    await services.organizations.set_form_profile(org.id, "own_1", pace=FormPace.SHORT)
    await services.organizations.set_form_profile(org.id, "own_1", allows_groups=False)
    mine = await services.organizations.form(org.id, "own_1")
    assert mine is not None
    assert (mine.mentor_kind, mine.mentee_kind, mine.pace, mine.allows_groups) == (
        ParticipantKind.TEACHER, ParticipantKind.PUPIL, FormPace.SHORT, False
    )  # fmt: skip
    # A federal form run as «студент – студент»; declaring its defaults back stores none.
    students = await services.organizations.set_form_profile(
        org.id, "pupil_pupil", mentor_kind=ParticipantKind.STUDENT,
        mentee_kind=ParticipantKind.STUDENT,
    )  # fmt: skip
    assert students.form is not None and students.form.title is None  # keeps its title
    assert (students.form.mentor_kind, students.form.mentee_kind) == (
        ParticipantKind.STUDENT, ParticipantKind.STUDENT
    )  # fmt: skip
    back = await services.organizations.set_form_profile(
        org.id, "pupil_pupil", mentor_kind=ParticipantKind.PUPIL,
        mentee_kind=ParticipantKind.PUPIL,
    )  # fmt: skip
    assert back.form is not None
    assert (back.form.declared_mentor_kind, back.form.declared_mentee_kind) == (None, None)


async def test_matching_stands_a_mentor_in_each_form_with_its_places(harness: Harness) -> None:
    ids = await college(harness)
    services = harness.app.services
    org = ids["org"]
    summary = await services.pairing.run(org, CURATOR)
    proposals = await services.pairing.run_proposals(org, summary.run_id)
    proposed = sorted((p.mentee_id, p.mentor_id) for p in proposals)
    # Anna: 1 place in «учитель – учитель» (Юлия), 2 in «Педагог – студент» (two of the three
    # students); Kirill: 1 in each of his forms (Маша, Петя). Six mentees, five places.
    students = {ids["ilya"], ids["oleg"], ids["roma"]}
    by_anna = {mentee for mentee, mentor in proposed if mentor == ids["anna"]}
    assert ids["yulia"] in by_anna and len(by_anna & students) == 2 and len(by_anna) == 3
    assert {m for m, mentor in proposed if mentor == ids["kirill"]} == {
        ids["masha"], ids["petya"]
    }  # fmt: skip
    assert len(proposed) == 5
    # The SQL count of the cohort: 2 mentors (each once) with 1 + 2 + 1 + 1 free places.
    assert await services.pairing.cohort_counts(org) == (6, 2, 5)

    # Approving keeps each pair's own form; the places of one form do not fill the other.
    for proposal in proposals:
        outcome = await services.pairing.approve(org, proposal.id)
        assert outcome.pair is not None, outcome
    forms = {
        (row["mentee_id"], row["form"])
        for row in await harness.app.db.fetch_all(
            "SELECT mentee_id, form FROM pairs WHERE mentor_id = ?", (ids["anna"],)
        )
    }
    assert (ids["yulia"], "teacher_teacher") in forms
    assert {form for _, form in forms} == {"teacher_teacher", "own_1"}
    # The third student: Anna's «Педагог – студент» places are taken.
    left = next(iter(students - by_anna))
    problem, broken = await services.pairing.check_direct(org, left, ids["anna"])
    assert problem is None and [v.value for v in broken] == ["no_capacity"]


async def test_registers_and_indicators_with_mentors_in_two_forms(harness: Harness) -> None:
    ids = await college(harness)
    services = harness.app.services
    org = ids["org"]
    for mentee, mentor in (("yulia", "anna"), ("ilya", "anna"), ("oleg", "anna"),
                           ("masha", "kirill"), ("petya", "kirill")):  # fmt: skip
        outcome = await services.pairing.assign_directly(org, ids[mentee], ids[mentor], force=False)
        assert outcome.pair is not None, (mentee, outcome)
    made = await services.exports.workbook(org, "ru")
    book = load_workbook(io.BytesIO(made.content))

    mentors = [tuple(r) for r in book["База наставников"].iter_rows(values_only=True)][1:]
    # One row per mentor and form: Anna twice, Kirill twice, each with that form's mentees
    # and desired ages (none asked for a teachers' form).
    by_row = [(r[0], r[10], r[9], r[6], r[11]) for r in mentors]
    assert by_row == [
        ("Соколова Анна Петровна", "Учитель – учитель", "Белова Юлия", None,
         "Колледж № 3"),
        ("Соколова Анна Петровна", "Педагог – студент", "Лебедев Илья\nОрлов Олег",
         "от 16 до 25 лет", "Колледж № 3, 2 курс\nКолледж № 3, 1 курс"),
        ("Зайцев Кирилл", "Ученик – ученик", "Маша Иванова", "от 10 до 16 лет",
         "Колледж № 3, 8 «Б»"),
        ("Зайцев Кирилл", "Студент – ученик", "Петя Сидоров", "от 10 до 16 лет",
         "Колледж № 3, 8 «Б»"),
    ]  # fmt: skip
    joined = datetime(2026, 3, 12)
    assert all(r[8] == joined for r in mentors)

    mentees = [tuple(r) for r in book["База наставляемых"].iter_rows(values_only=True)][1:]
    # Every mentee once, with the form of their own pair and the mentor's place of work.
    anna, at_college = "Соколова Анна Петровна", "Колледж № 3, преподаватель"
    assert [(r[1], r[6], r[7], r[8]) for r in mentees] == [
        ("Белова Юлия", anna, "Учитель – учитель", at_college),
        ("Лебедев Илья", anna, "Педагог – студент", at_college),
        ("Орлов Олег", anna, "Педагог – студент", at_college),
        ("Рыбин Рома", None, "Педагог – студент", None),
        ("Маша Иванова", "Зайцев Кирилл", "Ученик – ученик", "Колледж № 3, 2 курс"),
        ("Петя Сидоров", "Зайцев Кирилл", "Студент – ученик", "Колледж № 3, 2 курс"),
    ]  # fmt: skip

    result = await services.indicators.for_organization(org)
    shares = {s.key: s.count for s in result.shares}
    # Kirill (17) entered as a mentor in two forms: one young mentor, not two. Anna's age is
    # unknown (she did not say): one mentor, once.
    assert shares["mentors_15_19"] == 1
    assert result.mentors_age_unknown == 1
    # Masha (13) and Petya (14) are the mentees aged 10-19 who entered; the students are 20.
    assert shares["mentees_10_19"] == 2
    assert shares["young_teachers"] == 1
    # The stages count each person once: 2 mentors and 6 mentees; in active pairs: the 2
    # mentors and 5 mentees (Рома waits).
    total = result.stages[None]
    assert (total.invited, total.in_pairs) == (2 + 6, 2 + 5)


async def test_an_own_form_declared_employer_led_counts_its_enterprises(
    harness: Harness,
) -> None:
    org = await organization(harness, "Колледж № 3")
    services = harness.app.services
    await services.organizations.add_own_form(org.id, "Наставник с производства – студент")
    await services.organizations.set_form_profile(
        org.id, "own_1", mentor_kind=ParticipantKind.EMPLOYER, mentee_kind=ParticipantKind.STUDENT
    )
    engineer = await ready(harness, org.id, ANNA, "mentor", mentor_answers(
        "Инженер Пётр", workplace_org="АО «Уралмаш»", workplace_position="технолог",
        form=choices("own_1"), mentee_age_from=16, mentee_age_to=25))  # fmt: skip
    # A teacher in the federal «учитель – учитель»: no enterprise.
    teacher = await ready(harness, org.id, KIRILL, "mentor", mentor_answers(
        "Учитель Ольга", form=choices("teacher_teacher"), mentee_age_from=20,
        mentee_age_to=60))  # fmt: skip
    ilya = await ready(harness, org.id, ILYA, "mentee", student("Лебедев Илья", "2 курс"))
    young = await ready(harness, org.id, YULIA, "mentee", mentee_answers(
        "Белова Юлия", birth="1999-09-09", category=choice("young_teacher"),
        form=choice("teacher_teacher")))  # fmt: skip
    for mentor in (engineer, teacher):
        assert await services.admission.admit(org.id, mentor, CURATOR) is None
    for mentee, mentor in ((ilya, engineer), (young, teacher)):
        assert (await services.pairing.assign_directly(org.id, mentee, mentor, force=False)).pair
    result = await services.indicators.for_organization(org.id)
    # АО «Уралмаш» through the own form its organization declared employer-led; the teacher's
    # school is no enterprise.
    assert {s.key: s.count for s in result.shares}["enterprises"] == 1


def test_the_mentor_questionnaire_asks_per_form_only_for_several_forms() -> None:
    from dialogs.mentor import MENTOR, mentor_form_answers, mentor_questionnaire

    one = mentor_questionnaire((("teacher_teacher", ParticipantKind.TEACHER),))
    assert one is MENTOR
    two = mentor_questionnaire(
        (("teacher_teacher", ParticipantKind.TEACHER), ("own_1", ParticipantKind.STUDENT))
    )
    keys = [q.key for q in two.questions]
    start = keys.index("form")
    # Right after the choice: the teachers' form asks the places only; the students' form
    # the ages and the places; the single questions are gone.
    assert keys[start + 1 : start + 5] == [
        "cap_teacher_teacher", "agelo_own_1", "agehi_own_1", "cap_own_1"
    ]  # fmt: skip
    assert not {"capacity", "mentee_age_from", "mentee_age_to"} & set(keys)
    assert two.question("agehi_own_1").min_from == "agelo_own_1"
    assert {q.for_form for q in two.questions if q.for_form} == {"teacher_teacher", "own_1"}
    # Reading a form's values: per form with several forms, the single answers with one
    # (or with a mentor's older single answer).
    several = {"form": choices("teacher_teacher", "own_1"), "cap_own_1": 3, "agelo_own_1": 16,
               "capacity": 9}  # fmt: skip
    assert mentor_form_answers(several, "own_1").capacity == 3
    assert mentor_form_answers(several, "teacher_teacher").capacity is None
    older = {"form": choice("own_1"), "capacity": 2, "mentee_age_from": 12}
    assert (mentor_form_answers(older, "own_1").capacity,
            mentor_form_answers(older, "own_1").age_from) == (2, 12)  # fmt: skip


def test_a_student_mentee_is_asked_no_school_questions() -> None:
    from dialogs.mentee import MENTEE, mentee_questionnaire

    college = mentee_questionnaire(student=True)
    keys = [q.key for q in college.questions]
    assert "class_course" not in keys and "subject" not in keys
    assert {"course", "discipline"} <= set(keys)
    labels = {o.value: o.label for o in college.question("request").options}
    assert "school" not in (labels["adaptation"] + labels["school_subject"]).lower()
    # The codes stay those of the one list: matching compares them with competencies.
    assert list(labels) == [o.value for o in MENTEE.question("request").options]
    assert mentee_questionnaire(student=False) is MENTEE


async def test_the_profile_screen_changes_only_the_curators_own_form(harness: Harness) -> None:
    from handlers.form_profile_views import FormGroups, FormMenteeKind, FormPaceChoice

    services = harness.app.services
    mine = await organization(harness, "Колледж № 3")  # its curator is CURATOR
    theirs = await services.organizations.create("Школа № 40", "Europe/Moscow")
    other_curator = CURATOR + 1
    await services.organizations.add_curator(theirs.id, other_curator)
    for org in (mine, theirs):
        await services.organizations.add_own_form(org.id, "Педагог – студент")

    forms = (await harness.send(CURATOR, "/forms"))[-1]
    listing = (await harness.press(CURATOR, forms.data_of("Кто участвует"), forms.message_id))[-1]
    assert "Педагог – студент: педагоги → ученики" in listing.text
    opened = await harness.press(CURATOR, listing.data_of("Педагог – студент"), listing.message_id)
    screen = opened[-1]
    assert "Наставляемые: ученики" in screen.text and "● Наставляемые: ученики" in str(
        screen.buttons
    )
    # The other organization's curator presses the same data: their own form changes, never
    # this college's.
    data = FormMenteeKind(code="own_1", kind=ParticipantKind.EMPLOYER).pack()
    await harness.press(other_curator, data)
    ours = await services.organizations.form(mine.id, "own_1")
    other = await services.organizations.form(theirs.id, "own_1")
    assert ours is not None and ours.declared_mentee_kind is None
    assert other is not None and other.mentee_kind is ParticipantKind.EMPLOYER
    # A double tap: the first saves, the second says nothing changed.
    students = FormMenteeKind(code="own_1", kind=ParticipantKind.STUDENT).pack()
    await harness.press(CURATOR, students, screen.message_id)
    await harness.press(CURATOR, students, screen.message_id)
    texts = [a.text for a in harness.session.callback_answers()[-2:]]
    assert texts == ["Сохранено для формы «Педагог – студент».", "Уже так: ничего не изменилось."]
    # A form this college does not have: outdated, nothing changes.
    await harness.press(CURATOR, FormPaceChoice(code="own_9", pace=FormPace.SPEED).pack())
    assert harness.session.callback_answers()[-1].text == "В вашей организации нет такой формы."
    await harness.press(CURATOR, FormGroups(code="own_1", allowed=False).pack())
    after = await services.organizations.form(mine.id, "own_1")
    assert after is not None
    assert (after.mentee_kind, after.pace, after.allows_groups) == (
        ParticipantKind.STUDENT, FormPace.REGULAR, False
    )  # fmt: skip
    # A participant (no curator) is refused by the curators' filter.
    await ready(harness, mine.id, ILYA, "mentee", student("Лебедев Илья", "2 курс"))
    await harness.press(ILYA, FormGroups(code="own_1", allowed=True).pack())
    again = await services.organizations.form(mine.id, "own_1")
    assert again is not None and again.allows_groups is False


async def test_the_stages_per_form_count_a_mentor_in_each_of_their_forms(
    harness: Harness,
) -> None:
    """The stages per form: a mentor in two forms is in both forms' rows, with that form's
    pairs; the organization's row counts everyone once."""
    ids = await college(harness)
    services = harness.app.services
    org = ids["org"]
    for mentee, mentor in (("yulia", "anna"), ("ilya", "anna"), ("masha", "kirill")):
        outcome = await services.pairing.assign_directly(org, ids[mentee], ids[mentor], force=False)
        assert outcome.pair is not None, (mentee, outcome)
    stages = (await services.indicators.for_organization(org)).stages
    counted = {
        form: (s.invited, s.questionnaire_done, s.in_pairs)
        for form, s in stages.items()
        if form in (None, "teacher_teacher", "own_1", "pupil_pupil", "student_pupil")
    }
    assert counted == {
        # Anna, Kirill and six mentees, each once; in pairs: both mentors and three mentees.
        None: (8, 8, 5),
        # Anna (her pair with Yulia) and Yulia.
        "teacher_teacher": (2, 2, 2),
        # Anna (her pair with Ilya) and the three students, Ilya in a pair.
        "own_1": (4, 4, 2),
        # Kirill (his pair with Masha) and Masha.
        "pupil_pupil": (2, 2, 2),
        # Kirill, with no pair in this form yet, and Petya, who waits.
        "student_pupil": (2, 2, 0),
    }
