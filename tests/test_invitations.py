"""Invitation links: tokens, limits, resolution, atomic use, curator links and the QR code."""

from __future__ import annotations

import asyncio
import re
import struct
import zlib
from datetime import UTC, datetime, timedelta

import pytest
import segno

from bot.invitations import (
    CURATOR_LINK_VALIDITY,
    CuratorJoin,
    InvitationLimit,
    InvitationRole,
    InvitationService,
    InvitationStatus,
    invitation_link,
)
from bot.organizations import Organization, OrganizationService
from bot.qr import qr_png
from storage.database import Database
from storage.repositories.invitations import InvitationRepository
from storage.repositories.organizations import OrganizationRepository
from tests.clock import ManualClock

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
ADMIN = 777
CURATOR = 501


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def organizations(db: Database, clock: ManualClock) -> OrganizationService:
    return OrganizationService(OrganizationRepository(db), clock)


@pytest.fixture
def invitations(db: Database, clock: ManualClock) -> InvitationService:
    return InvitationService(InvitationRepository(db), OrganizationRepository(db), clock)


@pytest.fixture
async def school(organizations: OrganizationService) -> Organization:
    return await organizations.create("Школа № 5", "Asia/Novosibirsk")


async def test_tokens_are_opaque_and_fit_a_start_parameter(
    invitations: InvitationService, school: Organization
) -> None:
    made = [await invitations.create(school.id, InvitationRole.MENTEE, CURATOR) for _ in range(50)]
    tokens = {invitation.token for invitation in made}
    assert len(tokens) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token) for token in tokens)
    link = invitation_link("@school5_bot", made[0].token)
    assert link == f"https://t.me/school5_bot?start={made[0].token}"


async def test_resolution_of_unknown_revoked_expired_and_used_up_tokens(
    invitations: InvitationService, school: Organization, clock: ManualClock
) -> None:
    assert await invitations.resolve("no-such-token-anywhere") is None
    assert (await invitations.lookup("bad token!")).status is InvitationStatus.UNKNOWN
    assert (await invitations.lookup("x" * 65)).status is InvitationStatus.UNKNOWN

    open_link = await invitations.create_with_limit(
        school.id, InvitationRole.MENTOR, CURATOR, InvitationLimit.NONE
    )
    resolved = await invitations.resolve(open_link.token)
    assert resolved is not None and resolved.id == open_link.id
    assert resolved.role is InvitationRole.MENTOR and resolved.organization_id == school.id
    assert (resolved.max_uses, resolved.expires_at) == (None, None)

    revoked = await invitations.create(school.id, InvitationRole.MENTEE, CURATOR)
    assert await invitations.revoke(revoked.id, school.id)
    assert await invitations.resolve(revoked.token) is None
    assert (await invitations.lookup(revoked.token)).status is InvitationStatus.REVOKED
    assert not await invitations.use(revoked.id)

    weekly = await invitations.create_with_limit(
        school.id, InvitationRole.MENTEE, CURATOR, InvitationLimit.DAYS_7
    )
    assert weekly.expires_at == NOW + timedelta(days=7)
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert await invitations.resolve(weekly.token) is not None
    clock.advance(timedelta(seconds=1))
    assert await invitations.resolve(weekly.token) is None
    assert (await invitations.lookup(weekly.token)).status is InvitationStatus.EXPIRED
    assert not await invitations.use(weekly.id)

    thirty = await invitations.create_with_limit(
        school.id, InvitationRole.MENTEE, CURATOR, InvitationLimit.USES_30
    )
    assert thirty.max_uses == 30
    for _ in range(30):
        assert await invitations.use(thirty.id)
    assert not await invitations.use(thirty.id)
    assert (await invitations.lookup(thirty.token)).status is InvitationStatus.USED_UP
    stored = await invitations.get(thirty.id)
    assert stored is not None and stored.uses == 30 and stored.uses_left == 0
    # The unlimited link still works, and only it is listed as active.
    assert [i.id for i in await invitations.active(school.id)] == [open_link.id]


async def test_two_people_cannot_both_take_the_last_use(
    invitations: InvitationService, school: Organization
) -> None:
    invitation = await invitations.create(school.id, InvitationRole.MENTEE, CURATOR, max_uses=1)
    results = await asyncio.gather(*(invitations.use(invitation.id) for _ in range(2)))
    assert sorted(results) == [False, True]
    stored = await invitations.get(invitation.id)
    assert stored is not None and stored.uses == 1


async def test_last_use_is_atomic_across_connections(
    db: Database, invitations: InvitationService, school: Organization, clock: ManualClock
) -> None:
    """Two processes on one database file: SQLite's write lock decides, never both."""
    invitation = await invitations.create(school.id, InvitationRole.MENTOR, CURATOR, max_uses=3)
    other = Database(db.path)
    await other.connect()
    try:
        second = InvitationService(
            InvitationRepository(other), OrganizationRepository(other), clock
        )
        results = await asyncio.gather(
            *(service.use(invitation.id) for service in [invitations, second] * 4)
        )
    finally:
        await other.close()
    assert results.count(True) == 3
    stored = await invitations.get(invitation.id)
    assert stored is not None and stored.uses == 3


async def test_revoke_only_within_the_organization(
    invitations: InvitationService, organizations: OrganizationService, school: Organization
) -> None:
    other = await organizations.create("Гимназия", "Europe/Moscow")
    invitation = await invitations.create(school.id, InvitationRole.MENTEE, CURATOR)
    assert not await invitations.revoke(invitation.id, other.id)
    assert await invitations.resolve(invitation.token) is not None
    assert await invitations.revoke(invitation.id, school.id)
    assert not await invitations.revoke(invitation.id, school.id)  # once is enough


async def test_limits_are_checked(invitations: InvitationService, school: Organization) -> None:
    with pytest.raises(ValueError):
        await invitations.create(school.id, InvitationRole.MENTEE, CURATOR, max_uses=0)
    with pytest.raises(ValueError):
        await invitations.create(school.id, InvitationRole.CURATOR, ADMIN)  # must be single-use
    with pytest.raises(ValueError):
        await invitations.create_with_limit(
            school.id, InvitationRole.CURATOR, CURATOR, InvitationLimit.NONE
        )


async def test_a_token_collision_draws_again(
    db: Database, clock: ManualClock, school: Organization
) -> None:
    tokens = iter(["same-token-0123456789", "same-token-0123456789", "another-token-0123456789"])
    service = InvitationService(
        InvitationRepository(db), OrganizationRepository(db), clock, lambda: next(tokens)
    )
    first = await service.create(school.id, InvitationRole.MENTEE, CURATOR)
    second = await service.create(school.id, InvitationRole.MENTEE, CURATOR)
    assert (first.token, second.token) == ("same-token-0123456789", "another-token-0123456789")


async def test_curator_link_is_single_use(
    invitations: InvitationService, organizations: OrganizationService, school: Organization
) -> None:
    link = await invitations.create_for_curator(school.id, ADMIN)
    assert link.role is InvitationRole.CURATOR and link.max_uses == 1
    assert link.expires_at == NOW + CURATOR_LINK_VALIDITY

    joined = await invitations.accept_curator(link.token, 1001)
    assert joined.outcome is CuratorJoin.JOINED and joined.organization == school
    assert await organizations.curator_organization_id(1001) == school.id

    # The same person again: told they already curate; someone else: the link is used up.
    again = await invitations.accept_curator(link.token, 1001)
    assert again.outcome is CuratorJoin.ALREADY_HERE
    late = await invitations.accept_curator(link.token, 1002)
    assert (late.outcome, late.status) == (CuratorJoin.INVALID, InvitationStatus.USED_UP)
    assert await organizations.curator_organization_id(1002) is None


async def test_a_curator_of_one_organization_does_not_use_up_a_link_of_another(
    invitations: InvitationService, organizations: OrganizationService, school: Organization
) -> None:
    other = await organizations.create("Гимназия", "Europe/Moscow")
    await organizations.add_curator(school.id, 1001)
    link = await invitations.create_for_curator(other.id, ADMIN)
    refused = await invitations.accept_curator(link.token, 1001)
    assert refused.outcome is CuratorJoin.OTHER_ORGANIZATION
    assert refused.organization == school
    assert await organizations.curator_organization_id(1001) == school.id
    # The link is still there for the right person.
    assert (await invitations.accept_curator(link.token, 1003)).outcome is CuratorJoin.JOINED
    assert await organizations.curator_organization_id(1003) == other.id


async def test_only_curator_links_appoint_curators(
    invitations: InvitationService, organizations: OrganizationService, school: Organization
) -> None:
    mentee_link = await invitations.create(school.id, InvitationRole.MENTEE, CURATOR)
    refused = await invitations.accept_curator(mentee_link.token, 1001)
    assert (refused.outcome, refused.status) == (CuratorJoin.INVALID, InvitationStatus.UNKNOWN)
    assert await organizations.curator_organization_id(1001) is None
    stored = await invitations.get(mentee_link.id)
    assert stored is not None and stored.uses == 0
    assert (await invitations.accept_curator("unknown-token-xyz", 1001)).status is (
        InvitationStatus.UNKNOWN
    )
    revoked = await invitations.create_for_curator(school.id, ADMIN)
    await invitations.revoke(revoked.id, school.id)
    assert (await invitations.accept_curator(revoked.token, 1001)).status is (
        InvitationStatus.REVOKED
    )


async def test_two_people_race_for_one_curator_link(
    invitations: InvitationService, organizations: OrganizationService, school: Organization
) -> None:
    link = await invitations.create_for_curator(school.id, ADMIN)
    results = await asyncio.gather(*(invitations.accept_curator(link.token, p) for p in (1, 2)))
    assert sorted(r.outcome for r in results) == [CuratorJoin.INVALID, CuratorJoin.JOINED]
    assert len(await organizations.curators(school.id)) == 1


def _png_pixels(png: bytes) -> tuple[int, int, list[list[int]]]:
    """A minimal PNG reader for 1-bit greyscale images (what segno writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, data = 8, {}, b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        if kind == b"IDAT":
            data += body
        chunks[kind] = body
        position += 12 + length
    assert b"IEND" in chunks
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (1, 0)
    raw = zlib.decompress(data)
    stride = (width + 7) // 8
    rows: list[list[int]] = []
    previous = bytes(stride)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        kind, scan = line[0], bytearray(line[1:])
        if kind == 2:  # "up"
            scan = bytearray((a + b) & 0xFF for a, b in zip(scan, previous, strict=True))
        else:
            assert kind == 0, f"filter {kind} not supported by this test reader"
        previous = bytes(scan)
        rows.append([(scan[x // 8] >> (7 - x % 8)) & 1 for x in range(width)])
    return width, height, rows


def test_qr_png_is_a_readable_code_of_the_link() -> None:
    link = "https://t.me/mentor_test_bot?start=" + "A1_-" * 8
    png = qr_png(link, scale=4, border=4)
    width, height, pixels = _png_pixels(png)
    code = segno.make(link, error="m", micro=False)
    modules = len(code.matrix)
    assert width == height == (modules + 8) * 4
    # Every module is a dark or light 4x4 square, exactly as the code of the link says.
    for row, line in enumerate(code.matrix):
        for column, dark in enumerate(line):
            pixel = pixels[(row + 4) * 4 + 1][(column + 4) * 4 + 2]
            assert pixel == (0 if dark else 1), (row, column)
    # The quiet zone is white.
    assert all(pixel == 1 for pixel in pixels[0]) and all(line[0] == 1 for line in pixels)
    # The default size prints well on a poster.
    big = qr_png(link)
    assert big[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", big[16:24])[0] >= 400
