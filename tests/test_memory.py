"""Memory at rest: a started bot does not hold the libraries only some requests need.

openpyxl (the workbooks, with PIL and numpy behind it), OR-Tools and numpy (matching),
matplotlib (charts) and segno (QR posters) take tens of megabytes each; they are imported by
the functions that use them, so ``bot run`` at rest stays small. The check runs in a fresh
interpreter that builds the application as ``bot run`` does, without polling.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("openpyxl", "ortools", "numpy", "matplotlib", "segno", "PIL")
# Loaded by a bot that takes webhooks only (the web server: about 2 MB of modules).
WEBHOOK_ONLY = ("aiohttp.web", "aiogram.webhook.aiohttp_server")

BUILD = """
import asyncio, json, sys
from bot.app import build_application, close_application
from bot.config import load_settings

async def main():
    settings = load_settings()
    app = await build_application(settings, settings.bot_token.get_secret_value())
    # Reading through the read-only connections loads nothing heavy either.
    async with app.db.reading() as reader:
        await reader.fetch_value("SELECT count(*) FROM organizations")
    await close_application(app)

asyncio.run(main())
print(json.dumps(sorted(sys.modules)))
"""


def test_a_started_bot_holds_no_heavy_library(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BOT_TOKEN": "123456789:TEST-memory-token_abcdefghijklmnopq",
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "ADMIN_IDS": "777",
    }
    done = subprocess.run(
        [sys.executable, "-c", BUILD],
        cwd=tmp_path,  # no .env of the developer's is read
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(done.stdout.strip().splitlines()[-1]))
    loaded = {name.split(".")[0] for name in modules}
    assert "aiogram" in loaded and "bot" in loaded  # the application was really built
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    # A polling bot does not hold the web server.
    assert modules.isdisjoint(WEBHOOK_ONLY), sorted(modules & set(WEBHOOK_ONLY))
