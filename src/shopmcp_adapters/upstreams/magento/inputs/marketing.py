"""Inputs of the marketing tools: cart price rules and their coupon codes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from shopmcp_adapters.upstreams.magento.inputs.common import (
    EntityId,
    Paged,
    SearchText,
    StrictInput,
)
from shopmcp_adapters.upstreams.magento.inputs.customers import GroupId

CouponCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")]
RuleName = Annotated[
    str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f]+$")
]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
DiscountType = Literal["percent", "fixed_per_item", "fixed_cart"]
# Magento's simple_action for each discount type.
SIMPLE_ACTIONS: dict[str, str] = {
    "percent": "by_percent",
    "fixed_per_item": "by_fixed",
    "fixed_cart": "cart_fixed",
}


class ListCartRulesInput(Paged):
    name_contains: SearchText | None = None
    active_only: bool = False


class GetCartRuleInput(StrictInput):
    rule_id: EntityId = Field(description="The cart price rule's id")


class ListCouponsInput(Paged):
    rule_id: EntityId | None = Field(default=None, description="Only this rule's coupons")
    code: CouponCode | None = Field(default=None, description="An exact coupon code")


class CreateCartRuleInput(StrictInput):
    """A basic cart price rule: one discount for some customer groups on some websites, active
    from creation (or from ``from_date``), with or without a coupon code."""

    name: RuleName
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    discount_type: DiscountType = Field(
        description="percent: a percentage of each item's price; fixed_per_item: an amount off "
        "each item; fixed_cart: an amount off the whole cart"
    )
    discount_amount: Annotated[float, Field(gt=0, le=1e6)]
    customer_group_ids: Annotated[list[GroupId], Field(min_length=1, max_length=20)] = Field(
        description="Customer groups the rule applies to (magento_list_customer_groups)"
    )
    website_scope: Annotated[list[EntityId], Field(min_length=1, max_length=20)] = Field(
        description="Website ids the rule applies to (the website_id of magento_get_store)"
    )
    requires_coupon: bool = Field(
        default=True,
        description="A coupon code is needed (add it with magento_create_coupon); otherwise the "
        "discount applies automatically",
    )
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    uses_per_customer: Count = Field(default=0, description="0 is unlimited")
    max_discount_qty: Annotated[float, Field(gt=0, le=1e6)] | None = Field(
        default=None, description="At most this many items are discounted"
    )
    apply_to_shipping: bool = False
    stop_further_rules: bool = False
    priority: Annotated[int, Field(ge=0, le=10_000)] = 0

    @model_validator(mode="after")
    def _consistent(self) -> CreateCartRuleInput:
        if self.discount_type == "percent" and self.discount_amount > 100:
            raise ValueError("a percent discount is at most 100")
        if self.from_date and self.to_date and self.from_date > self.to_date:
            raise ValueError("from_date is after to_date")
        for ids in (self.customer_group_ids, self.website_scope):
            if len(set(ids)) != len(ids):
                raise ValueError("name each customer group and website once")
        return self


class CreateCouponInput(StrictInput):
    rule_id: EntityId = Field(description="The cart price rule the code belongs to")
    code: CouponCode
    usage_limit: Count = Field(default=0, description="Uses in total; 0 is unlimited")
    usage_per_customer: Count = Field(default=0, description="Uses per customer; 0 is unlimited")
