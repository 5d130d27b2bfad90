"""Catalog outputs: products and their variants, category-tree categories and brands."""

from __future__ import annotations

from typing import Any

from pydantic import AliasPath, Field, model_validator

from shopmcp_adapters.upstreams.bigcommerce.outputs.common import (
    Listing,
    Money,
    OptionalText,
    PagedListing,
    Pagination,
    Parsed,
    UpstreamDate,
)


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
    option_values: list[VariantOption] = Field(default_factory=list)


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
    variants: list[Variant] = Field(default_factory=list)

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


def _capped(data: Any, field: str) -> Any:
    """Cap a long HTML text (descriptions), saying so in ``<field>_truncated``."""
    if isinstance(data, dict):
        text = data.get(field)
        if isinstance(text, str) and len(text) > DESCRIPTION_CAP:
            return {**data, field: text[:DESCRIPTION_CAP], f"{field}_truncated": True}
    return data


class Category(Parsed):
    """A category of a category tree (``/v3/catalog/trees/categories``)."""

    category_id: int
    parent_id: int
    tree_id: int | None = None
    name: str
    is_visible: bool | None = None
    sort_order: int | None = None
    url: OptionalText = Field(default=None, validation_alias=AliasPath("url", "path"))


class CategoryDetail(Category):
    description: OptionalText = None
    description_truncated: bool = False
    page_title: OptionalText = None
    views: int | None = None
    default_product_sort: OptionalText = None

    @model_validator(mode="before")
    @classmethod
    def _cap_description(cls, data: Any) -> Any:
        return _capped(data, "description")


class ListCategoriesOutput(PagedListing):
    categories: list[Category] = Field(validation_alias="data")


class GetCategoryOutput(Parsed):
    category: CategoryDetail


class Brand(Parsed):
    id: int
    name: str
    page_title: OptionalText = None
    search_keywords: OptionalText = None
    image_url: OptionalText = None
    url: OptionalText = Field(default=None, validation_alias=AliasPath("custom_url", "url"))


class ListBrandsOutput(PagedListing):
    brands: list[Brand] = Field(validation_alias="data")


class GetBrandOutput(Parsed):
    brand: Brand = Field(validation_alias="data")
