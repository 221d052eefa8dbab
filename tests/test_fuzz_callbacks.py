"""Five thousand presses built from the bot's real buttons with their numbers mutated.

First the bot is explored as its people would: commands of every role, then every button it
showed, pressed once by the person it was shown to, collecting the callback data of every
message. Then presses are forged from that data: ids swapped for other real ids, neighbours,
zero, negative, and numbers no id can have; enum values for unknown words; pressed by the
curator, the administrator, a mentor, a mentee or a stranger. The error handler (which would
apologise to the person) must never run.
"""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path

from aiogram.filters.callback_data import CallbackData

from tests.cohort import mentee_answers, mentor_answers, ready
from tests.inprocess import Harness, Sent, running_harness
from tests.test_malformed_updates import CountingHandler

CURATOR, ADMIN, MENTOR, MENTEE, OTHER_MENTEE, STRANGER = 7, 777, 8, 9, 10, 4_000_000
ACTORS = (CURATOR, ADMIN, MENTOR, MENTEE, OTHER_MENTEE, STRANGER)
COMMANDS = (
    "/start", "/help", "/curator", "/admission", "/matching", "/pairs", "/meetings", "/profile",
    "/candidates", "/links", "/forms", "/invite", "/announce", "/holidays", "/cycle", "/stats",
    "/preferences", "/choose", "/language", "/support", "/meetingsettings", "/orgs", "/neworg",
    "/indicators", "/mydata", "/coordinator", "/municipality", "/schools", "/groups",
)  # fmt: skip
# Presses that end the exploration's people (the fuzzing presses them too, later).
ENDING = re.compile(r"^(rgt1|rev)", re.IGNORECASE)
FORGED_PRESSES = 5000
_NUMBER = re.compile(r"-?\d+")


async def seed(harness: Harness) -> None:
    services = harness.app.services
    org = await services.organizations.create("Школа", "Asia/Chita")
    await services.organizations.add_curator(org.id, CURATOR)
    mentor = await ready(harness, org.id, MENTOR, "mentor", mentor_answers("Ольга Викторовна"))
    await ready(harness, org.id, MENTEE, "mentee", mentee_answers("Маша Иванова"))
    await ready(harness, org.id, OTHER_MENTEE, "mentee", mentee_answers("Петя Сидоров"))
    await services.admission.admit(org.id, mentor, CURATOR)
    await services.pairing.run(org.id, CURATOR)


def buttons_of(sent: list[Sent]) -> list[tuple[int, str]]:
    return [(s.chat_id, data) for s in sent for _, data in s.buttons if data]


async def explore(harness: Harness, limit: int = 400) -> set[str]:
    """Every callback data the bot shows while its people use it."""
    seen: set[str] = set()
    queue: list[tuple[int, str]] = []
    for actor in ACTORS:
        for command in COMMANDS:
            queue += buttons_of(await harness.send(actor, command))
            await harness.send(actor, "/cancel")
    pressed = 0
    while queue and pressed < limit:
        chat, data = queue.pop(0)
        if data in seen:
            continue
        seen.add(data)
        if ENDING.match(data):
            continue
        pressed += 1
        queue += buttons_of(await harness.press(chat, data))
    return seen


def mutate(data: str, rng: random.Random, ids: list[int]) -> str:
    prefix, *fields = data.split(":")
    out = []
    for field in fields:
        if _NUMBER.fullmatch(field) and rng.random() < 0.8:
            number = int(field)
            field = str(
                rng.choice(
                    [0, -1, 1, number + 1, number - 1, 2**31, 2**63 - 1, 2**63, 2**70,
                     10**30, -(2**63), rng.choice(ids)]
                )
            )  # fmt: skip
        elif not _NUMBER.fullmatch(field) and rng.random() < 0.2:
            field = rng.choice(["", "x", "approve", "0", "none", "ё" * 3])
        out.append(field)
    if rng.random() < 0.05:
        out.append("1")  # one field too many
    return ":".join([prefix, *out])[:64]


async def test_forged_presses_from_real_buttons_never_fail(tmp_path: Path) -> None:
    errors = CountingHandler()
    watched = [logging.getLogger("handlers.errors"), logging.getLogger("aiogram.event")]
    for logger in watched:
        logger.addHandler(errors)
    try:
        async with running_harness(tmp_path) as harness:
            await seed(harness)
            real = sorted(await explore(harness))
            # Buttons of most areas were reached (the prefixes say which).
            prefixes = {data.split(":")[0] for data in real}
            assert len(prefixes) >= 25, sorted(prefixes)
            numbers = [int(n) for d in real for n in _NUMBER.findall(d)]
            ids = sorted({n for n in numbers if 0 <= n < 2**63}) or [1]
            rng = random.Random(20261206)
            for _ in range(FORGED_PRESSES):
                data = mutate(rng.choice(real), rng, ids)
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


def test_callback_prefixes_are_unique() -> None:
    """Two classes with one prefix would route a press to the wrong handler."""
    import handlers  # noqa: F401  (imports every router module)

    prefixes: dict[str, str] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            prefix = sub.__prefix__  # type: ignore[attr-defined]
            assert prefixes.setdefault(prefix, sub.__name__) == sub.__name__, prefix
            walk(sub)

    walk(CallbackData)
    assert len(prefixes) > 20
