"""Inventory tools: levels by item (every location) and by location, the locations, and
stock adjustments at locations (absolute: set the quantity; relative: add or take away)."""

from __future__ import annotations

from typing import Literal

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient
from shopmcp_adapters.upstreams.bigcommerce.inputs.inventory import (
    AdjustInventoryInput,
    GetInventoryInput,
    ListLocationsInput,
    LocationInventoryInput,
    SetInventoryInput,
)
from shopmcp_adapters.upstreams.bigcommerce.outputs import inventory as m
from shopmcp_adapters.upstreams.bigcommerce.tools import operations as op
from shopmcp_adapters.upstreams.bigcommerce.tools.table import tools
from shopmcp_adapters.upstreams.bigcommerce.tools.texts import listed, plural, v3_more
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.tools.spec import ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist


def _selector(
    params: dict[str, str | int],
    skus: list[str] | None,
    variant_ids: list[int] | None,
    product_ids: list[int] | None,
) -> None:
    if skus is not None:
        params["sku:in"] = ",".join(skus)
    elif variant_ids is not None:
        params["variant_id:in"] = ",".join(str(i) for i in variant_ids)
    elif product_ids is not None:
        params["product_id:in"] = ",".join(str(i) for i in product_ids)


def _identity(sku: str | None, variant_id: int | None, product_id: int | None) -> str:
    ids = ", ".join(
        f"{kind} #{value}"
        for kind, value in (("variant", variant_id), ("product", product_id))
        if value is not None
    )
    name = sku or "(no SKU)"
    return f"{name} ({ids})" if ids else name


@tools.read(
    "bigcommerce_get_inventory",
    "Inventory levels",
    "Inventory per location (available to sell, on hand, in stock) for SKUs, variant ids or "
    "product ids (give exactly one kind).",
    GetInventoryInput,
    m.GetInventoryOutput,
    op.INVENTORY_ITEMS,
)
async def get_inventory(client: BigCommerceClient, args: GetInventoryInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    _selector(params, args.skus, args.variant_ids, args.product_ids)
    out = m.GetInventoryOutput.model_validate(await client.call(op.INVENTORY_ITEMS, params=params))
    lines = [
        f"{_identity(i.sku, i.variant_id, i.product_id)}: "
        + str(sum(loc.available_to_sell or 0 for loc in i.locations))
        + f" available in {plural(len(i.locations), 'location')}"
        for i in out.items
    ]
    more = v3_more(out.pagination.current_page, out.pagination.total_pages)
    return Reply(out, listed(plural(len(out.items), "inventory item"), lines, more))


@tools.read(
    "bigcommerce_list_locations",
    "List inventory locations",
    "The store's inventory locations (warehouses, shops) with their ids and codes: stock "
    "levels and adjustments are per location.",
    ListLocationsInput,
    m.ListLocationsOutput,
    op.LOCATIONS,
)
async def list_locations(client: BigCommerceClient, args: ListLocationsInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.is_active is not None:
        params["is_active"] = "true" if args.is_active else "false"
    out = m.ListLocationsOutput.model_validate(await client.call(op.LOCATIONS, params=params))
    lines = [
        f"#{loc.id} {loc.label}"
        + (f" ({loc.code})" if loc.code else "")
        + ("" if loc.enabled is not False else ", disabled")
        for loc in out.locations
    ]
    more = v3_more(out.pagination.current_page, out.pagination.total_pages)
    return Reply(out, listed(plural(len(out.locations), "location"), lines, more))


@tools.read(
    "bigcommerce_get_location_inventory",
    "Inventory at a location",
    "Stock at one location (from bigcommerce_list_locations): available to sell, on hand, "
    "safety stock and warning level per item; optionally only some SKUs, variants or products.",
    LocationInventoryInput,
    m.LocationInventoryOutput,
    op.LOCATION_ITEMS,
)
async def get_location_inventory(client: BigCommerceClient, args: LocationInventoryInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    _selector(params, args.skus, args.variant_ids, args.product_ids)
    body = await client.call(
        op.LOCATION_ITEMS, path={"location_id": args.location_id}, params=params
    )
    out = m.LocationInventoryOutput.model_validate({**body, "location_id": args.location_id})
    lines = [
        f"{_identity(i.sku, i.variant_id, i.product_id)}: {i.available_to_sell} available, "
        f"{i.total_inventory_onhand} on hand"
        for i in out.items
    ]
    head = f"Location #{out.location_id}: {plural(len(out.items), 'item')}"
    more = v3_more(out.pagination.current_page, out.pagination.total_pages)
    return Reply(out, listed(head, lines, more))


def _adjusted(
    body: object,
    mode: Literal["absolute", "relative"],
    args: SetInventoryInput | AdjustInventoryInput,
) -> Reply:
    out = m.InventoryAdjustmentOutput.model_validate(
        {
            **(body if isinstance(body, dict) else {}),
            "mode": mode,
            "items": [item.model_dump() for item in args.items],
        }
    )
    if mode == "absolute":
        lines = [
            f"variant #{i.variant_id} at location #{i.location_id} set to {i.quantity}"
            for i in out.items
        ]
    else:
        lines = [
            f"variant #{i.variant_id} at location #{i.location_id} {i.quantity:+d}"
            for i in out.items
        ]
    head = f"Stock adjusted (transaction {out.transaction_id}), {plural(len(lines), 'item')}"
    return Reply(out, listed(head, lines))


STOCK_WHITELIST = WriteWhitelist(writable=frozenset({"items", "reason"}))


@tools.write(
    "bigcommerce_set_inventory",
    "Set stock levels",
    "Set the on-hand quantity of variants at locations (absolute), e.g. after a stock count. "
    "Variants are named by id (bigcommerce_get_inventory prints them), locations by id "
    "(bigcommerce_list_locations).",
    SetInventoryInput,
    m.InventoryAdjustmentOutput,
    op.ADJUST_ABSOLUTE,
    whitelist=STOCK_WHITELIST,
    # Replaces the quantities there were: destructive. Setting the same quantities again
    # leaves them as they are: idempotent.
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True),
)
async def set_inventory(client: BigCommerceClient, args: SetInventoryInput) -> Reply:
    body = await client.call(op.ADJUST_ABSOLUTE, json=args.body())
    return _adjusted(body, "absolute", args)


@tools.write(
    "bigcommerce_adjust_inventory",
    "Adjust stock levels",
    "Add to or take away from the on-hand quantity of variants at locations (relative), "
    "e.g. a delivery received (+) or damaged stock written off (-).",
    AdjustInventoryInput,
    m.InventoryAdjustmentOutput,
    op.ADJUST_RELATIVE,
    whitelist=STOCK_WHITELIST,
    # Changes existing quantities (a negative change removes stock), so not merely additive;
    # every repeat changes them again: not idempotent.
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False),
)
async def adjust_inventory(client: BigCommerceClient, args: AdjustInventoryInput) -> Reply:
    body = await client.call(op.ADJUST_RELATIVE, json=args.body())
    return _adjusted(body, "relative", args)
