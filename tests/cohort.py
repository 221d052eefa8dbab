"""Seeding ready mentors and mentees directly (their joining is tested elsewhere)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.participants import AgeGroup
from bot.services import Services
from storage.database import Database
from storage.repositories.participants import ParticipantRepository
from tests.inprocess import Harness


def choices(*values: str) -> dict[str, Any]:
    return {"choices": list(values), "other": None}


def choice(value: str) -> dict[str, Any]:
    return {"choice": value, "other": None}


def mentor_answers(name: str, **overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "full_name": name,
        "contact": "@" + name.split()[0].lower() if name.isascii() else "+7 900 000-00-00",
        "birth_year": None,  # "prefer not to say": the age is unknown
        "workplace_org": "Школа № 5",
        "workplace_position": "учитель математики",
        "competencies": choices("olympiads", "exams"),
        "achievements": None,
        "interests": choices("chess", "robotics"),
        "mentee_age_from": 10,
        "mentee_age_to": 18,
        "capacity": 1,
        "time_resource": choice("hours_2"),
        "days": choices("tue", "thu"),
        "times": choices("after_lessons"),
        "meeting_format": choice("either"),
        "form": choice("student_pupil"),
        "experience": choice("some"),
        "motivation": "Хочу помогать",
    }
    if "workplace" in overrides:
        # A mentor who answered the single question asked before it was split.
        del answers["workplace_org"], answers["workplace_position"]
    answers.update(overrides)
    return answers


def mentee_answers(name: str, birth: str = "2012-05-01", **overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "full_name": name,
        "birth_date": birth,
        "contact": None,
        "parent_contact": "+7 900 111-22-33",
        "category": choice("pupil"),
        "class_course": "8 «Б»",
        "request": choices("olympiads"),
        "interests": choices("chess"),
        "days": choices("tue"),
        "times": choices("after_lessons"),
        "meeting_format": choice("online"),
        "form": choice("student_pupil"),
    }
    answers.update(overrides)
    return answers


async def ready(
    harness: Harness, organization_id: int, telegram_id: int, role: str, answers: dict[str, Any]
) -> int:
    """A participant with consent(s) and a confirmed questionnaire."""
    return await seed_ready(
        harness.app.services, harness.app.db, harness.clock.now(), organization_id, telegram_id,
        role, answers,
    )  # fmt: skip


async def seed_ready(
    services: Services,
    db: Database,
    now: datetime,
    organization_id: int,
    telegram_id: int,
    role: str,
    answers: dict[str, Any],
) -> int:
    birth = answers.get("birth_date")
    participant = await services.participants.join(
        organization_id=organization_id,
        telegram_id=telegram_id,
        role=role,
        birth_date=date.fromisoformat(birth) if isinstance(birth, str) else None,
        invitation_id=None,
    )
    assert participant is not None
    repository = ParticipantRepository(db)
    if participant.age_group != AgeGroup.CHILD:
        await services.participants.give_own_consent(participant, "текст согласия", "ru")
    if participant.age_group != AgeGroup.ADULT:
        await repository.add_consent(
            participant_id=participant.id, kind="representative", given_by=telegram_id + 10**6,
            representative_name="Мама", representative_relation="mother",
            text_version="v", text_sha256="0" * 64, locale="ru", now=now,
            representative_phone="+79000000000",
        )  # fmt: skip
        # The curator has checked the representative (migration 0026): ready to be matched.
        await db.execute_alone(
            "UPDATE consents SET checked_as = 'records', checked_by = 1, checked_at = given_at "
            "WHERE participant_id = ? AND kind = 'representative'",
            (participant.id,),
        )
    for key, value in answers.items():
        await repository.save_answer(participant.id, key, value, None, now)
    await repository.confirm(participant.id, now)
    return participant.id
