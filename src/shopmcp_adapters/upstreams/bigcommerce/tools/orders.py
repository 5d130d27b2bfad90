"""Store and order tools: the store, orders and their line items, shipping addresses and
shipments, order statuses; creating a shipment and changing an order's status."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient
from shopmcp_adapters.upstreams.bigcommerce.inputs.common import NoInput
from shopmcp_adapters.upstreams.bigcommerce.inputs.orders import (
    CreateShipmentInput,
    ListOrdersInput,
    OrderIdInput,
    OrderPageInput,
    UpdateOrderStatusInput,
)
from shopmcp_adapters.upstreams.bigcommerce.outputs import orders as m
from shopmcp_adapters.upstreams.bigcommerce.outputs.common import V2List
from shopmcp_adapters.upstreams.bigcommerce.tools import operations as op
from shopmcp_adapters.upstreams.bigcommerce.tools.table import tools
from shopmcp_adapters.upstreams.bigcommerce.tools.texts import listed, money, next_page, plural
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.tools.spec import ToolAnnotations, UpstreamOperation
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "bigcommerce_get_store",
    "Store information",
    "The BigCommerce store's name, domain, currency, language, timezone and plan.",
    NoInput,
    m.StoreOutput,
    op.STORE,
)
async def get_store(client: BigCommerceClient, _: NoInput) -> Reply:
    store = m.StoreOutput.model_validate(await client.call(op.STORE))
    text = f"{store.name} ({store.domain or store.id}), currency {store.currency or '?'}"
    if store.plan_name:
        text += f", plan {store.plan_name}"
    return Reply(store, text + ".")


def order_params(args: ListOrdersInput) -> dict[str, str | int]:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit, "sort": args.sort}
    if args.status_id is not None:
        params["status_id"] = args.status_id
    if args.customer_id is not None:
        params["customer_id"] = args.customer_id
    if args.created_from is not None:
        params["min_date_created"] = args.created_from.isoformat()
    if args.created_to is not None:
        params["max_date_created"] = args.created_to.isoformat()
    return params


@tools.read(
    "bigcommerce_list_orders",
    "List orders",
    "List orders, newest first by default; filter by status id, customer id and creation "
    "date range. Paged (page, limit up to 50).",
    ListOrdersInput,
    m.ListOrdersOutput,
    op.ORDERS,
)
async def list_orders(client: BigCommerceClient, args: ListOrdersInput) -> Reply:
    body = await client.call(op.ORDERS, params=order_params(args), empty=[])
    orders = V2List[m.OrderSummary].model_validate(body).root
    out = m.ListOrdersOutput(
        orders=orders, page=args.page, limit=args.limit, has_more=len(orders) >= args.limit
    )
    lines = [
        f"#{o.id} {o.status} {money(o.total_inc_tax, o.currency_code)}"
        + (f" ({o.date_created.date().isoformat()})" if o.date_created else "")
        for o in out.orders
    ]
    head = f"{plural(len(out.orders), 'order')} on page {out.page}"
    return Reply(out, listed(head, lines, next_page(out.page, out.has_more)))


@tools.read(
    "bigcommerce_get_order",
    "Get an order",
    "One order's status, totals, payment and billing details. Line items, shipping "
    "addresses, shipments and refunds are bigcommerce_list_order_products, "
    "_shipping_addresses, _shipments and _refunds.",
    OrderIdInput,
    m.GetOrderOutput,
    op.ORDER,
)
async def get_order(client: BigCommerceClient, args: OrderIdInput) -> Reply:
    body = await client.call(op.ORDER, path={"order_id": args.order_id})
    order = m.OrderDetail.model_validate(body)
    text = (
        f"Order #{order.id}: {order.status}, {money(order.total_inc_tax, order.currency_code)}, "
        f"{plural(order.items_total or 0, 'item')}"
    )
    if order.date_created:
        text += f", placed {order.date_created.date().isoformat()}"
    return Reply(m.GetOrderOutput(order=order), text + ".")


async def order_page(
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
    "bigcommerce_list_order_products",
    "An order's line items",
    "The products (line items) of one order, with line item id, product id, SKU, quantity, "
    "prices, shipped and refunded quantities. Shipments and refunds name line items by id.",
    OrderPageInput,
    m.ListOrderProductsOutput,
    op.ORDER_PRODUCTS,
)
async def list_order_products(client: BigCommerceClient, args: OrderPageInput) -> Reply:
    body = await order_page(client, op.ORDER_PRODUCTS, args)
    products = V2List[m.OrderProduct].model_validate(body).root
    out = m.ListOrderProductsOutput(
        order_id=args.order_id,
        products=products,
        page=args.page,
        limit=args.limit,
        has_more=len(products) >= args.limit,
    )
    lines = [
        f"line item #{p.id}: {p.quantity} x {p.name}"
        + (f" (SKU {p.sku}" if p.sku else " (no SKU")
        + (f", product #{p.product_id})" if p.product_id else ")")
        for p in out.products
    ]
    head = f"Order #{out.order_id}: {plural(len(out.products), 'line item')}"
    return Reply(out, listed(head, lines, next_page(out.page, out.has_more)))


@tools.read(
    "bigcommerce_list_order_shipping_addresses",
    "An order's shipping addresses",
    "Where one order ships to: each shipping address with its id (a shipment needs it), "
    "method, cost and items shipped so far.",
    OrderIdInput,
    m.ListOrderShippingAddressesOutput,
    op.ORDER_SHIPPING_ADDRESSES,
)
async def list_order_shipping_addresses(client: BigCommerceClient, args: OrderIdInput) -> Reply:
    body = await client.call(
        op.ORDER_SHIPPING_ADDRESSES, path={"order_id": args.order_id}, empty=[]
    )
    addresses = V2List[m.OrderShippingAddress].model_validate(body).root
    out = m.ListOrderShippingAddressesOutput(order_id=args.order_id, addresses=addresses)
    lines = [
        f"address #{a.id}: "
        + ", ".join(part for part in (a.city, a.country_iso2 or a.country) if part)
        + (f" by {a.shipping_method}" if a.shipping_method else "")
        + f" ({a.items_shipped or 0} of {a.items_total or 0} items shipped)"
        for a in out.addresses
    ]
    head = f"Order #{out.order_id}: {plural(len(out.addresses), 'shipping address')}"
    return Reply(out, listed(head, lines))


def shipment_line(s: m.Shipment) -> str:
    carrier = " ".join(
        part for part in (s.shipping_provider or s.shipping_method, s.tracking_number) if part
    )
    items = sum(item.quantity for item in s.items)
    return f"shipment #{s.id}: {carrier or 'no tracking'} ({plural(items, 'item')})"


@tools.read(
    "bigcommerce_list_order_shipments",
    "An order's shipments",
    "The shipments (fulfilments) of one order, with carrier, tracking number and items.",
    OrderPageInput,
    m.ListOrderShipmentsOutput,
    op.ORDER_SHIPMENTS,
)
async def list_order_shipments(client: BigCommerceClient, args: OrderPageInput) -> Reply:
    body = await order_page(client, op.ORDER_SHIPMENTS, args)
    shipments = V2List[m.Shipment].model_validate(body).root
    out = m.ListOrderShipmentsOutput(
        order_id=args.order_id,
        shipments=shipments,
        page=args.page,
        limit=args.limit,
        has_more=len(shipments) >= args.limit,
    )
    lines = [shipment_line(s) for s in out.shipments]
    head = f"Order #{out.order_id}: {plural(len(out.shipments), 'shipment')}"
    return Reply(out, listed(head, lines, next_page(out.page, out.has_more)))


@tools.read(
    "bigcommerce_list_order_statuses",
    "Order statuses",
    "The store's order statuses: each id (what bigcommerce_list_orders filters on and "
    "bigcommerce_update_order_status sets), its name and the store's own label.",
    NoInput,
    m.ListOrderStatusesOutput,
    op.ORDER_STATUSES,
)
async def list_order_statuses(client: BigCommerceClient, _: NoInput) -> Reply:
    body = await client.call(op.ORDER_STATUSES, empty=[])
    out = m.ListOrderStatusesOutput(statuses=V2List[m.OrderStatus].model_validate(body).root)
    lines = [
        f"{s.id} {s.name}"
        + (f" (shown as {s.custom_label})" if s.custom_label not in (None, s.name) else "")
        for s in out.statuses
    ]
    # Every status, not the first ten: a model picks a status id from this text.
    return Reply(out, f"{plural(len(lines), 'order status')}: " + "; ".join(lines) + ".")


@tools.write(
    "bigcommerce_create_shipment",
    "Ship order items",
    "Create a shipment for some or all of an order's line items, to one of its shipping "
    "addresses, with an optional carrier and tracking number. BigCommerce moves the order to "
    "Shipped or Partially Shipped and may email the customer.",
    CreateShipmentInput,
    m.CreateShipmentOutput,
    op.ORDER_SHIPMENT_CREATE,
    whitelist=WriteWhitelist(
        writable=frozenset(
            {
                "order_address_id",
                "items",
                "tracking_number",
                "shipping_provider",
                "tracking_carrier",
                "shipping_method",
                "tracking_link",
                "comments",
            }
        ),
        locators=frozenset({"order_id"}),
    ),
    # Adds a shipment and overwrites nothing; a second identical call adds a second shipment
    # (or is refused once every item has shipped), so it is not idempotent.
    annotations=ToolAnnotations(
        read_only_hint=False, destructive_hint=False, idempotent_hint=False
    ),
)
async def create_shipment(client: BigCommerceClient, args: CreateShipmentInput) -> Reply:
    body = await client.call(
        op.ORDER_SHIPMENT_CREATE, path={"order_id": args.order_id}, json=args.body()
    )
    out = m.CreateShipmentOutput(shipment=m.Shipment.model_validate(body))
    return Reply(out, f"Order #{out.shipment.order_id}: created {shipment_line(out.shipment)}.")


@tools.write(
    "bigcommerce_update_order_status",
    "Change an order's status",
    "Set one order's status (an id from bigcommerce_list_order_statuses). This replaces the "
    "current status and may email the customer; it moves no money and ships nothing.",
    UpdateOrderStatusInput,
    m.UpdateOrderStatusOutput,
    op.ORDER_UPDATE,
    whitelist=WriteWhitelist(writable=frozenset({"status_id"}), locators=frozenset({"order_id"})),
    # Overwrites the previous status (Cancelled among the choices): destructive. Setting the
    # same status twice leaves the order as after the first time: idempotent.
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True),
)
async def update_order_status(client: BigCommerceClient, args: UpdateOrderStatusInput) -> Reply:
    body = await client.call(
        op.ORDER_UPDATE, path={"order_id": args.order_id}, json={"status_id": args.status_id}
    )
    order = m.OrderSummary.model_validate(body)
    out = m.UpdateOrderStatusOutput(order=order)
    return Reply(out, f"Order #{order.id} is now {order.status} (status {order.status_id}).")
