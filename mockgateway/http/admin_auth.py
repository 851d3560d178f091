"""The admin token: with ``--admin-token`` set, every ``/__admin`` route but the health check asks for it.

The UI's page, its static files and the OpenAPI document stay open: they hold no data, and a browser cannot
send a bearer token when it opens a page. The page asks for the token once, keeps it for the tab, and sends it
with every call.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from mockgateway.domain.errors import Unauthorized
from mockgateway.http.keys import SETTINGS

#: Routes open to anyone: the health check (for load balancers and container probes), the UI's files and the
#: OpenAPI document (they describe the API and hold no data).
PUBLIC_PATHS = frozenset(
    {"/", "/__admin/health", "/__admin/openapi.json", "/__admin/ui", "/__admin/ui/", "/__admin/ui/{name}"}
)
CHALLENGE = 'Bearer realm="mockgateway admin"'


class AdminUnauthorized(Unauthorized):
    message = "this gateway's admin API needs its token: send 'Authorization: Bearer <token>'"


def check_admin_token(request: web.Request) -> None:
    """Raise ``AdminUnauthorized`` unless the request carries the configured token (or none is configured)."""
    expected = request.app[SETTINGS].admin_token
    if expected is None:
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # compare_digest: the time taken does not tell how many leading characters were right.
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise AdminUnauthorized()
