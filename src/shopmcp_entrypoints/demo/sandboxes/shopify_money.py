"""The Shopify sandbox's money side of orders: refunds (read, suggested, made), cancelling an
order, and the order pages the sales summary reads. Refunds and cancellations change the
order's quantities, totals, transactions and statuses, and put stock back when asked."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from shopmcp_entrypoints.demo.sandboxes.shopify_state import SandboxState, page, user_error
from shopmcp_entrypoints.demo.sandboxes.shopify_values import money

_RESTOCKING = ("RETURN", "CANCEL", "LEGACY_RESTOCK")


def _amount(bag: Mapping[str, Any]) -> Decimal:
    return Decimal(bag["shopMoney"]["amount"])


class MoneyResolvers(SandboxState):
    # ----- refunds

    def _refund(self, refund_id: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        for order in self.data["orders"]:
            for refund in order["refunds"]:
                if refund["id"] == refund_id:
                    return order, refund
        return None

    def _refund_node(self, order: Mapping[str, Any], refund: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **{k: refund[k] for k in ("id", "createdAt", "note", "totalRefundedSet")},
            "order": {"id": order["id"], "name": order["name"]},
            "refundLineItems": {"nodes": refund["refundLineItems"]},
            "transactions": {"nodes": refund["transactions"]},
        }

    def get_refund(self, v: Mapping[str, Any]) -> dict[str, Any]:
        found = self._refund(v["id"])
        return {"refund": self._refund_node(*found) if found else None}

    def _payment(self, order: Mapping[str, Any]) -> dict[str, Any] | None:
        return next((t for t in order["transactions"] if t["kind"] == "SALE"), None)

    def _refundable(self, order: Mapping[str, Any]) -> Decimal:
        paid = sum(
            (_amount(t["amountSet"]) for t in order["transactions"] if t["kind"] == "SALE"),
            Decimal(0),
        )
        back = sum(
            (_amount(t["amountSet"]) for t in order["transactions"] if t["kind"] == "REFUND"),
            Decimal(0),
        )
        return paid - back

    def _refund_lines(
        self, order: Mapping[str, Any], asked: list[Mapping[str, Any]], restock: str
    ) -> list[dict[str, Any]]:
        items = {line["id"]: line for line in order["lineItems"]}
        lines = []
        for entry in asked:
            line = items.get(entry["lineItemId"])
            if line is None:
                continue
            quantity = min(entry["quantity"], line["currentQuantity"])
            unit = _amount(line["originalUnitPriceSet"])
            lines.append(
                {
                    "quantity": quantity,
                    "restockType": entry.get("restockType") or restock,
                    "lineItem": {k: line[k] for k in ("id", "title", "sku")},
                    "subtotalSet": money(float(unit * quantity)),
                    "locationId": entry.get("locationId"),
                }
            )
        return lines

    def suggest_refund(self, v: Mapping[str, Any]) -> dict[str, Any]:
        order = self._find("orders", v["id"])
        if order is None:
            return {"order": None}
        lines = self._refund_lines(order, v.get("refundLineItems") or [], "NO_RESTOCK")
        subtotal = sum((_amount(line["subtotalSet"]) for line in lines), Decimal(0))
        shipping = (
            _amount(order["totalShippingPriceSet"]) if v.get("refundShipping") else Decimal(0)
        )
        refundable = self._refundable(order)
        amount = min(subtotal + shipping, refundable)
        payment = self._payment(order)
        transactions = (
            [
                {
                    "gateway": payment["gateway"],
                    "kind": "SUGGESTED_REFUND",
                    "amountSet": money(float(amount)),
                    "parentTransaction": {"id": payment["id"]},
                }
            ]
            if payment and amount > 0
            else []
        )
        suggestion = {
            "amountSet": money(float(amount)),
            "subtotalSet": money(float(subtotal)),
            # Sandbox prices include 10 % GST.
            "totalTaxSet": money(float(amount / 11)),
            "maximumRefundableSet": money(float(refundable)),
            "shipping": {"amountSet": money(float(shipping))},
            "refundLineItems": [{k: line[k] for k in line if k != "locationId"} for line in lines],
            "suggestedTransactions": transactions,
        }
        return {"order": {"id": order["id"], "name": order["name"], "suggestedRefund": suggestion}}

    def create_refund(self, v: Mapping[str, Any]) -> dict[str, Any]:
        spec = v["input"]
        order = self._find("orders", spec["orderId"])
        if order is None:
            return user_error("refundCreate", ["orderId"], "Order does not exist")
        items = {line["id"]: line for line in order["lineItems"]}
        for index, entry in enumerate(spec.get("refundLineItems") or []):
            line = items.get(entry["lineItemId"])
            if line is None or entry["quantity"] > line["currentQuantity"]:
                return user_error(
                    "refundCreate",
                    ["refundLineItems", str(index), "quantity"],
                    "Quantity cannot refund more items than were purchased",
                )
        payment = self._payment(order)
        asked = sum((Decimal(t["amount"]) for t in spec.get("transactions") or []), Decimal(0))
        for index, transaction in enumerate(spec.get("transactions") or []):
            if payment is None or transaction["parentId"] != payment["id"]:
                return user_error(
                    "refundCreate",
                    ["transactions", str(index), "parentId"],
                    "Parent transaction does not exist",
                )
        if asked > self._refundable(order):
            return user_error(
                "refundCreate", ["transactions"], "Refund amount exceeds the refundable amount"
            )
        refund = self._record_refund(order, spec, asked)
        return {"refundCreate": {"refund": self._refund_node(order, refund), "userErrors": []}}

    def _record_refund(
        self, order: dict[str, Any], spec: Mapping[str, Any], amount: Decimal
    ) -> dict[str, Any]:
        lines = self._refund_lines(order, spec.get("refundLineItems") or [], "NO_RESTOCK")
        items = {line["id"]: line for line in order["lineItems"]}
        for line in lines:
            item = items[line["lineItem"]["id"]]
            item["currentQuantity"] -= line["quantity"]
            variant = self._variant_of_line(item)
            if line["restockType"] in _RESTOCKING and variant is not None:
                location = line["locationId"] or order["fulfillmentOrders"][0]["location"]["id"]
                self._restock(variant, location, line["quantity"])
            line.pop("locationId")
        transactions = [
            {
                "id": self._new_id("OrderTransaction", 8900000000001),
                "kind": "REFUND",
                "status": "SUCCESS",
                "gateway": t["gateway"],
                "amountSet": money(float(Decimal(t["amount"]))),
                "processedAt": self._now(),
            }
            for t in spec.get("transactions") or []
        ]
        order["transactions"].extend(transactions)
        if amount:
            refunded = _amount(order["totalRefundedSet"]) + amount
            order["totalRefundedSet"] = money(float(refunded))
            order["currentTotalPriceSet"] = money(
                float(_amount(order["currentTotalPriceSet"]) - amount)
            )
            order["displayFinancialStatus"] = (
                "REFUNDED" if self._refundable(order) <= 0 else "PARTIALLY_REFUNDED"
            )
        refund = {
            "id": self._new_id("Refund", 910000000001),
            "createdAt": self._now(),
            "note": spec.get("note"),
            "totalRefundedSet": money(float(amount)),
            "refundLineItems": lines,
            "transactions": transactions,
        }
        order["refunds"].append(refund)
        return refund

    # ----- cancelling

    def cancel_order(self, v: Mapping[str, Any]) -> dict[str, Any]:
        order = self._find("orders", v["orderId"])
        if order is None:
            return user_error("orderCancel", ["orderId"], "Order does not exist", "NOT_FOUND")
        if order["cancelledAt"] is not None:
            return user_error(
                "orderCancel", ["orderId"], "Order has already been cancelled", "INVALID"
            )
        for fo in order["fulfillmentOrders"]:
            for line in fo["lines"]:
                item = next(i for i in order["lineItems"] if i["id"] == line["lineItemId"])
                variant = self._variant_of_line(item)
                if v["restock"] and variant is not None and line["remainingQuantity"]:
                    self._restock(variant, fo["location"]["id"], line["remainingQuantity"])
                line["remainingQuantity"] = 0
            fo["status"] = "CANCELLED" if fo["status"] != "CLOSED" else fo["status"]
        refund = v.get("refundMethod") or {}
        refundable = self._refundable(order)
        if refund.get("originalPaymentMethodsRefund") and refundable > 0:
            payment = self._payment(order)
            assert payment is not None  # something was paid, so there is a payment
            spec = {"transactions": [{"gateway": payment["gateway"], "amount": str(refundable)}]}
            self._record_refund(order, spec, refundable)
        elif order["displayFinancialStatus"] == "AUTHORIZED":
            order["displayFinancialStatus"] = "VOIDED"
        order.update(cancelledAt=self._now(), cancelReason=v["reason"], closed=True)
        job = {"id": self._new_id("Job", 1700000000001), "done": True}
        return {"orderCancel": {"job": job, "orderCancelUserErrors": []}}

    # ----- the sales summary's pages

    def sales_orders(self, v: Mapping[str, Any]) -> dict[str, Any]:
        matched = [o for o in self.data["orders"] if self._order_matches(o, v.get("query"))]
        matched.sort(key=lambda o: o["createdAt"])
        chunk, info = page(matched, v["first"], v.get("after"))
        nodes = []
        for order in chunk:
            lines = []
            for line in order["lineItems"]:
                found = self._variant((line.get("variant") or {}).get("id"))
                lines.append(
                    {
                        **{k: line[k] for k in ("title", "sku", "currentQuantity")},
                        "product": {"id": found[0]["id"]} if found else None,
                        "discountedUnitPriceAfterAllDiscountsSet": line["originalUnitPriceSet"],
                    }
                )
            nodes.append(
                {
                    **{k: order[k] for k in ("id", "name", "createdAt", "cancelledAt")},
                    "test": False,
                    "currentTotalPriceSet": order["currentTotalPriceSet"],
                    "lineItems": {
                        "pageInfo": {"hasNextPage": len(lines) > 10},
                        "nodes": lines[:10],
                    },
                }
            )
        return {"orders": {"pageInfo": info, "nodes": nodes}}
