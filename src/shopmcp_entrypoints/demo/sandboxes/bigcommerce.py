"""A BigCommerce sandbox store: a Litestar app answering every request the BigCommerce module
makes, under ``/stores/{store_hash}/v2|v3/...``, from deterministic sample data
(``bigcommerce_data``, ``bigcommerce_sales``) with the store logic in ``bigcommerce_store`` and
``bigcommerce_orders``.

- Every request needs ``X-Auth-Token`` (checked in constant time before anything else; a wrong
  one is a v3-shaped 401) and the sandbox's store hash (another is a 404).
- Errors come in each API generation's shape: ``[{status, message}]`` on v2 routes,
  ``{status, title, type, errors}`` on v3 routes. An unknown route is a 404 of that shape.
- v2 lists answer ``204 No Content`` when empty, as BigCommerce does; every answer carries the
  ``X-Rate-Limit-*`` headers.
- Writes change the store: later reads see them.

Each app has its own store; nothing is shared between apps or persisted.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from litestar import Litestar, Request, Response, route
from litestar.enums import HttpMethod, MediaType
from litestar.exceptions import HTTPException, SerializationException
from litestar.handlers import HTTPRouteHandler

from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import STORE_HASH
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_query import BigCommerceRefusal, Query
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_store import SandboxStore
from shopmcp_entrypoints.demo.sandboxes.litestar_app import sandbox_app

MINIMUM_TOKEN_LENGTH = 16
TOKEN_HEADER = "X-Auth-Token"  # noqa: S105 - a header name
RATE_LIMIT_HEADERS = {
    "X-Rate-Limit-Time-Window-Ms": "30000",
    "X-Rate-Limit-Time-Reset-Ms": "15000",
    "X-Rate-Limit-Requests-Quota": "150",
    "X-Rate-Limit-Requests-Left": "149",
}

# An action reads the store for one route: (store, path parameters, query, JSON body).
Action = Callable[[SandboxStore, dict[str, Any], Query, Any], Any]


def _answer(content: Any, status: int = 200) -> Response[Any]:
    if status == 204:
        return Response(b"", status_code=204, headers=RATE_LIMIT_HEADERS)
    return Response(
        content, status_code=status, media_type=MediaType.JSON, headers=RATE_LIMIT_HEADERS
    )


def _is_v2(request: Request[Any, Any, Any]) -> bool:
    return "/v2/" in request.url.path


def _refused(request: Request[Any, Any, Any], refusal: BigCommerceRefusal) -> Response[Any]:
    return _answer(refusal.body(_is_v2(request)), refusal.status)


def _http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    titles = {404: "The requested resource was not found.", 405: "Method not allowed."}
    title = titles.get(error.status_code, str(error.detail))
    return _refused(request, BigCommerceRefusal(error.status_code, title))


def _authenticate(token: str) -> Callable[[Request[Any, Any, Any]], Any]:
    expected = token.encode()

    async def check(request: Request[Any, Any, Any]) -> Response[Any] | None:
        presented = request.headers.get(TOKEN_HEADER, "").encode()
        if not hmac.compare_digest(presented, expected):
            refusal = BigCommerceRefusal(401, "Unauthorized: the X-Auth-Token is not valid")
            return _answer(refusal.body(v2=False), 401)
        if request.path_params.get("store_hash") != STORE_HASH:
            return _refused(request, BigCommerceRefusal(404, "No store with this store hash."))
        return None

    return check


async def _json(request: Request[Any, Any, Any]) -> Any:
    try:
        return await request.json()
    except SerializationException:
        raise BigCommerceRefusal(400, "The request body is not JSON") from None


def _handler(
    store: SandboxStore, method: str, path: str, action: Action, created: bool = False
) -> HTTPRouteHandler:
    writes = method in ("POST", "PUT")

    @route(f"/stores/{{store_hash:str}}{path}", http_method=[HttpMethod(method)])
    async def handle(request: Request[Any, Any, Any]) -> Response[Any]:
        body = await _json(request) if writes else None
        content = action(store, dict(request.path_params), Query(dict(request.query_params)), body)
        if isinstance(content, list) and not content and path.startswith("/v2/"):
            return _answer(None, 204)
        return _answer(content, 201 if created else 200)

    return handle


def _routes(store: SandboxStore) -> list[HTTPRouteHandler]:
    o = store.orders
    table: list[tuple[str, str, Action]] = [
        ("GET", "/v2/store", lambda s, p, q, b: s.store_information(q)),
        ("GET", "/v2/orders", lambda s, p, q, b: o.list_orders(q)),
        ("GET", "/v2/orders/count", lambda s, p, q, b: o.count(q)),
        (
            "GET",
            "/v2/orders/{order_id:int}",
            lambda s, p, q, b: o.get(p["order_id"], q),
        ),
        ("PUT", "/v2/orders/{order_id:int}", lambda s, p, q, b: o.update(p["order_id"], b)),
        (
            "GET",
            "/v2/orders/{order_id:int}/products",
            lambda s, p, q, b: o.products(p["order_id"], q),
        ),
        (
            "GET",
            "/v2/orders/{order_id:int}/shipping_addresses",
            lambda s, p, q, b: o.shipping_addresses(p["order_id"], q),
        ),
        (
            "GET",
            "/v2/orders/{order_id:int}/shipments",
            lambda s, p, q, b: o.order_shipments(p["order_id"], q),
        ),
        ("GET", "/v2/order_statuses", lambda s, p, q, b: o.statuses(q)),
        (
            "GET",
            "/v3/orders/{order_id:int}/payment_actions/refunds",
            lambda s, p, q, b: o.refunds(p["order_id"], q),
        ),
        ("GET", "/v3/catalog/products", lambda s, p, q, b: s.product_list(q)),
        (
            "GET",
            "/v3/catalog/products/{product_id:int}",
            lambda s, p, q, b: s.product(p["product_id"], q),
        ),
        (
            "PUT",
            "/v3/catalog/products/{product_id:int}",
            lambda s, p, q, b: s.update_product(p["product_id"], b),
        ),
        ("GET", "/v3/catalog/trees/categories", lambda s, p, q, b: s.category_list(q)),
        ("GET", "/v3/catalog/brands", lambda s, p, q, b: s.brand_list(q)),
        ("GET", "/v3/catalog/brands/{brand_id:int}", lambda s, p, q, b: s.brand(p["brand_id"], q)),
        ("GET", "/v3/inventory/items", lambda s, p, q, b: s.inventory_items(q)),
        ("GET", "/v3/inventory/locations", lambda s, p, q, b: s.location_list(q)),
        (
            "GET",
            "/v3/inventory/locations/{location_id:int}/items",
            lambda s, p, q, b: s.location_items(p["location_id"], q),
        ),
        (
            "PUT",
            "/v3/inventory/adjustments/absolute",
            lambda s, p, q, b: s.adjust(b, relative=False),
        ),
        (
            "POST",
            "/v3/inventory/adjustments/relative",
            lambda s, p, q, b: s.adjust(b, relative=True),
        ),
        ("GET", "/v3/customers", lambda s, p, q, b: s.customer_list(q)),
        ("GET", "/v2/customer_groups", lambda s, p, q, b: s.group_list(q)),
        (
            "GET",
            "/v2/customer_groups/{customer_group_id:int}",
            lambda s, p, q, b: s.group(p["customer_group_id"], q),
        ),
        (
            "GET",
            "/v3/abandoned-carts/{token:str}",
            lambda s, p, q, b: s.abandoned_cart(p["token"], q),
        ),
        ("GET", "/v3/carts/{cart_id:str}", lambda s, p, q, b: s.cart(p["cart_id"], q)),
        ("GET", "/v2/coupons", lambda s, p, q, b: s.coupon_list(q)),
        ("GET", "/v3/promotions", lambda s, p, q, b: s.promotion_list(q)),
        (
            "GET",
            "/v3/promotions/{promotion_id:int}",
            lambda s, p, q, b: s.promotion(p["promotion_id"], q),
        ),
        (
            "GET",
            "/v3/promotions/{promotion_id:int}/codes",
            lambda s, p, q, b: s.promotion_codes(p["promotion_id"], q),
        ),
    ]
    created: list[tuple[str, str, Action]] = [
        (
            "POST",
            "/v2/orders/{order_id:int}/shipments",
            lambda s, p, q, b: o.create_shipment(p["order_id"], b),
        ),
        (
            "POST",
            "/v3/orders/{order_id:int}/payment_actions/refund_quotes",
            lambda s, p, q, b: o.refund_quote(p["order_id"], b),
        ),
        (
            "POST",
            "/v3/orders/{order_id:int}/payment_actions/refunds",
            lambda s, p, q, b: o.create_refund(p["order_id"], b),
        ),
        ("POST", "/v2/coupons", lambda s, p, q, b: s.create_coupon(b)),
        ("POST", "/v3/promotions", lambda s, p, q, b: s.create_promotion(b)),
        (
            "POST",
            "/v3/promotions/{promotion_id:int}/codes",
            lambda s, p, q, b: s.create_promotion_code(p["promotion_id"], b),
        ),
    ]
    return [_handler(store, *row) for row in table] + [
        _handler(store, *row, created=True) for row in created
    ]


def create_sandbox_app(token: str, store: SandboxStore | None = None) -> Litestar:
    """An ASGI app serving one sandbox store (a fresh one by default) to ``X-Auth-Token:
    <token>`` at ``/stores/<STORE_HASH>/``."""
    if len(token) < MINIMUM_TOKEN_LENGTH:
        raise ValueError(f"use a sandbox token of at least {MINIMUM_TOKEN_LENGTH} characters")
    state = store if store is not None else SandboxStore()
    return sandbox_app(
        _routes(state),
        authenticate=_authenticate(token),
        exception_handlers={BigCommerceRefusal: _refused, HTTPException: _http_error},
        state={"store": state},
    )
