"""The common Live Link v2 send, decoded straight into a typed struct.

Most v2 sends name their destinations, a text and at most a callback URL. msgspec decodes such a body and
checks its types in C, where ``requests.parse_v2`` reads it into a dict and checks field after field in Python.
Any other body (another field, a wrong type, a bad number or URL, a blank text) is left to ``parse_v2``, which
accepts it or names the problem as Live Link does, so every answer stays as it was; for the bodies accepted here
both give the same ``SendRequest``.
"""

from __future__ import annotations

from typing import Annotated, cast

import msgspec

from mockgateway.dialects import fields as f
from mockgateway.dialects.livelink.requests import MAX_DESTINATIONS, MAX_MESSAGE_CHARS, PROVIDER
from mockgateway.domain.model import CallbackTarget, Options, SendRequest


class CommonSend(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    message: Annotated[str, msgspec.Meta(max_length=MAX_MESSAGE_CHARS)]  # characters, as ``len`` counts them
    destination: list[str] | str  #: as the client wrote it, which the answer repeats
    callback: str | None = None


_decode = msgspec.json.Decoder(CommonSend).decode
#: The options ``parse_v2`` gives a send that sets none.
DEFAULT_OPTIONS: Options = (("api", "v2"), ("ackType", "ORDER"), ("ackTimeInGMT", True))


def decode(body: bytes) -> CommonSend | None:
    """The body as a common send; ``None`` for any other body."""
    try:
        return _decode(body)
    except msgspec.DecodeError:  # a ValidationError too
        return None


def send_request(sent: CommonSend, account: str) -> SendRequest | None:
    """The request ``parse_v2`` would give; ``None`` when it would refuse it, so that it says why."""
    written = [sent.destination] if isinstance(sent.destination, str) else sent.destination
    numbers = tuple(map(f.msisdn_or_none, written))
    callback = sent.callback
    if not sent.message.strip() or not 0 < len(numbers) <= MAX_DESTINATIONS or None in numbers:
        return None
    if callback is None or callback == "":
        callbacks: tuple[CallbackTarget, ...] = ()
    elif f.is_http_url(callback):
        callbacks = (CallbackTarget(url=callback),)
    else:
        return None
    return SendRequest(
        account=account,
        provider=PROVIDER,
        destinations=cast("tuple[str, ...]", numbers),  # no None
        text=sent.message,
        callbacks=callbacks,
        options=DEFAULT_OPTIONS,
    )
