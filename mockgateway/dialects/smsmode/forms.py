"""Parameters of the HTTP API 1.6: query string, urlencoded or multipart form, in UTF-8 or ISO-8859-15.

smsmode asks for ``message`` in ISO-8859-15 (its samples run ``iconv UTF-8 → ISO-8859-15`` before
``urlencode``) while Unicode messages (``classe_msg=9``) come in UTF-8. Each value's bytes are therefore
read as UTF-8 first and, when they are not valid UTF-8, as ISO-8859-15.
"""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import unquote_to_bytes

from mockgateway.dialects.base import WireRequest


def text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("iso-8859-15")


def request_params(request: WireRequest) -> dict[str, str]:
    """Query and form parameters together; a form value wins over a query value of the same name."""
    raw_query = request.raw_query.encode("utf-8", "surrogateescape")
    params = decode_pairs(raw_query) if raw_query else dict(request.query)
    if request.body:
        content_type = request.headers.get("Content-Type", "")
        if content_type.lower().startswith("multipart/form-data"):
            params.update(multipart(content_type, request.body))
        elif "json" not in content_type.lower():
            params.update(decode_pairs(request.body))
    return params


def decode_pairs(raw: bytes) -> dict[str, str]:
    """``a=1&b=caf%E9`` → ``{"a": "1", "b": "café"}``; the last of repeated names wins."""
    params: dict[str, str] = {}
    for piece in raw.split(b"&"):
        if not piece.strip():
            continue
        key, _, value = piece.partition(b"=")
        params[_unquote(key).strip()] = _unquote(value)
    return params


def _unquote(raw: bytes) -> str:
    return text(unquote_to_bytes(raw.replace(b"+", b" ")))


def multipart(content_type: str, body: bytes) -> dict[str, str]:
    """``multipart/form-data`` fields (what PHP's curl sends for an array of fields); files are ignored."""
    return {name: text(payload) for name, (payload, is_file) in _parts(content_type, body).items() if not is_file}


def uploaded(request: WireRequest, name: str) -> bytes | None:
    """The bytes of the ``multipart/form-data`` part ``name``, a file or a plain field; None without one."""
    content_type = request.headers.get("Content-Type", "")
    if not request.body or not content_type.lower().startswith("multipart/form-data"):
        return None
    part = _parts(content_type, request.body).get(name)
    return part[0] if part else None


def _parts(content_type: str, body: bytes) -> dict[str, tuple[bytes, bool]]:
    """Each part's bytes by name, and whether it is a file."""
    document = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body
    )
    parts: dict[str, tuple[bytes, bool]] = {}
    if not document.is_multipart():
        return parts
    for part in document.walk():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            parts[name] = (payload, part.get_filename() is not None)
    return parts
