"""``GET /oauth/{platform}/callback``: where Xero and Google send the merchant's browser back
after the consent screen, with ``code`` and ``state`` (or ``error``).

The state is verified and its flow consumed exactly once, the code exchanged, and the store
connected (see :mod:`shopmcp_domain.services.oauth`). The answer is a small HTML page saying
what happened, errors included; it never holds the code, a token or the state, and nothing here
logs them (the access log drops query strings). The page is not cached, not framed, sends no
referrer (the address bar still holds the code) and loads nothing.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import FromPath

from shopmcp_domain.errors import (
    InternalError,
    OAuthFlowRefused,
    ShopMcpError,
)
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.oauth_connect import OAuthConnector
from shopmcp_entrypoints.shopify_connect import ShopifyInstalls

logger = logging.getLogger("shopmcp.oauth")

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}


def page(title: str, message: str, status: int = 200) -> Response[str]:
    body = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>ShopMCP: {html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>\n"
    )
    return Response(body, status_code=status, media_type=MediaType.HTML, headers=PAGE_HEADERS)


class AmbiguousParameter(ValueError):
    pass


def _single(request: Request[Any, Any, Any], name: str) -> str | None:
    values = request.query_params.getall(name, [])
    if len(values) > 1:
        raise AmbiguousParameter(name)
    return values[0] if values else None


@get("/oauth/{platform:str}/callback", include_in_schema=False)
async def oauth_callback(
    platform: FromPath[str],
    request: Request[Any, Any, Any],
    oauth_connector: NamedDependency[OAuthConnector],
    shopify_installs: NamedDependency[ShopifyInstalls | None],
) -> Response[str]:
    try:
        state, code, error = (_single(request, n) for n in ("state", "code", "error"))
        if (
            platform == Platform.SHOPIFY.value
            and shopify_installs is not None
            and shopify_installs.app is not None
        ):
            # Shopify signs the whole query (hmac): every parameter, as sent, is checked.
            # Without an app configured there is no Shopify callback: it reads as any
            # platform without an OAuth provider (404).
            query = list(request.query_params.multi_items())
            completed = await shopify_installs.complete(query)
        else:
            completed = await oauth_connector.complete(
                platform, state=state, code=code, error=error
            )
    except AmbiguousParameter:
        return page("Not connected", "the callback carried a parameter twice", 400)
    except ShopMcpError as refusal:
        reason = refusal.reason.value if isinstance(refusal, OAuthFlowRefused) else refusal.code
        logger.info("oauth callback refused: platform=%.40s reason=%s", platform, reason)
        if isinstance(refusal, InternalError):
            return page("Not connected", "something failed inside the gateway", 500)
        return page("Not connected", refusal.message, refusal.http_status)
    except Exception as failure:
        # The type only: an exception's text could hold what the request carried.
        logger.error("oauth callback failed: platform=%.40s %s", platform, type(failure).__name__)
        return page("Not connected", "something failed inside the gateway", 500)
    connection = completed.connection
    logger.info(
        "oauth callback connected: platform=%s flow=%s connection=%s",
        connection.platform.value,
        completed.flow.id,
        connection.id,
    )
    name = (
        "Shopify"
        if connection.platform is Platform.SHOPIFY
        else oauth_connector.client(connection.platform).provider.display_name
    )
    return page(
        "Connected",
        f"{name}: {connection.display_name} is connected to your ShopMCP workspace. "
        "You can close this window.",
    )
