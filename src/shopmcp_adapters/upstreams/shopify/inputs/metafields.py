"""Inputs of the metafield tools (one per owner: product, order, customer)."""

from __future__ import annotations

from pydantic import Field

from shopmcp_adapters.upstreams.shopify.inputs.common import (
    Cursor,
    CustomerId,
    MetafieldNamespace,
    OrderId,
    PageSize,
    ProductId,
    StrictModel,
)


class MetafieldPage(StrictModel):
    namespace: MetafieldNamespace | None = Field(
        default=None, description="Only this namespace (e.g. custom)."
    )
    first: PageSize = 20
    after: Cursor | None = None


class ProductMetafieldsInput(MetafieldPage):
    product_id: ProductId


class OrderMetafieldsInput(MetafieldPage):
    order_id: OrderId


class CustomerMetafieldsInput(MetafieldPage):
    customer_id: CustomerId
