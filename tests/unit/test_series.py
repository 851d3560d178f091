"""The in-memory store's time index: chunked rows, removal from the front, a clock that steps back."""

from __future__ import annotations

from mockgateway.storage.series import CHUNK, Series

Row = tuple[str, float]


def row(i: int) -> Row:
    return (f"r{i}", float(i))


def filled(count: int) -> Series:
    series = Series()
    for i in range(count):
        series.append(float(i), row(i))
    return series


def ids(rows: list[Row]) -> list[object]:
    return [r[0] for r in rows]


def test_windows_and_slices_cross_chunk_boundaries() -> None:
    series = filled(3 * CHUNK + 10)
    lo, hi = series.window(CHUNK - 2.0, CHUNK + 1.0)
    assert ids(series.slice(lo, hi)) == [f"r{i}" for i in range(CHUNK - 2, CHUNK + 2)]
    assert series.window(None, None) == (0, 3 * CHUNK + 10)
    assert ids(series.slice(3 * CHUNK + 8, 3 * CHUNK + 10)) == [f"r{3 * CHUNK + 8}", f"r{3 * CHUNK + 9}"]


def test_rows_leave_from_the_front_and_positions_stay_right_after_compaction() -> None:
    total = 6 * CHUNK
    series = filled(total)
    rows = list(series.iterate(0, total))
    for r in rows[: 5 * CHUNK + 3]:
        assert series.first() is r
        series.drop_first(r)
    assert len(series) == total - 5 * CHUNK - 3
    assert series.first() == row(5 * CHUNK + 3)
    assert series.first_time() == 5 * CHUNK + 3
    lo, hi = series.window(0.0, 5 * CHUNK + 5.0)
    assert ids(series.slice(lo, hi)) == [f"r{5 * CHUNK + 3}", f"r{5 * CHUNK + 4}", f"r{5 * CHUNK + 5}"]
    series.append(float(total), row(total))
    lo, hi = series.window(float(total - 1), None)
    assert ids(series.slice(lo, hi)) == [f"r{total - 1}", f"r{total}"]


def test_a_clock_step_back_keeps_the_index_sorted() -> None:
    series = filled(5)
    series.append(2.5, ("late", 2.5))  # the system clock went back: filed at the latest time seen
    assert list(series.times) == [0.0, 1.0, 2.0, 3.0, 4.0, 4.0]
    lo, hi = series.window(4.0, 4.0)
    assert ids(series.slice(lo, hi)) == ["r4", "late"]


def test_removing_a_row_that_is_not_first_still_works() -> None:
    series = filled(CHUNK + 5)
    target = next(r for r in series.iterate(0, CHUNK + 5) if r[0] == "r7")
    series.drop_first(target)
    assert len(series) == CHUNK + 4
    assert "r7" not in ids(series.slice(0, len(series)))
    assert ids(series.slice(6, 8)) == ["r6", "r8"]
    assert series.first() == row(0)
