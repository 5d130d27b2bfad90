"""The Shopify tool table: one row per tool, each bound to one fixed GraphQL document.

A reviewer can audit the module's whole attack surface here: name, access, input model,
output model, annotations and the one upstream operation, each row directly above its
handler. Handlers turn validated input into that operation's variables and parse the
response into the output model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shopmcp_adapters.upstreams.module import ToolTable
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import inputs, outputs, search
from shopmcp_adapters.upstreams.shopify.client import (
    PLATFORM,
    ShopifyClient,
)
from shopmcp_domain.errors import UpstreamError, UpstreamResponseInvalid
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations, UpstreamOperation
from shopmcp_domain.tools.whitelist import WriteWhitelist

tools = ToolTable[ShopifyClient](Platform.SHOPIFY)


def op(document: str) -> UpstreamOperation:
    return UpstreamOperation(HttpMethod.POST, docs.GRAPHQL_PATH, docs.operation_name(document))


# --------------------------------------------------------------------------- parsing helpers


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _money(value: Any) -> dict[str, Any] | None:
    # A MoneyBag carries shopMoney (the shop's currency); a MoneyV2 is the amount itself.
    shop = value.get("shopMoney") if isinstance(value, Mapping) and "shopMoney" in value else value
    if not isinstance(shop, Mapping):
        return None
    return {"amount": shop.get("amount"), "currency": shop.get("currencyCode")}


def _nodes(value: Any) -> list[Any]:
    nodes = _get(value, "nodes") if isinstance(value, Mapping) else value
    return list(nodes) if isinstance(nodes, list) else []


def _page_info(connection: Any) -> dict[str, Any]:
    info = _get(connection, "pageInfo") or {}
    return {"has_next_page": info.get("hasNextPage"), "end_cursor": info.get("endCursor")}


def _count(value: Any) -> int | None:
    # UnsignedInt64 is serialised as a string.
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _found(data: Mapping[str, Any], field: str, what: str, ident: str) -> Mapping[str, Any]:
    node = data.get(field)
    if node is None:
        # Shopify answers a missing node with null rather than an HTTP 404.
        raise UpstreamError(PLATFORM, 404, f"no {what} with id {ident}")
    if not isinstance(node, Mapping):
        raise UpstreamResponseInvalid(PLATFORM, f"the {what} is not an object")
    return node


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _money_text(money: Mapping[str, Any] | None) -> str:
    return f"{money['amount']} {money['currency']}" if money else "?"


# --------------------------------------------------------------------------- read handlers


@tools.read(
    "shopify_get_shop",
    "Shop details",
    "The connected Shopify store: name, domain, currency, timezone and plan.",
    inputs.GetShopInput,
    outputs.ShopOutput,
    op(docs.GET_SHOP),
)
async def get_shop(client: ShopifyClient, _: inputs.GetShopInput) -> ToolOutput:
    data = await client.query(docs.GET_SHOP, {})
    shop = _found(data, "shop", "shop", client.shop)
    out: dict[str, Any] = {
        "id": shop.get("id"),
        "name": shop.get("name"),
        "email": shop.get("email"),
        "contact_email": shop.get("contactEmail"),
        "myshopify_domain": shop.get("myshopifyDomain"),
        "primary_domain": _get(shop, "primaryDomain", "host"),
        "currency": shop.get("currencyCode"),
        "timezone": shop.get("ianaTimezone"),
        "plan": _get(shop, "plan", "displayName"),
        "country": _get(shop, "billingAddress", "country"),
    }
    text = f"{out['name']} ({out['myshopify_domain']}), {out['currency']}, plan {out['plan']}"
    return ToolOutput(structured=out, text=text)


def _order_summary(node: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": node.get("id"),
        "name": node.get("name"),
        "created_at": node.get("createdAt"),
        "cancelled_at": node.get("cancelledAt"),
        "closed": node.get("closed"),
        "financial_status": node.get("displayFinancialStatus"),
        "fulfillment_status": node.get("displayFulfillmentStatus"),
        "total": _money(node.get("currentTotalPriceSet")),
        "customer_id": _get(node, "customer", "id"),
        "customer_name": _get(node, "customer", "displayName"),
        "item_count": node.get("subtotalLineItemsQuantity"),
    }


def orders_query(args: inputs.ListOrdersInput) -> str | None:
    return search.join(
        [
            search.enum("status", args.status) if args.status else None,
            search.enum("financial_status", args.financial_status)
            if args.financial_status
            else None,
            search.enum("fulfillment_status", args.fulfillment_status)
            if args.fulfillment_status
            else None,
            search.date_from("created_at", args.created_from) if args.created_from else None,
            search.date_to("created_at", args.created_to) if args.created_to else None,
            search.number("customer_id", inputs.numeric_id(args.customer_id))
            if args.customer_id
            else None,
        ]
    )


@tools.read(
    "shopify_list_orders",
    "List orders",
    "Recent orders, newest first, filtered by status, financial or fulfilment status, "
    "created date range or customer; paged with a cursor.",
    inputs.ListOrdersInput,
    outputs.ListOrdersOutput,
    op(docs.LIST_ORDERS),
)
async def list_orders(client: ShopifyClient, args: inputs.ListOrdersInput) -> ToolOutput:
    variables = {"first": args.first, "after": args.after, "query": orders_query(args)}
    data = await client.query(docs.LIST_ORDERS, variables)
    connection = data.get("orders")
    orders = [_order_summary(n) for n in _nodes(connection)]
    out: dict[str, Any] = {"orders": orders, "page_info": _page_info(connection)}
    lines = [
        f"{o['name']} {o['created_at'][:10] if o['created_at'] else ''} "
        f"{o['financial_status']}/{o['fulfillment_status']} {_money_text(o['total'])}"
        for o in orders
    ]
    more = " (more available)" if out["page_info"]["has_next_page"] else ""
    text = "\n".join([f"{_plural(len(orders), 'order')}{more}", *lines])
    return ToolOutput(structured=out, text=text)


def _refund_summary(node: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": node.get("id"),
        "created_at": node.get("createdAt"),
        "note": node.get("note"),
        "total": _money(node.get("totalRefundedSet")),
    }


@tools.read(
    "shopify_get_order",
    "Get an order",
    "One order with its line items, fulfilments (with tracking) and refunds.",
    inputs.GetOrderInput,
    outputs.OrderOutput,
    op(docs.GET_ORDER),
)
async def get_order(client: ShopifyClient, args: inputs.GetOrderInput) -> ToolOutput:
    data = await client.query(docs.GET_ORDER, {"id": args.order_id})
    node = _found(data, "order", "order", args.order_id)
    out: dict[str, Any] = {
        **{k: v for k, v in _order_summary(node).items() if k != "item_count"},
        "processed_at": node.get("processedAt"),
        "cancel_reason": node.get("cancelReason"),
        "note": node.get("note"),
        "tags": node.get("tags"),
        "subtotal": _money(node.get("subtotalPriceSet")),
        "shipping": _money(node.get("totalShippingPriceSet")),
        "tax": _money(node.get("totalTaxSet")),
        "refunded": _money(node.get("totalRefundedSet")),
        "line_items": [
            {
                "id": li.get("id"),
                "title": li.get("title"),
                "sku": li.get("sku"),
                "quantity": li.get("quantity"),
                "current_quantity": li.get("currentQuantity"),
                "unit_price": _money(li.get("originalUnitPriceSet")),
                "variant_id": _get(li, "variant", "id"),
            }
            for li in _nodes(node.get("lineItems"))
        ],
        "fulfillments": [
            {
                "id": f.get("id"),
                "status": f.get("status"),
                "created_at": f.get("createdAt"),
                "tracking": [
                    {"company": t.get("company"), "number": t.get("number"), "url": t.get("url")}
                    for t in _nodes(f.get("trackingInfo"))
                ],
            }
            for f in _nodes(node.get("fulfillments"))
        ],
        "refunds": [_refund_summary(r) for r in _nodes(node.get("refunds"))],
    }
    text = (
        f"Order {out['name']}: {out['financial_status']}/{out['fulfillment_status']}, "
        f"total {_money_text(out['total'])}, {_plural(len(out['line_items']), 'line item')}, "
        f"{_plural(len(out['fulfillments']), 'fulfillment')}, "
        f"{_plural(len(out['refunds']), 'refund')}"
    )
    return ToolOutput(structured=out, text=text)


@tools.read(
    "shopify_list_order_refunds",
    "List an order's refunds",
    "The refunds of one order, with the refunded line items and amounts.",
    inputs.ListOrderRefundsInput,
    outputs.ListOrderRefundsOutput,
    op(docs.LIST_ORDER_REFUNDS),
)
async def list_order_refunds(
    client: ShopifyClient, args: inputs.ListOrderRefundsInput
) -> ToolOutput:
    data = await client.query(docs.LIST_ORDER_REFUNDS, {"id": args.order_id})
    node = _found(data, "order", "order", args.order_id)
    refunds = [
        {
            **_refund_summary(r),
            "lines": [
                {
                    "line_item_id": _get(line, "lineItem", "id"),
                    "title": _get(line, "lineItem", "title"),
                    "sku": _get(line, "lineItem", "sku"),
                    "quantity": line.get("quantity"),
                    "restock_type": line.get("restockType"),
                    "subtotal": _money(line.get("subtotalSet")),
                }
                for line in _nodes(r.get("refundLineItems"))
            ],
        }
        for r in _nodes(node.get("refunds"))
    ]
    out: dict[str, Any] = {
        "order_id": node.get("id"),
        "order_name": node.get("name"),
        "total_refunded": _money(node.get("totalRefundedSet")),
        "refunds": refunds,
    }
    text = (
        f"Order {out['order_name']}: {_plural(len(refunds), 'refund')}, "
        f"{_money_text(out['total_refunded'])} refunded in total"
    )
    return ToolOutput(structured=out, text=text)


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


@tools.read(
    "shopify_list_products",
    "List products",
    "Products by title, filtered by search words, status, vendor, type, tag or SKU.",
    inputs.ListProductsInput,
    outputs.ListProductsOutput,
    op(docs.LIST_PRODUCTS),
)
async def list_products(client: ShopifyClient, args: inputs.ListProductsInput) -> ToolOutput:
    variables = {"first": args.first, "after": args.after, "query": products_query(args)}
    data = await client.query(docs.LIST_PRODUCTS, variables)
    connection = data.get("products")
    products = [
        {
            "id": p.get("id"),
            "title": p.get("title"),
            "handle": p.get("handle"),
            "status": p.get("status"),
            "vendor": p.get("vendor"),
            "product_type": p.get("productType"),
            "tags": p.get("tags"),
            "total_inventory": p.get("totalInventory"),
            "variant_count": _get(p, "variantsCount", "count"),
            "updated_at": p.get("updatedAt"),
        }
        for p in _nodes(connection)
    ]
    out: dict[str, Any] = {"products": products, "page_info": _page_info(connection)}
    more = " (more available)" if out["page_info"]["has_next_page"] else ""
    lines = [f"{p['title']} [{p['status']}] stock {p['total_inventory']}" for p in products]
    return ToolOutput(
        structured=out, text="\n".join([f"{_plural(len(products), 'product')}{more}", *lines])
    )


def _product(node: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": node.get("id"),
        "title": node.get("title"),
        "handle": node.get("handle"),
        "status": node.get("status"),
        "vendor": node.get("vendor"),
        "product_type": node.get("productType"),
        "tags": node.get("tags"),
        "description_html": node.get("descriptionHtml"),
        "updated_at": node.get("updatedAt"),
    }


@tools.read(
    "shopify_get_product",
    "Get a product",
    "One product with its description and variants (SKU, price, stock).",
    inputs.GetProductInput,
    outputs.ProductOutput,
    op(docs.GET_PRODUCT),
)
async def get_product(client: ShopifyClient, args: inputs.GetProductInput) -> ToolOutput:
    data = await client.query(docs.GET_PRODUCT, {"id": args.product_id})
    node = _found(data, "product", "product", args.product_id)
    out: dict[str, Any] = {
        **_product(node),
        "created_at": node.get("createdAt"),
        "total_inventory": node.get("totalInventory"),
        "variants": [
            {
                "id": v.get("id"),
                "title": v.get("title"),
                "sku": v.get("sku"),
                "price": v.get("price"),
                "compare_at_price": v.get("compareAtPrice"),
                "inventory_quantity": v.get("inventoryQuantity"),
                "inventory_item_id": _get(v, "inventoryItem", "id"),
                "tracked": _get(v, "inventoryItem", "tracked"),
            }
            for v in _nodes(node.get("variants"))
        ],
    }
    text = (
        f"{out['title']} [{out['status']}] by {out['vendor'] or 'no vendor'}: "
        f"{_plural(len(out['variants']), 'variant')}, stock {out['total_inventory']}"
    )
    return ToolOutput(structured=out, text=text)


def inventory_query(args: inputs.GetInventoryInput) -> str:
    if args.sku is not None:
        return search.phrase("sku", args.sku)
    if args.product_id is not None:
        return search.number("product_id", inputs.numeric_id(args.product_id))
    assert args.variant_id is not None  # the input model requires exactly one
    return search.number("id", inputs.numeric_id(args.variant_id))


_QUANTITY_NAMES: Final = ("available", "on_hand", "committed", "incoming")


@tools.read(
    "shopify_get_inventory",
    "Inventory levels",
    "Stock per location (available, on hand, committed, incoming) for a SKU, a product "
    "or one variant. Give exactly one of sku, product_id or variant_id.",
    inputs.GetInventoryInput,
    outputs.InventoryOutput,
    op(docs.GET_INVENTORY),
)
async def get_inventory(client: ShopifyClient, args: inputs.GetInventoryInput) -> ToolOutput:
    variables = {"first": args.first, "query": inventory_query(args)}
    data = await client.query(docs.GET_INVENTORY, variables)
    variants = []
    for v in _nodes(data.get("productVariants")):
        item = v.get("inventoryItem") or {}
        levels = []
        for level in _nodes(item.get("inventoryLevels")):
            quantities = {
                q.get("name"): q.get("quantity")
                for q in level.get("quantities") or []
                if isinstance(q, Mapping)
            }
            levels.append(
                {
                    "location_id": _get(level, "location", "id"),
                    "location_name": _get(level, "location", "name"),
                    **{name: quantities.get(name) for name in _QUANTITY_NAMES},
                }
            )
        variants.append(
            {
                "variant_id": v.get("id"),
                "variant_title": v.get("title"),
                "sku": v.get("sku"),
                "product_id": _get(v, "product", "id"),
                "product_title": _get(v, "product", "title"),
                "inventory_item_id": item.get("id"),
                "tracked": item.get("tracked"),
                "levels": levels,
            }
        )
    lines = [
        f"{v['product_title']} / {v['variant_title']} ({v['sku'] or 'no SKU'}): "
        + ", ".join(f"{lv['location_name']} {lv['available']} available" for lv in v["levels"])
        for v in variants
    ]
    text = "\n".join([_plural(len(variants), "variant"), *lines])
    return ToolOutput(structured={"variants": variants}, text=text)


def customers_query(args: inputs.ListCustomersInput) -> str | None:
    return search.join(
        [
            search.phrase(None, args.search) if args.search else None,
            search.email("email", args.email) if args.email else None,
        ]
    )


def _customer(node: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": node.get("id"),
        "name": node.get("displayName"),
        "email": node.get("email"),
        "phone": node.get("phone"),
        "state": node.get("state"),
        "tags": node.get("tags"),
        "created_at": node.get("createdAt"),
        "number_of_orders": _count(node.get("numberOfOrders")),
        "amount_spent": _money(node.get("amountSpent")),
    }


@tools.read(
    "shopify_list_customers",
    "List customers",
    "Customers, most recently updated first, by search words or email.",
    inputs.ListCustomersInput,
    outputs.ListCustomersOutput,
    op(docs.LIST_CUSTOMERS),
)
async def list_customers(client: ShopifyClient, args: inputs.ListCustomersInput) -> ToolOutput:
    variables = {"first": args.first, "after": args.after, "query": customers_query(args)}
    data = await client.query(docs.LIST_CUSTOMERS, variables)
    connection = data.get("customers")
    customers = [_customer(c) for c in _nodes(connection)]
    out: dict[str, Any] = {"customers": customers, "page_info": _page_info(connection)}
    more = " (more available)" if out["page_info"]["has_next_page"] else ""
    lines = [
        f"{c['name']}: {_plural(c['number_of_orders'] or 0, 'order')}, "
        f"spent {_money_text(c['amount_spent'])}"
        for c in customers
    ]
    return ToolOutput(
        structured=out, text="\n".join([f"{_plural(len(customers), 'customer')}{more}", *lines])
    )


@tools.read(
    "shopify_get_customer",
    "Get a customer",
    "One customer with order count, total spent and their ten most recent orders.",
    inputs.GetCustomerInput,
    outputs.CustomerOutput,
    op(docs.GET_CUSTOMER),
)
async def get_customer(client: ShopifyClient, args: inputs.GetCustomerInput) -> ToolOutput:
    data = await client.query(docs.GET_CUSTOMER, {"id": args.customer_id})
    node = _found(data, "customer", "customer", args.customer_id)
    base = _customer(node)
    out: dict[str, Any] = {
        **base,
        "first_name": node.get("firstName"),
        "last_name": node.get("lastName"),
        "note": node.get("note"),
        "city": _get(node, "defaultAddress", "city"),
        "country": _get(node, "defaultAddress", "country"),
        "last_order_name": _get(node, "lastOrder", "name"),
        "recent_orders": [
            {
                "id": o.get("id"),
                "name": o.get("name"),
                "created_at": o.get("createdAt"),
                "financial_status": o.get("displayFinancialStatus"),
                "fulfillment_status": o.get("displayFulfillmentStatus"),
                "total": _money(o.get("currentTotalPriceSet")),
            }
            for o in _nodes(node.get("orders"))
        ],
    }
    text = (
        f"{out['name']}: {_plural(out['number_of_orders'] or 0, 'order')}, "
        f"spent {_money_text(out['amount_spent'])}, last order {out['last_order_name'] or 'none'}"
    )
    return ToolOutput(structured=out, text=text)


# --------------------------------------------------------------------------- write handlers
# Each write sets absolute values: repeating the call leaves the same state; nothing is
# deleted.


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
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def update_product(client: ShopifyClient, args: inputs.UpdateProductInput) -> ToolOutput:
    payload = await client.mutate(
        docs.UPDATE_PRODUCT, update_product_variables(args), "productUpdate"
    )
    node = _found(payload, "product", "product", args.product_id)
    out = _product(node)
    return ToolOutput(structured=out, text=f"Updated product {out['title']} [{out['status']}]")


def set_inventory_variables(args: inputs.SetInventoryInput) -> dict[str, Any]:
    return {
        "input": {
            "name": "available",
            "reason": args.reason,
            # An absolute set: the merchant states the new number.
            "ignoreCompareQuantity": True,
            "quantities": [
                {
                    "inventoryItemId": args.inventory_item_id,
                    "locationId": args.location_id,
                    "quantity": args.quantity,
                }
            ],
        }
    }


@tools.write(
    "shopify_set_inventory",
    "Set available stock",
    "Set the available quantity of one inventory item at one location to an absolute number.",
    inputs.SetInventoryInput,
    outputs.SetInventoryOutput,
    op(docs.SET_INVENTORY),
    whitelist=WriteWhitelist(
        writable=frozenset({"quantity", "reason"}),
        locators=frozenset({"inventory_item_id", "location_id"}),
    ),
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def set_inventory(client: ShopifyClient, args: inputs.SetInventoryInput) -> ToolOutput:
    payload = await client.mutate(
        docs.SET_INVENTORY, set_inventory_variables(args), "inventorySetQuantities"
    )
    group = payload.get("inventoryAdjustmentGroup") or {}
    changes = [
        {
            "name": c.get("name"),
            "delta": c.get("delta"),
            "quantity_after": c.get("quantityAfterChange"),
            "location_id": _get(c, "location", "id"),
            "location_name": _get(c, "location", "name"),
            "inventory_item_id": _get(c, "item", "id"),
            "sku": _get(c, "item", "sku"),
        }
        for c in group.get("changes") or []
        if isinstance(c, Mapping)
    ]
    out: dict[str, Any] = {"reason": group.get("reason"), "changes": changes}
    if changes:
        text = "; ".join(
            f"{c['sku'] or c['inventory_item_id']} at {c['location_name']}: "
            f"{c['name']} {c['delta']:+d}"
            for c in changes
        )
    else:
        text = f"Available quantity already {args.quantity}; nothing changed"
    return ToolOutput(structured=out, text=text)


def update_order_variables(args: inputs.UpdateOrderInput) -> dict[str, Any]:
    order: dict[str, Any] = {"id": args.order_id}
    if args.note is not None:
        order["note"] = args.note
    if args.tags is not None:
        order["tags"] = args.tags
    return {"input": order}


@tools.write(
    "shopify_update_order",
    "Update an order's note or tags",
    "Replace an order's note and/or its tags. Nothing else about the order changes.",
    inputs.UpdateOrderInput,
    outputs.UpdateOrderOutput,
    op(docs.UPDATE_ORDER),
    whitelist=WriteWhitelist(
        writable=frozenset({"note", "tags"}), locators=frozenset({"order_id"})
    ),
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def update_order(client: ShopifyClient, args: inputs.UpdateOrderInput) -> ToolOutput:
    payload = await client.mutate(docs.UPDATE_ORDER, update_order_variables(args), "orderUpdate")
    node = _found(payload, "order", "order", args.order_id)
    out: dict[str, Any] = {
        "id": node.get("id"),
        "name": node.get("name"),
        "note": node.get("note"),
        "tags": node.get("tags"),
        "updated_at": node.get("updatedAt"),
    }
    return ToolOutput(structured=out, text=f"Updated order {out['name']}")
