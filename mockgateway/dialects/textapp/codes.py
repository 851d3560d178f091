"""TextApp's transaction codes: what a method call answers, success or failure, always with HTTP 200."""

from __future__ import annotations

from mockgateway.domain.errors import (
    BodyTooLarge,
    Forbidden,
    GatewayError,
    InvalidRequest,
    MethodNotAllowed,
    QuotaExceeded,
    RateLimited,
    Unauthorized,
    UnknownEndpoint,
)

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


class TextAppError(InvalidRequest):
    """A refused call with the transaction code TextApp answers it with; ``detail`` names the parameter."""

    def __init__(
        self,
        tx_code: int,
        detail: str,
        *,
        field: str | None = None,
        destinations: tuple[tuple[str, int], ...] = (),
    ) -> None:
        super().__init__(detail, field=field)
        self.tx_code = tx_code
        self.destinations = destinations  #: (number, code) per destination, when the call got that far


def refuse(code: int, name: str, problem: str, *, destinations: tuple[tuple[str, int], ...] = ()) -> TextAppError:
    """The refusal of parameter ``name`` with transaction ``code``: ``"name: problem"``, naming the parameter."""
    return TextAppError(code, f"{name}: {problem}", field=name, destinations=destinations)


def describe(code: int, detail: str | None = None) -> str:
    """The published text for ``code``, followed by what exactly was wrong."""
    text = TRANSACTION_CODES.get(code, TRANSACTION_CODES[FAILURE])
    return f"{text} ({detail})" if detail else text


def transaction_for(error: GatewayError) -> tuple[int, str, int]:
    """(transaction code, description, HTTP status) for any error a call can end with."""
    if isinstance(error, UnknownEndpoint | MethodNotAllowed):
        # No method answers there: the service's own "method not found", with the HTTP status telling why.
        return METHOD_NOT_FOUND, describe(METHOD_NOT_FOUND, error.detail), error.http_status
    if isinstance(error, QuotaExceeded):
        code = INSUFFICIENT_CREDITS
    elif isinstance(error, TextAppError):
        code = error.tx_code
    elif isinstance(error, Unauthorized | Forbidden):
        code = NOT_AUTHORISED
    elif isinstance(error, RateLimited):
        code = TOO_FAST
    elif error.http_status == 503:
        code = IN_MAINTENANCE
    elif isinstance(error, InvalidRequest):
        code = PARAMETER_ERROR
    else:
        code = FAILURE
    # TextApp reports refusals in the transaction code; only the gateway failing itself, or a body larger than
    # the server reads (refused before the service sees the call), is an HTTP error.
    status = error.http_status if error.http_status >= 500 or isinstance(error, BodyTooLarge) else 200
    return code, describe(code, error.detail), status
