"""Memory: every SQLite connection of the bot (the writer and each read-only one) keeps a page
cache of at most 1 MB instead of SQLite's default 2 MB (``storage.database.CACHE_SIZE``)."""

from __future__ import annotations

from pathlib import Path

from storage.database import CACHE_SIZE, Database


async def test_the_writer_and_the_readers_keep_a_small_page_cache(tmp_path: Path) -> None:
    assert CACHE_SIZE == -1024  # KiB: 1 MB
    db = Database(tmp_path / "bot.sqlite3", readers=2)
    await db.connect()
    try:
        assert await db.fetch_value("PRAGMA cache_size") == CACHE_SIZE
        # Every read-only connection is opened by the same code: the first one stands for all.
        async with db.reading() as reader:
            assert db.readers_open == 1
            assert await reader.fetch_value("PRAGMA cache_size") == CACHE_SIZE
    finally:
        await db.close()
