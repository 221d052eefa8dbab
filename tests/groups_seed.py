"""A school with a group of three students and one one-to-one pair, for the group tests
(in-process and end-to-end): built through the services, as the bot builds them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.services import Services
from storage.database import Database
from tests.cohort import choice, mentee_answers, mentor_answers, seed_ready

CURATOR, OTHER_CURATOR = 555, 556
IRINA, OLGA = 101, 102  # Irina leads the group; Olga has one mentee
ANNA, BORIS, VERA, GLEB = 201, 202, 203, 204  # Anna, Boris, Vera in the group; Gleb with Olga
STUDENTS = {ANNA: "Анна Смирнова", BORIS: "Борис Орлов", VERA: "Вера Козлова"}
FORM = "employer_student"


@dataclass(frozen=True)
class GroupSeed:
    organization_id: int
    other_organization_id: int
    irina: int  # participant ids
    olga: int
    students: dict[int, int]  # telegram id: participant id
    gleb: int
    pairs: dict[int, int]  # mentee telegram id: pair id
    group_id: int | None


async def seed_people(services: Services, db: Database, now: datetime) -> GroupSeed:
    """The two schools, Irina (three places), Olga (one), the three students and Gleb, ready
    and admitted, without pairs yet."""
    org = await services.organizations.create("Колледж № 3", "Asia/Chita")
    other = await services.organizations.create("Школа № 9", "Asia/Chita")
    await services.organizations.add_curator(org.id, CURATOR)
    await services.organizations.add_curator(other.id, OTHER_CURATOR)

    async def mentor(telegram_id: int, name: str, capacity: int) -> int:
        answers = mentor_answers(
            name,
            capacity=capacity,
            form=choice(FORM),
            mentee_age_from=16,
            mentee_age_to=30,
            workplace_org="Завод «Прогресс»",
        )
        pid = await seed_ready(services, db, now, org.id, telegram_id, "mentor", answers)
        assert await services.admission.admit(org.id, pid, CURATOR) is None
        return pid

    irina = await mentor(IRINA, "Ирина Павловна Соколова", 3)
    olga = await mentor(OLGA, "Ольга Викторовна Белова", 1)
    students = {
        chat: await student(services, db, now, org.id, chat, name)
        for chat, name in STUDENTS.items()
    }
    gleb = await student(services, db, now, org.id, GLEB, "Глеб Новиков")
    return GroupSeed(org.id, other.id, irina, olga, students, gleb, {}, None)


async def student(
    services: Services, db: Database, now: datetime, organization_id: int, chat: int, name: str
) -> int:
    answers = mentee_answers(
        name, birth="2006-05-01", category=choice("student"), form=choice(FORM)
    )
    return await seed_ready(services, db, now, organization_id, chat, "mentee", answers)


async def seed_group_school(
    services: Services, db: Database, now: datetime, *, form_group: bool = True
) -> GroupSeed:
    """:func:`seed_people`, Irina assigned the three students and Olga Gleb (directly), and
    (``form_group``) the curator's group of Irina's three pairs."""
    people = await seed_people(services, db, now)
    org_id, irina = people.organization_id, people.irina
    pairs: dict[int, int] = {}
    for chat, pid in people.students.items():
        outcome = await services.pairing.assign_directly(org_id, pid, irina, force=True)
        assert outcome.pair is not None, outcome
        pairs[chat] = outcome.pair.id
    outcome = await services.pairing.assign_directly(org_id, people.gleb, people.olga, force=True)
    assert outcome.pair is not None, outcome
    pairs[GLEB] = outcome.pair.id
    group_id = None
    if form_group:
        group = await services.groups.form(org_id, [pairs[c] for c in STUDENTS])
        assert not isinstance(group, str), group
        group_id = group.id
    return replace(people, pairs=pairs, group_id=group_id)
