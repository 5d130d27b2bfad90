"""The Shopify tool table: one row per tool, each bound to one fixed GraphQL document.

A reviewer can audit the module's whole attack surface here: name, access, input model,
output model, annotations and the one upstream operation, each row directly above its
handler. Handlers turn validated input into that operation's variables and parse the
response into the output model; the search strings, mutation variables and reply texts they
use follow the table.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Final

from shopmcp_adapters.upstreams.module import Reply, ToolTable
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import inputs, outputs, search
from shopmcp_adapters.upstreams.shopify.client import PLATFORM, MutationRefused, ShopifyClient
from shopmcp_domain.errors import UpstreamError
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations, UpstreamOperation
from shopmcp_domain.tools.whitelist import WriteWhitelist

tools = ToolTable[ShopifyClient](Platform.SHOPIFY)

# The InventorySetQuantitiesUserErrorCode for a changeFromQuantity that is no longer the stock.
STALE_QUANTITY: Final = "CHANGE_FROM_QUANTITY_STALE"


def op(document: str) -> UpstreamOperation:
    return UpstreamOperation(HttpMethod.POST, docs.GRAPHQL_PATH, docs.operation_name(document))


def _found(data: Mapping[str, Any], field: str, ident: str) -> Any:
    node = data.get(field)
    if node is None:
        # Shopify answers a missing node with null rather than an HTTP 404.
        raise UpstreamError(PLATFORM, 404, f"no {field} with id {ident}")
    return node


# --------------------------------------------------------------------------- reads


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
    shop = outputs.ShopOutput.model_validate(_found(data, "shop", client.shop))
    return Reply(shop, shop_text(shop))


@tools.read(
    "shopify_list_orders",
    "List orders",
    "Recent orders, newest first, filtered by status, financial or fulfilment status, "
    "created date range or customer; paged with a cursor.",
    inputs.ListOrdersInput,
    outputs.ListOrdersOutput,
    op(docs.LIST_ORDERS),
)
async def list_orders(client: ShopifyClient, args: inputs.ListOrdersInput) -> Reply:
    variables = {"first": args.first, "after": args.after, "query": orders_query(args)}
    page = outputs.ListOrdersOutput.model_validate(await client.query(docs.LIST_ORDERS, variables))
    return Reply(page, orders_text(page))


@tools.read(
    "shopify_get_order",
    "Get an order",
    "One order with its line items, fulfilments (with tracking) and refunds.",
    inputs.GetOrderInput,
    outputs.OrderOutput,
    op(docs.GET_ORDER),
)
async def get_order(client: ShopifyClient, args: inputs.GetOrderInput) -> Reply:
    data = await client.query(docs.GET_ORDER, {"id": args.order_id})
    order = outputs.OrderOutput.model_validate(_found(data, "order", args.order_id))
    return Reply(order, order_text(order))


@tools.read(
    "shopify_list_order_refunds",
    "List an order's refunds",
    "The refunds of one order, with the refunded line items and amounts.",
    inputs.ListOrderRefundsInput,
    outputs.ListOrderRefundsOutput,
    op(docs.LIST_ORDER_REFUNDS),
)
async def list_order_refunds(client: ShopifyClient, args: inputs.ListOrderRefundsInput) -> Reply:
    data = await client.query(docs.LIST_ORDER_REFUNDS, {"id": args.order_id})
    refunds = outputs.ListOrderRefundsOutput.model_validate(_found(data, "order", args.order_id))
    return Reply(refunds, refunds_text(refunds))


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
    product = outputs.ProductOutput.model_validate(_found(data, "product", args.product_id))
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


@tools.read(
    "shopify_list_customers",
    "List customers",
    "Customers, most recently updated first, by search words or email.",
    inputs.ListCustomersInput,
    outputs.ListCustomersOutput,
    op(docs.LIST_CUSTOMERS),
)
async def list_customers(client: ShopifyClient, args: inputs.ListCustomersInput) -> Reply:
    variables = {"first": args.first, "after": args.after, "query": customers_query(args)}
    page = outputs.ListCustomersOutput.model_validate(
        await client.query(docs.LIST_CUSTOMERS, variables)
    )
    return Reply(page, customers_text(page))


@tools.read(
    "shopify_get_customer",
    "Get a customer",
    "One customer with order count, total spent and their ten most recent orders.",
    inputs.GetCustomerInput,
    outputs.CustomerOutput,
    op(docs.GET_CUSTOMER),
)
async def get_customer(client: ShopifyClient, args: inputs.GetCustomerInput) -> Reply:
    data = await client.query(docs.GET_CUSTOMER, {"id": args.customer_id})
    customer = outputs.CustomerOutput.model_validate(_found(data, "customer", args.customer_id))
    return Reply(customer, customer_text(customer))


# --------------------------------------------------------------------------- writes
# Each write sets absolute values: repeating the call leaves the same state; nothing is
# deleted.


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
async def update_product(client: ShopifyClient, args: inputs.UpdateProductInput) -> Reply:
    payload = await client.mutate(
        docs.UPDATE_PRODUCT, update_product_variables(args), "productUpdate"
    )
    product = outputs.UpdateProductOutput.model_validate(
        _found(payload, "product", args.product_id)
    )
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
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
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
async def update_order(client: ShopifyClient, args: inputs.UpdateOrderInput) -> Reply:
    payload = await client.mutate(docs.UPDATE_ORDER, update_order_variables(args), "orderUpdate")
    order = outputs.UpdateOrderOutput.model_validate(_found(payload, "order", args.order_id))
    return Reply(order, updated_order_text(order))


# --------------------------------------------------------------------------- search strings


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
        return search.number("product_id", inputs.numeric_id(args.product_id))
    assert args.variant_id is not None  # the input model requires exactly one
    return search.number("id", inputs.numeric_id(args.variant_id))


def customers_query(args: inputs.ListCustomersInput) -> str | None:
    return search.join(
        [
            search.phrase(None, args.search) if args.search else None,
            search.email("email", args.email) if args.email else None,
        ]
    )


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


def update_order_variables(args: inputs.UpdateOrderInput) -> dict[str, Any]:
    order: dict[str, Any] = {"id": args.order_id}
    if args.note is not None:
        order["note"] = args.note
    if args.tags is not None:
        order["tags"] = args.tags
    return {"input": order}


# --------------------------------------------------------------------------- reply texts


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _money(money: outputs.Money | None) -> str:
    return f"{money.amount} {money.currency}" if money is not None else "?"


def _more(page: outputs.PageInfo) -> str:
    return " (more available)" if page.has_next_page else ""


def shop_text(shop: outputs.ShopOutput) -> str:
    return f"{shop.name} ({shop.myshopify_domain}), {shop.currency}, plan {shop.plan}"


def orders_text(page: outputs.ListOrdersOutput) -> str:
    lines = [
        f"{o.name} {o.created_at[:10]} "
        f"{o.financial_status}/{o.fulfillment_status} {_money(o.total)}"
        for o in page.orders
    ]
    return "\n".join([f"{_plural(len(page.orders), 'order')}{_more(page.page_info)}", *lines])


def order_text(order: outputs.OrderOutput) -> str:
    return (
        f"Order {order.name}: {order.financial_status}/{order.fulfillment_status}, "
        f"total {_money(order.total)}, {_plural(len(order.line_items), 'line item')}, "
        f"{_plural(len(order.fulfillments), 'fulfillment')}, "
        f"{_plural(len(order.refunds), 'refund')}"
    )


def refunds_text(refunds: outputs.ListOrderRefundsOutput) -> str:
    return (
        f"Order {refunds.order_name}: {_plural(len(refunds.refunds), 'refund')}, "
        f"{_money(refunds.total_refunded)} refunded in total"
    )


def products_text(page: outputs.ListProductsOutput) -> str:
    lines = [f"{p.title} [{p.status}] stock {p.total_inventory}" for p in page.products]
    return "\n".join([f"{_plural(len(page.products), 'product')}{_more(page.page_info)}", *lines])


def product_text(product: outputs.ProductOutput) -> str:
    return (
        f"{product.title} [{product.status}] by {product.vendor or 'no vendor'}: "
        f"{_plural(len(product.variants), 'variant')}, stock {product.total_inventory}"
    )


def inventory_text(inventory: outputs.InventoryOutput) -> str:
    lines = [
        f"{v.product_title} / {v.variant_title} ({v.sku or 'no SKU'}): "
        + ", ".join(f"{level.location_name} {level.available} available" for level in v.levels)
        for v in inventory.variants
    ]
    return "\n".join([_plural(len(inventory.variants), "variant"), *lines])


def customers_text(page: outputs.ListCustomersOutput) -> str:
    lines = [
        f"{c.name}: {_plural(c.number_of_orders, 'order')}, spent {_money(c.amount_spent)}"
        for c in page.customers
    ]
    return "\n".join([f"{_plural(len(page.customers), 'customer')}{_more(page.page_info)}", *lines])


def customer_text(customer: outputs.CustomerOutput) -> str:
    return (
        f"{customer.name}: {_plural(customer.number_of_orders, 'order')}, "
        f"spent {_money(customer.amount_spent)}, "
        f"last order {customer.last_order_name or 'none'}"
    )


def updated_product_text(product: outputs.UpdateProductOutput) -> str:
    return f"Updated product {product.title} [{product.status}]"


def updated_order_text(order: outputs.UpdateOrderOutput) -> str:
    return f"Updated order {order.name}"


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
