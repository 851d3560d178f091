"""The contract between the HTTP layer and a provider dialect, free of any web framework."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

import msgspec
import orjson

from mockgateway.domain.errors import GatewayError
from mockgateway.domain.model import Account, CallbackTarget, HttpCall, Message, MoMessage, Notification


class WireRequest(Protocol):
    """A provider request as a dialect reads it. The HTTP layer reads each part from the web framework's request
    only when a handler asks for it: the common send reads the headers and the body alone."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def query(self) -> Mapping[str, str]: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def body(self) -> bytes: ...

    @property
    def params(self) -> Mapping[str, str]: ...  # the path parameters

    @property
    def raw_query(self) -> str: ...  # as sent, still percent-encoded: for APIs whose values are not UTF-8


# A struct rather than a frozen dataclass: one is made per request, and a struct's __init__ is C code (a frozen
# dataclass sets each field through object.__setattr__).
class WireResponse(msgspec.Struct, frozen=True):
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] | None = None


def json_response(body: object, status: int = 200, headers: Mapping[str, str] | None = None) -> WireResponse:
    return WireResponse(status, orjson.dumps(body), headers=headers)


Handler = Callable[[WireRequest], Awaitable[WireResponse]]


def retry_after(error: GatewayError) -> dict[str, str] | None:
    """The ``Retry-After`` header of an error that asks the client to wait (a 429 or 503), else none."""
    return None if error.retry_after is None else {"Retry-After": str(error.retry_after)}


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    handler: Handler


class Dialect(Protocol):
    name: str
    #: The first segments of the provider's paths (``/api``): any other path or method under them is answered
    #: in the provider's error format, as the provider would, rather than by the web server's plain text.
    path_roots: tuple[str, ...]

    def endpoints(self) -> Sequence[Endpoint]: ...

    def render_error(self, error: GatewayError) -> WireResponse: ...  # in the provider's own error format


def logins(accounts: Iterable[Account], provider: str, credential: str) -> dict[str, str]:
    """Account names by their ``provider`` ``credential`` (a key, a login); the account itself is looked up per
    request, as its callbacks may change."""
    return {
        str(account.credentials[provider][credential]): account.name
        for account in accounts
        if credential in account.credentials.get(provider, {})
    }


# -- callback requests, as the dialects address them to a customer's target -------------------------------------
@dataclass(frozen=True, slots=True)
class ModuleCallbacks:
    """A dialect's callback requests, the part of it the engine is given, when rendering them needs no gateway nor
    memory: its callbacks module's functions themselves, which the engine calls once per notification with no
    wrapper between."""

    provider: str
    status_calls: Callable[[Message, Notification, Account], list[HttpCall]]
    mo_calls: Callable[[MoMessage, Account, Message | None], list[HttpCall]]


def json_post(target: CallbackTarget, body: bytes) -> HttpCall:
    return HttpCall(method="POST", url=target.url, body=body, content_type="application/json", oauth2=target.oauth2)


def query_get(target: CallbackTarget, query: Mapping[str, str] | Sequence[tuple[str, str]]) -> HttpCall:
    """A GET of ``target``'s address with ``query`` added to any query string the customer's URL already has.
    ``urlencode`` writes a space as '+' and a '+' as %2B, as the providers' own examples do."""
    url = target.url
    if "?" not in url:
        url += "?"
    elif not url.endswith(("?", "&")):
        url += "&"
    return HttpCall(method="GET", url=url + urlencode(query), body=b"", content_type=None, oauth2=target.oauth2)
