"""Outputs of the order tools."""

from __future__ import annotations

from pydantic import AliasPath, Field

from shopmcp_adapters.upstreams.shopify.outputs.common import (
    Money,
    OutputModel,
    PageInfo,
    nested,
)


class OrderSummary(OutputModel):
    id: str
    name: str
    created_at: str = Field(validation_alias="createdAt")
    cancelled_at: str | None = Field(validation_alias="cancelledAt")
    closed: bool
    financial_status: str | None = Field(validation_alias="displayFinancialStatus")
    fulfillment_status: str = Field(validation_alias="displayFulfillmentStatus")
    total: Money = Field(validation_alias="currentTotalPriceSet")
    customer_id: str | None = nested("customer", "id")
    customer_name: str | None = nested("customer", "displayName")
    item_count: int = Field(validation_alias="subtotalLineItemsQuantity")


# Parsed from ``data`` of ListOrders.
class ListOrdersOutput(OutputModel):
    orders: list[OrderSummary] = Field(validation_alias=AliasPath("orders", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("orders", "pageInfo"))


class LineItem(OutputModel):
    id: str
    title: str
    sku: str | None
    quantity: int
    current_quantity: int = Field(validation_alias="currentQuantity")
    unit_price: Money = Field(validation_alias="originalUnitPriceSet")
    variant_id: str | None = nested("variant", "id")


class Tracking(OutputModel):
    company: str | None
    number: str | None
    url: str | None


class Fulfillment(OutputModel):
    id: str
    status: str
    created_at: str = Field(validation_alias="createdAt")
    tracking: list[Tracking] = Field(validation_alias="trackingInfo")


class RefundSummary(OutputModel):
    id: str
    created_at: str = Field(validation_alias="createdAt")
    note: str | None
    total: Money = Field(validation_alias="totalRefundedSet")


class OrderOutput(OutputModel):
    id: str
    name: str
    created_at: str = Field(validation_alias="createdAt")
    processed_at: str = Field(validation_alias="processedAt")
    cancelled_at: str | None = Field(validation_alias="cancelledAt")
    cancel_reason: str | None = Field(validation_alias="cancelReason")
    closed: bool
    note: str | None
    tags: list[str]
    financial_status: str | None = Field(validation_alias="displayFinancialStatus")
    fulfillment_status: str = Field(validation_alias="displayFulfillmentStatus")
    subtotal: Money | None = Field(validation_alias="subtotalPriceSet")
    shipping: Money = Field(validation_alias="totalShippingPriceSet")
    tax: Money | None = Field(validation_alias="totalTaxSet")
    total: Money = Field(validation_alias="currentTotalPriceSet")
    refunded: Money = Field(validation_alias="totalRefundedSet")
    customer_id: str | None = nested("customer", "id")
    customer_name: str | None = nested("customer", "displayName")
    line_items: list[LineItem] = Field(validation_alias=AliasPath("lineItems", "nodes"))
    fulfillments: list[Fulfillment]
    refunds: list[RefundSummary]


class RefundLine(OutputModel):
    line_item_id: str = Field(validation_alias=AliasPath("lineItem", "id"))
    title: str = Field(validation_alias=AliasPath("lineItem", "title"))
    sku: str | None = nested("lineItem", "sku")
    quantity: int
    restock_type: str = Field(validation_alias="restockType")
    subtotal: Money = Field(validation_alias="subtotalSet")


class Refund(OutputModel):
    id: str
    created_at: str = Field(validation_alias="createdAt")
    note: str | None
    total: Money = Field(validation_alias="totalRefundedSet")
    lines: list[RefundLine] = Field(validation_alias=AliasPath("refundLineItems", "nodes"))


# Parsed from the ``order`` node of ListOrderRefunds.
class ListOrderRefundsOutput(OutputModel):
    order_id: str = Field(validation_alias="id")
    order_name: str = Field(validation_alias="name")
    total_refunded: Money = Field(validation_alias="totalRefundedSet")
    refunds: list[Refund]


class UpdateOrderOutput(OutputModel):
    id: str
    name: str
    note: str | None
    tags: list[str]
    updated_at: str = Field(validation_alias="updatedAt")


# Parsed from the orderCancel payload with the order's id added: Shopify cancels in a job.
class CancelOrderOutput(OutputModel):
    order_id: str = Field(validation_alias="orderId")
    job_id: str | None = nested("job", "id")
    job_done: bool | None = nested("job", "done")


class CheckoutItem(OutputModel):
    title: str | None
    sku: str | None
    quantity: int
    variant_id: str | None = nested("variant", "id")


class AbandonedCheckout(OutputModel):
    id: str
    name: str
    created_at: str = Field(validation_alias="createdAt")
    updated_at: str = Field(validation_alias="updatedAt")
    completed_at: str | None = Field(validation_alias="completedAt")
    total: Money = Field(validation_alias="totalPriceSet")
    customer_id: str | None = nested("customer", "id")
    customer_name: str | None = nested("customer", "displayName")
    # The first five lines of the cart.
    items: list[CheckoutItem] = Field(validation_alias=AliasPath("lineItems", "nodes"))


# Parsed from ``data`` of ListAbandonedCheckouts.
class ListAbandonedCheckoutsOutput(OutputModel):
    checkouts: list[AbandonedCheckout] = Field(
        validation_alias=AliasPath("abandonedCheckouts", "nodes")
    )
    page_info: PageInfo = Field(validation_alias=AliasPath("abandonedCheckouts", "pageInfo"))
