"""Outputs of the catalogue tools: the shop, products and inventory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from pydantic import AliasPath, Field, model_validator

from shopmcp_adapters.upstreams.shopify.outputs.common import (
    OutputModel,
    PageInfo,
    nested,
    plucked,
)


class ShopOutput(OutputModel):
    id: str
    name: str
    email: str | None
    contact_email: str | None = Field(validation_alias="contactEmail")
    myshopify_domain: str = Field(validation_alias="myshopifyDomain")
    primary_domain: str | None = nested("primaryDomain", "host")
    currency: str = Field(validation_alias="currencyCode")
    timezone: str = Field(validation_alias="ianaTimezone")
    plan: str | None = nested("plan", "publicDisplayName")
    country: str | None = nested("shopAddress", "country")


class ProductSummary(OutputModel):
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str = Field(validation_alias="productType")
    tags: list[str]
    total_inventory: int | None = Field(validation_alias="totalInventory")
    variant_count: int | None = nested("variantsCount", "count")
    updated_at: str = Field(validation_alias="updatedAt")
    # The SKUs of its first five variants.
    skus: Annotated[list[str | None], plucked("sku")] = Field(
        validation_alias=AliasPath("variants", "nodes")
    )


# Parsed from ``data`` of ListProducts.
class ListProductsOutput(OutputModel):
    products: list[ProductSummary] = Field(validation_alias=AliasPath("products", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("products", "pageInfo"))


class Variant(OutputModel):
    id: str
    title: str
    sku: str | None
    price: str
    compare_at_price: str | None = Field(validation_alias="compareAtPrice")
    inventory_quantity: int | None = Field(validation_alias="inventoryQuantity")
    inventory_item_id: str = Field(validation_alias=AliasPath("inventoryItem", "id"))
    tracked: bool = Field(validation_alias=AliasPath("inventoryItem", "tracked"))


class ProductOutput(OutputModel):
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str = Field(validation_alias="productType")
    tags: list[str]
    description_html: str = Field(validation_alias="descriptionHtml")
    created_at: str = Field(validation_alias="createdAt")
    updated_at: str = Field(validation_alias="updatedAt")
    total_inventory: int | None = Field(validation_alias="totalInventory")
    variants: list[Variant] = Field(validation_alias=AliasPath("variants", "nodes"))


# The quantity names GetInventory asks for, one output field each.
QUANTITY_NAMES: Final = ("available", "on_hand", "committed", "incoming")


class LocationLevel(OutputModel):
    location_id: str = Field(validation_alias=AliasPath("location", "id"))
    location_name: str = Field(validation_alias=AliasPath("location", "name"))
    available: int | None
    on_hand: int | None
    committed: int | None
    incoming: int | None

    @model_validator(mode="before")
    @classmethod
    def _named_quantities(cls, level: Any) -> Any:
        # ``quantities`` is a list of {name, quantity}: each quantity field takes the one
        # named like it, or null when Shopify sent none of that name.
        if not isinstance(level, Mapping) or "quantities" not in level:
            return level
        quantities = level["quantities"]
        if not isinstance(quantities, list) or not all(isinstance(q, Mapping) for q in quantities):
            raise ValueError("quantities is not a list of named quantities")
        named = {q.get("name"): q.get("quantity") for q in quantities}
        return {**level, **{name: named.get(name) for name in QUANTITY_NAMES}}


class VariantInventory(OutputModel):
    variant_id: str = Field(validation_alias="id")
    variant_title: str = Field(validation_alias="title")
    sku: str | None
    product_id: str = Field(validation_alias=AliasPath("product", "id"))
    product_title: str = Field(validation_alias=AliasPath("product", "title"))
    inventory_item_id: str = Field(validation_alias=AliasPath("inventoryItem", "id"))
    tracked: bool = Field(validation_alias=AliasPath("inventoryItem", "tracked"))
    levels: list[LocationLevel] = Field(
        validation_alias=AliasPath("inventoryItem", "inventoryLevels", "nodes")
    )


# Parsed from ``data`` of GetInventory.
class InventoryOutput(OutputModel):
    variants: list[VariantInventory] = Field(validation_alias=AliasPath("productVariants", "nodes"))


class UpdateProductOutput(OutputModel):
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str = Field(validation_alias="productType")
    tags: list[str]
    description_html: str = Field(validation_alias="descriptionHtml")
    updated_at: str = Field(validation_alias="updatedAt")


class InventoryChange(OutputModel):
    name: str
    delta: int
    quantity_after: int | None = Field(validation_alias="quantityAfterChange")
    location_id: str | None = nested("location", "id")
    location_name: str | None = nested("location", "name")
    inventory_item_id: str | None = nested("item", "id")
    sku: str | None = nested("item", "sku")


# Parsed from the ``inventorySetQuantities`` payload.
class SetInventoryOutput(OutputModel):
    reason: str | None
    changes: list[InventoryChange]

    @model_validator(mode="before")
    @classmethod
    def _adjustment_group(cls, payload: Any) -> Any:
        if not isinstance(payload, Mapping) or "inventoryAdjustmentGroup" not in payload:
            return payload
        group = payload["inventoryAdjustmentGroup"]
        # Shopify records no adjustment when the quantity already was the number set.
        return {"reason": None, "changes": []} if group is None else group
