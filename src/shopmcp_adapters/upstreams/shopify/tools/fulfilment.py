"""Locations and fulfilment tools: where stock ships from, what an order still has to ship,
and shipping it with tracking."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import fulfilment as inputs
from shopmcp_adapters.upstreams.shopify.outputs import fulfilment as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import (
    created,
    found,
    more,
    next_page,
    op,
    plural,
    tools,
    write_hints,
)
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "shopify_list_locations",
    "List locations",
    "The shop's locations (warehouses, stores) by name, with their ids and whether they are "
    "active and fulfil online orders.",
    inputs.ListLocationsInput,
    outputs.ListLocationsOutput,
    op(docs.LIST_LOCATIONS),
)
async def list_locations(client: ShopifyClient, args: inputs.ListLocationsInput) -> Reply:
    variables = {
        "first": args.first,
        "after": args.after,
        "query": search.phrase(None, args.search) if args.search else None,
        "includeInactive": args.include_inactive,
    }
    page = outputs.ListLocationsOutput.model_validate(
        await client.query(docs.LIST_LOCATIONS, variables)
    )
    return Reply(page, locations_text(page))


@tools.read(
    "shopify_get_location",
    "Get a location",
    "One location with its address and whether it holds stock or has unfulfilled orders.",
    inputs.GetLocationInput,
    outputs.LocationOutput,
    op(docs.GET_LOCATION),
)
async def get_location(client: ShopifyClient, args: inputs.GetLocationInput) -> Reply:
    data = await client.query(docs.GET_LOCATION, {"id": args.location_id})
    location = outputs.LocationOutput.model_validate(found(data, "location", args.location_id))
    return Reply(location, location_text(location))


@tools.read(
    "shopify_list_fulfillment_orders",
    "List an order's fulfilment orders",
    "What an order still has to ship, grouped by the location that ships it: each fulfilment "
    "order's status, holds, allowed actions and lines with their remaining quantities (the "
    "ids shopify_create_fulfillment takes).",
    inputs.ListFulfillmentOrdersInput,
    outputs.ListFulfillmentOrdersOutput,
    op(docs.LIST_FULFILLMENT_ORDERS),
)
async def list_fulfillment_orders(
    client: ShopifyClient, args: inputs.ListFulfillmentOrdersInput
) -> Reply:
    data = await client.query(
        docs.LIST_FULFILLMENT_ORDERS, {"id": args.order_id, "after": args.after}
    )
    page = outputs.ListFulfillmentOrdersOutput.model_validate(found(data, "order", args.order_id))
    return Reply(page, fulfillment_orders_text(page))


@tools.read(
    "shopify_get_fulfillment_order",
    "Get a fulfilment order",
    "One fulfilment order: its order, location, status, holds, allowed actions and lines with "
    "their remaining quantities.",
    inputs.GetFulfillmentOrderInput,
    outputs.FulfillmentOrderOutput,
    op(docs.GET_FULFILLMENT_ORDER),
)
async def get_fulfillment_order(
    client: ShopifyClient, args: inputs.GetFulfillmentOrderInput
) -> Reply:
    data = await client.query(docs.GET_FULFILLMENT_ORDER, {"id": args.fulfillment_order_id})
    order = outputs.FulfillmentOrderOutput.model_validate(
        found(data, "fulfillmentOrder", args.fulfillment_order_id)
    )
    return Reply(order, fulfillment_order_text(order))


@tools.read(
    "shopify_get_fulfillment",
    "Get a fulfilment",
    "One shipment of an order: its status and delivery progress, tracking and the lines it "
    "shipped.",
    inputs.GetFulfillmentInput,
    outputs.FulfillmentOutput,
    op(docs.GET_FULFILLMENT),
)
async def get_fulfillment(client: ShopifyClient, args: inputs.GetFulfillmentInput) -> Reply:
    data = await client.query(docs.GET_FULFILLMENT, {"id": args.fulfillment_id})
    fulfillment = outputs.FulfillmentOutput.model_validate(
        found(data, "fulfillment", args.fulfillment_id)
    )
    return Reply(fulfillment, fulfillment_text(fulfillment))


@tools.write(
    "shopify_create_fulfillment",
    "Ship a fulfilment order",
    "Mark lines of one fulfilment order as shipped (all it still has to ship, or the items "
    "given), with the carrier, tracking number and tracking link, and optionally email the "
    "customer.",
    inputs.CreateFulfillmentInput,
    outputs.FulfillmentOutput,
    op(docs.CREATE_FULFILLMENT),
    whitelist=WriteWhitelist(
        writable=frozenset(
            {"items", "tracking_company", "tracking_number", "tracking_url", "notify_customer"}
        ),
        locators=frozenset({"fulfillment_order_id"}),
    ),
    # It adds a shipment; the same call again ships more (if the order has more to ship).
    annotations=write_hints(destructive=False, idempotent=False),
)
async def create_fulfillment(client: ShopifyClient, args: inputs.CreateFulfillmentInput) -> Reply:
    payload = await client.mutate(
        docs.CREATE_FULFILLMENT, create_fulfillment_variables(args), "fulfillmentCreate"
    )
    fulfillment = outputs.FulfillmentOutput.model_validate(created(payload, "fulfillment"))
    return Reply(fulfillment, "Shipped: " + fulfillment_text(fulfillment))


# --------------------------------------------------------------------------- mutation variables


def create_fulfillment_variables(args: inputs.CreateFulfillmentInput) -> dict[str, Any]:
    order: dict[str, Any] = {"fulfillmentOrderId": args.fulfillment_order_id}
    if args.items is not None:
        order["fulfillmentOrderLineItems"] = [
            {"id": item.fulfillment_order_line_item_id, "quantity": item.quantity}
            for item in args.items
        ]
    fulfillment: dict[str, Any] = {
        "lineItemsByFulfillmentOrder": [order],
        "notifyCustomer": args.notify_customer,
    }
    tracking = {
        key: value
        for key, value in (
            ("company", args.tracking_company),
            ("number", args.tracking_number),
            ("url", args.tracking_url),
        )
        if value is not None
    }
    if tracking:
        fulfillment["trackingInfo"] = tracking
    return {"fulfillment": fulfillment}


# --------------------------------------------------------------------------- reply texts


def locations_text(page: outputs.ListLocationsOutput) -> str:
    lines = [
        f"{loc.name} ({', '.join(p for p in (loc.city, loc.country) if p) or 'no address'})"
        + ("" if loc.active else " [inactive]")
        + ("" if loc.fulfills_online_orders else " [no online orders]")
        + f", id {loc.id}"
        for loc in page.locations
    ]
    header = f"{plural(len(page.locations), 'location')}{more(page.page_info)}"
    return "\n".join([header, *lines, *next_page(page.page_info)])


def location_text(location: outputs.LocationOutput) -> str:
    where = ", ".join(p for p in (location.address1, location.city, location.country) if p)
    state = "active" if location.active else "inactive"
    return f"{location.name} ({where or 'no address'}), {state}, id {location.id}"


def _fulfillment_order_lines(order: outputs.FulfillmentOrderSummary) -> list[str]:
    held = f", held: {', '.join(order.holds)}" if order.holds else ""
    lines = [f"Fulfilment order {order.id} at {order.location_name}: {order.status}{held}"]
    lines += [
        f"- {line.remaining_quantity} of {line.total_quantity} x {line.product_title}"
        f" ({line.sku or 'no SKU'}) to ship, line {line.id}"
        for line in order.lines
    ]
    return lines


def fulfillment_orders_text(page: outputs.ListFulfillmentOrdersOutput) -> str:
    header = (
        f"Order {page.order_name} ({page.fulfillment_status}): "
        f"{plural(len(page.fulfillment_orders), 'fulfilment order')}{more(page.page_info)}"
    )
    lines = [line for fo in page.fulfillment_orders for line in _fulfillment_order_lines(fo)]
    return "\n".join([header, *lines, *next_page(page.page_info)])


def fulfillment_order_text(order: outputs.FulfillmentOrderOutput) -> str:
    return "\n".join([f"Order {order.order_name}", *_fulfillment_order_lines(order)])


def fulfillment_text(fulfillment: outputs.FulfillmentOutput) -> str:
    tracking = "; ".join(
        " ".join(p for p in (t.company, t.number, t.url) if p) for t in fulfillment.tracking
    )
    status = fulfillment.display_status or fulfillment.status
    return (
        f"fulfilment {fulfillment.id} of order {fulfillment.order_name}: {status}, "
        f"{plural(fulfillment.total_quantity, 'item')}, tracking {tracking or 'none'}"
    )
