"""Reminder delivery at scale: the real bot process against the fake Bot API server.

20,000 reminders fall due at once (10,000 confirmed meetings, both sides, 500 organizations of
20 pairs). The fake server enforces a global limit of ``ALLOWED`` messages a second, answering
429 with ``retry_after`` above it, and notes every request that arrives before a retry_after it
announced had run out. The bot runs on a clock the benchmark sets (:mod:`tests.e2e.clocked`)
with ``SEND_RATE_PER_SECOND`` equal to the allowed rate.

Two runs: a clean one, and one where the bot is killed with SIGKILL half-way and started again.
Lost and duplicated reminders are counted at the server (one chat per reminder, so a chat's
reminder messages are that reminder's deliveries) and checked against the database's states.
Results go to ``bench/results/delivery.json``.

``python -m bench.delivery [--quick]`` (``--help`` says more).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import to_db
from storage.database import Database
from storage.migrations import migrate
from tests.e2e.process import BotProcess
from tests.fake_telegram import FakeTelegram

RESULTS = Path(__file__).resolve().parent / "results" / "delivery.json"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ALLOWED = 300.0
PAIRS_PER_ORGANIZATION = 20
FIRST_CHAT = 5_000_000
GOAL_RATE_SHARE = 0.90
GOAL_FLOOD_SHARE = 0.005


async def prepare(database: Path) -> None:
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
    finally:
        await db.close()


def seed(database: Path, reminders: int) -> list[int]:
    """Organizations, adult participants with a name, pairs, one confirmed meeting per pair in
    an hour, and a reminder for each side due now. Returns the chats, one per reminder."""
    pairs = reminders // 2
    now, starts = to_db(NOW), to_db(NOW + timedelta(hours=1))
    organizations = (pairs + PAIRS_PER_ORGANIZATION - 1) // PAIRS_PER_ORGANIZATION
    chats: list[int] = []
    people, consents, answers, pair_rows, meetings, rows = [], [], [], [], [], []
    for k in range(pairs):
        organization = k // PAIRS_PER_ORGANIZATION + 1
        mentor, mentee = 2 * k + 1, 2 * k + 2
        for pid, role in ((mentor, "mentor"), (mentee, "mentee")):
            chat = FIRST_CHAT + pid
            chats.append(chat)
            people.append((pid, organization, chat, role, "adult", now, now))
            consents.append((pid, "self", chat, "v1", "0" * 64, "ru", now))
            name = f"Наставник {pid}" if role == "mentor" else f"Наставляемый {pid}"
            answers.append((pid, "full_name", json.dumps(name, ensure_ascii=False), now))
            rows.append((k + 1, chat, 60, now))
        pair_rows.append((k + 1, organization, mentor, mentee, "student_pupil", "2026-09-01", now))
        meetings.append(
            (k + 1, k + 1, "regular", "confirmed", starts, "online",
             f"https://meet.example/{k + 1}", mentor, now)
        )  # fmt: skip
    with sqlite3.connect(database) as conn:
        conn.executemany(
            "INSERT INTO organizations (id, name, timezone, created_at) VALUES (?, ?, ?, ?)",
            [(o, f"Школа № {o}", "Asia/Chita", now) for o in range(1, organizations + 1)],
        )
        conn.executemany(
            "INSERT INTO participants (id, organization_id, telegram_id, role, age_group, "
            "joined_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            people,
        )
        conn.executemany(
            "INSERT INTO consents (participant_id, kind, given_by, text_version, text_sha256, "
            "locale, given_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            consents,
        )
        conn.executemany(
            "INSERT INTO answers (participant_id, question, value, answered_at) "
            "VALUES (?, ?, ?, ?)",
            answers,
        )
        conn.executemany(
            "INSERT INTO pairs (id, organization_id, mentor_id, mentee_id, form, started_on, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            pair_rows,
        )
        conn.executemany(
            "INSERT INTO meetings (id, pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            meetings,
        )
        conn.executemany(
            "INSERT INTO reminders (meeting_id, telegram_id, minutes_before, due_at) "
            "VALUES (?, ?, ?, ?)",
            rows,
        )
    return chats


def states(database: Path) -> dict[str, int]:
    with sqlite3.connect(database, timeout=30) as conn:
        return dict(conn.execute("SELECT state, count(*) FROM reminders GROUP BY state"))


def sent_chats(database: Path) -> set[int]:
    with sqlite3.connect(database, timeout=30) as conn:
        return {r[0] for r in conn.execute("SELECT telegram_id FROM reminders WHERE state='sent'")}


def reminder_calls(tg: FakeTelegram) -> list[Any]:
    return [c for c in tg.sending_calls if str(c.params.get("text", "")).startswith("⏰")]


def cpu_seconds(bot: BotProcess) -> float:
    """User and system CPU time the bot process has used so far (Linux)."""
    assert bot.process is not None
    try:
        fields = Path(f"/proc/{bot.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def poll(condition: Callable[[], bool], bot: BotProcess, what: str) -> None:
    """Check every half second: the checks themselves must not eat the CPU being measured."""
    deadline = time.monotonic() + 600
    while not condition():
        if bot.process is not None and bot.process.returncode is not None:
            raise AssertionError(f"the bot exited before {what}:\n{bot.log()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.5)


async def run_once(
    reminders: int, allowed: float, *, kill: bool, bot_rate: float | None = None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        async with FakeTelegram() as tg:
            # No nightly backup (the clock is past 03:00): it would copy the database while
            # the delivery is timed.
            bot = BotProcess(
                tg, workdir, clocked=True, start_time=NOW + timedelta(minutes=1),
                SEND_RATE_PER_SECOND=str(bot_rate or allowed), LOG_LEVEL="WARNING",
                BACKUP_KEEP="0",
            )  # fmt: skip
            await prepare(bot.database)
            chats = seed(bot.database, reminders)
            for chat in chats:
                tg.user(chat, "Участник")
            tg.set_rate_limit(allowed)
            await bot.start()
            started = time.monotonic()
            killed_at: float | None = None
            in_flight_at_kill = 0
            if kill:
                await poll(
                    lambda: sum(c.ok for c in tg.sending_calls) >= reminders // 2,
                    bot,
                    "half of the reminders",
                )
                await bot.kill()
                killed_at = time.monotonic()
                in_flight_at_kill = sum(c.status in (0, 499) for c in reminder_calls(tg))
                await bot.start()
            await poll(lambda: not states(bot.database).get("pending", 0), bot, "every reminder")
            await asyncio.sleep(1.0)  # the last answers
            cpu = cpu_seconds(bot)
            assert await bot.stop() == 0, bot.log()[-3000:]
            final = states(bot.database)
            marked = sent_chats(bot.database)
            calls = reminder_calls(tg)
            log = bot.log()
    ok = [c for c in calls if c.ok]
    per_chat = Counter(int(c.params["chat_id"]) for c in ok)
    lost = [chat for chat in chats if per_chat[chat] == 0]
    first = min(c.time for c in calls)
    last = max(c.time for c in ok)
    duration = last - first
    flooded = sum(c.status == 429 for c in calls)
    result: dict[str, Any] = {
        "reminders": reminders,
        "allowed_per_second": allowed,
        "killed": kill,
        "delivered": len(per_chat),
        "messages_ok": len(ok),
        "duplicated": sum(n - 1 for n in per_chat.values() if n > 1),
        "lost": len(lost),
        "lost_marked_sent": sum(chat in marked for chat in lost),
        "requests": len(calls),
        "answered_429": flooded,
        "share_429": round(flooded / max(1, len(calls)), 5),
        "early_retries": len(tg.early_retries),
        "duration_s": round(duration, 1),
        "achieved_per_second": round(len(ok) / duration, 1),
        "achieved_share": round(len(ok) / duration / allowed, 3),
        "seconds_to_first_send": round(first - started, 1),
        "bot_cpu_ms_per_message": round(cpu * 1000 / max(1, len(ok)), 2),
        "db_states": final,
        "tracebacks": log.count("Traceback"),
        "first_traceback": log[max(0, log.find("Traceback") - 300) :][:3000]
        if "Traceback" in log
        else None,
    }
    if killed_at is not None:
        result["requests_unanswered_at_kill"] = in_flight_at_kill
        result["downtime_and_lease_s"] = round(
            min((c.time for c in ok if c.time > killed_at), default=killed_at) - killed_at, 1
        )
    return result


def report(result: dict[str, Any]) -> None:
    title = "killed with SIGKILL half-way and restarted" if result["killed"] else "clean run"
    print(f"Reminder delivery, {result['reminders']:,} due at once, {title}:")
    print(
        f"  delivered {result['delivered']:,}, lost {result['lost']}, "
        f"duplicated {result['duplicated']}; states {result['db_states']}"
    )
    print(
        f"  {result['achieved_per_second']}/s of {result['allowed_per_second']:.0f}/s allowed "
        f"({result['achieved_share']:.1%}) over {result['duration_s']} s; "
        f"429 answers {result['answered_429']} of {result['requests']:,} "
        f"({result['share_429']:.2%}); requests before retry_after ran out: "
        f"{result['early_retries']}"
    )
    if result["killed"]:
        print(
            f"  unanswered requests at the kill: {result['requests_unanswered_at_kill']}; "
            f"first delivery after the kill: {result['downtime_and_lease_s']} s"
        )


def meets_goals(result: dict[str, Any]) -> bool:
    exact = result["lost"] == 0 and result["duplicated"] == 0 and result["early_retries"] == 0
    if result["killed"]:
        return exact
    return (
        exact
        and result["achieved_share"] >= GOAL_RATE_SHARE
        and result["share_429"] < GOAL_FLOOD_SHARE
    )


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.delivery",
        description=(
            "20,000 reminders due at once, sent by the real bot process to the fake Bot API "
            f"server that allows {ALLOWED:.0f} messages a second: a clean run, and one where "
            "the bot is killed half-way and started again. Goals: none lost or duplicated, no "
            f"request before retry_after ran out, at least {GOAL_RATE_SHARE:.0%} of the allowed "
            f"rate, under {GOAL_FLOOD_SHARE:.1%} of answers 429. Exits 1 when a goal is missed. "
            "Results in bench/results/delivery.json."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="3,000 reminders instead of 20,000; the results are not written",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    quick = _arguments(argv).quick
    reminders = 3_000 if quick else 20_000
    results = []
    for kill in (False, True):
        result = asyncio.run(run_once(reminders, ALLOWED, kill=kill))
        report(result)
        results.append(result)
    if not quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    return 0 if all(meets_goals(r) for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
