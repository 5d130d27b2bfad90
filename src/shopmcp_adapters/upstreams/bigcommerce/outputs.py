"""BigCommerce tool outputs (what a chat gets) and how each is parsed from the upstream body.

Output models name the fields we return; parsing the upstream payload through them ignores
everything else the API sends. Where the upstream nests a value the model reads it with a
``validation_alias`` (never ``alias``), so the serialised names, and the advertised output
schema, stay the field names (tests check every output against that schema).

Upstream quirks handled here: v2 money is a string with four decimals (``"69.8400"``), v2 dates
are RFC 2822 (``"Tue, 05 Mar 2019 21:40:11 +0000"``) and may be ``""``, v3 dates are ISO 8601;
v2 collections are bare arrays, v3 answers are ``{data, meta}`` envelopes.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AliasPath,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
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


# --------------------------------------------------------------------------- envelopes

DataT = TypeVar("DataT")
ItemT = TypeVar("ItemT")


class V3Data(BaseModel, Generic[DataT]):
    """A v3 answer ``{data, meta}``, for the tools that read only its ``data``."""

    data: DataT


class V2List(RootModel[list[ItemT]], Generic[ItemT]):
    """A v2 collection: a bare JSON array (the client reads a 204 past the end as ``[]``)."""


class Listing(Parsed):
    """A v3 collection page ``{data: [...], meta: {pagination}}``. A page whose ``meta`` has no
    pagination still lists its data, its pagination all unknown; the field is serialised either
    way, so the output schema keeps it required."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


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
    timezone: str | None = Field(default=None, validation_alias=AliasPath("timezone", "name"))
    plan_name: str | None = None
    plan_is_trial: bool | None = None
    weight_units: str | None = None
    dimension_units: str | None = None


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
    url: str | None = Field(default=None, validation_alias=AliasPath("custom_url", "url"))


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


class ListProductsOutput(Listing):
    products: list[Product] = Field(validation_alias="data")
    pagination: Pagination = Field(
        default_factory=Pagination, validation_alias=AliasPath("meta", "pagination")
    )


class GetProductOutput(Parsed):
    product: ProductDetail = Field(validation_alias="data")


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
    is_in_stock: bool | None = Field(
        default=None, validation_alias=AliasPath("settings", "is_in_stock")
    )


class InventoryItem(Parsed):
    sku: OptionalText = Field(default=None, validation_alias=AliasPath("identity", "sku"))
    variant_id: int | None = Field(
        default=None, validation_alias=AliasPath("identity", "variant_id")
    )
    product_id: int | None = Field(
        default=None, validation_alias=AliasPath("identity", "product_id")
    )
    locations: list[InventoryLocation] = []


class GetInventoryOutput(Listing):
    items: list[InventoryItem] = Field(validation_alias="data")
    pagination: Pagination = Field(
        default_factory=Pagination, validation_alias=AliasPath("meta", "pagination")
    )


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


class OrderCounts(Parsed):
    """``GET /v2/orders/count``: the order total and one count per order status."""

    statuses: list[StatusCount] = []
    count: int | None = None

    @property
    def total(self) -> int:
        # An answer without the total still has every status's count.
        return self.count if self.count is not None else sum(s.count for s in self.statuses)

    @property
    def nonzero(self) -> list[StatusCount]:
        return [s for s in self.statuses if s.count > 0]
