"""Inputs of the discount tools."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.shopify.inputs.common import (
    Amount,
    Cursor,
    CustomerId,
    DiscountCode,
    DiscountId,
    Moment,
    PageSize,
    SearchText,
    StrictModel,
)

DiscountStatus = Literal["active", "expired", "scheduled"]
DiscountKind = Literal["code", "automatic"]


class ListDiscountsInput(StrictModel):
    search: SearchText | None = Field(default=None, description="Words in the title or code.")
    status: DiscountStatus | None = None
    kind: DiscountKind | None = Field(
        default=None, description="code (customers enter it) or automatic."
    )
    code: DiscountCode | None = Field(default=None, description="Exactly this code.")
    first: PageSize = 20
    after: Cursor | None = None


class GetDiscountInput(StrictModel):
    discount_id: DiscountId


ValueType = Literal["percentage", "fixed_amount"]


class CreateDiscountCodeInput(StrictModel):
    title: str = Field(min_length=1, max_length=255, description="The name staff see.")
    code: DiscountCode
    value_type: ValueType = Field(description="percentage off, or a fixed amount off the order.")
    value: Amount = Field(description="The percentage (e.g. 10) or the amount in shop currency.")
    starts_at: Moment = Field(description="When the code starts to work (with UTC offset).")
    ends_at: Moment | None = Field(default=None, description="When it stops; never if absent.")
    usage_limit: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Total uses allowed across all customers."
    )
    once_per_customer: bool = False
    minimum_subtotal: Amount | None = Field(
        default=None, description="The order subtotal needed for the code to apply."
    )
    customer_ids: list[CustomerId] | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Only these customers may use it; everyone if absent.",
    )

    @model_validator(mode="after")
    def _coherent(self) -> CreateDiscountCodeInput:
        if self.value_type == "percentage" and self.value > Decimal(100):
            raise ValueError("a percentage is at most 100")
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self
