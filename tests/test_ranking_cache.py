"""The mentor ranking is kept with the school's change counters (bot/pair_results.py: the lists'
counter of migration 0019 and the pairs' activity counter of migrations 0020 and 0022): every
change that alters a figure it shows moves one of them, so the kept ranking is always what a
fresh count gives; changes it does not show leave the counters (and the kept ranking) alone."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.clock import to_db
from bot.models.periods import Period
from tests.inprocess import Harness
from tests.joining import CURATOR
from tests.test_cycles import meeting, respond, two_pairs
from tests.test_pairing import OTHER_CURATOR


async def test_every_change_the_ranking_shows_moves_the_counter_and_the_ranking(
    harness: Harness,
) -> None:
    ids, pairs = await two_pairs(harness)
    org = ids["org"]
    services = harness.app.services
    results = services.pair_results
    db = harness.app.db
    computed: list[int] = []
    original = results._repository.mentor_figures

    async def counting(organization_id: int, period: Period) -> Any:
        computed.append(organization_id)
        return await original(organization_id, period)

    results._repository.mentor_figures = counting  # type: ignore[method-assign]
    seen: list[tuple[int, int]] = []

    async def check(*, moves: bool) -> list[Any]:
        """A counter moved (or none) and the ranking is exactly a fresh count's."""
        now = await services.participants.versions(org)
        assert (now != seen[-1]) is moves, (seen, now)
        seen.append(now)
        before = len(computed)
        shown = await results.ranking(org)
        assert len(computed) == before + (1 if moves else 0)
        fresh = await results._ranked(org, Period.current_cycle())
        assert shown == fresh
        return fresh

    seen.append(await services.participants.versions(org))
    first = await results.ranking(org)
    assert await results.ranking(org) == first and len(computed) == 1  # kept: not counted again
    past = harness.clock.now() - timedelta(days=1)

    proposed = await meeting(harness, pairs["olga"], "regular", "proposed", past)
    await check(moves=False)  # a proposed meeting is in no figure
    async with db.transaction() as tx:
        await tx.execute("UPDATE meetings SET status = 'held' WHERE id = ?", (proposed,))
    ranking = await check(moves=True)
    assert {r.mentor_id: r.meetings_held for r in ranking}[ids["olga"]] == 1

    held = await meeting(harness, pairs["pavel"], "regular", "held", past)
    ranking = await check(moves=True)
    assert {r.mentor_id: r.meetings_held for r in ranking}[ids["pavel"]] == 1

    # A form being filled in is no answer yet; completing it is.
    now = to_db(harness.clock.now())
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO responses (form, participant_id, subject, meeting_id, answers, "
            "started_at, updated_at) VALUES ('meeting_feedback', ?, ?, ?, ?, ?, ?)",
            (ids["petya"], f"meeting:{held}", held, json.dumps({"usefulness": 4}), now, now),
        )
    await check(moves=False)
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE responses SET completed_at = ? WHERE participant_id = ?", (now, ids["petya"])
        )
    ranking = await check(moves=True)
    assert ranking[0].mentor_id == ids["pavel"] and ranking[0].usefulness == 4.0
    await respond(harness, "meeting_feedback", ids["masha"], f"meeting:{proposed}",
                  {"usefulness": 5}, meeting_id=proposed)  # fmt: skip
    ranking = await check(moves=True)
    assert ranking[0].mentor_id == ids["olga"] and ranking[0].usefulness == 5.0

    # The day of a meeting (its feedback's period), a meeting gone, a feedback gone.
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE meetings SET starts_at = ? WHERE id = ?",
            (to_db(past - timedelta(days=1)), proposed),
        )
    await check(moves=True)
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM responses WHERE participant_id = ?", (ids["masha"],))
    ranking = await check(moves=True)
    assert ranking[0].mentor_id == ids["pavel"]
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM meetings WHERE id = ?", (held,))
    ranking = await check(moves=True)
    assert {r.mentor_id: r.meetings_held for r in ranking}[ids["pavel"]] == 0

    # A pair completed, a pair's start, a mentor's name.
    async with db.transaction() as tx:
        await tx.execute("UPDATE pairs SET completed = 1 WHERE id = ?", (pairs["olga"],))
    ranking = await check(moves=True)
    assert {r.mentor_id: r.completed for r in ranking}[ids["olga"]] == 1
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE pairs SET started_on = date(started_on, '-1 day') WHERE id = ?",
            (pairs["pavel"],),
        )
    await check(moves=True)
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE answers SET value = ? WHERE participant_id = ? AND question = 'full_name'",
            (json.dumps("Ольга Петровна"), ids["olga"]),
        )
    ranking = await check(moves=True)
    assert "Ольга Петровна" in [r.full_name for r in ranking]
    shown = (await harness.send(CURATOR, "/ranking", language_code="en"))[-1].text
    assert "Ольга Петровна" in shown and "Ольга Викторовна" not in shown

    # Another school's changes leave this school's counter alone.
    other = await services.organizations.create("Лицей № 1", "Europe/Moscow")
    await services.organizations.add_curator(other.id, OTHER_CURATOR)
    await check(moves=False)


async def test_a_dated_period_is_kept_apart_from_the_cycle(harness: Harness) -> None:
    ids, pairs = await two_pairs(harness)
    results = harness.app.services.pair_results
    today = harness.clock.now().date()
    period = Period.between(today - timedelta(days=30), today)
    long_ago = harness.clock.now() - timedelta(days=60)
    await meeting(harness, pairs["olga"], "regular", "held", long_ago)
    by_cycle = await results.ranking(ids["org"])
    by_range = await results.ranking(ids["org"], period)
    assert by_cycle is not None and by_range is not None
    assert {r.mentor_id: r.meetings_held for r in by_cycle}[ids["olga"]] == 1
    assert {r.mentor_id: r.meetings_held for r in by_range}[ids["olga"]] == 0


async def test_the_cycle_counts_kept_with_the_counter_are_always_fresh(harness: Harness) -> None:
    ids, pairs = await two_pairs(harness)
    org = ids["org"]
    cycles = harness.app.services.cycles
    db = harness.app.db

    async def agree() -> Any:
        summary = await cycles.summary(org)
        assert summary.counts == await cycles._repository.counts(summary.cycle.id)
        return summary.counts

    first = await agree()
    assert (first.pairs, first.active_pairs, first.completed_pairs) == (2, 2, 0)
    today = harness.clock.now().date().isoformat()
    changes = (
        ("UPDATE pairs SET completed = 1 WHERE id = ?", (pairs["olga"],)),
        ("UPDATE pairs SET ended_on = ? WHERE id = ?", (today, pairs["olga"])),
        ("UPDATE pairs SET mentee_id = NULL, ended_on = ? WHERE id = ?", (today, pairs["pavel"])),
        ("UPDATE pairs SET cycle_id = NULL WHERE id = ?", (pairs["pavel"],)),
        ("UPDATE participants SET cycle_id = NULL WHERE id = ?", (ids["vika"],)),
    )
    seen = [first]
    for sql, params in changes:
        async with db.transaction() as tx:
            await tx.execute(sql, params)
        counts = await agree()
        assert counts != seen[-1], sql
        seen.append(counts)
