"""TextApp's answers: the transaction code a method call answers with, success or failure, always with HTTP 200,
and its result written as XML, or as a CSV string when ``returnCSVString`` is true.

XML: ``<{Method}Response><Transaction><Code/><Description/></Transaction><{Rows}>…</{Rows}></…>``, the shape
of the documented ``GetSMSReplyResponse``. CSV: the transaction code between '#' characters, then the
description, on the first line; then one line per row. Lines end in CRLF, as TextApp's other CSV answers do.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from mockgateway.dialects.base import WireResponse
from mockgateway.domain import errors

PROVIDER = "textapp"

OK = 1
FAILURE = 2
NO_RESULT = 3
TOO_FAST = 5
IN_MAINTENANCE = 6
NOT_AUTHORISED = 201
INSUFFICIENT_CREDITS = 204
METHOD_NOT_FOUND = 365
WRONG_DESTINATION = 361
PARAMETER_ERROR = 399

#: The published table (developer.textapp.net, Transaction Codes), word for word.
TRANSACTION_CODES: dict[int, str] = {
    0: "Authentication succeeded",
    1: "Transaction OK",
    2: "Transaction failure reason unknown",
    3: "Transaction returns no result",
    4: "Transaction returns too many results",
    5: "Amount of transactions per second exceeded",
    6: "Method in maintenance",
    200: "Account not found",
    201: "User not authorised",
    202: "IP address not found",
    203: "Account suspended",
    204: "Insufficient credits",
    205: "Credits threshold reached",
    301: "External login missing",
    302: "Password missing",
    303: "Client billing reference missing",
    304: "Client message reference missing",
    305: "Originator missing",
    306: "Destination missing",
    307: "Body missing",
    308: "Reply data missing",
    309: "Inbound service number missing",
    310: "Premium inbound service shortcode missing",
    311: "Validity is missing",
    312: "ID(s) missing",
    313: "Character set missing",
    314: "Reply method missing",
    315: "RBID missing",
    330: "Client billing reference too long",
    331: "Client message reference too long",
    332: "Originator too long",
    333: "Too many destinations",
    334: "Body too long",
    335: "Inbound service number too long",
    336: "Inbound service keyword too long",
    360: "Originator in wrong format - please see the parameter ReplyMethodID",
    361: "Destination in wrong format",
    362: "Validity out of range",
    363: "Character set not found",
    364: "Reply method not found",
    365: "Method not found",
    366: "Return CSV String not found",
    399: "Unknown error in processing the parameters",
}


class TextAppError(errors.InvalidRequest):
    """A refused call with the transaction code TextApp answers it with; ``detail`` names the parameter."""

    def __init__(self, tx_code: int, detail: str, *, field: str | None = None, table: Table | None = None) -> None:
        super().__init__(detail, field=field)
        self.tx_code = tx_code
        self.table = table  #: the destinations, when the call got that far


def refuse(code: int, name: str, problem: str, *, table: Table | None = None) -> TextAppError:
    """The refusal of parameter ``name`` with transaction ``code``: ``"name: problem"``, naming the parameter."""
    return TextAppError(code, f"{name}: {problem}", field=name, table=table)


def failure(error: errors.GatewayError) -> Outcome:
    """The answer to any error a call can end with."""
    if isinstance(error, errors.UnknownEndpoint | errors.MethodNotAllowed):
        # No method answers there: the service's own "method not found", with the HTTP status telling why.
        return Outcome(code=METHOD_NOT_FOUND, detail=error.detail, http_status=error.http_status)
    if isinstance(error, errors.QuotaExceeded):
        code = INSUFFICIENT_CREDITS
    elif isinstance(error, TextAppError):
        code = error.tx_code
    elif isinstance(error, errors.Unauthorized | errors.Forbidden):
        code = NOT_AUTHORISED
    elif isinstance(error, errors.RateLimited):
        code = TOO_FAST
    elif error.http_status == 503:
        code = IN_MAINTENANCE
    elif isinstance(error, errors.InvalidRequest):
        code = PARAMETER_ERROR
    else:
        code = FAILURE
    # TextApp reports refusals in the transaction code; only the gateway failing itself, or a body larger than
    # the server reads (refused before the service sees the call), is an HTTP error.
    status = error.http_status if error.http_status >= 500 or isinstance(error, errors.BodyTooLarge) else 200
    table = error.table if isinstance(error, TextAppError) else None
    return Outcome(code=code, detail=error.detail, table=table, http_status=status)


#: Characters XML 1.0 cannot carry at all; a handset's reply could contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Table:
    container: str  #: e.g. "Destinations"
    item: str  #: e.g. "Destination"
    columns: tuple[str, ...]  #: e.g. ("Number", "Code")
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    code: int = OK
    detail: str | None = None  #: what exactly was wrong, after the code's published text
    table: Table | None = None
    http_status: int = 200
    #: Single values after the transaction, e.g. CreditLeft: 175.60; one CSV line holds them all.
    fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str:
        text = TRANSACTION_CODES.get(self.code, TRANSACTION_CODES[FAILURE])
        return f"{text} ({self.detail})" if self.detail else text


def render(root: str, outcome: Outcome, *, as_csv: bool) -> WireResponse:
    """``outcome`` as the answer ``root`` (e.g. ``SendSMSResponse``) names in XML."""
    text, kind = (to_csv(outcome), "text/plain") if as_csv else (to_xml(root, outcome), "text/xml")
    return WireResponse(outcome.http_status, text.encode("utf-8"), f"{kind}; charset=utf-8")


def to_xml(root: str, outcome: Outcome) -> str:
    transaction = _elements([("Code", str(outcome.code)), ("Description", outcome.description)])
    parts = [f"<{root}><Transaction>{transaction}</Transaction>", _elements(outcome.fields.items())]
    table = outcome.table
    if table is not None:
        rows = (f"<{table.item}>{_elements(zip(table.columns, row, strict=True))}</{table.item}>" for row in table.rows)
        parts.append(f"<{table.container}>{''.join(rows)}</{table.container}>")
    parts.append(f"</{root}>")
    return "".join(parts)


def to_csv(outcome: Outcome) -> str:
    out = io.StringIO()
    out.write(f"#{outcome.code}#{' '.join(outcome.description.split())}\r\n")  # on one line
    writer = csv.writer(out, lineterminator="\r\n")
    if outcome.fields:
        writer.writerow(outcome.fields.values())
    if outcome.table is not None:
        writer.writerows(outcome.table.rows)
    return out.getvalue()


def _elements(pairs: Iterable[tuple[str, str]]) -> str:
    """Each (name, text) pair as an element, its text less what XML cannot carry, escaped."""
    return "".join(f"<{name}>{escape(_NOT_XML.sub('', text))}</{name}>" for name, text in pairs)
