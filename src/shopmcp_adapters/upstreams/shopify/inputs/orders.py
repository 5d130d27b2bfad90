"""Inputs of the order tools."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.shopify.inputs.common import (
    EARLIEST,
    LATEST,
    Cursor,
    CustomerId,
    OrderId,
    PageSize,
    StrictModel,
    Tag,
)

OrderStatus = Literal["open", "closed", "cancelled", "not_closed"]
FinancialStatus = Literal[
    "paid",
    "pending",
    "authorized",
    "partially_paid",
    "partially_refunded",
    "refunded",
    "voided",
    "expired",
]
FulfillmentStatus = Literal[
    "unshipped",
    "shipped",
    "fulfilled",
    "partial",
    "scheduled",
    "on_hold",
    "unfulfilled",
    "request_declined",
]


class ListOrdersInput(StrictModel):
    status: OrderStatus | None = None
    financial_status: FinancialStatus | None = None
    fulfillment_status: FulfillmentStatus | None = None
    created_from: dt.date | None = Field(
        default=None, ge=EARLIEST, le=LATEST, description="Created on or after (UTC)."
    )
    created_to: dt.date | None = Field(
        default=None, ge=EARLIEST, le=LATEST, description="Created on or before (UTC)."
    )
    customer_id: CustomerId | None = None
    first: PageSize = 20
    after: Cursor | None = None

    @model_validator(mode="after")
    def _range(self) -> ListOrdersInput:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("created_from must not be after created_to")
        return self


class GetOrderInput(StrictModel):
    order_id: OrderId


class ListOrderRefundsInput(StrictModel):
    order_id: OrderId


class UpdateOrderInput(StrictModel):
    order_id: OrderId
    note: str | None = Field(default=None, max_length=5_000)
    tags: list[Tag] | None = Field(default=None, max_length=250, description="Replaces all tags.")

    @model_validator(mode="after")
    def _something(self) -> UpdateOrderInput:
        if self.note is None and self.tags is None:
            raise ValueError("nothing to update")
        return self


CancelReason = Literal["customer", "declined", "fraud", "inventory", "staff", "other"]


class CancelOrderInput(StrictModel):
    order_id: OrderId
    reason: CancelReason = Field(description="Why the order is cancelled.")
    restock: bool = Field(description="Put the order's committed stock back on sale.")
    refund_payment: bool = Field(
        default=False,
        description="Refund what the customer paid to the original payment methods "
        "(authorised payments are voided either way).",
    )
    notify_customer: bool = False
    staff_note: str | None = Field(
        default=None, max_length=255, description="A note for staff, not shown to the customer."
    )


CheckoutStatus = Literal["open", "closed"]
RecoveryState = Literal["recovered", "not_recovered"]


class ListAbandonedCheckoutsInput(StrictModel):
    status: CheckoutStatus | None = None
    recovery: RecoveryState | None = Field(
        default=None, description="Whether the customer came back and completed the order."
    )
    created_from: dt.date | None = Field(
        default=None, ge=EARLIEST, le=LATEST, description="Created on or after (UTC)."
    )
    created_to: dt.date | None = Field(
        default=None, ge=EARLIEST, le=LATEST, description="Created on or before (UTC)."
    )
    first: PageSize = 20
    after: Cursor | None = None

    @model_validator(mode="after")
    def _range(self) -> ListAbandonedCheckoutsInput:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("created_from must not be after created_to")
        return self
