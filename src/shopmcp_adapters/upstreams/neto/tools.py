"""Neto tools: one row per tool (name, title, description, input, output, action, and for the
write its whitelist and annotations) directly above its small handler.

Every tool is one Neto action, sent once: ``POST /do/WS/NetoAPI`` with ``NETOAPI_ACTION`` and
a ``Filter`` built from validated input plus the tool's fixed ``OutputSelector`` list
(``selectors.py``). Texts name each result's id (order id, SKU, username and customer id, RMA
id) so a model can go from a list to the matching get tool; Neto's warnings (``Ack: Warning``)
end the text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopmcp_adapters.upstreams.module import Reply, ToolTable
from shopmcp_adapters.upstreams.neto.client import PLATFORM, NetoAnswer, NetoClient, neto_operation
from shopmcp_adapters.upstreams.neto.inputs import (
    ITEM_LOCATORS,
    WRITABLE_ITEM_FIELDS,
    GetCustomerInput,
    GetOrderInput,
    ListCategoriesInput,
    ListCustomersInput,
    ListItemsInput,
    ListOrdersInput,
    ListPaymentsInput,
    ListRmasInput,
    ListShippingMethodsInput,
    ListVouchersInput,
    ListWarehousesInput,
    SkuInput,
    StockInput,
    UpdateItemInput,
)
from shopmcp_adapters.upstreams.neto.outputs import (
    Category,
    CategoryListOutput,
    CustomerDetail,
    CustomerListOutput,
    CustomerSummary,
    ItemDetail,
    ItemListOutput,
    ItemStock,
    ItemSummary,
    OrderDetail,
    OrderListOutput,
    OrderSummary,
    Paging,
    Payment,
    PaymentListOutput,
    Rma,
    RmaListOutput,
    ShippingMethodListOutput,
    StockOutput,
    UpdatedItem,
    UpdateItemOutput,
    Voucher,
    VoucherListOutput,
    Warehouse,
    WarehouseListOutput,
)
from shopmcp_adapters.upstreams.neto.parsing import rows
from shopmcp_adapters.upstreams.neto.selectors import (
    CATEGORY,
    CUSTOMER_DETAIL,
    CUSTOMER_SUMMARY,
    ITEM_DETAIL,
    ITEM_STOCK,
    ITEM_SUMMARY,
    ORDER_DETAIL,
    ORDER_SUMMARY,
    PAYMENT,
    RMA,
    VOUCHER,
    WAREHOUSE,
    date_range,
    flag,
    neto_filter,
)
from shopmcp_domain.errors import UpstreamError
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist

GET_ORDER = neto_operation("GetOrder")
GET_ITEM = neto_operation("GetItem")
GET_CUSTOMER = neto_operation("GetCustomer")
GET_RMA = neto_operation("GetRma")
GET_PAYMENT = neto_operation("GetPayment")
GET_CATEGORY = neto_operation("GetCategory")
GET_WAREHOUSE = neto_operation("GetWarehouse")
GET_SHIPPING_METHODS = neto_operation("GetShippingMethods")
GET_VOUCHER = neto_operation("GetVoucher")
UPDATE_ITEM = neto_operation("UpdateItem")

# GetVoucher has no paging: a tool reports at most this many vouchers.
MAX_VOUCHERS = 50
# Texts list at most this many results; the structured output has them all.
SHOWN = 10

tools = ToolTable[NetoClient](Platform.NETO)


def _listed(values: object) -> list[str] | None:
    """A filter value as Neto's repeated element (one value is a list of one)."""
    if values is None:
        return None
    if isinstance(values, list):
        return [str(v) for v in values] or None
    return [str(values)]


def _money(amount: float | None) -> str:
    return "?" if amount is None else f"{amount:.2f}"


def _page_text(noun: str, paging: Paging, shown: list[str]) -> str:
    more = "; more may follow on the next page" if paging.may_have_more else ""
    head = f"{paging.count} {noun} on page {paging.page}{more}"
    return head + (f": {', '.join(shown[:SHOWN])}." if shown else ".")


def _reply(result: Any, text: str, answer: NetoAnswer) -> Reply:
    return Reply(result, text + answer.warning_text())


def _not_found(what: str) -> UpstreamError:
    # Neto answers an unknown id with an empty list, not an error.
    return UpstreamError(PLATFORM, 404, f"no {what}")


# --------------------------------------------------------------------------- orders


@tools.read(
    "neto_list_orders",
    "List Neto orders",
    "Find orders by status (any of several), payment status, customer username, a SKU on "
    "their lines, or the days they were placed (inclusive); paged, 0 is the first page, "
    "limit at most 100. Each order's id (e.g. N10155) is what neto_get_order takes.",
    ListOrdersInput,
    OrderListOutput,
    GET_ORDER,
)
async def list_orders(client: NetoClient, args: ListOrdersInput) -> Reply:
    values = {
        "OrderStatus": _listed([s.value for s in args.statuses]),
        "PaymentStatus": _listed(args.payment_status),
        "Username": _listed(args.username),
        "SKU": _listed(args.sku),
        **date_range("DatePlaced", args.placed_from, args.placed_to),
    }
    body = neto_filter(ORDER_SUMMARY, values, page=args.page, limit=args.limit)
    answer = await client.read(GET_ORDER, body)
    orders = rows(answer.data, "Order", OrderSummary)[: args.limit]
    result = OrderListOutput(orders=orders, paging=Paging.of(args.page, args.limit, len(orders)))
    shown = [
        f"{o.order_id} {o.status or '?'} {_money(o.grand_total)} ({o.username or 'guest'})"
        for o in orders
    ]
    return _reply(result, _page_text("order(s)", result.paging, shown), answer)


@tools.read(
    "neto_get_order",
    "Get a Neto order",
    "One order by its id (e.g. N10155): status, totals, shipping and billing addresses, "
    "lines (SKU, quantity, price, warehouse, shipped quantity, tracking) and payments. For "
    "its returns use neto_list_rmas with order_id; for payment records neto_list_payments.",
    GetOrderInput,
    OrderDetail,
    GET_ORDER,
)
async def get_order(client: NetoClient, args: GetOrderInput) -> Reply:
    body = neto_filter(ORDER_DETAIL, {"OrderID": _listed(args.order_id)})
    answer = await client.read(GET_ORDER, body)
    found = [
        o for o in rows(answer.data, "Order", OrderDetail) if o.order.order_id == args.order_id
    ]
    if not found:
        raise _not_found(f"order {args.order_id}")
    result = found[0]
    order = result.order
    lines = ", ".join(f"{line.sku} x{line.quantity}" for line in result.lines[:SHOWN])
    text = (
        f"Order {order.order_id} ({order.status or '?'}), total {_money(order.grand_total)}, "
        f"{len(result.lines)} line(s)"
        + (f": {lines}" if lines else "")
        + f"; customer {order.username or 'guest'}."
    )
    return _reply(result, text, answer)


# --------------------------------------------------------------------------- items


@tools.read(
    "neto_list_items",
    "List Neto products",
    "Find products (Neto items) by SKUs, exact name, exact brand, category id, active flag "
    "or the days they were last updated; ordered by name, id, date added or date updated; "
    "paged, 0 is the first page, limit at most 100. Each product's SKU is what "
    "neto_get_item and neto_get_stock take.",
    ListItemsInput,
    ItemListOutput,
    GET_ITEM,
)
async def list_items(client: NetoClient, args: ListItemsInput) -> Reply:
    values = {
        "SKU": _listed(args.skus),
        "Name": _listed(args.name),
        "Brand": _listed(args.brand),
        "CategoryID": _listed(args.category_id),
        "IsActive": None if args.is_active is None else [flag(args.is_active)],
        **date_range("DateUpdated", args.updated_from, args.updated_to),
        "OrderBy": args.order_by.value,
        "OrderDirection": args.direction.value,
    }
    body = neto_filter(ITEM_SUMMARY, values, page=args.page, limit=args.limit)
    answer = await client.read(GET_ITEM, body)
    items = rows(answer.data, "Item", ItemSummary)[: args.limit]
    result = ItemListOutput(items=items, paging=Paging.of(args.page, args.limit, len(items)))
    shown = [f"{i.sku} ({i.name or '?'}) {_money(i.default_price)}" for i in items]
    return _reply(result, _page_text("product(s)", result.paging, shown), answer)


@tools.read(
    "neto_get_item",
    "Get a Neto product",
    "One product by SKU: name, brand, prices (default, promotion with its dates, RRP, cost), "
    "short description, categories, and on-hand quantity per warehouse id (names via "
    "neto_list_warehouses), committed and available quantities.",
    SkuInput,
    ItemDetail,
    GET_ITEM,
)
async def get_item(client: NetoClient, args: SkuInput) -> Reply:
    body = neto_filter(ITEM_DETAIL, {"SKU": _listed(args.sku)})
    answer = await client.read(GET_ITEM, body)
    found = [i for i in rows(answer.data, "Item", ItemDetail) if i.item.sku == args.sku]
    if not found:
        raise _not_found(f"product with SKU {args.sku}")
    result = found[0]
    item = result.item
    on_hand = sum(w.quantity for w in result.warehouse_stock)
    text = (
        f"{item.sku}: {item.name or '?'}, price {_money(item.default_price)}, "
        f"{on_hand} on hand in {len(result.warehouse_stock)} warehouse(s), "
        f"{item.available_quantity if item.available_quantity is not None else '?'} available."
    )
    return _reply(result, text, answer)


@tools.read(
    "neto_get_stock",
    "Neto stock for SKUs",
    "On-hand quantity per warehouse id for up to 50 SKUs, with committed and available "
    "quantities and the total on hand; SKUs Neto does not know are listed as missing. "
    "Warehouse names: neto_list_warehouses.",
    StockInput,
    StockOutput,
    GET_ITEM,
)
async def get_stock(client: NetoClient, args: StockInput) -> Reply:
    body = neto_filter(ITEM_STOCK, {"SKU": _listed(args.skus)}, page=0, limit=len(args.skus))
    answer = await client.read(GET_ITEM, body)
    result = StockOutput.of(args.skus, rows(answer.data, "Item", ItemStock))
    shown = [
        f"{s.sku} {s.on_hand_total} on hand ("
        + (", ".join(f"warehouse {w.warehouse_id}: {w.quantity}" for w in s.warehouses) or "none")
        + ")"
        for s in result.items
    ]
    text = "; ".join(shown[:SHOWN]) or "No stock found"
    if result.missing_skus:
        text += f"; unknown SKU(s): {', '.join(result.missing_skus)}"
    return _reply(result, text + ".", answer)


@tools.read(
    "neto_list_categories",
    "List Neto categories",
    "Product categories (id, name, parent id, active, menu flag), optionally under one "
    "parent category id (0 for top level) or by active flag; paged, 0 is the first page. "
    "A category id is what neto_list_items takes as category_id.",
    ListCategoriesInput,
    CategoryListOutput,
    GET_CATEGORY,
)
async def list_categories(client: NetoClient, args: ListCategoriesInput) -> Reply:
    values = {
        "ParentCategoryID": _listed(args.parent_category_id),
        "Active": None if args.active is None else flag(args.active),
    }
    body = neto_filter(CATEGORY, values, page=args.page, limit=args.limit)
    answer = await client.read(GET_CATEGORY, body)
    categories = rows(answer.data, "Category", Category)[: args.limit]
    result = CategoryListOutput(
        categories=categories, paging=Paging.of(args.page, args.limit, len(categories))
    )
    shown = [f"{c.category_id} {c.name or '?'}" for c in categories]
    return _reply(result, _page_text("category(ies)", result.paging, shown), answer)


# --------------------------------------------------------------------------- customers


@tools.read(
    "neto_list_customers",
    "List Neto customers",
    "Find customers by username, exact e-mail, type (Customer or Prospect), active flag or "
    "the days they were added; paged, 0 is the first page, limit at most 100. Each "
    "customer's username (or id) is what neto_get_customer takes, and neto_list_orders "
    "takes the username.",
    ListCustomersInput,
    CustomerListOutput,
    GET_CUSTOMER,
)
async def list_customers(client: NetoClient, args: ListCustomersInput) -> Reply:
    values = {
        "Username": _listed(args.username),
        "Email": _listed(args.email),
        "Type": _listed(args.type),
        "Active": None if args.active is None else [flag(args.active)],
        **date_range("DateAdded", args.added_from, args.added_to),
    }
    body = neto_filter(CUSTOMER_SUMMARY, values, page=args.page, limit=args.limit)
    answer = await client.read(GET_CUSTOMER, body)
    customers = rows(answer.data, "Customer", CustomerSummary)[: args.limit]
    result = CustomerListOutput(
        customers=customers, paging=Paging.of(args.page, args.limit, len(customers))
    )
    shown = [_customer_line(c) for c in customers]
    return _reply(result, _page_text("customer(s)", result.paging, shown), answer)


def _customer_line(c: CustomerSummary) -> str:
    return f"{c.username} (id {c.customer_id}) {c.name or ''} <{c.email or '?'}>".replace("  ", " ")


@tools.read(
    "neto_get_customer",
    "Get a Neto customer",
    "One customer by username or by id: contact details, billing and shipping addresses, "
    "type, user group, credit limit, account balance and available credit. For their orders "
    "use neto_list_orders with the username.",
    GetCustomerInput,
    CustomerDetail,
    GET_CUSTOMER,
)
async def get_customer(client: NetoClient, args: GetCustomerInput) -> Reply:
    values = {"Username": _listed(args.username), "ID": _listed(args.customer_id)}
    answer = await client.read(GET_CUSTOMER, neto_filter(CUSTOMER_DETAIL, values))
    found = [
        c
        for c in rows(answer.data, "Customer", CustomerDetail)
        if c.customer.username == args.username or c.customer.customer_id == args.customer_id
    ]
    if not found:
        who = f"username {args.username}" if args.username else f"id {args.customer_id}"
        raise _not_found(f"customer with {who}")
    result = found[0]
    text = (
        f"Customer {_customer_line(result.customer)}, {result.customer.type or 'type ?'}, "
        f"balance {_money(result.account_balance)}."
    )
    return _reply(result, text, answer)


# --------------------------------------------------------------------------- returns, payments


@tools.read(
    "neto_list_rmas",
    "List Neto returns (RMAs)",
    "Returns (RMAs) by order id, RMA id, customer username, status (Open or Closed) or the "
    "days they were issued: refund totals, returned lines with reasons and outcomes, and "
    "the refunds issued; paged, 0 is the first page.",
    ListRmasInput,
    RmaListOutput,
    GET_RMA,
)
async def list_rmas(client: NetoClient, args: ListRmasInput) -> Reply:
    values = {
        "OrderID": _listed(args.order_id),
        "RmaID": _listed(args.rma_id),
        "Username": _listed(args.username),
        "RmaStatus": _listed(args.status),
        **date_range("DateIssued", args.issued_from, args.issued_to),
    }
    body = neto_filter(RMA, values, page=args.page, limit=args.limit)
    answer = await client.read(GET_RMA, body)
    rmas = rows(answer.data, "Rma", Rma)[: args.limit]
    result = RmaListOutput(rmas=rmas, paging=Paging.of(args.page, args.limit, len(rmas)))
    shown = [
        f"RMA {r.rma_id} for order {r.order_id or '?'} {r.status or '?'}, "
        f"refund {_money(r.refund_total)}"
        for r in rmas
    ]
    return _reply(result, _page_text("RMA(s)", result.paging, shown), answer)


@tools.read(
    "neto_list_payments",
    "List Neto payments",
    "Payments received, by order ids or the days they were paid: amount, currency, "
    "payment method and date (card and bank details are never requested); paged, 0 is the "
    "first page.",
    ListPaymentsInput,
    PaymentListOutput,
    GET_PAYMENT,
)
async def list_payments(client: NetoClient, args: ListPaymentsInput) -> Reply:
    values = {
        "OrderID": _listed(args.order_ids),
        **date_range("DatePaid", args.paid_from, args.paid_to),
    }
    body = neto_filter(PAYMENT, values, page=args.page, limit=args.limit)
    answer = await client.read(GET_PAYMENT, body)
    payments = rows(answer.data, "Payment", Payment)[: args.limit]
    result = PaymentListOutput(
        payments=payments, paging=Paging.of(args.page, args.limit, len(payments))
    )
    shown = [
        f"{p.payment_id} for order {p.order_id or '?'} {_money(p.amount)} {p.currency or ''}"
        f" by {p.method or '?'}".replace("  ", " ")
        for p in payments
    ]
    return _reply(result, _page_text("payment(s)", result.paging, shown), answer)


# --------------------------------------------------------------------------- store set-up


@tools.read(
    "neto_list_warehouses",
    "List Neto warehouses",
    "The store's warehouses: id, name, reference, primary and active flags, location. "
    "The ids are those of the per-warehouse quantities in neto_get_item and neto_get_stock.",
    ListWarehousesInput,
    WarehouseListOutput,
    GET_WAREHOUSE,
)
async def list_warehouses(client: NetoClient, args: ListWarehousesInput) -> Reply:
    body = neto_filter(WAREHOUSE, {}, page=args.page, limit=args.limit)
    answer = await client.read(GET_WAREHOUSE, body)
    warehouses = rows(answer.data, "Warehouse", Warehouse)[: args.limit]
    result = WarehouseListOutput(
        warehouses=warehouses, paging=Paging.of(args.page, args.limit, len(warehouses))
    )
    shown = [
        f"{w.warehouse_id} {w.name or '?'}" + (" (primary)" if w.is_primary else "")
        for w in warehouses
    ]
    return _reply(result, _page_text("warehouse(s)", result.paging, shown), answer)


@tools.read(
    "neto_list_shipping_methods",
    "List Neto shipping methods",
    "The shipping methods configured in the store: id, name, description, status and who "
    "can see them (customers, staff, eBay).",
    ListShippingMethodsInput,
    ShippingMethodListOutput,
    GET_SHIPPING_METHODS,
)
async def list_shipping_methods(client: NetoClient, args: ListShippingMethodsInput) -> Reply:
    # The action takes no filter (its documented request body is an empty object).
    answer = await client.read(GET_SHIPPING_METHODS, {})
    result = ShippingMethodListOutput.model_validate(
        {"shipping_methods": answer.data.get("ShippingMethods")}
    )
    shown = [f"{m.method_id} {m.name or '?'} ({m.status or '?'})" for m in result.shipping_methods]
    text = f"{len(shown)} shipping method(s)" + (f": {', '.join(shown)}." if shown else ".")
    return _reply(result, text, answer)


@tools.read(
    "neto_list_vouchers",
    "List Neto vouchers",
    "Gift, reward and third-party vouchers by exact code, owner username, the order that "
    "created them, program type, redeemed flag or the days they were added (at least one "
    f"filter): code, balance, redeemed flag, owner; at most {MAX_VOUCHERS}. Secret keys are "
    "never requested.",
    ListVouchersInput,
    VoucherListOutput,
    GET_VOUCHER,
)
async def list_vouchers(client: NetoClient, args: ListVouchersInput) -> Reply:
    values = {
        "VoucherCode": _listed(args.code),
        "Owner": _listed(args.owner),
        "CreatedFromOrderID": _listed(args.order_id),
        "ProgramType": _listed(args.program_type),
        "IsRedeemed": None if args.redeemed is None else flag(args.redeemed),
        **date_range("DateAdded", args.added_from, args.added_to),
    }
    answer = await client.read(GET_VOUCHER, neto_filter(VOUCHER, values))
    vouchers = rows(answer.data, "Voucher", Voucher)
    result = VoucherListOutput(
        vouchers=vouchers[:MAX_VOUCHERS], truncated=len(vouchers) > MAX_VOUCHERS
    )
    shown = [
        f"{v.voucher_id} {v.code or '?'} balance {_money(v.balance)}"
        + (" redeemed" if v.redeemed else "")
        for v in result.vouchers
    ]
    text = f"{len(result.vouchers)} voucher(s)" + (
        f": {', '.join(shown[:SHOWN])}." if shown else "."
    )
    if result.truncated:
        text += f" More matched; narrow the filters (at most {MAX_VOUCHERS} are reported)."
    return _reply(result, text, answer)


# --------------------------------------------------------------------------- the one write


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def update_item_body(args: UpdateItemInput) -> dict[str, Any]:
    """UpdateItem's body, built field by field from the whitelisted input only. The SKU is how
    Neto finds the product (it is the key, not a value that can be renamed)."""
    item: dict[str, Any] = {"SKU": args.sku}
    if args.default_price is not None:
        item["DefaultPrice"] = _decimal(args.default_price)
    if args.promotion_price is not None:
        item["PromotionPrice"] = _decimal(args.promotion_price)
    if args.rrp is not None:
        item["RRP"] = _decimal(args.rrp)
    if args.quantity is not None and args.warehouse_id is not None:
        # "set" replaces the on-hand quantity, so repeating the call changes nothing more.
        item["WarehouseQuantity"] = {
            "WarehouseID": str(args.warehouse_id),
            "Quantity": str(args.quantity),
            "Action": "set",
        }
    return {"Item": [item]}


@tools.write(
    "neto_update_item",
    "Update a Neto product's prices or stock",
    "Change one product, located by SKU: its default price, promotion price or RRP, and/or "
    "set its on-hand quantity at one warehouse (warehouse_id with quantity; ids from "
    "neto_list_warehouses). Nothing else can be changed; omitted fields stay as they are.",
    UpdateItemInput,
    UpdateItemOutput,
    UPDATE_ITEM,
    whitelist=WriteWhitelist(
        writable=frozenset(WRITABLE_ITEM_FIELDS), locators=frozenset(ITEM_LOCATORS)
    ),
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def update_item(client: NetoClient, args: UpdateItemInput) -> Reply:
    answer = await client.write(UPDATE_ITEM, update_item_body(args))
    confirmed = {item.sku for item in rows(answer.data, "Item", UpdatedItem)}
    if args.sku not in confirmed:
        raise UpstreamError(PLATFORM, 200, f"Neto did not confirm the update of {args.sku}")
    changed = [name for name in WRITABLE_ITEM_FIELDS if getattr(args, name) is not None]
    result = UpdateItemOutput(sku=args.sku, updated_fields=changed)
    return _reply(result, f"Updated {args.sku}: {', '.join(changed)}.", answer)
