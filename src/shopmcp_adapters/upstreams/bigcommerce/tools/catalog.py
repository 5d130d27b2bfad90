"""Catalog tools: products (list, get, the one product write), categories and brands.

``bigcommerce_get_category`` and ``bigcommerce_list_categories`` share
``GET /v3/catalog/trees/categories`` (the category-tree API, which replaces the deprecated
``/v3/catalog/categories``, has no single-category endpoint): the get sends the fixed query
``category_id:in=<category_id>``, and an empty ``data`` list is a 404-style UpstreamError.
"""

from __future__ import annotations

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient
from shopmcp_adapters.upstreams.bigcommerce.inputs.catalog import (
    BrandIdInput,
    CategoryIdInput,
    ListBrandsInput,
    ListCategoriesInput,
    ListProductsInput,
    ProductIdInput,
    UpdateProductInput,
)
from shopmcp_adapters.upstreams.bigcommerce.outputs import catalog as m
from shopmcp_adapters.upstreams.bigcommerce.outputs.common import V3Data
from shopmcp_adapters.upstreams.bigcommerce.tools import operations as op
from shopmcp_adapters.upstreams.bigcommerce.tools.table import PLATFORM, tools
from shopmcp_adapters.upstreams.bigcommerce.tools.texts import listed, money, plural, v3_more
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_domain.tools.spec import ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist


@tools.read(
    "bigcommerce_list_products",
    "List products",
    "List or search catalog products by keyword, exact SKU, category, brand or visibility. Paged.",
    ListProductsInput,
    m.ListProductsOutput,
    op.PRODUCTS,
)
async def list_products(client: BigCommerceClient, args: ListProductsInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.keyword is not None:
        params["keyword"] = args.keyword
    if args.sku is not None:
        params["sku"] = args.sku
    if args.category_id is not None:
        params["categories:in"] = args.category_id
    if args.brand_id is not None:
        params["brand_id"] = args.brand_id
    if args.is_visible is not None:
        params["is_visible"] = "true" if args.is_visible else "false"
    out = m.ListProductsOutput.model_validate(await client.call(op.PRODUCTS, params=params))
    lines = [
        f"#{p.id} {p.name} {money(p.price)}" + (f" (SKU {p.sku})" if p.sku else "")
        for p in out.products
    ]
    total = out.pagination.total
    head = plural(len(out.products), "product") + (f" of {total}" if total is not None else "")
    more = v3_more(out.pagination.current_page, out.pagination.total_pages)
    return Reply(out, listed(head, lines, more))


@tools.read(
    "bigcommerce_get_product",
    "Get a product",
    "One catalog product with its variants (id, SKU, price, inventory level, options).",
    ProductIdInput,
    m.GetProductOutput,
    op.PRODUCT,
)
async def get_product(client: BigCommerceClient, args: ProductIdInput) -> Reply:
    body = await client.call(
        op.PRODUCT, path={"product_id": args.product_id}, params={"include": "variants"}
    )
    out = m.GetProductOutput.model_validate(body)
    product = out.product
    text = f"Product #{product.id} {product.name}: price {money(product.price)}"
    if product.sku:
        text += f", SKU {product.sku}"
    if product.inventory_level is not None:
        text += f", inventory {product.inventory_level}"
    variants = [
        f"variant #{v.id}"
        + (f" SKU {v.sku}" if v.sku else "")
        + (f" {money(v.price)}" if v.price is not None else "")
        + (f", {v.inventory_level} in stock" if v.inventory_level is not None else "")
        for v in product.variants
    ]
    return Reply(out, listed(text + f", {plural(len(variants), 'variant')}", variants))


@tools.write(
    "bigcommerce_update_product",
    "Update a product",
    "Change a product's name, price, sale price, inventory level (when tracked by "
    "product), visibility or description. Other fields cannot be changed with this tool.",
    UpdateProductInput,
    m.UpdateProductOutput,
    op.PRODUCT_UPDATE,
    whitelist=WriteWhitelist(
        writable=frozenset(
            {"name", "price", "sale_price", "inventory_level", "is_visible", "description"}
        ),
        locators=frozenset({"product_id"}),
    ),
    # The previous values (a price, the description) are overwritten, not added to:
    # destructive in MCP's sense. Setting the same values twice leaves the product as after the
    # first time: idempotent.
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True),
)
async def update_product(client: BigCommerceClient, args: UpdateProductInput) -> Reply:
    changes = args.changes()
    body = await client.call(op.PRODUCT_UPDATE, path={"product_id": args.product_id}, json=changes)
    product = V3Data[m.Product].model_validate(body).data
    out = m.UpdateProductOutput(product=product, updated_fields=sorted(changes))
    text = f"Updated product #{product.id} {product.name}: {', '.join(out.updated_fields)}."
    return Reply(out, text)


@tools.read(
    "bigcommerce_list_categories",
    "List categories",
    "The catalog's categories (from the category trees): filter by parent (0 = top level), "
    "tree, part of the name or visibility. Paged.",
    ListCategoriesInput,
    m.ListCategoriesOutput,
    op.CATEGORIES,
)
async def list_categories(client: BigCommerceClient, args: ListCategoriesInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.parent_id is not None:
        params["parent_id:in"] = args.parent_id
    if args.tree_id is not None:
        params["tree_id:in"] = args.tree_id
    if args.name is not None:
        params["name:like"] = args.name
    if args.is_visible is not None:
        params["is_visible"] = "true" if args.is_visible else "false"
    out = m.ListCategoriesOutput.model_validate(await client.call(op.CATEGORIES, params=params))
    lines = [
        f"#{c.category_id} {c.name}"
        + (f" (in #{c.parent_id})" if c.parent_id else " (top level)")
        + ("" if c.is_visible is not False else ", hidden")
        for c in out.categories
    ]
    more = v3_more(out.pagination.current_page, out.pagination.total_pages)
    return Reply(out, listed(plural(len(out.categories), "category"), lines, more))


@tools.read(
    "bigcommerce_get_category",
    "Get a category",
    "One category by id: name, parent, tree, visibility, sort order, URL and description. "
    "Its products are bigcommerce_list_products with category_id.",
    CategoryIdInput,
    m.GetCategoryOutput,
    op.CATEGORIES,
)
async def get_category(client: BigCommerceClient, args: CategoryIdInput) -> Reply:
    body = await client.call(op.CATEGORIES, params={"category_id:in": args.category_id})
    found = V3Data[list[m.CategoryDetail]].model_validate(body).data
    if not found:
        raise UpstreamError(PLATFORM.value, 404, f"no category with id {args.category_id}")
    if len(found) != 1 or found[0].category_id != args.category_id:
        raise UpstreamResponseInvalid(PLATFORM.value, "the upstream answered another category")
    category = found[0]
    text = f"Category #{category.category_id} {category.name}"
    text += f", in #{category.parent_id}" if category.parent_id else ", top level"
    if category.url:
        text += f", {category.url}"
    return Reply(m.GetCategoryOutput(category=category), text + ".")


@tools.read(
    "bigcommerce_list_brands",
    "List brands",
    "The catalog's brands, optionally by part of the name. Paged.",
    ListBrandsInput,
    m.ListBrandsOutput,
    op.BRANDS,
)
async def list_brands(client: BigCommerceClient, args: ListBrandsInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.name is not None:
        params["name:like"] = args.name
    out = m.ListBrandsOutput.model_validate(await client.call(op.BRANDS, params=params))
    lines = [f"#{b.id} {b.name}" for b in out.brands]
    more = v3_more(out.pagination.current_page, out.pagination.total_pages)
    return Reply(out, listed(plural(len(out.brands), "brand"), lines, more))


@tools.read(
    "bigcommerce_get_brand",
    "Get a brand",
    "One brand by id: name, page title, search keywords, image and URL. Its products are "
    "bigcommerce_list_products with brand_id.",
    BrandIdInput,
    m.GetBrandOutput,
    op.BRAND,
)
async def get_brand(client: BigCommerceClient, args: BrandIdInput) -> Reply:
    out = m.GetBrandOutput.model_validate(
        await client.call(op.BRAND, path={"brand_id": args.brand_id})
    )
    brand = out.brand
    return Reply(out, f"Brand #{brand.id} {brand.name}" + (f", {brand.url}." if brand.url else "."))
