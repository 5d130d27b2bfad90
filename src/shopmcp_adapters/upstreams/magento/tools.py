"""Magento tools: one row per tool (name, title, description, input, output, operation, and for
the write its whitelist and annotations) directly above its small handler.

Every handler sends exactly one request, its row's operation, and parses the answer into the
tool's output model (``outputs.py``). Related data is a companion tool, named in the
description: an order's credit memos are ``magento_list_credit_memos``, a customer's order
history is ``magento_get_customer_order_summary`` (``GET /V1/orders`` with a fixed
``customer_id`` filter, newest first, one bounded page; it shares the endpoint with
``magento_search_orders``, which takes the caller's filters).
"""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs import (
    WRITABLE_FIELDS,
    GetCustomerInput,
    GetOrderInput,
    GetStoreInput,
    ListCreditMemosInput,
    SearchCustomersInput,
    SearchOrdersInput,
    SearchProductsInput,
    SkuInput,
    UpdateProductInput,
)
from shopmcp_adapters.upstreams.magento.outputs import (
    CreditMemo,
    CreditMemoListOutput,
    CustomerDetail,
    CustomerOrderSummary,
    CustomerSearchOutput,
    CustomerSummary,
    InventoryOutput,
    OrderDetail,
    OrderSearchOutput,
    OrderSummary,
    Paging,
    ProductChildrenOutput,
    ProductDetail,
    ProductSearchOutput,
    ProductSummary,
    RecentOrder,
    SourceItemRow,
    StoreOutput,
)
from shopmcp_adapters.upstreams.magento.parsing import full_name
from shopmcp_adapters.upstreams.magento.search import (
    Direction,
    FilterGroup,
    SearchCriteria,
    SearchField,
    SearchResults,
    contains,
    created_between,
    equals,
)
from shopmcp_adapters.upstreams.module import Reply, ToolTable
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations, UpstreamOperation
from shopmcp_domain.tools.whitelist import WriteWhitelist

GET, PUT = HttpMethod.GET, HttpMethod.PUT

STORE_CONFIGS = UpstreamOperation(GET, "/V1/store/storeConfigs")
ORDERS_SEARCH = UpstreamOperation(GET, "/V1/orders")
ORDER_GET = UpstreamOperation(GET, "/V1/orders/{order_id}")
PRODUCTS_SEARCH = UpstreamOperation(GET, "/V1/products")
PRODUCT_GET = UpstreamOperation(GET, "/V1/products/{sku}")
PRODUCT_CHILDREN = UpstreamOperation(GET, "/V1/configurable-products/{sku}/children")
SOURCE_ITEMS_SEARCH = UpstreamOperation(GET, "/V1/inventory/source-items")
CUSTOMERS_SEARCH = UpstreamOperation(GET, "/V1/customers/search")
CUSTOMER_GET = UpstreamOperation(GET, "/V1/customers/{customer_id}")
CREDITMEMOS_SEARCH = UpstreamOperation(GET, "/V1/creditmemos")
PRODUCT_UPDATE = UpstreamOperation(PUT, "/V1/products/{sku}")

# magento_get_customer_order_summary reads one page of this many orders, newest first.
SUMMARY_ORDERS = 10
# magento_get_inventory reads one page of this many source items (one row per source).
INVENTORY_SOURCES = 100

tools = ToolTable[MagentoClient](Platform.MAGENTO)


def _money(amount: float | None, currency: str | None) -> str:
    return f"{amount:.2f} {currency or ''}".strip() if amount is not None else "?"


def _page_text(noun: str, paging: Paging, count: int, shown: str) -> str:
    return f"{paging.total_count} {noun} match; page {paging.page} shows {count}" + (
        f": {shown}" if shown else "."
    )


def _paging(found: SearchResults[Any], criteria: SearchCriteria) -> Paging:
    # The page the tool asked for, not Magento's echo of it.
    return Paging(
        total_count=found.total_count, page=criteria.current_page, page_size=criteria.page_size
    )


# --------------------------------------------------------------------------- store


@tools.read(
    "magento_get_store",
    "Magento store configuration",
    "The store views' configuration: code, locale, currencies, timezone, weight unit and "
    "base URLs.",
    GetStoreInput,
    StoreOutput,
    STORE_CONFIGS,
)
async def get_store(client: MagentoClient, args: GetStoreInput) -> Reply:
    result = StoreOutput.model_validate(await client.get(STORE_CONFIGS))
    return Reply(result, _store_text(result))


def _store_text(result: StoreOutput) -> str:
    lines = [
        f"{s.code}: {s.locale}, {s.base_currency_code}, {s.timezone}, {s.secure_base_url}"
        for s in result.stores
    ]
    return f"{len(result.stores)} store view(s). " + "; ".join(lines)


# --------------------------------------------------------------------------- orders


@tools.read(
    "magento_search_orders",
    "Search Magento orders",
    "Find orders by status, order number, creation date range (UTC days, inclusive), "
    "customer e-mail or customer id; newest first, paged (page_size at most 100).",
    SearchOrdersInput,
    OrderSearchOutput,
    ORDERS_SEARCH,
)
async def search_orders(client: MagentoClient, args: SearchOrdersInput) -> Reply:
    criteria = _orders_query(args)
    found = SearchResults[OrderSummary].model_validate(
        await client.get(ORDERS_SEARCH, criteria=criteria)
    )
    result = OrderSearchOutput(orders=found.items, paging=_paging(found, criteria))
    return Reply(result, _orders_text(result))


def _orders_query(args: SearchOrdersInput) -> SearchCriteria:
    groups: list[FilterGroup] = []
    if args.status:
        groups.append(equals(SearchField.STATUS, args.status))
    if args.increment_id:
        groups.append(equals(SearchField.ORDER_INCREMENT_ID, args.increment_id))
    if args.customer_email:
        groups.append(equals(SearchField.CUSTOMER_EMAIL, args.customer_email))
    if args.customer_id:
        groups.append(equals(SearchField.CUSTOMER_ID, args.customer_id))
    groups += created_between(args.created_from, args.created_to)
    return SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.CREATED_AT, Direction.DESC)],
    )


def _orders_text(result: OrderSearchOutput) -> str:
    shown = ", ".join(
        f"#{o.increment_id} {o.status} {_money(o.grand_total, o.currency)}"
        for o in result.orders[:10]
    )
    return _page_text("order(s)", result.paging, len(result.orders), shown)


@tools.read(
    "magento_get_order",
    "Get a Magento order",
    "One order by its entity_id: totals, line items, shipping method and address, and a "
    "fulfilment status computed from the items' shipped quantities. For its refunds use "
    "magento_list_credit_memos with the same order id.",
    GetOrderInput,
    OrderDetail,
    ORDER_GET,
)
async def get_order(client: MagentoClient, args: GetOrderInput) -> Reply:
    result = OrderDetail.model_validate(await client.get(ORDER_GET, {"order_id": args.order_id}))
    return Reply(result, _order_text(result))


def _order_text(result: OrderDetail) -> str:
    order = result.order
    return (
        f"Order #{order.increment_id} ({order.status}), {_money(order.grand_total, order.currency)}"
        f", {order.item_count} line(s), {result.fulfilment_status.replace('_', ' ')}."
    )


# --------------------------------------------------------------------------- products


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
    result = ProductSearchOutput(products=found.items, paging=_paging(found, criteria))
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
    return _page_text("product(s)", result.paging, len(result.products), shown)


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


# --------------------------------------------------------------------------- customers


@tools.read(
    "magento_search_customers",
    "Search Magento customers",
    "Find customers by exact e-mail, by text in first or last name, or by account "
    "creation date range; paged (page_size at most 100).",
    SearchCustomersInput,
    CustomerSearchOutput,
    CUSTOMERS_SEARCH,
)
async def search_customers(client: MagentoClient, args: SearchCustomersInput) -> Reply:
    criteria = _customers_query(args)
    found = SearchResults[CustomerSummary].model_validate(
        await client.get(CUSTOMERS_SEARCH, criteria=criteria)
    )
    result = CustomerSearchOutput(customers=found.items, paging=_paging(found, criteria))
    return Reply(result, _customers_text(result))


def _customers_query(args: SearchCustomersInput) -> SearchCriteria:
    groups: list[FilterGroup] = []
    if args.email:
        groups.append(equals(SearchField.EMAIL, args.email))
    if args.name_contains:
        groups.append(contains(args.name_contains, SearchField.FIRSTNAME, SearchField.LASTNAME))
    groups += created_between(args.created_from, args.created_to)
    return SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.ENTITY_ID, Direction.ASC)],
    )


def _customer_line(c: CustomerSummary) -> str:
    return f"{c.id} {full_name(c.firstname, c.lastname)} <{c.email}>"


def _customers_text(result: CustomerSearchOutput) -> str:
    shown = ", ".join(_customer_line(c) for c in result.customers[:10])
    return _page_text("customer(s)", result.paging, len(result.customers), shown)


@tools.read(
    "magento_get_customer",
    "Get a Magento customer",
    "One customer by id: name, e-mail, date of birth, store and addresses. For their "
    "orders use magento_get_customer_order_summary (or magento_search_orders with "
    "customer_id).",
    GetCustomerInput,
    CustomerDetail,
    CUSTOMER_GET,
)
async def get_customer(client: MagentoClient, args: GetCustomerInput) -> Reply:
    result = CustomerDetail.model_validate(
        await client.get(CUSTOMER_GET, {"customer_id": args.customer_id})
    )
    return Reply(result, _customer_text(result))


def _customer_text(result: CustomerDetail) -> str:
    return f"Customer {_customer_line(result.customer)}, {len(result.addresses)} address(es)."


@tools.read(
    "magento_get_customer_order_summary",
    "A Magento customer's order history summary",
    f"How many orders one customer (by id) has placed in total, and their {SUMMARY_ORDERS} "
    "newest orders (number, status, grand total, date). The count per status covers only "
    f"those {SUMMARY_ORDERS} newest orders (history_complete says whether that is all of "
    "them); for older orders use magento_search_orders with customer_id. Guest orders "
    "placed with the customer's e-mail are not counted; use magento_search_orders with "
    "customer_email for those.",
    GetCustomerInput,
    CustomerOrderSummary,
    ORDERS_SEARCH,
)
async def get_customer_order_summary(client: MagentoClient, args: GetCustomerInput) -> Reply:
    criteria = SearchCriteria(
        groups=[equals(SearchField.CUSTOMER_ID, args.customer_id)],
        page_size=SUMMARY_ORDERS,
        sort=[(SearchField.CREATED_AT, Direction.DESC)],
    )
    found = SearchResults[RecentOrder].model_validate(
        await client.get(ORDERS_SEARCH, criteria=criteria)
    )
    # An upstream that ignores pageSize is cut to the page.
    newest = found.items[:SUMMARY_ORDERS]
    result = CustomerOrderSummary.of(args.customer_id, found.total_count, newest)
    return Reply(result, _order_summary_text(result))


def _order_summary_text(result: CustomerOrderSummary) -> str:
    text = f"Customer {result.customer_id} has {result.order_count} order(s)"
    if result.recent_orders:
        latest = result.recent_orders[0]
        scope = "" if result.history_complete else f" of the {len(result.recent_orders)} newest"
        by_status = ", ".join(f"{s.count} {s.status}" for s in result.recent_by_status)
        text += (
            f"; latest #{latest.increment_id} on {latest.created_at} "
            f"({_money(latest.grand_total, latest.currency)}); by status{scope}: {by_status}"
        )
    return text + "."


@tools.read(
    "magento_list_credit_memos",
    "List a Magento order's credit memos",
    "The credit memos (refunds) of one order, by the order's entity_id: totals, "
    "adjustments and refunded items.",
    ListCreditMemosInput,
    CreditMemoListOutput,
    CREDITMEMOS_SEARCH,
)
async def list_credit_memos(client: MagentoClient, args: ListCreditMemosInput) -> Reply:
    criteria = SearchCriteria(
        groups=[equals(SearchField.ORDER_ID, args.order_id)],
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.CREATED_AT, Direction.ASC)],
    )
    found = SearchResults[CreditMemo].model_validate(
        await client.get(CREDITMEMOS_SEARCH, criteria=criteria)
    )
    result = CreditMemoListOutput(
        order_id=args.order_id, credit_memos=found.items, paging=_paging(found, criteria)
    )
    return Reply(result, _credit_memos_text(result))


def _credit_memos_text(result: CreditMemoListOutput) -> str:
    shown = ", ".join(
        f"{m.increment_id} {_money(m.grand_total, m.currency)}" for m in result.credit_memos
    )
    return f"Order {result.order_id} has {result.paging.total_count} credit memo(s)" + (
        f": {shown}." if shown else "."
    )


# --------------------------------------------------------------------------- the one write


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
    whitelist=WriteWhitelist(writable=frozenset(WRITABLE_FIELDS), locators=frozenset({"sku"})),
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def update_product(client: MagentoClient, args: UpdateProductInput) -> Reply:
    body = update_body(args)
    result = ProductDetail.model_validate(await client.put(PRODUCT_UPDATE, {"sku": args.sku}, body))
    return Reply(result, _product_text(result, verb="Updated "))
