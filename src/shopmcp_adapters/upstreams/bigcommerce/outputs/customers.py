"""Customer outputs: customers, customer groups, and carts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import AliasPath, Field, model_validator

from shopmcp_adapters.upstreams.bigcommerce.outputs.common import (
    Listing,
    Money,
    OptionalText,
    Pagination,
    Parsed,
    UpstreamDate,
)


class Customer(Parsed):
    id: int
    email: str
    first_name: OptionalText = None
    last_name: OptionalText = None
    company: OptionalText = None
    phone: OptionalText = None
    customer_group_id: int | None = None
    date_created: UpstreamDate = None
    date_modified: UpstreamDate = None


class ListCustomersOutput(Listing):
    customers: list[Customer] = Field(validation_alias="data")
    pagination: Pagination = Field(
        default_factory=Pagination, validation_alias=AliasPath("meta", "pagination")
    )


class CustomerAddress(Parsed):
    id: int | None = None
    first_name: OptionalText = None
    last_name: OptionalText = None
    company: OptionalText = None
    address1: OptionalText = None
    address2: OptionalText = None
    city: OptionalText = None
    state_or_province: OptionalText = None
    postal_code: OptionalText = None
    country_code: OptionalText = None
    phone: OptionalText = None
    address_type: OptionalText = None


class CustomerDetail(Customer):
    """One v3 customer read with ``include=addresses,storecredit``."""

    notes: OptionalText = None
    store_credit: Money = None
    accepts_product_review_abandoned_cart_emails: bool | None = None
    address_count: int | None = None
    addresses: list[CustomerAddress] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _store_credit(cls, data: Any) -> Any:
        """v3 sends store credit as ``store_credit_amounts: [{amount}]`` (one per currency in
        multi-currency stores); the tool reports their sum, absent when none is sent."""
        if isinstance(data, dict) and "store_credit_amounts" in data:
            amounts = data.get("store_credit_amounts")
            if not isinstance(amounts, list):
                raise ValueError("store_credit_amounts is not a list")
            total = Decimal(0)
            for entry in amounts:
                amount = entry.get("amount") if isinstance(entry, dict) else None
                if isinstance(amount, bool) or not isinstance(amount, int | float):
                    raise ValueError("a store credit amount is not a number")
                total += Decimal(repr(float(amount)))
            data = {**data, "store_credit": total if amounts else None}
        return data


class GetCustomerOutput(Parsed):
    customer: CustomerDetail


class DiscountRule(Parsed):
    type: str
    method: OptionalText = None
    amount: Money = None
    category_id: int | None = None
    product_id: int | None = None
    price_list_id: int | None = None


class CustomerGroup(Parsed):
    id: int
    name: str
    is_default: bool | None = None
    is_group_for_guests: bool | None = None
    category_access: OptionalText = Field(
        default=None, validation_alias=AliasPath("category_access", "type")
    )
    discount_rules: list[DiscountRule] = Field(default_factory=list)
    date_created: UpstreamDate = None
    date_modified: UpstreamDate = None


class ListCustomerGroupsOutput(Parsed):
    groups: list[CustomerGroup]
    page: int
    limit: int
    has_more: bool


class GetCustomerGroupOutput(Parsed):
    group: CustomerGroup


class AbandonedCartOutput(Parsed):
    token: str
    cart_id: str


class CartItem(Parsed):
    id: str
    kind: Literal["physical", "digital"]
    product_id: int
    variant_id: int | None = None
    sku: OptionalText = None
    name: OptionalText = None
    quantity: int
    list_price: Money = None
    sale_price: Money = None
    extended_sale_price: Money = None


def _line_items(data: Any) -> Any:
    """v3 splits a cart's lines by kind; the tool lists them together, each saying its kind."""
    if not isinstance(data, dict):
        return data
    lines = data.get("line_items")
    if not isinstance(lines, dict):
        raise ValueError("the cart has no line_items object")
    items: list[Any] = []
    for kind in ("physical", "digital"):
        group = lines.get(f"{kind}_items") or []
        if not isinstance(group, list):
            raise ValueError(f"{kind}_items is not a list")
        items += [{**item, "kind": kind} for item in group if isinstance(item, dict)]
    coupons = data.get("coupons") or []
    codes = [c.get("code") for c in coupons if isinstance(c, dict) and c.get("code")]
    return {**data, "items": items, "coupon_codes": codes}


class Cart(Parsed):
    id: str
    customer_id: int | None = None
    email: OptionalText = None
    channel_id: int | None = None
    currency: OptionalText = Field(default=None, validation_alias=AliasPath("currency", "code"))
    base_amount: Money = None
    discount_amount: Money = None
    cart_amount: Money = None
    coupon_codes: list[str] = Field(default_factory=list)
    items: list[CartItem]
    created_time: UpstreamDate = None
    updated_time: UpstreamDate = None

    @model_validator(mode="before")
    @classmethod
    def _merge(cls, data: Any) -> Any:
        return _line_items(data)

    @property
    def item_count(self) -> int:
        return sum(item.quantity for item in self.items)


class GetCartOutput(Parsed):
    cart: Cart = Field(validation_alias="data")
