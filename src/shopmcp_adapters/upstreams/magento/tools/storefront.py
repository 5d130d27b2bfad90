"""The storefront tools: the store views' configuration, and the CMS pages and blocks (read
only)."""

from __future__ import annotations

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.common import NoInput
from shopmcp_adapters.upstreams.magento.inputs.storefront import (
    GetCmsBlockInput,
    GetCmsPageInput,
    ListCmsInput,
)
from shopmcp_adapters.upstreams.magento.operations import (
    CMS_BLOCK_GET,
    CMS_BLOCKS_SEARCH,
    CMS_PAGE_GET,
    CMS_PAGES_SEARCH,
    STORE_CONFIGS,
)
from shopmcp_adapters.upstreams.magento.outputs.storefront import (
    MAX_CONTENT,
    CmsBlock,
    CmsBlockDetail,
    CmsBlockListOutput,
    CmsPage,
    CmsPageDetail,
    CmsPageListOutput,
    StoreOutput,
)
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


@tools.read(
    "magento_get_store",
    "Magento store configuration",
    "The store views' configuration: code, locale, currencies, timezone, weight unit and "
    "base URLs.",
    NoInput,
    StoreOutput,
    STORE_CONFIGS,
)
async def get_store(client: MagentoClient, args: NoInput) -> Reply:
    result = StoreOutput.model_validate(await client.get(STORE_CONFIGS))
    return Reply(result, _store_text(result))


def _store_text(result: StoreOutput) -> str:
    lines = [
        f"{s.code}: {s.locale}, {s.base_currency_code}, {s.timezone}, {s.secure_base_url}"
        for s in result.stores
    ]
    return f"{len(result.stores)} store view(s). " + "; ".join(lines)


# --------------------------------------------------------------------------- CMS (read only)


def _cms_query(args: ListCmsInput) -> SearchCriteria:
    groups: list[FilterGroup] = []
    if args.title_contains:
        groups.append(contains(args.title_contains, SearchField.TITLE))
    if args.active_only:
        groups.append(equals(SearchField.IS_ACTIVE, 1))
    return SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.TITLE, Direction.ASC)],
    )


def _cms_line(item: CmsPage | CmsBlock) -> str:
    state = "" if item.active in (True, None) else ", disabled"
    return f"id {item.id} {item.title!r} ({item.identifier}{state})"


@tools.read(
    "magento_list_cms_pages",
    "List Magento CMS pages",
    "The store's content pages (home, about us, policies) by title text and optionally active "
    "ones only, by title; paged (page_size at most 100). Each page's id is what "
    "magento_get_cms_page takes.",
    ListCmsInput,
    CmsPageListOutput,
    CMS_PAGES_SEARCH,
)
async def list_cms_pages(client: MagentoClient, args: ListCmsInput) -> Reply:
    criteria = _cms_query(args)
    found = SearchResults[CmsPage].model_validate(
        await client.get(CMS_PAGES_SEARCH, criteria=criteria)
    )
    result = CmsPageListOutput(pages=found.items, paging=paging(found, criteria))
    shown = ", ".join(_cms_line(p) for p in result.pages[:20])
    return Reply(result, page_text("CMS page(s)", result.paging, len(result.pages), shown))


@tools.read(
    "magento_get_cms_page",
    "Get a Magento CMS page",
    f"One content page by its id: title, URL key, layout, meta data and its HTML content (at "
    f"most {MAX_CONTENT} characters; content_length gives the whole length).",
    GetCmsPageInput,
    CmsPageDetail,
    CMS_PAGE_GET,
)
async def get_cms_page(client: MagentoClient, args: GetCmsPageInput) -> Reply:
    result = CmsPageDetail.model_validate(await client.get(CMS_PAGE_GET, {"page_id": args.page_id}))
    return Reply(
        result,
        f"CMS page {_cms_line(result.page)}, {result.content_length} characters of content.",
    )


@tools.read(
    "magento_list_cms_blocks",
    "List Magento CMS blocks",
    "The store's content blocks (banners, footer links, promotional snippets) by title text "
    "and optionally active ones only; paged (page_size at most 100). Each block's id is what "
    "magento_get_cms_block takes.",
    ListCmsInput,
    CmsBlockListOutput,
    CMS_BLOCKS_SEARCH,
)
async def list_cms_blocks(client: MagentoClient, args: ListCmsInput) -> Reply:
    criteria = _cms_query(args)
    found = SearchResults[CmsBlock].model_validate(
        await client.get(CMS_BLOCKS_SEARCH, criteria=criteria)
    )
    result = CmsBlockListOutput(blocks=found.items, paging=paging(found, criteria))
    shown = ", ".join(_cms_line(b) for b in result.blocks[:20])
    return Reply(result, page_text("CMS block(s)", result.paging, len(result.blocks), shown))


@tools.read(
    "magento_get_cms_block",
    "Get a Magento CMS block",
    f"One content block by its id: title, identifier, whether it is active, and its HTML "
    f"content (at most {MAX_CONTENT} characters).",
    GetCmsBlockInput,
    CmsBlockDetail,
    CMS_BLOCK_GET,
)
async def get_cms_block(client: MagentoClient, args: GetCmsBlockInput) -> Reply:
    result = CmsBlockDetail.model_validate(
        await client.get(CMS_BLOCK_GET, {"block_id": args.block_id})
    )
    return Reply(
        result,
        f"CMS block {_cms_line(result.block)}, {result.content_length} characters of content.",
    )
