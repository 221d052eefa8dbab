"""Hundreds of generated updates, odd and hostile, pass the dispatcher with no unhandled error.

Every reply is checked the way Telegram would check it (HTML, empty text) by the recording
session, so echoing unescaped user text or sending an empty message would count as a failure.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.inprocess import BOT_USER, Harness, running_harness

_ids = itertools.count(1)


class CountingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[asyncio.AbstractEventLoop, Harness, CountingHandler]]:
    loop = asyncio.new_event_loop()
    tmp: Path = tmp_path_factory.mktemp("malformed")
    manager = running_harness(tmp)
    harness = loop.run_until_complete(manager.__aenter__())
    loop.run_until_complete(seed_organization(harness))
    errors = CountingHandler()
    watched = [logging.getLogger("handlers.errors"), logging.getLogger("aiogram.event")]
    for logger in watched:
        logger.addHandler(errors)
    try:
        yield loop, harness, errors
    finally:
        for logger in watched:
            logger.removeHandler(errors)
        loop.run_until_complete(manager.__aexit__(None, None, None))
        loop.close()


CURATOR_ID = 7


async def seed_organization(harness: Harness) -> None:
    """A curator and a pair exist, so forged curator and pair buttons reach their handlers."""
    from tests.cohort import mentee_answers, mentor_answers, ready

    services = harness.app.services
    org = await services.organizations.create("Школа", "Asia/Chita")
    await services.organizations.add_curator(org.id, CURATOR_ID)
    mentor = await ready(harness, org.id, 8, "mentor", mentor_answers("Ольга Викторовна"))
    await ready(harness, org.id, 9, "mentee", mentee_answers("Маша Иванова"))
    await services.admission.admit(org.id, mentor, CURATOR_ID)
    await services.pairing.run(org.id, CURATOR_ID)


any_text = st.text(max_size=5000)
short_text = st.text(min_size=1, max_size=64)
user_ids = st.one_of(st.integers(1, 10), st.sampled_from([CURATOR_ID, 777]), st.integers(1, 2**40))
language_codes = st.one_of(
    st.none(), st.sampled_from(["ru", "en", "en-US", "de", "", "zh-hans", "RU"]), short_text
)


@st.composite
def users(draw: st.DrawFn) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": draw(user_ids),
        "is_bot": False,
        "first_name": draw(st.one_of(short_text, st.just("<b>&amp;</b> <script>"))),
    }
    if draw(st.booleans()):
        user["last_name"] = draw(short_text)
    if draw(st.booleans()):
        user["username"] = draw(st.from_regex(r"[a-z][a-z0-9_]{4,31}", fullmatch=True))
    code = draw(language_codes)
    if code is not None:
        user["language_code"] = code
    return user


def file(kind: str) -> dict[str, Any]:
    base: dict[str, Any] = {"file_id": f"{kind}-id", "file_unique_id": f"{kind}-u"}
    extra: dict[str, dict[str, Any]] = {
        "sticker": {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "😀",
        },
        "voice": {"duration": 2},
        "video_note": {"length": 240, "duration": 3},
        "document": {"file_name": "../../etc/passwd <b>.pdf"},
        "animation": {"width": 1, "height": 1, "duration": 1},
    }
    return {**base, **extra.get(kind, {})}


commands = st.one_of(
    st.sampled_from(
        [
            "/start",
            "/help",
            "/cancel",
            "/language",
            "/support",
            "/unknown",
            "/START",
            "/start@mentor_test_bot",
            "/start@other_bot",
        ]
    ),
    st.builds(lambda p: "/start " + p, any_text),
    st.builds(lambda c: "/" + c, short_text),
)

contents = st.one_of(
    st.builds(lambda t: {"text": t}, st.one_of(any_text.filter(bool), commands)),
    st.just({"sticker": file("sticker")}),
    st.just({"photo": [{**file("photo"), "width": 90, "height": 90}]}),
    st.just({"voice": file("voice")}),
    st.just({"video_note": file("video_note")}),
    st.builds(
        lambda c: {"document": file("document"), "caption": c}, any_text.map(lambda t: t[:1024])
    ),
    st.just({"animation": file("animation"), "document": file("document")}),
    st.just({"location": {"latitude": 55.75, "longitude": 37.61}}),
    st.builds(lambda p: {"contact": {"phone_number": p, "first_name": "Мама"}}, short_text),
    st.just({"dice": {"emoji": "🎲", "value": 3}}),
    st.just({"new_chat_members": [{"id": 5, "is_bot": False, "first_name": "X"}]}),
)


@st.composite
def message_updates(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(users())
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": 1_700_000_000,
        "chat": draw(
            st.sampled_from(
                [
                    {"id": user["id"], "type": "private"},
                    {"id": -100123, "type": "supergroup", "title": "Класс"},
                ]
            )
        ),
        **draw(contents),
    }
    if draw(st.integers(0, 9)) > 0:  # sometimes no sender at all, as in channel posts
        message["from"] = user
    else:
        message["sender_chat"] = {"id": -100777, "type": "channel", "title": "Новости"}
    key = draw(st.sampled_from(["message", "message", "message", "edited_message"]))
    if key == "edited_message":
        message["edit_date"] = 1_700_000_100
    return {key: message}


def _all_callback_data() -> list[tuple[str, int]]:
    """Every button prefix of the bot and its number of fields, for forged presses."""
    import handlers  # noqa: F401 - importing the package imports every handler module

    found: dict[str, int] = {}
    stack: list[type[CallbackData]] = list(CallbackData.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        found[cls.__prefix__] = len(cls.model_fields)
    return sorted(found.items())


PREFIXES = _all_callback_data()
field_values = st.one_of(
    st.integers(-5, 10**7).map(str),
    st.sampled_from(["", "0", "1", "2", "en", "ru", "approve", "reject", "skip", "send",
                     "20260317", "99999999", "20261301", "1500", "2500", "other", "true",
                     "false", "mentor", "mentee", "curator", "run", "next", "open", "edit",
                     "confirm", "back", "done", "reminders", "length", "candidates"]),
    st.text(alphabet="abcxyz019_-", max_size=6),
)  # fmt: skip


@st.composite
def forged_buttons(draw: st.DrawFn) -> str:
    prefix, fields = draw(st.sampled_from(PREFIXES))
    count = draw(st.sampled_from([fields, fields, max(fields - 1, 0), fields + 1]))
    parts = [draw(field_values) for _ in range(count)]
    return ":".join([prefix, *parts])[:64]


callback_data = st.one_of(
    st.text(max_size=64),
    forged_buttons(),
    forged_buttons(),
    st.sampled_from(["lang1:en", "lang1:ru", "sup1t:problem", "sup1a:send"]),
)


@st.composite
def callback_updates(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(users())
    query: dict[str, Any] = {"id": str(next(_ids)), "from": user, "chat_instance": "ci"}
    data = draw(st.one_of(st.none(), callback_data))
    if data is not None:
        query["data"] = data
    attached = draw(st.sampled_from(["message", "inaccessible", "none"]))
    if attached == "message":
        query["message"] = {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": user["id"], "type": "private"},
            "from": BOT_USER.model_dump(),
            "text": "старое сообщение",
        }
    elif attached == "inaccessible":
        query["message"] = {
            "message_id": 1,
            "date": 0,
            "chat": {"id": user["id"], "type": "private"},
        }
    return {"callback_query": query}


other_updates = st.one_of(
    st.builds(
        lambda u: {
            "my_chat_member": {
                "chat": {"id": u["id"], "type": "private"},
                "from": u,
                "date": 1_700_000_000,
                "old_chat_member": {"status": "member", "user": BOT_USER.model_dump()},
                "new_chat_member": {
                    "status": "kicked",
                    "user": BOT_USER.model_dump(),
                    "until_date": 0,
                },
            }
        },
        users(),
    ),
    st.builds(
        lambda u, q: {"inline_query": {"id": "iq", "from": u, "query": q, "offset": ""}},
        users(),
        any_text.map(lambda t: t[:256]),
    ),
)

updates = st.one_of(message_updates(), message_updates(), callback_updates(), other_updates)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(update=updates)
def test_generated_updates_never_raise(
    live: tuple[asyncio.AbstractEventLoop, Harness, CountingHandler], update: dict[str, Any]
) -> None:
    loop, harness, errors = live
    errors.records.clear()
    answers_before = len(harness.session.callback_answers())
    loop.run_until_complete(harness.feed(update))
    assert [r.getMessage() for r in errors.records] == []
    if "callback_query" in update:
        answered = harness.session.callback_answers()[answers_before:]
        assert len(answered) == 1, "every button press is answered exactly once"
        assert isinstance(answered[0], AnswerCallbackQuery)


@st.composite
def forged_presses(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(st.sampled_from([CURATOR_ID, 777, 8, 9, 3]))
    return {
        "callback_query": {
            "id": str(next(_ids)),
            "from": {"id": user, "is_bot": False, "first_name": "Тест", "language_code": "ru"},
            "chat_instance": "ci",
            "data": draw(forged_buttons()),
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": user, "type": "private"},
                "from": BOT_USER.model_dump(),
                "text": "старое сообщение",
            },
        }
    }


@settings(max_examples=800, deadline=None, suppress_health_check=list(HealthCheck))
@given(update=forged_presses())
def test_forged_buttons_of_every_kind_never_raise(
    live: tuple[asyncio.AbstractEventLoop, Harness, CountingHandler], update: dict[str, Any]
) -> None:
    """Callback data is typed by the client: any button, with any values, from the curator,
    the admin, the pair or a stranger, gets an answer and no unhandled error."""
    loop, harness, errors = live
    errors.records.clear()
    answers_before = len(harness.session.callback_answers())
    loop.run_until_complete(harness.feed(update))
    assert [r.getMessage() for r in errors.records] == []
    assert len(harness.session.callback_answers()) == answers_before + 1


@st.composite
def typed_by_known_users(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(st.sampled_from([CURATOR_ID, 777, 8, 9, 3]))
    typical = st.sampled_from(
        ["12.03.2011", "1440, 60", "45", "Иванова Анна", "30.12.2026 – 10.01.2027 Каникулы",
         "/cancel"]
    )  # fmt: skip
    text = draw(st.one_of(any_text.filter(lambda t: bool(t.strip())), commands, typical))
    return {
        "message": {
            "message_id": next(_ids),
            "date": 1_700_000_000,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Тест", "language_code": "ru"},
            "text": text,
        }
    }


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(updates=st.lists(st.one_of(forged_presses(), typed_by_known_users()), min_size=2,
                        max_size=6))  # fmt: skip
def test_mixed_presses_and_typing_in_any_dialogue_never_raise(
    live: tuple[asyncio.AbstractEventLoop, Harness, CountingHandler],
    updates: list[dict[str, Any]],
) -> None:
    """A press may open a dialogue (a reason, holidays, settings, a meeting place); whatever
    is typed next must be answered without an unhandled error."""
    loop, harness, errors = live
    errors.records.clear()
    for update in updates:
        loop.run_until_complete(harness.feed(update))
    assert [r.getMessage() for r in errors.records] == []
