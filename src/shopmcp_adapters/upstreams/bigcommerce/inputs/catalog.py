"""Catalog inputs: products (and the one product write), category trees and brands."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.bigcommerce.inputs.common import (
    MAX_ID,
    Limit,
    Page,
    ResourceId,
    SearchText,
    Sku,
    Strict,
)


class ListProductsInput(Strict):
    keyword: SearchText | None = Field(default=None, description="Search in name, SKU, etc.")
    sku: Sku | None = Field(default=None, description="Exact product SKU.")
    category_id: ResourceId | None = Field(
        default=None, description="Only products in this category."
    )
    brand_id: ResourceId | None = Field(default=None, description="Only products of this brand.")
    is_visible: bool | None = None
    page: Page = 1
    limit: Limit = 20


class ProductIdInput(Strict):
    product_id: ResourceId


class UpdateProductInput(Strict):
    """Only these fields can be written. Everything else (SKU, categories, custom fields,
    channels, ...) is refused before a request exists."""

    product_id: ResourceId
    name: str | None = Field(default=None, min_length=1, max_length=250)
    price: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=4)
    sale_price: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=4)
    inventory_level: int | None = Field(default=None, ge=0, le=MAX_ID)
    is_visible: bool | None = None
    description: str | None = Field(default=None, max_length=65_535)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.changes():
            raise ValueError("give at least one field to change")
        return self

    def changes(self) -> dict[str, Any]:
        """The JSON body: only the fields the caller set, money as JSON numbers."""
        out: dict[str, Any] = {}
        for field in (
            "name",
            "price",
            "sale_price",
            "inventory_level",
            "is_visible",
            "description",
        ):
            value = getattr(self, field)
            if value is None:
                continue
            out[field] = float(value) if isinstance(value, Decimal) else value
        return out


class ListCategoriesInput(Strict):
    parent_id: int | None = Field(
        default=None, ge=0, le=MAX_ID, description="Only children of this category (0 = top level)."
    )
    tree_id: ResourceId | None = Field(
        default=None, description="Only this category tree (one per storefront channel)."
    )
    name: SearchText | None = Field(default=None, description="Part of the category name.")
    is_visible: bool | None = None
    page: Page = 1
    limit: Limit = 50


class CategoryIdInput(Strict):
    category_id: ResourceId


class ListBrandsInput(Strict):
    name: SearchText | None = Field(default=None, description="Part of the brand name.")
    page: Page = 1
    limit: Limit = 50


class BrandIdInput(Strict):
    brand_id: ResourceId
