"""Command line: ``python -m bot`` runs the bot; ``python -m bot migrate`` prepares the database;
``backup``, ``restore`` and ``health`` are in :mod:`bot.ops_cli`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot import admin_cli, ops_cli
from bot.clock import Clock
from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import setup_logging
from bot.runlock import AlreadyLocked, RunLock
from storage.database import Database
from storage.migrations import MigrationError, migrate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Mentorship programme bot. Settings come from the environment or .env.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="start the bot (the default when no command is given)")
    commands.add_parser("migrate", help="apply database migrations and exit")
    admin_cli.add_parsers(commands)
    ops_cli.add_parsers(commands)
    return parser


async def _migrate(settings: Settings) -> list[str]:
    db = Database(settings.database_path)
    await db.connect()
    try:
        return await migrate(db)
    finally:
        await db.close()


async def _run(settings: Settings, token: str, clock: Clock | None) -> None:
    from bot.app import build_application, run_polling, run_webhook

    app = await build_application(settings, token, clock=clock)
    if settings.use_webhook:
        await run_webhook(app)
    else:
        await run_polling(app)


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """``clock`` is for launchers that embed the bot (end-to-end tests); the command line
    itself always runs on the system clock."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "migrate":
            setup_logging(settings.log_level)
            applied = asyncio.run(_migrate(settings))
            print(
                f"Database {settings.database_path}: "
                + (f"applied {', '.join(applied)}" if applied else "already up to date")
            )
            return 0
        if args.command in admin_cli.COMMANDS:
            return asyncio.run(admin_cli.run(args, settings))
        if args.command in ops_cli.COMMANDS:
            return ops_cli.run(args, settings)
        token = settings.require_token()
        setup_logging(settings.log_level, token)
        # Held for the process's life: a restore (or a second bot) waits for this one to stop.
        with RunLock(settings.database_path):
            asyncio.run(_run(settings, token, clock))
        return 0
    except AlreadyLocked as error:
        print(
            f"Another bot (or a restore) is using {settings.database_path} (it holds {error}): "
            "stop it first.",
            file=sys.stderr,
        )
        return 2
    except (ConfigError, MigrationError) as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
