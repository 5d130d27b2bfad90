"""Order outputs: the store, orders and their line items, shipping addresses, shipments and
statuses, and order counts."""

from __future__ import annotations

from typing import Any

from pydantic import AliasPath, Field, model_validator

from shopmcp_adapters.upstreams.bigcommerce.outputs.common import (
    Money,
    OptionalText,
    Parsed,
    UpstreamDate,
)


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
    items: list[ShipmentItem] = Field(default_factory=list)

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

    statuses: list[StatusCount] = Field(default_factory=list)
    count: int | None = None

    @property
    def total(self) -> int:
        # An answer without the total still has every status's count.
        return self.count if self.count is not None else sum(s.count for s in self.statuses)

    @property
    def nonzero(self) -> list[StatusCount]:
        return [s for s in self.statuses if s.count > 0]


class OrderShippingAddress(Parsed):
    """One of an order's shipping addresses: where a shipment of its items goes."""

    id: int
    order_id: int
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
    shipping_method: OptionalText = None
    items_total: int | None = None
    items_shipped: int | None = None
    cost_inc_tax: Money = None


class ListOrderShippingAddressesOutput(Parsed):
    order_id: int
    addresses: list[OrderShippingAddress]


class CreateShipmentOutput(Parsed):
    shipment: Shipment


class OrderStatus(Parsed):
    id: int
    name: str
    system_label: OptionalText = None
    custom_label: OptionalText = None
    system_description: OptionalText = None


class ListOrderStatusesOutput(Parsed):
    statuses: list[OrderStatus]


class UpdateOrderStatusOutput(Parsed):
    order: OrderSummary
