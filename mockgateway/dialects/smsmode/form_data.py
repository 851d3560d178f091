"""``multipart/form-data`` bodies (RFC 7578), read in one pass: each part's name, its bytes and whether it is a file.

Python's ``email`` parser, used before, reads MIME mail: folded headers, encoded words, RFC 2231 parameter
continuations, transfer encodings and multiparts nested in parts. It does so in time that grows with the square of
a header's length, so one 1 MiB request held the event loop for minutes, and it recurses into nested multiparts
until a thousand levels raise RecursionError. Form data has none of these (RFC 7578 §4.7: no transfer encoding;
§4.3: no nested multipart): here a part's headers are lines, of which only ``Content-Disposition`` is read, and a
part's bytes are taken as sent.
"""

from __future__ import annotations

import re

from mockgateway.dialects.smsmode import wire

#: A ``; name=value`` parameter, the value a quoted string (with backslash escapes) or a token.
_PARAM = re.compile(r';\s*([^\s=;"]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
_ESCAPED = re.compile(r"\\(.)")


def parameters(header: str) -> dict[str, str]:
    """The parameters of a header value such as ``form-data; name="numero"``, by lower-case name."""
    found: dict[str, str] = {}
    for match in _PARAM.finditer(header):
        value = match.group(2).strip()
        if value.startswith('"') and value.endswith('"') and len(value) > 1:
            value = _ESCAPED.sub(r"\1", value[1:-1])
        found[match.group(1).lower()] = value
    return found


def parts(content_type: str, body: bytes) -> dict[str, tuple[bytes, bool]]:
    """Each named part's bytes and whether it is a file (it has a ``filename``); a name given twice: its last part.
    None at all when ``content_type`` names no boundary."""
    boundary = parameters(content_type).get("boundary", "")
    if not boundary:
        return {}
    found: dict[str, tuple[bytes, bool]] = {}
    # A delimiter starts a line: the CRLF before it belongs to it, not to the part it ends.
    pieces = (b"\n" + body).split(b"\n--" + boundary.encode("utf-8", "surrogateescape"))
    for piece in pieces[1:]:  # the first is the preamble
        if piece.startswith(b"--"):  # the close delimiter
            break
        _, _, part = piece.partition(b"\n")  # past the delimiter line's end (and any padding on it)
        named = _named(part.removesuffix(b"\r"))
        if named is not None:
            found[named[0]] = named[1:]
    return found


def _named(part: bytes) -> tuple[str, bytes, bool] | None:
    """A part's name, bytes and whether it is a file; None for a part without a name."""
    head, blank, content = part.partition(b"\r\n\r\n")
    if not blank:
        head, blank, content = part.partition(b"\n\n")
    if not blank:  # a part with headers and no body, or neither: nothing to read
        return None
    for line in head.split(b"\n"):
        field, _, value = line.partition(b":")
        if field.strip().lower() == b"content-disposition":
            params = parameters(wire.decode(value))
            name = params.get("name")
            return None if name is None else (name, content, "filename" in params)
    return None
