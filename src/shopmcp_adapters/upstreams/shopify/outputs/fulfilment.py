"""Outputs of the locations and fulfilment tools."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasPath, Field

from shopmcp_adapters.upstreams.shopify.outputs.common import (
    OutputModel,
    PageInfo,
    nested,
    plucked,
)
from shopmcp_adapters.upstreams.shopify.outputs.orders import Tracking


class LocationSummary(OutputModel):
    id: str
    name: str
    active: bool = Field(validation_alias="isActive")
    fulfills_online_orders: bool = Field(validation_alias="fulfillsOnlineOrders")
    ships_inventory: bool = Field(validation_alias="shipsInventory")
    city: str | None = nested("address", "city")
    province: str | None = nested("address", "province")
    country: str | None = nested("address", "country")


# Parsed from ``data`` of ListLocations.
class ListLocationsOutput(OutputModel):
    locations: list[LocationSummary] = Field(validation_alias=AliasPath("locations", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("locations", "pageInfo"))


class LocationOutput(OutputModel):
    id: str
    name: str
    active: bool = Field(validation_alias="isActive")
    fulfills_online_orders: bool = Field(validation_alias="fulfillsOnlineOrders")
    ships_inventory: bool = Field(validation_alias="shipsInventory")
    has_active_inventory: bool = Field(validation_alias="hasActiveInventory")
    has_unfulfilled_orders: bool = Field(validation_alias="hasUnfulfilledOrders")
    created_at: str = Field(validation_alias="createdAt")
    deactivated_at: str | None = Field(validation_alias="deactivatedAt")
    address1: str | None = nested("address", "address1")
    address2: str | None = nested("address", "address2")
    city: str | None = nested("address", "city")
    province: str | None = nested("address", "province")
    zip: str | None = nested("address", "zip")
    country: str | None = nested("address", "country")
    country_code: str | None = nested("address", "countryCode")
    phone: str | None = nested("address", "phone")


class FulfillmentOrderLine(OutputModel):
    id: str
    sku: str | None
    product_title: str = Field(validation_alias="productTitle")
    variant_title: str | None = Field(validation_alias="variantTitle")
    total_quantity: int = Field(validation_alias="totalQuantity")
    remaining_quantity: int = Field(validation_alias="remainingQuantity")
    line_item_id: str = Field(validation_alias=AliasPath("lineItem", "id"))


class FulfillmentOrderSummary(OutputModel):
    id: str
    status: str
    request_status: str = Field(validation_alias="requestStatus")
    fulfill_at: str | None = Field(validation_alias="fulfillAt")
    updated_at: str = Field(validation_alias="updatedAt")
    location_id: str | None = nested("assignedLocation", "location", "id")
    location_name: str = Field(validation_alias=AliasPath("assignedLocation", "name"))
    delivery_method: str | None = nested("deliveryMethod", "methodType")
    # What Shopify allows next (CREATE_FULFILLMENT, HOLD ...), and why it is held, if it is.
    actions: Annotated[list[str], plucked("action")] = Field(validation_alias="supportedActions")
    holds: Annotated[list[str], plucked("reason")] = Field(validation_alias="fulfillmentHolds")
    lines: list[FulfillmentOrderLine] = Field(validation_alias=AliasPath("lineItems", "nodes"))


# Parsed from the ``order`` node of ListFulfillmentOrders.
class ListFulfillmentOrdersOutput(OutputModel):
    order_id: str = Field(validation_alias="id")
    order_name: str = Field(validation_alias="name")
    fulfillment_status: str = Field(validation_alias="displayFulfillmentStatus")
    fulfillment_orders: list[FulfillmentOrderSummary] = Field(
        validation_alias=AliasPath("fulfillmentOrders", "nodes")
    )
    page_info: PageInfo = Field(validation_alias=AliasPath("fulfillmentOrders", "pageInfo"))


class FulfillmentOrderOutput(FulfillmentOrderSummary):
    order_id: str = Field(validation_alias="orderId")
    order_name: str = Field(validation_alias="orderName")


class FulfillmentLine(OutputModel):
    id: str
    quantity: int | None
    line_item_id: str = Field(validation_alias=AliasPath("lineItem", "id"))
    title: str = Field(validation_alias=AliasPath("lineItem", "title"))
    sku: str | None = nested("lineItem", "sku")


# Parsed from a ``Fulfillment`` node (GetFulfillment, and the fulfillmentCreate payload).
class FulfillmentOutput(OutputModel):
    id: str
    name: str
    status: str
    display_status: str | None = Field(validation_alias="displayStatus")
    created_at: str = Field(validation_alias="createdAt")
    updated_at: str = Field(validation_alias="updatedAt")
    in_transit_at: str | None = Field(validation_alias="inTransitAt")
    estimated_delivery_at: str | None = Field(validation_alias="estimatedDeliveryAt")
    delivered_at: str | None = Field(validation_alias="deliveredAt")
    total_quantity: int = Field(validation_alias="totalQuantity")
    order_id: str = Field(validation_alias=AliasPath("order", "id"))
    order_name: str = Field(validation_alias=AliasPath("order", "name"))
    location_id: str | None = nested("location", "id")
    location_name: str | None = nested("location", "name")
    tracking: list[Tracking] = Field(validation_alias="trackingInfo")
    lines: list[FulfillmentLine] = Field(
        validation_alias=AliasPath("fulfillmentLineItems", "nodes")
    )
