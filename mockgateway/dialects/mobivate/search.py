"""Query parameters of the log and opt-out searches: date range, paging and direction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from mockgateway.dialects import fields as f
from mockgateway.dialects.mobivate.wire import parse_date

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 10
DIRECTIONS = ("MO", "MT")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Search:
    """``start`` inclusive, ``end`` exclusive (a bare end date covers its whole day); pages count from 1."""

    start: float | None = None
    end: float | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    direction: str | None = None  #: None: both

    def within(self, moment: float) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)

    def slice(self, items: Sequence[T]) -> list[T]:
        first = (self.page - 1) * self.page_size
        return list(items[first : first + self.page_size])


def parse_search(query: Mapping[str, str], *, with_direction: bool = False) -> Search:
    start = _date(query, "startDate")
    end = _date(query, "endDate", end=True)
    if start is not None and end is not None and end <= start:
        raise f.invalid("endDate", "must be after startDate")
    direction = None
    if with_direction and query.get("direction", "").strip():
        direction = query["direction"].strip().upper()
        if direction not in DIRECTIONS:
            raise f.invalid("direction", f"{query['direction']!r} is not one of MO, MT")
    return Search(
        start=start,
        end=end,
        page=_integer(query, "page", 1, minimum=1, maximum=1_000_000),
        page_size=_integer(query, "pageSize", DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE),
        direction=direction,
    )


def _date(query: Mapping[str, str], name: str, *, end: bool = False) -> float | None:
    raw = query.get(name, "")
    return parse_date(raw, name, end=end) if raw.strip() else None


def _integer(query: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise f.invalid(name, f"{raw!r} is not a whole number") from None
    if not minimum <= value <= maximum:
        raise f.invalid(name, f"must be between {minimum} and {maximum}")
    return value
