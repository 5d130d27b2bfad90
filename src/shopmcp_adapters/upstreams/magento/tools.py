"""Magento tools: one row per tool (name, access, input, output, operation, annotations), then
small handlers from validated input to one upstream request and a parsed result.

Every handler sends exactly one request: its spec's operation. Related data is a companion
tool, named in the description: an order's credit memos are ``magento_list_credit_memos``, a
customer's order history is ``magento_get_customer_order_summary`` (``GET /V1/orders`` with a
fixed ``customer_id`` filter, newest first, one bounded page; it shares the endpoint with
``magento_search_orders``, which takes the caller's filters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shopmcp_adapters.upstreams.magento.client import PLATFORM, MagentoClient
from shopmcp_adapters.upstreams.magento.models import (
    WRITABLE_FIELDS,
    Address,
    ConfigurableOption,
    CreditMemo,
    CreditMemoItem,
    CreditMemoListOutput,
    CustomerDetail,
    CustomerOrderSummary,
    CustomerSearchOutput,
    CustomerSummary,
    Fulfilment,
    GetCustomerInput,
    GetOrderInput,
    GetStoreInput,
    InventoryOutput,
    ListCreditMemosInput,
    OrderDetail,
    OrderItem,
    OrderSearchOutput,
    OrderSummary,
    Paging,
    ProductChild,
    ProductChildrenOutput,
    ProductDetail,
    ProductSearchOutput,
    ProductStatus,
    ProductSummary,
    RecentOrder,
    SearchCustomersInput,
    SearchOrdersInput,
    SearchProductsInput,
    Shipping,
    SkuInput,
    SourceItem,
    StatusCount,
    StoreConfig,
    StoreOutput,
    UpdateProductInput,
    Visibility,
)
from shopmcp_adapters.upstreams.magento.search import (
    Condition,
    Direction,
    Filter,
    SearchCriteria,
    SearchField,
    like_contains,
)
from shopmcp_adapters.upstreams.module import Tool
from shopmcp_domain.errors import UpstreamResponseInvalid
from shopmcp_domain.keys import Access
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations, ToolSpec, UpstreamOperation
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
# Product attributes Magento keeps as custom attributes; the write tool sets only these.
CUSTOM_ATTRIBUTE_FIELDS = ("description", "short_description", "special_price")

T = TypeVar("T", bound=BaseModel)


# --------------------------------------------------------------------------- parsing helpers


def _parse(build: Callable[[], T]) -> T:
    """Run a parser; any shape mismatch is the upstream's fault, reported without the body."""
    try:
        return build()
    except (ValidationError, TypeError, AttributeError, KeyError, ValueError):
        raise UpstreamResponseInvalid(PLATFORM, "unexpected response shape") from None


def _obj(value: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError("expected an object")
    return value


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _name(first: Any, last: Any) -> str | None:
    parts = [str(p) for p in (first, last) if p]
    return " ".join(parts) or None


def _custom_attributes(raw: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in _list(raw.get("custom_attributes")):
        item = _obj(item)
        out[str(item["attribute_code"])] = item.get("value")
    return out


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _paging(raw: Mapping[str, Any], page: int, page_size: int) -> Paging:
    return Paging(total_count=int(raw.get("total_count", 0)), page=page, page_size=page_size)


def _day_start(day: dt.date) -> str:
    return f"{day.isoformat()} 00:00:00"


def _day_end(day: dt.date) -> str:
    return f"{day.isoformat()} 23:59:59"


def _created_range(start: dt.date | None, end: dt.date | None) -> list[list[Filter]]:
    groups = []
    if start is not None:
        groups.append([Filter(SearchField.CREATED_AT, _day_start(start), Condition.GTEQ)])
    if end is not None:
        groups.append([Filter(SearchField.CREATED_AT, _day_end(end), Condition.LTEQ)])
    return groups


def _address(raw: Any) -> Address:
    raw = _obj(raw)
    region = raw.get("region")
    if isinstance(region, Mapping):
        region = region.get("region")
    return Address(
        name=_name(raw.get("firstname"), raw.get("lastname")),
        street=[str(s) for s in _list(raw.get("street"))],
        city=_text(raw.get("city")),
        region=_text(region),
        postcode=_text(raw.get("postcode")),
        country_id=_text(raw.get("country_id")),
        telephone=_text(raw.get("telephone")),
    )


def _order_summary(raw: Any) -> OrderSummary:
    raw = _obj(raw)
    items = [_obj(i) for i in _list(raw.get("items"))]
    return OrderSummary(
        entity_id=raw["entity_id"],
        increment_id=raw.get("increment_id"),
        status=raw.get("status"),
        state=raw.get("state"),
        created_at=raw.get("created_at"),
        customer_id=raw.get("customer_id"),
        customer_email=raw.get("customer_email"),
        customer_name=_name(raw.get("customer_firstname"), raw.get("customer_lastname")),
        grand_total=raw["grand_total"],
        total_refunded=_number(raw.get("total_refunded")),
        currency=raw.get("order_currency_code"),
        item_count=sum(1 for i in items if not i.get("parent_item_id")),
    )


def _order_item(raw: Any) -> OrderItem:
    raw = _obj(raw)
    return OrderItem(
        item_id=raw.get("item_id"),
        parent_item_id=raw.get("parent_item_id"),
        sku=raw.get("sku"),
        name=raw.get("name"),
        product_type=raw.get("product_type"),
        qty_ordered=raw.get("qty_ordered") or 0,
        qty_shipped=raw.get("qty_shipped") or 0,
        qty_refunded=raw.get("qty_refunded") or 0,
        price=_number(raw.get("price")),
        row_total=_number(raw.get("row_total")),
    )


def _fulfilment(raw_items: Sequence[Any]) -> Fulfilment:
    """From the order's own items: top-level, non-virtual lines, shipped vs ordered."""
    lines = [
        _obj(i)
        for i in raw_items
        if not _obj(i).get("parent_item_id") and not _obj(i).get("is_virtual")
    ]
    ordered = [float(i.get("qty_ordered") or 0) - float(i.get("qty_canceled") or 0) for i in lines]
    shipped = [float(i.get("qty_shipped") or 0) for i in lines]
    if not lines or sum(ordered) <= 0:
        return "not_shippable"
    if all(s >= o for s, o in zip(shipped, ordered, strict=True)):
        return "shipped"
    return "partially_shipped" if any(shipped) else "unfulfilled"


def _order_detail(raw: Any) -> OrderDetail:
    raw = _obj(raw)
    assignments = _list(_obj(raw.get("extension_attributes")).get("shipping_assignments"))
    shipping = _obj(_obj(assignments[0]).get("shipping")) if assignments else {}
    address = shipping.get("address")
    return OrderDetail(
        order=_order_summary(raw),
        subtotal=_number(raw.get("subtotal")),
        shipping_amount=_number(raw.get("shipping_amount")),
        tax_amount=_number(raw.get("tax_amount")),
        discount_amount=_number(raw.get("discount_amount")),
        total_paid=_number(raw.get("total_paid")),
        items=[_order_item(i) for i in _list(raw.get("items"))],
        shipping=Shipping(
            method=_text(shipping.get("method")),
            description=_text(raw.get("shipping_description")),
            address=_address(address) if address else None,
        ),
        fulfilment_status=_fulfilment(_list(raw.get("items"))),
    )


def _product_summary(raw: Any) -> ProductSummary:
    raw = _obj(raw)
    return ProductSummary(
        id=raw.get("id"),
        sku=raw["sku"],
        name=raw.get("name"),
        type_id=raw.get("type_id"),
        status=ProductStatus.from_code(raw.get("status")),
        visibility=Visibility.from_code(raw.get("visibility")),
        price=_number(raw.get("price")),
        updated_at=raw.get("updated_at"),
    )


def _product_detail(raw: Any) -> ProductDetail:
    raw = _obj(raw)
    custom = _custom_attributes(raw)
    extension = _obj(raw.get("extension_attributes"))
    stock = _obj(extension.get("stock_item"))
    return ProductDetail(
        product=_product_summary(raw),
        special_price=_number(custom.get("special_price")),
        weight=_number(raw.get("weight")),
        description=_text(custom.get("description")),
        short_description=_text(custom.get("short_description")),
        url_key=_text(custom.get("url_key")),
        qty=_number(stock.get("qty")),
        is_in_stock=stock.get("is_in_stock"),
        website_ids=_list(extension.get("website_ids")),
        configurable_options=[
            ConfigurableOption(
                attribute_id=str(o["attribute_id"]) if o.get("attribute_id") else None,
                label=o.get("label"),
                value_indexes=[_obj(v)["value_index"] for v in _list(o.get("values"))],
            )
            for o in map(_obj, _list(extension.get("configurable_product_options")))
        ],
        child_product_ids=_list(extension.get("configurable_product_links")),
    )


_CHILD_ATTRIBUTE_SKIP = ("description", "short_description", "meta_", "url_", "options_")


def _product_child(raw: Any) -> ProductChild:
    attributes = {
        code: value
        for code, value in _custom_attributes(_obj(raw)).items()
        if isinstance(value, str)
        and len(value) <= 64
        and not code.startswith(_CHILD_ATTRIBUTE_SKIP)
    }
    return ProductChild(
        product=_product_summary(raw), attributes=dict(list(attributes.items())[:20])
    )


def _customer_summary(raw: Any) -> CustomerSummary:
    raw = _obj(raw)
    return CustomerSummary(
        id=raw["id"],
        email=raw["email"],
        firstname=raw.get("firstname"),
        lastname=raw.get("lastname"),
        created_at=raw.get("created_at"),
        website_id=raw.get("website_id"),
        store_id=raw.get("store_id"),
    )


def _credit_memo(raw: Any) -> CreditMemo:
    raw = _obj(raw)
    return CreditMemo(
        entity_id=raw["entity_id"],
        increment_id=raw.get("increment_id"),
        order_id=raw["order_id"],
        invoice_id=raw.get("invoice_id"),
        created_at=raw.get("created_at"),
        state=raw.get("state"),
        grand_total=raw["grand_total"],
        subtotal=_number(raw.get("subtotal")),
        shipping_amount=_number(raw.get("shipping_amount")),
        adjustment=_number(raw.get("adjustment")),
        currency=raw.get("order_currency_code"),
        items=[
            CreditMemoItem(
                sku=i.get("sku"),
                name=i.get("name"),
                qty=i.get("qty") or 0,
                row_total=_number(i.get("row_total")),
            )
            for i in map(_obj, _list(raw.get("items")))
            if float(i.get("qty") or 0) > 0
        ],
    )


def _out(model: BaseModel, text: str) -> ToolOutput:
    return ToolOutput(structured=model.model_dump(mode="json"), text=text)


def _money(amount: float | None, currency: str | None) -> str:
    return f"{amount:.2f} {currency or ''}".strip() if amount is not None else "?"


# --------------------------------------------------------------------------- handlers


async def get_store(client: MagentoClient, args: GetStoreInput) -> ToolOutput:
    raw = await client.get(STORE_CONFIGS)
    result = _parse(
        lambda: StoreOutput(
            stores=[
                StoreConfig.model_validate({k: _obj(s).get(k) for k in StoreConfig.model_fields})
                for s in _list(raw)
            ]
        )
    )
    lines = [
        f"{s.code}: {s.locale}, {s.base_currency_code}, {s.timezone}, {s.secure_base_url}"
        for s in result.stores
    ]
    return _out(result, f"{len(result.stores)} store view(s). " + "; ".join(lines))


async def search_orders(client: MagentoClient, args: SearchOrdersInput) -> ToolOutput:
    groups: list[list[Filter]] = []
    if args.status:
        groups.append([Filter(SearchField.STATUS, args.status)])
    if args.increment_id:
        groups.append([Filter(SearchField.ORDER_INCREMENT_ID, args.increment_id)])
    if args.customer_email:
        groups.append([Filter(SearchField.CUSTOMER_EMAIL, args.customer_email)])
    if args.customer_id:
        groups.append([Filter(SearchField.CUSTOMER_ID, str(args.customer_id))])
    groups += _created_range(args.created_from, args.created_to)
    criteria = SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.CREATED_AT, Direction.DESC)],
    )
    raw = _obj(await client.get(ORDERS_SEARCH, criteria=criteria))
    result = _parse(
        lambda: OrderSearchOutput(
            orders=[_order_summary(o) for o in _list(raw.get("items"))],
            paging=_paging(raw, args.page, args.page_size),
        )
    )
    shown = ", ".join(
        f"#{o.increment_id} {o.status} {_money(o.grand_total, o.currency)}"
        for o in result.orders[:10]
    )
    return _out(
        result,
        f"{result.paging.total_count} order(s) match; page {args.page} shows "
        f"{len(result.orders)}" + (f": {shown}" if shown else "."),
    )


async def get_order(client: MagentoClient, args: GetOrderInput) -> ToolOutput:
    raw = await client.get(ORDER_GET, {"order_id": args.order_id})
    result = _parse(lambda: _order_detail(raw))
    order = result.order
    return _out(
        result,
        f"Order #{order.increment_id} ({order.status}), {_money(order.grand_total, order.currency)}"
        f", {order.item_count} line(s), {result.fulfilment_status.replace('_', ' ')}.",
    )


async def search_products(client: MagentoClient, args: SearchProductsInput) -> ToolOutput:
    groups: list[list[Filter]] = []
    if args.name_contains:
        groups.append([Filter(SearchField.NAME, like_contains(args.name_contains), Condition.LIKE)])
    if args.sku_contains:
        groups.append([Filter(SearchField.SKU, like_contains(args.sku_contains), Condition.LIKE)])
    if args.status:
        groups.append([Filter(SearchField.STATUS, str(args.status.code))])
    if args.type:
        groups.append([Filter(SearchField.TYPE_ID, args.type)])
    criteria = SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.SKU, Direction.ASC)],
    )
    raw = _obj(await client.get(PRODUCTS_SEARCH, criteria=criteria))
    result = _parse(
        lambda: ProductSearchOutput(
            products=[_product_summary(p) for p in _list(raw.get("items"))],
            paging=_paging(raw, args.page, args.page_size),
        )
    )
    shown = ", ".join(f"{p.sku} ({p.name})" for p in result.products[:10])
    return _out(
        result,
        f"{result.paging.total_count} product(s) match; page {args.page} shows "
        f"{len(result.products)}" + (f": {shown}" if shown else "."),
    )


def _product_text(result: ProductDetail, verb: str = "") -> str:
    p = result.product
    stock = "" if result.qty is None else f", qty {result.qty:g}"
    children = f", {len(result.child_product_ids)} variant(s)" if result.child_product_ids else ""
    return f"{verb}{p.sku}: {p.name} ({p.type_id}, {p.status}), price {p.price}{stock}{children}."


async def get_product(client: MagentoClient, args: SkuInput) -> ToolOutput:
    raw = await client.get(PRODUCT_GET, {"sku": args.sku})
    result = _parse(lambda: _product_detail(raw))
    return _out(result, _product_text(result))


async def list_product_children(client: MagentoClient, args: SkuInput) -> ToolOutput:
    raw = await client.get(PRODUCT_CHILDREN, {"sku": args.sku})
    result = _parse(
        lambda: ProductChildrenOutput(
            parent_sku=args.sku, children=[_product_child(c) for c in _list(raw)]
        )
    )
    shown = ", ".join(c.product.sku for c in result.children[:20])
    return _out(
        result,
        f"{args.sku} has {len(result.children)} child product(s)"
        + (f": {shown}." if shown else "."),
    )


async def get_inventory(client: MagentoClient, args: SkuInput) -> ToolOutput:
    criteria = SearchCriteria(groups=[[Filter(SearchField.SKU, args.sku)]], page_size=100)
    raw = _obj(await client.get(SOURCE_ITEMS_SEARCH, criteria=criteria))

    def build() -> InventoryOutput:
        sources = [
            SourceItem(
                source_code=i["source_code"],
                quantity=i.get("quantity") or 0,
                in_stock=i.get("status") == 1,
            )
            for i in map(_obj, _list(raw.get("items")))
            if i.get("sku") == args.sku
        ]
        return InventoryOutput(
            sku=args.sku,
            sources=sources,
            total_quantity=sum(s.quantity for s in sources),
            in_stock_anywhere=any(s.in_stock and s.quantity > 0 for s in sources),
        )

    result = _parse(build)
    shown = ", ".join(f"{s.source_code} {s.quantity:g}" for s in result.sources)
    return _out(
        result,
        f"{args.sku}: {result.total_quantity:g} units across {len(result.sources)} source(s)"
        + (f" ({shown})." if shown else "."),
    )


async def search_customers(client: MagentoClient, args: SearchCustomersInput) -> ToolOutput:
    groups: list[list[Filter]] = []
    if args.email:
        groups.append([Filter(SearchField.EMAIL, args.email)])
    if args.name_contains:
        like = like_contains(args.name_contains)
        groups.append(
            [
                Filter(SearchField.FIRSTNAME, like, Condition.LIKE),
                Filter(SearchField.LASTNAME, like, Condition.LIKE),
            ]
        )
    groups += _created_range(args.created_from, args.created_to)
    criteria = SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.ENTITY_ID, Direction.ASC)],
    )
    raw = _obj(await client.get(CUSTOMERS_SEARCH, criteria=criteria))
    result = _parse(
        lambda: CustomerSearchOutput(
            customers=[_customer_summary(c) for c in _list(raw.get("items"))],
            paging=_paging(raw, args.page, args.page_size),
        )
    )
    shown = ", ".join(
        f"{c.id} {_name(c.firstname, c.lastname)} <{c.email}>" for c in result.customers[:10]
    )
    return _out(
        result,
        f"{result.paging.total_count} customer(s) match; page {args.page} shows "
        f"{len(result.customers)}" + (f": {shown}" if shown else "."),
    )


async def get_customer(client: MagentoClient, args: GetCustomerInput) -> ToolOutput:
    raw = _obj(await client.get(CUSTOMER_GET, {"customer_id": args.customer_id}))
    result = _parse(
        lambda: CustomerDetail(
            customer=_customer_summary(raw),
            dob=raw.get("dob"),
            addresses=[_address(a) for a in _list(raw.get("addresses"))],
        )
    )
    c = result.customer
    return _out(
        result,
        f"Customer {c.id} {_name(c.firstname, c.lastname)} <{c.email}>, "
        f"{len(result.addresses)} address(es).",
    )


def _recent_order(raw: Any) -> RecentOrder:
    raw = _obj(raw)
    return RecentOrder(
        entity_id=raw["entity_id"],
        increment_id=raw.get("increment_id"),
        status=raw.get("status"),
        created_at=raw.get("created_at"),
        grand_total=raw["grand_total"],
        currency=raw.get("order_currency_code"),
    )


def _order_summary_of(customer_id: int, raw: Mapping[str, Any]) -> CustomerOrderSummary:
    orders = [_recent_order(o) for o in _list(raw.get("items"))[:SUMMARY_ORDERS]]
    total = int(raw.get("total_count", 0))
    counts: dict[str | None, int] = {}
    for order in orders:
        counts[order.status] = counts.get(order.status, 0) + 1
    return CustomerOrderSummary(
        customer_id=customer_id,
        order_count=total,
        recent_orders=orders,
        recent_by_status=[StatusCount(status=k, count=n) for k, n in counts.items()],
        history_complete=len(orders) >= total,
    )


async def get_customer_order_summary(client: MagentoClient, args: GetCustomerInput) -> ToolOutput:
    criteria = SearchCriteria(
        groups=[[Filter(SearchField.CUSTOMER_ID, str(args.customer_id))]],
        page_size=SUMMARY_ORDERS,
        sort=[(SearchField.CREATED_AT, Direction.DESC)],
    )
    raw = _obj(await client.get(ORDERS_SEARCH, criteria=criteria))
    result = _parse(lambda: _order_summary_of(args.customer_id, raw))
    text = f"Customer {args.customer_id} has {result.order_count} order(s)"
    if result.recent_orders:
        latest = result.recent_orders[0]
        scope = "" if result.history_complete else f" of the {len(result.recent_orders)} newest"
        by_status = ", ".join(f"{s.count} {s.status}" for s in result.recent_by_status)
        text += (
            f"; latest #{latest.increment_id} on {latest.created_at} "
            f"({_money(latest.grand_total, latest.currency)}); by status{scope}: {by_status}"
        )
    return _out(result, text + ".")


async def list_credit_memos(client: MagentoClient, args: ListCreditMemosInput) -> ToolOutput:
    criteria = SearchCriteria(
        groups=[[Filter(SearchField.ORDER_ID, str(args.order_id))]],
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.CREATED_AT, Direction.ASC)],
    )
    raw = _obj(await client.get(CREDITMEMOS_SEARCH, criteria=criteria))
    result = _parse(
        lambda: CreditMemoListOutput(
            order_id=args.order_id,
            credit_memos=[_credit_memo(m) for m in _list(raw.get("items"))],
            paging=_paging(raw, args.page, args.page_size),
        )
    )
    shown = ", ".join(
        f"{m.increment_id} {_money(m.grand_total, m.currency)}" for m in result.credit_memos
    )
    return _out(
        result,
        f"Order {args.order_id} has {result.paging.total_count} credit memo(s)"
        + (f": {shown}." if shown else "."),
    )


def _decimal_text(value: float) -> str:
    return f"{value:.4f}"


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
    custom: list[dict[str, str]] = []
    if args.description is not None:
        custom.append({"attribute_code": "description", "value": args.description})
    if args.short_description is not None:
        custom.append({"attribute_code": "short_description", "value": args.short_description})
    if args.special_price is not None:
        custom.append(
            {"attribute_code": "special_price", "value": _decimal_text(args.special_price)}
        )
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


async def update_product(client: MagentoClient, args: UpdateProductInput) -> ToolOutput:
    raw = await client.put(PRODUCT_UPDATE, {"sku": args.sku}, update_body(args))
    result = _parse(lambda: _product_detail(raw))
    return _out(result, _product_text(result, verb="Updated "))


# --------------------------------------------------------------------------- the table


def _read(
    name: str,
    title: str,
    description: str,
    input_model: type[BaseModel],
    output_model: type[BaseModel],
    operation: UpstreamOperation,
) -> ToolSpec:
    return ToolSpec.read(
        name, Platform.MAGENTO, title, description, input_model, output_model, operation
    )


def _tool(spec: ToolSpec, handler: Callable[[MagentoClient, Any], Any]) -> Tool[MagentoClient]:
    return Tool(spec=spec, handler=handler)


UPDATE_PRODUCT_SPEC = ToolSpec(
    name="magento_update_product",
    platform=Platform.MAGENTO,
    access=Access.WRITE,
    title="Update a Magento product",
    description=(
        "Change a product, located by SKU, at global (all store views) scope. Only name, price, "
        "special_price, status, visibility, description, short_description, weight, qty and "
        "is_in_stock can be set; the SKU itself, attribute set, websites and other attributes "
        "cannot. Omitted fields are left unchanged."
    ),
    input_model=UpdateProductInput,
    output_model=ProductDetail,
    operation=PRODUCT_UPDATE,
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
    whitelist=WriteWhitelist(writable=frozenset(WRITABLE_FIELDS), locators=frozenset({"sku"})),
)

TOOLS: tuple[Tool[MagentoClient], ...] = (
    _tool(
        _read(
            "magento_get_store",
            "Magento store configuration",
            "The store views' configuration: code, locale, currencies, timezone, weight unit and "
            "base URLs.",
            GetStoreInput,
            StoreOutput,
            STORE_CONFIGS,
        ),
        get_store,
    ),
    _tool(
        _read(
            "magento_search_orders",
            "Search Magento orders",
            "Find orders by status, order number, creation date range (UTC days, inclusive), "
            "customer e-mail or customer id; newest first, paged (page_size at most 100).",
            SearchOrdersInput,
            OrderSearchOutput,
            ORDERS_SEARCH,
        ),
        search_orders,
    ),
    _tool(
        _read(
            "magento_get_order",
            "Get a Magento order",
            "One order by its entity_id: totals, line items, shipping method and address, and a "
            "fulfilment status computed from the items' shipped quantities. For its refunds use "
            "magento_list_credit_memos with the same order id.",
            GetOrderInput,
            OrderDetail,
            ORDER_GET,
        ),
        get_order,
    ),
    _tool(
        _read(
            "magento_search_products",
            "Search Magento products",
            "Find products whose name or SKU contains a text, by status and product type; "
            "ordered by SKU, paged (page_size at most 100).",
            SearchProductsInput,
            ProductSearchOutput,
            PRODUCTS_SEARCH,
        ),
        search_products,
    ),
    _tool(
        _read(
            "magento_get_product",
            "Get a Magento product",
            "One product by SKU: price, special price, status, visibility, descriptions, stock, "
            "and for a configurable product its options and child product ids (use "
            "magento_list_product_children for the variants themselves).",
            SkuInput,
            ProductDetail,
            PRODUCT_GET,
        ),
        get_product,
    ),
    _tool(
        _read(
            "magento_list_product_children",
            "List a configurable product's variants",
            "The child (variant) products of a configurable product, with their SKU, price, "
            "status and short attributes such as color or size option ids.",
            SkuInput,
            ProductChildrenOutput,
            PRODUCT_CHILDREN,
        ),
        list_product_children,
    ),
    _tool(
        _read(
            "magento_get_inventory",
            "Magento inventory for a SKU",
            "Quantity and stock status of one SKU at each inventory source (Multi-Source "
            "Inventory source items).",
            SkuInput,
            InventoryOutput,
            SOURCE_ITEMS_SEARCH,
        ),
        get_inventory,
    ),
    _tool(
        _read(
            "magento_search_customers",
            "Search Magento customers",
            "Find customers by exact e-mail, by text in first or last name, or by account "
            "creation date range; paged (page_size at most 100).",
            SearchCustomersInput,
            CustomerSearchOutput,
            CUSTOMERS_SEARCH,
        ),
        search_customers,
    ),
    _tool(
        _read(
            "magento_get_customer",
            "Get a Magento customer",
            "One customer by id: name, e-mail, date of birth, store and addresses. For their "
            "orders use magento_get_customer_order_summary (or magento_search_orders with "
            "customer_id).",
            GetCustomerInput,
            CustomerDetail,
            CUSTOMER_GET,
        ),
        get_customer,
    ),
    _tool(
        _read(
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
        ),
        get_customer_order_summary,
    ),
    _tool(
        _read(
            "magento_list_credit_memos",
            "List a Magento order's credit memos",
            "The credit memos (refunds) of one order, by the order's entity_id: totals, "
            "adjustments and refunded items.",
            ListCreditMemosInput,
            CreditMemoListOutput,
            CREDITMEMOS_SEARCH,
        ),
        list_credit_memos,
    ),
    _tool(UPDATE_PRODUCT_SPEC, update_product),
)
