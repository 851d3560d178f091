"""Generators of hostile input for the provider endpoints: JSON of any shape, near-valid bodies and forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

#: Drawn in place of a field: the field is left out.
ABSENT = object()

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),  # beyond 64 bits too
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", " ", "0", "-1", "+", "null", "\u0000", "é€😀", "9" * 40, "http://", "1e999"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)
form_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "0", "-1", "true", "null", "é€😀", "9" * 40, "1e999", "nan", "+33 6 12"]),
)


def near(template: Mapping[str, Any], values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """``template`` with each field kept, replaced by a drawn value, or left out; and perhaps a stray field."""
    fields = {key: st.one_of(st.just(value), values, st.just(ABSENT)) for key, value in template.items()}

    def assemble(drawn: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        kept = {key: value for key, value in drawn.items() if value is not ABSENT}
        return {**extra, **kept}

    return st.builds(assemble, st.fixed_dictionaries(fields), st.dictionaries(st.text(max_size=10), values, max_size=2))


def json_bodies(template: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Any JSON value, or the template with fields changed: both are sent as the request's JSON body."""
    return st.one_of(json_values, near(template, json_values))


def forms(template: Mapping[str, str]) -> st.SearchStrategy[dict[str, str]]:
    return st.one_of(st.dictionaries(st.text(max_size=12), form_values, max_size=6), near(template, form_values))
