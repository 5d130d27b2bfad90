"""Inputs of the draft order tools."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shopmcp_adapters.upstreams.shopify.inputs.common import (
    Cursor,
    CustomerId,
    DraftOrderId,
    PageSize,
    ProductVariantId,
    StrictModel,
    Tag,
)

DraftOrderStatus = Literal["open", "invoice_sent", "completed"]


class ListDraftOrdersInput(StrictModel):
    status: DraftOrderStatus | None = None
    customer_id: CustomerId | None = None
    first: PageSize = 20
    after: Cursor | None = None


class GetDraftOrderInput(StrictModel):
    draft_order_id: DraftOrderId


class DraftVariantInput(StrictModel):
    variant_id: ProductVariantId = Field(description="A product variant (shopify_get_product).")
    quantity: int = Field(ge=1, le=10_000)


class CreateDraftOrderInput(StrictModel):
    variants: list[DraftVariantInput] = Field(min_length=1, max_length=50)
    customer_id: CustomerId | None = Field(
        default=None, description="The customer the draft is for (their default address is used)."
    )
    note: str | None = Field(default=None, max_length=5_000)
    tags: list[Tag] | None = Field(default=None, max_length=250)
