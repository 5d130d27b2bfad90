"""The dashboard REST API, ``/api/v1``: sessions, workspaces and their members, connections,
MCP keys, write opt-ins, usage review, the audit log, and the staff console. Documented by the
generated OpenAPI (``/schema/openapi.json``); every failure is an RFC 9457 problem."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler

from shopmcp_entrypoints.http.api import (
    admin,
    approvals,
    auth,
    connections,
    keys,
    playbooks,
    usage,
    workspaces,
)
from shopmcp_entrypoints.http.api.auth import ROLE_OPT, UNSAFE_METHODS, content_type

API_PREFIX = "/api/v1"
# Operations that need no session (as the OpenAPI document spells their paths).
PUBLIC_OPERATIONS = {
    ("POST", "/api/v1/auth/code"),
    ("POST", "/api/v1/auth/session"),
    ("GET", "/api/v1/platforms"),
}
WORKSPACE_PREFIX = "/api/v1/workspaces/{workspace_id:uuid}"

ROUTES: list[Any] = [
    *auth.ROUTES,
    *workspaces.ROUTES,
    *connections.ROUTES,
    *keys.ROUTES,
    *approvals.ROUTES,
    *playbooks.ROUTES,
    *usage.ROUTES,
    *admin.ROUTES,
]


async def require_json_body(request: Request[Any, Any, Any]) -> None:
    """A body sent to the API is JSON: a form or text body is refused (415) before anything
    reads it (a cross-site form cannot send JSON without a preflight)."""
    if request.method not in UNSAFE_METHODS or not request.url.path.startswith(API_PREFIX):
        return
    has_body = request.headers.get("content-length", "0") not in ("", "0") or (
        "transfer-encoding" in request.headers
    )
    if has_body and content_type(request) != "application/json":
        raise HTTPException(
            status_code=415, detail="the API takes JSON bodies (Content-Type: application/json)"
        )


def undeclared_roles(
    handlers: list[BaseRouteHandler], prefixes: tuple[str, ...] = (WORKSPACE_PREFIX,)
) -> list[str]:
    """Workspace routes (the API's, and the web pages' when their prefix is given) that
    declare no role: refused at start, so no route is ever open to every signed-in account by
    omission."""
    return sorted(
        str(path)
        for handler in handlers
        for path in handler.paths
        if str(path).startswith(prefixes)
        and ROLE_OPT not in handler.opt
        # Litestar's own OPTIONS answer (no body, no data, no session).
        and set(getattr(handler, "http_methods", ())) != {"OPTIONS"}
    )
