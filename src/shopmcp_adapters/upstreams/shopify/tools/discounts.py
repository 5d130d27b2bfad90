"""Discount tools: list and read discounts, and create a basic discount code."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import discounts as inputs
from shopmcp_adapters.upstreams.shopify.inputs.common import timestamp
from shopmcp_adapters.upstreams.shopify.outputs import discounts as outputs
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
    "shopify_list_discounts",
    "List discounts",
    "Discounts, most recently updated first, by status (active, scheduled, expired), kind "
    "(code or automatic), code or words; with their ids, codes and use counts.",
    inputs.ListDiscountsInput,
    outputs.ListDiscountsOutput,
    op(docs.LIST_DISCOUNTS),
)
async def list_discounts(client: ShopifyClient, args: inputs.ListDiscountsInput) -> Reply:
    variables = {"first": args.first, "after": args.after, "query": discounts_query(args)}
    page = outputs.ListDiscountsOutput.model_validate(
        await client.query(docs.LIST_DISCOUNTS, variables)
    )
    return Reply(page, discounts_text(page))


@tools.read(
    "shopify_get_discount",
    "Get a discount",
    "One discount: what it gives, what it needs, when it runs, its limits, codes and uses.",
    inputs.GetDiscountInput,
    outputs.DiscountOutput,
    op(docs.GET_DISCOUNT),
)
async def get_discount(client: ShopifyClient, args: inputs.GetDiscountInput) -> Reply:
    data = await client.query(docs.GET_DISCOUNT, {"id": args.discount_id})
    discount = outputs.DiscountOutput.model_validate(found(data, "discountNode", args.discount_id))
    return Reply(discount, discount_text(discount))


@tools.write(
    "shopify_create_discount_code",
    "Create a discount code",
    "Create a code customers enter at checkout for a percentage or a fixed amount off the "
    "order, from starts_at (until ends_at, if given), with optional limits: total uses, once "
    "per customer, a minimum subtotal, or only some customers.",
    inputs.CreateDiscountCodeInput,
    outputs.DiscountOutput,
    op(docs.CREATE_DISCOUNT_CODE),
    whitelist=WriteWhitelist(
        writable=frozenset(
            {
                "title",
                "code",
                "value_type",
                "value",
                "starts_at",
                "ends_at",
                "usage_limit",
                "once_per_customer",
                "minimum_subtotal",
                "customer_ids",
            }
        )
    ),
    # It adds a discount. Shopify refuses a code that already exists, but a refusal is not a
    # guarantee a client should build on: the hint stays "not idempotent".
    annotations=write_hints(destructive=False, idempotent=False),
)
async def create_discount_code(
    client: ShopifyClient, args: inputs.CreateDiscountCodeInput
) -> Reply:
    payload = await client.mutate(
        docs.CREATE_DISCOUNT_CODE, create_discount_variables(args), "discountCodeBasicCreate"
    )
    discount = outputs.DiscountOutput.model_validate(created(payload, "codeDiscountNode"))
    return Reply(discount, "Created " + discount_text(discount))


# --------------------------------------------------------------------------- search strings


def discounts_query(args: inputs.ListDiscountsInput) -> str | None:
    return search.join(
        [
            search.phrase(None, args.search) if args.search else None,
            search.enum("status", args.status) if args.status else None,
            search.enum("method", args.kind) if args.kind else None,
            search.phrase("code", args.code) if args.code else None,
        ]
    )


# --------------------------------------------------------------------------- mutation variables


def create_discount_variables(args: inputs.CreateDiscountCodeInput) -> dict[str, Any]:
    if args.value_type == "percentage":
        # Shopify takes 10 % as 0.1.
        value: dict[str, Any] = {"percentage": float(args.value / Decimal(100))}
    else:
        value = {"discountAmount": {"amount": str(args.value), "appliesOnEachItem": False}}
    discount: dict[str, Any] = {
        "title": args.title,
        "code": args.code,
        "startsAt": timestamp(args.starts_at),
        "endsAt": timestamp(args.ends_at) if args.ends_at else None,
        "customerGets": {"value": value, "items": {"all": True}},
        "context": {"customers": {"add": args.customer_ids}}
        if args.customer_ids
        else {"all": "ALL"},
        "appliesOncePerCustomer": args.once_per_customer,
        "usageLimit": args.usage_limit,
    }
    if args.minimum_subtotal is not None:
        discount["minimumRequirement"] = {
            "subtotal": {"greaterThanOrEqualToSubtotal": str(args.minimum_subtotal)}
        }
    return {"basicCodeDiscount": discount}


# --------------------------------------------------------------------------- reply texts


def discounts_text(page: outputs.ListDiscountsOutput) -> str:
    lines = [
        f"{d.title} [{d.status}] {d.method}"
        + (f" {d.code}" if d.code else "")
        + (f": {d.summary}" if d.summary else "")
        + f", used {d.usage_count}"
        + (f" of {d.usage_limit}" if d.usage_limit else "")
        + f", id {d.id}"
        for d in page.discounts
    ]
    header = f"{plural(len(page.discounts), 'discount')}{more(page.page_info)}"
    return "\n".join([header, *lines, *next_page(page.page_info)])


def discount_text(discount: outputs.DiscountOutput) -> str:
    gives = (
        f"{discount.percent_off:g}% off"
        if discount.percent_off is not None
        else f"{money(discount.amount_off)} off"
        if discount.amount_off is not None
        else discount.summary or discount.type
    )
    codes = f" code {', '.join(discount.codes)}" if discount.codes else ""
    return (
        f"discount {discount.title} [{discount.status}]{codes}: {gives}, from "
        f"{discount.starts_at} until {discount.ends_at or 'no end'}, used {discount.usage_count}"
        + (f" of {discount.usage_limit}" if discount.usage_limit else "")
        + f", id {discount.id}"
    )
