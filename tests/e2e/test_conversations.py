"""The real bot process talks to people through the fake Bot API: what they see in the chat."""

from __future__ import annotations

from tests.e2e.process import BotProcess, open_support_dialogue
from tests.fake_telegram import FakeTelegram


async def test_start_help_and_language(tg: FakeTelegram, bot: BotProcess) -> None:
    anya = tg.user(1001, "Аня", language_code="ru")
    await anya.send_text("/start")
    greeting = await anya.wait_for_bot_message("Здравствуйте, Аня!")
    assert "ссылку-приглашение" in greeting.text

    await anya.send_text("/language")
    await anya.wait_for_bot_message("Выберите язык")
    await anya.press("English")
    edited = await anya.wait_for_bot_message("I will speak English with you now.")
    assert edited.edited and edited.buttons == []
    # The button is answered after the handler has edited the message: wait for it.
    await bot.wait_until(lambda: anya.callback_answers, "the answer to the button")
    assert anya.callback_answers[-1].get("text") == "Done"

    await anya.send_text("/help")
    help_text = await anya.wait_for_bot_message("What I can do")
    assert "/support" in help_text.text

    # The menu is registered in both languages and for the chat that chose English.
    assert tg.get_commands(language_code="ru")[0]["description"] == (
        "Что такое программа и как в неё вступить"
    )
    assert tg.get_commands(language_code="en")[0]["description"] == (
        "What the programme is and how to join"
    )


async def test_unexpected_input_gets_short_helpful_answers(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    pupil = tg.user(1002, "<b>Петя</b> & Co", language_code="ru")
    await pupil.send_text("/start")
    assert "<b>Петя</b> & Co" in (await pupil.wait_for_bot_message("Здравствуйте")).text

    for send, expected in [
        (pupil.send_sticker, "только текстовые сообщения"),
        (pupil.send_photo, "только текстовые сообщения"),
        (pupil.send_voice, "только текстовые сообщения"),
        (pupil.send_document, "только текстовые сообщения"),
        (pupil.send_location, "только текстовые сообщения"),
    ]:
        await send()
        await pupil.wait_for_bot_message(expected)
    await pupil.send_text("ы" * 5000)
    await pupil.wait_for_bot_message("не со свободным текстом")
    await pupil.send_text("/abracadabra")
    await pupil.wait_for_bot_message("Такой команды я не знаю")
    await pupil.press_data("sup1a:send", pupil.last_bot_message().message_id)
    await tg.wait_until(lambda: len(pupil.callback_answers) == 1)
    assert "устарела" in pupil.callback_answers[0].get("text", "")


async def test_support_request_reaches_the_admin(tg: FakeTelegram, bot: BotProcess) -> None:
    admin = tg.user(777, "Ольга Петровна", language_code="ru")
    pupil = tg.user(1003, "Дима", language_code="ru")
    await open_support_dialogue(pupil, "Вопрос")
    await pupil.send_text("Когда начнётся программа? <не знаю>")
    await pupil.wait_for_bot_message("Вот что получат администраторы")
    await pupil.press("Отправить")
    await pupil.wait_for_bot_message("Обращение № 1 отправлено")
    to_admin = await admin.wait_for_bot_message("Обращение № 1 в поддержку", after=0)
    assert "Когда начнётся программа? <не знаю>" in to_admin.text
    assert "Дима" in to_admin.text
