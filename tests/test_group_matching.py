"""Matching proposes a group when a mentor with more than one place gets two or more mentees
of a form that allows groups: one proposal screen «a group of N», approved at once into the
pairs and the group; a double tap makes nothing twice; one-to-one proposals stay as they were."""

from __future__ import annotations

from dialogs.forms import FormPace
from handlers.group_views import GroupApprove, GroupSplit
from handlers.matching_views import ApproveShown, MatchMenu
from storage.repositories.organizations import OrganizationRepository
from tests.groups_seed import CURATOR, FORM, OTHER_CURATOR, GroupSeed, seed_people
from tests.inprocess import Harness, Sent


async def run(harness: Harness) -> tuple[GroupSeed, list[Sent], int]:
    seed = await seed_people(harness.app.services, harness.app.db, harness.clock.now())
    sent = await harness.press(CURATOR, MatchMenu(action="run").pack(), language_code="en")
    run_id = int(await harness.app.db.fetch_value("SELECT max(id) FROM matching_runs"))
    return seed, sent, run_id


async def irinas(harness: Harness, seed: GroupSeed) -> int:
    return int(
        await harness.app.db.fetch_value(
            "SELECT count(*) FROM proposals WHERE mentor_id = ? AND status = 'open'",
            (seed.irina,),
        )
    )


async def test_a_group_proposal_is_approved_into_pairs_and_a_group(harness: Harness) -> None:
    seed, sent, run_id = await run(harness)
    size = await irinas(harness, seed)
    assert size >= 2  # three places, three students of her form
    group_screens = [s for s in sent if "Proposal: a group of" in s.text]
    assert len(group_screens) == 1, [s.text for s in sent]
    screen = group_screens[0]
    assert f"a group of {size}" in screen.text and "Ирина Павловна Соколова" in screen.text
    # Irina's mentees are not shown again one by one; any other proposal is.
    assert not any("Mentor: Ирина" in s.text for s in sent if s is not screen)
    approve = screen.data_of("Approve the group")
    assert approve == GroupApprove(run_id=run_id, mentor_id=seed.irina).pack()
    # A curator of another school cannot approve it.
    await harness.press(OTHER_CURATOR, approve, language_code="en")
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs") == 0
    done = await harness.press(CURATOR, approve, language_code="en")
    assert any("They work as a group" in s.text for s in done), [s.text for s in done]
    rows = await harness.app.db.fetch_all(
        "SELECT group_id, form FROM pairs WHERE mentor_id = ? AND ended_on IS NULL", (seed.irina,)
    )
    assert len(rows) == size and {r["form"] for r in rows} == {FORM}
    assert len({r["group_id"] for r in rows}) == 1 and rows[0]["group_id"] is not None
    # A double tap makes nothing twice.
    await harness.press(CURATOR, approve, language_code="en")
    assert (
        await harness.app.db.fetch_value(
            "SELECT count(*) FROM pairs WHERE mentor_id = ?", (seed.irina,)
        )
        == size
    )
    assert await harness.app.db.fetch_value("SELECT count(*) FROM groups") == 1


async def test_one_by_one_keeps_them_one_to_one(harness: Harness) -> None:
    seed, _sent, run_id = await run(harness)
    split = await harness.press(
        CURATOR, GroupSplit(run_id=run_id, mentor_id=seed.irina).pack(), language_code="en"
    )
    singles = [s for s in split if "Proposal No." in s.text]
    assert len(singles) == await irinas(harness, seed)
    approve = singles[0].data_of("Approve")
    await harness.press(CURATOR, approve, language_code="en")
    assert (
        await harness.app.db.fetch_value("SELECT count(*) FROM pairs WHERE group_id IS NULL") == 1
    )
    assert await harness.app.db.fetch_value("SELECT count(*) FROM groups") == 0


async def test_approve_all_shown_forms_the_group_too(harness: Harness) -> None:
    seed, _sent, run_id = await run(harness)
    total = int(await harness.app.db.fetch_value("SELECT count(*) FROM proposals"))
    await harness.press(
        CURATOR, ApproveShown(run_id=run_id, first=1, last=total).pack(), language_code="en"
    )
    groups = await harness.app.db.fetch_all(
        "SELECT DISTINCT group_id FROM pairs WHERE mentor_id = ?", (seed.irina,)
    )
    assert len(groups) == 1 and groups[0]["group_id"] is not None


async def test_a_form_without_groups_gets_one_to_one_proposals(harness: Harness) -> None:
    services, db = harness.app.services, harness.app.db
    seed = await seed_people(services, db, harness.clock.now())
    changed = await OrganizationRepository(db).set_form_profile(
        seed.organization_id, FORM, mentor_kind=None, mentee_kind=None,
        pace=FormPace.REGULAR, allows_groups=False,
    )  # fmt: skip
    assert changed is not None and not changed.allows_groups
    sent = await harness.press(CURATOR, MatchMenu(action="run").pack(), language_code="en")
    assert not any("a group of" in s.text for s in sent)
    assert sum("Proposal No." in s.text for s in sent) >= 2
