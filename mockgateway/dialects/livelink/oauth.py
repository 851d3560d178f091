"""``/api/oauth/token`` and ``/api/oauth/token/validate``: client credentials, refresh, validation."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from urllib.parse import parse_qsl

import orjson

from mockgateway.clock import to_datetime
from mockgateway.dialects.base import WireRequest, WireResponse, json_response
from mockgateway.dialects.livelink.requests import PROVIDER
from mockgateway.domain.errors import GatewayError, InvalidRequest, Unauthorized
from mockgateway.domain.state import Grant
from mockgateway.service.gateway import Gateway
from mockgateway.service.tokens import TokenExpired, TokenOfAnotherClient

SCOPE = "livelink:api livelink:pollData"


def oauth_error(status: int, error: str, description: str) -> WireResponse:
    headers = {"WWW-Authenticate": 'Basic realm="livelink"'} if status == 401 else None
    return json_response({"error": error, "error_description": description}, status, headers)


def granted(grant: Grant) -> WireResponse:
    body = {
        "access_token": grant.access_token,
        "token_type": "Bearer",
        "expires_in": round((grant.expires_at - grant.issued_at) * 1000),
        "refresh_token": grant.refresh_token,
        "refresh_expires_in": round((grant.refresh_expires_at - grant.issued_at) * 1000),
        "scope": grant.scope,
    }
    return json_response(body)


async def token(gateway: Gateway, by_key: Mapping[str, str], request: WireRequest) -> WireResponse:
    """A grant, or the refusal of one; ``by_key`` names the account of each app key."""
    response = await _grant(gateway, by_key, request)
    await gateway.saved()  # a token answered is a token that outlives a restart
    return response


async def _grant(gateway: Gateway, by_key: Mapping[str, str], request: WireRequest) -> WireResponse:
    form = _form(request.body)
    grant_type = form.get("grant_type") or request.query.get("grant_type")
    if not grant_type:
        return oauth_error(400, "invalid_request", "The parameter 'grant_type' is required")
    if grant_type not in ("client_credentials", "refresh_token"):
        return oauth_error(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")
    authorization = request.headers.get("Authorization", "")
    client = _client(gateway, by_key, authorization)  # None without an Authorization header
    if grant_type == "client_credentials":
        if client is None:
            return _bad_client()
        return granted(gateway.issue_token(by_key[client], SCOPE, client=client))
    # SAP's spec lets a refresh go without client credentials; a client that sends them is held to them.
    if authorization and client is None:
        return _bad_client()
    refresh_token = form.get("refresh_token") or request.query.get("refresh_token", "")
    try:
        return granted(await gateway.refresh_token(refresh_token, client))
    except InvalidRequest:
        return oauth_error(400, "invalid_request", "The parameter 'refresh_token' is required")
    except TokenExpired:
        return oauth_error(400, "invalid_grant", "Refresh token expired")
    except TokenOfAnotherClient:
        return oauth_error(400, "invalid_grant", "Refresh token was issued to another client")
    except Unauthorized:
        return oauth_error(400, "invalid_grant", f"Invalid refresh token: {refresh_token}")


def _client(gateway: Gateway, by_key: Mapping[str, str], authorization: str) -> str | None:
    """The app key (the OAuth client a grant is issued to) of Basic credentials whose secret is its account's."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        key, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except ValueError:  # not base64 (binascii.Error), not ASCII to decode, or not UTF-8 once decoded
        return None
    name = by_key.get(key)
    if name is None or gateway.account(name).credentials[PROVIDER]["app_secret"] != secret:
        return None
    return key


async def validate(gateway: Gateway, request: WireRequest) -> WireResponse:
    token = _token_from_body(request)
    if not token:
        return oauth_error(400, "invalid_request", "The parameter 'access_token' is required")
    try:
        grant = await gateway.authenticate(token)
    except TokenExpired as error:
        return json_response({"message": expired(error)}, 401)
    except GatewayError:
        return json_response({"message": f"access_denied: {token} is not a valid access_token"}, 401)
    remaining = round(grant.expires_at - grant.issued_at)
    message = f"token is valid, scope {grant.scope}, lifetime {remaining}s"
    return json_response({"status": "success", "messageBody": message})


def _bad_client() -> WireResponse:
    return oauth_error(401, "invalid_client", "Bad client credentials (HTTP Basic app key:secret)")


def _form(body: bytes) -> dict[str, str]:
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))  # a repeated name: its last value
    except UnicodeDecodeError:
        return {}


def _token_from_body(request: WireRequest) -> str:
    """The spec sends the token as the raw body; clients also send it as JSON or as a form field."""
    raw = request.body.strip()
    if raw.startswith((b'"', b"{")):
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return ""
        value = data.get("access_token") if isinstance(data, dict) else data
        return value if isinstance(value, str) else ""
    # A form's field, even a blank one; else the query's; else the body as it is.
    otherwise = request.query.get("access_token") or raw.decode("utf-8", "replace")
    return _form(raw).get("access_token", otherwise)


def expired(error: TokenExpired) -> str:
    """What an expired token is told, by the token validation and by every call of the API alike."""
    return f"JWT expired at {_stamp(error.expired_at)}. Current time: {_stamp(error.now)}"


def _stamp(epoch: float) -> str:
    return to_datetime(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")
