"""Metafield tools: the custom fields merchants and apps keep on products, orders and
customers (one tool per owner, each reading its owner's metafields)."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import metafields as inputs
from shopmcp_adapters.upstreams.shopify.outputs import metafields as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import found, more, next_page, op, tools

_DESCRIPTION = (
    "The metafields (custom fields) of one {owner}: namespace, key, type and value (the first "
    "2,000 characters), optionally of one namespace; paged with a cursor."
)


def _variables(args: inputs.MetafieldPage, owner_id: str) -> dict[str, Any]:
    return {"id": owner_id, "first": args.first, "after": args.after, "namespace": args.namespace}


@tools.read(
    "shopify_get_product_metafields",
    "A product's metafields",
    _DESCRIPTION.format(owner="product"),
    inputs.ProductMetafieldsInput,
    outputs.MetafieldsOutput,
    op(docs.GET_PRODUCT_METAFIELDS),
)
async def product_metafields(client: ShopifyClient, args: inputs.ProductMetafieldsInput) -> Reply:
    data = await client.query(docs.GET_PRODUCT_METAFIELDS, _variables(args, args.product_id))
    fields = outputs.MetafieldsOutput.model_validate(found(data, "product", args.product_id))
    return Reply(fields, metafields_text(fields))


@tools.read(
    "shopify_get_order_metafields",
    "An order's metafields",
    _DESCRIPTION.format(owner="order"),
    inputs.OrderMetafieldsInput,
    outputs.MetafieldsOutput,
    op(docs.GET_ORDER_METAFIELDS),
)
async def order_metafields(client: ShopifyClient, args: inputs.OrderMetafieldsInput) -> Reply:
    data = await client.query(docs.GET_ORDER_METAFIELDS, _variables(args, args.order_id))
    fields = outputs.MetafieldsOutput.model_validate(found(data, "order", args.order_id))
    return Reply(fields, metafields_text(fields))


@tools.read(
    "shopify_get_customer_metafields",
    "A customer's metafields",
    _DESCRIPTION.format(owner="customer"),
    inputs.CustomerMetafieldsInput,
    outputs.MetafieldsOutput,
    op(docs.GET_CUSTOMER_METAFIELDS),
)
async def customer_metafields(client: ShopifyClient, args: inputs.CustomerMetafieldsInput) -> Reply:
    data = await client.query(docs.GET_CUSTOMER_METAFIELDS, _variables(args, args.customer_id))
    fields = outputs.MetafieldsOutput.model_validate(found(data, "customer", args.customer_id))
    return Reply(fields, metafields_text(fields))


def metafields_text(fields: outputs.MetafieldsOutput) -> str:
    def shown(value: str) -> str:
        return value if len(value) <= 80 else value[:77] + "..."

    lines = [f"{m.namespace}.{m.key} ({m.type}) = {shown(m.value)}" for m in fields.metafields]
    header = (
        f"{fields.owner_name} ({fields.owner_id}): {len(fields.metafields)} metafields"
        f"{more(fields.page_info)}"
    )
    return "\n".join([header, *lines, *next_page(fields.page_info)])
