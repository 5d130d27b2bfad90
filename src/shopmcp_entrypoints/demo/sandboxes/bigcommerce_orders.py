"""The BigCommerce sandbox's orders: v2 order reads (filtered, sorted, paged), counts per status
and order statuses; the v3 refund reads; and the writes that change them.

- ``PUT /v2/orders/{id}`` applies ``status_id`` (the one field the sandbox emulates).
- A shipment ships line items of one of the order's shipping addresses, at most what is still
  unshipped; the order becomes Shipped or Partially Shipped.
- A refund quote prices line items by quantity (at most what is not yet refunded) and shipping,
  handling or order amounts; a refund must be paid exactly by the quoted methods, and leaves the
  order Refunded or Partially Refunded.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import (
    JSON,
    STATUSES,
    money4,
    order_statuses,
    v2_date,
)
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_query import (
    BigCommerceRefusal,
    Query,
    body_object,
    equals,
    keep,
    not_found,
    v2_page,
)
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_sales import sales, shipment

NOW = "2026-03-10T04:12:09"
UNPAID = (0, 1, 7)
NOT_SHIPPABLE = (0, 1, 5, 6)
SHIPMENT_FIELDS = {
    "order_address_id",
    "items",
    "tracking_number",
    "shipping_provider",
    "tracking_carrier",
    "shipping_method",
    "tracking_link",
    "comments",
}
_SORTS: dict[str, Callable[[JSON], Any]] = {
    "id": lambda o: o["id"],
    "date_created": lambda o: (o["_created"], o["id"]),
    "date_modified": lambda o: (o["_modified"], o["id"]),
}


def _refused(message: str, field: str = "") -> BigCommerceRefusal:
    return BigCommerceRefusal(422, message, {field: message} if field else None)


def _amount(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _refused("must be a number", field)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _refused("must be a number", field) from None
    if not amount.is_finite() or amount <= 0:
        raise _refused("must be a positive number", field)
    return amount


class OrderBook:
    def __init__(self) -> None:
        data = sales()
        self.orders, self.lines, self.addresses = data.orders, data.lines, data.addresses
        self.shipments, self.refunds_by_order = data.shipments, data.refunds
        self._next_shipment = 1 + max(
            (s["id"] for shipped in self.shipments.values() for s in shipped), default=40
        )
        self._next_refund = 1 + max(
            (r["id"] for refunds in self.refunds_by_order.values() for r in refunds), default=0
        )

    # ------------------------------------------------------------------------- reads

    def order(self, order_id: int) -> JSON:
        found = self.orders.get(order_id)
        if found is None:
            raise not_found("resource")
        return found

    def get(self, order_id: int, query: Query) -> JSON:
        query.done()
        return self.order(order_id)

    def statuses(self, query: Query) -> list[JSON]:
        query.done()
        return order_statuses()

    def _matching(self, query: Query) -> list[JSON]:
        start, end = query.when("min_date_created"), query.when("max_date_created")
        rows = [
            {**o, "_created": _parsed(o["date_created"]), "_modified": _parsed(o["date_modified"])}
            for o in self.orders.values()
        ]
        return keep(
            rows,
            (query.integer("status_id", high=99), equals("status_id")),
            (query.integer("customer_id"), equals("customer_id")),
            (start, lambda o, v: o["_created"] >= v),
            (end, lambda o, v: o["_created"] <= v),
        )

    def list_orders(self, query: Query) -> list[JSON]:
        rows = self._matching(query)
        field, _, direction = (query.text("sort") or "id:asc").partition(":")
        if field not in _SORTS or direction not in ("", "asc", "desc"):
            raise BigCommerceRefusal(422, "Invalid sort", {"sort": field})
        rows.sort(key=_SORTS[field], reverse=direction == "desc")
        return [_public(o) for o in v2_page(rows, query)]

    def count(self, query: Query) -> JSON:
        rows = self._matching(query)
        query.done()
        statuses = [
            {**status, "count": sum(1 for o in rows if o["status_id"] == status["id"])}
            for status in order_statuses()
        ]
        return {"statuses": statuses, "count": len(rows)}

    def products(self, order_id: int, query: Query) -> list[JSON]:
        self.order(order_id)
        return v2_page(self.lines[order_id], query)

    def shipping_addresses(self, order_id: int, query: Query) -> list[JSON]:
        self.order(order_id)
        return v2_page(self.addresses[order_id], query)

    def order_shipments(self, order_id: int, query: Query) -> list[JSON]:
        self.order(order_id)
        return v2_page(self.shipments[order_id], query)

    def refunds(self, order_id: int, query: Query) -> JSON:
        self.order(order_id)
        query.done()
        return {"data": self.refunds_by_order[order_id], "meta": {}}

    # ------------------------------------------------------------------------- writes

    def _set_status(self, order: JSON, status_id: int) -> None:
        name, _ = STATUSES[status_id]
        order.update(
            {"status_id": status_id, "status": name, "custom_status": name},
            date_modified=v2_date(NOW),
        )

    def update(self, order_id: int, body: Any) -> JSON:
        order = self.order(order_id)
        changes = body_object(body)
        if set(changes) != {"status_id"}:
            raise BigCommerceRefusal(400, "The sandbox updates only an order's status_id")
        status_id = changes["status_id"]
        if isinstance(status_id, bool) or status_id not in STATUSES:
            raise BigCommerceRefusal(400, "The field 'status_id' is invalid.")
        self._set_status(order, status_id)
        return order

    def create_shipment(self, order_id: int, body: Any) -> JSON:
        order = self.order(order_id)
        fields = body_object(body)
        unknown = set(fields) - SHIPMENT_FIELDS
        if unknown:
            raise BigCommerceRefusal(400, f"Unknown shipment fields: {', '.join(sorted(unknown))}")
        if order["status_id"] in NOT_SHIPPABLE:
            raise BigCommerceRefusal(400, "The order cannot be shipped in its current status.")
        address = next(
            (a for a in self.addresses[order_id] if a["id"] == fields.get("order_address_id")),
            None,
        )
        if address is None:
            raise BigCommerceRefusal(400, "The field 'order_address_id' is invalid.")
        requested = fields.get("items")
        if not isinstance(requested, list) or not requested:
            raise BigCommerceRefusal(400, "The field 'items' is required.")
        shipped_items = []
        for item in requested:
            line = next(
                (
                    line
                    for line in self.lines[order_id]
                    if isinstance(item, dict) and line["id"] == item.get("order_product_id")
                ),
                None,
            )
            quantity = item.get("quantity") if isinstance(item, dict) else None
            if line is None or not isinstance(quantity, int) or isinstance(quantity, bool):
                raise BigCommerceRefusal(400, "The field 'items' is invalid.")
            if not 0 < quantity <= line["quantity"] - line["quantity_shipped"]:
                raise BigCommerceRefusal(400, f"Line item {line['id']} has fewer items to ship.")
            shipped_items.append((line, quantity))
        for line, quantity in shipped_items:
            line["quantity_shipped"] += quantity
        shipped = sum(line["quantity_shipped"] for line in self.lines[order_id])
        address["items_shipped"] = order["items_shipped"] = shipped
        order["date_shipped"] = v2_date(NOW)
        self._set_status(order, 2 if shipped == order["items_total"] else 3)
        items = [
            {"order_product_id": line["id"], "product_id": line["product_id"], "quantity": q}
            for line, q in shipped_items
        ]
        created = shipment(self._next_shipment, order, address, items, v2_date(NOW), fields)
        self._next_shipment += 1
        self.shipments[order_id].append(created)
        return created

    def _priced(self, order: JSON, body: Any) -> tuple[Decimal, list[tuple[JSON, JSON, Decimal]]]:
        """The refund's total and each item with its line (for products) and amount."""
        if order["status_id"] in UNPAID:
            raise _refused("The order has no captured payment to refund.")
        items = body_object(body).get("items")
        if not isinstance(items, list) or not items:
            raise _refused("items is required", "items")
        priced: list[tuple[JSON, JSON, Decimal]] = []
        for item in items:
            kind = item.get("item_type") if isinstance(item, dict) else None
            if kind == "PRODUCT":
                line = next(
                    (line for line in self.lines[order["id"]] if line["id"] == item.get("item_id")),
                    None,
                )
                quantity = item.get("quantity")
                if line is None or not isinstance(quantity, int) or isinstance(quantity, bool):
                    raise _refused("unknown line item or quantity", "items")
                if not 0 < quantity <= line["quantity"] - line["quantity_refunded"]:
                    raise _refused(f"line item {line['id']} has fewer items to refund", "items")
                priced.append((item, line, Decimal(line["price_inc_tax"]) * quantity))
            elif kind in ("SHIPPING", "HANDLING", "ORDER"):
                amount = _amount(item.get("amount"), "items")
                priced.append((item, {}, amount))
            else:
                raise _refused("item_type is not supported by the sandbox", "items")
        total = sum((amount for _, _, amount in priced), Decimal(0))
        left = Decimal(order["total_inc_tax"]) - Decimal(order["refunded_amount"])
        if total > left:
            raise _refused(f"at most {money4(left)} is left to refund", "items")
        return total, priced

    def refund_quote(self, order_id: int, body: Any) -> JSON:
        order = self.order(order_id)
        total, _ = self._priced(order, body)
        methods = [
            [_option("stripev3", "Stripe", total, offline=False)],
            [_option("storecredit", "Store Credit", total, offline=False)],
            [_option("custom", "Custom", total, offline=True)],
        ]
        quote = {
            "order_id": order_id,
            "total_refund_amount": float(total),
            "total_refund_tax_amount": 0,
            "order_level_refund_amount": 0,
            "rounding": 0,
            "adjustment": 0,
            "tax_inclusive": True,
            "refund_methods": methods,
        }
        return {"data": quote, "meta": {}}

    def create_refund(self, order_id: int, body: Any) -> JSON:
        order = self.order(order_id)
        total, priced = self._priced(order, body)
        payments = body_object(body).get("payments")
        if not isinstance(payments, list) or not payments:
            raise _refused("payments is required", "payments")
        paid = Decimal(0)
        for payment in payments:
            provider = payment.get("provider_id") if isinstance(payment, dict) else None
            if provider not in ("stripev3", "storecredit", "custom"):
                raise _refused("unknown refund method", "payments")
            paid += _amount(payment.get("amount"), "payments")
        if paid != total:
            raise _refused(f"the payments must add up to {money4(total)}", "payments")
        for item, line, _ in priced:
            if line:
                line["quantity_refunded"] += item["quantity"]
                line["is_refunded"] = True
                refunded_line = Decimal(line["price_inc_tax"]) * line["quantity_refunded"]
                line["refund_amount"] = money4(refunded_line)
        refunded = Decimal(order["refunded_amount"]) + total
        order["refunded_amount"] = money4(refunded)
        fully = refunded == Decimal(order["total_inc_tax"])
        order["payment_status"] = "refunded" if fully else "partially refunded"
        self._set_status(order, 4 if fully else 14)
        refund = {
            "id": self._next_refund,
            "order_id": order_id,
            "user_id": 1,
            "created": f"{NOW}+00:00",
            "reason": next((i.get("reason") for i, _, _ in priced if i.get("reason")), ""),
            "total_amount": float(total),
            "total_tax": 0,
            "uses_merchant_override_values": False,
            "items": [
                {**copy.deepcopy(item), "requested_amount": float(amount)}
                for item, _, amount in priced
            ],
            "payments": [
                {
                    "id": 100 + self._next_refund,
                    "provider_id": p["provider_id"],
                    "amount": float(_amount(p["amount"], "payments")),
                    "offline": bool(p.get("offline")),
                    "is_declined": False,
                    "declined_message": "",
                }
                for p in payments
            ],
        }
        self._next_refund += 1
        self.refunds_by_order[order_id].append(refund)
        return {"data": refund, "meta": {}}


def _option(provider: str, description: str, amount: Decimal, offline: bool) -> JSON:
    return {
        "provider_id": provider,
        "provider_description": description,
        "amount": float(amount),
        "offline": offline,
        "offline_provider": offline,
        "offline_reason": "Refunded outside BigCommerce" if offline else "",
    }


def _parsed(date: str) -> dt.datetime:
    return email.utils.parsedate_to_datetime(date)


def _public(order: JSON) -> JSON:
    return {k: v for k, v in order.items() if not k.startswith("_")}
