"""Notifications or MOs of every account, indexed for the pull queries and purged from the oldest end; and the
expiry queue of other keyed items.

One ``Series`` per account plus one per extra key (such as account and status), all subsequences of the
account's series, so the item at an account's front is also at the front of each of its other series. Purging
walks the accounts' fronts. An item whose retention started later than its time (its callback was delivered
later) is set aside in ``held``, out of the series, until an ``ExpiryQueue`` finds it due; held items are older
than every item still in a series, so a query lists them first.

A retention start can also be noted for an item already forgotten: its callback was delivered after the
window had passed it (a receiver down for longer than the window, or a backlog). Nothing would ever remove such
a note, so the notes are also queued in the order they were made and dropped once the cutoff passes them; a
note at or before the cutoff changes nothing, since the item it is for goes at that cutoff either way.

The order-id index is split into shards: a dict whose values change is put back under the garbage
collector's eye whole, and a shard of a few dozen entries is cheap to look at where 500,000 are not.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from mockgateway.storage.series import Series

Item = TypeVar("Item")
_SHARDS = 16384  #: about 30 orders per shard with a million ACKs
#: The retention start of a live item, ``KEEP`` while it must be kept whatever its age, ``None`` once it is gone.
Lookup = Callable[[str], float | None]
KEEP = float("inf")
#: An item that must be kept for now is looked at again once the cutoff moved this far.
RECHECK_S = 60.0


class ExpiryQueue:
    """Which keyed items (messages, callback deliveries) to forget, oldest first, in bounded steps.

    Items enter a queue in arrival order. A purge pops the front while it arrived before the cutoff; one whose
    retention started later (or that must be kept for now) goes to a heap ordered by that later start and is
    looked at again once the cutoff passes it. No step costs more than O(log n).
    """

    def __init__(self) -> None:
        self._fresh: deque[tuple[float, str]] = deque()
        self._later: list[tuple[float, int, str]] = []
        self._seq = itertools.count()

    def add(self, key: str, arrived_at: float) -> None:
        """Queue ``key``, which arrived (on the gateway clock) at ``arrived_at``; its retention starts no earlier."""
        self._fresh.append((arrived_at, key))

    def hold(self, key: str, until: float) -> None:
        """Look at ``key`` again once the cutoff reaches ``until``."""
        heapq.heappush(self._later, (until, next(self._seq), key))

    def purge(self, older_than: float, budget: int, lookup: Lookup, forget: Callable[[str], None]) -> int:
        work = 0
        while work < budget and self._fresh and self._fresh[0][0] <= older_than:
            _, key = self._fresh.popleft()
            work += 1
            self._settle(key, lookup(key), older_than, forget)
        while work < budget and self._later and self._later[0][0] <= older_than:
            _, _, key = heapq.heappop(self._later)
            work += 1
            self._settle(key, lookup(key), older_than, forget)
        return work

    def _settle(self, key: str, kept_from: float | None, older_than: float, forget: Callable[[str], None]) -> None:
        if kept_from is None:
            return
        if kept_from <= older_than:
            forget(key)
        else:
            self.hold(key, older_than + RECHECK_S if kept_from == KEEP else kept_from)


@dataclass(frozen=True, slots=True)
class Fields(Generic[Item]):
    """How an event log reads its items (``operator.attrgetter`` of their fields)."""

    id: Callable[[Item], str]
    account: Callable[[Item], str]
    time: Callable[[Item], float]
    exact: Callable[[Item], str] | None = None  #: the field with an exact-match index (order id), if any
    extra_keys: Callable[[Item], Iterable[Hashable]] = lambda item: ()  #: further series an item belongs to


class EventLog(Generic[Item]):
    def __init__(self, fields: Fields[Item]) -> None:
        self.c = fields
        # defaultdicts, not setdefault: that would build a Series for every item
        self.accounts: defaultdict[str, Series[Item]] = defaultdict(Series)
        self.series: defaultdict[Hashable, Series[Item]] = defaultdict(Series)
        self._exact: list[dict[str, tuple[Item, ...]] | None] = [None] * _SHARDS
        self.held: dict[str, Item] = {}
        self.late: dict[str, float] = {}  #: retention starts later than the item's own time
        self._noted: deque[str] = deque()  #: ids of ``late``, in the order they entered it
        self._held_expiry = ExpiryQueue()

    def add(self, item: Item) -> None:
        c = self.c  # read once: every notification comes through here
        at = c.time(item)
        self.accounts[c.account(item)].append(at, item)
        for key in c.extra_keys(item):
            self.series[key].append(at, item)
        if c.exact is not None:
            value = c.exact(item)
            shard = self._shard(value)
            shard[value] = (*shard.get(value, ()), item)

    def _shard(self, value: str) -> dict[str, tuple[Item, ...]]:
        index = hash(value) % _SHARDS
        shard = self._exact[index]
        if shard is None:
            shard = self._exact[index] = {}
        return shard

    def by_exact(self, value: str) -> tuple[Item, ...]:
        """Items whose exact-match field is ``value``, oldest first."""
        shard = self._exact[hash(value) % _SHARDS]
        return () if shard is None else shard.get(value, ())

    def touch(self, item_id: str, at: float) -> None:
        """The retention of ``item_id`` starts no earlier than ``at``."""
        late = self.late
        before = late.get(item_id)
        if before is None:
            self._noted.append(item_id)
            late[item_id] = at
        elif at > before:
            late[item_id] = at

    # -- queries ------------------------------------------------------------------------------------
    def select(self, key: Hashable | None, since: float | None, until: float | None, keep: Callable[[Item], bool],
               residual: Callable[[Item], bool] | None) -> tuple[list[Item], Iterator[Item], int]:  # fmt: skip
        """Held items matching ``keep``, then the series items in the window that pass ``residual``.

        ``key`` names a series (``None``: every account's); the third value counts those series items when no
        residual filter applies (else -1).
        """
        held = [item for item in self.held.values() if keep(item)]
        if key is None:
            parts = [series.iterate(*series.window(since, until)) for series in self.accounts.values()]
            merged = heapq.merge(*parts, key=self.c.time)
            return held, (item for item in merged if residual is None or residual(item)), -1
        series = self._series(key)
        if series is None:
            return held, iter(()), 0
        lo, hi = series.window(since, until)
        items = series.iterate(lo, hi)
        if residual is None:
            return held, items, hi - lo
        return held, (item for item in items if residual(item)), -1

    def page(self, key: Hashable | None, since: float | None, until: float | None, keep: Callable[[Item], bool],
             residual: Callable[[Item], bool] | None, offset: int, limit: int) -> list[Item]:  # fmt: skip
        held, items, counted = self.select(key, since, until, keep, residual)
        if offset < len(held):
            return [*held[offset : offset + limit], *itertools.islice(items, max(0, limit - len(held) + offset))]
        skip = offset - len(held)
        series = self._series(key) if counted >= 0 and key is not None else None
        if series is not None:  # jump straight to the page
            lo, hi = series.window(since, until)
            return series.slice(lo + skip, min(hi, lo + skip + limit))
        return list(itertools.islice(items, skip, skip + limit))

    def _series(self, key: Hashable) -> Series[Item] | None:
        return self.accounts.get(key) if isinstance(key, str) else self.series.get(key)

    def count(self, key: Hashable | None, since: float | None, until: float | None, keep: Callable[[Item], bool],
              residual: Callable[[Item], bool] | None) -> int:  # fmt: skip
        held, items, counted = self.select(key, since, until, keep, residual)
        return len(held) + (counted if counted >= 0 else sum(1 for _ in items))

    # -- retention -----------------------------------------------------------------------------------
    def purge(self, older_than: float, budget: int) -> int:
        """Forget items whose retention started at or before ``older_than``; at most ``budget`` steps."""
        work = 0
        for series in list(self.accounts.values()):
            while work < budget and (item := series.first()) is not None and series.first_time() <= older_than:
                self._take_front(series, item)
                item_id = self.c.id(item)
                kept = self.late.get(item_id, self.c.time(item))
                if kept <= older_than:
                    self._forget(item)
                else:
                    self.held[item_id] = item
                    self._held_expiry.hold(item_id, kept)
                work += 1
        work += self._held_expiry.purge(older_than, budget - work, self._held_retention, self._forget_held)
        return self._drop_notes(older_than, budget, work)

    def _held_retention(self, item_id: str) -> float | None:
        item = self.held.get(item_id)
        return None if item is None else self.late.get(item_id, self.c.time(item))

    def _forget_held(self, item_id: str) -> None:
        self._forget(self.held.pop(item_id))

    def _drop_notes(self, older_than: float, budget: int, work: int) -> int:
        """Forget the retention starts at or before ``older_than``, oldest noted first; returns the work done."""
        noted, late = self._noted, self.late
        while work < budget and noted:
            at = late.get(noted[0])
            if at is not None and at > older_than:
                break  # noted in about time order: the ones behind are later still
            item_id = noted.popleft()
            if at is not None:
                del late[item_id]
            work += 1
        return work

    def _take_front(self, series: Series[Item], item: Item) -> None:
        series.drop_first(item)
        for key in self.c.extra_keys(item):
            self.series[key].drop_first(item)

    def _forget(self, item: Item) -> None:
        self.late.pop(self.c.id(item), None)
        if self.c.exact is None:
            return
        value = self.c.exact(item)
        shard = self._shard(value)
        left = tuple(r for r in shard.get(value, ()) if r is not item)
        if left:
            shard[value] = left
        else:
            shard.pop(value, None)
