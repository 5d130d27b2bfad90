"""Outputs of the discount tools.

A discount node holds one of eight discount types; the models read any of them after
``_flatten`` has lifted the type's fields next to the node's id (a field the type lacks reads
as null).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AliasPath, Field, model_validator

from shopmcp_adapters.upstreams.shopify.outputs.common import (
    Money,
    OutputModel,
    PageInfo,
    absent,
    nested,
    plucked,
)


def _flatten(node: Any) -> Any:
    """``{id, discount: {__typename, ...}}`` (or ``codeDiscount``) as one flat mapping, with
    the method (code or automatic) that the type name implies."""
    if not isinstance(node, Mapping):
        return node
    inner = node.get("discount", node.get("codeDiscount"))
    if not isinstance(inner, Mapping):
        return node
    kind = inner.get("__typename")
    method = "code" if isinstance(kind, str) and kind.startswith("DiscountCode") else "automatic"
    return {**inner, "id": node.get("id"), "method": method}


class _Discount(OutputModel):
    id: str
    type: str = Field(validation_alias="__typename")
    method: str
    title: str
    status: str
    summary: str | None = absent("summary")
    starts_at: str = Field(validation_alias="startsAt")
    ends_at: str | None = Field(validation_alias="endsAt")
    usage_count: int = Field(validation_alias="asyncUsageCount")
    usage_limit: int | None = absent("usageLimit")
    once_per_customer: bool | None = absent("appliesOncePerCustomer")

    @model_validator(mode="before")
    @classmethod
    def _node(cls, node: Any) -> Any:
        return _flatten(node)


class DiscountSummary(_Discount):
    code: str | None = nested("codes", "nodes", 0, "code")


# Parsed from ``data`` of ListDiscounts.
class ListDiscountsOutput(OutputModel):
    discounts: list[DiscountSummary] = Field(validation_alias=AliasPath("discountNodes", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("discountNodes", "pageInfo"))


def _benefit(discount: Mapping[str, Any]) -> dict[str, Any]:
    """What a basic discount gives (a percentage or an amount off) and needs (a subtotal or a
    quantity), read from its ``customerGets.value`` and ``minimumRequirement`` unions."""
    out: dict[str, Any] = {}
    gets = discount.get("customerGets")
    value = gets.get("value") if isinstance(gets, Mapping) else None
    if isinstance(value, Mapping):
        if value.get("__typename") == "DiscountPercentage":
            fraction = value.get("percentage")
            # Shopify holds 10 % as 0.1 (rounded: 0.15 * 100 is 15.000000000000002 in floats).
            out["percent_off"] = (
                round(fraction * 100, 4) if isinstance(fraction, int | float) else fraction
            )
        elif value.get("__typename") == "DiscountAmount":
            out["amount_off"] = value.get("amount")
    minimum = discount.get("minimumRequirement")
    if isinstance(minimum, Mapping):
        if minimum.get("__typename") == "DiscountMinimumSubtotal":
            out["minimum_subtotal"] = minimum.get("greaterThanOrEqualToSubtotal")
        elif minimum.get("__typename") == "DiscountMinimumQuantity":
            out["minimum_quantity"] = minimum.get("greaterThanOrEqualToQuantity")
    return out


# Parsed from a discount node (GetDiscount) or the discountCodeBasicCreate payload's
# codeDiscountNode.
class DiscountOutput(_Discount):
    # Up to twenty of its codes (an automatic discount has none).
    codes: Annotated[list[str], plucked("code")] = Field(
        validation_alias=AliasPath("codes", "nodes")
    )
    code_count: int | None = nested("codesCount", "count")
    percent_off: float | None = absent("percent_off")
    amount_off: Money | None = absent("amount_off")
    minimum_subtotal: Money | None = absent("minimum_subtotal")
    # An UnsignedInt64, which GraphQL serialises as a string.
    minimum_quantity: int | None = absent("minimum_quantity")

    @model_validator(mode="before")
    @classmethod
    def _values(cls, node: Any) -> Any:
        flat = _flatten(node)
        if not isinstance(flat, Mapping):
            return flat
        return {"codes": {"nodes": []}, **flat, **_benefit(flat)}
