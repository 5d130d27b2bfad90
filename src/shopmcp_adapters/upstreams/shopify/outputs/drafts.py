"""Outputs of the draft order tools."""

from __future__ import annotations

from pydantic import AliasPath, Field

from shopmcp_adapters.upstreams.shopify.outputs.common import (
    Money,
    OutputModel,
    PageInfo,
    nested,
)


class DraftOrderSummary(OutputModel):
    id: str
    name: str
    status: str
    created_at: str = Field(validation_alias="createdAt")
    updated_at: str = Field(validation_alias="updatedAt")
    item_count: int = Field(validation_alias="totalQuantityOfLineItems")
    total: Money = Field(validation_alias="totalPriceSet")
    customer_id: str | None = nested("customer", "id")
    customer_name: str | None = nested("customer", "displayName")
    # The order the draft became, once completed.
    order_id: str | None = nested("order", "id")
    order_name: str | None = nested("order", "name")


# Parsed from ``data`` of ListDraftOrders.
class ListDraftOrdersOutput(OutputModel):
    draft_orders: list[DraftOrderSummary] = Field(
        validation_alias=AliasPath("draftOrders", "nodes")
    )
    page_info: PageInfo = Field(validation_alias=AliasPath("draftOrders", "pageInfo"))


class DraftLine(OutputModel):
    id: str
    title: str
    sku: str | None
    quantity: int
    variant_id: str | None = nested("variant", "id")
    unit_price: Money = Field(validation_alias="originalUnitPriceSet")
    total: Money = Field(validation_alias="discountedTotalSet")


# Parsed from a ``DraftOrder`` node (GetDraftOrder, and the draftOrderCreate payload).
class DraftOrderOutput(OutputModel):
    id: str
    name: str
    status: str
    created_at: str = Field(validation_alias="createdAt")
    updated_at: str = Field(validation_alias="updatedAt")
    completed_at: str | None = Field(validation_alias="completedAt")
    note: str | None = Field(validation_alias="note2")
    tags: list[str]
    customer_id: str | None = nested("customer", "id")
    customer_name: str | None = nested("customer", "displayName")
    order_id: str | None = nested("order", "id")
    order_name: str | None = nested("order", "name")
    subtotal: Money = Field(validation_alias="subtotalPriceSet")
    tax: Money = Field(validation_alias="totalTaxSet")
    shipping: Money = Field(validation_alias="totalShippingPriceSet")
    total: Money = Field(validation_alias="totalPriceSet")
    lines: list[DraftLine] = Field(validation_alias=AliasPath("lineItems", "nodes"))
