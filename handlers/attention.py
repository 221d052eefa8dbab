"""The curators hear of a pair that needs attention: from the follow-up answers (a handler)
and from the daily cadence guard (a job), each curator through the outbox."""

from __future__ import annotations

from bot.cadence import Raised
from bot.outbox import Render
from bot.pairing import PairPeople
from bot.services import Services
from handlers.followup_views import Answered, attention_screen, second_answer_screen


async def tell_curators(services: Services, organization_id: int, render: Render) -> None:
    for curator in await services.organizations.curators(organization_id):
        await services.outbox.send(curator.telegram_id, render, kind="attention")


async def tell_curators_attention(
    services: Services, raised: Raised, answered: Answered | None = None
) -> None:
    """Once per raise: the pair, the reason, and the way to the list. ``answered`` is the
    name and the compatibility answers that raised it, shown before the comment."""
    await tell_curators(
        services,
        raised.people.pair.organization_id,
        lambda: attention_screen(raised, answered),
    )


async def tell_curators_second_answer(
    services: Services, people: PairPeople, answered: Answered, comment: str | None
) -> None:
    """The other side's "no" after the trial meeting, while the pair is already on the list
    for the first one: no second reason, but the curator reads this answer and comment too."""
    await tell_curators(
        services,
        people.pair.organization_id,
        lambda: second_answer_screen(people, answered, comment),
    )
