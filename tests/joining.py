"""In-process helpers for joining scenarios: an organization, links, a filled questionnaire."""

from __future__ import annotations

import re
from typing import Any

from bot.models.invitations import Invitation, InvitationRole
from bot.models.organizations import Organization
from dialogs.model import Question, QuestionKind
from handlers.guardian_views import GuardianDecision, RelationChoice
from handlers.join_views import AgeAnswer, ConsentAnswer
from handlers.questionnaire_views import Act, Pick
from tests.inprocess import Harness, Sent

CURATOR = 555


async def organization(harness: Harness, name: str = "Школа № 5") -> Organization:
    services = harness.app.services
    org = await services.organizations.create(name, "Asia/Chita")
    await services.organizations.add_curator(org.id, CURATOR)
    return org


async def invitation(harness: Harness, org: Organization, role: str) -> Invitation:
    return await harness.app.services.invitations.create(org.id, InvitationRole(role), CURATOR)


async def start_as_adult(harness: Harness, user: int, link: Invitation) -> list[Sent]:
    await harness.send(user, f"/start {link.token}")
    return await harness.press(user, AgeAnswer(adult=True).pack())


async def participant_id(harness: Harness, user: int, link: Invitation) -> int:
    found = await harness.app.services.participants.find(
        link.organization_id, user, link.role.value
    )
    assert found is not None
    return found.id


async def agree(harness: Harness, user: int, pid: int) -> list[Sent]:
    return await harness.press(user, ConsentAnswer(participant_id=pid, agree=True).pack())


async def adult_in_questionnaire(harness: Harness, user: int, role: str = "mentor") -> int:
    """An adult who joined through a link of a new organization and consented: the
    questionnaire's first question is waiting; returns the participant's id."""
    link = await invitation(harness, await organization(harness), role)
    await start_as_adult(harness, user, link)
    pid = await participant_id(harness, user, link)
    await agree(harness, user, pid)
    return pid


def answer_for(question: Question, answers: dict[str, Any], adult: bool) -> str:
    if question.key == "full_name":
        return "Иванова Мария Петровна"
    if question.kind == QuestionKind.DATE:
        return "12.03.1990" if adult else "12.03.2011"
    if question.kind == QuestionKind.BIRTH_YEAR:
        return "1990"
    if question.kind == QuestionKind.NUMBER:
        low = question.min_value or 0
        if question.min_from and isinstance(answers.get(question.min_from), int):
            low = max(low, answers[question.min_from])
        return str(low)
    return "Хочу помогать ребятам с олимпиадами"


async def fill_questionnaire(
    harness: Harness, user: int, pid: int, *, adult: bool = True, limit: int = 60
) -> list[Sent]:
    """Answer every question the runner asks with a valid answer, up to the summary."""
    questionnaires = harness.app.services.questionnaires
    replies: list[Sent] = []
    for _ in range(limit):
        step = await questionnaires.step(pid)
        question = step.question
        if question is None:
            return replies
        kind = question.kind
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO, QuestionKind.SCALE):
            value = step.options[0].value
            replies = await harness.press(user, Pick(p=pid, k=question.key, v=value).pack())
        elif kind == QuestionKind.MULTI_CHOICE:
            value = step.options[0].value
            await harness.press(user, Pick(p=pid, k=question.key, v=value).pack())
            replies = await harness.press(user, Act(p=pid, a="done", k=question.key).pack())
        else:
            replies = await harness.send(user, answer_for(question, step.answers, adult))
        after = await questionnaires.step(pid)
        assert after.question is None or after.question.key != question.key, (
            question.key,
            [r.text for r in replies],
        )
    raise AssertionError("the questionnaire did not end")


async def confirm(harness: Harness, user: int, pid: int) -> list[Sent]:
    return await harness.press(user, Act(p=pid, a="confirm").pack())


def guardian_token(harness: Harness, child: int) -> str:
    """The token of the last parent's link sent to the child."""
    link = next(
        s.text for s in reversed(harness.session.sent) if s.chat_id == child and "?start=" in s.text
    )
    found = re.search(r"\?start=([A-Za-z0-9_-]+)", link)
    assert found
    return found.group(1)


CHILD_FULL_NAME = "Иванова Злата Сергеевна"
PARENT_PHONE = "79001234567"


async def share_phone(
    harness: Harness, parent: int, phone: str = PARENT_PHONE, owner: int | None = None
) -> list[Sent]:
    """The parent presses Telegram's contact button (``owner``: someone else's contact)."""
    contact = {"phone_number": phone, "first_name": "Анна", "user_id": owner or parent}
    return await harness.send_raw(parent, {"contact": contact})


async def parent_consents(
    harness: Harness, parent: int, token: str, child_name: str = CHILD_FULL_NAME
) -> Sent:
    """The parent opens the link, types both names, picks «мать» and agrees; the consent text."""
    replies = await harness.send(parent, f"/start {token}")
    assert "нужно согласие родителя" in replies[-1].text
    await harness.send(parent, "Петрова Анна Сергеевна")
    await harness.send(parent, child_name)
    await harness.press(parent, RelationChoice(relation="mother").pack())  # type: ignore[arg-type]
    await share_phone(harness, parent)
    consent = harness.session.sent[-1]
    assert "Петрова Анна Сергеевна" in consent.text and "мать" in consent.text
    request_id = int(consent.data_of("Согласен").split(":")[1])
    await harness.press(parent, GuardianDecision(request_id=request_id, agree=True).pack())
    return consent
