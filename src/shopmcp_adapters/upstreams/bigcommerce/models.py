"""BigCommerce tool outputs (what a chat gets), parsed from upstream payloads.

Output models name the fields we return; parsing the upstream payload through them ignores
everything else the API sends. The inputs are in ``inputs.py``.

Upstream quirks handled here: v2 money is a string with four decimals (``"69.8400"``), v2 dates
are RFC 2822 (``"Tue, 05 Mar 2019 21:40:11 +0000"``) and may be ``""``, v3 dates are ISO 8601.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    model_validator,
)


def _rfc2822_or_iso(value: Any) -> Any:
    """v2 dates are RFC 2822; v3 dates ISO 8601; both may be empty."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and not value[:4].isdigit():
        try:
            return email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return value  # let the datetime validator reject it
    return value


UpstreamDate = Annotated[dt.datetime | None, BeforeValidator(_rfc2822_or_iso)]


def _money(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


Money = Annotated[Decimal | None, BeforeValidator(_money)]


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]


class Parsed(BaseModel):
    """Tool output, parsed from an upstream payload: unknown upstream fields are dropped."""

    model_config = ConfigDict(extra="ignore")


# --------------------------------------------------------------------------- outputs: store


class StoreOutput(Parsed):
    id: str
    name: str
    domain: str | None = None
    secure_url: str | None = None
    status: str | None = None
    country_code: str | None = None
    currency: str | None = None
    language: str | None = None
    timezone: str | None = None
    plan_name: str | None = None
    plan_is_trial: bool | None = None
    weight_units: str | None = None
    dimension_units: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _timezone_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("timezone"), dict):
            data = {**data, "timezone": data["timezone"].get("name")}
        return data


# --------------------------------------------------------------------------- outputs: orders


class OrderSummary(Parsed):
    id: int
    status_id: int
    status: str
    customer_id: int | None = None
    date_created: UpstreamDate = None
    date_modified: UpstreamDate = None
    total_inc_tax: Money = None
    currency_code: str | None = None
    items_total: int | None = None
    payment_status: OptionalText = None
    refunded_amount: Money = None
    billing_name: str | None = None
    billing_email: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _billing(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("billing_address"), dict):
            address = data["billing_address"]
            name = " ".join(
                part for part in (address.get("first_name"), address.get("last_name")) if part
            )
            data = {
                **data,
                "billing_name": name or None,
                "billing_email": address.get("email") or None,
            }
        return data


class ListOrdersOutput(Parsed):
    orders: list[OrderSummary]
    page: int
    limit: int
    has_more: bool


class Address(Parsed):
    first_name: OptionalText = None
    last_name: OptionalText = None
    company: OptionalText = None
    street_1: OptionalText = None
    street_2: OptionalText = None
    city: OptionalText = None
    state: OptionalText = None
    zip: OptionalText = None
    country: OptionalText = None
    country_iso2: OptionalText = None
    phone: OptionalText = None
    email: OptionalText = None


class OrderDetail(OrderSummary):
    date_shipped: UpstreamDate = None
    subtotal_inc_tax: Money = None
    shipping_cost_inc_tax: Money = None
    total_tax: Money = None
    discount_amount: Money = None
    items_shipped: int | None = None
    payment_method: OptionalText = None
    customer_message: OptionalText = None
    order_source: OptionalText = None
    channel_id: int | None = None
    billing_address: Address | None = None


class GetOrderOutput(Parsed):
    order: OrderDetail


class OrderProduct(Parsed):
    id: int
    product_id: int | None = None
    variant_id: int | None = None
    name: str
    sku: OptionalText = None
    quantity: int
    price_inc_tax: Money = None
    total_inc_tax: Money = None
    quantity_shipped: int | None = None
    quantity_refunded: int | None = None
    refund_amount: Money = None


class ListOrderProductsOutput(Parsed):
    order_id: int
    products: list[OrderProduct]
    page: int
    limit: int
    has_more: bool


class ShipmentItem(Parsed):
    order_product_id: int
    product_id: int | None = None
    quantity: int


class Shipment(Parsed):
    id: int
    order_id: int
    date_created: UpstreamDate = None
    tracking_number: OptionalText = None
    shipping_provider: OptionalText = None
    shipping_method: OptionalText = None
    tracking_link: OptionalText = None
    items: list[ShipmentItem] = []

    @model_validator(mode="before")
    @classmethod
    def _link(cls, data: Any) -> Any:
        # A custom tracking_link wins; otherwise the link BigCommerce generated.
        if isinstance(data, dict) and not data.get("tracking_link"):
            data = {**data, "tracking_link": data.get("generated_tracking_link") or None}
        return data


class ListOrderShipmentsOutput(Parsed):
    order_id: int
    shipments: list[Shipment]
    page: int
    limit: int
    has_more: bool


class RefundItem(Parsed):
    item_type: str
    item_id: int | None = None
    quantity: int | None = None
    requested_amount: Money = None
    reason: OptionalText = None


class RefundPayment(Parsed):
    provider_id: str
    amount: Money = None
    offline: bool | None = None
    is_declined: bool | None = None


class Refund(Parsed):
    id: int
    order_id: int
    created: UpstreamDate = None
    reason: OptionalText = None
    total_amount: Money = None
    total_tax: Money = None
    items: list[RefundItem] = []
    payments: list[RefundPayment] = []


class ListOrderRefundsOutput(Parsed):
    order_id: int
    refunds: list[Refund]
    total_refunded: Decimal


# --------------------------------------------------------------------------- outputs: catalog


class VariantOption(Parsed):
    option_display_name: str
    label: str


class Variant(Parsed):
    id: int
    sku: OptionalText = None
    price: Money = None
    sale_price: Money = None
    inventory_level: int | None = None
    purchasing_disabled: bool | None = None
    option_values: list[VariantOption] = []


class Product(Parsed):
    id: int
    name: str
    type: str | None = None
    sku: OptionalText = None
    price: Money = None
    sale_price: Money = None
    inventory_level: int | None = None
    inventory_tracking: str | None = None
    is_visible: bool | None = None
    availability: str | None = None
    date_modified: UpstreamDate = None
    url: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _url(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("custom_url"), dict):
            data = {**data, "url": data["custom_url"].get("url")}
        return data


DESCRIPTION_CAP = 4000


class ProductDetail(Product):
    description: str | None = None
    description_truncated: bool = False
    variants: list[Variant] = []

    @model_validator(mode="before")
    @classmethod
    def _cap_description(cls, data: Any) -> Any:
        if isinstance(data, dict):
            text = data.get("description")
            if isinstance(text, str) and len(text) > DESCRIPTION_CAP:
                data = {
                    **data,
                    "description": text[:DESCRIPTION_CAP],
                    "description_truncated": True,
                }
        return data


class Pagination(Parsed):
    total: int | None = None
    current_page: int | None = None
    total_pages: int | None = None


class ListProductsOutput(Parsed):
    products: list[Product]
    pagination: Pagination


class GetProductOutput(Parsed):
    product: ProductDetail


class UpdateProductOutput(Parsed):
    product: Product
    updated_fields: list[str]


# --------------------------------------------------------------------------- outputs: inventory


class InventoryLocation(Parsed):
    location_id: int
    location_code: OptionalText = None
    location_name: OptionalText = None
    available_to_sell: int | None = None
    total_inventory_onhand: int | None = None
    is_in_stock: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _settings(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("settings"), dict):
            data = {**data, "is_in_stock": data["settings"].get("is_in_stock")}
        return data


class InventoryItem(Parsed):
    sku: OptionalText = None
    variant_id: int | None = None
    product_id: int | None = None
    locations: list[InventoryLocation] = []

    @model_validator(mode="before")
    @classmethod
    def _identity(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("identity"), dict):
            data = {**data, **data["identity"]}
        return data


class GetInventoryOutput(Parsed):
    items: list[InventoryItem]
    pagination: Pagination


# --------------------------------------------------------------------------- outputs: customers


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


class ListCustomersOutput(Parsed):
    customers: list[Customer]
    pagination: Pagination


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
    addresses: list[CustomerAddress] = []

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


class StatusCount(Parsed):
    status_id: int
    name: str
    count: int

    @model_validator(mode="before")
    @classmethod
    def _names(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status_id" not in data:
            label = data.get("custom_label") or data.get("name")
            data = {**data, "status_id": data.get("id"), "name": label}
        return data


class CustomerOrderSummaryOutput(Parsed):
    customer_id: int
    total_orders: int
    by_status: list[StatusCount]
