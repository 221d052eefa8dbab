"""A double tap, the most common habit on a phone: one effect, and never an apology.

Each button is pressed twice before the bot answered the first press, as a thumb does; the
real bot process handles both against the fake Telegram (which refuses an edit that changes
nothing and a second answer to one press, as Telegram does).
"""

from __future__ import annotations

from dialogs.model import QuestionKind
from dialogs.registry import get_questionnaire
from tests.e2e.participants import answer_current, current_question, query, seed, until
from tests.e2e.process import BotProcess
from tests.fake_telegram import ChatMessage, FakeTelegram, FakeUser

APOLOGY = "что-то пошло не так"


def data_of(message: ChatMessage, text: str) -> str:
    found = [data for label, data in message.button_data.items() if data and text in label]
    assert len(found) == 1, (text, message.button_data)
    return found[0]


async def tap_twice(tg: FakeTelegram, user: FakeUser, message: ChatMessage, text: str) -> None:
    data = data_of(message, text)
    await user.press_data(data, message.message_id)
    await user.press_data(data, message.message_id)
    await until(lambda: not tg.unanswered_callback_queries, user)


def said(user: FakeUser, part: str) -> int:
    return sum(part in m.text for m in user.bot_messages())


async def test_double_taps_through_joining_and_the_questionnaire(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    seeded = await seed(bot.database)
    olga = tg.user(3201, "Ольга")
    await olga.send_text(f"/start {seeded.mentor_token}")
    age = await olga.wait_for_bot_message("сколько вам лет")
    await tap_twice(tg, olga, age, "18 лет или больше")
    consent = await olga.wait_for_bot_message("Согласие на обработку персональных данных")
    await tap_twice(tg, olga, consent, "Согласен(на)")
    await olga.wait_for_bot_message("Вопрос")
    await until(lambda: said(olga, "Вопрос") >= 1, olga)
    assert said(olga, "Согласие на обработку") == 1
    assert query(bot.database, "SELECT count(*) FROM consents") == [(1,)]

    database = bot.database
    questionnaire = get_questionnaire("mentor")
    tapped: set[str] = set()
    went_back = False
    for _ in range(40):
        message = olga.last_bot_message()
        pid, _, key = current_question(database, olga.id)
        if key is None:
            break
        question = questionnaire.question(key)
        before = {row[0] for row in query(
            database, "SELECT question FROM answers WHERE participant_id = ?", (pid,)
        )}  # fmt: skip
        if not went_back and len(before) >= 3 and "← Назад" in str(message.buttons):
            # Two taps on «Back» go back one question, not two.
            await tap_twice(tg, olga, message, "← Назад")
            went_back = True
            await until(lambda key=key: current_question(database, olga.id)[2] != key, olga)  # type: ignore[misc]
            back_to = current_question(database, olga.id)[2]
            order = [q.key for q in questionnaire.questions if not q.retired]
            assert back_to is not None and order.index(back_to) == order.index(key) - 1
            await answer_current(olga, database)
            continue
        if not question.required and "skip" not in tapped:
            tapped.add("skip")
            # The year of birth has its own word for skipping.
            skip = "Не хочу указывать" if question.skip_label else "Пропустить"
            await tap_twice(tg, olga, message, skip)
        elif question.kind == QuestionKind.MULTI_CHOICE and "done" not in tapped:
            tapped.add("done")
            await olga.press(message.buttons[0][0], message_id=message.message_id)
            await until(lambda m=message: "✓" in str(m.buttons), olga)  # type: ignore[misc]
            await tap_twice(tg, olga, message, "Готово")
        elif question.kind == QuestionKind.SINGLE_CHOICE and "pick" not in tapped:
            tapped.add("pick")
            await tap_twice(tg, olga, message, message.buttons[0][0])
        else:
            await answer_current(olga, database)
            continue
        # The tapped question is answered once, and the next one is not answered by the
        # second tap: it is still waiting.
        await until(lambda key=key: current_question(database, olga.id)[2] != key, olga)  # type: ignore[misc]
        following = current_question(database, olga.id)[2]
        after = {row[0] for row in query(
            database, "SELECT question FROM answers WHERE participant_id = ?", (pid,)
        )}  # fmt: skip
        assert following is None or following not in after - before, (key, following)
    assert tapped == {"skip", "done", "pick"} and went_back

    await until(lambda: "Всё верно, отправить" in str(olga.last_bot_message().buttons), olga)
    await tap_twice(tg, olga, olga.last_bot_message(), "Всё верно, отправить")
    await olga.wait_for_bot_message("анкета сохранена")
    await olga.send_text("/help")
    await olga.wait_for_bot_message("Что я умею")
    assert said(olga, "анкета сохранена") == 1
    assert not [m.text for m in olga.bot_messages() if APOLOGY in m.text]
    assert "Traceback" not in bot.log()
