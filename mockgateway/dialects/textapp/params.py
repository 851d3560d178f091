"""Parameters of an HTTP service call: query string and form body, names in any letter case."""

from __future__ import annotations

from urllib.parse import parse_qsl

from mockgateway.dialects.base import WireRequest
from mockgateway.dialects.textapp.codes import PARAMETER_ERROR, TextAppError, refuse

CSV_FLAG = "returnCSVString"


def number_digits(value: str) -> str:
    """A number written in any of its international forms (``+44…``, ``0044…``, ``44…``, spaced or not) as
    its digits alone; anything else as it is, less its spaces."""
    text = "".join(value.split())
    return text[1:] if text.startswith("+") else text[2:] if text.startswith("00") else text


class Params:
    """Looked up case-insensitively, as the ASP.NET service does (clients send ``externallogin`` as often
    as ``externalLogin``). A name given twice has its values joined with commas, again as ASP.NET does. The query
    string wins over the form body for a name given in both."""

    def __init__(self, request: WireRequest) -> None:
        query_names = {name.lower() for name in request.query}
        form = [(name, value) for name, value in _form(request) if name.lower() not in query_names]
        values: dict[str, list[str]] = {}
        # aiohttp's query is a multidict: ``items()`` yields every value of a repeated name. Joined once at the end:
        # joining as they come copies the string so far for every repeat, seconds for a 1 MiB form of one name.
        for name, value in [*request.query.items(), *form]:
            values.setdefault(name.lower(), []).append(value)
        self._values = {key: ",".join(given) for key, given in values.items()}

    def get(self, name: str) -> str | None:
        return self._values.get(name.lower())

    def given(self, name: str) -> str | None:
        """The value, or ``None`` when it is absent or blank (TextApp treats both as missing)."""
        value = self.get(name)
        return value if value is not None and value.strip() else None

    def required(self, name: str, code: int, problem: str = "required") -> str:
        """The value; absent or blank, a refusal with ``code``, TextApp's "… missing" for the parameter."""
        value = self.given(name)
        if value is None:
            raise refuse(code, name, problem)
        return value

    def wants_csv(self) -> bool:
        """``returnCSVString``: true or false in any case; absent or empty means XML."""
        raw = (self.get(CSV_FLAG) or "").strip().lower()
        if raw not in ("", "false", "true"):
            raise refuse(366, CSV_FLAG, f"{self.get(CSV_FLAG)!r} is not true or false")
        return raw == "true"


def at_most(code: int, name: str, value: str, most: int, unit: str = "characters") -> None:
    """Refuses parameter ``name`` with ``code``, TextApp's "… too long", when ``value`` is longer than ``most``."""
    if len(value) > most:
        raise refuse(code, name, f"at most {most} {unit}")


def _form(request: WireRequest) -> list[tuple[str, str]]:
    if not request.body.strip():
        return []
    content_type = request.headers.get("Content-Type", "").lower()
    if content_type.startswith("multipart/"):
        raise refuse(
            PARAMETER_ERROR, "Content-Type", "send the parameters as application/x-www-form-urlencoded, not multipart"
        )
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise TextAppError(PARAMETER_ERROR, "form data: not UTF-8 text", field="Content-Type") from None
    return parse_qsl(text, keep_blank_values=True)
