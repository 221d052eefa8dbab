"""Who is told of a plan: everyone who works by it. A group's members share one plan (its
mentor is told once); a pair outside a group is its mentor and mentee."""

from __future__ import annotations

from bot.models.participants import Participant
from bot.models.plans import PlanVersion
from bot.pairing import PairPeople
from bot.services import Services
from handlers.followup_views import pair_title
from handlers.people import display_name
from handlers.plan_views import PlanWho


async def plan_people(services: Services, version: PlanVersion) -> list[PairPeople]:
    """The pairs (with their people) that work by the version's plan, in pair order."""
    pairs = await services.plans.audience(version)
    found = await services.pairing.people_of(pairs)
    return [found[pair.id] for pair in pairs if pair.id in found]


def told(people: list[PairPeople]) -> list[Participant]:
    """The mentor once, then each mentee: the people of the pairs, each once."""
    seen: dict[int, Participant] = {}
    for pair in people:
        for person in (pair.mentor, pair.mentee):
            seen.setdefault(person.id, person)
    return list(seen.values())


def plan_title(people: list[PairPeople]) -> PlanWho:
    """Whose plan, for the curator: the pair, or the group's mentor and every member."""
    if len(people) == 1:
        return PlanWho(pair_title(people[0]))
    mentor = display_name(people[0].mentor.id, people[0].mentor_answers)
    members = ", ".join(display_name(p.mentee.id, p.mentee_answers) for p in people)
    return PlanWho(f"{mentor} ({members})", group=True)
