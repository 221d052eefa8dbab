"""Handlers through the real dispatcher: what people see, and what the database keeps."""

from __future__ import annotations

from datetime import timedelta

from handlers.callbacks import LanguageChoice, SupportAction, SupportTopicChoice
from handlers.states import SupportDialogue
from tests.inprocess import Harness

ADMIN = 777
PUPIL = 1001


async def test_start_greets_in_russian_by_default(harness: Harness) -> None:
    replies = await harness.send(PUPIL, "/start", language_code="ru")
    assert len(replies) == 1
    assert "Здравствуйте, Аня!" in replies[0].text
    assert "ссылку-приглашение" in replies[0].text


async def test_start_follows_telegram_language_when_supported(harness: Harness) -> None:
    replies = await harness.send(PUPIL, "/start", language_code="en-GB")
    assert "Hello, Аня!" in replies[0].text
    # An unsupported language falls back to Russian.
    replies = await harness.send(PUPIL + 1, "/start", language_code="de")
    assert "Здравствуйте" in replies[0].text


async def test_start_escapes_the_name_typed_by_the_user(harness: Harness) -> None:
    replies = await harness.send(PUPIL, "/start", first_name="<b>Вася</b> & Co")
    # The recording session parses HTML like Telegram: the tags arrive as literal text.
    assert "<b>Вася</b> & Co" in replies[0].text


async def test_start_with_unknown_or_malformed_payload(harness: Harness) -> None:
    replies = await harness.send(PUPIL, "/start abc_DEF-123")
    assert "не найдено" in replies[-1].text
    replies = await harness.send(PUPIL, "/start " + "x" * 65)
    assert "повреждена" in replies[-1].text
    replies = await harness.send(PUPIL, "/start <script>")
    assert "повреждена" in replies[-1].text
    assert await harness.state_of(PUPIL) is None


async def test_help_shows_the_admin_part_only_to_admins(harness: Harness) -> None:
    pupil_help = (await harness.send(PUPIL, "/help"))[0].text
    admin_help = (await harness.send(ADMIN, "/help"))[0].text
    assert "/support" in pupil_help and "администратор бота" not in pupil_help
    assert "Вы администратор бота" in admin_help


async def test_language_choice_is_stored_and_used(harness: Harness) -> None:
    menu = (await harness.send(PUPIL, "/language"))[0]
    assert [text for text, _ in menu.buttons] == ["✓ Русский", "English"]
    replies = await harness.press(PUPIL, menu.data_of("English"), menu.message_id)
    assert replies[-1].method == "editMessageText"
    assert replies[-1].text.startswith("I will speak English with you now.")
    # The stored choice beats Telegram's language_code from now on.
    assert "What I can do" in (await harness.send(PUPIL, "/help", language_code="ru"))[0].text
    assert await harness.app.services.languages.resolve(PUPIL, "ru") == "en"
    # The chat's own command menu follows the choice.
    scopes = [c for c in harness.session.calls if type(c).__name__ == "SetMyCommands"]
    assert scopes and scopes[-1].commands[0].description == "What the programme is and how to join"


async def test_forged_language_is_refused(harness: Harness) -> None:
    await harness.press(PUPIL, LanguageChoice(code="xx").pack())
    await harness.press(PUPIL, "lang1:")
    answers = harness.session.callback_answers()
    assert [a.text for a in answers] == ["Этот язык недоступен.", "Этот язык недоступен."]
    assert await harness.app.services.languages.resolve(PUPIL, None) == "ru"


async def test_cancel_outside_and_inside_a_dialogue(harness: Harness) -> None:
    assert "Отменять нечего" in (await harness.send(PUPIL, "/cancel"))[0].text
    await harness.send(PUPIL, "/support")
    assert await harness.state_of(PUPIL) == SupportDialogue.topic.state
    reply = (await harness.send(PUPIL, "/cancel"))[0].text
    assert "Остановлено: обращение в поддержку" in reply
    assert await harness.state_of(PUPIL) is None


async def support_until_confirmation(harness: Harness, body: str) -> None:
    await harness.send(PUPIL, "/support")
    await harness.press(PUPIL, SupportTopicChoice(topic="problem").pack())  # type: ignore[arg-type]
    assert await harness.state_of(PUPIL) == SupportDialogue.body.state
    replies = await harness.send(PUPIL, body)
    assert "Вот что получат администраторы" in replies[0].text


async def test_support_request_reaches_the_admins(harness: Harness) -> None:
    await support_until_confirmation(harness, "Не открывается анкета <после> обновления")
    replies = await harness.press(PUPIL, SupportAction(action="send").pack())
    confirmation = next(r for r in replies if r.chat_id == PUPIL)
    assert "Обращение № 1 отправлено" in confirmation.text
    # Babel in Russian, in the default time zone (Moscow, UTC+3) of the injected clock.
    assert "12 марта 2026" in confirmation.text and "12:30" in confirmation.text
    to_admin = next(r for r in replies if r.chat_id == ADMIN)
    assert "Не открывается анкета <после> обновления" in to_admin.text
    assert "Что-то не работает" in to_admin.text
    stored = await harness.app.db.fetch_all("SELECT telegram_id, topic, body FROM support_requests")
    assert [tuple(r) for r in stored] == [
        (PUPIL, "problem", "Не открывается анкета <после> обновления")
    ]
    assert await harness.state_of(PUPIL) is None


async def test_a_double_tap_on_send_sends_once(harness: Harness) -> None:
    await support_until_confirmation(harness, "Вопрос про расписание")
    await harness.press(PUPIL, SupportAction(action="send").pack())
    await harness.press(PUPIL, SupportAction(action="send").pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM support_requests") == 1
    assert "устарела" in (harness.session.callback_answers()[-1].text or "")


async def test_support_rejects_what_it_cannot_pass_on(harness: Harness) -> None:
    await harness.send(PUPIL, "/support")
    await harness.press(PUPIL, SupportTopicChoice(topic="idea").pack())  # type: ignore[arg-type]
    too_long = await harness.send(PUPIL, "а" * 5000)
    assert "Получилось 5000 символов" in too_long[0].text
    photo = await harness.send_raw(
        PUPIL, {"photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]}
    )
    assert "только текст" in photo[0].text
    assert await harness.state_of(PUPIL) == SupportDialogue.body.state
    assert await harness.app.db.fetch_value("SELECT count(*) FROM support_requests") == 0


async def test_text_instead_of_a_button_keeps_the_dialogue(harness: Harness) -> None:
    await harness.send(PUPIL, "/support")
    reply = await harness.send(PUPIL, "вопрос")
    assert "ответьте кнопками" in reply[0].text
    assert await harness.state_of(PUPIL) == SupportDialogue.topic.state


async def test_support_is_limited_per_day(harness: Harness) -> None:
    for _ in range(5):
        await support_until_confirmation(harness, "Ещё одно сообщение")
        await harness.press(PUPIL, SupportAction(action="send").pack())
    await support_until_confirmation(harness, "Шестое")
    replies = await harness.press(PUPIL, SupportAction(action="send").pack())
    assert "попробуйте завтра" in replies[-1].text
    assert await harness.app.db.fetch_value("SELECT count(*) FROM support_requests") == 5
    # A day later the limit is lifted.
    harness.clock.advance(timedelta(days=1, minutes=1))
    await support_until_confirmation(harness, "Через день")
    await harness.press(PUPIL, SupportAction(action="send").pack())
    assert await harness.app.db.fetch_value("SELECT count(*) FROM support_requests") == 6


async def test_unexpected_messages_get_a_short_answer_and_change_nothing(
    harness: Harness,
) -> None:
    cases = [
        await harness.send(PUPIL, "/nonsense"),
        await harness.send(PUPIL, "привет"),
        await harness.send(PUPIL, "я" * 5000),
        await harness.send_raw(
            PUPIL,
            {
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                }
            },
        ),
        await harness.send_raw(
            PUPIL, {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}
        ),
    ]
    texts = [replies[0].text for replies in cases]
    assert "Такой команды я не знаю" in texts[0]
    assert "не со свободным текстом" in texts[1] and "не со свободным текстом" in texts[2]
    assert "только текстовые сообщения" in texts[3] and "только текстовые сообщения" in texts[4]
    assert all(len(replies) == 1 for replies in cases)
    assert await harness.state_of(PUPIL) is None
    # Only the language Telegram reported is remembered (for messages the bot starts later).
    users = await harness.app.db.fetch_all("SELECT language, telegram_language FROM users")
    assert [tuple(row) for row in users] == [(None, "ru")]


async def test_unknown_button_is_answered_as_outdated(harness: Harness) -> None:
    await harness.press(PUPIL, "something-old:42")
    answers = harness.session.callback_answers()
    assert len(answers) == 1 and answers[0].show_alert
    assert "устарела" in (answers[0].text or "")
