"""Enterprises that provided mentors: one enterprise however its name was typed, the curator's
merges of two spellings (and their undoing), the count across organizations for a coordinator,
and who may merge."""

from __future__ import annotations

import pytest

from bot.models.enterprises import EnterpriseAlias, MergeOutcome
from bot.reports.enterprises import count_distinct, enterprise_key
from handlers.enterprise_views import EnterpriseMerge, EnterpriseUnmerge
from handlers.workspace_views import Section, SectionName
from tests.cohort import choice, mentor_answers, ready
from tests.inprocess import Harness, Sent
from tests.joining import CURATOR, organization

OTHER_CURATOR = 556
EMPLOYER = choice("employer_pupil")


# --- one enterprise however typed ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "ООО «Ромашка»",
        "Ромашка",
        "ооо ромашка",
        '  ООО   "Ромашка" ',
        "Общество с ограниченной ответственностью «Ромашка»",
        "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ РОМАШКА",
        "Ромашка, ООО",
        "OOO Ромашка",  # Latin O's
        "АО «Ромашка»",
        "ПАО Ромашка",
        "Публичное акционерное общество «Ромашка»",
        "«Ромашка»",
    ],
)
def test_one_enterprise_however_typed(typed: str) -> None:
    assert enterprise_key(typed) == "ромашка"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("ИП Иванов", "иванов"),
        ("Индивидуальный предприниматель Иванов И. И.", "иванов и и"),
        ("ФГУП «Почта России»", "почта россии"),
        ("МУП «Водоканал»", "водоканал"),
        ("ГУП Читаэнерго", "читаэнерго"),
        ("ЗАО «Завод № 5»", "завод 5"),
        ("Ёлка", "елка"),
        ("ООО", ""),
        ("«»", ""),
        ("Общество с ограниченной ответственностью", ""),
    ],
)
def test_legal_forms_quotes_and_signs_go(typed: str, key: str) -> None:
    assert enterprise_key(typed) == key


def test_different_enterprises_stay_different() -> None:
    keys = {
        enterprise_key(name)
        for name in ("ООО «Ромашка»", "ООО «Лютик»", "Ромашка-Агро", "Завод № 5", "Завод № 6")
    }
    assert len(keys) == 5
    # A word that only looks like a legal form inside a name is kept.
    assert enterprise_key("Банк ВТБ (ПАО) Чита") == "банк втб пао чита"


def alias(alias_key: str, canonical_key: str, organization_id: int = 1) -> EnterpriseAlias:
    from datetime import UTC, datetime

    moment = datetime(2026, 3, 12, tzinfo=UTC)
    return EnterpriseAlias(0, organization_id, alias_key, canonical_key, "a", "c", moment)


def test_count_distinct_applies_the_merges_both_ways_and_in_chains() -> None:
    keys = ["ромашка", "ромашка агро", "лютик", "", "ромашка"]
    assert count_distinct(keys, []) == 3
    assert count_distinct(keys, [alias("ромашка агро", "ромашка")]) == 2
    # Two organizations merged the same pair in opposite directions: still one enterprise.
    both = [alias("ромашка агро", "ромашка", 1), alias("ромашка", "ромашка агро", 2)]
    assert count_distinct(keys, both) == 2
    chain = [alias("ромашка агро", "ромашка"), alias("ромашка", "лютик")]
    assert count_distinct(keys, chain) == 1
    # A merge of spellings nobody typed changes nothing.
    assert count_distinct(keys, [alias("береза", "ромашка")]) == 3


# --- the curator's merges --------------------------------------------------------------------


async def employer(harness: Harness, org_id: int, telegram_id: int, workplace: str) -> int:
    answers = mentor_answers(
        f"Наставник {telegram_id}", form=EMPLOYER, workplace_org=workplace,
        workplace_position="инженер",
    )  # fmt: skip
    return await ready(harness, org_id, telegram_id, "mentor", answers)


async def two_schools(harness: Harness) -> tuple[int, int]:
    services = harness.app.services
    first = await organization(harness, "Школа № 5")
    second = await services.organizations.create("Лицей № 1", "Asia/Chita")
    await services.organizations.add_curator(second.id, OTHER_CURATOR)
    await employer(harness, first.id, 101, "ООО «Ромашка»")
    await employer(harness, first.id, 102, "ромашка")
    await employer(harness, first.id, 103, "Ромашка-Агро")
    await employer(harness, first.id, 104, "АО «Лютик»")
    # A teacher of the school in another form is no enterprise's mentor.
    await ready(harness, first.id, 105, "mentor", mentor_answers("Учитель", workplace_org="Школа"))
    # An old single answer "organization, position".
    await ready(harness, first.id, 106, "mentor", mentor_answers(
        "Давний наставник", form=choice("employer_student"), workplace="Лютик, мастер",
    ))  # fmt: skip
    await employer(harness, second.id, 201, "Ромашка")
    await employer(harness, second.id, 202, "Ромашка Агро")
    await employer(harness, second.id, 203, "Берёзка")
    return first.id, second.id


async def test_the_listing_groups_spellings_and_counts_mentors(harness: Harness) -> None:
    school, _ = await two_schools(harness)
    listing = await harness.app.services.enterprises.listing(school)
    shown = [(g.name, g.mentors, [s for s, _n in g.spellings]) for g in listing.groups]
    # The largest first, then by name; the spelling most mentors typed names the group (of
    # equals, the first alphabetically); an old single answer counts by its organization part.
    assert shown == [
        ("АО «Лютик»", 2, ["АО «Лютик»", "Лютик"]),
        ("ООО «Ромашка»", 2, ["ООО «Ромашка»", "ромашка"]),
        ("Ромашка-Агро", 1, ["Ромашка-Агро"]),
    ]
    assert [g.key for g in listing.groups] == ["лютик", "ромашка", "ромашка агро"]


async def test_merge_and_unmerge(harness: Harness) -> None:
    school, _ = await two_schools(harness)
    enterprises = harness.app.services.enterprises
    names = ["ООО «Ромашка»", "ромашка", "Ромашка-Агро", "АО «Лютик»", "Лютик"]
    assert await enterprises.count_enterprises([school], names) == 3

    outcome = await enterprises.merge(school, CURATOR, "ромашка", "ромашка агро")
    assert outcome is MergeOutcome.MERGED
    listing = await enterprises.listing(school)
    assert {(g.key, g.mentors) for g in listing.groups} == {("ромашка", 3), ("лютик", 2)}
    romashka = next(g for g in listing.groups if g.key == "ромашка")
    assert romashka.name == "ООО «Ромашка»"  # the first spelling is kept
    assert "Ромашка-Агро" in [s for s, _n in romashka.spellings]
    assert await enterprises.count_enterprises([school], names) == 2
    # Merging them again, either way round, changes nothing.
    assert await enterprises.merge(school, CURATOR, "ромашка", "ромашка агро") is (
        MergeOutcome.GONE
    )
    assert await enterprises.merge(school, CURATOR, "ромашка", "ромашка") is MergeOutcome.SAME
    assert len((await enterprises.listing(school)).merges) == 1

    [merge] = listing.merges
    assert (merge.alias_name, merge.canonical_name) == ("Ромашка-Агро", "ООО «Ромашка»")
    assert await enterprises.unmerge(school, CURATOR, merge.id)
    assert not await enterprises.unmerge(school, CURATOR, merge.id)  # already undone
    assert await enterprises.count_enterprises([school], names) == 3
    listing = await enterprises.listing(school)
    assert {(g.key, g.mentors) for g in listing.groups} == {
        ("ромашка", 2), ("ромашка агро", 1), ("лютик", 2),
    }  # fmt: skip
    assert listing.merges == ()


async def test_undo_restores_what_was_merged_before(harness: Harness) -> None:
    school, _ = await two_schools(harness)
    enterprises = harness.app.services.enterprises
    assert await enterprises.merge(school, CURATOR, "ромашка", "ромашка агро") is (
        MergeOutcome.MERGED
    )
    assert await enterprises.merge(school, CURATOR, "лютик", "ромашка") is MergeOutcome.MERGED
    listing = await enterprises.listing(school)
    assert [(g.key, g.mentors) for g in listing.groups] == [("лютик", 5)]
    second = listing.merges[1]
    assert await enterprises.unmerge(school, CURATOR, second.id)
    listing = await enterprises.listing(school)
    assert {(g.key, g.mentors) for g in listing.groups} == {("ромашка", 3), ("лютик", 2)}


async def test_an_enterprise_in_two_schools_counts_once_for_a_coordinator(
    harness: Harness,
) -> None:
    school, lyceum = await two_schools(harness)
    enterprises = harness.app.services.enterprises
    first = ["ООО «Ромашка»", "ромашка", "Ромашка-Агро", "АО «Лютик»", "Лютик"]
    second = ["Ромашка", "Ромашка Агро", "Берёзка"]
    # Ромашка, Ромашка-Агро (= «Ромашка Агро» by its key), Лютик, Берёзка.
    assert await enterprises.count_enterprises([school, lyceum], first + second) == 4
    assert await enterprises.count_enterprises([lyceum], second) == 3
    # The school's curator merges Ромашка-Агро into Ромашка: the lyceum's own count does not
    # change (its curator did not merge), the coordinator of both counts them as one.
    assert await enterprises.merge(school, CURATOR, "ромашка", "ромашка агро") is (
        MergeOutcome.MERGED
    )
    assert await enterprises.count_enterprises([school, lyceum], first + second) == 3
    assert await enterprises.count_enterprises([lyceum], second) == 3
    assert await enterprises.count_enterprises([school], first) == 2
    assert await enterprises.count_enterprises([school, lyceum], []) == 0


async def test_another_schools_curator_cannot_merge_or_undo(harness: Harness) -> None:
    school, lyceum = await two_schools(harness)
    enterprises = harness.app.services.enterprises
    assert await enterprises.merge(school, OTHER_CURATOR, "ромашка", "лютик") is (
        MergeOutcome.NOT_ALLOWED
    )
    assert await enterprises.merge(school, 999, "ромашка", "лютик") is MergeOutcome.NOT_ALLOWED
    assert (await enterprises.listing(school)).merges == ()
    assert await enterprises.merge(school, CURATOR, "ромашка", "лютик") is MergeOutcome.MERGED
    [merge] = (await enterprises.listing(school)).merges
    assert not await enterprises.unmerge(school, OTHER_CURATOR, merge.id)
    assert not await enterprises.unmerge(lyceum, OTHER_CURATOR, merge.id)
    assert len((await enterprises.listing(school)).merges) == 1


# --- in the chat -----------------------------------------------------------------------------


def last(replies: list[Sent]) -> Sent:
    assert replies
    return replies[-1]


async def test_the_curator_merges_and_undoes_by_buttons(harness: Harness) -> None:
    school, _ = await two_schools(harness)
    panel = last(await harness.send(CURATOR, "/curator"))
    shown = last(await harness.press(CURATOR, panel.data_of("Предприятия")))
    assert shown.text.startswith("Предприятия наставников")
    assert "2. <b>ООО «Ромашка»</b>" not in shown.text  # the text is plain here
    assert "2. ООО «Ромашка» — 2 наставника" in shown.text
    assert "также написано как: «ромашка»" in shown.text
    assert "Ромашка-Агро — 1 наставник" in shown.text
    assert "Школа" not in shown.text  # the teacher is not an employer's mentor

    step1 = last(await harness.press(CURATOR, shown.data_of("Объединить два написания")))
    assert "шаг 1 из 2" in step1.text
    step2 = last(await harness.press(CURATOR, step1.data_of("2. ООО «Ромашка» (2)")))
    assert "шаг 2 из 2" in step2.text and "«ООО «Ромашка»»" in step2.text
    assert not any("ООО «Ромашка»" in text for text, _data in step2.buttons)
    assert [text for text, _data in step2.buttons] == [
        "1. АО «Лютик» (2)", "2. Ромашка-Агро (1)", "Отмена",
    ]  # fmt: skip
    merge_data = step2.data_of("Ромашка-Агро (1)")
    done = last(await harness.press(CURATOR, merge_data))
    assert "«Ромашка-Агро» теперь учитывается как «ООО «Ромашка»»" in done.text
    assert "1. ООО «Ромашка» — 3 наставника" in done.text
    # A second tap changes nothing and says so.
    await harness.press(CURATOR, merge_data)
    assert harness.session.callback_answers()[-1].text == (
        "Эти написания уже объединены в одно предприятие."
    )
    assert len((await harness.app.services.enterprises.listing(school)).merges) == 1

    merges = last(await harness.press(CURATOR, done.data_of("Отменить объединение")))
    assert "1. «Ромашка-Агро» учитывается как «ООО «Ромашка»»" in merges.text
    undo = merges.data_of("Отменить № 1")
    undone = last(await harness.press(CURATOR, undo))
    assert "Объединение отменено" in undone.text and "Объединённых написаний нет." in undone.text
    assert (await harness.app.services.enterprises.listing(school)).merges == ()
    await harness.press(CURATOR, undo)
    assert "уже отменено" in (harness.session.callback_answers()[-1].text or "")


async def test_another_curators_forged_presses_change_nothing(harness: Harness) -> None:
    school, _ = await two_schools(harness)
    enterprises = harness.app.services.enterprises
    listing = await enterprises.listing(school)
    romashka = next(g for g in listing.groups if g.key == "ромашка")
    lyutik = next(g for g in listing.groups if g.key == "лютик")
    forged = EnterpriseMerge(keep=romashka.mentor_ids[0], merge=lyutik.mentor_ids[0]).pack()
    replies = await harness.press(OTHER_CURATOR, forged)
    assert (await enterprises.listing(school)).merges == ()
    # The other school's mentors are not in that curator's list: an outdated press, answered
    # with the curator's own list, where the first school's spellings do not appear.
    assert harness.session.callback_answers()[-1].text == (
        "Список с тех пор изменился — вот текущий."
    )
    assert "Лютик" not in last(replies).text and "Берёзка" in last(replies).text
    # Someone who curates nothing is refused outright.
    await harness.press(4242, forged)
    assert "только куратор" in (harness.session.callback_answers()[-1].text or "")
    assert (await enterprises.listing(school)).merges == ()

    assert await enterprises.merge(school, CURATOR, "ромашка", "лютик") is MergeOutcome.MERGED
    [merge] = (await enterprises.listing(school)).merges
    await harness.press(OTHER_CURATOR, EnterpriseUnmerge(alias_id=merge.id).pack())
    assert len((await enterprises.listing(school)).merges) == 1


async def test_a_school_without_employer_mentors(harness: Harness) -> None:
    await organization(harness)
    replies = await harness.press(CURATOR, Section(name=SectionName.ENTERPRISES).pack())
    text = last(replies).text
    assert "пока не указали место работы" in text
    assert last(replies).buttons == []


async def test_the_kept_listing_follows_new_mentors_and_changed_answers(harness: Harness) -> None:
    """The workplaces are kept with the school's counters: a new employer mentor, a changed
    place of work and a changed form each show at the next listing."""
    from storage.repositories.participants import ParticipantRepository

    school, _ = await two_schools(harness)
    enterprises = harness.app.services.enterprises
    repository = ParticipantRepository(harness.app.db)

    async def shown() -> dict[str, int]:
        return {g.name: g.mentors for g in (await enterprises.listing(school)).groups}

    assert await shown() == {"АО «Лютик»": 2, "ООО «Ромашка»": 2, "Ромашка-Агро": 1}
    await employer(harness, school, 107, "Завод «Звезда»")
    assert (await shown())["Завод «Звезда»"] == 1
    # Mentor 103 now works at Лютик; mentor 104 (АО «Лютик») chose a teachers' form.
    [moved] = await repository.of_telegram_user(103)
    await repository.save_answer(moved.id, "workplace_org", "Лютик", None, harness.clock.now())
    [left] = await repository.of_telegram_user(104)
    await repository.save_answer(
        left.id, "form", choice("teacher_teacher"), None, harness.clock.now()
    )
    assert await shown() == {"Лютик": 2, "ООО «Ромашка»": 2, "Завод «Звезда»": 1}
