"""Enterprises that provided mentors (the indicator "share of enterprises"): one enterprise
however its name was typed, and the curator's merges of two spellings.

An enterprise is known by its *key*: the name with case, ё, quotes, punctuation, spaces and the
legal form (ООО, АО, ПАО, ИП, ФГУП... or written out in full) taken away, so «ООО "Ромашка"»,
«Ромашка» and «ооо  ромашка» are one. The legal form is dropped on purpose: people write it or
not, in full or not, and «ООО Ромашка» beside «АО Ромашка» in one school is far more often one
company typed twice than two. What the key cannot see («Ромашка» and «Ромашка-Агро», «РЖД» and
«Российские железные дороги») the curator merges by hand: a merge says that in this
organization's reports one key is another.

Counting across organizations (a coordinator's summary) joins the merges of all of them: a
merge is a statement that two spellings name one enterprise, true wherever they were typed.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from bot.clock import Clock
from bot.models.enterprises import (
    EnterpriseAlias,
    EnterpriseGroup,
    EnterpriseListing,
    MergeOutcome,
)
from bot.organizations import OrganizationService
from bot.versioned import VersionedCache
from dialogs.workplace import organization_of
from storage.repositories.enterprises import EnterpriseRepository

# Legal forms as words of a key (lower case, ё as е), the longest first.
_FULL_FORMS = (
    "федеральное государственное унитарное предприятие",
    "государственное унитарное предприятие",
    "муниципальное унитарное предприятие",
    "общество с ограниченной ответственностью",
    "непубличное акционерное общество",
    "публичное акционерное общество",
    "закрытое акционерное общество",
    "открытое акционерное общество",
    "акционерное общество",
    "индивидуальный предприниматель",
)
_SHORT_FORMS = frozenset({"ооо", "ао", "пао", "зао", "оао", "нао", "ип", "фгуп", "муп", "гуп"})
# Latin letters typed for their Cyrillic twins ("OOO", "AO"), read so in a legal form only.
_TWINS = str.maketrans("aeopcxkmthby", "аеорсхкмтнву")
_NOT_A_WORD = re.compile(r"[\W_]+")
NAME_LIMIT = 400  # characters of a spelling kept for the list of merges


def _is_short_form(word: str) -> bool:
    return word.translate(_TWINS) in _SHORT_FORMS


# A pure function of the spelling, and a school's mentors type the same few names: each
# spelling is worked out once (the listing goes through every employer mentor of the school).
@functools.lru_cache(maxsize=4096)
def enterprise_key(name: str) -> str:
    """One enterprise however its name was typed: «ООО "Ромашка"» = «Ромашка» = «ооо ромашка»
    = «Общество с ограниченной ответственностью «Ромашка»» -> ``"ромашка"``. Empty when only
    a legal form (or nothing) was typed."""
    words = _NOT_A_WORD.sub(" ", name.casefold().replace("ё", "е")).split()
    changed = True
    while words and changed:
        changed = False
        if _is_short_form(words[0]):
            words, changed = words[1:], True
        elif _is_short_form(words[-1]):
            words, changed = words[:-1], True
        text = " ".join(words)
        for form in _FULL_FORMS:
            if text == form:
                return ""
            if text.startswith(form + " "):
                words, changed = text[len(form) + 1 :].split(), True
                break
            if text.endswith(" " + form):
                words, changed = text[: -len(form) - 1].split(), True
                break
    return " ".join(words)


def _roots(aliases: Iterable[EnterpriseAlias]) -> dict[str, str]:
    """Each key that occurs in ``aliases`` -> the representative of its enterprise (the
    union of all merges; a merge is symmetric as a statement, whatever its direction)."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        root = key
        while parent[root] != root:
            root = parent[root]
        while parent[key] != root:  # path compression
            parent[key], key = root, parent[key]
        return root

    for alias in aliases:
        low, high = find(alias.alias_key), find(alias.canonical_key)
        if low != high:
            parent[low] = high
    return {key: find(key) for key in list(parent)}


def count_distinct(keys: Iterable[str], aliases: Iterable[EnterpriseAlias]) -> int:
    """How many enterprises ``keys`` name once the merges are applied; empty keys count not."""
    roots = _roots(aliases)
    return len({roots.get(key, key) for key in keys if key})


def _forest_root(key: str, canonical: Mapping[str, str]) -> str:
    """Where an organization's own merges lead ``key`` (they form a forest; the guard only
    stops on a cycle that the storage refuses to write anyway)."""
    seen = {key}
    while key in canonical and canonical[key] not in seen:
        key = canonical[key]
        seen.add(key)
    return key


class EnterpriseService:
    def __init__(
        self, repository: EnterpriseRepository, organizations: OrganizationService, clock: Clock
    ) -> None:
        self._repository = repository
        self._organizations = organizations
        self._clock = clock
        # The employer mentors' enterprises as typed, by organization: reading them goes
        # through every mentor of the school, so they are kept until one of its counters moves.
        self._workplaces: VersionedCache[list[tuple[int, str, str]]] = VersionedCache(limit=64)

    async def count_enterprises(self, organization_ids: Sequence[int], names: Iterable[str]) -> int:
        """How many distinct enterprises ``names`` (as typed: the mentors' organization
        answers, see :func:`dialogs.workplace.organization_of`) are, each counted once across
        ``organization_ids``, after the merges the curators of those organizations made."""
        keys = [enterprise_key(name) for name in names]
        if not any(keys):
            return 0
        return count_distinct(keys, await self._repository.aliases(organization_ids))

    async def listing(self, organization_id: int) -> EnterpriseListing:
        """The distinct enterprises of the organization's employer mentors (the mentors who
        chose an employer form or have a pair in one), after its merges, the largest first."""
        merges = await self._repository.aliases([organization_id])
        canonical = {m.alias_key: m.canonical_key for m in merges}
        named_in_merges = {m.canonical_key: m.canonical_name for m in merges}
        mentors: dict[str, list[int]] = {}
        spellings: dict[str, Counter[str]] = {}
        own_spellings: dict[str, Counter[str]] = {}
        lists, reports = await self._repository.versions(organization_id)
        named = await self._workplaces.get(
            (organization_id, reports), lists, lambda: self._named_workplaces(organization_id)
        )
        for mentor_id, name, key in named:
            root = _forest_root(key, canonical)
            mentors.setdefault(root, []).append(mentor_id)
            spellings.setdefault(root, Counter())[name] += 1
            if key == root:
                own_spellings.setdefault(root, Counter())[name] += 1
        groups = []
        for root, ids in mentors.items():
            own = own_spellings.get(root)
            if own:
                name = _most_common(own)
            else:
                name = named_in_merges.get(root) or _most_common(spellings[root])
            ordered = sorted(
                spellings[root].items(), key=lambda item: (item[0] != name, -item[1], item[0])
            )
            groups.append(EnterpriseGroup(root, name, tuple(ids), tuple(ordered)))
        groups.sort(key=lambda g: (-g.mentors, g.name.casefold()))
        return EnterpriseListing(tuple(groups), tuple(merges))

    async def _named_workplaces(self, organization_id: int) -> list[tuple[int, str, str]]:
        """(mentor, the enterprise as typed, its key) of the organization's employer mentors
        who named one, by mentor."""
        named = []
        found = await self._repository.employer_workplaces(organization_id)
        for mentor_id, answers in sorted(found.items()):
            name = organization_of(answers)
            key = enterprise_key(name) if name else ""
            if name and key:
                named.append((mentor_id, name, key))
        return named

    async def merge(
        self, organization_id: int, telegram_id: int, keep_key: str, merge_key: str
    ) -> MergeOutcome:
        """The curator says that the enterprise ``merge_key`` is ``keep_key`` (both keys of
        groups of :meth:`listing`): from now on it is counted and listed as that one."""
        if not await self._is_curator(telegram_id, organization_id):
            return MergeOutcome.NOT_ALLOWED
        listing = await self.listing(organization_id)
        groups = {group.key: group for group in listing.groups}
        keep, merged = groups.get(keep_key), groups.get(merge_key)
        if keep is None or merged is None:
            return MergeOutcome.GONE
        if keep.key == merged.key:
            return MergeOutcome.SAME
        added = await self._repository.add_alias(
            organization_id,
            merged.key,
            keep.key,
            merged.name[:NAME_LIMIT],
            keep.name[:NAME_LIMIT],
            telegram_id,
            self._clock.now(),
        )
        return MergeOutcome.MERGED if added is not None else MergeOutcome.SAME

    async def unmerge(self, organization_id: int, telegram_id: int, alias_id: int) -> bool:
        """Undo one merge of the organization: its spelling is an enterprise of its own again
        (with whatever had been merged into it). ``False`` for someone who is not the
        organization's curator or a merge that is not (or no longer) there."""
        if not await self._is_curator(telegram_id, organization_id):
            return False
        return await self._repository.remove_alias(organization_id, alias_id)

    async def _is_curator(self, telegram_id: int, organization_id: int) -> bool:
        return await self._organizations.curator_organization_id(telegram_id) == organization_id


def _most_common(counts: Counter[str]) -> str:
    """The spelling most mentors typed; of equals, the first in alphabetical order."""
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
