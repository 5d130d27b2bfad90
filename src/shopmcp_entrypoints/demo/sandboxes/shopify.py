"""A local Shopify sandbox: a Litestar app standing in for a development store's Admin GraphQL
endpoint (``shopmcp demo`` serves it over HTTPS on loopback; tests call it in process).

It is not a GraphQL server: a request is matched by the exact text of one of the documents the
Shopify module sends, and anything else is refused. Like Shopify, it checks
``X-Shopify-Access-Token`` first and answers an unknown token with a 401 whose ``errors`` is a
string, and it reports a query cost in ``extensions.cost`` on every answer.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Litestar, Request, Response, post
from litestar.enums import MediaType
from litestar.exceptions import HTTPException

from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify.client import TOKEN_HEADER
from shopmcp_entrypoints.demo.sandboxes.litestar_app import json_response, sandbox_app, token_check
from shopmcp_entrypoints.demo.sandboxes.shopify_store import SandboxShop

DEFAULT_TOKEN = "shpat_sandbox_demo_token"  # noqa: S105 - the sandbox's public demo token
_UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"
_ONLY_OUR_DOCUMENTS = "this sandbox answers only ShopMCP's fixed documents"
_COST = {
    "requestedQueryCost": 10,
    "actualQueryCost": 4,
    "throttleStatus": {
        "maximumAvailable": 2000.0,
        "currentlyAvailable": 1996.0,
        "restoreRate": 100.0,
    },
}


def _unauthorized() -> Response[Any]:
    return json_response({"errors": _UNAUTHORIZED}, 401)


def _not_routed(_: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    # Another path or method: a bare status line (with ``Allow`` on a 405), as before the GraphQL
    # endpoint is reached.
    return Response(
        error.detail,
        status_code=error.status_code,
        media_type=MediaType.TEXT,
        headers=error.headers,
    )


def create_sandbox_app(
    access_token: str = DEFAULT_TOKEN, shop: SandboxShop | None = None
) -> Litestar:
    """The sandbox app. ``shop`` holds its state (a fresh sample store by default)."""
    state = shop if shop is not None else SandboxShop()

    @post(docs.GRAPHQL_PATH)
    async def graphql(request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return json_response({"errors": "Bad Request"}, 400)
        document = body.get("query") if isinstance(body, dict) else None
        variables = body.get("variables") if isinstance(body, dict) else None
        resolver = state.resolvers.get(document) if isinstance(document, str) else None
        if resolver is None or not isinstance(variables, dict):
            return json_response({"errors": [{"message": _ONLY_OUR_DOCUMENTS}]}, 400)
        return json_response({"data": resolver(variables), "extensions": {"cost": _COST}})

    return sandbox_app(
        [graphql],
        authenticate=token_check(TOKEN_HEADER, access_token, _unauthorized),
        exception_handlers={404: _not_routed, 405: _not_routed},
        state={"shop": state},
    )
