"""Inputs of the catalogue tools: the shop, products and inventory."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.shopify.inputs.common import (
    Cursor,
    InventoryItemId,
    LocationId,
    PageSize,
    ProductId,
    ProductVariantId,
    SearchText,
    Sku,
    StrictModel,
    Tag,
)


class GetShopInput(StrictModel):
    pass


ProductStatus = Literal["active", "draft", "archived"]


class ListProductsInput(StrictModel):
    search: SearchText | None = Field(default=None, description="Words to search for.")
    status: ProductStatus | None = None
    vendor: SearchText | None = None
    product_type: SearchText | None = None
    tag: SearchText | None = None
    sku: Sku | None = None
    first: PageSize = 20
    after: Cursor | None = None


class GetProductInput(StrictModel):
    product_id: ProductId


class GetInventoryInput(StrictModel):
    """Exactly one of sku, product_id or variant_id."""

    sku: Sku | None = None
    product_id: ProductId | None = None
    variant_id: ProductVariantId | None = None
    first: PageSize = 20

    @model_validator(mode="after")
    def _one_target(self) -> GetInventoryInput:
        given = [x for x in (self.sku, self.product_id, self.variant_id) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of sku, product_id or variant_id")
        return self


class UpdateProductInput(StrictModel):
    product_id: ProductId
    title: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(
        default=None, max_length=65_535, description="The product description (HTML)."
    )
    status: ProductStatus | None = None
    tags: list[Tag] | None = Field(default=None, max_length=250, description="Replaces all tags.")
    vendor: str | None = Field(default=None, max_length=255)
    product_type: str | None = Field(default=None, max_length=255)

    @model_validator(mode="after")
    def _something(self) -> UpdateProductInput:
        if all(
            getattr(self, name) is None
            for name in ("title", "description", "status", "tags", "vendor", "product_type")
        ):
            raise ValueError("nothing to update")
        return self


InventoryReason = Literal[
    "correction",
    "cycle_count_available",
    "damaged",
    "promotion",
    "quality_control",
    "received",
    "restock",
    "safety_stock",
    "shrinkage",
    "other",
]


class SetInventoryInput(StrictModel):
    inventory_item_id: InventoryItemId
    location_id: LocationId
    # Required: the write is compare-and-set, so a caller must say what it saw. Available
    # stock can be negative (oversold), within Shopify's documented bounds.
    expected_quantity: int = Field(
        ge=-1_000_000_000,
        le=1_000_000_000,
        description=(
            "The available quantity being replaced, as shopify_get_inventory shows it. "
            "If the stock is no longer this number, nothing changes."
        ),
    )
    quantity: int = Field(ge=0, le=1_000_000_000, description="The new available quantity.")
    reason: InventoryReason = "correction"
