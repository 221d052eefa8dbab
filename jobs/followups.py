"""The follow-up job: "did the meeting take place?" to each side, once, and the one repeat.

The due rows are claimed in the database (a restart loses nothing and repeats nothing); each
question goes through the outbox in the recipient's language.
"""

from __future__ import annotations

import asyncio

from bot.followups import FollowupJob
from bot.sender import Outcome
from bot.services import Services
from handlers.followup_views import question_screen
from handlers.group_views import question_screen as group_question_screen


async def deliver_followups(services: Services) -> int:
    """Ask every due question once (and the one repeat); returns how many were delivered."""
    jobs = await services.followups.claim()
    if not jobs:
        return 0
    outcomes = await asyncio.gather(*(ask_one(services, job) for job in jobs))
    return sum(1 for delivered in outcomes if delivered)


async def ask_one(services: Services, job: FollowupJob) -> bool:
    followup = job.followup
    side = await services.meetings.side(job.meeting.pair_id, followup.telegram_id)
    if side is None:  # the pair ended meanwhile
        await services.followups.settle(followup.id, "dropped")
        return False
    group_meeting_id = job.meeting.group_meeting_id
    if group_meeting_id is not None:  # a group's meeting: the mentor answers for the group
        outcome = await services.outbox.send(
            followup.telegram_id,
            lambda: group_question_screen(job.meeting, side.timezone, job.last, group_meeting_id),
            kind="followup",
        )
    else:
        outcome = await services.outbox.send(
            followup.telegram_id, lambda: question_screen(job, side), kind="followup"
        )
    if outcome is Outcome.UNREACHABLE:
        await services.followups.settle(followup.id, "unreachable")
    return outcome is Outcome.DELIVERED
