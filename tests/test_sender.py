"""The rate-limited sender: rates kept, flood control waited once, blocked chats not retried.

Rates are checked on the event loop's clock with small numbers (a fraction of a second per
test); the waits for flood control go through a virtual clock, so a 429 asking for seconds
costs nothing and the exact wait can be asserted.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_right
from itertools import pairwise

import pytest
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import GetMe, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.retry import RetryAfterMiddleware, without_session_retries
from bot.sender import (
    ARRIVAL_JITTER,
    Delivery,
    Outcome,
    RateLimitedSender,
    RetryLater,
    Unreachable,
)
from handlers.delivery import send_text

TOKEN = "123456789:TEST-sender-token_abcdefghijklmnopqrstu"

# Loop timers may fire a little early or late; spacing is checked with this slack.
SLACK = 0.004


class VirtualTime:
    """``sleep`` and ``monotonic`` for the sender's flood-control waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        await asyncio.sleep(0)


def virtual_sender(vt: VirtualTime, **options: float) -> RateLimitedSender:
    return RateLimitedSender(
        options.pop("per_second", 1000.0),
        options.pop("per_chat_per_second", 1000.0),
        sleep=vt.sleep,
        monotonic=vt.monotonic,
        **options,  # type: ignore[arg-type]
    )


class Script:
    """A ``send(chat_id)`` that records calls and raises what is scripted for a chat."""

    def __init__(self, errors: dict[int, list[Exception]] | None = None) -> None:
        self.errors = errors or {}
        self.calls: list[int] = []
        self.times: dict[int, list[float]] = {}

    async def __call__(self, chat_id: int) -> None:
        self.calls.append(chat_id)
        self.times.setdefault(chat_id, []).append(asyncio.get_running_loop().time())
        queue = self.errors.get(chat_id)
        if queue:
            raise queue.pop(0)


def by_chat(results: tuple[Delivery, ...]) -> dict[int, Delivery]:
    return {r.chat_id: r for r in results}


# -- rates --------------------------------------------------------------------------------
async def test_keeps_the_global_rate() -> None:
    sender = RateLimitedSender(per_second=50, per_chat_per_second=1)
    script = Script()
    loop = asyncio.get_running_loop()
    started = loop.time()
    report = await sender.send_all(range(1, 11), script)
    elapsed = loop.time() - started

    assert sorted(report.delivered) == list(range(1, 11))
    moments = sorted(t for times in script.times.values() for t in times)
    gaps = [b - a for a, b in pairwise(moments)]
    assert min(gaps) >= 1 / 50 - SLACK, gaps
    assert elapsed >= 9 / 50 - SLACK
    assert elapsed < 1.0  # evenly spaced, not waiting whole seconds


async def test_keeps_the_per_chat_rate_without_holding_up_other_chats() -> None:
    sender = RateLimitedSender(per_second=1000, per_chat_per_second=10)
    script = Script()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(*(sender.send_one(chat, script) for chat in (1, 1, 1, 2)))

    first = script.times[1]
    assert len(first) == 3
    assert all(b - a >= 0.1 - SLACK for a, b in pairwise(first)), first
    assert script.times[2][0] - started < 0.05  # another chat does not wait for chat 1


async def test_rates_are_shared_by_sends_running_at_once() -> None:
    sender = RateLimitedSender(per_second=40, per_chat_per_second=1)
    script = Script()
    await asyncio.gather(
        sender.send_all([1, 2, 3, 4], script), sender.send_all([5, 6, 7, 8], script)
    )
    moments = sorted(t for times in script.times.values() for t in times)
    gaps = [b - a for a, b in pairwise(moments)]
    assert len(moments) == 8 and min(gaps) >= 1 / 40 - SLACK, gaps


# -- flood control ------------------------------------------------------------------------
async def test_a_429_is_waited_out_exactly_once_then_delivered() -> None:
    vt = VirtualTime()
    script = Script({7: [RetryLater(2.5)]})
    report = await virtual_sender(vt).send_all([7], script)

    assert vt.sleeps == [2.5]
    assert script.calls == [7, 7]
    assert report.results == (Delivery(7, Outcome.DELIVERED, 2),)


async def test_each_429_is_waited_once_with_its_own_retry_after() -> None:
    vt = VirtualTime()
    script = Script({3: [RetryLater(2.0), RetryLater(3.0)]})
    delivery = await virtual_sender(vt).send_one(3, script)

    assert vt.sleeps == [2.0, 3.0]
    assert delivery.outcome is Outcome.DELIVERED and delivery.attempts == 3


async def test_a_429_pauses_the_others_and_everyone_gets_one_message() -> None:
    vt = VirtualTime()
    script = Script({2: [RetryLater(1.5)]})
    report = await virtual_sender(vt).send_all([1, 2, 3, 4, 5], script)

    assert sorted(report.delivered) == [1, 2, 3, 4, 5]
    assert sorted(script.calls) == [1, 2, 2, 3, 4, 5]
    assert vt.sleeps[0] == 1.5 and sum(vt.sleeps) == pytest.approx(1.5)
    assert by_chat(report.results)[2].attempts == 2


async def test_gives_up_after_a_few_429s() -> None:
    vt = VirtualTime()
    script = Script({4: [RetryLater(1.0) for _ in range(10)]})
    delivery = await virtual_sender(vt, attempts=3).send_one(4, script)

    assert delivery.outcome is Outcome.FAILED and delivery.attempts == 3
    assert script.calls == [4, 4, 4]
    assert vt.sleeps == [1.0, 1.0]


async def test_a_flood_wait_beyond_the_longest_fails_without_waiting() -> None:
    vt = VirtualTime()
    script = Script({4: [RetryLater(3600)]})
    delivery = await virtual_sender(vt, longest_wait=600).send_one(4, script)

    assert delivery.outcome is Outcome.FAILED
    assert vt.sleeps == [] and script.calls == [4]


# -- unreachable and failed ---------------------------------------------------------------
async def test_a_blocked_chat_is_unreachable_and_not_retried() -> None:
    vt = VirtualTime()
    script = Script({2: [Unreachable("Forbidden: bot was blocked by the user")]})
    report = await virtual_sender(vt).send_all([1, 2, 3], script)

    results = by_chat(report.results)
    assert results[2].outcome is Outcome.UNREACHABLE and results[2].attempts == 1
    assert report.unreachable == [2] and sorted(report.delivered) == [1, 3]
    assert sorted(script.calls) == [1, 2, 3]
    assert vt.sleeps == []


async def test_another_error_fails_that_recipient_only_without_retry() -> None:
    vt = VirtualTime()
    script = Script({2: [RuntimeError("network went away")]})
    report = await virtual_sender(vt).send_all([1, 2, 3], script)

    assert report.failed == [2] and sorted(report.delivered) == [1, 3]
    assert sorted(script.calls) == [1, 2, 3]


async def test_each_recipient_is_attempted_once_and_reported_once() -> None:
    vt = VirtualTime()
    script = Script()
    seen: list[Delivery] = []

    async def on_result(delivery: Delivery) -> None:
        seen.append(delivery)

    report = await virtual_sender(vt).send_all([1, 2, 2, 3, 1, 4], script, on_result=on_result)

    assert sorted(script.calls) == [1, 2, 3, 4]
    assert sorted(r.chat_id for r in report.results) == [1, 2, 3, 4]
    assert sorted(d.chat_id for d in seen) == [1, 2, 3, 4]


async def test_cancelling_stops_the_send_and_keeps_what_was_reported() -> None:
    sender = RateLimitedSender(per_second=20, per_chat_per_second=1)
    script = Script()
    seen: list[int] = []

    async def on_result(delivery: Delivery) -> None:
        seen.append(delivery.chat_id)

    task = asyncio.create_task(sender.send_all(range(100), script, on_result=on_result))
    await asyncio.sleep(0.12)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert 1 <= len(seen) < 10
    assert sorted(seen) == sorted(script.calls)


@pytest.mark.parametrize("rate", [0, -1])
def test_rates_must_be_positive(rate: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimitedSender(per_second=rate)


# -- the Telegram adapter and the session's own retries -----------------------------------
class ScriptedSession(BaseSession):
    """Answers sendMessage with the errors scripted for a chat, else succeeds."""

    def __init__(self, errors: dict[int, list[Exception]]) -> None:
        super().__init__()
        self.errors = errors
        self.sent: list[int] = []

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: object, **kwargs: object) -> object:  # pragma: no cover
        raise AssertionError

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        assert isinstance(method, SendMessage | GetMe)
        if isinstance(method, SendMessage):
            chat_id = int(method.chat_id)
            self.sent.append(chat_id)
            queue = self.errors.get(chat_id)
            if queue:
                raise queue.pop(0)
        return True  # type: ignore[return-value]


def flood(method: TelegramMethod[object], seconds: int) -> TelegramRetryAfter:
    return TelegramRetryAfter(
        method=method,  # type: ignore[arg-type]
        message=f"Too Many Requests: retry after {seconds}",
        retry_after=seconds,
    )


async def adapter_bot(errors: dict[int, list[Exception]]) -> tuple[Bot, ScriptedSession]:
    session = ScriptedSession(errors)
    session.middleware(RetryAfterMiddleware())  # as bot/app.py does
    return Bot(TOKEN, session=session), session


async def test_the_adapter_turns_a_429_into_retry_later_without_the_session_waiting() -> None:
    probe = SendMessage(chat_id=5, text="x")
    bot, session = await adapter_bot({5: [flood(probe, 30)]})
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(RetryLater) as caught:
        await send_text(bot, 5, "Объявление")
    assert caught.value.seconds == 30
    assert session.sent == [5]  # the session did not retry (nor wait 30 s) by itself
    assert loop.time() - started < 1


async def test_the_session_still_waits_out_a_429_for_ordinary_replies() -> None:
    probe = SendMessage(chat_id=5, text="x")
    bot, session = await adapter_bot({5: [flood(probe, 0)]})
    await bot.send_message(5, "Ответ")
    assert session.sent == [5, 5]
    with without_session_retries():
        session.errors[5] = [flood(probe, 0)]
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(5, "Ответ")


async def test_the_adapter_reports_a_blocked_chat_as_unreachable() -> None:
    probe = SendMessage(chat_id=6, text="x")
    blocked = TelegramForbiddenError(method=probe, message="Forbidden: bot was blocked by the user")
    bot, _session = await adapter_bot({6: [blocked]})
    with pytest.raises(Unreachable):
        await send_text(bot, 6, "Объявление")


async def test_the_sender_with_the_adapter_waits_once_per_429() -> None:
    vt = VirtualTime()
    probe = SendMessage(chat_id=8, text="x")
    blocked = TelegramForbiddenError(method=probe, message="Forbidden: user is deactivated")
    bot, session = await adapter_bot({8: [flood(probe, 4)], 9: [blocked]})

    async def send(chat_id: int) -> None:
        await send_text(bot, chat_id, "Текст")

    report = await virtual_sender(vt).send_all([8, 9, 10], send)

    assert sorted(session.sent) == [8, 8, 9, 10]
    # One pause of exactly retry_after for everyone (virtual sleeps add up to the time passed).
    assert vt.sleeps[0] == 4.0 and sum(vt.sleeps) == pytest.approx(4.0)
    assert sorted(report.delivered) == [8, 10] and report.unreachable == [9]


def test_the_rates_are_settings() -> None:
    from pydantic import ValidationError

    from bot.config import Settings

    settings = Settings(_env_file=None, send_rate_per_second=12.5)  # type: ignore[call-arg]
    assert (settings.send_rate_per_second, settings.send_rate_per_chat_per_second) == (12.5, 1.0)
    with pytest.raises(ValidationError):
        Settings(_env_file=None, send_rate_per_chat_per_second=0)  # type: ignore[call-arg]


async def test_late_turns_are_caught_up_without_exceeding_the_rate_in_any_second() -> None:
    """The event loop busy with other work wakes up late for turns; the sender catches up on
    some of them, but no window of a second (plus the arrival jitter) ever holds more sends
    than the limit."""
    per_second = 300
    sender = RateLimitedSender(per_second=per_second, per_chat_per_second=1000)
    loop = asyncio.get_running_loop()
    moments: list[float] = []

    async def busy_send(chat: int) -> None:
        moments.append(loop.time())
        if chat % 100 == 0:
            time.sleep(0.04)  # noqa: ASYNC251 - the loop is blocked: a dozen turns come late

    await sender.send_all(range(360), busy_send)
    window = 1 + ARRIVAL_JITTER
    most = max(bisect_right(moments, start + window) - i for i, start in enumerate(moments))
    assert most <= per_second, most
