"""Inputs of the refund tools: read one refund, ask Shopify what a refund would be, make one."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.shopify.inputs.common import (
    Amount,
    Gateway,
    LineItemId,
    LocationId,
    OrderId,
    OrderTransactionId,
    RefundId,
    StrictModel,
)


class GetRefundInput(StrictModel):
    refund_id: RefundId


class RefundLineInput(StrictModel):
    line_item_id: LineItemId = Field(description="The order's line item (shopify_get_order).")
    quantity: int = Field(ge=1, le=100_000)


RefundLines = list[RefundLineInput]


class SuggestRefundInput(StrictModel):
    order_id: OrderId
    line_items: RefundLines = Field(default_factory=list, max_length=100)
    refund_shipping: bool = Field(default=False, description="Include the full shipping cost.")

    @model_validator(mode="after")
    def _something(self) -> SuggestRefundInput:
        if not self.line_items and not self.refund_shipping:
            raise ValueError("give line_items, refund_shipping or both")
        return self


# What happens to the refunded items' stock: "return" puts it back at the location (the items
# came back), "cancel" releases unfulfilled items, "no_restock" leaves stock alone.
RestockType = Literal["return", "cancel", "no_restock"]


class RefundTransactionInput(StrictModel):
    parent_transaction_id: OrderTransactionId = Field(
        description="The payment being refunded, as shopify_suggest_refund shows it."
    )
    gateway: Gateway
    amount: Amount


class CreateRefundInput(StrictModel):
    order_id: OrderId
    line_items: RefundLines = Field(default_factory=list, max_length=100)
    restock_type: RestockType = "no_restock"
    location_id: LocationId | None = Field(
        default=None, description="Where returned stock goes back (restock_type return)."
    )
    refund_shipping: bool = False
    transactions: list[RefundTransactionInput] = Field(
        default_factory=list,
        max_length=10,
        description="The money to send back, from shopify_suggest_refund. Without any, the "
        "refund records the items (and restocks them) but returns no money.",
    )
    note: str | None = Field(default=None, max_length=1_000)
    notify_customer: bool = False

    @model_validator(mode="after")
    def _something(self) -> CreateRefundInput:
        if not (self.line_items or self.refund_shipping or self.transactions):
            raise ValueError("nothing to refund: give line_items, refund_shipping or transactions")
        return self
