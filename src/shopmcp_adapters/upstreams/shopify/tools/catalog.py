"""Catalogue tools: the shop, products and stock."""

from __future__ import annotations

import uuid
from typing import Any, Final

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import PLATFORM, MutationRefused, ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import catalog as inputs
from shopmcp_adapters.upstreams.shopify.inputs.common import numeric_id
from shopmcp_adapters.upstreams.shopify.outputs import catalog as outputs
from shopmcp_adapters.upstreams.shopify.tools.table import (
    found,
    more,
    next_page,
    op,
    plural,
    tools,
    write_hints,
)
from shopmcp_domain.errors import UpstreamError
from shopmcp_domain.tools.spec import CurrentValues
from shopmcp_domain.tools.whitelist import WriteWhitelist

# The InventorySetQuantitiesUserErrorCode for a changeFromQuantity that is no longer the stock.
STALE_QUANTITY: Final = "CHANGE_FROM_QUANTITY_STALE"


@tools.read(
    "shopify_get_shop",
    "Shop details",
    "The connected Shopify store: name, domain, currency, timezone and plan.",
    inputs.GetShopInput,
    outputs.ShopOutput,
    op(docs.GET_SHOP),
)
async def get_shop(client: ShopifyClient, _: inputs.GetShopInput) -> Reply:
    data = await client.query(docs.GET_SHOP, {})
    shop = outputs.ShopOutput.model_validate(found(data, "shop", client.shop))
    return Reply(shop, shop_text(shop))


@tools.read(
    "shopify_list_products",
    "List products",
    "Products by title, filtered by search words, status, vendor, type, tag or SKU.",
    inputs.ListProductsInput,
    outputs.ListProductsOutput,
    op(docs.LIST_PRODUCTS),
)
async def list_products(client: ShopifyClient, args: inputs.ListProductsInput) -> Reply:
    variables = {"first": args.first, "after": args.after, "query": products_query(args)}
    page = outputs.ListProductsOutput.model_validate(
        await client.query(docs.LIST_PRODUCTS, variables)
    )
    return Reply(page, products_text(page))


@tools.read(
    "shopify_get_product",
    "Get a product",
    "One product with its description and variants (SKU, price, stock).",
    inputs.GetProductInput,
    outputs.ProductOutput,
    op(docs.GET_PRODUCT),
)
async def get_product(client: ShopifyClient, args: inputs.GetProductInput) -> Reply:
    data = await client.query(docs.GET_PRODUCT, {"id": args.product_id})
    product = outputs.ProductOutput.model_validate(found(data, "product", args.product_id))
    return Reply(product, product_text(product))


@tools.read(
    "shopify_get_inventory",
    "Inventory levels",
    "Stock per location (available, on hand, committed, incoming) for a SKU, a product "
    "or one variant. Give exactly one of sku, product_id or variant_id.",
    inputs.GetInventoryInput,
    outputs.InventoryOutput,
    op(docs.GET_INVENTORY),
)
async def get_inventory(client: ShopifyClient, args: inputs.GetInventoryInput) -> Reply:
    variables = {"first": args.first, "query": inventory_query(args)}
    inventory = outputs.InventoryOutput.model_validate(
        await client.query(docs.GET_INVENTORY, variables)
    )
    return Reply(inventory, inventory_text(inventory))


# --------------------------------------------------------------------------- writes


@tools.write(
    "shopify_update_product",
    "Update a product",
    "Change a product's title, description (HTML), status, tags (replaces all), vendor "
    "or product type. Only the fields given are changed.",
    inputs.UpdateProductInput,
    outputs.UpdateProductOutput,
    op(docs.UPDATE_PRODUCT),
    whitelist=WriteWhitelist(
        writable=frozenset({"title", "description", "status", "tags", "vendor", "product_type"}),
        locators=frozenset({"product_id"}),
    ),
    # It overwrites the fields given (tags: all of them); the same call again changes nothing.
    annotations=write_hints(destructive=True, idempotent=True),
    # The preview shows each field's current value, read with shopify_get_product.
    current=CurrentValues(
        read="shopify_get_product",
        arguments={"product_id": "product_id"},
        fields={
            "title": "title",
            "description": "description_html",
            "status": "status",
            "tags": "tags",
            "vendor": "vendor",
            "product_type": "product_type",
        },
    ),
)
async def update_product(client: ShopifyClient, args: inputs.UpdateProductInput) -> Reply:
    payload = await client.mutate(
        docs.UPDATE_PRODUCT, update_product_variables(args), "productUpdate"
    )
    product = outputs.UpdateProductOutput.model_validate(found(payload, "product", args.product_id))
    return Reply(product, updated_product_text(product))


@tools.write(
    "shopify_set_inventory",
    "Set available stock",
    "Set the available quantity of one inventory item at one location to an absolute number, "
    "only if it is still expected_quantity (the number shopify_get_inventory shows); "
    "otherwise nothing changes and the call says so.",
    inputs.SetInventoryInput,
    outputs.SetInventoryOutput,
    op(docs.SET_INVENTORY),
    whitelist=WriteWhitelist(
        writable=frozenset({"quantity", "reason"}),
        # expected_quantity is never written: like the ids, it only says which stock level
        # (the one still at that number) the write applies to.
        locators=frozenset({"inventory_item_id", "location_id", "expected_quantity"}),
    ),
    # It overwrites a stock level; the same call again finds the stock no longer at
    # expected_quantity and changes nothing.
    annotations=write_hints(destructive=True, idempotent=True),
)
async def set_inventory(client: ShopifyClient, args: inputs.SetInventoryInput) -> Reply:
    # A fresh key per call: Shopify replays the first answer to a repeated key, and a later
    # call with the same numbers is a new change, not a retry.
    variables = set_inventory_variables(args, idempotency_key=str(uuid.uuid4()))
    try:
        payload = await client.mutate(docs.SET_INVENTORY, variables, "inventorySetQuantities")
    except MutationRefused as refused:
        if STALE_QUANTITY in refused.codes:
            raise UpstreamError(
                PLATFORM, 200, refused.codes[STALE_QUANTITY], summary=stale_stock_text(args)
            ) from None
        raise
    adjustment = outputs.SetInventoryOutput.model_validate(payload)
    return Reply(adjustment, set_inventory_text(adjustment, args.quantity))


# --------------------------------------------------------------------------- search strings


def products_query(args: inputs.ListProductsInput) -> str | None:
    return search.join(
        [
            search.phrase(None, args.search) if args.search else None,
            search.enum("status", args.status.upper()) if args.status else None,
            search.phrase("vendor", args.vendor) if args.vendor else None,
            search.phrase("product_type", args.product_type) if args.product_type else None,
            search.phrase("tag", args.tag) if args.tag else None,
            search.phrase("sku", args.sku) if args.sku else None,
        ]
    )


def inventory_query(args: inputs.GetInventoryInput) -> str:
    if args.sku is not None:
        return search.phrase("sku", args.sku)
    if args.product_id is not None:
        return search.number("product_id", numeric_id(args.product_id))
    assert args.variant_id is not None  # the input model requires exactly one
    return search.number("id", numeric_id(args.variant_id))


# --------------------------------------------------------------------------- mutation variables


def update_product_variables(args: inputs.UpdateProductInput) -> dict[str, Any]:
    product: dict[str, Any] = {"id": args.product_id}
    for field, key in (
        ("title", "title"),
        ("description", "descriptionHtml"),
        ("tags", "tags"),
        ("vendor", "vendor"),
        ("product_type", "productType"),
    ):
        value = getattr(args, field)
        if value is not None:
            product[key] = value
    if args.status is not None:
        product["status"] = args.status.upper()
    return {"product": product}


def set_inventory_variables(args: inputs.SetInventoryInput, idempotency_key: str) -> dict[str, Any]:
    return {
        "input": {
            "name": "available",
            "reason": args.reason,
            "quantities": [
                {
                    "inventoryItemId": args.inventory_item_id,
                    "locationId": args.location_id,
                    "quantity": args.quantity,
                    # Compare-and-set: Shopify writes the new number only while the stock is
                    # still the one the merchant saw, so a sale in between is never overwritten.
                    "changeFromQuantity": args.expected_quantity,
                }
            ],
        },
        "idempotencyKey": idempotency_key,
    }


# --------------------------------------------------------------------------- reply texts


def shop_text(shop: outputs.ShopOutput) -> str:
    return f"{shop.name} ({shop.myshopify_domain}), {shop.currency}, plan {shop.plan}"


def _skus(skus: list[str | None]) -> str:
    named = [sku for sku in skus if sku]
    return f"SKU {', '.join(named)}" if named else "no SKU"


def products_text(page: outputs.ListProductsOutput) -> str:
    lines = [
        f"{p.title} [{p.status}] stock {p.total_inventory}, {_skus(p.skus)}, id {p.id}"
        for p in page.products
    ]
    header = f"{plural(len(page.products), 'product')}{more(page.page_info)}"
    return "\n".join([header, *lines, *next_page(page.page_info)])


def product_text(product: outputs.ProductOutput) -> str:
    summary = (
        f"{product.title} [{product.status}] by {product.vendor or 'no vendor'}: "
        f"{plural(len(product.variants), 'variant')}, stock {product.total_inventory}"
    )
    lines = [
        f"- {v.title} ({v.sku or 'no SKU'}) {v.price}, stock {v.inventory_quantity}, variant {v.id}"
        for v in product.variants
    ]
    return "\n".join([summary, *lines])


def inventory_text(inventory: outputs.InventoryOutput) -> str:
    lines = [
        f"{v.product_title} / {v.variant_title} ({v.sku or 'no SKU'}): "
        + ", ".join(
            f"{level.location_name} {level.available} available (location {level.location_id})"
            for level in v.levels
        )
        + f"; inventory item {v.inventory_item_id}"
        for v in inventory.variants
    ]
    return "\n".join([plural(len(inventory.variants), "variant"), *lines])


def updated_product_text(product: outputs.UpdateProductOutput) -> str:
    return f"Updated product {product.title} [{product.status}]"


def stale_stock_text(args: inputs.SetInventoryInput) -> str:
    # Shopify's user error has no quantity field: its own words follow (marked as its text), in
    # case they carry the current number, and the merchant is told how to get it.
    return (
        f"stock not changed: the available quantity of {args.inventory_item_id} at "
        f"{args.location_id} is no longer {args.expected_quantity}. Read it again with "
        "shopify_get_inventory and pass the number it shows now as expected_quantity"
    )


def set_inventory_text(adjustment: outputs.SetInventoryOutput, quantity: int) -> str:
    if not adjustment.changes:
        return f"Available quantity already {quantity}; nothing changed"
    return "; ".join(
        f"{c.sku or c.inventory_item_id} at {c.location_name}: {c.name} {c.delta:+d}"
        for c in adjustment.changes
    )
