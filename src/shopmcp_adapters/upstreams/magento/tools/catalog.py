"""The catalog tools: products, their variants, categories and their products, and the product
update."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import TypeAdapter

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.catalog import (
    PRODUCT_WRITABLE_FIELDS,
    CategoryInput,
    ListCategoriesInput,
    SearchProductsInput,
    SkuInput,
    UpdateProductInput,
)
from shopmcp_adapters.upstreams.magento.operations import (
    CATEGORY_GET,
    CATEGORY_PRODUCTS,
    CATEGORY_TREE,
    PRODUCT_CHILDREN,
    PRODUCT_GET,
    PRODUCT_UPDATE,
    PRODUCTS_SEARCH,
)
from shopmcp_adapters.upstreams.magento.outputs.catalog import (
    MAX_CATEGORIES,
    CategoryDetail,
    CategoryNode,
    CategoryProduct,
    CategoryProductsOutput,
    CategoryTreeOutput,
    ProductChildrenOutput,
    ProductDetail,
    ProductSearchOutput,
    ProductSummary,
)
from shopmcp_adapters.upstreams.magento.parsing import NullableList
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


@tools.read(
    "magento_search_products",
    "Search Magento products",
    "Find products whose name or SKU contains a text, by status and product type; "
    "ordered by SKU, paged (page_size at most 100).",
    SearchProductsInput,
    ProductSearchOutput,
    PRODUCTS_SEARCH,
)
async def search_products(client: MagentoClient, args: SearchProductsInput) -> Reply:
    criteria = _products_query(args)
    found = SearchResults[ProductSummary].model_validate(
        await client.get(PRODUCTS_SEARCH, criteria=criteria)
    )
    result = ProductSearchOutput(products=found.items, paging=paging(found, criteria))
    return Reply(result, _products_text(result))


def _products_query(args: SearchProductsInput) -> SearchCriteria:
    groups: list[FilterGroup] = []
    if args.name_contains:
        groups.append(contains(args.name_contains, SearchField.NAME))
    if args.sku_contains:
        groups.append(contains(args.sku_contains, SearchField.SKU))
    if args.status:
        groups.append(equals(SearchField.STATUS, args.status.code))
    if args.type:
        groups.append(equals(SearchField.TYPE_ID, args.type))
    return SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.SKU, Direction.ASC)],
    )


def _products_text(result: ProductSearchOutput) -> str:
    shown = ", ".join(f"{p.sku} ({p.name})" for p in result.products[:10])
    return page_text("product(s)", result.paging, len(result.products), shown)


@tools.read(
    "magento_get_product",
    "Get a Magento product",
    "One product by SKU: price, special price, status, visibility, descriptions, stock, "
    "and for a configurable product its options and child product ids (use "
    "magento_list_product_children for the variants themselves).",
    SkuInput,
    ProductDetail,
    PRODUCT_GET,
)
async def get_product(client: MagentoClient, args: SkuInput) -> Reply:
    result = ProductDetail.model_validate(await client.get(PRODUCT_GET, {"sku": args.sku}))
    return Reply(result, _product_text(result))


def _product_text(result: ProductDetail, verb: str = "") -> str:
    p = result.product
    stock = "" if result.qty is None else f", qty {result.qty:g}"
    children = f", {len(result.child_product_ids)} variant(s)" if result.child_product_ids else ""
    return f"{verb}{p.sku}: {p.name} ({p.type_id}, {p.status}), price {p.price}{stock}{children}."


@tools.read(
    "magento_list_product_children",
    "List a configurable product's variants",
    "The child (variant) products of a configurable product, with their SKU, price, "
    "status and short attributes such as color or size option ids.",
    SkuInput,
    ProductChildrenOutput,
    PRODUCT_CHILDREN,
)
async def list_product_children(client: MagentoClient, args: SkuInput) -> Reply:
    children = await client.get(PRODUCT_CHILDREN, {"sku": args.sku})
    result = ProductChildrenOutput.model_validate({"parent_sku": args.sku, "children": children})
    return Reply(result, _children_text(result))


def _children_text(result: ProductChildrenOutput) -> str:
    shown = ", ".join(c.product.sku for c in result.children[:20])
    return f"{result.parent_sku} has {len(result.children)} child product(s)" + (
        f": {shown}." if shown else "."
    )


# --------------------------------------------------------------------------- categories


@tools.read(
    "magento_list_categories",
    "List Magento categories",
    "The category tree, from the root or from one category, down to depth levels (at most "
    f"5), depth-first: each category's id, name, level, whether it is active and how many "
    f"products it holds. At most {MAX_CATEGORIES} categories; truncated says when more exist.",
    ListCategoriesInput,
    CategoryTreeOutput,
    CATEGORY_TREE,
)
async def list_categories(client: MagentoClient, args: ListCategoriesInput) -> Reply:
    query: list[tuple[str, str | int | float | bool | None]] = [("depth", args.depth)]
    if args.root_category_id is not None:
        query.insert(0, ("rootCategoryId", args.root_category_id))
    result = CategoryTreeOutput.model_validate(
        await client.get(CATEGORY_TREE, params=httpx.QueryParams(query))
    )
    shown = "; ".join(
        "-" * max((c.level or 1) - 1, 0) + _category_line(c) for c in result.categories[:40]
    )
    more = " (more left out)" if result.truncated or len(result.categories) > 40 else ""
    return Reply(result, f"{len(result.categories)} categories{more}: {shown}.")


def _category_line(category: CategoryNode) -> str:
    state = "" if category.is_active in (True, None) else ", inactive"
    count = "" if category.product_count is None else f", {category.product_count} products"
    return f"id {category.id} {category.name}{count}{state}"


@tools.read(
    "magento_get_category",
    "Get a Magento category",
    "One category by its id: name, parent, path, child category ids, whether it is active "
    "and in the menu, URL key and description. Its products: magento_list_category_products.",
    CategoryInput,
    CategoryDetail,
    CATEGORY_GET,
)
async def get_category(client: MagentoClient, args: CategoryInput) -> Reply:
    result = CategoryDetail.model_validate(
        await client.get(CATEGORY_GET, {"category_id": args.category_id})
    )
    children = ", ".join(str(i) for i in result.children_ids[:30]) or "none"
    return Reply(
        result,
        f"Category {_category_line(result.category)} (parent {result.category.parent_id}), "
        f"child category ids: {children}.",
    )


_CATEGORY_LINKS = TypeAdapter(NullableList[CategoryProduct])


@tools.read(
    "magento_list_category_products",
    "List a Magento category's products",
    "The SKUs assigned to one category (by id) and their positions; magento_get_product "
    "takes each SKU.",
    CategoryInput,
    CategoryProductsOutput,
    CATEGORY_PRODUCTS,
)
async def list_category_products(client: MagentoClient, args: CategoryInput) -> Reply:
    links = _CATEGORY_LINKS.validate_python(
        await client.get(CATEGORY_PRODUCTS, {"category_id": args.category_id})
    )
    result = CategoryProductsOutput.of(args.category_id, links)
    shown = ", ".join(p.sku for p in result.products[:50])
    more = " (more left out)" if result.total_count > 50 else ""
    return Reply(
        result,
        f"Category {result.category_id} has {result.total_count} product(s)"
        + (f": {shown}{more}." if shown else "."),
    )


# --------------------------------------------------------------------------- the product update


def update_body(args: UpdateProductInput) -> dict[str, Any]:
    """The PUT body, built field by field from the whitelisted input only. The SKU is the path
    locator and is never in the body (a body SKU would rename the product)."""
    product: dict[str, Any] = {}
    if args.name is not None:
        product["name"] = args.name
    if args.price is not None:
        product["price"] = args.price
    if args.status is not None:
        product["status"] = args.status.code
    if args.visibility is not None:
        product["visibility"] = args.visibility.code
    if args.weight is not None:
        product["weight"] = args.weight
    # Magento keeps these as custom attributes, and takes a decimal one as text.
    custom: list[dict[str, str]] = []
    if args.description is not None:
        custom.append({"attribute_code": "description", "value": args.description})
    if args.short_description is not None:
        custom.append({"attribute_code": "short_description", "value": args.short_description})
    if args.special_price is not None:
        custom.append({"attribute_code": "special_price", "value": f"{args.special_price:.4f}"})
    if custom:
        product["custom_attributes"] = custom
    stock: dict[str, Any] = {}
    if args.qty is not None:
        stock["qty"] = args.qty
    if args.is_in_stock is not None:
        stock["is_in_stock"] = args.is_in_stock
    if stock:
        product["extension_attributes"] = {"stock_item": stock}
    return {"product": product}


@tools.write(
    "magento_update_product",
    "Update a Magento product",
    "Change a product, located by SKU, at global (all store views) scope. Only name, price, "
    "special_price, status, visibility, description, short_description, weight, qty and "
    "is_in_stock can be set; the SKU itself, attribute set, websites and other attributes "
    "cannot. Omitted fields are left unchanged.",
    UpdateProductInput,
    ProductDetail,
    PRODUCT_UPDATE,
    whitelist=WriteWhitelist(
        writable=frozenset(PRODUCT_WRITABLE_FIELDS), locators=frozenset({"sku"})
    ),
    # It overwrites values (a price, a description, a stock quantity): destructive in MCP's
    # sense. The same values again change nothing more.
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True),
)
async def update_product(client: MagentoClient, args: UpdateProductInput) -> Reply:
    body = update_body(args)
    result = ProductDetail.model_validate(await client.put(PRODUCT_UPDATE, {"sku": args.sku}, body))
    return Reply(result, _product_text(result, verb="Updated "))
