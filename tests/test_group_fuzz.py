"""Forged presses on the group buttons: the buttons a group's mentor, members and curator are
shown (the calendar, the attendance, /groups, the card), their numbers mutated and pressed by
anyone. The error handler must never run, and nobody is apologised to."""

from __future__ import annotations

import logging
import random
from datetime import UTC, date, datetime, time
from pathlib import Path

from bot.groups import GroupMeetingView
from handlers.group_views import GroupAnswer, GroupShow
from tests.groups_seed import (
    ANNA,
    BORIS,
    CURATOR,
    GLEB,
    IRINA,
    OLGA,
    OTHER_CURATOR,
    VERA,
    seed_group_school,
)
from tests.inprocess import running_harness
from tests.test_fuzz_callbacks import _NUMBER, buttons_of, mutate
from tests.test_malformed_updates import CountingHandler

ACTORS = (CURATOR, OTHER_CURATOR, IRINA, OLGA, ANNA, BORIS, VERA, GLEB, 4_000_000)
PRESSES = 1500


async def test_forged_group_presses_never_fail(tmp_path: Path) -> None:
    errors = CountingHandler()
    watched = [logging.getLogger("handlers.errors"), logging.getLogger("aiogram.event")]
    for logger in watched:
        logger.addHandler(errors)
    try:
        async with running_harness(tmp_path) as harness:
            services = harness.app.services
            seed = await seed_group_school(services, harness.app.db, harness.clock.now())
            view = await services.groups.schedule(
                seed.pairs[ANNA], IRINA, date(2026, 3, 17), time(15, 0), "online", "link"
            )
            assert isinstance(view, GroupMeetingView)
            harness.clock.advance(datetime(2026, 3, 17, 7, 30, tzinfo=UTC) - harness.clock.now())
            await services.followups.claim()  # the mentor's question is due
            real: set[str] = set()
            for actor, command in (
                (CURATOR, "/groups"), (IRINA, "/meetings"), (ANNA, "/meetings"),
                (CURATOR, "/matching"),
            ):  # fmt: skip
                real |= {data for _, data in buttons_of(await harness.send(actor, command))}
            gm = view.group_meeting.id
            real |= {GroupAnswer(group_meeting_id=gm, answer="held").pack()}
            real |= {GroupShow(group_id=view.side.group.id).pack()}
            queue = sorted(real)
            for data in queue[:60]:
                for actor in (CURATOR, IRINA):
                    real |= {d for _, d in buttons_of(await harness.press(actor, data))}
            pool = sorted(d for d in real if d.startswith(("grp1", "gcu1", "mtg1")))
            assert any(d.startswith("grp1m") for d in pool), pool  # the attendance was reached
            numbers = [int(n) for d in pool for n in _NUMBER.findall(d)]
            ids = sorted({n for n in numbers if 0 <= n < 2**63}) or [1]
            rng = random.Random(20261206)
            for _ in range(PRESSES):
                data = mutate(rng.choice(pool), rng, ids)
                await harness.press(rng.choice(ACTORS), data, message_id=rng.randint(1, 2000))
                if errors.records:
                    break
            assert not errors.records, [
                (r.getMessage(), r.exc_info[1] if r.exc_info else None) for r in errors.records
            ]
            apology = "что-то пошло не так"
            assert not [s for s in harness.session.sent if apology in s.text]
    finally:
        for logger in watched:
            logger.removeHandler(errors)
