"""The Magento sandbox's sales book: invoices, shipments and credit memos of the sample orders,
their comment histories, and the order actions, changing the orders as Magento does.

- Orders that were paid (processing, complete, closed) have one invoice covering every line;
  orders with shipped quantities have one shipment, with a tracking number.
- Creating an invoice, a shipment or a refund checks what is left to invoice, ship or refund
  on the order's top-level lines (a configurable's child line follows its parent), updates the
  lines' quantities and the order's totals and state, and answers the new document's id.
- Hold, release and cancel follow Magento's rules: hold and release refuse an order in the
  wrong state (400), cancel answers false for an order it cannot cancel.
- A refund through the payment gateway (``isOnline``) is refused for an order paid with an
  offline method (check / money order); the sample orders 6 and 10 were paid by card.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shopmcp_entrypoints.demo.sandboxes.magento_data import JSON
from shopmcp_entrypoints.demo.sandboxes.magento_refusal import NO_ENTITY, MagentoRefusal

NOW = "2026-03-10 12:00:00"
_CARRIERS = [("ups", "United Parcel Service"), ("usps", "United States Postal Service")]
_CARD_PAID = {6, 10}
_PAID_STATES = {"processing", "complete", "closed"}


def _top_lines(order: JSON) -> list[JSON]:
    return [line for line in order["items"] if not line.get("parent_item_id")]


def _history(order: JSON, comment: str, notified: bool, at: str) -> JSON:
    histories = order.setdefault("status_histories", [])
    entry = {
        "comment": comment,
        "created_at": at,
        "entity_id": 1000 + order["entity_id"] * 10 + len(histories),
        "entity_name": "order",
        "is_customer_notified": int(notified),
        "is_visible_on_front": 0,
        "parent_id": order["entity_id"],
        "status": order["status"],
    }
    histories.append(entry)
    return entry


class SalesBook:
    """The sales documents of one sandbox store, over that store's orders and products."""

    def __init__(self, orders: list[JSON], credit_memos: list[JSON], store: Any) -> None:
        self.orders = orders
        self.credit_memos = credit_memos
        self._store = store  # the SandboxStore: products and source items, for return to stock
        self.invoices: list[JSON] = []
        self.shipments: list[JSON] = []
        for order in orders:
            for line in order["items"]:
                line.setdefault("qty_invoiced", 0)
            order["payment"]["method"] = (
                "braintree" if order["entity_id"] in _CARD_PAID else "checkmo"
            )
            _history(order, "Order placed.", True, order["created_at"])
            if order["status"] in _PAID_STATES:
                self._invoice(order, None, at=order["created_at"][:10] + " 18:30:00")
            if any(line["qty_shipped"] for line in _top_lines(order)):
                self._sample_shipment(order)

    # ------------------------------------------------------------------ reads

    def order(self, order_id: int) -> JSON:
        found = next((o for o in self.orders if o["entity_id"] == order_id), None)
        if found is None:
            raise MagentoRefusal(404, NO_ENTITY)
        return found

    def _find(self, rows: list[JSON], entity_id: int) -> JSON:
        found = next((row for row in rows if row["entity_id"] == entity_id), None)
        if found is None:
            raise MagentoRefusal(404, NO_ENTITY)
        return found

    def invoice(self, invoice_id: int) -> JSON:
        return self._find(self.invoices, invoice_id)

    def shipment(self, shipment_id: int) -> JSON:
        return self._find(self.shipments, shipment_id)

    def credit_memo(self, memo_id: int) -> JSON:
        return self._find(self.credit_memos, memo_id)

    def comments(self, order_id: int) -> JSON:
        rows = self.order(order_id).get("status_histories", [])
        return {"items": rows, "total_count": len(rows)}

    # ------------------------------------------------------------------ the lines a document covers

    @staticmethod
    def _chosen(order: JSON, body: Mapping[str, Any], left: Any) -> list[tuple[JSON, float]]:
        """``(line, qty)`` for the body's items, or every line with something left."""
        lines = {line["item_id"]: line for line in _top_lines(order)}
        wanted = body.get("items")
        if not wanted:
            return [(line, left(line)) for line in lines.values() if left(line) > 0]
        chosen = []
        for item in wanted:
            line = lines.get(item.get("order_item_id"))
            qty = float(item.get("qty", 0))
            if line is None or qty <= 0 or qty > left(line):
                raise MagentoRefusal(
                    400, "The quantity for order item %1 is not valid.", [item.get("order_item_id")]
                )
            chosen.append((line, qty))
        return chosen

    @staticmethod
    def _doc_items(chosen: list[tuple[JSON, float]]) -> list[JSON]:
        return [
            {
                "entity_id": line["item_id"] * 10 + 1,
                "order_item_id": line["item_id"],
                "sku": line["sku"],
                "name": line["name"],
                "qty": qty,
                "price": line["price"],
                "row_total": round(line["price"] * qty, 2),
                "product_id": line.get("product_id"),
            }
            for line, qty in chosen
        ]

    @staticmethod
    def _comments(body: Mapping[str, Any], parent_id: int) -> list[JSON]:
        comment = body.get("comment")
        if not isinstance(comment, Mapping) or not comment.get("comment"):
            return []
        return [
            {
                "comment": comment["comment"],
                "created_at": NOW,
                "entity_id": parent_id * 10 + 1,
                "is_customer_notified": int(bool(body.get("notify"))),
                "is_visible_on_front": int(comment.get("is_visible_on_front") or 0),
                "parent_id": parent_id,
            }
        ]

    # ------------------------------------------------------------------ invoices

    def create_invoice(self, order_id: int, body: Mapping[str, Any]) -> int:
        order = self.order(order_id)
        if order["state"] in {"canceled", "holded", "closed", "complete"}:
            raise MagentoRefusal(400, "The order does not allow an invoice to be created.")
        return self._invoice(order, body, at=NOW)

    def _invoice(self, order: JSON, body: Mapping[str, Any] | None, at: str) -> int:
        def left(line: JSON) -> float:
            return float(line["qty_ordered"] - line["qty_invoiced"] - line["qty_canceled"])

        chosen = self._chosen(order, body or {}, left)
        if not chosen:
            raise MagentoRefusal(400, "The order does not allow an invoice to be created.")
        items = self._doc_items(chosen)
        first = not any(i["order_id"] == order["entity_id"] for i in self.invoices)
        shipping = order["shipping_amount"] if first else 0.0
        subtotal = sum(i["row_total"] for i in items)
        invoice_id = max((i["entity_id"] for i in self.invoices), default=0) + 1
        # The sample data's credit memos name invoice ids equal to their order ids.
        if first and body is None:
            invoice_id = order["entity_id"]
        grand = round(subtotal + shipping, 2)
        self.invoices.append(
            {
                "entity_id": invoice_id,
                "increment_id": f"{invoice_id:09d}",
                "order_id": order["entity_id"],
                "state": 2,
                "created_at": at,
                "updated_at": at,
                "order_currency_code": order["order_currency_code"],
                "base_currency_code": order["base_currency_code"],
                "subtotal": subtotal,
                "shipping_amount": shipping,
                "tax_amount": 0,
                "discount_amount": 0,
                "grand_total": grand,
                "base_grand_total": grand,
                "total_qty": sum(qty for _, qty in chosen),
                "items": items,
                "comments": self._comments(body or {}, invoice_id),
            }
        )
        for line, qty in chosen:
            line["qty_invoiced"] += qty
        if body is not None:
            order["total_paid"] = round(order["total_paid"] + grand, 2)
            if order["state"] == "new":
                order["state"] = order["status"] = "processing"
            self._maybe_complete(order)
        return invoice_id

    # ------------------------------------------------------------------ shipments

    def _sample_shipment(self, order: JSON) -> None:
        chosen = [
            (line, float(line["qty_shipped"])) for line in _top_lines(order) if line["qty_shipped"]
        ]
        shipment_id = len(self.shipments) + 1
        carrier, title = _CARRIERS[shipment_id % 2]
        tracks = [
            {"carrier_code": carrier, "title": title, "track_number": f"1Z999AA1{shipment_id:08d}"}
        ]
        self._add_shipment(order, chosen, tracks, {}, order["created_at"][:10] + " 19:00:00")

    def create_shipment(self, order_id: int, body: Mapping[str, Any]) -> int:
        order = self.order(order_id)
        if order["state"] in {"canceled", "holded", "closed"}:
            raise MagentoRefusal(400, "The order does not allow a shipment to be created.")

        def left(line: JSON) -> float:
            if line.get("is_virtual"):
                return 0.0
            return float(line["qty_ordered"] - line["qty_shipped"] - line["qty_canceled"])

        chosen = self._chosen(order, body, left)
        if not chosen:
            raise MagentoRefusal(
                400,
                "Shipment Document Validation Error(s):\n"
                "You can't create a shipment without products.",
            )
        for line, qty in chosen:
            line["qty_shipped"] += qty
        shipment_id = self._add_shipment(order, chosen, list(body.get("tracks") or []), body, NOW)
        self._maybe_complete(order)
        return shipment_id

    def _add_shipment(
        self,
        order: JSON,
        chosen: list[tuple[JSON, float]],
        tracks: list[Any],
        body: Mapping[str, Any],
        at: str,
    ) -> int:
        shipment_id = max((s["entity_id"] for s in self.shipments), default=0) + 1
        source = ((body.get("arguments") or {}).get("extension_attributes") or {}).get(
            "source_code"
        )
        self.shipments.append(
            {
                "entity_id": shipment_id,
                "increment_id": f"{shipment_id:09d}",
                "order_id": order["entity_id"],
                "created_at": at,
                "updated_at": at,
                "total_qty": sum(qty for _, qty in chosen),
                "store_id": 1,
                "items": self._doc_items(chosen),
                "tracks": [],
                "comments": self._comments(body, shipment_id),
                "packages": [],
                "extension_attributes": {"source_code": source or "default"},
            }
        )
        for track in tracks:
            self._track(self.shipments[-1], track, at)
        return shipment_id

    def _track(self, shipment: JSON, track: Mapping[str, Any], at: str) -> JSON:
        entity_id = sum(len(s["tracks"]) for s in self.shipments) + 1
        row = {
            "entity_id": entity_id,
            "parent_id": shipment["entity_id"],
            "order_id": shipment["order_id"],
            "created_at": at,
            "updated_at": at,
            "weight": track.get("weight", 0),
            "qty": track.get("qty", 0),
            "description": track.get("description", ""),
            "track_number": str(track.get("track_number", "")),
            "title": str(track.get("title", "")),
            "carrier_code": str(track.get("carrier_code", "")),
        }
        shipment["tracks"].append(row)
        return row

    def add_track(self, body: Any) -> JSON:
        entity = body.get("entity") if isinstance(body, Mapping) else None
        if not isinstance(entity, Mapping):
            raise MagentoRefusal(
                400, '"%fieldName" is required. Enter and try again.', {"fieldName": "entity"}
            )
        shipment = self.shipment(int(entity.get("parent_id") or 0))
        if shipment["order_id"] != entity.get("order_id"):
            raise MagentoRefusal(400, "The shipment doesn't belong to the order.")
        return self._track(shipment, entity, NOW)

    # ------------------------------------------------------------------ refunds

    def refund_order(self, order_id: int, body: Mapping[str, Any]) -> int:
        order = self.order(order_id)
        return self._refund(order, None, body)

    def refund_invoice(self, invoice_id: int, body: Mapping[str, Any]) -> int:
        invoice = self.invoice(invoice_id)
        order = self.order(invoice["order_id"])
        if body.get("isOnline") and order["payment"]["method"] == "checkmo":
            raise MagentoRefusal(
                400, "The invoice was paid offline; it cannot be refunded through the gateway."
            )
        return self._refund(order, invoice_id, body)

    def _refund(self, order: JSON, invoice_id: int | None, body: Mapping[str, Any]) -> int:
        if order["state"] in {"canceled", "holded", "closed", "new"}:
            raise MagentoRefusal(400, "The order does not allow a creditmemo to be created.")

        def left(line: JSON) -> float:
            return float(line["qty_invoiced"] - line["qty_refunded"])

        chosen = self._chosen(order, body, left)
        arguments = body.get("arguments") or {}
        refunded_shipping = sum(
            m["shipping_amount"] for m in self.credit_memos if m["order_id"] == order["entity_id"]
        )
        shipping = float(
            arguments.get("shipping_amount", order["shipping_amount"] - refunded_shipping)
        )
        plus = float(arguments.get("adjustment_positive", 0))
        minus = float(arguments.get("adjustment_negative", 0))
        items = self._doc_items(chosen)
        subtotal = sum(i["row_total"] for i in items)
        grand = round(subtotal + shipping + plus - minus, 2)
        if grand <= 0:
            raise MagentoRefusal(400, "The credit memo's total must be positive.")
        memo_id = max((m["entity_id"] for m in self.credit_memos), default=0) + 1
        self.credit_memos.append(
            {
                "entity_id": memo_id,
                "increment_id": f"{memo_id:09d}",
                "order_id": order["entity_id"],
                "invoice_id": invoice_id,
                "created_at": NOW,
                "state": 2,
                "order_currency_code": order["order_currency_code"],
                "subtotal": subtotal,
                "shipping_amount": shipping,
                "adjustment": plus - minus,
                "adjustment_positive": plus,
                "adjustment_negative": minus,
                "grand_total": grand,
                "items": items,
                "comments": self._comments(body, memo_id),
            }
        )
        for line, qty in chosen:
            line["qty_refunded"] += qty
        order["total_refunded"] = round((order.get("total_refunded") or 0) + grand, 2)
        back = set((arguments.get("extension_attributes") or {}).get("return_to_stock_items") or [])
        for line, qty in chosen:
            if line["item_id"] in back:
                self._store.restock(line["sku"], qty)
        if all(left(line) <= 0 for line in _top_lines(order)):
            order["state"] = order["status"] = "closed"
        return memo_id

    # ------------------------------------------------------------------ order actions

    def _maybe_complete(self, order: JSON) -> None:
        lines = _top_lines(order)
        invoiced = all(ln["qty_invoiced"] + ln["qty_canceled"] >= ln["qty_ordered"] for ln in lines)
        shipped = all(
            ln.get("is_virtual") or ln["qty_shipped"] + ln["qty_canceled"] >= ln["qty_ordered"]
            for ln in lines
        )
        if invoiced and shipped and order["state"] in {"new", "processing"}:
            order["state"] = order["status"] = "complete"

    def add_comment(self, order_id: int, body: Any) -> bool:
        order = self.order(order_id)
        history = body.get("statusHistory") if isinstance(body, Mapping) else None
        if not isinstance(history, Mapping) or not history.get("comment"):
            raise MagentoRefusal(
                400,
                '"%fieldName" is required. Enter and try again.',
                {"fieldName": "statusHistory"},
            )
        entry = _history(
            order, str(history["comment"]), bool(history.get("is_customer_notified")), NOW
        )
        entry["is_visible_on_front"] = int(history.get("is_visible_on_front") or 0)
        return True

    def hold(self, order_id: int) -> bool:
        order = self.order(order_id)
        if order["state"] not in {"new", "processing"}:
            raise MagentoRefusal(400, "A hold action is not available.")
        order["hold_before_state"], order["hold_before_status"] = order["state"], order["status"]
        order["state"] = order["status"] = "holded"
        return True

    def unhold(self, order_id: int) -> bool:
        order = self.order(order_id)
        if order["state"] != "holded":
            raise MagentoRefusal(400, "You cannot remove the hold.")
        order["state"] = order.pop("hold_before_state")
        order["status"] = order.pop("hold_before_status")
        return True

    def cancel(self, order_id: int) -> bool:
        order = self.order(order_id)
        lines = _top_lines(order)
        open_qty = [ln["qty_ordered"] - ln["qty_invoiced"] - ln["qty_canceled"] for ln in lines]
        if order["state"] not in {"new", "processing"} or not any(q > 0 for q in open_qty):
            return False
        for line, qty in zip(lines, open_qty, strict=True):
            line["qty_canceled"] += qty
        order["state"] = order["status"] = "canceled"
        return True
