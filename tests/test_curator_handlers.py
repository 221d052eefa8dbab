"""Organizations, curators and invitation links through the real dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.methods import SendDocument, SetMyCommands
from aiogram.types import BotCommandScopeChat, BufferedInputFile, Message

from bot.invitations import InvitationRole
from bot.organizations import Organization
from handlers.callbacks import (
    FormAdd,
    FormToggle,
    InviteLimitChoice,
    LinkRevoke,
    OrgCuratorLink,
    OrgZoneChoice,
)
from handlers.curator import accept_curator_invitation
from handlers.states import NewOrganization, OwnFormDialogue
from tests.inprocess import Harness, Sent

ADMIN = 777
CURATOR = 2001
OTHER_CURATOR = 2002
PUPIL = 1001
LINK_PREFIX = "https://t.me/mentor_test_bot?start="


async def new_org(harness: Harness, name: str = "Школа № 5") -> Organization:
    return await harness.app.services.organizations.create(name, "Asia/Novosibirsk")


async def appoint(harness: Harness, org: Organization, user_id: int) -> None:
    assert (await harness.app.services.organizations.add_curator(org.id, user_id)).added


def token_in(text: str) -> str:
    start = text.index(LINK_PREFIX) + len(LINK_PREFIX)
    return text[start:].split()[0]


async def open_link(harness: Harness, user_id: int, token: str) -> list[Sent]:
    """What /start does with a curator link: the message, then accept_curator_invitation."""
    before = len(harness.session.sent)
    message = Message.model_validate(
        {
            "message_id": 1,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": user_id, "type": "private"},
            "from": harness.user(user_id),
            "text": f"/start {token}",
        },
        context={"bot": harness.app.bot},
    )
    i18n = harness.app.i18n
    with i18n.context(), i18n.use_locale("ru"):
        await accept_curator_invitation(message, token, harness.app.services)
    return harness.session.sent[before:]


def last_answer(harness: Harness) -> Any:
    return harness.session.callback_answers()[-1]


async def snapshot(harness: Harness) -> list[tuple[Any, ...]]:
    """Everything stage 1 keeps, to prove that a refused action changed nothing."""
    db = harness.app.db
    rows: list[tuple[Any, ...]] = []
    for table in ("organizations", "organization_forms", "curators", "invitations"):
        rows += [(table, *row) for row in await db.fetch_all(f"SELECT * FROM {table}")]
    return rows


# -- administrators ----------------------------------------------------------------------
async def test_admin_creates_an_organization_with_neworg(harness: Harness) -> None:
    prompt = await harness.send(ADMIN, "/neworg")
    assert "Отправьте название организации" in prompt[0].text
    assert await harness.state_of(ADMIN) == NewOrganization.name.state

    zones = (await harness.send(ADMIN, "  МБОУ «СОШ № 5» <лицей> "))[0]
    assert "Часовой пояс организации «МБОУ «СОШ № 5» <лицей>»" in zones.text
    labels = [text for text, _ in zones.buttons]
    assert len(labels) == 11 and labels[0] == "Калининград (МСК−1)"
    assert "Камчатка (МСК+9)" in labels

    replies = await harness.press(ADMIN, zones.data_of("Новосибирск"), zones.message_id)
    created = next(r for r in replies if "добавлена" in r.text)
    assert "Организация «МБОУ «СОШ № 5» <лицей>» (№ 1) добавлена" in created.text
    assert "Asia/Novosibirsk" in created.text
    link = next(r for r in replies if LINK_PREFIX in r.text)
    assert "действует один раз" in link.text
    assert await harness.state_of(ADMIN) is None

    services = harness.app.services
    org = await services.organizations.get(1)
    assert org is not None and org.name == "МБОУ «СОШ № 5» <лицей>"
    assert org.timezone == "Asia/Novosibirsk"
    assert len(await services.organizations.enabled_forms(org.id)) == 5
    invitation = await services.invitations.resolve(token_in(link.text))
    assert invitation is not None and invitation.role is InvitationRole.CURATOR
    assert (invitation.organization_id, invitation.max_uses, invitation.created_by) == (
        org.id,
        1,
        ADMIN,
    )


async def test_neworg_takes_a_typed_zone_and_refuses_an_unknown_one(harness: Harness) -> None:
    await harness.send(ADMIN, "/neworg")
    assert "Получилось 201 символ;" in (await harness.send(ADMIN, "Ш" * 201))[0].text
    await harness.send(ADMIN, "Колледж")
    refused = await harness.send(ADMIN, "Mars/Olympus_Mons")
    assert "Часовой пояс «Mars/Olympus_Mons» мне неизвестен" in refused[0].text
    assert await harness.state_of(ADMIN) == NewOrganization.timezone.state
    assert await harness.app.services.organizations.count() == 0
    await harness.send(ADMIN, "asia/yakutsk")
    org = await harness.app.services.organizations.get(1)
    assert org is not None and org.timezone == "Asia/Yakutsk"
    # A zone button of the finished dialogue does not create a second organization.
    await harness.press(ADMIN, OrgZoneChoice(zone="msk").pack())  # type: ignore[arg-type]
    assert await harness.app.services.organizations.count() == 1
    assert "устарела" in last_answer(harness).text


async def test_orgs_pages_and_gives_fresh_curator_links(harness: Harness) -> None:
    orgs = [await new_org(harness, f"Школа № {n}") for n in range(1, 11)]
    first = (await harness.send(ADMIN, "/orgs"))[0]
    assert "страница 1 из 2" in first.text
    assert "№ 1. Школа № 1" in first.text and "Школа № 9" not in first.text
    links = [text for text, _ in first.buttons if text.startswith("Ссылка для куратора")]
    assert len(links) == 8
    second = (await harness.press(ADMIN, first.data_of("Далее"), first.message_id))[0]
    assert second.method == "editMessageText"
    assert "страница 2 из 2" in second.text and "Школа № 10" in second.text
    assert "Назад" in [text.strip("‹ ") for text, _ in second.buttons]

    replies = await harness.press(ADMIN, second.data_of("Школа № 10"), second.message_id)
    services = harness.app.services
    invitation = await services.invitations.resolve(token_in(replies[0].text))
    assert invitation is not None and invitation.organization_id == orgs[9].id
    again = await harness.press(ADMIN, second.data_of("Школа № 10"), second.message_id)
    assert token_in(again[0].text) != token_in(replies[0].text)  # a fresh link each time


async def test_curator_link_makes_a_person_curator_once(harness: Harness) -> None:
    org = await new_org(harness)
    await harness.press(ADMIN, OrgCuratorLink(org_id=org.id).pack())
    token = token_in(harness.session.answers(ADMIN)[-1].text)

    welcome = await open_link(harness, CURATOR, token)
    assert "Теперь вы куратор программы наставничества организации «Школа № 5»" in welcome[0].text
    assert "/invite" in welcome[0].text and "/forms" in welcome[0].text
    assert await harness.app.services.organizations.curator_organization_id(CURATOR) == org.id
    menus = [
        c
        for c in harness.session.calls
        if isinstance(c, SetMyCommands)
        and isinstance(c.scope, BotCommandScopeChat)
        and c.scope.chat_id == CURATOR
    ]
    assert menus and {"invite", "links", "forms"} <= {c.command for c in menus[-1].commands}
    assert "orgs" not in {c.command for c in menus[-1].commands}

    late = await open_link(harness, OTHER_CURATOR, token)
    assert "уже использована" in late[0].text
    assert await harness.app.services.organizations.curator_organization_id(OTHER_CURATOR) is None
    again = await open_link(harness, CURATOR, token)
    assert "Вы уже куратор организации «Школа № 5»" in again[0].text


async def test_a_person_cannot_curate_two_organizations(harness: Harness) -> None:
    first, second = await new_org(harness, "Школа"), await new_org(harness, "Гимназия")
    await appoint(harness, first, CURATOR)
    link = await harness.app.services.invitations.create_for_curator(second.id, ADMIN)
    refused = await open_link(harness, CURATOR, link.token)
    assert "Вы уже куратор организации «Школа»" in refused[0].text
    assert "только в одной организации" in refused[0].text
    assert await harness.app.services.organizations.curator_organization_id(CURATOR) == first.id
    assert await harness.app.services.invitations.resolve(link.token) is not None  # not used


# -- curators ----------------------------------------------------------------------------
async def test_invite_gives_a_link_and_a_qr_png(harness: Harness) -> None:
    org = await new_org(harness)
    await appoint(harness, org, CURATOR)
    roles = (await harness.send(CURATOR, "/invite"))[0]
    assert "«Школа № 5»: для кого ссылка-приглашение?" in roles.text
    limits = (await harness.press(CURATOR, roles.data_of("Для наставляемых"), 5))[0]
    assert [text for text, _ in limits.buttons] == [
        "Без ограничений",
        "Не более 30 человек",
        "Действует 7 дней",
    ]
    replies = await harness.press(CURATOR, limits.data_of("Не более 30"), 5)
    text = replies[0].text
    assert "Ссылка-приглашение для наставляемых организации «Школа № 5»" in text
    assert "использований: 0 из 30" in text

    invitation = await harness.app.services.invitations.resolve(token_in(text))
    assert invitation is not None
    assert (invitation.organization_id, invitation.role, invitation.max_uses) == (
        org.id,
        InvitationRole.MENTEE,
        30,
    )
    documents = [c for c in harness.session.calls if isinstance(c, SendDocument)]
    assert len(documents) == 1 and documents[0].chat_id == CURATOR
    picture = documents[0].document
    assert isinstance(picture, BufferedInputFile)
    assert picture.data[:8] == b"\x89PNG\r\n\x1a\n" and len(picture.data) > 200
    assert picture.filename == "invitation-mentee.png"
    assert documents[0].caption is not None
    assert LINK_PREFIX + invitation.token in documents[0].caption
    assert "чтобы стать наставляемым" in documents[0].caption
    assert last_answer(harness).text == "Ссылка готова"

    # A forged button cannot make a curator link: those are the administrators' to give.
    for forged in ("cur1r:curator", "cur1l:curator:none"):
        await harness.press(CURATOR, forged)
        assert "устарела" in last_answer(harness).text
    assert len(await harness.app.services.invitations.active(org.id, list(InvitationRole))) == 1


async def test_links_lists_and_revokes(harness: Harness) -> None:
    org = await new_org(harness)
    await appoint(harness, org, CURATOR)
    invitations = harness.app.services.invitations
    mentees = await invitations.create(org.id, InvitationRole.MENTEE, CURATOR, max_uses=30)
    mentors = await invitations.create(org.id, InvitationRole.MENTOR, CURATOR)
    await invitations.create_for_curator(org.id, ADMIN)  # an administrator's business

    listing = (await harness.send(CURATOR, "/links"))[0]
    assert "1. Для наставляемых: использований: 0 из 30, без срока действия" in listing.text
    assert "2. Для наставников: использований: 0, без срока действия" in listing.text
    assert LINK_PREFIX + mentors.token in listing.text
    assert [text for text, _ in listing.buttons] == ["Отозвать № 1", "Отозвать № 2"]

    edited = await harness.press(CURATOR, listing.data_of("№ 1"), listing.message_id)
    assert last_answer(harness).text == "Ссылка отозвана и больше не действует."
    assert "наставляемых" not in edited[0].text and mentors.token in edited[0].text
    assert await invitations.resolve(mentees.token) is None
    assert await invitations.resolve(mentors.token) is not None
    # The same button again (an old message): nothing more to revoke.
    await harness.press(CURATOR, listing.data_of("№ 1"), listing.message_id)
    assert last_answer(harness).text == "Эта ссылка уже была отозвана."

    await harness.press(CURATOR, LinkRevoke(invitation_id=mentors.id).pack())
    empty = (await harness.send(CURATOR, "/links"))[0]
    assert "нет действующих ссылок-приглашений" in empty.text


async def test_forms_toggle_and_own_forms(harness: Harness) -> None:
    org = await new_org(harness)
    await appoint(harness, org, CURATOR)
    view = (await harness.send(CURATOR, "/forms"))[0]
    assert "Формы наставничества организации «Школа № 5»" in view.text
    assert "Старший активный ученик помогает младшему" in view.text
    assert view.buttons[0][0] == "✅ Ученик – ученик"

    edited = (await harness.press(CURATOR, view.data_of("Ученик – ученик"), view.message_id))[0]
    assert "⬜ Ученик – ученик" in [text for text, _ in edited.buttons]
    assert last_answer(harness).text == "«Ученик – ученик» выключена"
    enabled = await harness.app.services.organizations.enabled_forms(org.id)
    assert "pupil_pupil" not in {f.code for f in enabled} and len(enabled) == 4

    await harness.press(CURATOR, FormAdd().pack())
    assert await harness.state_of(CURATOR) == OwnFormDialogue.title.state
    replies = await harness.send(CURATOR, "Педагог – студент <вуз>")
    assert "Форма «Педагог – студент <вуз>» добавлена и включена." in replies[0].text
    assert "✅ Педагог – студент <вуз>" in [text for text, _ in replies[1].buttons]
    forms = await harness.app.services.organizations.forms(org.id)
    assert (forms[-1].code, forms[-1].title, forms[-1].enabled) == (
        "own_1",
        "Педагог – студент <вуз>",
        True,
    )
    assert await harness.state_of(CURATOR) is None


async def test_the_last_form_stays_on(harness: Harness) -> None:
    org = await new_org(harness)
    await appoint(harness, org, CURATOR)
    for code in ("pupil_pupil", "teacher_teacher", "student_pupil", "employer_pupil"):
        await harness.press(CURATOR, FormToggle(code=code).pack())
    await harness.press(CURATOR, FormToggle(code="employer_student").pack())
    assert last_answer(harness).text == (
        "Хотя бы одна форма наставничества должна оставаться включённой."
    )
    assert last_answer(harness).show_alert
    enabled = await harness.app.services.organizations.enabled_forms(org.id)
    assert [f.code for f in enabled] == ["employer_student"]


# -- who may do what ---------------------------------------------------------------------
async def test_a_pupil_is_refused_curator_and_admin_actions(harness: Harness) -> None:
    org = await new_org(harness)
    await appoint(harness, org, CURATOR)
    services = harness.app.services
    invitation = await services.invitations.create(org.id, InvitationRole.MENTEE, CURATOR)
    before = await snapshot(harness)

    for command in ("/invite", "/links", "/forms", "/candidates"):
        replies = await harness.send(PUPIL, command)
        assert len(replies) == 1
        assert replies[0].text.startswith("Это может сделать только куратор организации"), command
    for command in ("/orgs", "/neworg"):
        replies = await harness.send(PUPIL, command)
        assert replies[0].text == "Это могут сделать только администраторы бота.", command

    forged = [
        LinkRevoke(invitation_id=invitation.id).pack(),
        FormToggle(code="pupil_pupil").pack(),
        FormAdd().pack(),
        InviteLimitChoice(role=InvitationRole.MENTOR, limit="none").pack(),  # type: ignore[arg-type]
        "cur1x:not-a-number",
    ]
    for data in forged:
        await harness.press(PUPIL, data)
        answer = last_answer(harness)
        assert answer.text.startswith("Это может сделать только куратор"), data
        assert answer.show_alert
    await harness.press(PUPIL, OrgCuratorLink(org_id=org.id).pack())
    assert last_answer(harness).text == "Это могут сделать только администраторы бота."

    assert await snapshot(harness) == before
    assert await harness.state_of(PUPIL) is None
    assert [s for s in harness.session.sent if LINK_PREFIX in s.text] == []


async def test_a_curator_cannot_touch_another_organization(harness: Harness) -> None:
    school, gymnasium = await new_org(harness, "Школа"), await new_org(harness, "Гимназия")
    await appoint(harness, school, CURATOR)
    await appoint(harness, gymnasium, OTHER_CURATOR)
    services = harness.app.services
    theirs = await services.invitations.create(gymnasium.id, InvitationRole.MENTOR, OTHER_CURATOR)
    await services.organizations.add_own_form(gymnasium.id, "Педагог вуза – молодой педагог")
    before = await snapshot(harness)

    await harness.press(CURATOR, LinkRevoke(invitation_id=theirs.id).pack())
    assert last_answer(harness).text == "Эта ссылка не относится к вашей организации."
    await harness.press(CURATOR, FormToggle(code="own_1").pack())
    assert last_answer(harness).text == "В вашей организации нет такой формы."
    await harness.press(CURATOR, LinkRevoke(invitation_id=999_999).pack())
    assert last_answer(harness).text == "Эта ссылка не относится к вашей организации."

    assert await snapshot(harness) == before
    assert await services.invitations.resolve(theirs.token) is not None
    # Their own /links shows only their own organization.
    listing = (await harness.send(CURATOR, "/links"))[0]
    assert theirs.token not in listing.text and "«Школа»" in listing.text


async def test_admin_buttons_and_commands_need_an_admin_now(harness: Harness) -> None:
    """An administrator's role comes from ADMIN_IDS at the moment of the update."""
    await new_org(harness)
    assert "Организации" in (await harness.send(ADMIN, "/orgs"))[0].text
    assert "администраторы" in (await harness.send(CURATOR, "/orgs"))[0].text


async def test_a_long_list_of_links_pages(harness: Harness) -> None:
    from handlers.callbacks import LinksPage

    org = await new_org(harness)
    await appoint(harness, org, CURATOR)
    for _ in range(12):
        await harness.app.services.invitations.create(org.id, InvitationRole.MENTEE, CURATOR)
    first = (await harness.send(CURATOR, "/links"))[0]
    assert "10. Для наставляемых" in first.text and "11. Для" not in first.text
    assert "Далее ›" in [text for text, _ in first.buttons]
    second = (await harness.press(CURATOR, LinksPage(page=1).pack(), first.message_id))[0]
    assert "11. Для наставляемых" in second.text and "12. Для наставляемых" in second.text
    assert "‹ Назад" in [text for text, _ in second.buttons]
