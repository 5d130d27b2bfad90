"""Marketing inputs: v2 coupons and v3 promotions with their coupon codes.

Stores on BigCommerce's current promotions engine make codes as promotions
(``redemption_type`` COUPON, then a code); stores still on legacy coupons use v2 coupons.
Both are offered, each in its basic form: a percentage or an amount off, optionally above a
minimum spend, limited in time, uses and (promotions) customer groups.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from shopmcp_adapters.upstreams.bigcommerce.inputs.common import (
    MAX_ID,
    Amount,
    Code,
    Limit,
    Line,
    Page,
    PositiveAmount,
    ResourceId,
    Strict,
    money_text,
)

CouponType = Literal[
    "percentage_discount",
    "per_total_discount",
    "per_item_discount",
    "free_shipping",
]
Uses = Annotated[int, Field(ge=0, le=MAX_ID, description="0 means unlimited.")]
GroupIds = Annotated[list[Annotated[int, Field(ge=0, le=MAX_ID)]], Field(max_length=50)]


class ListCouponsInput(Strict):
    code: Code | None = Field(default=None, description="Exact coupon code.")
    discount_type: CouponType | None = None
    page: Page = 1
    limit: Limit = 50


class CouponIdInput(Strict):
    coupon_id: ResourceId


class CreateCouponInput(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    code: Code
    discount_type: CouponType
    amount: Amount = Field(
        description="Percent for percentage_discount, else money in the store's currency "
        "(0 for free_shipping)."
    )
    min_purchase: Amount | None = Field(default=None, description="Minimum order subtotal.")
    expires: dt.date | None = Field(default=None, description="Last day it can be used.")
    max_uses: Uses | None = None
    max_uses_per_customer: Uses | None = None
    enabled: bool = True
    category_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        default=None, min_length=1, max_length=100, description="Only these categories."
    )
    product_ids: list[ResourceId] | None = Field(
        default=None, min_length=1, max_length=100, description="Only these products."
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.category_ids is not None and self.product_ids is not None:
            raise ValueError("give category_ids or product_ids, not both")
        if self.discount_type == "percentage_discount" and not 0 < self.amount <= 100:
            raise ValueError("a percentage discount is more than 0 and at most 100")
        if self.discount_type == "free_shipping" and self.amount != 0:
            raise ValueError("free_shipping takes amount 0")
        if self.discount_type not in ("percentage_discount", "free_shipping") and not self.amount:
            raise ValueError("an amount discount is more than 0")
        return self

    def body(self) -> dict[str, Any]:
        # Category 0 is BigCommerce's "every category": a coupon without a restriction.
        if self.product_ids is not None:
            applies_to = {"entity": "products", "ids": list(self.product_ids)}
        else:
            applies_to = {"entity": "categories", "ids": list(self.category_ids or [0])}
        out: dict[str, Any] = {
            "name": self.name,
            "code": self.code,
            "type": self.discount_type,
            "amount": money_text(self.amount),
            "enabled": self.enabled,
            "applies_to": applies_to,
        }
        if self.min_purchase is not None:
            out["min_purchase"] = money_text(self.min_purchase)
        if self.expires is not None:
            # v2 takes RFC 2822; the end of the last day, UTC.
            end = dt.datetime.combine(self.expires, dt.time(23, 59, 59), dt.UTC)
            out["expires"] = email.utils.format_datetime(end)
        if self.max_uses is not None:
            out["max_uses"] = self.max_uses
        if self.max_uses_per_customer is not None:
            out["max_uses_per_customer"] = self.max_uses_per_customer
        return out


PromotionStatus = Literal["ENABLED", "DISABLED", "INVALID"]


class ListPromotionsInput(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | (
        None
    ) = Field(default=None, description="Search in the promotion name.")
    redemption_type: Literal["automatic", "coupon"] | None = None
    status: PromotionStatus | None = None
    page: Page = 1
    limit: Limit = 50


class PromotionIdInput(Strict):
    promotion_id: ResourceId


class ListPromotionCodesInput(Strict):
    promotion_id: ResourceId
    after: Annotated[str, StringConstraints(max_length=200, pattern=r"^[A-Za-z0-9+/=_-]+$")] | (
        None
    ) = Field(default=None, description="The cursor a previous page gave as next_cursor.")
    limit: Limit = 50


class CreatePromotionInput(Strict):
    name: Line = Field(description="Internal name, shown in the control panel.")
    display_name: Line | None = Field(default=None, description="The name shoppers see.")
    redemption_type: Literal["AUTOMATIC", "COUPON"] = Field(
        description="AUTOMATIC applies by itself; COUPON needs a code "
        "(bigcommerce_create_promotion_code)."
    )
    percent_off: Decimal | None = Field(
        default=None, gt=0, le=100, max_digits=7, decimal_places=4, description="Percent off."
    )
    amount_off: PositiveAmount | None = Field(
        default=None, description="Money off the cart, in the store's default currency."
    )
    minimum_spend: PositiveAmount | None = Field(
        default=None, description="Only carts worth at least this much."
    )
    customer_group_ids: GroupIds | None = Field(
        default=None, description="Only customers in these groups (0 = guests and ungrouped)."
    )
    start_date: AwareDatetime | None = None
    end_date: AwareDatetime | None = None
    max_uses: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    enabled: bool = True

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.percent_off is None) == (self.amount_off is None):
            raise ValueError("give exactly one of percent_off or amount_off")
        if self.start_date and self.end_date and self.start_date >= self.end_date:
            raise ValueError("end_date must be after start_date")
        return self

    def body(self) -> dict[str, Any]:
        discount = (
            {"percentage_amount": money_text(self.percent_off)}
            if self.percent_off is not None
            else {"fixed_amount": money_text(self.amount_off or Decimal(0))}
        )
        rule: dict[str, Any] = {"action": {"cart_value": {"discount": discount}}}
        if self.minimum_spend is not None:
            rule["condition"] = {"cart": {"minimum_spend": money_text(self.minimum_spend)}}
        out: dict[str, Any] = {
            "name": self.name,
            "redemption_type": self.redemption_type,
            "rules": [rule],
            "status": "ENABLED" if self.enabled else "DISABLED",
        }
        if self.display_name is not None:
            out["display_name"] = self.display_name
        if self.customer_group_ids:
            out["customer"] = {"group_ids": list(self.customer_group_ids)}
        if self.start_date is not None:
            out["start_date"] = self.start_date.isoformat()
        if self.end_date is not None:
            out["end_date"] = self.end_date.isoformat()
        if self.max_uses is not None:
            out["max_uses"] = self.max_uses
        return out


class CreatePromotionCodeInput(Strict):
    promotion_id: ResourceId
    code: Code
    max_uses: Uses | None = None
    max_uses_per_customer: Uses | None = None

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code}
        if self.max_uses is not None:
            out["max_uses"] = self.max_uses
        if self.max_uses_per_customer is not None:
            out["max_uses_per_customer"] = self.max_uses_per_customer
        return out
