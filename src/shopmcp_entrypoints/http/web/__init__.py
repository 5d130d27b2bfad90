"""The merchant's web pages, server-rendered by the gateway's Litestar app: sign-in, workspaces,
and each workspace's connections (``/workspaces/{id}/settings/connections``; ``/settings/
connections`` leads there), keys, playbooks, writes and usage review. Plain forms and links,
no script: every action works without JavaScript. Each page calls the same functions as the
REST API (``http/api``) and is authorised by the same dependencies (sessions, CSRF, roles)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request, Response, Router, get
from litestar.exceptions import HTTPException

from shopmcp_entrypoints.http.web import (
    account_pages,
    approval_pages,
    playbook_pages,
    workspace_pages,
)
from shopmcp_entrypoints.http.web.rendering import (
    EXCEPTION_HANDLERS,
    STYLESHEET,
    http_page,
    template_config,
)

# Page routes under a workspace, as Litestar spells their paths: each declares its role.
WORKSPACE_PREFIX = "/workspaces/{workspace_id:uuid}"


@get("/static/dashboard.css", include_in_schema=False)
async def stylesheet() -> Response[bytes]:
    return Response(
        STYLESHEET.read_bytes(),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


def router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            *account_pages.ROUTES,
            *workspace_pages.ROUTES,
            *approval_pages.ROUTES,
            *playbook_pages.ROUTES,
        ],
        exception_handlers=dict(EXCEPTION_HANDLERS),
        include_in_schema=False,
    )


# Not pages: the API, the MCP endpoint, the OpenAPI document, OAuth callbacks, health.
_NOT_PAGES = ("/api/", "/mcp", "/schema", "/oauth/", "/health")


def wants_page(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith(_NOT_PAGES) and "text/html" in request.headers.get(
        "accept", ""
    )


def for_browsers(handlers: Mapping[int | type[Exception], Any]) -> dict[int | type[Exception], Any]:
    """The app's own handlers, except that a browser asking for a page no route matched (a
    mistyped address: the page router's handlers never saw it) gets the 404 page, not a
    problem document. API clients are answered as before."""
    problem = handlers[HTTPException]

    def answer(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
        return http_page(request, error) if wants_page(request) else problem(request, error)

    return {**handlers, HTTPException: answer}


__all__ = [
    "WORKSPACE_PREFIX",
    "for_browsers",
    "router",
    "stylesheet",
    "template_config",
]
