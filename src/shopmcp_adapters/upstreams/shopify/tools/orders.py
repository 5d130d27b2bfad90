"""Order tools: orders, their refunds, note and tags."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import orders as inputs
from shopmcp_adapters.upstreams.shopify.inputs.common import numeric_id
from shopmcp_adapters.upstreams.shopify.outputs import orders as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import found, money, more, op, plural, tools
from shopmcp_domain.tools.spec import ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "shopify_list_orders",
    "List orders",
    "Recent orders, newest first, filtered by status, financial or fulfilment status, "
    "created date range or customer; paged with a cursor.",
    inputs.ListOrdersInput,
    outputs.ListOrdersOutput,
    op(docs.LIST_ORDERS),
)
async def list_orders(client: ShopifyClient, args: inputs.ListOrdersInput) -> Reply:
    variables = {"first": args.first, "after": args.after, "query": orders_query(args)}
    page = outputs.ListOrdersOutput.model_validate(await client.query(docs.LIST_ORDERS, variables))
    return Reply(page, orders_text(page))


@tools.read(
    "shopify_get_order",
    "Get an order",
    "One order with its line items, fulfilments (with tracking) and refunds.",
    inputs.GetOrderInput,
    outputs.OrderOutput,
    op(docs.GET_ORDER),
)
async def get_order(client: ShopifyClient, args: inputs.GetOrderInput) -> Reply:
    data = await client.query(docs.GET_ORDER, {"id": args.order_id})
    order = outputs.OrderOutput.model_validate(found(data, "order", args.order_id))
    return Reply(order, order_text(order))


@tools.read(
    "shopify_list_order_refunds",
    "List an order's refunds",
    "The refunds of one order, with the refunded line items and amounts.",
    inputs.ListOrderRefundsInput,
    outputs.ListOrderRefundsOutput,
    op(docs.LIST_ORDER_REFUNDS),
)
async def list_order_refunds(client: ShopifyClient, args: inputs.ListOrderRefundsInput) -> Reply:
    data = await client.query(docs.LIST_ORDER_REFUNDS, {"id": args.order_id})
    refunds = outputs.ListOrderRefundsOutput.model_validate(found(data, "order", args.order_id))
    return Reply(refunds, refunds_text(refunds))


@tools.write(
    "shopify_update_order",
    "Update an order's note or tags",
    "Replace an order's note and/or its tags. Nothing else about the order changes.",
    inputs.UpdateOrderInput,
    outputs.UpdateOrderOutput,
    op(docs.UPDATE_ORDER),
    whitelist=WriteWhitelist(
        writable=frozenset({"note", "tags"}), locators=frozenset({"order_id"})
    ),
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def update_order(client: ShopifyClient, args: inputs.UpdateOrderInput) -> Reply:
    payload = await client.mutate(docs.UPDATE_ORDER, update_order_variables(args), "orderUpdate")
    order = outputs.UpdateOrderOutput.model_validate(found(payload, "order", args.order_id))
    return Reply(order, updated_order_text(order))


# --------------------------------------------------------------------------- search strings


def orders_query(args: inputs.ListOrdersInput) -> str | None:
    return search.join(
        [
            search.enum("status", args.status) if args.status else None,
            search.enum("financial_status", args.financial_status)
            if args.financial_status
            else None,
            search.enum("fulfillment_status", args.fulfillment_status)
            if args.fulfillment_status
            else None,
            search.date_from("created_at", args.created_from) if args.created_from else None,
            search.date_to("created_at", args.created_to) if args.created_to else None,
            search.number("customer_id", numeric_id(args.customer_id))
            if args.customer_id
            else None,
        ]
    )


# --------------------------------------------------------------------------- mutation variables


def update_order_variables(args: inputs.UpdateOrderInput) -> dict[str, Any]:
    order: dict[str, Any] = {"id": args.order_id}
    if args.note is not None:
        order["note"] = args.note
    if args.tags is not None:
        order["tags"] = args.tags
    return {"input": order}


# --------------------------------------------------------------------------- reply texts


def orders_text(page: outputs.ListOrdersOutput) -> str:
    lines = [
        f"{o.name} {o.created_at[:10]} {o.financial_status}/{o.fulfillment_status} {money(o.total)}"
        for o in page.orders
    ]
    return "\n".join([f"{plural(len(page.orders), 'order')}{more(page.page_info)}", *lines])


def order_text(order: outputs.OrderOutput) -> str:
    return (
        f"Order {order.name}: {order.financial_status}/{order.fulfillment_status}, "
        f"total {money(order.total)}, {plural(len(order.line_items), 'line item')}, "
        f"{plural(len(order.fulfillments), 'fulfillment')}, "
        f"{plural(len(order.refunds), 'refund')}"
    )


def refunds_text(refunds: outputs.ListOrderRefundsOutput) -> str:
    return (
        f"Order {refunds.order_name}: {plural(len(refunds.refunds), 'refund')}, "
        f"{money(refunds.total_refunded)} refunded in total"
    )


def updated_order_text(order: outputs.UpdateOrderOutput) -> str:
    return f"Updated order {order.name}"
