"""Errors raised by the core; each dialect renders them in its provider's own format."""

from __future__ import annotations


class GatewayError(Exception):
    """Base of every error a client may see. Dialects map ``code`` to their wire codes."""

    code = "internal_error"
    http_status = 500
    message = "internal error"

    def __init__(self, message: str | None = None, *, field: str | None = None, retry_after: int | None = None) -> None:
        self.detail = message or self.message
        self.field = field
        #: Whole seconds the client is asked to wait before trying again (``Retry-After``), when it is told.
        self.retry_after = retry_after
        super().__init__(self.detail)


class InvalidRequest(GatewayError):
    code = "invalid_request"
    http_status = 400
    message = "invalid request"


class OptOutListFull(InvalidRequest):
    """An account's opt-out list holds the most numbers it may (``limits.MAX_OPT_OUTS``): a 400 whose message
    says so, as every provider words a refused request."""

    code = "opt_out_list_full"

    def __init__(self, most: int) -> None:
        super().__init__(f"the account's opt-out list holds {most} numbers, the most it keeps: delete some first")


class BodyTooLarge(InvalidRequest):
    """The request body is over the size the gateway reads; each provider answers it in its own format, as 413."""

    code = "body_too_large"
    http_status = 413
    message = "the request body is too large"


class Unauthorized(GatewayError):
    code = "unauthorized"
    http_status = 401
    message = "authentication failed"


class Forbidden(GatewayError):
    code = "forbidden"
    http_status = 403
    message = "forbidden"


class NotFound(GatewayError):
    code = "not_found"
    http_status = 404
    message = "not found"


class UnknownEndpoint(NotFound):
    """Nothing is served at this path of a provider's API."""


class MethodNotAllowed(GatewayError):
    """The path exists, but not for this HTTP method."""

    code = "method_not_allowed"
    http_status = 405
    message = "method not allowed"


class QuotaExceeded(GatewayError):
    """The account's allowance is used up (stored messages); each provider answers as for an account out of credit."""

    code = "quota_exceeded"
    http_status = 402
    message = "the account's message allowance is used up"


class Conflict(GatewayError):
    code = "conflict"
    http_status = 409
    message = "conflict"


class RateLimited(GatewayError):
    code = "rate_limited"
    http_status = 429
    message = "too many requests"


class ProviderFailure(GatewayError):
    """The provider itself failed (a scenario asked for a 5xx): 500, or 502, 503, 504 from in front of it."""

    code = "provider_failure"
    http_status = 500
    message = "internal server error"

    def __init__(self, message: str | None = None, *, status: int = 500, retry_after: int | None = None) -> None:
        super().__init__(message, retry_after=retry_after)
        self.http_status = status


class Unavailable(GatewayError):
    """503: the gateway cannot serve this now; the client is asked to try again in a second."""

    http_status = 503

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, retry_after=1)


class StoreUnavailable(Unavailable):
    """The store cannot be reached now (its server is down, restarting or loading): try again shortly."""

    code = "store_unavailable"
    message = "the message store is unavailable, try again shortly"


class ShuttingDown(Unavailable):
    """The gateway is stopping: a request parked on it (a wait, a send's latency) is answered now, not kept."""

    code = "shutting_down"
    message = "the gateway is shutting down, try again shortly"


class ReplicaTimeout(GatewayError):
    """Another gateway process sharing the store did not finish its part (of a clock advance) in time."""

    code = "replica_timeout"
    http_status = 504
    message = "another gateway replica did not answer in time"


class ConfigError(Exception):
    """A configuration or scenario file is unusable; the message names file, key and problem."""
