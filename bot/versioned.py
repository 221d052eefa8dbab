"""What a service counted over a whole school, kept with the school's change counter
(``organization_versions``, migration 0019): read again only when the counter has moved, so
that turning a page reads the page, not the school."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class VersionedCache(Generic[T]):
    """Values by key, each with the counter it was computed at; the least recently stored go
    first beyond ``limit`` keys."""

    def __init__(self, limit: int = 256) -> None:
        self._values: dict[Hashable, tuple[int, T]] = {}
        self._limit = limit

    async def get(self, key: Hashable, version: int, compute: Callable[[], Awaitable[T]]) -> T:
        """The value kept for ``key`` at ``version``, or a fresh one. The counter is read
        before the value is computed: a change in between leaves a value newer than its
        counter, which the next read replaces."""
        kept = self._values.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        value = await compute()
        self._values.pop(key, None)
        self._values[key] = (version, value)
        while len(self._values) > self._limit:
            del self._values[next(iter(self._values))]
        return value
