"""Outputs of the marketing tools: cart price rules and coupons."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from shopmcp_adapters.upstreams.magento.outputs.common import Paging
from shopmcp_adapters.upstreams.magento.parsing import (
    Amount,
    Flag,
    NullableList,
    Output,
    Text,
)

CouponType = Literal["none", "specific", "auto"]
# The rule interface's coupon types (RuleInterface::COUPON_TYPE_*), as the outputs name them.
_COUPON_TYPES: dict[str, CouponType] = {
    "NO_COUPON": "none",
    "SPECIFIC_COUPON": "specific",
    "AUTO": "auto",
}


def _coupon_type(value: Any) -> Any:
    if isinstance(value, str) and value in _COUPON_TYPES:
        return _COUPON_TYPES[value]
    return value  # a tool's own output, read back; anything else fails


class CartRule(Output):
    rule_id: int
    name: Text = None
    description: Text = None
    is_active: Flag = None
    simple_action: Text = Field(
        default=None,
        description="by_percent, by_fixed (per item), cart_fixed (whole cart) or buy_x_get_y",
    )
    discount_amount: Amount = None
    discount_qty: Amount = None
    coupon_type: CouponType | None = None
    use_auto_generation: Flag = None
    customer_group_ids: NullableList[int] = Field(default_factory=list)
    website_ids: NullableList[int] = Field(default_factory=list)
    from_date: Text = None
    to_date: Text = None
    uses_per_customer: int | None = None
    times_used: int | None = None
    apply_to_shipping: Flag = None
    stop_rules_processing: Flag = None
    sort_order: int | None = None

    _coupon = field_validator("coupon_type", mode="before")(_coupon_type)


class CartRuleListOutput(Output):
    rules: list[CartRule]
    paging: Paging


class Coupon(Output):
    coupon_id: int
    rule_id: int
    code: Text = None
    usage_limit: int | None = None
    usage_per_customer: int | None = None
    times_used: int | None = None
    expiration_date: Text = None
    created_at: Text = None
    is_primary: Flag = None
    generated: bool | None = Field(
        default=None, validation_alias="type", description="Auto-generated (not typed in)"
    )

    @field_validator("generated", mode="before")
    @classmethod
    def _generated(cls, value: Any) -> Any:
        # Magento's coupon type: 0 typed in (manual), 1 generated.
        return {0: False, 1: True}.get(value, value) if isinstance(value, int) else value


class CouponListOutput(Output):
    coupons: list[Coupon]
    paging: Paging
