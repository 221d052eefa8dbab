"""Stage 1 in the real bot process: an organization, its curator, and the first invitation."""

from __future__ import annotations

import re
import sqlite3

from tests.e2e.process import BotProcess
from tests.fake_telegram import FakeTelegram

LINK = re.compile(r"https://t\.me/mentor_test_bot\?start=([A-Za-z0-9_-]{16,64})")


async def test_admin_appoints_a_curator_who_invites_mentors(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    admin = tg.user(777, "Ольга Петровна", language_code="ru")
    await admin.send_text("/neworg")
    await admin.wait_for_bot_message("Отправьте название организации")
    await admin.send_text("МБОУ «СОШ № 5»")
    await admin.wait_for_bot_message("Часовой пояс организации «МБОУ «СОШ № 5»»")
    await admin.press("Новосибирск, Красноярск (МСК+4)")
    await admin.wait_for_bot_message("Организация «МБОУ «СОШ № 5»» (№ 1) добавлена")
    curator_link = await admin.wait_for_bot_message("Ссылка для куратора организации")
    match = LINK.search(curator_link.text)
    assert match is not None, curator_link.text

    curator = tg.user(2001, "Мария Ивановна", language_code="ru")
    await curator.send_text(f"/start {match.group(1)}")
    welcome = await curator.wait_for_bot_message("Теперь вы куратор")
    assert "«МБОУ «СОШ № 5»»" in welcome.text and "/invite" in welcome.text
    # The curator's chat now has the curator commands in its menu.
    await bot.wait_until(
        lambda: (
            "invite"
            in {c["command"] for c in tg.get_commands({"type": "chat", "chat_id": 2001}) or []}
        ),
        "the curator menu",
    )

    # The link was single-use: somebody else gets a clear refusal.
    stranger = tg.user(2002, "Пётр", language_code="ru")
    await stranger.send_text(f"/start {match.group(1)}")
    await stranger.wait_for_bot_message("уже использована")
    await stranger.send_text("/invite")
    await stranger.wait_for_bot_message("Это может сделать только куратор организации")

    await curator.send_text("/invite")
    await curator.wait_for_bot_message("для кого ссылка-приглашение?")
    await curator.press("Для наставников")
    await curator.wait_for_bot_message("Ограничить срок или число использований?")
    await curator.press("Действует 7 дней")
    ready = await curator.wait_for_bot_message("Ссылка-приглашение для наставников")
    mentor_link = LINK.search(ready.text)
    assert mentor_link is not None
    poster = await curator.wait_for_bot_message("чтобы стать наставником")
    assert poster.kind == "document" and poster.file is not None
    assert poster.file.filename == "invitation-mentor.png"
    assert poster.file.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert mentor_link.group(0) in poster.text

    await bot.settle()
    with sqlite3.connect(bot.database) as conn:
        assert conn.execute("SELECT telegram_id, organization_id FROM curators").fetchall() == [
            (2001, 1)
        ]
        rows = conn.execute(
            "SELECT role, max_uses, uses, expires_at IS NOT NULL FROM invitations ORDER BY id"
        ).fetchall()
    assert rows == [("curator", 1, 1, 1), ("mentor", None, 0, 1)]
