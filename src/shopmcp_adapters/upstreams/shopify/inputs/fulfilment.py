"""Inputs of the locations and fulfilment tools."""

from __future__ import annotations

from pydantic import Field

from shopmcp_adapters.upstreams.shopify.inputs.common import (
    Cursor,
    FulfillmentId,
    FulfillmentOrderId,
    FulfillmentOrderLineItemId,
    LocationId,
    OrderId,
    PageSize,
    SearchText,
    StrictModel,
    TrackingUrl,
)


class ListLocationsInput(StrictModel):
    search: SearchText | None = Field(default=None, description="Name or address words.")
    include_inactive: bool = False
    first: PageSize = 20
    after: Cursor | None = None


class GetLocationInput(StrictModel):
    location_id: LocationId


class ListFulfillmentOrdersInput(StrictModel):
    order_id: OrderId
    after: Cursor | None = None


class GetFulfillmentOrderInput(StrictModel):
    fulfillment_order_id: FulfillmentOrderId


class GetFulfillmentInput(StrictModel):
    fulfillment_id: FulfillmentId


class FulfilItemInput(StrictModel):
    fulfillment_order_line_item_id: FulfillmentOrderLineItemId = Field(
        description="A line of the fulfilment order (shopify_get_fulfillment_order)."
    )
    quantity: int = Field(ge=1, le=100_000)


class CreateFulfillmentInput(StrictModel):
    fulfillment_order_id: FulfillmentOrderId
    items: list[FulfilItemInput] | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="The lines and quantities shipped; without them, everything the "
        "fulfilment order still has to ship.",
    )
    tracking_company: str | None = Field(
        default=None, min_length=1, max_length=255, description="The carrier, e.g. DHL Express."
    )
    tracking_number: str | None = Field(default=None, min_length=1, max_length=255)
    tracking_url: TrackingUrl | None = None
    notify_customer: bool = False
