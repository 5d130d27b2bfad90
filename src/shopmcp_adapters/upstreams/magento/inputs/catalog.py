"""Inputs of the catalog tools: products, their variants, categories, and the product update."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from shopmcp_adapters.upstreams.magento.inputs.common import (
    EntityId,
    LongText,
    Money,
    Page,
    PageSize,
    ProductStatus,
    ProductType,
    SearchText,
    Sku,
    StrictInput,
    Visibility,
)


class SearchProductsInput(StrictInput):
    name_contains: SearchText | None = None
    sku_contains: SearchText | None = None
    status: ProductStatus | None = None
    type: ProductType | None = None
    page: Page = 1
    page_size: PageSize = 20


class SkuInput(StrictInput):
    sku: Sku


PRODUCT_WRITABLE_FIELDS = (
    "name",
    "price",
    "special_price",
    "status",
    "visibility",
    "description",
    "short_description",
    "weight",
    "qty",
    "is_in_stock",
)


class UpdateProductInput(StrictInput):
    """The only fields ``magento_update_product`` can change; ``sku`` only locates the product."""

    sku: Sku
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    price: Money | None = None
    special_price: Money | None = None
    status: ProductStatus | None = None
    visibility: Visibility | None = None
    description: LongText | None = None
    short_description: LongText | None = None
    weight: Annotated[float, Field(ge=0, le=1e6)] | None = None
    qty: Annotated[float, Field(ge=0, le=1e9)] | None = None
    is_in_stock: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> UpdateProductInput:
        if all(getattr(self, name) is None for name in PRODUCT_WRITABLE_FIELDS):
            raise ValueError("name at least one field to change")
        return self


MAX_CATEGORY_DEPTH = 5


class ListCategoriesInput(StrictInput):
    root_category_id: EntityId | None = Field(
        default=None, description="The category whose subtree to list; omitted: the whole tree"
    )
    depth: int = Field(default=3, ge=1, le=MAX_CATEGORY_DEPTH)


class CategoryInput(StrictInput):
    category_id: EntityId = Field(description="The category's id")
