"""An in-process fake of the Telegram Bot API HTTP server, built on aiohttp.web.

The real aiogram client talks to it through ``TelegramAPIServer.from_base(base_url)``:
``{base}/bot{token}/{method}`` and ``{base}/file/bot{token}/{path}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import math
import mimetypes
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .html_check import HTMLParseError, parse_html, utf16_len
from .keyboards import validate_reply_markup
from .models import ApiError, ChatMessage, FileUpload, RecordedCall, bad_request
from .users import FakeUser

__all__ = ["FakeTelegram"]

Handler = Callable[[dict[str, Any], web.Request], Awaitable[Any]]

_METHODS = (
    "getMe",
    "getUpdates",
    "deleteWebhook",
    "setWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "setMyDescription",
    "getMyDescription",
    "setMyShortDescription",
    "getMyShortDescription",
    "setMyName",
    "getMyName",
    "setChatMenuButton",
    "getChatMenuButton",
    "sendMessage",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "deleteMessages",
    "answerCallbackQuery",
    "sendDocument",
    "sendPhoto",
    "sendChatAction",
    "getChat",
    "getFile",
    "close",
    "logOut",
)
_MESSAGE_CREATING = frozenset({"sendmessage", "senddocument", "sendphoto"})

# Form fields that are plain strings; every other form field is JSON-decoded when possible
# (aiogram JSON-encodes ints, bools, lists and objects in form data).
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "description",
        "short_description",
        "name",
        "language_code",
        "action",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "secret_token",
        "ip_address",
        "file_id",
        "document",
        "photo",
        "thumbnail",
        "emoji",
    }
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "menu_button",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "message_ids",
    }
)
_DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
_DEFAULT_ERRORS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _json_response(status: int, body: dict[str, Any]) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _as_float(value: Any) -> float:
    """Seconds; Telegram takes an integer, fractions are accepted to keep tests fast."""
    if isinstance(value, bool) or value is None:
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _decode_form_value(key: str, value: str) -> Any:
    if key in _STRING_FIELDS or value.startswith("attach://"):
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return value if isinstance(decoded, str) else decoded


class _ScriptedError:
    def __init__(self, error: ApiError, times: int) -> None:
        self.error = error
        self.times = times


class _Poll:
    def __init__(self) -> None:
        self.terminated = False


class FakeTelegram:
    """A fake Telegram Bot API server for one bot, with fake users in private chats."""

    def __init__(
        self,
        token: str = "123456789:TEST-fake-token_abcdefghijklmnopqrstu",
        bot_username: str = "mentor_test_bot",
        bot_id: int = 123456789,
        *,
        bot_first_name: str = "Mentor Test Bot",
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_first_name = bot_first_name
        self.base_url = ""
        self.calls: list[RecordedCall] = []
        self.unknown_calls: list[RecordedCall] = []
        self.wrong_token_calls = 0
        self.server_errors: list[Exception] = []  # exceptions raised inside the fake itself
        self.getupdates_polls = 0
        self.users: dict[int, FakeUser] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.webhook_url = ""
        self.allowed_updates: list[str] | None = None
        self.pending_updates: list[dict[str, Any]] = []
        # Every update queued, by id, and those to deliver again (see redeliver()).
        self.queued_updates: dict[int, dict[str, Any]] = {}
        self._redeliveries: list[dict[str, Any]] = []
        self.dropped_updates: list[dict[str, Any]] = []  # filtered out by allowed_updates
        self.files: dict[str, tuple[FileUpload, str, str]] = {}  # id -> (file, unique, path)
        self._next_update_id = 700_000_001
        self._next_file = 1
        self._next_query = 1
        self._callback_queries: dict[str, int] = {}
        self._scripted: dict[str, deque[_ScriptedError]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._rate_limit: float | None = None
        self._sent_times: deque[float] = deque()
        # Flood control bookkeeping: 429 answers to sending methods, and requests that came
        # before the retry_after the server had announced had run out (a bot that ignores it).
        self.flood_answers = 0
        self.early_retries: list[RecordedCall] = []
        self._flood_windows: list[tuple[float, float]] = []  # (from, until) of each 429
        self._active_poll: _Poll | None = None
        self._wakeup = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, tuple[str, Handler]] = {}
        for name in _METHODS:
            handler: Handler = getattr(self, f"_api_{name.lower()}")
            self._handlers[name.lower()] = (name, handler)

    # -- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        if self._runner is not None:
            return
        self._closing = False
        self._wakeup = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_other)
        runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=0.5, handler_cancellation=True
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._closing = True
        self._notify()
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- test-facing helpers -------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str = "Аня",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> FakeUser:
        """Create (or return the existing) user with a private chat with the bot."""
        existing = self.users.get(user_id)
        if existing is not None:
            return existing
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = FakeUser(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[user_id] = user
        return user

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error."""
        parameters: dict[str, Any] | None = None
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if retry_after is not None:
            parameters = {"retry_after": retry_after}
        if description is None:
            if error_code == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_ERRORS.get(error_code, f"Error {error_code}")
        queue = self._scripted.setdefault(method.lower(), deque())
        queue.append(_ScriptedError(ApiError(error_code, description, parameters), times))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next ``times`` calls of ``method`` for ``seconds`` before handling them.

        The call is recorded (status 0) as soon as it arrives; if the client goes away while
        it is held, the call is never performed (as with a lost request).
        """
        queue = self._delays.setdefault(method.lower(), deque())
        queue.extend([seconds] * times)

    @property
    def calls_started(self) -> list[RecordedCall]:
        """Every request received so far, including those still in flight (status 0)."""
        return list(self.calls)

    def set_rate_limit(self, per_second: float | None) -> None:
        """Limit message-creating methods (send*) to ``per_second`` (None: no limit)."""
        if per_second is not None and per_second <= 0:
            raise ValueError("per_second must be positive")
        self._rate_limit = per_second
        self._sent_times.clear()

    # A request that arrives this soon after a 429 was answered left the bot before the bot
    # could have read that answer: it was already on its way, not the bot ignoring it.
    IN_FLIGHT_GRACE = 0.05
    # A retry this little before the retry_after runs out counts as on time (clocks differ).
    EARLY_RETRY_TOLERANCE = 0.1

    @property
    def sending_calls(self) -> list[RecordedCall]:
        """Requests to methods that create messages (what flood control counts)."""
        return [c for c in self.calls if c.method.lower() in _MESSAGE_CREATING]

    def _track_flood(self, call: RecordedCall) -> None:
        """Called when a sending request arrives: was it before an announced retry_after?"""
        if any(start <= call.time < until for start, until in self._flood_windows):
            self.early_retries.append(call)

    def _flood_answered(self, call: RecordedCall, status: int, body: dict[str, Any]) -> None:
        if status != 429 or call.method.lower() not in _MESSAGE_CREATING:
            return
        self.flood_answers += 1
        retry_after = (body.get("parameters") or {}).get("retry_after") or 0
        now = time.monotonic()
        until = now + float(retry_after) - self.EARLY_RETRY_TOLERANCE
        self._flood_windows = [w for w in self._flood_windows if w[1] > now]
        self._flood_windows.append((now + self.IN_FLIGHT_GRACE, until))

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,
        message: str | None = None,
    ) -> None:
        """Poll ``predicate`` every 20 ms; AssertionError if it stays false for ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() >= deadline:
                try:
                    source = inspect.getsource(predicate).strip()
                except (OSError, TypeError):
                    source = repr(predicate)
                detail = f"{message}\n" if message else ""
                raise AssertionError(
                    f"Condition not met within {timeout}s: {source}\n{detail}"
                    f"Last API calls:\n{self.calls_summary()}"
                )
            await asyncio.sleep(0.02)

    def methods_called(self, name: str) -> list[RecordedCall]:
        wanted = name.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def calls_summary(self, last: int = 15) -> str:
        calls = [c for c in self.calls if c.method != "getUpdates"][-last:]
        if not calls:
            return "  (no API calls except getUpdates)"
        return "\n".join(f"  {call}" for call in calls)

    def failed_calls_summary(self) -> str:
        failed = [c for c in self.calls if c.status not in (0, 200)]
        lines = ["Failed API calls:", *(f"  {c}" for c in failed[-10:])] if failed else []
        if self.dropped_updates:
            kinds = sorted({k for u in self.dropped_updates for k in u if k != "update_id"})
            lines.append(
                f"{len(self.dropped_updates)} update(s) of type {', '.join(kinds)} were dropped "
                f"because the bot polls with allowed_updates={self.allowed_updates}"
            )
        return "\n".join(lines) if lines else "No failed API calls."

    @property
    def unanswered_callback_queries(self) -> list[str]:
        return list(self._callback_queries)

    def get_commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]] | None:
        """Commands stored by setMyCommands for a scope (default scope if None)."""
        key = self._scope_key(scope or {"type": "default"})
        return self.commands.get((key, language_code))

    # -- internal hooks used by FakeUser -------------------------------------------------
    def bot_user_json(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def queue_update(self, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        update = {"update_id": update_id, **payload}
        self.queued_updates[update_id] = update
        self.pending_updates.append(update)
        self._notify()
        return update_id

    @property
    def last_update_id(self) -> int:
        return self._next_update_id - 1

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again, as Telegram does when the bot died before it confirmed
        the offset: the next getUpdates returns it whatever offset it asks for."""
        self._redeliveries.append(dict(self.queued_updates[update_id]))
        self._notify()

    def new_file_id(self, kind: str, upload: FileUpload | None = None) -> tuple[str, str]:
        number = self._next_file
        self._next_file += 1
        prefix = {"document": "BQACAgIAAxkBAAI", "photo": "AgACAgIAAxkBAAI"}.get(
            kind, "CAACAgIAAxkBAAI"
        )
        file_id = f"{prefix}{number:06d}fake{self.bot_id % 100000:05d}"
        unique_id = f"AgAD{number:06d}"
        if upload is not None:
            extension = mimetypes.guess_extension(upload.content_type or "") or ""
            if "." in upload.filename:
                extension = "." + upload.filename.rsplit(".", 1)[1]
            path = f"{kind}s/file_{number}{extension}"
            self.files[file_id] = (upload, unique_id, path)
        return file_id, unique_id

    def new_callback_query(self, user: FakeUser) -> str:
        query_id = str(4_801_234_567_890_000_000 + self._next_query)
        self._next_query += 1
        self._callback_queries[query_id] = user.id
        return query_id

    def _notify(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    # -- HTTP plumbing -------------------------------------------------------------------
    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for key, value in request.query.items():
            params[key] = _decode_form_value(key, value)
        if request.method not in ("POST", "PUT") or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON encoded request body") from None
            if body is None:
                return params
            if not isinstance(body, dict):
                raise bad_request("JSON request body must be an object")
            for key, value in body.items():
                if key in _JSON_FIELDS and isinstance(value, str):
                    try:
                        value = json.loads(value)
                    except ValueError:
                        raise bad_request(f"can't parse {key} JSON object") from None
                params[key] = value
            return params
        form = await request.post()
        files: dict[str, FileUpload] = {}
        for name, item in form.items():
            if isinstance(item, web.FileField):
                files[name] = FileUpload(
                    item.filename or name, item.file.read(), name, item.content_type
                )
            elif isinstance(item, (bytes, bytearray)):
                params[name] = _decode_form_value(name, bytes(item).decode("utf-8", "replace"))
            else:
                params[name] = _decode_form_value(name, item)
        used: set[str] = set()
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                attached = value.removeprefix("attach://")
                if attached in files:
                    params[key] = files[attached]
                    used.add(attached)
        for attached, upload in files.items():
            if attached not in used:
                params[attached] = upload
        return params

    async def _handle_other(self, request: web.Request) -> web.Response:
        return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            self.wrong_token_calls += 1
            return _json_response(
                401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        path = request.match_info["path"]
        for upload, _unique, stored_path in self.files.values():
            if stored_path == path:
                return web.Response(
                    body=upload.content,
                    content_type=upload.content_type or "application/octet-stream",
                )
        return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            self.wrong_token_calls += 1
            return _json_response(
                401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        sent_name = request.match_info["method"]
        known = self._handlers.get(sent_name.lower())
        call = RecordedCall(method=known[0] if known else sent_name, params={})
        self.calls.append(call)
        if call.method.lower() in _MESSAGE_CREATING:
            self._track_flood(call)
        try:
            try:
                call.params = await self._read_params(request)
            except ApiError as error:
                return self._finish(call, error.error_code, error.payload())
            if known is None:
                self.unknown_calls.append(call)
                body = {
                    "ok": False,
                    "error_code": 404,
                    "description": "Not Found: method not found",
                }
                return self._finish(call, 404, body)
            delays = self._delays.get(sent_name.lower())
            if delays:
                await asyncio.sleep(delays.popleft())
            try:
                self._check_scripted(sent_name.lower())
                result = await known[1](call.params, request)
            except ApiError as error:
                return self._finish(call, error.error_code, error.payload())
            except Exception as error:  # a bug in the fake: make it loud but keep serving
                self.server_errors.append(error)
                description = f"Internal Server Error: fake server failed: {error!r}"
                return self._finish(
                    call, 500, {"ok": False, "error_code": 500, "description": description}
                )
            return self._finish(call, 200, {"ok": True, "result": result})
        finally:
            if call.status == 0:  # cancelled: the client went away
                call.status = 499

    def _finish(self, call: RecordedCall, status: int, body: dict[str, Any]) -> web.Response:
        call.status = status
        call.response = body
        self._flood_answered(call, status, body)
        return _json_response(status, body)

    def _check_scripted(self, method: str) -> None:
        queue = self._scripted.get(method)
        if not queue:
            return
        scripted = queue[0]
        scripted.times -= 1
        if scripted.times <= 0:
            queue.popleft()
        raise scripted.error

    def _check_rate_limit(self) -> None:
        if self._rate_limit is None:
            return
        now = time.monotonic()
        window = max(1.0, 1.0 / self._rate_limit)
        capacity = max(1, int(self._rate_limit * window))
        while self._sent_times and self._sent_times[0] <= now - window:
            self._sent_times.popleft()
        if len(self._sent_times) >= capacity:
            retry_after = max(1, math.ceil(self._sent_times[0] + window - now))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        self._sent_times.append(now)

    # -- shared validation ---------------------------------------------------------------
    def _chat(self, params: dict[str, Any]) -> FakeUser:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        user = self.users.get(_as_int(chat_id) or 0)
        if user is None:
            raise bad_request("chat not found")
        return user

    @staticmethod
    def _writable(user: FakeUser) -> None:
        if user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    @staticmethod
    def _render(raw: str, parse_mode: Any) -> tuple[str, list[dict[str, Any]]]:
        mode = str(parse_mode or "").lower()
        if not mode:
            text, entities = raw, []
        elif mode == "html":
            try:
                parsed = parse_html(raw)
            except HTMLParseError as error:
                raise ApiError(400, error.description) from None
            text, entities = parsed.text, parsed.entities
        elif mode in ("markdown", "markdownv2"):
            text, entities = raw, []  # Markdown is not parsed by the fake
        else:
            raise bad_request("unsupported parse_mode")
        return FakeTelegram._strip(text, entities)

    @staticmethod
    def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        left = utf16_len(text) - utf16_len(text.lstrip())
        stripped = text.strip()
        total = utf16_len(stripped)
        result = []
        for entity in entities:
            start = max(0, entity["offset"] - left)
            end = min(total, entity["offset"] + entity["length"] - left)
            if end > start:
                result.append(entity | {"offset": start, "length": end - start})
        return stripped, result

    def _text_param(self, params: dict[str, Any], key: str) -> str | None:
        value = params.get(key)
        if value is None:
            return None
        if isinstance(value, (dict, list, FileUpload)):
            raise bad_request(f'field "{key}" must be of type String')
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def _message_text(self, params: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
        raw = self._text_param(params, "text") or ""
        if not raw.strip():
            raise bad_request("message text is empty")
        text, entities = self._render(raw, params.get("parse_mode"))
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > 4096:
            raise bad_request("message is too long")
        return raw, text, entities

    def _caption(self, params: dict[str, Any]) -> tuple[str | None, str, list[dict[str, Any]]]:
        raw = self._text_param(params, "caption")
        if raw is None:
            return None, "", []
        text, entities = self._render(raw, params.get("parse_mode"))
        if utf16_len(text) > 1024:
            raise bad_request("message caption is too long")
        return raw, text, entities

    def _check_reply_to(self, user: FakeUser, params: dict[str, Any]) -> None:
        reply = params.get("reply_parameters")
        allow = _as_bool(params.get("allow_sending_without_reply"))
        target: Any = params.get("reply_to_message_id")
        if isinstance(reply, dict):
            target = reply.get("message_id")
            allow = allow or _as_bool(reply.get("allow_sending_without_reply"))
        if target is None:
            return
        message_id = _as_int(target)
        if (message_id is None or user.find(message_id) is None) and not allow:
            raise bad_request("message to be replied not found")

    def _input_file(self, params: dict[str, Any], key: str) -> FileUpload:
        value = params.get(key)
        if value is None or value == "":
            raise bad_request(f"there is no {key} in the request")
        if isinstance(value, FileUpload):
            if not value.content:
                raise bad_request("file must be non-empty")
            return value
        if isinstance(value, str) and value in self.files:
            return self.files[value][0]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or key
            return FileUpload(name, b"", key, mimetypes.guess_type(name)[0])
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _edit_target(self, params: dict[str, Any], what: str) -> tuple[FakeUser, ChatMessage]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        user = self._chat(params)
        self._writable(user)
        message_id = _as_int(params.get("message_id"))
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = user.find(message_id)
        if message is None:
            raise bad_request(f"message to {what} not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return user, message

    def _new_bot_message(
        self,
        user: FakeUser,
        params: dict[str, Any],
        *,
        kind: str,
        raw: str | None,
        text: str,
        entities: list[dict[str, Any]],
        markup: dict[str, Any] | None,
        file: FileUpload | None = None,
        media: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        self._check_rate_limit()
        message = ChatMessage(
            message_id=user._new_message_id(),
            from_bot=True,
            text=text,
            html=raw,
            parse_mode=params.get("parse_mode") or None,
            reply_markup=markup,
            kind=kind,
            document=file if kind == "document" else None,
            entities=entities,
            file=file,
            media=media or {},
        )
        user._add_bot_message(message)
        return user.message_json(message)

    # -- Bot API methods -----------------------------------------------------------------
    async def _api_getme(self, params: dict[str, Any], request: web.Request) -> Any:
        return self.bot_user_json() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_getupdates(self, params: dict[str, Any], request: web.Request) -> Any:
        self.getupdates_polls += 1
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset")) or 0
        limit = min(100, max(1, _as_int(params.get("limit")) or 100))
        timeout = max(0.0, _as_float(params.get("timeout")))
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(item) for item in allowed]
        if offset > 0:
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        elif offset < 0:
            self.pending_updates = self.pending_updates[offset:]

        if self._active_poll is not None:
            self._active_poll.terminated = True
        poll = _Poll()
        self._active_poll = poll
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if poll.terminated:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only "
                        "one bot instance is running",
                    )
                if self._redeliveries:
                    self.pending_updates = self._redeliveries + self.pending_updates
                    self._redeliveries = []
                wanted = set(self.allowed_updates or _DEFAULT_UPDATE_TYPES)
                kept = []
                for update in self.pending_updates:
                    if (set(update) - {"update_id"}) & wanted:
                        kept.append(update)
                    else:
                        self.dropped_updates.append(update)
                self.pending_updates = kept
                if self.pending_updates or self._closing:
                    return self.pending_updates[:limit]
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                transport = request.transport
                if transport is None or transport.is_closing():
                    return []
                wakeup = self._wakeup
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wakeup.wait(), timeout=min(remaining, 0.5))
        finally:
            if self._active_poll is poll:
                self._active_poll = None

    async def _api_deletewebhook(self, params: dict[str, Any], request: web.Request) -> Any:
        self.webhook_url = ""
        if _as_bool(params.get("drop_pending_updates")):
            self.pending_updates.clear()
        return True

    async def _api_setwebhook(self, params: dict[str, Any], request: web.Request) -> Any:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if isinstance(params.get("allowed_updates"), list):
            self.allowed_updates = [str(item) for item in params["allowed_updates"]]
        if _as_bool(params.get("drop_pending_updates")):
            self.pending_updates.clear()
        return True

    async def _api_getwebhookinfo(self, params: dict[str, Any], request: web.Request) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending_updates),
        }
        if self.webhook_url:
            info["max_connections"] = 40
        if self.allowed_updates is not None:
            info["allowed_updates"] = self.allowed_updates
        return info

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        return json.dumps(scope, sort_keys=True, ensure_ascii=False)

    @staticmethod
    def _language(params: dict[str, Any]) -> str:
        language = str(params.get("language_code") or "")
        if language and not _LANGUAGE_RE.fullmatch(language):
            raise bad_request("invalid language code specified")
        return language

    async def _api_setmycommands(self, params: dict[str, Any], request: web.Request) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        normalised: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            command = item.get("command")
            description = item.get("description")
            if not isinstance(command, str) or not _COMMAND_RE.fullmatch(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            normalised.append({"command": command, "description": description})
        key = (self._scope_key(params.get("scope")), self._language(params))
        if normalised:
            self.commands[key] = normalised
        else:
            self.commands.pop(key, None)
        return True

    async def _api_getmycommands(self, params: dict[str, Any], request: web.Request) -> Any:
        key = (self._scope_key(params.get("scope")), self._language(params))
        return self.commands.get(key, [])

    async def _api_deletemycommands(self, params: dict[str, Any], request: web.Request) -> Any:
        key = (self._scope_key(params.get("scope")), self._language(params))
        self.commands.pop(key, None)
        return True

    def _set_text_setting(
        self, store: dict[str, str], params: dict[str, Any], key: str, limit: int
    ) -> bool:
        value = self._text_param(params, key) or ""
        if len(value) > limit:
            raise bad_request(f"{key} is too long")
        language = self._language(params)
        if value:
            store[language] = value
        else:
            store.pop(language, None)
        return True

    async def _api_setmydescription(self, params: dict[str, Any], request: web.Request) -> Any:
        return self._set_text_setting(self.descriptions, params, "description", 512)

    async def _api_getmydescription(self, params: dict[str, Any], request: web.Request) -> Any:
        return {"description": self.descriptions.get(self._language(params), "")}

    async def _api_setmyshortdescription(self, params: dict[str, Any], request: web.Request) -> Any:
        return self._set_text_setting(self.short_descriptions, params, "short_description", 120)

    async def _api_getmyshortdescription(self, params: dict[str, Any], request: web.Request) -> Any:
        return {"short_description": self.short_descriptions.get(self._language(params), "")}

    async def _api_setmyname(self, params: dict[str, Any], request: web.Request) -> Any:
        return self._set_text_setting(self.names, params, "name", 64)

    async def _api_getmyname(self, params: dict[str, Any], request: web.Request) -> Any:
        return {"name": self.names.get(self._language(params), self.bot_first_name)}

    async def _api_setchatmenubutton(self, params: dict[str, Any], request: web.Request) -> Any:
        chat_id: int | None = None
        if params.get("chat_id") not in (None, ""):
            chat_id = self._chat(params).id
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad_request("can't parse menu button JSON object")
        if button["type"] == "web_app":
            web_app = button.get("web_app")
            if not button.get("text") or not isinstance(web_app, dict) or not web_app.get("url"):
                raise bad_request("can't parse menu button JSON object")
        self.menu_buttons[chat_id] = button
        return True

    async def _api_getchatmenubutton(self, params: dict[str, Any], request: web.Request) -> Any:
        chat_id: int | None = None
        if params.get("chat_id") not in (None, ""):
            chat_id = self._chat(params).id
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}

    async def _api_sendmessage(self, params: dict[str, Any], request: web.Request) -> Any:
        user = self._chat(params)
        self._writable(user)
        raw, text, entities = self._message_text(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        self._check_reply_to(user, params)
        return self._new_bot_message(
            user, params, kind="text", raw=raw, text=text, entities=entities, markup=markup
        )

    async def _api_senddocument(self, params: dict[str, Any], request: web.Request) -> Any:
        user = self._chat(params)
        self._writable(user)
        upload = self._input_file(params, "document")
        raw, caption, entities = self._caption(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        self._check_reply_to(user, params)
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        file_id, unique_id = self.new_file_id("document", upload)
        document = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_name": upload.filename,
            "mime_type": mime,
            "file_size": len(upload.content),
        }
        return self._new_bot_message(
            user,
            params,
            kind="document",
            raw=raw,
            text=caption,
            entities=entities,
            markup=markup,
            file=upload,
            media={"document": document},
        )

    async def _api_sendphoto(self, params: dict[str, Any], request: web.Request) -> Any:
        user = self._chat(params)
        self._writable(user)
        upload = self._input_file(params, "photo")
        raw, caption, entities = self._caption(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        self._check_reply_to(user, params)
        sizes = []
        for width, height in ((90, 60), (320, 213), (800, 533)):
            file_id, unique_id = self.new_file_id("photo", upload)
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique_id,
                    "width": width,
                    "height": height,
                    "file_size": max(1, len(upload.content) * width // 800),
                }
            )
        return self._new_bot_message(
            user,
            params,
            kind="photo",
            raw=raw,
            text=caption,
            entities=entities,
            markup=markup,
            file=upload,
            media={"photo": sizes},
        )

    async def _api_editmessagetext(self, params: dict[str, Any], request: web.Request) -> Any:
        user, message = self._edit_target(params, "edit")
        raw, text, entities = self._message_text(params)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        markup = validate_reply_markup(params.get("reply_markup"), inline_only=True)
        old_markup = message.reply_markup if message.inline_keyboard else None
        if text == message.text and entities == message.entities and markup == old_markup:
            raise bad_request(_NOT_MODIFIED)
        message.text, message.entities, message.html = text, entities, raw
        message.parse_mode = params.get("parse_mode") or None
        message.reply_markup = markup
        user._touch(message)
        return user.message_json(message)

    async def _api_editmessagecaption(self, params: dict[str, Any], request: web.Request) -> Any:
        user, message = self._edit_target(params, "edit")
        if message.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        raw, caption, entities = self._caption(params)
        markup = validate_reply_markup(params.get("reply_markup"), inline_only=True)
        old_markup = message.reply_markup if message.inline_keyboard else None
        if caption == message.text and entities == message.entities and markup == old_markup:
            raise bad_request(_NOT_MODIFIED)
        message.text, message.entities, message.html = caption, entities, raw
        message.parse_mode = params.get("parse_mode") or None
        message.reply_markup = markup
        user._touch(message)
        return user.message_json(message)

    async def _api_editmessagereplymarkup(
        self, params: dict[str, Any], request: web.Request
    ) -> Any:
        user, message = self._edit_target(params, "edit")
        markup = validate_reply_markup(params.get("reply_markup"), inline_only=True)
        old_markup = message.reply_markup if message.inline_keyboard else None
        if markup == old_markup:
            raise bad_request(_NOT_MODIFIED)
        message.reply_markup = markup
        user._touch(message)
        return user.message_json(message)

    async def _api_deletemessage(self, params: dict[str, Any], request: web.Request) -> Any:
        user = self._chat(params)
        message_id = _as_int(params.get("message_id"))
        message = user.find(message_id) if message_id is not None else None
        if message is None:
            raise bad_request("message to delete not found")
        user._remove(message)
        return True

    async def _api_deletemessages(self, params: dict[str, Any], request: web.Request) -> Any:
        user = self._chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be a non-empty list of at most 100 ids")
        found = [m for m in (user.find(_as_int(i) or 0) for i in ids) if m is not None]
        if not found:
            raise bad_request("message to delete not found")
        for message in found:
            user._remove(message)
        return True

    async def _api_answercallbackquery(self, params: dict[str, Any], request: web.Request) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        user_id = self._callback_queries.get(query_id)
        if user_id is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = self._text_param(params, "text") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        del self._callback_queries[query_id]
        self.users[user_id].callback_answers.append(dict(params))
        return True

    async def _api_sendchataction(self, params: dict[str, Any], request: web.Request) -> Any:
        user = self._chat(params)
        self._writable(user)
        action = str(params.get("action") or "")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        user.chat_actions.append(action)
        return True

    async def _api_getchat(self, params: dict[str, Any], request: web.Request) -> Any:
        user = self._chat(params)
        return user.chat_json() | {
            "accent_color_id": user.id % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    async def _api_getfile(self, params: dict[str, Any], request: web.Request) -> Any:
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            raise bad_request("invalid file_id")
        upload, unique_id, path = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_size": len(upload.content),
            "file_path": path,
        }

    async def _api_close(self, params: dict[str, Any], request: web.Request) -> Any:
        return True

    async def _api_logout(self, params: dict[str, Any], request: web.Request) -> Any:
        return True
