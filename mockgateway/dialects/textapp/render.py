"""A method's result as TextApp writes it: XML, or a CSV string when ``returnCSVString`` is true.

XML: ``<{Method}Response><Transaction><Code/><Description/></Transaction><{Rows}>…</{Rows}></…>``, the shape
of the documented ``GetSMSReplyResponse``. CSV: the transaction code between '#' characters, then the
description, on the first line; then one line per row. Lines end in CRLF, as TextApp's other CSV answers do.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from mockgateway.dialects.base import WireResponse

#: Characters XML 1.0 cannot carry at all; a handset's reply could contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Table:
    container: str  #: e.g. "Destinations"
    item: str  #: e.g. "Destination"
    columns: tuple[str, ...]  #: e.g. ("Number", "Code")
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    root: str  #: e.g. "SendSMSResponse"
    code: int
    description: str
    table: Table | None = None
    http_status: int = 200
    #: Single values after the transaction, e.g. ("CreditLeft", "175.60"); one CSV line holds them all.
    fields: tuple[tuple[str, str], ...] = ()


def render(outcome: Outcome, *, as_csv: bool) -> WireResponse:
    if as_csv:
        return WireResponse(outcome.http_status, to_csv(outcome).encode("utf-8"), "text/plain; charset=utf-8")
    return WireResponse(outcome.http_status, to_xml(outcome).encode("utf-8"), "text/xml; charset=utf-8")


def to_xml(outcome: Outcome) -> str:
    parts = [
        f"<{outcome.root}><Transaction><Code>{outcome.code}</Code>",
        f"<Description>{_text(outcome.description)}</Description></Transaction>",
        *(f"<{name}>{_text(value)}</{name}>" for name, value in outcome.fields),
    ]
    table = outcome.table
    if table is not None:
        parts.append(f"<{table.container}>")
        for row in table.rows:
            cells = "".join(f"<{name}>{_text(value)}</{name}>" for name, value in zip(table.columns, row, strict=True))
            parts.append(f"<{table.item}>{cells}</{table.item}>")
        parts.append(f"</{table.container}>")
    parts.append(f"</{outcome.root}>")
    return "".join(parts)


def to_csv(outcome: Outcome) -> str:
    out = io.StringIO()
    out.write(f"#{outcome.code}#{_one_line(outcome.description)}\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    if outcome.fields:
        writer.writerow(value for _, value in outcome.fields)
    if outcome.table is not None:
        writer.writerows(outcome.table.rows)
    return out.getvalue()


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _one_line(value: str) -> str:
    return " ".join(value.split())
