"""Inventory inputs: levels by item or by location, and stock adjustments at locations.

Adjustments name each variant by id, never by SKU: ``sku`` is a globally forbidden write
field at any depth (a nested SKU reads like a rename), and every product has at least its base
variant, whose id ``bigcommerce_get_inventory`` prints.
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.bigcommerce.inputs.common import (
    Limit,
    Line,
    Page,
    ResourceId,
    Sku,
    Strict,
)

MAX_STOCK = 1_000_000


class GetInventoryInput(Strict):
    """Exactly one selector: SKUs, variant ids or product ids."""

    skus: list[Sku] | None = Field(default=None, min_length=1, max_length=50)
    variant_ids: list[ResourceId] | None = Field(default=None, min_length=1, max_length=50)
    product_ids: list[ResourceId] | None = Field(default=None, min_length=1, max_length=50)
    page: Page = 1
    limit: Limit = 50

    @model_validator(mode="after")
    def _one_selector(self) -> Self:
        given = [s for s in (self.skus, self.variant_ids, self.product_ids) if s is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of skus, variant_ids or product_ids")
        return self


class ListLocationsInput(Strict):
    is_active: bool | None = Field(default=None, description="Only active (or inactive) ones.")
    page: Page = 1
    limit: Limit = 50


class LocationInventoryInput(Strict):
    """One location's stock; optionally only some SKUs, variants or products (at most one)."""

    location_id: ResourceId
    skus: list[Sku] | None = Field(default=None, min_length=1, max_length=50)
    variant_ids: list[ResourceId] | None = Field(default=None, min_length=1, max_length=50)
    product_ids: list[ResourceId] | None = Field(default=None, min_length=1, max_length=50)
    page: Page = 1
    limit: Limit = 50

    @model_validator(mode="after")
    def _at_most_one_selector(self) -> Self:
        given = [s for s in (self.skus, self.variant_ids, self.product_ids) if s is not None]
        if len(given) > 1:
            raise ValueError("give at most one of skus, variant_ids or product_ids")
        return self


class StockLevel(Strict):
    location_id: ResourceId
    variant_id: ResourceId
    quantity: Annotated[int, Field(ge=0, le=MAX_STOCK, description="The new on-hand quantity.")]


class StockChange(Strict):
    location_id: ResourceId
    variant_id: ResourceId
    quantity: Annotated[
        int,
        Field(
            ge=-MAX_STOCK,
            le=MAX_STOCK,
            description="How much to add (positive) or take away (negative); not 0.",
        ),
    ]

    @model_validator(mode="after")
    def _not_zero(self) -> Self:
        if self.quantity == 0:
            raise ValueError("a relative adjustment of 0 changes nothing")
        return self


def _unique(items: list[StockLevel] | list[StockChange]) -> None:
    keys = [(item.location_id, item.variant_id) for item in items]
    if len(keys) != len(set(keys)):
        raise ValueError("name each variant at each location once")


class SetInventoryInput(Strict):
    items: list[StockLevel] = Field(min_length=1, max_length=50)
    reason: Line | None = Field(default=None, description="Why (kept in the inventory log).")

    @model_validator(mode="after")
    def _check(self) -> Self:
        _unique(self.items)
        return self

    def body(self) -> dict[str, Any]:
        return _body(self.items, self.reason)


class AdjustInventoryInput(Strict):
    items: list[StockChange] = Field(min_length=1, max_length=50)
    reason: Line | None = Field(default=None, description="Why (kept in the inventory log).")

    @model_validator(mode="after")
    def _check(self) -> Self:
        _unique(self.items)
        return self

    def body(self) -> dict[str, Any]:
        return _body(self.items, self.reason)


def _body(items: list[StockLevel] | list[StockChange], reason: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"items": [item.model_dump() for item in items]}
    if reason is not None:
        out["reason"] = reason
    return out
