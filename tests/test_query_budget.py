"""Statements per update, counted on the bot's connection (issue 13's budgets).

Every statement the connection runs counts, BEGIN and COMMIT included (a trigger's run is part
of its statement, see storage/statement_count.py). These are exact, deterministic counts: a
query added to a common path fails here, and the message lists the statements.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextvars import Context
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey

from handlers.questionnaire_views import Act, Pick
from handlers.workspace_views import Section, SectionName
from storage.fsm import SQLiteStorage
from storage.statement_count import CountedStatements, count_statements
from tests.cohort import mentee_answers, mentor_answers, ready
from tests.inprocess import Harness, Sent, running_harness
from tests.joining import (
    CURATOR,
    adult_in_questionnaire,
    answer_for,
    organization,
)

NEWCOMER = 9001
MENTOR = 4242
READY_MENTOR = 4343
READY_MENTEE = 4344
READY_MINOR = 4345

START_BUDGET = 2
ANSWER_BUDGET = 8
PANEL_BUDGET = 6


async def counted(
    harness: Harness, action: Awaitable[list[Sent]], *, replies: bool = True
) -> CountedStatements:
    async with count_statements(harness.app.db) as statements:
        sent = await action
    assert bool(sent) == replies, sent
    return statements


def within(statements: CountedStatements, budget: int, commits: int | None = None) -> None:
    assert statements.statements <= budget, statements.report()
    if commits is not None:
        assert statements.commits == commits, statements.report()


async def test_start_and_help_of_a_newcomer(harness: Harness) -> None:
    # The first update of a person also stores Telegram's language hint: one statement.
    within(await counted(harness, harness.send(NEWCOMER, "/start")), START_BUDGET, commits=0)
    within(await counted(harness, harness.send(NEWCOMER, "/help")), START_BUDGET, commits=0)
    within(await counted(harness, harness.send(NEWCOMER, "/start")), 1)


async def test_start_and_help_of_known_participants_and_a_curator(harness: Harness) -> None:
    org = await organization(harness)
    await ready(harness, org.id, READY_MENTOR, "mentor", mentor_answers("Петров Пётр"))
    await ready(harness, org.id, READY_MENTEE, "mentee", mentee_answers("Козлова Аня"))
    for person in (READY_MENTOR, READY_MENTEE, CURATOR):
        await harness.send(person, "/help")  # Telegram's language is stored from now on
        start = await counted(harness, harness.send(person, "/start"))
        within(start, START_BUDGET, commits=0)
        greeting = harness.session.answers(person)[-1].text
        # Participants are recognised (not greeted as newcomers) from the one read.
        participant = person != CURATOR
        assert ("Вы участник программы наставничества" in greeting) == participant, greeting
        within(await counted(harness, harness.send(person, "/help")), START_BUDGET, commits=0)
    assert "/curator" in harness.session.answers(CURATOR)[-1].text


async def test_a_questionnaire_answer_commits_once_within_budget(harness: Harness) -> None:
    pid = await adult_in_questionnaire(harness, MENTOR)
    questionnaires = harness.app.services.questionnaires
    kinds: set[str] = set()
    for _ in range(60):
        step = await questionnaires.step(pid)
        question = step.question
        if question is None:
            break
        kind = question.kind.value
        if kind in ("single_choice", "yes_no", "scale"):
            press = Pick(p=pid, k=question.key, v=step.options[0].value).pack()
            statements = await counted(harness, harness.press(MENTOR, press))
        elif kind == "multi_choice":
            # A pick changes only the dialogue's selection (kept with the update's record).
            pick = Pick(p=pid, k=question.key, v=step.options[0].value).pack()
            toggled = await counted(harness, harness.press(MENTOR, pick), replies=False)
            within(toggled, ANSWER_BUDGET, commits=1)  # only the buttons change
            done = Act(p=pid, a="done", k=question.key).pack()
            statements = await counted(harness, harness.press(MENTOR, done))
        else:
            text = answer_for(question, step.answers, adult=True)
            statements = await counted(harness, harness.send(MENTOR, text))
        kinds.add(kind)
        within(statements, ANSWER_BUDGET, commits=1)
        # The answer, the position and the update's record are in the one transaction.
        assert statements.begins == 1, statements.report()
        after = await questionnaires.step(pid)
        assert after.question is None or after.question.key != question.key
    assert step.question is None  # the whole questionnaire, to the summary
    assert {"short_text", "number", "single_choice", "multi_choice"} <= kinds, kinds


async def test_start_in_the_middle_of_the_questionnaire(harness: Harness) -> None:
    """/start of a person who joined and has not finished: the question is asked again
    within the budget of /start (who-am-I with the consents, the questionnaire's state), and
    nothing is stored while the dialogue already stands at that question."""
    pid = await adult_in_questionnaire(harness, MENTOR)
    await harness.send(MENTOR, "Иванова Ольга Петровна")
    for _ in range(2):
        statements = await counted(harness, harness.send(MENTOR, "/start"))
        within(statements, START_BUDGET, commits=0)
        asked = harness.session.answers(MENTOR)[-1]
        assert "рождения" in asked.text, asked.text
    step = await harness.app.services.questionnaires.step(pid)
    assert step.question is not None and step.question.key == "birth_year"
    # The answer after it is taken as before.
    await harness.send(MENTOR, "1990")
    after = await harness.app.services.questionnaires.step(pid)
    assert after.question is not None and after.question.key != "birth_year"


async def test_start_while_asked_to_consent_stores_nothing_again(harness: Harness) -> None:
    """/start of a person who joined and was asked to consent shows the request again; the
    dialogue already stands there, so nothing is written (a day later it is written once
    more, so that the housekeeping does not take a dialogue in use for abandoned)."""
    from datetime import timedelta

    from bot.clock import from_db
    from tests.joining import invitation, start_as_adult

    link = await invitation(harness, await organization(harness), "mentor")
    await start_as_adult(harness, MENTOR, link)

    async def stored_at() -> str:
        value = await harness.app.db.fetch_value("SELECT updated_at FROM fsm_records")
        assert isinstance(value, str)
        return value

    first = await stored_at()
    for _ in range(2):
        statements = await counted(harness, harness.send(MENTOR, "/start"))
        within(statements, START_BUDGET, commits=0)
        assert "согласи" in harness.session.answers(MENTOR)[-1].text.lower()
    assert await stored_at() == first
    harness.clock.advance(timedelta(days=2))
    statements = await counted(harness, harness.send(MENTOR, "/start"))
    assert statements.commits == 1, statements.report()
    assert from_db(await stored_at()) == harness.clock.now()


async def test_start_after_the_dialogue_was_lost_asks_again_and_stores_it(
    harness: Harness,
) -> None:
    """When the stored dialogue is gone (pruned after a long pause), /start puts the person
    back into the questionnaire: that is stored, in one commit."""
    pid = await adult_in_questionnaire(harness, MENTOR)
    await harness.send(MENTOR, "Иванова Ольга Петровна")
    async with harness.app.db.transaction() as tx:
        await tx.execute("DELETE FROM fsm_records")
    statements = await counted(harness, harness.send(MENTOR, "/start"))
    within(statements, 7, commits=1)
    await harness.send(MENTOR, "1990")
    after = await harness.app.services.questionnaires.step(pid)
    assert after.question is not None and after.question.key != "birth_year"


async def test_a_wrong_typed_answer_changes_nothing_and_reads_little(harness: Harness) -> None:
    pid = await adult_in_questionnaire(harness, MENTOR)
    await harness.send(MENTOR, "Иванова Ольга Петровна")
    step = await harness.app.services.questionnaires.step(pid)
    assert step.question is not None and step.question.key == "birth_year"
    statements = await counted(harness, harness.send(MENTOR, "давно"))
    within(statements, 2, commits=0)
    assert (await harness.app.services.questionnaires.step(pid)).question == step.question


@pytest.mark.parametrize("section", list(SectionName))
async def test_curator_panel_buttons(harness: Harness, section: SectionName) -> None:
    org = await organization(harness)
    await ready(harness, org.id, READY_MENTOR, "mentor", mentor_answers("Петров Пётр"))
    await ready(harness, org.id, READY_MENTEE, "mentee", mentee_answers("Козлова Аня"))
    await harness.send(CURATOR, "/curator")
    within(await counted(harness, harness.send(CURATOR, "/curator")), PANEL_BUDGET, commits=0)
    press = Section(name=section).pack()
    within(await counted(harness, harness.press(CURATOR, press)), PANEL_BUDGET, commits=0)


async def test_a_page_turn_of_the_curator(harness: Harness) -> None:
    org = await organization(harness)
    for number in range(12):
        await ready(harness, org.id, 5000 + number, "mentor", mentor_answers(f"Петров{number} П"))
    shown = await harness.press(CURATOR, Section(name=SectionName.ADMISSION).pack())
    turn = shown[-1].data_of("Далее")
    statements = await counted(harness, harness.press(CURATOR, turn))
    within(statements, PANEL_BUDGET, commits=0)


async def test_a_removed_curator_is_no_curator_on_the_next_update(harness: Harness) -> None:
    """The who-am-I read is per update: nothing about roles outlives the update."""
    await organization(harness)
    first = await harness.press(CURATOR, Section(name=SectionName.PAIRS).pack())
    assert first and not harness.session.callback_answers()[-1].show_alert
    async with harness.app.db.transaction() as tx:
        await tx.execute("DELETE FROM curators WHERE telegram_id = ?", (CURATOR,))
    assert await harness.press(CURATOR, Section(name=SectionName.PAIRS).pack()) == []
    refusal = harness.session.callback_answers()[-1]
    assert refusal.show_alert and refusal.text
    assert refusal.text.startswith("Это может сделать только куратор организации")


async def test_a_preloaded_fsm_record_is_not_used_after_another_write(harness: Harness) -> None:
    """A write to the key after the who-am-I statement read it (from outside the update's
    flow: the per-chat lock keeps the person's other updates out) makes the preloaded record
    stale, and the storage reads the record again instead of answering from it."""
    storage = harness.app.dispatcher.storage
    assert isinstance(storage, SQLiteStorage)
    key = StorageKey(bot_id=harness.app.bot.id, chat_id=MENTOR, user_id=MENTOR)
    token = storage.begin_update()
    try:
        storage.preload(storage.key_of(key), None, None, storage.read_mark())
        assert await storage.get_state(key) is None  # from the preloaded record: no statement
        # Something else (its own context, not this update's) writes meanwhile.
        other = asyncio.create_task(storage.set_state(key, "Dialogue:step"), context=Context())
        await other
        async with count_statements(harness.app.db) as statements:
            assert await storage.get_state(key) == "Dialogue:step"
        assert statements.statements == 1, statements.report()
        # Writes in an update are kept for it and stored once, when it is done.
        await storage.set_state(key, "Dialogue:next")
        await storage.update_data(key, {"question": "q1"})
        async with count_statements(harness.app.db) as statements:
            assert await storage.get_data(key) == {"question": "q1"}
            await storage.flush()
        # BEGIN, the upsert of state and data together, COMMIT (no update's record: the test
        # handles no update).
        assert statements.statements == 3, statements.report()
    finally:
        storage.end_update(token)
    assert await storage.get_state(key) == "Dialogue:next"
    assert await storage.get_data(key) == {"question": "q1"}
    await storage.set_state(key, None)
    await storage.set_data(key, {})
    assert await harness.app.db.fetch_value("SELECT count(*) FROM fsm_records") == 0


async def test_a_choice_picked_twice_by_redelivery_is_picked_once(tmp_path: Path) -> None:
    """A pick of a multi-choice question changes only the dialogue: its FSM record is stored
    with the update's record, so a redelivery after a restart does not toggle it back."""
    async with running_harness(tmp_path) as harness:
        pid = await adult_in_questionnaire(harness, MENTOR)
        questionnaires = harness.app.services.questionnaires
        for _ in range(30):
            step = await questionnaires.step(pid)
            assert step.question is not None
            if step.question.kind.value == "multi_choice":
                break
            if step.options:
                press = Pick(p=pid, k=step.question.key, v=step.options[0].value).pack()
                await harness.press(MENTOR, press)
            else:
                await harness.send(MENTOR, answer_for(step.question, step.answers, adult=True))
        assert step.question is not None and step.question.kind.value == "multi_choice"
        value = step.options[0].value
        pick = {
            "update_id": 77_001,
            "callback_query": {
                "id": "77001",
                "from": harness.user(MENTOR),
                "chat_instance": "ci",
                "data": Pick(p=pid, k=step.question.key, v=value).pack(),
                "message": {
                    "message_id": 1,
                    "date": 1_700_000_000,
                    "chat": {"id": MENTOR, "type": "private"},
                    "from": {"id": 123456789, "is_bot": True, "first_name": "Mentor bot"},
                    "text": "…",
                },
            },
        }
        await harness.feed(dict(pick))
        storage = harness.app.dispatcher.storage
        key = StorageKey(bot_id=harness.app.bot.id, chat_id=MENTOR, user_id=MENTOR)
        assert (await storage.get_data(key))["selected"] == [value]
    async with running_harness(tmp_path) as harness:
        await harness.feed(dict(pick))
        storage = harness.app.dispatcher.storage
        assert (await storage.get_data(key))["selected"] == [value]


async def test_start_of_a_parent_who_consented_for_a_child(harness: Harness) -> None:
    """A legal representative's /start shows their children: who-am-I and one read of the
    children with their consents, however many children."""
    org = await organization(harness)
    child = await ready(
        harness, org.id, READY_MINOR, "mentee", mentee_answers("Сидорова Варя", birth="2013-04-04")
    )
    parent = READY_MINOR + 10**6  # tests.cohort.ready: the parent who consented
    await harness.send(parent, "/help")
    start = await counted(harness, harness.send(parent, "/start"))
    within(start, START_BUDGET, commits=0)
    menu = harness.session.answers(parent)[-1]
    assert "Сидорова Варя" in menu.text + " ".join(text for text, _ in menu.buttons), child
