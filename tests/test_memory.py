"""Memory at rest: a started bot does not hold the libraries only some requests need.

openpyxl (the workbooks, with PIL and numpy behind it), OR-Tools and numpy (matching),
matplotlib (charts) and segno (QR posters) take tens of megabytes each; they are imported by
the functions that use them, so ``bot run`` at rest stays small. aiogram's Telegram types and
methods build their pydantic validators when first used (``bot/telegram_types.py``), not all
of them at import (about 145 MB). The checks run in a fresh interpreter that builds the
application as ``bot run`` does, without polling.
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
from pydantic import BaseModel
import aiogram.methods, aiogram.types
models = [
    getattr(package, name)
    for package in (aiogram.types, aiogram.methods)
    for name in package.__all__
]
models = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]
built = sorted(m.__name__ for m in models if m.__pydantic_complete__)
print(json.dumps({"modules": sorted(sys.modules), "models": len(models), "built": built}))
"""

# Every Telegram type and API method of aiogram, its validator built (at import, or on first
# use after ``import bot``): the hash of its JSON schema, or of the error making it.
SCHEMAS = """
import hashlib, json, sys, warnings
if sys.argv[1] == "bot":
    import bot
from pydantic import BaseModel
import aiogram.methods, aiogram.types

warnings.simplefilter("ignore")  # aiogram's Default(...) values are not JSON (either way)
deferred = not aiogram.types.Message.__pydantic_complete__


def send_with_a_mention():
    # First built here, where the name User means something else: aiogram's User it stays.
    User = int  # noqa: F841, N806
    user = {"id": 5, "is_bot": False, "first_name": "A"}
    entity = {"type": "text_mention", "offset": 0, "length": 1, "user": user}
    return aiogram.methods.SendMessage(chat_id=1, text="A", entities=[entity])


mentioned = type(send_with_a_mention().entities[0].user).__name__
schemas, built = {}, []
for package in (aiogram.types, aiogram.methods):
    for name in package.__all__:
        model = getattr(package, name)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        try:
            schema = json.dumps(model.model_json_schema(), sort_keys=True)
        except Exception as error:
            schema = f"{type(error).__name__}: {error}"
        schemas[f"{package.__name__}.{name}"] = hashlib.sha1(schema.encode()).hexdigest()
        built.append(model.__pydantic_complete__)
result = {"schemas": schemas, "deferred": deferred, "all_built": all(built), "mentioned": mentioned}
print(json.dumps(result))
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
    result = json.loads(done.stdout.strip().splitlines()[-1])
    modules = set(result["modules"])
    loaded = {name.split(".")[0] for name in modules}
    assert "aiogram" in loaded and "bot" in loaded  # the application was really built
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    # A polling bot does not hold the web server.
    assert modules.isdisjoint(WEBHOOK_ONLY), sorted(modules & set(WEBHOOK_ONLY))
    # Of aiogram's Telegram types and API methods (about 600) only the few the set-up uses
    # built their validators (the bot's default LinkPreviewOptions, and the generic bases
    # such as aiogram.methods' TelegramMethod, which have nothing to validate), not even Update.
    assert result["models"] > 500
    assert len(result["built"]) < 10, result["built"]
    assert {"Update", "Message", "CallbackQuery", "SendMessage"}.isdisjoint(result["built"])


def _run_schemas(how: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SCHEMAS, how],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_telegram_types_built_on_first_use_validate_as_built_at_import(tmp_path: Path) -> None:
    """Every Telegram type and method builds when first used after ``import bot``, into the
    very schema aiogram's own import builds (the two interpreters run side by side)."""
    eager, lazy = _run_schemas("aiogram", tmp_path), _run_schemas("bot", tmp_path)
    results = []
    for process in (eager, lazy):
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    at_import, on_first_use = results
    assert len(at_import["schemas"]) > 500
    assert not at_import["deferred"] and on_first_use["deferred"]
    assert at_import["all_built"] and on_first_use["all_built"]
    assert at_import["mentioned"] == on_first_use["mentioned"] == "User"
    differing = [
        name
        for name, schema in at_import["schemas"].items()
        if on_first_use["schemas"].get(name) != schema
    ]
    assert not differing and on_first_use["schemas"].keys() == at_import["schemas"].keys()
