"""Enterprises that provided mentors, as the curator sees and merges them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class EnterpriseAlias:
    """A curator's merge: in the organization's reports ``alias_key`` is ``canonical_key``."""

    id: int
    organization_id: int
    alias_key: str
    canonical_key: str
    alias_name: str
    canonical_name: str
    merged_at: datetime


@dataclass(frozen=True)
class EnterpriseGroup:
    """One enterprise of an organization's employer mentors, after the merges.

    ``name`` is the spelling shown for it; ``spellings`` are the distinct names as the mentors
    typed them (the group's own first), each with how many mentors typed it."""

    key: str
    name: str
    mentor_ids: tuple[int, ...]
    spellings: tuple[tuple[str, int], ...]

    @property
    def mentors(self) -> int:
        return len(self.mentor_ids)


@dataclass(frozen=True)
class EnterpriseListing:
    groups: tuple[EnterpriseGroup, ...]
    merges: tuple[EnterpriseAlias, ...]

    def group_of(self, mentor_id: int) -> EnterpriseGroup | None:
        """The group a mentor's answer falls in; ``None`` for anyone not listed."""
        return next((g for g in self.groups if mentor_id in g.mentor_ids), None)


class MergeOutcome(StrEnum):
    MERGED = "merged"
    SAME = "same"  # already one enterprise
    GONE = "gone"  # a spelling is no longer among the mentors' answers
    NOT_ALLOWED = "not_allowed"  # not the curator of this organization
