"""BigCommerce tools: the whole attack surface of this module, one row per tool.

Every tool sends exactly one upstream request: its row's operation, filled from validated
input. Each operation is named once below, and a row and its handler use that one name. An
order's line items, shipments and refunds, and a customer's order history, are separate tools
(BigCommerce serves each from its own endpoint), so a chat asks for what it needs and every
call is one audited, metered request.

``bigcommerce_get_customer`` and ``bigcommerce_list_customers`` share ``GET /v3/customers`` (v3
has no single-customer endpoint): the get sends the fixed query ``id:in=<customer_id>`` with
``include=addresses,storecredit``, and an empty ``data`` list is a 404-style UpstreamError. The
customer's order history summary is ``bigcommerce_get_customer_order_summary``:
``/v2/orders/count`` filtered by ``customer_id`` answers the total and the count per status in
one request; the orders themselves are ``bigcommerce_list_orders`` with ``customer_id``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopmcp_adapters.upstreams.bigcommerce import outputs as m
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
from shopmcp_adapters.upstreams.module import Reply, ToolTable
from shopmcp_domain.errors import UpstreamError, UpstreamResponseInvalid
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations, UpstreamOperation
from shopmcp_domain.tools.whitelist import WriteWhitelist

PLATFORM = Platform.BIGCOMMERCE
GET, PUT = HttpMethod.GET, HttpMethod.PUT

STORE = UpstreamOperation(GET, "/v2/store")
ORDERS = UpstreamOperation(GET, "/v2/orders")
ORDER = UpstreamOperation(GET, "/v2/orders/{order_id}")
ORDER_PRODUCTS = UpstreamOperation(GET, "/v2/orders/{order_id}/products")
ORDER_SHIPMENTS = UpstreamOperation(GET, "/v2/orders/{order_id}/shipments")
ORDER_REFUNDS = UpstreamOperation(GET, "/v3/orders/{order_id}/payment_actions/refunds")
ORDER_COUNT = UpstreamOperation(GET, "/v2/orders/count")
PRODUCTS = UpstreamOperation(GET, "/v3/catalog/products")
PRODUCT = UpstreamOperation(GET, "/v3/catalog/products/{product_id}")
PRODUCT_UPDATE = UpstreamOperation(PUT, "/v3/catalog/products/{product_id}")
INVENTORY_ITEMS = UpstreamOperation(GET, "/v3/inventory/items")
CUSTOMERS = UpstreamOperation(GET, "/v3/customers")

tools = ToolTable[BigCommerceClient](PLATFORM)


@tools.read(
    "bigcommerce_get_store",
    "Store information",
    "The BigCommerce store's name, domain, currency, language, timezone and plan.",
    NoInput,
    m.StoreOutput,
    STORE,
)
async def get_store(client: BigCommerceClient, _: NoInput) -> Reply:
    store = m.StoreOutput.model_validate(await client.call(STORE))
    return Reply(store, _store_text(store))


@tools.read(
    "bigcommerce_list_orders",
    "List orders",
    "List orders, newest first by default; filter by status id, customer id and creation "
    "date range. Paged (page, limit up to 50).",
    ListOrdersInput,
    m.ListOrdersOutput,
    ORDERS,
)
async def list_orders(client: BigCommerceClient, args: ListOrdersInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit, "sort": args.sort}
    if args.status_id is not None:
        params["status_id"] = args.status_id
    if args.customer_id is not None:
        params["customer_id"] = args.customer_id
    if args.created_from is not None:
        params["min_date_created"] = args.created_from.isoformat()
    if args.created_to is not None:
        params["max_date_created"] = args.created_to.isoformat()
    body = await client.call(ORDERS, params=params, empty=[])
    orders = m.V2List[m.OrderSummary].model_validate(body).root
    out = m.ListOrdersOutput(
        orders=orders, page=args.page, limit=args.limit, has_more=len(orders) >= args.limit
    )
    return Reply(out, _orders_text(out))


@tools.read(
    "bigcommerce_get_order",
    "Get an order",
    "One order's status, totals, payment and billing details. Line items, shipments and "
    "refunds are bigcommerce_list_order_products, _shipments and _refunds.",
    OrderIdInput,
    m.GetOrderOutput,
    ORDER,
)
async def get_order(client: BigCommerceClient, args: OrderIdInput) -> Reply:
    body = await client.call(ORDER, path={"order_id": args.order_id})
    out = m.GetOrderOutput(order=m.OrderDetail.model_validate(body))
    return Reply(out, _order_text(out.order))


@tools.read(
    "bigcommerce_list_order_products",
    "An order's line items",
    "The products (line items) of one order, with SKU, quantity, prices, shipped and "
    "refunded quantities.",
    OrderPageInput,
    m.ListOrderProductsOutput,
    ORDER_PRODUCTS,
)
async def list_order_products(client: BigCommerceClient, args: OrderPageInput) -> Reply:
    body = await _order_page(client, ORDER_PRODUCTS, args)
    products = m.V2List[m.OrderProduct].model_validate(body).root
    out = m.ListOrderProductsOutput(
        order_id=args.order_id,
        products=products,
        page=args.page,
        limit=args.limit,
        has_more=len(products) >= args.limit,
    )
    return Reply(out, _order_products_text(out))


@tools.read(
    "bigcommerce_list_order_shipments",
    "An order's shipments",
    "The shipments (fulfilments) of one order, with carrier, tracking number and items.",
    OrderPageInput,
    m.ListOrderShipmentsOutput,
    ORDER_SHIPMENTS,
)
async def list_order_shipments(client: BigCommerceClient, args: OrderPageInput) -> Reply:
    body = await _order_page(client, ORDER_SHIPMENTS, args)
    shipments = m.V2List[m.Shipment].model_validate(body).root
    out = m.ListOrderShipmentsOutput(
        order_id=args.order_id,
        shipments=shipments,
        page=args.page,
        limit=args.limit,
        has_more=len(shipments) >= args.limit,
    )
    return Reply(out, _order_shipments_text(out))


async def _order_page(
    client: BigCommerceClient, operation: UpstreamOperation, args: OrderPageInput
) -> Any:
    """One page of an order's sub-collection (v2 answers 204 for an empty one)."""
    return await client.call(
        operation,
        path={"order_id": args.order_id},
        params={"page": args.page, "limit": args.limit},
        empty=[],
    )


@tools.read(
    "bigcommerce_list_order_refunds",
    "An order's refunds",
    "The refunds issued on one order, with amounts, refunded items and payment providers.",
    OrderIdInput,
    m.ListOrderRefundsOutput,
    ORDER_REFUNDS,
)
async def list_order_refunds(client: BigCommerceClient, args: OrderIdInput) -> Reply:
    body = await client.call(ORDER_REFUNDS, path={"order_id": args.order_id})
    refunds = m.V3Data[list[m.Refund]].model_validate(body).data
    total = sum((r.total_amount or Decimal(0) for r in refunds), Decimal(0))
    out = m.ListOrderRefundsOutput(order_id=args.order_id, refunds=refunds, total_refunded=total)
    return Reply(out, _refunds_text(out))


@tools.read(
    "bigcommerce_list_products",
    "List products",
    "List or search catalog products by keyword, exact SKU or visibility. Paged.",
    ListProductsInput,
    m.ListProductsOutput,
    PRODUCTS,
)
async def list_products(client: BigCommerceClient, args: ListProductsInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.keyword is not None:
        params["keyword"] = args.keyword
    if args.sku is not None:
        params["sku"] = args.sku
    if args.is_visible is not None:
        params["is_visible"] = "true" if args.is_visible else "false"
    out = m.ListProductsOutput.model_validate(await client.call(PRODUCTS, params=params))
    return Reply(out, _products_text(out))


@tools.read(
    "bigcommerce_get_product",
    "Get a product",
    "One catalog product with its variants (SKU, price, inventory level, options).",
    ProductIdInput,
    m.GetProductOutput,
    PRODUCT,
)
async def get_product(client: BigCommerceClient, args: ProductIdInput) -> Reply:
    body = await client.call(
        PRODUCT, path={"product_id": args.product_id}, params={"include": "variants"}
    )
    out = m.GetProductOutput.model_validate(body)
    return Reply(out, _product_text(out.product))


@tools.read(
    "bigcommerce_get_inventory",
    "Inventory levels",
    "Inventory per location (available to sell, on hand, in stock) for SKUs, variant ids or "
    "product ids (give exactly one kind).",
    GetInventoryInput,
    m.GetInventoryOutput,
    INVENTORY_ITEMS,
)
async def get_inventory(client: BigCommerceClient, args: GetInventoryInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.skus is not None:
        params["sku:in"] = ",".join(args.skus)
    elif args.variant_ids is not None:
        params["variant_id:in"] = ",".join(str(i) for i in args.variant_ids)
    elif args.product_ids is not None:
        params["product_id:in"] = ",".join(str(i) for i in args.product_ids)
    out = m.GetInventoryOutput.model_validate(await client.call(INVENTORY_ITEMS, params=params))
    return Reply(out, _inventory_text(out))


@tools.read(
    "bigcommerce_list_customers",
    "List customers",
    "List or search customers by exact email or part of the name. Paged.",
    ListCustomersInput,
    m.ListCustomersOutput,
    CUSTOMERS,
)
async def list_customers(client: BigCommerceClient, args: ListCustomersInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.email is not None:
        params["email:in"] = args.email
    if args.name is not None:
        params["name:like"] = args.name
    out = m.ListCustomersOutput.model_validate(await client.call(CUSTOMERS, params=params))
    return Reply(out, _customers_text(out))


CUSTOMER_INCLUDE = "addresses,storecredit"


@tools.read(
    "bigcommerce_get_customer",
    "Get a customer",
    "One customer by id: contact details, group, notes, store credit (summed over currencies) "
    "and up to 10 addresses. For their order history use "
    "bigcommerce_get_customer_order_summary, or bigcommerce_list_orders with customer_id.",
    CustomerIdInput,
    m.GetCustomerOutput,
    CUSTOMERS,
)
async def get_customer(client: BigCommerceClient, args: CustomerIdInput) -> Reply:
    body = await client.call(
        CUSTOMERS, params={"id:in": args.customer_id, "include": CUSTOMER_INCLUDE}
    )
    found = m.V3Data[list[m.CustomerDetail]].model_validate(body).data
    if not found:
        raise UpstreamError(PLATFORM.value, 404, f"no customer with id {args.customer_id}")
    if len(found) != 1:
        raise UpstreamResponseInvalid(PLATFORM.value, "more than one customer for one id")
    if found[0].id != args.customer_id:
        raise UpstreamResponseInvalid(PLATFORM.value, "the upstream answered another customer")
    out = m.GetCustomerOutput(customer=found[0])
    return Reply(out, _customer_text(out.customer))


@tools.read(
    "bigcommerce_get_customer_order_summary",
    "A customer's order history summary",
    "How many orders one customer has placed, in total and per order status.",
    CustomerIdInput,
    m.CustomerOrderSummaryOutput,
    ORDER_COUNT,
)
async def get_customer_order_summary(client: BigCommerceClient, args: CustomerIdInput) -> Reply:
    body = await client.call(ORDER_COUNT, params={"customer_id": args.customer_id})
    counts = m.OrderCounts.model_validate(body)
    out = m.CustomerOrderSummaryOutput(
        customer_id=args.customer_id, total_orders=counts.total, by_status=counts.nonzero
    )
    return Reply(out, _order_summary_text(out))


@tools.write(
    "bigcommerce_update_product",
    "Update a product",
    "Change a product's name, price, sale price, inventory level (when tracked by "
    "product), visibility or description. Other fields cannot be changed with this tool.",
    UpdateProductInput,
    m.UpdateProductOutput,
    PRODUCT_UPDATE,
    whitelist=WriteWhitelist(
        writable=frozenset(
            {"name", "price", "sale_price", "inventory_level", "is_visible", "description"}
        ),
        locators=frozenset({"product_id"}),
    ),
    # Setting the same values twice leaves the product as after the first time; nothing is
    # deleted (the previous values are overwritten, which is what the merchant asked for).
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def update_product(client: BigCommerceClient, args: UpdateProductInput) -> Reply:
    changes = args.changes()
    body = await client.call(PRODUCT_UPDATE, path={"product_id": args.product_id}, json=changes)
    product = m.V3Data[m.Product].model_validate(body).data
    out = m.UpdateProductOutput(product=product, updated_fields=sorted(changes))
    return Reply(out, _updated_text(out))


# --------------------------------------------------------------------------- reply texts


def _money(value: Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return "?"
    amount = f"{value.quantize(Decimal('0.01'))}"
    return f"{amount} {currency}" if currency else amount


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _listed(head: str, lines: list[str]) -> str:
    return head + (": " + "; ".join(lines) if lines else ".")


def _full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def _store_text(store: m.StoreOutput) -> str:
    text = f"{store.name} ({store.domain or store.id}), currency {store.currency or '?'}"
    if store.plan_name:
        text += f", plan {store.plan_name}"
    return text + "."


def _orders_text(out: m.ListOrdersOutput) -> str:
    lines = [
        f"#{o.id} {o.status} {_money(o.total_inc_tax, o.currency_code)}"
        + (f" ({o.date_created.date().isoformat()})" if o.date_created else "")
        for o in out.orders[:10]
    ]
    return _listed(f"{_plural(len(out.orders), 'order')} on page {out.page}", lines)


def _order_text(order: m.OrderDetail) -> str:
    text = (
        f"Order #{order.id}: {order.status}, {_money(order.total_inc_tax, order.currency_code)}, "
        f"{_plural(order.items_total or 0, 'item')}"
    )
    if order.date_created:
        text += f", placed {order.date_created.date().isoformat()}"
    return text + "."


def _order_products_text(out: m.ListOrderProductsOutput) -> str:
    lines = [
        f"{p.quantity} x {p.name}" + (f" ({p.sku})" if p.sku else "") for p in out.products[:10]
    ]
    return _listed(f"Order #{out.order_id}: {_plural(len(out.products), 'line item')}", lines)


def _order_shipments_text(out: m.ListOrderShipmentsOutput) -> str:
    lines = [
        " ".join(
            part for part in (s.shipping_provider or s.shipping_method, s.tracking_number) if part
        )
        or f"shipment {s.id}"
        for s in out.shipments[:10]
    ]
    return _listed(f"Order #{out.order_id}: {_plural(len(out.shipments), 'shipment')}", lines)


def _refunds_text(out: m.ListOrderRefundsOutput) -> str:
    text = f"Order #{out.order_id}: {_plural(len(out.refunds), 'refund')}"
    if out.refunds:
        text += f" totalling {_money(out.total_refunded)}"
    return text + "."


def _products_text(out: m.ListProductsOutput) -> str:
    lines = [f"#{p.id} {p.name} {_money(p.price)}" for p in out.products[:10]]
    total = out.pagination.total
    of_total = f" of {total}" if total is not None else ""
    return _listed(f"{_plural(len(out.products), 'product')}{of_total}", lines)


def _product_text(product: m.ProductDetail) -> str:
    text = f"Product #{product.id} {product.name}: price {_money(product.price)}"
    if product.inventory_level is not None:
        text += f", inventory {product.inventory_level}"
    return text + f", {_plural(len(product.variants), 'variant')}."


def _inventory_text(out: m.GetInventoryOutput) -> str:
    lines = [
        f"{i.sku or i.variant_id}: "
        + str(sum(loc.available_to_sell or 0 for loc in i.locations))
        + f" available in {_plural(len(i.locations), 'location')}"
        for i in out.items[:10]
    ]
    return _listed(_plural(len(out.items), "inventory item"), lines)


def _customers_text(out: m.ListCustomersOutput) -> str:
    lines = [
        f"#{c.id} {_full_name(c.first_name, c.last_name)} <{c.email}>" for c in out.customers[:10]
    ]
    return _listed(_plural(len(out.customers), "customer"), lines)


def _customer_text(customer: m.CustomerDetail) -> str:
    name = _full_name(customer.first_name, customer.last_name) or "(no name)"
    text = f"Customer #{customer.id} {name} <{customer.email}>"
    if customer.date_created:
        text += f", since {customer.date_created.date().isoformat()}"
    return text + "."


def _order_summary_text(out: m.CustomerOrderSummaryOutput) -> str:
    text = f"Customer #{out.customer_id} has {_plural(out.total_orders, 'order')}"
    if out.by_status:
        text += ": " + ", ".join(f"{c.count} {c.name}" for c in out.by_status)
    return text + "."


def _updated_text(out: m.UpdateProductOutput) -> str:
    product = out.product
    return f"Updated product #{product.id} {product.name}: {', '.join(out.updated_fields)}."
