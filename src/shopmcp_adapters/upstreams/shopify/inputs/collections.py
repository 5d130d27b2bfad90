"""Inputs of the collection tools."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shopmcp_adapters.upstreams.shopify.inputs.common import (
    CollectionId,
    CollectionSourceId,
    Cursor,
    PageSize,
    ProductId,
    SearchText,
    StrictModel,
)

CollectionType = Literal["custom", "smart"]


class ListCollectionsInput(StrictModel):
    search: SearchText | None = Field(default=None, description="Words in the title.")
    collection_type: CollectionType | None = Field(
        default=None, description="custom (products picked by hand) or smart (by conditions)."
    )
    product_id: ProductId | None = Field(
        default=None, description="Only collections that contain this product."
    )
    first: PageSize = 20
    after: Cursor | None = None


class GetCollectionInput(StrictModel):
    collection_id: CollectionId
    first: PageSize = Field(default=20, description="Products per page, at most 50.")
    after: Cursor | None = Field(default=None, description="The products' end_cursor.")


class CollectionProductsInput(StrictModel):
    collection_id: CollectionId
    source_id: CollectionSourceId = Field(
        description="The collection's conditions source that holds its hand-picked products, "
        "as shopify_get_collection shows it."
    )
    product_ids: list[ProductId] = Field(min_length=1, max_length=250)
