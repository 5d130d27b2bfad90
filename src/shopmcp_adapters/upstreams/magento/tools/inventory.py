"""The inventory tools (Multi-Source Inventory): one SKU's stock per source, the sources, the
stock at one source, and setting a SKU's quantity at a source."""

from __future__ import annotations

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.catalog import SkuInput
from shopmcp_adapters.upstreams.magento.inputs.inventory import (
    GetSourceInput,
    ListSourceItemsInput,
    ListSourcesInput,
    SetSourceItemInput,
)
from shopmcp_adapters.upstreams.magento.operations import (
    SOURCE_GET,
    SOURCE_ITEMS_SAVE,
    SOURCE_ITEMS_SEARCH,
    SOURCES_SEARCH,
)
from shopmcp_adapters.upstreams.magento.outputs.inventory import (
    InventoryOutput,
    Source,
    SourceItemRow,
    SourceListOutput,
    SourceStock,
    SourceStockListOutput,
)
from shopmcp_adapters.upstreams.magento.parsing import NO_RESULT
from shopmcp_adapters.upstreams.magento.search import (
    Direction,
    FilterGroup,
    SearchCriteria,
    SearchField,
    SearchResults,
    contains,
    equals,
)
from shopmcp_adapters.upstreams.magento.tools.table import page_text, paging, tools
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.tools.spec import ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist

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


# --------------------------------------------------------------------------- sources


@tools.read(
    "magento_list_sources",
    "List Magento inventory sources",
    "The inventory sources (warehouses, stores' stock rooms) with their codes, names, "
    "whether they are enabled and where they are; paged (page_size at most 100). Each "
    "source_code is what magento_get_source and magento_list_source_items take.",
    ListSourcesInput,
    SourceListOutput,
    SOURCES_SEARCH,
)
async def list_sources(client: MagentoClient, args: ListSourcesInput) -> Reply:
    groups: list[FilterGroup] = []
    if args.enabled_only:
        groups.append(equals(SearchField.ENABLED, 1))
    criteria = SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.SOURCE_CODE, Direction.ASC)],
    )
    found = SearchResults[Source].model_validate(
        await client.get(SOURCES_SEARCH, criteria=criteria)
    )
    result = SourceListOutput(sources=found.items, paging=paging(found, criteria))
    shown = ", ".join(_source_line(s) for s in result.sources[:20])
    return Reply(result, page_text("source(s)", result.paging, len(result.sources), shown))


def _source_line(source: Source) -> str:
    state = "enabled" if source.enabled else "disabled"
    place = ", ".join(p for p in (source.city, source.country_id) if p)
    return f"{source.source_code} ({source.name}, {state}" + (f", {place})" if place else ")")


@tools.read(
    "magento_get_source",
    "Get a Magento inventory source",
    "One inventory source by its source_code: name, whether it is enabled, description and "
    "address (contact details are left out).",
    GetSourceInput,
    Source,
    SOURCE_GET,
)
async def get_source(client: MagentoClient, args: GetSourceInput) -> Reply:
    source = Source.model_validate(await client.get(SOURCE_GET, {"source_code": args.source_code}))
    return Reply(source, f"Source {_source_line(source)}.")


@tools.read(
    "magento_list_source_items",
    "List the stock at a Magento inventory source",
    "The SKUs stocked at one source (by source_code) with their quantity and stock status, "
    "by SKU text or stock status, ordered by SKU; paged (page_size at most 100). For one "
    "SKU across all sources use magento_get_inventory.",
    ListSourceItemsInput,
    SourceStockListOutput,
    SOURCE_ITEMS_SEARCH,
)
async def list_source_items(client: MagentoClient, args: ListSourceItemsInput) -> Reply:
    groups: list[FilterGroup] = [equals(SearchField.SOURCE_CODE, args.source_code)]
    if args.sku_contains:
        groups.append(contains(args.sku_contains, SearchField.SKU))
    if args.in_stock is not None:
        groups.append(equals(SearchField.STATUS, int(args.in_stock)))
    criteria = SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.SKU, Direction.ASC)],
    )
    found = SearchResults[SourceStock].model_validate(
        await client.get(SOURCE_ITEMS_SEARCH, criteria=criteria)
    )
    result = SourceStockListOutput(
        source_code=args.source_code, items=found.items, paging=paging(found, criteria)
    )
    shown = ", ".join(_stock_line(s) for s in result.items[:20])
    return Reply(
        result,
        f"At {result.source_code}: "
        + page_text("stock row(s)", result.paging, len(result.items), shown),
    )


def _stock_line(stock: SourceStock) -> str:
    return f"{stock.sku} {stock.quantity:g}" + ("" if stock.in_stock else " (out of stock)")


@tools.write(
    "magento_set_source_item",
    "Set a SKU's stock at a Magento source",
    "Sets one SKU's quantity and stock status at one inventory source (Multi-Source "
    "Inventory), replacing what was there; the row is created if the SKU was not yet "
    "assigned to the source. magento_get_inventory shows the current quantities.",
    SetSourceItemInput,
    SourceStock,
    SOURCE_ITEMS_SAVE,
    whitelist=WriteWhitelist(
        writable=frozenset({"quantity", "in_stock"}),
        locators=frozenset({"sku", "source_code"}),
    ),
    # It replaces the quantity: destructive. The same quantity again changes nothing more.
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True),
)
async def set_source_item(client: MagentoClient, args: SetSourceItemInput) -> Reply:
    row = {
        "sku": args.sku,
        "source_code": args.source_code,
        "quantity": args.quantity,
        "status": int(args.in_stock),
    }
    NO_RESULT.validate_python(await client.post(SOURCE_ITEMS_SAVE, {}, {"sourceItems": [row]}))
    result = SourceStock(
        sku=args.sku, source_code=args.source_code, quantity=args.quantity, in_stock=args.in_stock
    )
    return Reply(result, f"Set {_stock_line(result)} at {result.source_code}.")
