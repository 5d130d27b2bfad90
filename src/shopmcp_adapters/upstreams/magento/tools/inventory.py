"""The inventory tools (Multi-Source Inventory): stock per source."""

from __future__ import annotations

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.catalog import SkuInput
from shopmcp_adapters.upstreams.magento.operations import SOURCE_ITEMS_SEARCH
from shopmcp_adapters.upstreams.magento.outputs.inventory import InventoryOutput, SourceItemRow
from shopmcp_adapters.upstreams.magento.search import (
    SearchCriteria,
    SearchField,
    SearchResults,
    equals,
)
from shopmcp_adapters.upstreams.magento.tools.table import tools
from shopmcp_adapters.upstreams.module import Reply

# magento_get_inventory reads one page of this many source items (one row per source).
INVENTORY_SOURCES = 100


@tools.read(
    "magento_get_inventory",
    "Magento inventory for a SKU",
    "Quantity and stock status of one SKU at each inventory source (Multi-Source "
    "Inventory source items).",
    SkuInput,
    InventoryOutput,
    SOURCE_ITEMS_SEARCH,
)
async def get_inventory(client: MagentoClient, args: SkuInput) -> Reply:
    criteria = SearchCriteria(
        groups=[equals(SearchField.SKU, args.sku)], page_size=INVENTORY_SOURCES
    )
    found = SearchResults[SourceItemRow].model_validate(
        await client.get(SOURCE_ITEMS_SEARCH, criteria=criteria)
    )
    result = InventoryOutput.of(args.sku, found.items)
    return Reply(result, _inventory_text(result))


def _inventory_text(result: InventoryOutput) -> str:
    shown = ", ".join(f"{s.source_code} {s.quantity:g}" for s in result.sources)
    return (
        f"{result.sku}: {result.total_quantity:g} units across {len(result.sources)} source(s)"
        + (f" ({shown})." if shown else ".")
    )
