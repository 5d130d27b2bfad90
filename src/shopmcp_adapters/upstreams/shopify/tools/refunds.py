"""Refund tools: read a refund, ask Shopify what a refund would return, and make one."""

from __future__ import annotations

import uuid
from typing import Any

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify.client import PLATFORM, ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import refunds as inputs
from shopmcp_adapters.upstreams.shopify.outputs import refunds as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import (
    created,
    found,
    money,
    op,
    tools,
    write_hints,
)
from shopmcp_domain.errors import UpstreamError
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "shopify_get_refund",
    "Get a refund",
    "One refund: its order, refunded lines (with restock type) and the payments it returned.",
    inputs.GetRefundInput,
    outputs.RefundOutput,
    op(docs.GET_REFUND),
)
async def get_refund(client: ShopifyClient, args: inputs.GetRefundInput) -> Reply:
    data = await client.query(docs.GET_REFUND, {"id": args.refund_id})
    refund = outputs.RefundOutput.model_validate(found(data, "refund", args.refund_id))
    return Reply(refund, refund_text(refund))


@tools.read(
    "shopify_suggest_refund",
    "Work out a refund",
    "What refunding these line items (and optionally the shipping) of an order would return, "
    "as Shopify calculates it: amounts, tax, and the payments to refund (their ids, gateways "
    "and amounts are what shopify_create_refund takes as transactions). Changes nothing.",
    inputs.SuggestRefundInput,
    outputs.SuggestRefundOutput,
    op(docs.SUGGEST_REFUND),
)
async def suggest_refund(client: ShopifyClient, args: inputs.SuggestRefundInput) -> Reply:
    variables = {
        "id": args.order_id,
        "refundLineItems": [
            {"lineItemId": line.line_item_id, "quantity": line.quantity} for line in args.line_items
        ],
        "refundShipping": args.refund_shipping,
    }
    order = found(await client.query(docs.SUGGEST_REFUND, variables), "order", args.order_id)
    if order.get("suggestedRefund") is None:
        raise UpstreamError(PLATFORM, 200, f"Shopify suggests no refund for {args.order_id}")
    suggestion = outputs.SuggestRefundOutput.model_validate(order)
    return Reply(suggestion, suggestion_text(suggestion))


@tools.write(
    "shopify_create_refund",
    "Refund an order",
    "Refund line items (and optionally the shipping) of an order: record them as returned "
    "(restock_type return, with the location), cancelled or not restocked, and send money "
    "back through the transactions shopify_suggest_refund gave. Without transactions no "
    "money moves.",
    inputs.CreateRefundInput,
    outputs.RefundOutput,
    op(docs.CREATE_REFUND),
    whitelist=WriteWhitelist(
        writable=frozenset(
            {
                "line_items",
                "restock_type",
                "location_id",
                "refund_shipping",
                "transactions",
                "note",
                "notify_customer",
            }
        ),
        locators=frozenset({"order_id"}),
    ),
    # Money leaves the shop for good; the same call again refunds again while anything is
    # left to refund.
    annotations=write_hints(destructive=True, idempotent=False),
)
async def create_refund(client: ShopifyClient, args: inputs.CreateRefundInput) -> Reply:
    # A fresh key per call, as for stock: Shopify replays the first answer to a repeated key,
    # and a second refund asked for later is a new refund, not a retry (the gateway never
    # retries a mutation itself).
    variables = create_refund_variables(args, idempotency_key=str(uuid.uuid4()))
    payload = await client.mutate(docs.CREATE_REFUND, variables, "refundCreate")
    refund = outputs.RefundOutput.model_validate(created(payload, "refund"))
    return Reply(refund, "Refunded: " + refund_text(refund))


# --------------------------------------------------------------------------- mutation variables


def create_refund_variables(args: inputs.CreateRefundInput, idempotency_key: str) -> dict[str, Any]:
    restock = args.restock_type.upper()
    lines = []
    for line in args.line_items:
        entry: dict[str, Any] = {
            "lineItemId": line.line_item_id,
            "quantity": line.quantity,
            "restockType": restock,
        }
        if args.location_id is not None and restock != "NO_RESTOCK":
            entry["locationId"] = args.location_id
        lines.append(entry)
    refund: dict[str, Any] = {
        "orderId": args.order_id,
        "refundLineItems": lines,
        "notify": args.notify_customer,
        "transactions": [
            {
                "orderId": args.order_id,
                "parentId": t.parent_transaction_id,
                "gateway": t.gateway,
                "kind": "REFUND",
                "amount": str(t.amount),
            }
            for t in args.transactions
        ],
    }
    if args.refund_shipping:
        refund["shipping"] = {"fullRefund": True}
    if args.note is not None:
        refund["note"] = args.note
    return {"input": refund, "idempotencyKey": idempotency_key}


# --------------------------------------------------------------------------- reply texts


def refund_text(refund: outputs.RefundOutput) -> str:
    header = f"refund {refund.id} of order {refund.order_name}: {money(refund.total)}"
    lines = [
        f"- {line.quantity} x {line.title} ({line.restock_type}) {money(line.subtotal)}"
        for line in refund.lines
    ]
    lines += [
        f"- {t.kind} {t.status} via {t.gateway or '?'}: {money(t.amount)}"
        for t in refund.transactions
    ]
    return "\n".join([header, *lines])


def suggestion_text(suggestion: outputs.SuggestRefundOutput) -> str:
    header = (
        f"Refunding order {suggestion.order_name} would return {money(suggestion.amount)} "
        f"(subtotal {money(suggestion.subtotal)}, tax {money(suggestion.tax)}, shipping "
        f"{money(suggestion.shipping)}; at most {money(suggestion.maximum_refundable)})"
    )
    lines = [
        f"- transaction: parent_transaction_id {t.parent_transaction_id}, gateway {t.gateway}, "
        f"amount {t.amount.amount}"
        for t in suggestion.transactions
    ]
    return "\n".join([header, *lines])
