"""A time-ordered index of items for the in-memory store: bisection by time, removal from the oldest end.

Items (notifications, MOs) sit in tuples of ``CHUNK`` items (and a list for the newest ones), and their times
in an array of doubles: the cyclic garbage collector then sees a few references per thousand items, and a full
collection with a million stored stays short. Items leave from the front by moving a start offset; a chunk is
let go as soon as all its items left (freeing them a thousand at a time, never half a million at once), and the
array of times is compacted now and then, so removing an item never costs O(n).
"""

from __future__ import annotations

import itertools
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Generic, TypeVar

Item = TypeVar("Item")

CHUNK = 1024
#: Compact the times once this many left the front and they are at least half of the array.
_COMPACT_AT = 4 * CHUNK


class Series(Generic[Item]):
    __slots__ = ("_base", "_chunks", "_tail", "start", "times")

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._chunks: list[tuple[Item, ...]] = []
        self._tail: list[Item] = []
        self.times = array("d")
        self.start = 0  #: position (in ``times``) of the first item still here
        self._base = 0  #: position of the first item of the first chunk (or of the tail)

    def __len__(self) -> int:
        return len(self.times) - self.start

    def append(self, at: float, item: Item) -> None:
        times, tail = self.times, self._tail
        if times and at < times[-1]:
            at = times[-1]  # the system clock stepped back: the index stays sorted, off by that step
        times.append(at)
        tail.append(item)
        if len(tail) == CHUNK:
            self._chunks.append(tuple(tail))
            self._tail = []

    def first(self) -> Item | None:
        return self._item(self.start) if self.start < len(self.times) else None

    def first_time(self) -> float:
        return self.times[self.start]

    def window(self, since: float | None, until: float | None) -> tuple[int, int]:
        """Positions ``[lo, hi)`` of the items whose time is within ``since``..``until`` (both included)."""
        lo = self.start if since is None else bisect_left(self.times, since, self.start)
        hi = len(self.times) if until is None else bisect_right(self.times, until, lo)
        return lo, max(lo, hi)

    def iterate(self, lo: int, hi: int) -> Iterator[Item]:
        position = lo
        while position < hi:
            index, offset = divmod(position - self._base, CHUNK)
            block: tuple[Item, ...] | list[Item] = self._chunks[index] if index < len(self._chunks) else self._tail
            take = min(hi - position, CHUNK - offset)
            yield from itertools.islice(block, offset, offset + take)
            position += take

    def slice(self, lo: int, hi: int) -> list[Item]:
        return list(self.iterate(lo, hi))

    def drop_first(self, item: Item) -> None:
        """Remove ``item``, normally the first one (anywhere else costs a rebuild; it does not happen)."""
        if self.first() is not item:
            self._rebuild_without(item)
            return
        self.start += 1
        if self._chunks and self.start - self._base >= CHUNK:
            del self._chunks[0]
            self._base += CHUNK
        if self.start >= _COMPACT_AT and self.start * 2 >= len(self.times):
            gone = self.start
            del self.times[:gone]
            self.start -= gone
            self._base -= gone

    def _item(self, position: int) -> Item:
        index, offset = divmod(position - self._base, CHUNK)
        return self._chunks[index][offset] if index < len(self._chunks) else self._tail[offset]

    def _rebuild_without(self, item: Item) -> None:
        kept = list(zip(self.times[self.start :], self.iterate(self.start, len(self.times)), strict=True))
        self._reset()
        for at, kept_item in kept:
            if kept_item is not item:
                self.append(at, kept_item)
