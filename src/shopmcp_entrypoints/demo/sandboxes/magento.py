"""A Magento sandbox store: a Litestar app answering every request the Magento module makes,
from realistic in-memory sample data, in the admin REST API's shapes (2.4.9).

- ``/rest/V1/...`` and ``/rest/<store_code>/V1/...`` (``all``, ``default``, ...) both route.
- Every request needs ``Authorization: Bearer <token>`` (OAuth 1.0a signing is not emulated).
- Errors use Magento's ``{message, parameters}`` body; an unknown route or method is Magento's
  404 "Request does not match any route.".

Each app has its own store; nothing is shared between apps or persisted.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, Response, get, put
from litestar.exceptions import MethodNotAllowedException, NotFoundException, SerializationException
from litestar.params import FromPath

from shopmcp_entrypoints.demo.sandboxes.litestar_app import json_response, sandbox_app, token_check
from shopmcp_entrypoints.demo.sandboxes.magento_store import (
    NO_ROUTE,
    MagentoRefusal,
    SandboxStore,
    search,
)

MINIMUM_TOKEN_LENGTH = 16


def _paths(suffix: str) -> list[str]:
    return [f"/rest/V1{suffix}", f"/rest/{{store_code:str}}/V1{suffix}"]


def _answer(refusal: MagentoRefusal) -> Response[Any]:
    return json_response(refusal.body(), refusal.status)


def _refused(_: Request[Any, Any, Any], refusal: MagentoRefusal) -> Response[Any]:
    return _answer(refusal)


def _not_routed(_: Request[Any, Any, Any], __: Exception) -> Response[Any]:
    return _answer(MagentoRefusal(404, NO_ROUTE))


def _unauthorized() -> Response[Any]:
    message = "The consumer isn't authorized to access %resources."
    return _answer(MagentoRefusal(401, message, {"resources": "Magento_Backend::admin"}))


def create_sandbox_app(token: str) -> Litestar:
    """An ASGI app serving one fresh sandbox store, answering only ``Bearer <token>``."""
    if len(token) < MINIMUM_TOKEN_LENGTH:
        raise ValueError(f"use a sandbox token of at least {MINIMUM_TOKEN_LENGTH} characters")
    store = SandboxStore()

    @get(_paths("/store/storeConfigs"), sync_to_thread=False)
    def store_configs() -> Response[Any]:
        return json_response(store.store_configs)

    @get(_paths("/orders"), sync_to_thread=False)
    def orders(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(store.orders, request.scope["query_string"]))

    @get(_paths("/orders/{order_id:int}"), sync_to_thread=False)
    def order(order_id: FromPath[int]) -> Response[Any]:
        return json_response(store.order(order_id))

    @get(_paths("/products"), sync_to_thread=False)
    def products(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(store.products, request.scope["query_string"]))

    @get(_paths("/products/{sku:str}"), sync_to_thread=False)
    def product(sku: FromPath[str]) -> Response[Any]:
        return json_response(store.product(sku))

    @put(_paths("/products/{sku:str}"), status_code=200)
    async def update_product(sku: FromPath[str], request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            body = await request.json()
        except SerializationException:
            raise MagentoRefusal(
                400, "Decoding error: %1", ["the request body is not JSON"]
            ) from None
        return json_response(store.update_product(sku, body))

    @get(_paths("/configurable-products/{sku:str}/children"), sync_to_thread=False)
    def children(sku: FromPath[str]) -> Response[Any]:
        return json_response(store.children(sku))

    @get(_paths("/inventory/source-items"), sync_to_thread=False)
    def source_items(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(store.source_items, request.scope["query_string"]))

    @get(_paths("/customers/search"), sync_to_thread=False)
    def customers(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(store.search_customers(request.scope["query_string"]))

    @get(_paths("/customers/{customer_id:int}"), sync_to_thread=False)
    def customer(customer_id: FromPath[int]) -> Response[Any]:
        return json_response(store.customer(customer_id))

    @get(_paths("/creditmemos"), sync_to_thread=False)
    def credit_memos(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(store.credit_memos, request.scope["query_string"]))

    return sandbox_app(
        [
            store_configs,
            orders,
            order,
            products,
            product,
            update_product,
            children,
            source_items,
            customers,
            customer,
            credit_memos,
        ],
        authenticate=token_check("Authorization", f"Bearer {token}", _unauthorized),
        exception_handlers={
            MagentoRefusal: _refused,
            NotFoundException: _not_routed,
            MethodNotAllowedException: _not_routed,
        },
    )
