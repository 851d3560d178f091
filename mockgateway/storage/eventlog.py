"""Notifications or MOs of every account, indexed for the pull queries and purged from the oldest end.

One ``Series`` per account plus one per extra key (such as account and status), all subsequences of the
account's series, so the row at an account's front is also at the front of each of its other series. Purging
walks the accounts' fronts. A row whose retention started later than its time (its callback was delivered
later) is set aside in ``held``, with a heap entry, out of the series; held rows are older than every row
still in a series, so a query lists them first.

A retention start can also be noted for a row already forgotten: its callback was delivered after the window
had passed it (a receiver down for longer than the window, or a backlog). Nothing would ever remove such a
note, so the notes are also queued in the order they were made and dropped once the cutoff passes them; a
note at or before the cutoff changes nothing, since the row it is for goes at that cutoff either way.

The order-id index is split into shards: a dict whose values change is put back under the garbage
collector's eye whole, and a shard of a few dozen entries is cheap to look at where 500,000 are not.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass

from mockgateway.storage.rows import Row
from mockgateway.storage.series import Series

RowFilter = Callable[[Row], bool]
_SHARDS = 16384  #: about 30 orders per shard with a million ACKs


@dataclass(frozen=True, slots=True)
class Columns:
    id: int
    account: int
    time: int
    exact: int | None  #: a column with an exact-match index (order id), if any
    extra_keys: Callable[[Row], Iterable[Hashable]]  #: further series a row belongs to


class EventLog:
    def __init__(self, columns: Columns) -> None:
        self.c = columns
        self.clear()

    def clear(self) -> None:
        self.accounts: dict[str, Series] = {}
        self.series: dict[Hashable, Series] = {}
        self._exact: list[dict[str, tuple[Row, ...]] | None] = [None] * _SHARDS
        self.held: dict[str, Row] = {}
        self.late: dict[str, float] = {}  #: retention starts later than the row's own time
        self._noted: deque[str] = deque()  #: ids of ``late``, in the order they entered it
        self._later: list[tuple[float, int, str]] = []  #: heap over held rows
        self._seq = itertools.count()

    def add(self, row: Row) -> None:
        c = self.c  # read once: every notification comes through here
        at = float(row[c.time] or 0)
        account = str(row[c.account])
        series = self.accounts.get(account)
        if series is None:  # not setdefault: that would build a Series for every row
            series = self.accounts[account] = Series()
        series.append(at, row)
        for key in c.extra_keys(row):
            series = self.series.get(key)
            if series is None:
                series = self.series[key] = Series()
            series.append(at, row)
        if c.exact is not None:
            value = str(row[c.exact])
            shard = self._shard(value)
            shard[value] = (*shard.get(value, ()), row)

    def _shard(self, value: str) -> dict[str, tuple[Row, ...]]:
        index = hash(value) % _SHARDS
        shard = self._exact[index]
        if shard is None:
            shard = self._exact[index] = {}
        return shard

    def by_exact(self, value: str) -> tuple[Row, ...]:
        """Rows whose exact-match column is ``value``, oldest first."""
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
    def select(self, key: Hashable | None, since: float | None, until: float | None, keep: RowFilter,
               residual: RowFilter | None) -> tuple[list[Row], Iterator[Row], int]:  # fmt: skip
        """Held rows matching ``keep``, then the series rows in the window that pass ``residual``.

        ``key`` names a series (``None``: every account's); the third value counts those series rows when no
        residual filter applies (else -1).
        """
        held = [row for row in self.held.values() if keep(row)]
        if key is None:
            parts = [self._rows(s, since, until) for s in self.accounts.values()]
            merged = heapq.merge(*parts, key=lambda row: float(row[self.c.time] or 0))
            return held, (row for row in merged if residual is None or residual(row)), -1
        series = self._series(key)
        if series is None:
            return held, iter(()), 0
        lo, hi = series.window(since, until)
        rows = series.iterate(lo, hi)
        if residual is None:
            return held, rows, hi - lo
        return held, (row for row in rows if residual(row)), -1

    def page(self, key: Hashable | None, since: float | None, until: float | None, keep: RowFilter,
             residual: RowFilter | None, offset: int, limit: int) -> list[Row]:  # fmt: skip
        held, rows, counted = self.select(key, since, until, keep, residual)
        if offset < len(held):
            return [*held[offset : offset + limit], *itertools.islice(rows, max(0, limit - len(held) + offset))]
        skip = offset - len(held)
        series = self._series(key) if counted >= 0 and key is not None else None
        if series is not None:  # jump straight to the page
            lo, hi = series.window(since, until)
            return series.slice(lo + skip, min(hi, lo + skip + limit))
        return list(itertools.islice(rows, skip, skip + limit))

    def _series(self, key: Hashable) -> Series | None:
        return self.accounts.get(key) if isinstance(key, str) else self.series.get(key)

    def count(self, key: Hashable | None, since: float | None, until: float | None, keep: RowFilter,
              residual: RowFilter | None) -> int:  # fmt: skip
        held, rows, counted = self.select(key, since, until, keep, residual)
        return len(held) + (counted if counted >= 0 else sum(1 for _ in rows))

    @staticmethod
    def _rows(series: Series, since: float | None, until: float | None) -> Iterator[Row]:
        lo, hi = series.window(since, until)
        return series.iterate(lo, hi)

    # -- retention -----------------------------------------------------------------------------------
    def purge(self, older_than: float, budget: int) -> int:
        """Forget rows whose retention started at or before ``older_than``; at most ``budget`` steps."""
        work = 0
        for series in list(self.accounts.values()):
            while work < budget and (row := series.first()) is not None and series.first_time() <= older_than:
                self._take_front(series, row)
                item_id = str(row[self.c.id])
                kept = self.late.get(item_id, float(row[self.c.time] or 0))
                if kept <= older_than:
                    self._forget(row)
                else:
                    self.held[item_id] = row
                    heapq.heappush(self._later, (kept, next(self._seq), item_id))
                work += 1
        while work < budget and self._later and self._later[0][0] <= older_than:
            _, _, item_id = heapq.heappop(self._later)
            work += 1
            row = self.held.get(item_id)
            if row is None:
                continue
            kept = self.late.get(item_id, float(row[self.c.time] or 0))
            if kept <= older_than:
                del self.held[item_id]
                self._forget(row)
            else:
                heapq.heappush(self._later, (kept, next(self._seq), item_id))
        return self._drop_notes(older_than, budget, work)

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

    def _take_front(self, series: Series, row: Row) -> None:
        series.drop_first(row)
        for key in self.c.extra_keys(row):
            self.series[key].drop_first(row)

    def _forget(self, row: Row) -> None:
        self.late.pop(str(row[self.c.id]), None)
        if self.c.exact is None:
            return
        value = str(row[self.c.exact])
        shard = self._shard(value)
        left = tuple(r for r in shard.get(value, ()) if r is not row)
        if left:
            shard[value] = left
        else:
            shard.pop(value, None)
