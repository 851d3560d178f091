"""``quick_init``: the same construction as the dataclass's own ``__init__``, only quicker."""

from __future__ import annotations

import dataclasses

import pytest

from mockgateway.domain.values import quick_init


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0
    label: str | None = None
    tags: tuple[str, ...] = ()
    z: float = dataclasses.field(default=1.5, kw_only=True)


def test_fields_defaults_and_keywords_as_declared() -> None:
    assert Point(1) == Point(x=1, y=0, label=None, tags=(), z=1.5)
    assert Point(1, 2, "a", ("t",), z=3.0) == Point(x=1, y=2, label="a", tags=("t",), z=3.0)
    assert Point(1, 2).y == 2
    with pytest.raises(TypeError):
        Point(1, 2, "a", (), 3.0)  # type: ignore[call-arg]  # z is keyword-only
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]


def test_instances_stay_frozen_hashable_and_replaceable() -> None:
    point = Point(1, label="a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    assert hash(point) == hash(Point(1, label="a"))
    assert dataclasses.replace(point, y=5) == Point(1, 5, "a")


def test_refuses_classes_it_would_construct_differently() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class WithFactory:
        items: list[int] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True, slots=True)
    class WithPostInit:
        x: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(slots=True)
    class Mutable:
        x: int

    for cls in (WithFactory, WithPostInit, Mutable):
        with pytest.raises(TypeError):
            quick_init(cls)
