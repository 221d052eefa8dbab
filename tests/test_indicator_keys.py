"""A region's summary works out the enterprise key of each spelling of a mentor's workplace
once, and lets the event loop serve others while it does (issue 13: no waiting behind
reports)."""

from __future__ import annotations

import asyncio

from bot.models.reports import Employer, Involvement
from bot.reports import indicators
from bot.reports.indicators import KEYS_BETWEEN_YIELDS, _learn_keys, _Rows


def rows_with(workplaces: list[str]) -> _Rows:
    employers = [Employer(1, name, True, False) for name in workplaces]
    return _Rows(
        stages={}, enabled={}, meetings={}, polls={},
        involvement={1: Involvement({}, {}, employers)},
        denominators={}, target_year=2026, targets={}, aliases=[],
    )  # fmt: skip


async def test_the_keys_are_learnt_once_with_the_loop_served_between() -> None:
    indicators._enterprise_key.cache_clear()
    distinct = [f"ООО «Предприятие номер {n}»" for n in range(3 * KEYS_BETWEEN_YIELDS)]
    rows = rows_with(distinct + distinct)  # every spelling twice
    served = 0
    learning = asyncio.create_task(_learn_keys(rows))

    while not learning.done():
        served += 1
        await asyncio.sleep(0)  # one turn of the loop, as another person's update would take
    await learning

    # The loop came back to others between every few hundred keys, not only at the end.
    assert served >= 3
    info = indicators._enterprise_key.cache_info()
    assert info.misses == len(distinct) and info.currsize == len(distinct)
    # Putting the figures together afterwards works each key out no more.
    assert indicators._enterprise_key("ООО «Предприятие номер 7»") == "предприятие номер 7"
    assert indicators._enterprise_key.cache_info().misses == len(distinct)
