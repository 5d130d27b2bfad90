"""Draft order tools: orders staff put together for a customer (phone, chat, wholesale)."""

from __future__ import annotations

import uuid
from typing import Any

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import drafts as inputs
from shopmcp_adapters.upstreams.shopify.inputs.common import numeric_id
from shopmcp_adapters.upstreams.shopify.outputs import drafts as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import (
    created,
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
    "shopify_list_draft_orders",
    "List draft orders",
    "Draft orders, most recently updated first, by status or customer, with their ids.",
    inputs.ListDraftOrdersInput,
    outputs.ListDraftOrdersOutput,
    op(docs.LIST_DRAFT_ORDERS),
)
async def list_draft_orders(client: ShopifyClient, args: inputs.ListDraftOrdersInput) -> Reply:
    variables = {"first": args.first, "after": args.after, "query": drafts_query(args)}
    page = outputs.ListDraftOrdersOutput.model_validate(
        await client.query(docs.LIST_DRAFT_ORDERS, variables)
    )
    return Reply(page, drafts_text(page))


@tools.read(
    "shopify_get_draft_order",
    "Get a draft order",
    "One draft order with its lines, totals, customer and the order it became, if completed.",
    inputs.GetDraftOrderInput,
    outputs.DraftOrderOutput,
    op(docs.GET_DRAFT_ORDER),
)
async def get_draft_order(client: ShopifyClient, args: inputs.GetDraftOrderInput) -> Reply:
    data = await client.query(docs.GET_DRAFT_ORDER, {"id": args.draft_order_id})
    draft = outputs.DraftOrderOutput.model_validate(found(data, "draftOrder", args.draft_order_id))
    return Reply(draft, draft_text(draft))


@tools.write(
    "shopify_create_draft_order",
    "Create a draft order",
    "Put together a draft order of product variants and quantities, optionally for a customer, "
    "with a note and tags. Nothing is charged: staff send the invoice or complete it in "
    "Shopify.",
    inputs.CreateDraftOrderInput,
    outputs.DraftOrderOutput,
    op(docs.CREATE_DRAFT_ORDER),
    whitelist=WriteWhitelist(writable=frozenset({"variants", "customer_id", "note", "tags"})),
    # It adds a draft; the same call again adds another.
    annotations=write_hints(destructive=False, idempotent=False),
)
async def create_draft_order(client: ShopifyClient, args: inputs.CreateDraftOrderInput) -> Reply:
    payload = await client.mutate(
        docs.CREATE_DRAFT_ORDER, create_draft_variables(args), "draftOrderCreate"
    )
    draft = outputs.DraftOrderOutput.model_validate(created(payload, "draftOrder"))
    return Reply(draft, "Created " + draft_text(draft))


# --------------------------------------------------------------------------- search strings


def drafts_query(args: inputs.ListDraftOrdersInput) -> str | None:
    return search.join(
        [
            search.enum("status", args.status) if args.status else None,
            search.number("customer_id", numeric_id(args.customer_id))
            if args.customer_id
            else None,
        ]
    )


# --------------------------------------------------------------------------- mutation variables


def create_draft_variables(args: inputs.CreateDraftOrderInput) -> dict[str, Any]:
    # The schema asks for a line's uuid (it matters for bundles): each line gets a fresh one.
    lines = [
        {"variantId": v.variant_id, "quantity": v.quantity, "uuid": str(uuid.uuid4())}
        for v in args.variants
    ]
    draft: dict[str, Any] = {"lineItems": lines}
    if args.customer_id is not None:
        draft["purchasingEntity"] = {"customerId": args.customer_id}
        draft["useCustomerDefaultAddress"] = True
    if args.note is not None:
        draft["note"] = args.note
    if args.tags is not None:
        draft["tags"] = args.tags
    return {"input": draft}


# --------------------------------------------------------------------------- reply texts


def drafts_text(page: outputs.ListDraftOrdersOutput) -> str:
    lines = [
        f"{d.name} {d.status} {money(d.total)}, {plural(d.item_count, 'item')}"
        + (f", for {d.customer_name}" if d.customer_name else "")
        + (f", became order {d.order_name}" if d.order_name else "")
        + f", id {d.id}"
        for d in page.draft_orders
    ]
    header = f"{plural(len(page.draft_orders), 'draft order')}{more(page.page_info)}"
    return "\n".join([header, *lines, *next_page(page.page_info)])


def draft_text(draft: outputs.DraftOrderOutput) -> str:
    header = (
        f"draft order {draft.name} ({draft.status}), total {money(draft.total)}"
        + (f", for {draft.customer_name}" if draft.customer_name else "")
        + f", id {draft.id}"
    )
    lines = [
        f"- {line.quantity} x {line.title} ({line.sku or 'no SKU'}) {money(line.total)}"
        for line in draft.lines
    ]
    return "\n".join([header, *lines])
