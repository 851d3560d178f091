"""``sendSMSBatch.do``: one message per line of an uploaded CSV file, all under one campaign id.

Columns, as documented: ``numero``, ``message``, ``emetteur`` and (in the 3.4 example) a fourth, read as that
line's ``refClient``. An empty ``emetteur`` or ``refClient`` falls back to the request's parameter of that name.
A first line naming the columns is skipped. The file is ISO-8859-15 (UTF-8 is taken too, as for every value).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping

from mockgateway.dialects import fields as f
from mockgateway.dialects.smsmode.forms import text
from mockgateway.dialects.smsmode.requests import MAX_POST_NUMBERS, Draft, parse_http
from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.model import Account

FILE = "fichier"
MAX_LINES = MAX_POST_NUMBERS  #: our limit, as for numbers in one POST; smsmode documents none
_OPTIONAL_COLUMNS = ("emetteur", "refClient")  #: the third and fourth columns


def parse_batch(raw: bytes, params: Mapping[str, str], account: Account, campaign_id: str, now: float) -> list[Draft]:
    """Every line checked before any is sent: one bad line refuses the whole file, naming the line."""
    drafts: list[Draft] = []
    for line, cells in _rows(raw):
        if len(drafts) == MAX_LINES:
            raise f.invalid(FILE, f"has more than {MAX_LINES} lines")
        row = {**params, "numero": cells[0], "message": cells[1] if len(cells) > 1 else ""}
        row.update({name: cell for name, cell in zip(_OPTIONAL_COLUMNS, cells[2:], strict=False) if cell.strip()})
        try:
            drafts.append(parse_http(row, account.name, campaign_id, now, "POST"))
        except InvalidRequest as error:
            raise f.invalid(FILE, f"line {line}: {error.detail}") from None
        origin = drafts[-1].request.origin
        if not account.owns_origin(origin):  # the send would refuse it, after the lines before it went out
            raise f.invalid(FILE, f"line {line}: emetteur: {origin!r} is not registered to this account")
    if not drafts:
        raise f.invalid(FILE, "has no line to send (expected numero,message[,emetteur[,refClient]])")
    return drafts


def _rows(raw: bytes) -> Iterator[tuple[int, list[str]]]:
    """Non-empty CSV records with the file line each starts on; the column names' line is skipped."""
    reader = csv.reader(io.StringIO(text(raw).lstrip("\ufeff")))
    line = 1
    for cells in reader:
        first_line, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if first_line == 1 and cells[0].strip().lower() == "numero":
            continue
        yield first_line, cells
