"""BigCommerce tools: the whole attack surface of this module, one row per tool.

Every tool sends exactly one upstream request: its spec's operation, filled from validated
input. An order's line items, shipments and refunds, and a customer's order history, are
separate tools (BigCommerce serves each from its own endpoint), so a chat asks for what it
needs and every call is one audited, metered request.

| tool                                     | operation                                          |
|------------------------------------------|----------------------------------------------------|
| bigcommerce_get_store                    | GET /v2/store                                      |
| bigcommerce_list_orders                  | GET /v2/orders                                     |
| bigcommerce_get_order                    | GET /v2/orders/{order_id}                          |
| bigcommerce_list_order_products          | GET /v2/orders/{order_id}/products                 |
| bigcommerce_list_order_shipments         | GET /v2/orders/{order_id}/shipments                |
| bigcommerce_list_order_refunds           | GET /v3/orders/{order_id}/payment_actions/refunds  |
| bigcommerce_list_products                | GET /v3/catalog/products                           |
| bigcommerce_get_product                  | GET /v3/catalog/products/{product_id}              |
| bigcommerce_get_inventory                | GET /v3/inventory/items                            |
| bigcommerce_list_customers               | GET /v3/customers                                  |
| bigcommerce_get_customer                 | GET /v3/customers ?id:in=<id>&include=...          |
| bigcommerce_get_customer_order_summary   | GET /v2/orders/count                               |
| bigcommerce_update_product (write)       | PUT /v3/catalog/products/{product_id}              |

``bigcommerce_get_customer`` and ``bigcommerce_list_customers`` share ``GET /v3/customers`` (v3
has no single-customer endpoint): the get sends the fixed query ``id:in=<customer_id>`` with
``include=addresses,storecredit``, and an empty ``data`` list is a 404-style UpstreamError. The
customer's order history summary is
``bigcommerce_get_customer_order_summary``: ``/v2/orders/count`` filtered by ``customer_id``
answers the total and the count per status in one request; the orders themselves are
``bigcommerce_list_orders`` with ``customer_id``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from shopmcp_adapters.upstreams.bigcommerce import models as m
from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient
from shopmcp_adapters.upstreams.bigcommerce.inputs import (
    CustomerIdInput,
    GetInventoryInput,
    ListCustomersInput,
    ListOrdersInput,
    ListProductsInput,
    NoInput,
    OrderIdInput,
    OrderPageInput,
    ProductIdInput,
    UpdateProductInput,
)
from shopmcp_adapters.upstreams.module import Tool
from shopmcp_domain.errors import UpstreamError, UpstreamResponseInvalid
from shopmcp_domain.keys import Access
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations, ToolSpec, UpstreamOperation
from shopmcp_domain.tools.whitelist import WriteWhitelist

PLATFORM = Platform.BIGCOMMERCE


def _read(
    name: str,
    title: str,
    description: str,
    input_model: type[BaseModel],
    output_model: type[BaseModel],
    path: str,
) -> ToolSpec:
    return ToolSpec.read(
        f"bigcommerce_{name}",
        PLATFORM,
        title,
        description,
        input_model,
        output_model,
        UpstreamOperation(HttpMethod.GET, path),
    )


# --------------------------------------------------------------------------- the table

GET_STORE = _read(
    "get_store",
    "Store information",
    "The BigCommerce store's name, domain, currency, language, timezone and plan.",
    NoInput,
    m.StoreOutput,
    "/v2/store",
)
LIST_ORDERS = _read(
    "list_orders",
    "List orders",
    "List orders, newest first by default; filter by status id, customer id and creation "
    "date range. Paged (page, limit up to 50).",
    ListOrdersInput,
    m.ListOrdersOutput,
    "/v2/orders",
)
GET_ORDER = _read(
    "get_order",
    "Get an order",
    "One order's status, totals, payment and billing details. Line items, shipments and "
    "refunds are bigcommerce_list_order_products, _shipments and _refunds.",
    OrderIdInput,
    m.GetOrderOutput,
    "/v2/orders/{order_id}",
)
LIST_ORDER_PRODUCTS = _read(
    "list_order_products",
    "An order's line items",
    "The products (line items) of one order, with SKU, quantity, prices, shipped and "
    "refunded quantities.",
    OrderPageInput,
    m.ListOrderProductsOutput,
    "/v2/orders/{order_id}/products",
)
LIST_ORDER_SHIPMENTS = _read(
    "list_order_shipments",
    "An order's shipments",
    "The shipments (fulfilments) of one order, with carrier, tracking number and items.",
    OrderPageInput,
    m.ListOrderShipmentsOutput,
    "/v2/orders/{order_id}/shipments",
)
LIST_ORDER_REFUNDS = _read(
    "list_order_refunds",
    "An order's refunds",
    "The refunds issued on one order, with amounts, refunded items and payment providers.",
    OrderIdInput,
    m.ListOrderRefundsOutput,
    "/v3/orders/{order_id}/payment_actions/refunds",
)
LIST_PRODUCTS = _read(
    "list_products",
    "List products",
    "List or search catalog products by keyword, exact SKU or visibility. Paged.",
    ListProductsInput,
    m.ListProductsOutput,
    "/v3/catalog/products",
)
GET_PRODUCT = _read(
    "get_product",
    "Get a product",
    "One catalog product with its variants (SKU, price, inventory level, options).",
    ProductIdInput,
    m.GetProductOutput,
    "/v3/catalog/products/{product_id}",
)
GET_INVENTORY = _read(
    "get_inventory",
    "Inventory levels",
    "Inventory per location (available to sell, on hand, in stock) for SKUs, variant ids or "
    "product ids (give exactly one kind).",
    GetInventoryInput,
    m.GetInventoryOutput,
    "/v3/inventory/items",
)
LIST_CUSTOMERS = _read(
    "list_customers",
    "List customers",
    "List or search customers by exact email or part of the name. Paged.",
    ListCustomersInput,
    m.ListCustomersOutput,
    "/v3/customers",
)
GET_CUSTOMER = _read(
    "get_customer",
    "Get a customer",
    "One customer by id: contact details, group, notes, store credit (summed over currencies) "
    "and up to 10 addresses. For their order history use "
    "bigcommerce_get_customer_order_summary, or bigcommerce_list_orders with customer_id.",
    CustomerIdInput,
    m.GetCustomerOutput,
    "/v3/customers",
)
GET_CUSTOMER_ORDER_SUMMARY = _read(
    "get_customer_order_summary",
    "A customer's order history summary",
    "How many orders one customer has placed, in total and per order status.",
    CustomerIdInput,
    m.CustomerOrderSummaryOutput,
    "/v2/orders/count",
)
UPDATE_PRODUCT = ToolSpec(
    name="bigcommerce_update_product",
    platform=PLATFORM,
    access=Access.WRITE,
    title="Update a product",
    description="Change a product's name, price, sale price, inventory level (when tracked by "
    "product), visibility or description. Other fields cannot be changed with this tool.",
    input_model=UpdateProductInput,
    output_model=m.UpdateProductOutput,
    operation=UpstreamOperation(HttpMethod.PUT, "/v3/catalog/products/{product_id}"),
    # Setting the same values twice leaves the product as after the first time; nothing is
    # deleted (the previous values are overwritten, which is what the merchant asked for).
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
    whitelist=WriteWhitelist(
        writable=frozenset(
            {"name", "price", "sale_price", "inventory_level", "is_visible", "description"}
        ),
        locators=frozenset({"product_id"}),
    ),
)


# --------------------------------------------------------------------------- helpers


def _data(body: Any, kind: type) -> Any:
    """v3 envelope ``{data, meta}``: the data, checked to be the expected kind."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, kind):
        raise UpstreamResponseInvalid(PLATFORM.value, "unexpected response envelope")
    return data


def _list(body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise UpstreamResponseInvalid(PLATFORM.value, "expected a list")
    return body


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise UpstreamResponseInvalid(PLATFORM.value, "expected an object")
    return body


def _pagination(body: Any) -> dict[str, Any]:
    meta = body.get("meta") if isinstance(body, dict) else None
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    return pagination if isinstance(pagination, dict) else {}


def _output(model: BaseModel, text: str) -> ToolOutput:
    return ToolOutput(structured=model.model_dump(mode="json"), text=text)


def _money(value: Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return "?"
    amount = f"{value.quantize(Decimal('0.01'))}"
    return f"{amount} {currency}" if currency else amount


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- handlers


async def get_store(client: BigCommerceClient, _: NoInput) -> ToolOutput:
    store = m.StoreOutput.model_validate(_object(await client.call(GET_STORE.operation)))
    text = f"{store.name} ({store.domain or store.id}), currency {store.currency or '?'}"
    if store.plan_name:
        text += f", plan {store.plan_name}"
    return _output(store, text + ".")


async def list_orders(client: BigCommerceClient, args: ListOrdersInput) -> ToolOutput:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit, "sort": args.sort}
    if args.status_id is not None:
        params["status_id"] = args.status_id
    if args.customer_id is not None:
        params["customer_id"] = args.customer_id
    if args.created_from is not None:
        params["min_date_created"] = args.created_from.isoformat()
    if args.created_to is not None:
        params["max_date_created"] = args.created_to.isoformat()
    body = _list(await client.call(LIST_ORDERS.operation, params=params, empty=[]))
    orders = [m.OrderSummary.model_validate(item) for item in body]
    out = m.ListOrdersOutput(
        orders=orders, page=args.page, limit=args.limit, has_more=len(orders) >= args.limit
    )
    lines = [
        f"#{o.id} {o.status} {_money(o.total_inc_tax, o.currency_code)}"
        + (f" ({o.date_created.date().isoformat()})" if o.date_created else "")
        for o in orders[:10]
    ]
    text = f"{_plural(len(orders), 'order')} on page {args.page}" + (
        ": " + "; ".join(lines) if lines else "."
    )
    return _output(out, text)


async def get_order(client: BigCommerceClient, args: OrderIdInput) -> ToolOutput:
    body = await client.call(GET_ORDER.operation, path={"order_id": args.order_id})
    order = m.OrderDetail.model_validate(_object(body))
    text = (
        f"Order #{order.id}: {order.status}, {_money(order.total_inc_tax, order.currency_code)}, "
        f"{_plural(order.items_total or 0, 'item')}"
    )
    if order.date_created:
        text += f", placed {order.date_created.date().isoformat()}"
    return _output(m.GetOrderOutput(order=order), text + ".")


async def _order_page(client: BigCommerceClient, spec: ToolSpec, args: OrderPageInput) -> list[Any]:
    """One page of an order's sub-collection (v2 answers 204 for an empty one)."""
    body = await client.call(
        spec.operation,
        path={"order_id": args.order_id},
        params={"page": args.page, "limit": args.limit},
        empty=[],
    )
    return _list(body)


def _order_summary(order_id: int, count: int, noun: str, lines: list[str]) -> str:
    return f"Order #{order_id}: {_plural(count, noun)}" + (
        ": " + "; ".join(lines) if lines else "."
    )


async def list_order_products(client: BigCommerceClient, args: OrderPageInput) -> ToolOutput:
    items = await _order_page(client, LIST_ORDER_PRODUCTS, args)
    products = [m.OrderProduct.model_validate(item) for item in items]
    out = m.ListOrderProductsOutput(
        order_id=args.order_id,
        products=products,
        page=args.page,
        limit=args.limit,
        has_more=len(products) >= args.limit,
    )
    lines = [f"{p.quantity} x {p.name}" + (f" ({p.sku})" if p.sku else "") for p in products[:10]]
    return _output(out, _order_summary(args.order_id, len(products), "line item", lines))


async def list_order_shipments(client: BigCommerceClient, args: OrderPageInput) -> ToolOutput:
    items = await _order_page(client, LIST_ORDER_SHIPMENTS, args)
    shipments = [m.Shipment.model_validate(item) for item in items]
    out = m.ListOrderShipmentsOutput(
        order_id=args.order_id,
        shipments=shipments,
        page=args.page,
        limit=args.limit,
        has_more=len(shipments) >= args.limit,
    )
    lines = [
        " ".join(
            part for part in (s.shipping_provider or s.shipping_method, s.tracking_number) if part
        )
        or f"shipment {s.id}"
        for s in shipments[:10]
    ]
    return _output(out, _order_summary(args.order_id, len(shipments), "shipment", lines))


async def list_order_refunds(client: BigCommerceClient, args: OrderIdInput) -> ToolOutput:
    body = await client.call(LIST_ORDER_REFUNDS.operation, path={"order_id": args.order_id})
    refunds = [m.Refund.model_validate(item) for item in _data(body, list)]
    total = sum((r.total_amount or Decimal(0) for r in refunds), Decimal(0))
    out = m.ListOrderRefundsOutput(order_id=args.order_id, refunds=refunds, total_refunded=total)
    text = f"Order #{args.order_id}: {_plural(len(refunds), 'refund')}"
    if refunds:
        text += f" totalling {_money(total)}"
    return _output(out, text + ".")


async def list_products(client: BigCommerceClient, args: ListProductsInput) -> ToolOutput:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.keyword is not None:
        params["keyword"] = args.keyword
    if args.sku is not None:
        params["sku"] = args.sku
    if args.is_visible is not None:
        params["is_visible"] = "true" if args.is_visible else "false"
    body = await client.call(LIST_PRODUCTS.operation, params=params)
    products = [m.Product.model_validate(item) for item in _data(body, list)]
    pagination = m.Pagination.model_validate(_pagination(body))
    out = m.ListProductsOutput(products=products, pagination=pagination)
    lines = [f"#{p.id} {p.name} {_money(p.price)}" for p in products[:10]]
    total = f" of {pagination.total}" if pagination.total is not None else ""
    text = f"{_plural(len(products), 'product')}{total}" + (
        ": " + "; ".join(lines) if lines else "."
    )
    return _output(out, text)


async def get_product(client: BigCommerceClient, args: ProductIdInput) -> ToolOutput:
    body = await client.call(
        GET_PRODUCT.operation, path={"product_id": args.product_id}, params={"include": "variants"}
    )
    product = m.ProductDetail.model_validate(_data(body, dict))
    text = f"Product #{product.id} {product.name}: price {_money(product.price)}"
    if product.inventory_level is not None:
        text += f", inventory {product.inventory_level}"
    text += f", {_plural(len(product.variants), 'variant')}"
    return _output(m.GetProductOutput(product=product), text + ".")


async def get_inventory(client: BigCommerceClient, args: GetInventoryInput) -> ToolOutput:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.skus is not None:
        params["sku:in"] = ",".join(args.skus)
    elif args.variant_ids is not None:
        params["variant_id:in"] = ",".join(str(i) for i in args.variant_ids)
    elif args.product_ids is not None:
        params["product_id:in"] = ",".join(str(i) for i in args.product_ids)
    body = await client.call(GET_INVENTORY.operation, params=params)
    items = [m.InventoryItem.model_validate(item) for item in _data(body, list)]
    out = m.GetInventoryOutput(
        items=items, pagination=m.Pagination.model_validate(_pagination(body))
    )
    lines = [
        f"{i.sku or i.variant_id}: "
        + str(sum(loc.available_to_sell or 0 for loc in i.locations))
        + f" available in {_plural(len(i.locations), 'location')}"
        for i in items[:10]
    ]
    text = f"{_plural(len(items), 'inventory item')}" + (": " + "; ".join(lines) if lines else ".")
    return _output(out, text)


async def list_customers(client: BigCommerceClient, args: ListCustomersInput) -> ToolOutput:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.email is not None:
        params["email:in"] = args.email
    if args.name is not None:
        params["name:like"] = args.name
    body = await client.call(LIST_CUSTOMERS.operation, params=params)
    customers = [m.Customer.model_validate(item) for item in _data(body, list)]
    pagination = m.Pagination.model_validate(_pagination(body))
    out = m.ListCustomersOutput(customers=customers, pagination=pagination)
    lines = [
        f"#{c.id} {' '.join(p for p in (c.first_name, c.last_name) if p)} <{c.email}>"
        for c in customers[:10]
    ]
    text = f"{_plural(len(customers), 'customer')}" + (": " + "; ".join(lines) if lines else ".")
    return _output(out, text)


CUSTOMER_INCLUDE = "addresses,storecredit"


async def get_customer(client: BigCommerceClient, args: CustomerIdInput) -> ToolOutput:
    body = await client.call(
        GET_CUSTOMER.operation,
        params={"id:in": args.customer_id, "include": CUSTOMER_INCLUDE},
    )
    found = _data(body, list)
    if not found:
        raise UpstreamError(PLATFORM.value, 404, f"no customer with id {args.customer_id}")
    if len(found) != 1:
        raise UpstreamResponseInvalid(PLATFORM.value, "more than one customer for one id")
    customer = m.CustomerDetail.model_validate(_object(found[0]))
    if customer.id != args.customer_id:
        raise UpstreamResponseInvalid(PLATFORM.value, "the upstream answered another customer")
    name = " ".join(p for p in (customer.first_name, customer.last_name) if p) or "(no name)"
    text = f"Customer #{customer.id} {name} <{customer.email}>"
    if customer.date_created:
        text += f", since {customer.date_created.date().isoformat()}"
    return _output(m.GetCustomerOutput(customer=customer), text + ".")


async def get_customer_order_summary(
    client: BigCommerceClient, args: CustomerIdInput
) -> ToolOutput:
    body = _object(
        await client.call(
            GET_CUSTOMER_ORDER_SUMMARY.operation, params={"customer_id": args.customer_id}
        )
    )
    statuses = body.get("statuses") if isinstance(body.get("statuses"), list) else []
    counts = [m.StatusCount.model_validate(s) for s in statuses or []]
    nonzero = [c for c in counts if c.count > 0]
    total = body.get("count")
    if isinstance(total, bool) or not isinstance(total, int | float):
        total = sum(c.count for c in counts)
    out = m.CustomerOrderSummaryOutput(
        customer_id=args.customer_id, total_orders=int(total), by_status=nonzero
    )
    text = f"Customer #{args.customer_id} has {_plural(int(total), 'order')}"
    if nonzero:
        text += ": " + ", ".join(f"{c.count} {c.name}" for c in nonzero)
    return _output(out, text + ".")


async def update_product(client: BigCommerceClient, args: UpdateProductInput) -> ToolOutput:
    changes = args.changes()
    body = await client.call(
        UPDATE_PRODUCT.operation, path={"product_id": args.product_id}, json=changes
    )
    product = m.Product.model_validate(_data(body, dict))
    out = m.UpdateProductOutput(product=product, updated_fields=sorted(changes))
    text = f"Updated product #{product.id} {product.name}: {', '.join(sorted(changes))}."
    return _output(out, text)


Handler = Callable[[BigCommerceClient, Any], Awaitable[ToolOutput]]


def _guarded(handler: Handler) -> Handler:
    """An upstream payload that does not fit the output model is an invalid upstream
    response, not an internal error (and its values never reach the message)."""

    @functools.wraps(handler)
    async def run(client: BigCommerceClient, args: Any) -> ToolOutput:
        try:
            return await handler(client, args)
        except ValidationError:
            raise UpstreamResponseInvalid(
                PLATFORM.value, "the response did not have the documented shape"
            ) from None

    return run


def _tool(spec: ToolSpec, handler: Handler) -> Tool[BigCommerceClient]:
    return Tool(spec, _guarded(handler))


TOOLS: tuple[Tool[BigCommerceClient], ...] = (
    _tool(GET_STORE, get_store),
    _tool(LIST_ORDERS, list_orders),
    _tool(GET_ORDER, get_order),
    _tool(LIST_ORDER_PRODUCTS, list_order_products),
    _tool(LIST_ORDER_SHIPMENTS, list_order_shipments),
    _tool(LIST_ORDER_REFUNDS, list_order_refunds),
    _tool(LIST_PRODUCTS, list_products),
    _tool(GET_PRODUCT, get_product),
    _tool(GET_INVENTORY, get_inventory),
    _tool(LIST_CUSTOMERS, list_customers),
    _tool(GET_CUSTOMER, get_customer),
    _tool(GET_CUSTOMER_ORDER_SUMMARY, get_customer_order_summary),
    _tool(UPDATE_PRODUCT, update_product),
)
