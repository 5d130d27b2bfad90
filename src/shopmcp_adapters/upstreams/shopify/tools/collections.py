"""Collection tools: list and read collections, and add or remove hand-picked products."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import collections as inputs
from shopmcp_adapters.upstreams.shopify.inputs.common import numeric_id
from shopmcp_adapters.upstreams.shopify.outputs import collections as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import (
    found,
    more,
    next_page,
    op,
    plural,
    tools,
    write_hints,
)
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "shopify_list_collections",
    "List collections",
    "Collections by title (custom or smart, or those containing a product), with their ids, "
    "product counts and sources.",
    inputs.ListCollectionsInput,
    outputs.ListCollectionsOutput,
    op(docs.LIST_COLLECTIONS),
)
async def list_collections(client: ShopifyClient, args: inputs.ListCollectionsInput) -> Reply:
    variables = {"first": args.first, "after": args.after, "query": collections_query(args)}
    page = outputs.ListCollectionsOutput.model_validate(
        await client.query(docs.LIST_COLLECTIONS, variables)
    )
    return Reply(page, collections_text(page))


@tools.read(
    "shopify_get_collection",
    "Get a collection",
    "One collection with its sources (the conditions source id is what adding and removing "
    "products takes) and a page of its products.",
    inputs.GetCollectionInput,
    outputs.CollectionOutput,
    op(docs.GET_COLLECTION),
)
async def get_collection(client: ShopifyClient, args: inputs.GetCollectionInput) -> Reply:
    variables = {"id": args.collection_id, "first": args.first, "after": args.after}
    data = await client.query(docs.GET_COLLECTION, variables)
    collection = outputs.CollectionOutput.model_validate(
        found(data, "collection", args.collection_id)
    )
    return Reply(collection, collection_text(collection))


_MEMBERSHIP = WriteWhitelist(
    writable=frozenset({"product_ids"}), locators=frozenset({"collection_id", "source_id"})
)


@tools.write(
    "shopify_add_products_to_collection",
    "Add products to a collection",
    "Hand-pick products into a collection, through its conditions source (source_id, from "
    "shopify_get_collection). Shopify may apply the change in a background job.",
    inputs.CollectionProductsInput,
    outputs.CollectionProductsOutput,
    op(docs.ADD_PRODUCTS_TO_COLLECTION),
    whitelist=_MEMBERSHIP,
    # Only adds; products already picked stay as they are.
    annotations=write_hints(destructive=False, idempotent=True),
)
async def add_products_to_collection(
    client: ShopifyClient, args: inputs.CollectionProductsInput
) -> Reply:
    variables = membership_variables(args, "selectionsToAdd")
    payload = await client.mutate(docs.ADD_PRODUCTS_TO_COLLECTION, variables, "collectionUpdate")
    result = outputs.CollectionProductsOutput.model_validate(payload)
    return Reply(result, membership_text(result, "Added", len(args.product_ids)))


@tools.write(
    "shopify_remove_products_from_collection",
    "Remove products from a collection",
    "Take hand-picked products out of a collection's conditions source (source_id, from "
    "shopify_get_collection); products its conditions match stay. Shopify may apply the "
    "change in a background job.",
    inputs.CollectionProductsInput,
    outputs.CollectionProductsOutput,
    op(docs.REMOVE_PRODUCTS_FROM_COLLECTION),
    whitelist=_MEMBERSHIP,
    annotations=write_hints(destructive=True, idempotent=True),
)
async def remove_products_from_collection(
    client: ShopifyClient, args: inputs.CollectionProductsInput
) -> Reply:
    variables = membership_variables(args, "selectionsToRemove")
    payload = await client.mutate(
        docs.REMOVE_PRODUCTS_FROM_COLLECTION, variables, "collectionUpdate"
    )
    result = outputs.CollectionProductsOutput.model_validate(payload)
    return Reply(result, membership_text(result, "Removed", len(args.product_ids)))


# --------------------------------------------------------------------------- search strings


def collections_query(args: inputs.ListCollectionsInput) -> str | None:
    return search.join(
        [
            search.phrase("title", args.search) if args.search else None,
            search.enum("collection_type", args.collection_type) if args.collection_type else None,
            search.number("product_id", numeric_id(args.product_id)) if args.product_id else None,
        ]
    )


# --------------------------------------------------------------------------- mutation variables


def membership_variables(args: inputs.CollectionProductsInput, change: str) -> dict[str, Any]:
    selections = [{"productId": product} for product in args.product_ids]
    return {
        "collection": {
            "id": args.collection_id,
            "sourcesToUpdate": [
                {"condition": {"id": args.source_id, "inclusion": {change: selections}}}
            ],
        }
    }


# --------------------------------------------------------------------------- reply texts


def _sources(sources: list[outputs.CollectionSource]) -> str:
    return "; ".join(f"{s.kind} {s.title!r} {s.id}" for s in sources) or "no sources"


def collections_text(page: outputs.ListCollectionsOutput) -> str:
    lines = [
        f"{c.title}: {plural(c.product_count or 0, 'product')}, id {c.id}, "
        f"sources: {_sources(c.sources)}"
        for c in page.collections
    ]
    header = f"{plural(len(page.collections), 'collection')}{more(page.page_info)}"
    return "\n".join([header, *lines, *next_page(page.page_info)])


def collection_text(collection: outputs.CollectionOutput) -> str:
    header = (
        f"{collection.title}: {plural(collection.product_count or 0, 'product')}, "
        f"id {collection.id}, sources: {_sources(collection.sources)}"
    )
    lines = [f"- {p.title} [{p.status}], id {p.id}" for p in collection.products]
    return "\n".join([header, *lines, *next_page(collection.page_info)])


def membership_text(result: outputs.CollectionProductsOutput, verb: str, count: int) -> str:
    running = " (Shopify is applying it in the background)" if result.job_done is False else ""
    return f"{verb} {plural(count, 'product')}: {result.title} {result.collection_id}{running}"
