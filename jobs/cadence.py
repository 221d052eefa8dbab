"""The cadence job: the daily guard (nudges to overdue pairs, the curators told of the pairs
that need attention) and the weekly digest for the curators.

Each run is recorded per organization and local day (week) by :class:`bot.cadence.CadenceService`
in ``job_runs``, so the tick may come often and after restarts. Nudges and digests are queued in
the outbox (within the rate limit, skipping the unreachable).
"""

from __future__ import annotations

from typing import Any

from bot.cadence import Digest, Nudge, Raised
from bot.outbox import Render
from bot.services import Services
from handlers.cadence_views import digest_screen, nudge_screen
from handlers.followup_views import attention_screen
from handlers.people import display_name


async def run_cadence(services: Services) -> None:
    report = await services.cadence.daily()
    nudges: list[tuple[int, Render]] = []
    for nudge in report.nudged:
        people = nudge.people
        for person, other, answers in (
            (people.mentor, people.mentee, people.mentee_answers),
            (people.mentee, people.mentor, people.mentor_answers),
        ):
            nudges.append((person.telegram_id, nudge_render(nudge, other.id, answers)))
    await services.outbox.post(nudges, kind="nudge")
    alerts: list[tuple[int, Render]] = []
    for raised in report.raised:
        curators = await services.organizations.curators(raised.people.pair.organization_id)
        alerts += [(curator.telegram_id, attention_render(raised)) for curator in curators]
    await services.outbox.post(alerts, kind="attention")
    digests: list[tuple[int, Render]] = []
    for digest in await services.cadence.digests():
        digests += [(chat_id, digest_render(digest)) for chat_id in digest.curator_telegram_ids]
    await services.outbox.post(digests, kind="digest")


# The names are written inside the render: a person with no name yet is named in the
# reader's language.
def nudge_render(nudge: Nudge, other_id: int, answers: dict[str, Any]) -> Render:
    return lambda: nudge_screen(nudge, display_name(other_id, answers))


def digest_render(digest: Digest) -> Render:
    return lambda: digest_screen(digest)


def attention_render(raised: Raised) -> Render:
    return lambda: attention_screen(raised)
