"""Outputs of the collection tools."""

from __future__ import annotations

from pydantic import AliasPath, Field

from shopmcp_adapters.upstreams.shopify.outputs.common import OutputModel, PageInfo, nested


# Where a collection's products come from: a conditions source (conditions and hand-picked
# products) or a sub-collections source.
class CollectionSource(OutputModel):
    kind: str = Field(validation_alias="__typename")
    id: str
    title: str


class CollectionSummary(OutputModel):
    id: str
    title: str
    handle: str
    updated_at: str = Field(validation_alias="updatedAt")
    product_count: int | None = nested("productsCount", "count")
    sources: list[CollectionSource]


# Parsed from ``data`` of ListCollections.
class ListCollectionsOutput(OutputModel):
    collections: list[CollectionSummary] = Field(validation_alias=AliasPath("collections", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("collections", "pageInfo"))


class CollectionProduct(OutputModel):
    id: str
    title: str
    status: str
    total_inventory: int | None = Field(validation_alias="totalInventory")


class CollectionOutput(OutputModel):
    id: str
    title: str
    handle: str
    updated_at: str = Field(validation_alias="updatedAt")
    sort_order: str = Field(validation_alias="sortOrder")
    product_count: int | None = nested("productsCount", "count")
    sources: list[CollectionSource]
    products: list[CollectionProduct] = Field(validation_alias=AliasPath("products", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("products", "pageInfo"))


# Parsed from the collectionUpdate payload: the collection, and the job that applies a
# membership change when Shopify does it in the background.
class CollectionProductsOutput(OutputModel):
    collection_id: str = Field(validation_alias=AliasPath("collection", "id"))
    title: str = Field(validation_alias=AliasPath("collection", "title"))
    product_count: int | None = nested("collection", "productsCount", "count")
    job_id: str | None = nested("job", "id")
    job_done: bool | None = nested("job", "done")
