"""Tests of the fake Telegram Bot API server, driven by the real aiogram client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    Message,
    ReplyKeyboardMarkup,
)

from tests.fake_telegram import (
    ChatMessage,
    FakeTelegram,
    FileUpload,
    HTMLParseError,
    html_to_text,
    is_valid_html,
    parse_html,
)

USER_ID = 4242


class _FastCloseSession(AiohttpSession):
    """aiogram's session without the 250 ms grace sleep on close (plain HTTP, no TLS)."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def _keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in row]
            for row in rows
        ]
    )


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server
    assert server.unknown_calls == []
    assert server.server_errors == []


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    session = _FastCloseSession(api=TelegramAPIServer.from_base(tg.base_url))
    client = Bot(tg.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield client
    await client.session.close()


@pytest.fixture
async def http(tg: FakeTelegram) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=tg.base_url) as session:
        yield session


# -- basics ----------------------------------------------------------------------------------


async def test_get_me(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456789
    assert me.is_bot is True
    assert me.username == "mentor_test_bot"
    assert me.can_join_groups is True
    assert [c.method for c in tg.calls] == ["getMe"]
    assert tg.calls[0].status == 200
    assert tg.calls[0].response["result"]["username"] == "mentor_test_bot"
    assert tg.base_url.startswith("http://127.0.0.1:")


async def test_send_edit_delete(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    sent = await bot.send_message(
        USER_ID,
        "<b>Привет</b>, &lt;наставник&gt; &amp; 😀 <i>ученик</i>!",
        reply_markup=_keyboard([("Да", "yes"), ("Нет", "no")]),
    )
    assert sent.chat.id == USER_ID
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.text == "Привет, <наставник> & 😀 ученик!"
    assert sent.entities is not None
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 6),
        ("italic", 25, 6),
    ]
    assert sent.reply_markup is not None

    message = user.last_bot_message()
    assert message.message_id == sent.message_id
    assert message.from_bot and message.kind == "text"
    assert message.text == "Привет, <наставник> & 😀 ученик!"
    assert message.html == "<b>Привет</b>, &lt;наставник&gt; &amp; 😀 <i>ученик</i>!"
    assert message.parse_mode == "HTML"
    assert message.buttons == [["Да", "Нет"]]
    assert message.button_data == {"Да": "yes", "Нет": "no"}
    version = message.version

    edited = await bot.edit_message_text(text="Готово", chat_id=USER_ID, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.edit_date is not None
    assert message.text == "Готово" and message.edited and message.version > version
    assert message.buttons == []  # an edit without reply_markup removes the keyboard

    await bot.edit_message_reply_markup(
        chat_id=USER_ID, message_id=sent.message_id, reply_markup=_keyboard([("Ок", "ok")])
    )
    assert message.buttons == [["Ок"]]

    assert await bot.delete_message(USER_ID, sent.message_id) is True
    assert user.bot_messages() == []
    assert [c.method for c in tg.calls] == [
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "deleteMessage",
    ]


async def test_plain_text_without_parse_mode(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    await bot.send_message(USER_ID, "  a < b & <i>c</i>\n", parse_mode=None)
    message = user.last_bot_message()
    assert message.text == "a < b & <i>c</i>"
    assert message.parse_mode is None
    assert "parse_mode" not in tg.calls[-1].params


async def test_reply_keyboard_is_tracked(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Профиль"), KeyboardButton(text="Помощь")]],
        resize_keyboard=True,
    )
    sent = await bot.send_message(USER_ID, "Меню", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram does not echo reply keyboards
    assert user.reply_keyboard == [["Профиль", "Помощь"]]
    assert user.last_bot_message().reply_keyboard == [["Профиль", "Помощь"]]


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "message text is empty"),
        ("   \n ", "message text is empty"),
        ("<b> </b>", "message text is empty"),
        ("<b>жирный", "can't parse entities: Can't find end tag corresponding to start tag"),
        ("a < b", 'can\'t parse entities: Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("x" * 4097, "message is too long"),
    ],
)
async def test_send_message_bad_requests(
    tg: FakeTelegram, bot: Bot, text: str, expected: str
) -> None:
    user = tg.user(USER_ID)
    with pytest.raises(TelegramBadRequest, match=expected) as info:
        await bot.send_message(USER_ID, text)
    assert info.value.message.startswith("Bad Request: ")
    assert tg.calls[-1].status == 400
    assert user.chat == []


async def test_length_limits_count_plain_text(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER_ID)
    await bot.send_message(USER_ID, "<b>" + "я" * 4096 + "</b>")
    big = BufferedInputFile(b"data", "a.txt")
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_document(USER_ID, big, caption="x" * 1025)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ({"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [[{"text": "A", "callback_data": "я" * 33}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [[{"text": "A", "callback_data": ""}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [{"text": "A", "callback_data": "a"}]}, "Array of Arrays"),
        ({"inline_keyboard": [[{"callback_data": "a"}]]}, 'Field "text"'),
        ({"inline_keyboard": [[{"text": "A"}]]}, "Text buttons are unallowed"),
        ({"inline_keyboard": [[{"text": "A", "url": "example.com"}]]}, "BUTTON_URL_INVALID"),
        ({"keyboard": "nope"}, "Array of Arrays"),
    ],
)
async def test_bad_keyboards(
    tg: FakeTelegram, http: aiohttp.ClientSession, markup: dict[str, Any], expected: str
) -> None:
    tg.user(USER_ID)
    async with http.post(
        f"/bot{tg.token}/sendMessage",
        json={"chat_id": USER_ID, "text": "hi", "reply_markup": markup},
    ) as response:
        body = await response.json()
    assert response.status == 400
    assert body["ok"] is False and body["error_code"] == 400
    assert expected in body["description"]


async def test_callback_data_limit_via_aiogram(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER_ID)
    await bot.send_message(USER_ID, "ok", reply_markup=_keyboard([("A", "я" * 32)]))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER_ID, "no", reply_markup=_keyboard([("A", "я" * 32 + "x")]))


async def test_edit_and_delete_errors(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER_ID)
    markup = _keyboard([("A", "a")])
    sent = await bot.send_message(USER_ID, "<b>текст</b>", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new"):
        await bot.edit_message_text(
            text="<strong>текст</strong>",
            chat_id=USER_ID,
            message_id=sent.message_id,
            reply_markup=markup,
        )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=USER_ID, message_id=sent.message_id, reply_markup=markup
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=USER_ID, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER_ID, 999)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "кто здесь?")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("123")
    # Changing only the formatting is a modification.
    await bot.edit_message_text(
        text="<i>текст</i>", chat_id=USER_ID, message_id=sent.message_id, reply_markup=markup
    )


async def test_blocked_user(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    sent = await bot.send_message(USER_ID, "до блокировки")
    user.block_bot()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER_ID, "после")
    with pytest.raises(TelegramForbiddenError):
        await bot.edit_message_text(text="x", chat_id=USER_ID, message_id=sent.message_id)
    assert tg.calls[-1].status == 403
    user.unblock_bot()
    await bot.send_message(USER_ID, "снова")
    assert [m.text for m in user.bot_messages()] == ["до блокировки", "снова"]
    kinds = [u["my_chat_member"]["new_chat_member"]["status"] for u in tg.pending_updates]
    assert kinds == ["kicked", "member"]


async def test_fail_next_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER_ID)
    tg.fail_next("sendMessage", 429, retry_after=3, times=2)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(USER_ID, "x")
        assert info.value.retry_after == 3
        assert "Too Many Requests: retry after 3" in info.value.message
    assert tg.calls[-1].response["parameters"] == {"retry_after": 3}
    await bot.send_message(USER_ID, "x")

    tg.fail_next("SENDMESSAGE", 500, "Internal Server Error")
    tg.fail_next("getMe", 400, "Bad Request: custom")
    with pytest.raises(TelegramBadRequest, match="custom"):
        await bot.get_me()
    with pytest.raises(Exception, match="Internal Server Error"):
        await bot.send_message(USER_ID, "x")


async def test_rate_limit(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER_ID)
    tg.set_rate_limit(2)
    await bot.send_message(USER_ID, "1")
    await bot.send_message(USER_ID, "2")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER_ID, "3")
    assert info.value.retry_after == 1
    assert await bot.send_chat_action(USER_ID, "typing") is True  # not message-creating
    tg.set_rate_limit(None)
    await bot.send_message(USER_ID, "3")


async def test_a_send_before_retry_after_ran_out_is_noted_as_early(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(USER_ID)
    tg.set_rate_limit(1)
    await bot.send_message(USER_ID, "1")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(USER_ID, "2")  # answered 429, retry after 1 s
    assert tg.early_retries == []  # the flooded request itself is not a retry
    await asyncio.sleep(0.2)  # the bot knew by now, and still sent: early
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(USER_ID, "3")
    assert [call.params["text"] for call in tg.early_retries] == ["3"]
    await asyncio.sleep(1.1)  # waited out the second 429's retry_after
    await bot.send_message(USER_ID, "4")
    assert [call.params["text"] for call in tg.early_retries] == ["3"]


async def test_delay_next(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    tg.delay_next("sendMessage", 0.1)
    task = asyncio.create_task(bot.send_message(USER_ID, "медленно"))
    await tg.wait_until(lambda: len(tg.calls_started) == 1)
    assert tg.calls_started[0].status == 0 and user.chat == []
    await asyncio.wait_for(task, 2)
    assert tg.calls[0].status == 200 and user.last_bot_message().text == "медленно"
    await bot.send_message(USER_ID, "быстро")  # only the next call was delayed


async def test_unknown_method_and_wrong_token(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    async with http.post(f"/bot{tg.token}/sendDice", json={"chat_id": 1}) as response:
        assert response.status == 404
        assert await response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
    assert [c.method for c in tg.unknown_calls] == ["sendDice"]
    tg.unknown_calls.clear()

    wrong = Bot(
        "987654321:WRONG-token_abcdefghijklmnopqrstuvw",
        session=_FastCloseSession(api=TelegramAPIServer.from_base(tg.base_url)),
    )
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await wrong.get_me()
    finally:
        await wrong.session.close()
    assert tg.wrong_token_calls == 1


async def test_param_encodings_and_case_insensitive_names(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    user = tg.user(USER_ID)
    keyboard = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    async with http.post(
        f"/bot{tg.token}/SENDMESSAGE",
        data={"chat_id": str(USER_ID), "text": "123", "reply_markup": keyboard},
    ) as response:
        assert response.status == 200
    async with http.get(f"/bot{tg.token}/sendmessage?chat_id={USER_ID}&text=true") as response:
        assert response.status == 200
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER_ID))
    form.add_field("document", b"col1,col2\n", filename="table.csv", content_type="text/csv")
    async with http.post(f"/bot{tg.token}/sendDocument", data=form) as response:
        body = await response.json()
        assert response.status == 200, body
    assert body["result"]["document"]["file_name"] == "table.csv"
    assert [c.method for c in tg.calls] == ["sendMessage", "sendMessage", "sendDocument"]
    first = tg.calls[0].params
    assert first == {
        "chat_id": USER_ID,
        "text": "123",
        "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    }
    assert tg.calls[1].params["text"] == "true"
    upload = tg.calls[2].params["document"]
    assert upload == FileUpload("table.csv", b"col1,col2\n", "document", "text/csv")
    assert [m.text for m in user.chat] == ["123", "true", ""]
    assert len(tg.methods_called("SendMessage")) == 2


# -- files -----------------------------------------------------------------------------------


async def test_document_upload_lands_in_chat(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    sent = await bot.send_document(
        USER_ID,
        BufferedInputFile("имя;фамилия\n".encode(), "отчёт.csv"),
        caption="<i>Отчёт</i> за месяц",
        reply_markup=_keyboard([("Ещё", "more")]),
    )
    assert sent.document is not None and sent.document.file_name == "отчёт.csv"
    assert sent.caption == "Отчёт за месяц"
    message = user.last_bot_message()
    assert message.kind == "document"
    assert message.text == "Отчёт за месяц"
    assert message.document is not None
    assert message.document.filename == "отчёт.csv"
    assert message.document.content == "имя;фамилия\n".encode()
    assert message.buttons == [["Ещё"]]
    call = tg.methods_called("sendDocument")[0]
    assert isinstance(call.params["document"], FileUpload)

    downloaded = await bot.download(sent.document.file_id)
    assert downloaded is not None and downloaded.read() == "имя;фамилия\n".encode()

    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text(text="x", chat_id=USER_ID, message_id=sent.message_id)
    await bot.edit_message_caption(chat_id=USER_ID, message_id=sent.message_id, caption="Новый")
    assert message.text == "Новый" and message.edited

    again = await bot.send_document(USER_ID, sent.document.file_id)
    assert again.document is not None
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(USER_ID, "no-such-file-id")


async def test_send_photo(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    sent = await bot.send_photo(USER_ID, BufferedInputFile(b"\x89PNG fake", "chart.png"))
    assert sent.photo is not None and len(sent.photo) == 3
    assert user.last_bot_message().kind == "photo"
    file = user.last_bot_message().file
    assert file is not None and file.filename == "chart.png" and file.content == b"\x89PNG fake"


# -- updates ---------------------------------------------------------------------------------


async def test_long_polling(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID, "Аня", username="anya", last_name="Петрова")
    assert await bot.get_updates(timeout=0) == []
    message_id = await user.send_text("/start ref_42")

    updates = await bot.get_updates(timeout=5)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.message_id == message_id
    assert message.text == "/start ref_42"
    assert message.chat.type == "private" and message.chat.id == USER_ID
    assert message.from_user is not None and message.from_user.username == "anya"
    assert message.entities is not None
    assert (message.entities[0].type, message.entities[0].length) == ("bot_command", 6)

    # Not confirmed yet: delivered again.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]

    # Confirmed with offset; a long poll then waits for the next update.
    offset = updates[0].update_id + 1
    poll = asyncio.create_task(bot.get_updates(offset=offset, timeout=5))
    await tg.wait_until(lambda: tg.getupdates_polls == 3)
    await asyncio.sleep(0.05)
    assert not poll.done()
    await user.send_text("привет")
    fresh = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in fresh if u.message] == ["привет"]
    assert fresh[0].update_id == offset
    assert tg.pending_updates[0]["update_id"] == offset

    # limit
    await user.send_text("два")
    assert len(await bot.get_updates(offset=offset, limit=1)) == 1
    assert len(await bot.get_updates(offset=offset, timeout=0)) == 2


async def test_long_poll_times_out_empty(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    # Telegram takes whole seconds; the fake also accepts fractions to keep tests fast.
    async with http.post(f"/bot{tg.token}/getUpdates", json={"timeout": 0.2}) as response:
        assert await response.json() == {"ok": True, "result": []}
    assert 0.15 <= loop.time() - started < 0.6


async def test_concurrent_get_updates_conflict(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await tg.wait_until(lambda: tg.getupdates_polls == 1)
    await asyncio.sleep(0.02)
    assert await bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)


async def test_disconnected_long_poll_is_released(tg: FakeTelegram) -> None:
    session = aiohttp.ClientSession(base_url=tg.base_url)
    request = asyncio.create_task(session.post(f"/bot{tg.token}/getUpdates", json={"timeout": 20}))
    await tg.wait_until(lambda: tg.getupdates_polls == 1)
    await asyncio.sleep(0.02)
    request.cancel()
    await session.close()
    await tg.wait_until(lambda: tg.calls[-1].status == 499, timeout=2)
    assert tg.calls[-1].method == "getUpdates" and tg.calls[-1].status == 499


async def test_allowed_updates_and_webhook(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    await bot.set_webhook("https://example.com/hook")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates(timeout=0)
    info = await bot.get_webhook_info()
    assert info.url == "https://example.com/hook"
    await bot.delete_webhook(drop_pending_updates=True)

    sent = await bot.send_message(USER_ID, "?", reply_markup=_keyboard([("A", "a")]))
    await user.press("A", message_id=sent.message_id)
    await user.send_text("текст")
    updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
    assert [u.event_type for u in updates] == ["message"]
    assert tg.allowed_updates == ["message"]
    assert [next(iter(set(u) - {"update_id"})) for u in tg.dropped_updates] == ["callback_query"]
    assert "allowed_updates=['message']" in tg.failed_calls_summary()
    assert (await bot.get_webhook_info()).pending_update_count == 1


async def test_user_media_updates_are_valid(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    await user.send_sticker()
    await user.send_photo()
    await user.send_voice()
    await user.send_document()
    await user.send_contact("+79990001122")
    await user.send_location()
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates if u.message is not None]
    assert len(messages) == 6
    sticker, photo, voice, document, contact, location = messages
    assert sticker.sticker is not None and sticker.sticker.file_unique_id
    assert photo.photo is not None and photo.photo[-1].width == 1280
    assert voice.voice is not None and voice.voice.mime_type == "audio/ogg"
    assert document.document is not None and document.document.file_name == "document.pdf"
    assert contact.contact is not None and contact.contact.user_id == USER_ID
    assert location.location is not None
    assert [m.kind for m in user.chat] == [
        "sticker",
        "photo",
        "voice",
        "document",
        "contact",
        "location",
    ]
    file = await bot.get_file(document.document.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read().startswith(b"%PDF")


async def test_press_and_answer_callback(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    await bot.send_message(USER_ID, "Старое", reply_markup=_keyboard([("Да", "old_yes")]))
    sent = await bot.send_message(
        USER_ID,
        "Выберите",
        reply_markup=_keyboard([("Да", "yes"), ("Нет", "no")], [("Записаться на встречу", "book")]),
    )
    query_id = await user.press("Да")
    query_id2 = await user.press("встречу")  # unique substring
    updates = await bot.get_updates(timeout=0)
    queries = [u.callback_query for u in updates if u.callback_query is not None]
    assert [q.id for q in queries] == [query_id, query_id2]
    assert [q.data for q in queries] == ["yes", "book"]
    assert queries[0].message is not None and queries[0].message.message_id == sent.message_id
    assert queries[0].from_user.id == USER_ID

    assert await bot.answer_callback_query(query_id, text="Принято") is True
    assert user.callback_answers == [{"callback_query_id": query_id, "text": "Принято"}]
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    assert tg.unanswered_callback_queries == [query_id2]

    with pytest.raises(AssertionError, match="Записаться на встречу"):
        await user.press("Отмена", timeout=0.05)
    forged = await user.press_data("x" * 10, sent.message_id)
    assert tg.pending_updates[-1]["callback_query"]["id"] == forged


async def test_press_on_specific_message_and_ambiguous(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    old = await bot.send_message(USER_ID, "1", reply_markup=_keyboard([("Да", "old")]))
    await bot.send_message(
        USER_ID, "2", reply_markup=_keyboard([("Вариант 1", "v1"), ("Вариант 2", "v2")])
    )
    await user.press("Да", message_id=old.message_id)
    assert tg.pending_updates[-1]["callback_query"]["data"] == "old"
    with pytest.raises(AssertionError, match="ambiguous"):
        await user.press("Вариант")

    async def keyboard_later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(USER_ID, "3", reply_markup=_keyboard([("Позже", "later")]))

    task = asyncio.create_task(keyboard_later())
    await user.press("Позже", timeout=2)  # waits for the button to appear, like a person
    await task
    assert tg.pending_updates[-1]["callback_query"]["data"] == "later"


async def test_wait_for_bot_message(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    await bot.send_message(USER_ID, "старое сообщение")
    await user.send_text("/help")

    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(USER_ID, "Справка: <b>команды</b>")

    task = asyncio.create_task(reply_later())
    message = await user.wait_for_bot_message("Справка", timeout=2)
    await task
    assert message.text == "Справка: команды"
    assert isinstance(message, ChatMessage)
    # Messages from before the mark do not count.
    with pytest.raises(AssertionError) as info:
        await user.wait_for_bot_message("старое", timeout=0.1)
    assert "старое сообщение" in str(info.value)  # the transcript is shown
    assert "/help" in user.transcript()
    # An edit counts as new.
    mark = user.mark
    await bot.edit_message_text(text="старое, но новое", chat_id=USER_ID, message_id=1)
    edited = await user.wait_for_bot_message("старое", timeout=1, after=mark)
    assert edited.message_id == 1 and edited.edited


async def test_wait_until_timeout_message(tg: FakeTelegram) -> None:
    with pytest.raises(AssertionError, match="Condition not met"):
        await tg.wait_until(lambda: False, timeout=0.05)


async def test_dispatcher_polling_end_to_end(tg: FakeTelegram, bot: Bot) -> None:
    """A real aiogram Dispatcher polls the fake: commands, payloads, buttons, edits."""
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        await message.answer(
            f"Привет, <b>{message.chat.first_name}</b>! Код: {command.args}",
            reply_markup=_keyboard([("Хочу наставника", "want:mentor")]),
        )

    @dp.callback_query(F.data == "want:mentor")
    async def want(query: CallbackQuery) -> None:
        await query.answer("Заявка принята")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Заявка отправлена ✅")

    user = tg.user(USER_ID)
    polling = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=5, handle_signals=False, close_bot_session=False)
    )
    try:
        await tg.wait_until(lambda: tg.getupdates_polls >= 1, timeout=2)
        await user.send_text("/start abc")
        greeting = await user.wait_for_bot_message("Привет", timeout=2)
        assert greeting.text == "Привет, Аня! Код: abc"
        await user.press("Хочу наставника")
        edited = await user.wait_for_bot_message("Заявка отправлена", timeout=2)
        assert edited.message_id == greeting.message_id and edited.buttons == []
        await tg.wait_until(lambda: bool(user.callback_answers), timeout=2)
        assert user.callback_answers[0]["text"] == "Заявка принята"
        assert tg.allowed_updates == ["callback_query", "message"]
        await tg.wait_until(lambda: not tg.pending_updates, timeout=2)  # all confirmed
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 2)
    assert tg.unanswered_callback_queries == []


# -- other methods ---------------------------------------------------------------------------


async def test_commands_descriptions_menu(tg: FakeTelegram, bot: Bot) -> None:
    commands = [
        BotCommand(command="start", description="Начать"),
        BotCommand(command="help_1", description="Помощь"),
    ]
    await bot.set_my_commands(commands)
    await bot.set_my_commands(
        commands[:1], scope=BotCommandScopeAllPrivateChats(), language_code="en"
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help_1"]
    scoped = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="en")
    assert [c.command for c in scoped] == ["start"]
    assert tg.get_commands() == [
        {"command": "start", "description": "Начать"},
        {"command": "help_1", "description": "Помощь"},
    ]
    assert tg.get_commands({"type": "all_private_chats"}, "en") is not None
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == []

    for bad in (
        BotCommand(command="Start", description="x"),
        BotCommand(command="with-dash", description="x"),
        BotCommand(command="x" * 33, description="x"),
        BotCommand(command="ok", description=""),
        BotCommand(command="ok", description="x" * 257),
    ):
        with pytest.raises(TelegramBadRequest):
            await bot.set_my_commands([bad])

    await bot.set_my_description("Бот программы наставничества")
    await bot.set_my_short_description("Наставничество", language_code="ru")
    assert tg.descriptions == {"": "Бот программы наставничества"}
    assert tg.short_descriptions == {"ru": "Наставничество"}
    await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert tg.menu_buttons[None] == {"type": "commands"}
    assert (await bot.get_chat_menu_button()).type == "commands"


async def test_chat_action_get_chat_close(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID, "Борис", username="boris")
    assert await bot.send_chat_action(USER_ID, "upload_document") is True
    assert user.chat_actions == ["upload_document"]
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(USER_ID, "dancing")
    chat = await bot.get_chat(USER_ID)
    assert chat.first_name == "Борис" and chat.username == "boris" and chat.type == "private"
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(1)
    assert await bot.close() is True
    assert await bot.log_out() is True


async def test_server_restart_and_clean_stop() -> None:
    server = FakeTelegram(token="42:abc", bot_username="other_bot", bot_id=42)
    await server.start()
    session = _FastCloseSession(api=TelegramAPIServer.from_base(server.base_url))
    client = Bot(server.token, session=session)
    try:
        poll = asyncio.create_task(client.get_updates(timeout=30))
        await server.wait_until(lambda: server.getupdates_polls == 1)
        await server.stop()  # a pending long poll must not delay the shutdown
        result = await asyncio.wait_for(poll, 2)
        assert result == []
    finally:
        await client.session.close()
        await server.stop()


# -- HTML checker ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("plain", "plain"),
        ("<b>b</b><strong>s</strong><i>i</i><em>e</em>", "bsie"),
        ("<u>u</u><ins>i</ins><s>s</s><strike>t</strike><del>d</del>", "uistd"),
        ('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>', "xy"),
        ('<a href="https://example.com/?a=1&amp;b=2">link</a>', "link"),
        ('<pre><code class="language-python">x = 1 &lt; 2</code></pre>', "x = 1 < 2"),
        ("<blockquote>q</blockquote><blockquote expandable>e</blockquote>", "qe"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("&lt;&gt;&amp;&quot;&#39;&#x41;&#1071;", "<>&\"'AЯ"),
        ("&nbsp; &copy; & a&b", "&nbsp; &copy; & a&b"),
        ("1 > 0", "1 > 0"),
        ("<B>upper</B>", "upper"),
        ("<b><i>nested</i></b>", "nested"),
    ],
)
def test_html_checker_accepts(source: str, text: str) -> None:
    assert is_valid_html(source)
    assert html_to_text(source) == text


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<p>x</p>", 'Unsupported start tag "p"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ('<span class="other">x</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="x>y</a>', "Unclosed start tag"),
        ("</b", "Unclosed end tag at byte offset 0"),
        ("<b bold>x</b>", "Expected equal sign"),
        ("<tg-emoji>x</tg-emoji>", 'must have attribute "emoji-id"'),
        ("привет <3 тебе", 'Unsupported start tag "3" at byte offset 13'),
        ("привет <3", "Unclosed start tag at byte offset 13"),
    ],
)
def test_html_checker_rejects(source: str, reason: str) -> None:
    assert not is_valid_html(source)
    with pytest.raises(HTMLParseError) as info:
        parse_html(source)
    assert reason in info.value.reason
    assert info.value.description.startswith("Bad Request: can't parse entities: ")


def test_html_entities_use_utf16_offsets() -> None:
    parsed = parse_html('😀 <b>жир</b> <a href="https://t.me">ссылка</a> <pre>p</pre>')
    assert parsed.text == "😀 жир ссылка p"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 3},
        {"type": "text_link", "offset": 7, "length": 6, "url": "https://t.me"},
        {"type": "pre", "offset": 14, "length": 1},
    ]
    pre = parse_html('<pre><code class="language-sql">select</code></pre>')
    assert pre.entities == [{"type": "pre", "offset": 0, "length": 6, "language": "sql"}]
    quote = parse_html("<blockquote expandable>q</blockquote>")
    assert quote.entities[0]["type"] == "expandable_blockquote"
