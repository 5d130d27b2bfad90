"""Marketing outputs: v2 coupons, v3 promotions and their coupon codes."""

from __future__ import annotations

from typing import Any

from pydantic import AliasPath, Field, model_validator

from shopmcp_adapters.upstreams.bigcommerce.outputs.common import (
    Money,
    OptionalText,
    PagedListing,
    Parsed,
    UpstreamDate,
)


class Coupon(Parsed):
    """A v2 (legacy) coupon."""

    id: int
    name: str
    code: str
    type: str
    amount: Money = None
    min_purchase: Money = None
    expires: UpstreamDate = None
    enabled: bool | None = None
    num_uses: int | None = None
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    applies_to: OptionalText = Field(
        default=None, validation_alias=AliasPath("applies_to", "entity")
    )
    applies_to_ids: list[int] = Field(default=[], validation_alias=AliasPath("applies_to", "ids"))
    date_created: UpstreamDate = None


class ListCouponsOutput(Parsed):
    coupons: list[Coupon]
    page: int
    limit: int
    has_more: bool


class GetCouponOutput(Parsed):
    coupon: Coupon


class CreateCouponOutput(Parsed):
    coupon: Coupon


def _discount_text(discount: Any) -> str | None:
    if not isinstance(discount, dict):
        return None
    if discount.get("percentage_amount") is not None:
        return f"{discount['percentage_amount']}% off"
    if discount.get("fixed_amount") is not None:
        return f"{discount['fixed_amount']} off"
    return None


def _rule_text(rule: Any) -> str:
    """A rule in a few words: what it gives (the basic cart-value discounts in full, other
    actions by kind) and its minimum spend. Complex rules stay readable in the control panel."""
    action = rule.get("action") if isinstance(rule, dict) else None
    if not isinstance(action, dict) or not action:
        return "no action"
    kind = next(iter(action))
    detail = action[kind] if isinstance(action[kind], dict) else {}
    given = _discount_text(detail.get("discount"))
    text = f"{given} the {kind.replace('_', ' ')}" if given else kind.replace("_", " ")
    condition = rule.get("condition") if isinstance(rule, dict) else None
    cart = condition.get("cart") if isinstance(condition, dict) else None
    if isinstance(cart, dict) and cart.get("minimum_spend") is not None:
        text += f" when spending at least {cart['minimum_spend']}"
    return text


class Promotion(Parsed):
    id: int
    name: str
    display_name: OptionalText = None
    redemption_type: str
    status: str
    current_uses: int | None = None
    max_uses: int | None = None
    start_date: UpstreamDate = None
    end_date: UpstreamDate = None
    currency_code: OptionalText = None
    customer_group_ids: list[int] = Field(
        default=[], validation_alias=AliasPath("customer", "group_ids")
    )
    rules: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _rules(cls, data: Any) -> Any:
        if isinstance(data, dict) and "rules" in data:
            rules = data["rules"]
            if not isinstance(rules, list):
                raise ValueError("rules is not a list")
            data = {**data, "rules": [_rule_text(rule) for rule in rules]}
        if isinstance(data, dict) and isinstance(data.get("customer"), dict):
            # group_ids may be null upstream: no group restriction.
            customer = data["customer"]
            if customer.get("group_ids") is None:
                data = {**data, "customer": {**customer, "group_ids": []}}
        return data


class ListPromotionsOutput(PagedListing):
    promotions: list[Promotion] = Field(validation_alias="data")


class GetPromotionOutput(Parsed):
    promotion: Promotion = Field(validation_alias="data")


class CreatePromotionOutput(Parsed):
    promotion: Promotion = Field(validation_alias="data")


class PromotionCode(Parsed):
    id: int
    code: str
    current_uses: int | None = None
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    created: UpstreamDate = None


def _next_cursor(meta: Any) -> str | None:
    cursor = meta.get("cursor_pagination") if isinstance(meta, dict) else None
    if not isinstance(cursor, dict):
        return None
    links = cursor.get("links")
    has_next = isinstance(links, dict) and bool(links.get("next"))
    end = cursor.get("end_cursor")
    return end if has_next and isinstance(end, str) and end else None


class ListPromotionCodesOutput(Parsed):
    promotion_id: int
    codes: list[PromotionCode]
    next_cursor: str | None = Field(
        default=None, description="Pass as 'after' for the next page; absent on the last one."
    )

    @model_validator(mode="before")
    @classmethod
    def _page(cls, data: Any) -> Any:
        if isinstance(data, dict) and "data" in data:
            data = {**data, "codes": data["data"], "next_cursor": _next_cursor(data.get("meta"))}
        return data


class CreatePromotionCodeOutput(Parsed):
    promotion_id: int
    code: PromotionCode
