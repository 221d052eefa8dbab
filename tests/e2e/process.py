"""The real bot process (``python -m bot``) against the fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from tests.e2e.clocked import set_time
from tests.fake_telegram import FakeTelegram, FakeUser

ROOT = Path(__file__).resolve().parents[2]

# Variables of the developer's or CI's own environment that must not leak into the bot.
_OWN_SETTINGS = {
    "BOT_TOKEN", "TELEGRAM_API_BASE", "DATABASE_PATH", "ADMIN_IDS", "DEFAULT_LOCALE",
    "DEFAULT_TIMEZONE", "LOG_LEVEL", "WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_PATH",
    "WEBHOOK_HOST", "WEBHOOK_PORT", "SHUTDOWN_GRACE_SECONDS", "BOT_USERNAME",
    "SEND_RATE_PER_SECOND", "SEND_RATE_PER_CHAT_PER_SECOND", "REMINDER_TICK_SECONDS",
    "FOLLOWUP_TICK_SECONDS", "CYCLE_TICK_SECONDS", "CADENCE_TICK_SECONDS", "OUTBOX_TICK_SECONDS",
    "HOUSEKEEPING_HOURS", "BACKUP_DIR", "BACKUP_KEEP", "HEALTH_FILE", "HEALTH_MAX_AGE_SECONDS",
    "EXPORT_IN_PROCESS",
}  # fmt: skip

# Short ticks keep the end-to-end bot fast; a test waits for a run (:meth:`wait_for_run`).
FAST_TICKS = {
    "REMINDER_TICK_SECONDS": "0.3",
    "FOLLOWUP_TICK_SECONDS": "0.3",
    "CYCLE_TICK_SECONDS": "0.5",
    "CADENCE_TICK_SECONDS": "0.5",
    "OUTBOX_TICK_SECONDS": "0.5",
}


def bot_environment(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in _OWN_SETTINGS}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(settings)
    return env


class BotProcess:
    """``clocked=True`` runs the bot through :mod:`tests.e2e.clocked` on a clock the test moves
    with :meth:`set_time` (it starts at ``start_time``, or now)."""

    def __init__(
        self,
        tg: FakeTelegram,
        workdir: Path,
        *,
        clocked: bool = False,
        start_time: datetime | None = None,
        **settings: str,
    ) -> None:
        self.tg = tg
        self.workdir = workdir
        self.clock_file: Path | None = None
        if clocked:
            self.clock_file = workdir / "clock.json"
            workdir.mkdir(parents=True, exist_ok=True)
            set_time(self.clock_file, start_time or datetime.now(UTC))
        self.database = workdir / "data" / "bot.sqlite3"
        self.settings = {
            "BOT_TOKEN": tg.token,
            "TELEGRAM_API_BASE": tg.base_url,
            "DATABASE_PATH": str(self.database),
            "ADMIN_IDS": "777",
            "LOG_LEVEL": "INFO",
            **FAST_TICKS,
            **settings,
        }
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.expect_errors = False  # a test that provokes failures sets this

    def set_time(self, moment: datetime) -> None:
        """The bot's clock shows ``moment`` from now on (and runs on); its next tick sees it."""
        assert self.clock_file is not None, "start the BotProcess with clocked=True"
        set_time(self.clock_file, moment)

    def _command(self) -> list[str]:
        if self.clock_file is None:
            return ["-m", "bot", "run"]
        return ["-m", "tests.e2e.clocked", str(self.clock_file), "run"]

    def _environment(self) -> dict[str, str]:
        env = bot_environment(**self.settings)
        if self.clock_file is not None:  # the launcher lives in the tests, not in the package
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return env

    @property
    def log_path(self) -> Path:
        return self.workdir / f"bot-{self.starts}.log"

    def log(self) -> str:
        return "\n".join(
            (self.workdir / f"bot-{n}.log").read_text(errors="replace")
            for n in range(1, self.starts + 1)
            if (self.workdir / f"bot-{n}.log").exists()
        )

    async def start(self, *, wait_for_polling: bool = True) -> None:
        self.starts += 1
        polls_before = self.tg.getupdates_polls
        with self.log_path.open("wb") as log:
            # The working directory is the test's own: no .env of the developer is read.
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, *self._command(),
                cwd=self.workdir, env=self._environment(),
                stdout=log, stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
        if wait_for_polling:
            await self.wait_until(lambda: self.tg.getupdates_polls > polls_before, "polling")

    async def wait_until(self, condition: object, what: str, timeout: float = 20.0) -> None:
        assert callable(condition)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if self.process is not None and self.process.returncode is not None:
                raise AssertionError(f"the bot exited before {what}:\n{self.log()}")
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}:\n{self.log()}")
            await asyncio.sleep(0.02)

    def _job_lines(self, job_id: str, what: str) -> int:
        """Lines of the running process's log about the job's runs (clocked processes only)."""
        if not self.log_path.exists():
            return 0
        return self.log_path.read_text(errors="replace").count(f"The job {job_id} {what} run ")

    async def wait_for_run(self, job_id: str, timeout: float = 20.0) -> None:
        """Wait until a run of the job that started after this call has finished (the one
        under way may have read the database before the test's change)."""
        assert self.clock_file is not None, "runs are logged by the clocked bot"
        started = self._job_lines(job_id, "starts")
        await self.wait_until(
            lambda: self._job_lines(job_id, "finished") > started, f"a run of {job_id}", timeout
        )

    async def settle(self) -> None:
        """Wait until the bot confirmed (by its next getUpdates offset) what it received."""
        await self.wait_until(lambda: not self.tg.pending_updates, "confirmed updates")

    async def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30.0) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def kill(self) -> None:
        await self.stop(signal.SIGKILL)


async def run_cli(*args: str, cwd: Path, **settings: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=bot_environment(**settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def open_support_dialogue(user: FakeUser, topic: str) -> None:
    """/support, then the topic button, up to the request for the text."""
    await user.send_text("/support")
    await user.wait_for_bot_message("О чём вы хотите написать")
    await user.press(topic)
    await user.wait_for_bot_message("Опишите всё одним сообщением")


WEBHOOK_URL = "https://bot.school.example/tg/hook"
WEBHOOK_SECRET = "s3cret-value"


def webhook_bot(tg: FakeTelegram, tmp_path: Path) -> tuple[BotProcess, str]:
    """A bot in webhook mode on a free loopback port, and the local URL Telegram posts to."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bot = BotProcess(
        tg, tmp_path, WEBHOOK_URL=WEBHOOK_URL, WEBHOOK_SECRET=WEBHOOK_SECRET,
        WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port),
    )  # fmt: skip
    return bot, f"http://127.0.0.1:{port}/tg/hook"


async def wait_for_webhook(bot: BotProcess, tg: FakeTelegram) -> None:
    await bot.wait_until(lambda: tg.webhook_url == WEBHOOK_URL, "setWebhook")


Seeded = TypeVar("Seeded")


@asynccontextmanager
async def clocked_bot(
    tg: FakeTelegram,
    tmp_path: Path,
    start_time: datetime,
    seed: Callable[[Path], Awaitable[Seeded]],
) -> AsyncIterator[tuple[BotProcess, Seeded]]:
    """The bot on the fake clock from ``start_time`` over a database ``seed`` prepared (what
    it returns comes with the process); stopped cleanly at the end, and its log free of
    tracebacks."""
    process = BotProcess(
        tg, tmp_path, clocked=True, start_time=start_time, SHUTDOWN_GRACE_SECONDS="1"
    )
    process.database.parent.mkdir(parents=True, exist_ok=True)
    seeded = await seed(process.database)
    await process.start()
    yield process, seeded
    if process.process is not None and process.process.returncode is None:
        assert await process.stop() == 0, process.log()
    assert "Traceback" not in process.log(), process.log()
