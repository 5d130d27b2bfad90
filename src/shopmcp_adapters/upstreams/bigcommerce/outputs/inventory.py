"""Inventory outputs: levels per item and per location, locations, and adjustments."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasPath, Field

from shopmcp_adapters.upstreams.bigcommerce.outputs.common import (
    Listing,
    OptionalText,
    PagedListing,
    Pagination,
    Parsed,
    UpstreamDate,
)


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
    locations: list[InventoryLocation] = Field(default_factory=list)


class GetInventoryOutput(Listing):
    items: list[InventoryItem] = Field(validation_alias="data")
    pagination: Pagination = Field(
        default_factory=Pagination, validation_alias=AliasPath("meta", "pagination")
    )


class Location(Parsed):
    id: int
    code: OptionalText = None
    label: str
    type_id: OptionalText = None
    enabled: bool | None = None
    storefront_visibility: bool | None = None
    time_zone: OptionalText = None
    city: OptionalText = Field(default=None, validation_alias=AliasPath("address", "city"))
    country_code: OptionalText = Field(
        default=None, validation_alias=AliasPath("address", "country_code")
    )
    updated_at: UpstreamDate = None


class ListLocationsOutput(PagedListing):
    locations: list[Location] = Field(validation_alias="data")


class LocationItem(Parsed):
    """One item's stock at the location asked about."""

    sku: OptionalText = Field(default=None, validation_alias=AliasPath("identity", "sku"))
    variant_id: int | None = Field(
        default=None, validation_alias=AliasPath("identity", "variant_id")
    )
    product_id: int | None = Field(
        default=None, validation_alias=AliasPath("identity", "product_id")
    )
    available_to_sell: int | None = None
    total_inventory_onhand: int | None = None
    safety_stock: int | None = Field(
        default=None, validation_alias=AliasPath("settings", "safety_stock")
    )
    warning_level: int | None = Field(
        default=None, validation_alias=AliasPath("settings", "warning_level")
    )
    is_in_stock: bool | None = Field(
        default=None, validation_alias=AliasPath("settings", "is_in_stock")
    )


class LocationInventoryOutput(PagedListing):
    location_id: int
    items: list[LocationItem] = Field(validation_alias="data")


class AdjustedItem(Parsed):
    location_id: int
    variant_id: int
    quantity: int


class InventoryAdjustmentOutput(Parsed):
    """What BigCommerce accepted: its transaction id, and the adjustment as sent."""

    transaction_id: str
    mode: Literal["absolute", "relative"]
    items: list[AdjustedItem]
