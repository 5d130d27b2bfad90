"""The merchant's web pages, server-rendered by the gateway's Litestar app: sign-in, workspaces,
and each workspace's connections (``/workspaces/{id}/settings/connections``; ``/settings/
connections`` leads there), keys, writes and usage review. Plain forms and links, no script:
every action works without JavaScript. Each page calls the same functions as the REST API
(``http/api``) and is authorised by the same dependencies (sessions, CSRF, roles)."""

from __future__ import annotations

from litestar import Response, Router, get

from shopmcp_entrypoints.http.web import account_pages, workspace_pages
from shopmcp_entrypoints.http.web.rendering import (
    EXCEPTION_HANDLERS,
    STYLESHEET,
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
        route_handlers=[*account_pages.ROUTES, *workspace_pages.ROUTES],
        exception_handlers=dict(EXCEPTION_HANDLERS),
        include_in_schema=False,
    )


__all__ = ["WORKSPACE_PREFIX", "router", "stylesheet", "template_config"]
