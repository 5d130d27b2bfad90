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

from litestar import Litestar, Request, Response, get, post, put
from litestar.exceptions import MethodNotAllowedException, NotFoundException, SerializationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from shopmcp_entrypoints.demo.sandboxes.litestar_app import json_response, sandbox_app, token_check
from shopmcp_entrypoints.demo.sandboxes.magento_refusal import NO_ROUTE, MagentoRefusal
from shopmcp_entrypoints.demo.sandboxes.magento_store import SandboxStore, search

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


async def _json(request: Request[Any, Any, Any]) -> Any:
    try:
        return await request.json()
    except SerializationException:
        raise MagentoRefusal(400, "Decoding error: %1", ["the request body is not JSON"]) from None


def _query(request: Request[Any, Any, Any]) -> bytes:
    query: bytes = request.scope["query_string"]
    return query


def _sales_routes(store: SandboxStore) -> list[HTTPRouteHandler]:
    """Orders' comments and actions, invoices, shipments and credit memos."""
    sales = store.sales

    @get(_paths("/orders/{order_id:int}/comments"), sync_to_thread=False)
    def comments(order_id: FromPath[int]) -> Response[Any]:
        return json_response(sales.comments(order_id))

    @post(_paths("/orders/{order_id:int}/comments"), status_code=200)
    async def add_comment(
        order_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Response[Any]:
        return json_response(sales.add_comment(order_id, await _json(request)))

    @post(_paths("/orders/{order_id:int}/{action:str}"), status_code=200)
    async def order_action(order_id: FromPath[int], action: FromPath[str]) -> Response[Any]:
        actions = {"hold": sales.hold, "unhold": sales.unhold, "cancel": sales.cancel}
        if action not in actions:
            raise MagentoRefusal(404, NO_ROUTE)
        return json_response(actions[action](order_id))

    @get(_paths("/invoices"), sync_to_thread=False)
    def invoices(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(sales.invoices, _query(request)))

    @get(_paths("/invoices/{invoice_id:int}"), sync_to_thread=False)
    def invoice(invoice_id: FromPath[int]) -> Response[Any]:
        return json_response(sales.invoice(invoice_id))

    @post(_paths("/order/{order_id:int}/{document:str}"), status_code=200)
    async def create_document(
        order_id: FromPath[int], document: FromPath[str], request: Request[Any, Any, Any]
    ) -> Response[Any]:
        creators = {
            "invoice": sales.create_invoice,
            "ship": sales.create_shipment,
            "refund": sales.refund_order,
        }
        if document not in creators:
            raise MagentoRefusal(404, NO_ROUTE)
        return json_response(creators[document](order_id, await _json(request)))

    @post(_paths("/invoice/{invoice_id:int}/refund"), status_code=200)
    async def refund_invoice(
        invoice_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Response[Any]:
        return json_response(sales.refund_invoice(invoice_id, await _json(request)))

    @get(_paths("/shipments"), sync_to_thread=False)
    def shipments(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(sales.shipments, _query(request)))

    @get(_paths("/shipment/{shipment_id:int}"), sync_to_thread=False)
    def shipment(shipment_id: FromPath[int]) -> Response[Any]:
        return json_response(sales.shipment(shipment_id))

    @post(_paths("/shipment/track"), status_code=200)
    async def add_track(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(sales.add_track(await _json(request)))

    @get(_paths("/creditmemo/{memo_id:int}"), sync_to_thread=False)
    def credit_memo(memo_id: FromPath[int]) -> Response[Any]:
        return json_response(sales.credit_memo(memo_id))

    return [
        comments,
        add_comment,
        order_action,
        invoices,
        invoice,
        create_document,
        refund_invoice,
        shipments,
        shipment,
        add_track,
        credit_memo,
    ]


def _catalog_routes(store: SandboxStore) -> list[HTTPRouteHandler]:
    """Categories, inventory sources, customer groups, cart price rules, coupons and CMS."""

    @get(_paths("/categories"), sync_to_thread=False)
    def category_tree(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(store.category_tree(_query(request)))

    @get(_paths("/categories/{category_id:int}"), sync_to_thread=False)
    def category(category_id: FromPath[int]) -> Response[Any]:
        return json_response(store.category(category_id))

    @get(_paths("/categories/{category_id:int}/products"), sync_to_thread=False)
    def category_products(category_id: FromPath[int]) -> Response[Any]:
        return json_response(store.category_products(category_id))

    @get(_paths("/inventory/sources"), sync_to_thread=False)
    def sources(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(store.sources, _query(request)))

    @get(_paths("/inventory/sources/{source_code:str}"), sync_to_thread=False)
    def source(source_code: FromPath[str]) -> Response[Any]:
        return json_response(store.source(source_code))

    @post(_paths("/inventory/source-items"), status_code=200)
    async def save_source_items(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(store.save_source_items(await _json(request)))

    @get(_paths("/customerGroups/search"), sync_to_thread=False)
    def customer_groups(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(store.customer_groups, _query(request)))

    @get(_paths("/customerGroups/{group_id:int}"), sync_to_thread=False)
    def customer_group(group_id: FromPath[int]) -> Response[Any]:
        return json_response(store.customer_group(group_id))

    @get(_paths("/salesRules/search"), sync_to_thread=False)
    def sales_rules(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(store.sales_rules, _query(request)))

    @get(_paths("/salesRules/{rule_id:int}"), sync_to_thread=False)
    def sales_rule(rule_id: FromPath[int]) -> Response[Any]:
        return json_response(store.sales_rule(rule_id))

    @post(_paths("/salesRules"), status_code=200)
    async def create_sales_rule(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(store.create_sales_rule(await _json(request)))

    @get(_paths("/coupons/search"), sync_to_thread=False)
    def coupons(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(store.coupons, _query(request)))

    @post(_paths("/coupons"), status_code=200)
    async def create_coupon(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(store.create_coupon(await _json(request)))

    @get(_paths("/cmsPage/search"), sync_to_thread=False)
    def cms_pages(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(_cms_rows(store.cms_pages), _query(request)))

    @get(_paths("/cmsPage/{page_id:int}"), sync_to_thread=False)
    def cms_page(page_id: FromPath[int]) -> Response[Any]:
        return json_response(store.cms_page(page_id))

    @get(_paths("/cmsBlock/search"), sync_to_thread=False)
    def cms_blocks(request: Request[Any, Any, Any]) -> Response[Any]:
        return json_response(search(_cms_rows(store.cms_blocks), _query(request)))

    @get(_paths("/cmsBlock/{block_id:int}"), sync_to_thread=False)
    def cms_block(block_id: FromPath[int]) -> Response[Any]:
        return json_response(store.cms_block(block_id))

    return [
        category_tree,
        category,
        category_products,
        sources,
        source,
        save_source_items,
        customer_groups,
        customer_group,
        sales_rules,
        sales_rule,
        create_sales_rule,
        coupons,
        create_coupon,
        cms_pages,
        cms_page,
        cms_blocks,
        cms_block,
    ]


def _cms_rows(rows: list[Any]) -> list[Any]:
    # Magento filters CMS pages and blocks on their is_active column; the objects say "active".
    return [{**row, "is_active": int(row["active"])} for row in rows]


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
        return json_response(store.update_product(sku, await _json(request)))

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
            *_sales_routes(store),
            *_catalog_routes(store),
        ],
        authenticate=token_check("Authorization", f"Bearer {token}", _unauthorized),
        exception_handlers={
            MagentoRefusal: _refused,
            NotFoundException: _not_routed,
            MethodNotAllowedException: _not_routed,
        },
    )
