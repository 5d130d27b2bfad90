"""Order tools: orders, their refunds, note and tags, cancelling, and abandoned checkouts."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import orders as inputs
from shopmcp_adapters.upstreams.shopify.inputs.common import numeric_id
from shopmcp_adapters.upstreams.shopify.outputs import orders as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import (
    found,
    money,
    more,
    next_page,
    op,
    plural,
    tools,
    write_hints,
)
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "shopify_list_orders",
    "List orders",
    "Recent orders, newest first, filtered by status, financial or fulfilment status, "
    "created date range or customer; paged with a cursor. Each line ends with the order's id "
    "for shopify_get_order.",
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
    "One order with its line items (ids for refunds), fulfilments (with tracking) and refunds.",
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


@tools.read(
    "shopify_list_abandoned_checkouts",
    "List abandoned checkouts",
    "Checkouts customers left before paying, newest first, with the customer (id for "
    "shopify_get_customer), the total and the first cart lines; filtered by status, whether "
    "they were recovered, and created date range.",
    inputs.ListAbandonedCheckoutsInput,
    outputs.ListAbandonedCheckoutsOutput,
    op(docs.LIST_ABANDONED_CHECKOUTS),
)
async def list_abandoned_checkouts(
    client: ShopifyClient, args: inputs.ListAbandonedCheckoutsInput
) -> Reply:
    variables = {"first": args.first, "after": args.after, "query": checkouts_query(args)}
    page = outputs.ListAbandonedCheckoutsOutput.model_validate(
        await client.query(docs.LIST_ABANDONED_CHECKOUTS, variables)
    )
    return Reply(page, checkouts_text(page))


@tools.write(
    "shopify_update_order",
    "Update an order's note or tags",
    "Replace an order's note and/or its tags (the tags given replace all of them). Nothing "
    "else about the order changes.",
    inputs.UpdateOrderInput,
    outputs.UpdateOrderOutput,
    op(docs.UPDATE_ORDER),
    whitelist=WriteWhitelist(
        writable=frozenset({"note", "tags"}), locators=frozenset({"order_id"})
    ),
    # It overwrites the note and the tags; the same call again leaves them as they are.
    annotations=write_hints(destructive=True, idempotent=True),
)
async def update_order(client: ShopifyClient, args: inputs.UpdateOrderInput) -> Reply:
    payload = await client.mutate(docs.UPDATE_ORDER, update_order_variables(args), "orderUpdate")
    order = outputs.UpdateOrderOutput.model_validate(found(payload, "order", args.order_id))
    return Reply(order, updated_order_text(order))


@tools.write(
    "shopify_cancel_order",
    "Cancel an order",
    "Cancel an order for good (Shopify cannot undo it), with the reason; optionally put its "
    "stock back, refund the customer's payments and notify them. Shopify cancels in a "
    "background job: shopify_get_order shows the result.",
    inputs.CancelOrderInput,
    outputs.CancelOrderOutput,
    op(docs.CANCEL_ORDER),
    whitelist=WriteWhitelist(
        writable=frozenset(
            {"reason", "restock", "refund_payment", "notify_customer", "staff_note"}
        ),
        locators=frozenset({"order_id"}),
    ),
    # Irreversible; a second cancel of the same order is refused and changes nothing.
    annotations=write_hints(destructive=True, idempotent=True),
)
async def cancel_order(client: ShopifyClient, args: inputs.CancelOrderInput) -> Reply:
    payload = await client.mutate(
        docs.CANCEL_ORDER, cancel_order_variables(args), "orderCancel", "orderCancelUserErrors"
    )
    cancel = outputs.CancelOrderOutput.model_validate({**payload, "orderId": args.order_id})
    return Reply(cancel, cancel_text(cancel))


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


def checkouts_query(args: inputs.ListAbandonedCheckoutsInput) -> str | None:
    return search.join(
        [
            search.enum("status", args.status) if args.status else None,
            search.enum("recovery_state", args.recovery) if args.recovery else None,
            search.date_from("created_at", args.created_from) if args.created_from else None,
            search.date_to("created_at", args.created_to) if args.created_to else None,
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


def cancel_order_variables(args: inputs.CancelOrderInput) -> dict[str, Any]:
    return {
        "orderId": args.order_id,
        "reason": args.reason.upper(),
        "restock": args.restock,
        # Without a refund method Shopify refunds nothing (authorisations are voided anyway).
        "refundMethod": {"originalPaymentMethodsRefund": True} if args.refund_payment else None,
        "notifyCustomer": args.notify_customer,
        "staffNote": args.staff_note,
    }


# --------------------------------------------------------------------------- reply texts


def orders_text(page: outputs.ListOrdersOutput) -> str:
    lines = [
        f"{o.name} {o.created_at[:10]} {o.financial_status}/{o.fulfillment_status} "
        f"{money(o.total)}, id {o.id}"
        for o in page.orders
    ]
    header = f"{plural(len(page.orders), 'order')}{more(page.page_info)}"
    return "\n".join([header, *lines, *next_page(page.page_info)])


def order_text(order: outputs.OrderOutput) -> str:
    summary = (
        f"Order {order.name}: {order.financial_status}/{order.fulfillment_status}, "
        f"total {money(order.total)}, {plural(len(order.line_items), 'line item')}, "
        f"{plural(len(order.fulfillments), 'fulfillment')}, "
        f"{plural(len(order.refunds), 'refund')}"
    )
    lines = [
        f"- {li.quantity} x {li.title} ({li.sku or 'no SKU'}) at {money(li.unit_price)}, "
        f"line item {li.id}"
        for li in order.line_items
    ]
    lines += [
        f"- fulfillment {f.id} {f.status}"
        + "".join(f", {t.company or 'carrier?'} {t.number or ''}".rstrip() for t in f.tracking)
        for f in order.fulfillments
    ]
    lines += [f"- refund {r.id} {money(r.total)}" for r in order.refunds]
    return "\n".join([summary, *lines])


def refunds_text(refunds: outputs.ListOrderRefundsOutput) -> str:
    header = (
        f"Order {refunds.order_name}: {plural(len(refunds.refunds), 'refund')}, "
        f"{money(refunds.total_refunded)} refunded in total"
    )
    lines = [f"- refund {r.id} {r.created_at[:10]} {money(r.total)}" for r in refunds.refunds]
    return "\n".join([header, *lines])


def checkouts_text(page: outputs.ListAbandonedCheckoutsOutput) -> str:
    lines = [
        f"{c.name} {c.created_at[:10]} {money(c.total)}"
        + (f", customer {c.customer_name} ({c.customer_id})" if c.customer_id else "")
        + (", recovered" if c.completed_at else "")
        + f", id {c.id}"
        for c in page.checkouts
    ]
    header = f"{plural(len(page.checkouts), 'abandoned checkout')}{more(page.page_info)}"
    return "\n".join([header, *lines, *next_page(page.page_info)])


def updated_order_text(order: outputs.UpdateOrderOutput) -> str:
    return f"Updated order {order.name}"


def cancel_text(cancel: outputs.CancelOrderOutput) -> str:
    if cancel.job_done is False:
        return f"Cancelling order {cancel.order_id} (Shopify job {cancel.job_id} running)"
    return f"Cancelled order {cancel.order_id}"
