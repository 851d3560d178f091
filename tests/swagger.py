"""Live Link's published OpenAPI 2.0 spec as JSON Schemas, to check our bodies against the real shapes.

OpenAPI 2.0 schema objects are draft-4 JSON Schema plus a few annotations (``example``, ``format: int32``...);
the annotations are dropped or checked by a small format checker. Validation is strict by default: every object
gets ``additionalProperties: false`` so a body that invents a key fails, as a real client's model would.

The spec lives outside the repository (``../shared``); without it every check here skips with a reason. Tests
therefore call ``assert_matches`` after their behavioural asserts, so those still run on a fresh clone.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cache
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import SHARED

SWAGGER_PATH = SHARED / "reference" / "livelink365-swagger.yaml"
MISSING_REASON = f"Live Link swagger not found at {SWAGGER_PATH} (it is kept outside the repository)"

_ANNOTATIONS = frozenset(("example", "x-example", "discriminator", "readOnly", "xml", "externalDocs"))
_FORMAT_RANGES = {"int32": 2**31, "int64": 2**63}


def have_swagger() -> bool:
    return SWAGGER_PATH.is_file()


@cache
def _definitions() -> dict[str, Any]:
    document = yaml.safe_load(SWAGGER_PATH.read_text(encoding="utf-8"))
    definitions = document["definitions"]
    assert isinstance(definitions, dict)
    return definitions


def definitions() -> dict[str, Any]:
    """The raw ``definitions`` of the spec; skips the calling test when the spec is absent."""
    if not have_swagger():
        pytest.skip(MISSING_REASON)
    return _definitions()


def definition(name: str) -> dict[str, Any]:
    found = definitions().get(name)
    if not isinstance(found, dict):
        raise KeyError(f"{name} is not a definition of the Live Link swagger")
    return found


def _convert(node: Any, strict: bool) -> Any:
    if isinstance(node, list):
        return [_convert(item, strict) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _convert(value, strict) for key, value in node.items() if key not in _ANNOTATIONS}
    if strict and converted.get("type") == "object" and "properties" in converted:
        converted.setdefault("additionalProperties", False)
    return converted


def schema_for(name: str, *, strict: bool = True, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A draft-4 JSON Schema for definition ``name``; ``extra`` adds properties the spec does not list."""
    schema: dict[str, Any] = _convert(copy.deepcopy(definition(name)), strict)
    if extra:
        schema["properties"] = {**schema["properties"], **_convert(dict(extra), strict)}
    # ``#/definitions/X`` refs resolve against this section, so the spec's refs stay as written.
    schema["definitions"] = {key: _convert(value, strict) for key, value in definitions().items()}
    schema["$schema"] = "http://json-schema.org/draft-04/schema#"
    return schema


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    for fmt, bound in _FORMAT_RANGES.items():

        def in_range(value: object, bound: int = bound) -> bool:
            return not isinstance(value, int) or isinstance(value, bool) or -bound <= value < bound

        checker.checks(fmt)(in_range)
    return checker


def errors(name: str, body: Any, *, strict: bool = True, extra: Mapping[str, Any] | None = None) -> list[str]:
    """Every way ``body`` breaks definition ``name``, as readable lines (empty when it conforms)."""
    validator = jsonschema.Draft4Validator(
        schema_for(name, strict=strict, extra=extra), format_checker=_format_checker()
    )
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(body)]


def assert_matches(name: str, body: Any, *, strict: bool = True, extra: Mapping[str, Any] | None = None) -> None:
    """Fail unless ``body`` conforms to swagger definition ``name``; skip when the spec is absent."""
    problems = errors(name, body, strict=strict, extra=extra)
    assert not problems, f"body does not match {name}: {problems}\n{body!r}"


def v1_response_extra() -> dict[str, Any]:
    """What the v1 answer adds to the ``SmsRequest`` echo the spec documents.

    The spec answers ``POST /messages`` with ``SmsRequest`` itself; we echo the request and add Live Link's
    own ``livelinkOrderIds`` (typed as in ``LiveLinkResponse``) so v1 clients can track the parts. No other
    key may be added.
    """
    return {"livelinkOrderIds": definition("LiveLinkResponse")["properties"]["livelinkOrderIds"]}


def sample_request(name: str) -> dict[str, Any]:
    """A request with every property of definition ``name`` set to a valid value taken from the spec.

    Per property: its ``example``, else its ``default``, else its first enum value, else a value of its type.
    Booleans are set to ``true`` so that every flag is exercised, not just its default.
    """
    properties: dict[str, Any] = definition(name)["properties"]
    return {key: _sample_value(prop) for key, prop in properties.items()}


def _sample_value(prop: Mapping[str, Any]) -> Any:
    kind = prop.get("type")
    if kind == "boolean":
        return True
    for key in ("example", "default"):
        if key in prop:
            return prop[key]
    if "enum" in prop:
        return prop["enum"][0]
    if kind == "integer":
        return 2**62 if prop.get("format") == "int64" else 61
    if kind == "array":
        return [_sample_value(prop["items"])]
    return "61" if kind == "string" else None


def enum_cases(name: str) -> list[Any]:
    """Parameters ``(property, value)``: every enum value of every property of ``name``.

    Read at collection time, so without the spec this is one case that skips with the reason.
    """
    if not have_swagger():
        return [pytest.param("", "", marks=pytest.mark.skip(reason=MISSING_REASON))]
    properties: dict[str, Any] = _definitions()[name]["properties"]
    return [
        pytest.param(key, value, id=f"{key}={value}")
        for key, prop in properties.items()
        for value in prop.get("enum", ())
    ]
