"""What the Shopify sandbox's resolvers share: the store's state and lookups, Shopify's search
syntax (``field:value``, ``field:>=value``, quoted values, bare words) for the fields the
module filters on, cursor paging (opaque base64 cursors) and mutation user errors.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from shopmcp_entrypoints.demo.sandboxes.shopify_data import sample_data
from shopmcp_entrypoints.demo.sandboxes.shopify_values import iso

# --------------------------------------------------------------------------- search syntax

_TERM_RE = re.compile(
    r"""(?:(?P<field>[a-z_]+):)?(?P<op>>=|<=|<|>)?(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|\S+)"""
)


def terms(query: str | None) -> list[tuple[str | None, str, str]]:
    out = []
    for match in _TERM_RE.finditer(query or ""):
        value = match.group("value")
        if value[:1] in "\"'" and value[-1:] == value[:1]:
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        out.append((match.group("field"), match.group("op") or "", value))
    return out


def numeric(gid: str) -> str:
    return gid.rsplit("/", 1)[-1]


def contains(haystack: Any, needle: str) -> bool:
    return needle.lower() in str(haystack or "").lower()


def page(items: list[Any], first: int, after: str | None) -> tuple[list[Any], dict[str, Any]]:
    start = 0
    if after:
        try:
            start = int(base64.b64decode(after).decode().split(":", 1)[1])
        except (ValueError, IndexError, UnicodeDecodeError):
            start = len(items)
    end = start + max(0, min(first, 250))
    chunk = items[start:end]
    cursor = base64.b64encode(f"idx:{end}".encode()).decode() if chunk else None
    return chunk, {"hasNextPage": end < len(items), "endCursor": cursor}


# What each mutation returns besides its user errors (null when it refuses), and under which
# name it lists the errors.
_RESULT = {
    "productUpdate": ("product",),
    "inventorySetQuantities": ("inventoryAdjustmentGroup",),
    "orderUpdate": ("order",),
    "orderCancel": ("job",),
    "fulfillmentCreate": ("fulfillment",),
    "refundCreate": ("refund",),
    "discountCodeBasicCreate": ("codeDiscountNode",),
    "collectionUpdate": ("collection", "job"),
    "draftOrderCreate": ("draftOrder",),
    "tagsAdd": ("node",),
    "tagsRemove": ("node",),
}
_ERRORS = {"orderCancel": "orderCancelUserErrors"}
# The mutations whose documents select an error code.
_CODED = {"inventorySetQuantities", "orderCancel", "discountCodeBasicCreate"}


def user_error(
    field: str, path: list[str], message: str, code: str | None = None
) -> dict[str, Any]:
    """The answer of a mutation that refuses, in the shape its document selects."""
    error: dict[str, Any] = {"field": path, "message": message}
    if field in _CODED:
        error["code"] = code
    return {
        field: {
            **dict.fromkeys(_RESULT[field]),
            _ERRORS.get(field, "userErrors"): [error],
        }
    }


class SandboxState:
    """The sandbox store's data and the lookups every resolver uses."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self.data = copy.deepcopy(dict(data)) if data is not None else sample_data()

    def _find(self, kind: str, gid: Any) -> dict[str, Any] | None:
        return next((x for x in self.data[kind] if x["id"] == gid), None)

    def _customer_of(self, order: Mapping[str, Any]) -> dict[str, Any]:
        customer: dict[str, Any] = self.data["customers"][order["customerIndex"]]
        return customer

    def _orders_of(self, customer: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [o for o in self.data["orders"] if self._customer_of(o)["id"] == customer["id"]]

    def _level(self, item: str, location: Mapping[str, Any]) -> dict[str, Any]:
        quantities = self.data["levels"][(item, location["id"])]
        return {
            "location": {"id": location["id"], "name": location["name"]},
            "quantities": [
                {"name": name, "quantity": quantities[name]}
                for name in ("available", "on_hand", "committed", "incoming")
            ],
        }

    def _total_inventory(self, product: Mapping[str, Any]) -> int:
        return sum(
            self.data["levels"][(v["inventoryItem"]["id"], loc["id"])]["available"]
            for v in product["variants"]
            for loc in self._stocked_locations()
        )

    def _variant_quantity(self, variant: Mapping[str, Any]) -> int:
        return sum(
            self.data["levels"][(variant["inventoryItem"]["id"], loc["id"])]["available"]
            for loc in self._stocked_locations()
        )

    def _order_matches(self, order: Mapping[str, Any], query: str | None) -> bool:
        for field, op, value in terms(query):
            if field == "status":
                closed, cancelled = order["closed"], order["cancelledAt"] is not None
                ok = {
                    "open": not closed and not cancelled,
                    "closed": closed,
                    "cancelled": cancelled,
                    "not_closed": not closed,
                }.get(value, False)
            elif field == "financial_status":
                ok = order["displayFinancialStatus"].lower() == value
            elif field == "fulfillment_status":
                status = order["displayFulfillmentStatus"]
                ok = {
                    "fulfilled": status == "FULFILLED",
                    "shipped": status == "FULFILLED",
                    "unfulfilled": status == "UNFULFILLED",
                    "unshipped": status == "UNFULFILLED",
                    "partial": status == "PARTIALLY_FULFILLED",
                }.get(value, False)
            elif field == "created_at":
                ok = (order["createdAt"] >= value) if op == ">=" else (order["createdAt"] < value)
            elif field == "customer_id":
                ok = numeric(self._customer_of(order)["id"]) == value
            else:
                ok = False
            if not ok:
                return False
        return True

    def _now(self) -> str:
        return iso(dt.datetime.now(dt.UTC))

    def _new_id(self, kind: str, first: int) -> str:
        """A fresh id of ``kind``: ``first``, then counting up (deterministic per store)."""
        counters: dict[str, int] = self.data.setdefault("counters", {})
        number = counters.get(kind, first)
        counters[kind] = number + 1
        return f"gid://shopify/{kind}/{number}"

    def _stocked_locations(self) -> list[dict[str, Any]]:
        """The active locations, which are the ones holding stock."""
        return [loc for loc in self.data["locations"] if loc["isActive"]]

    def _customer_ref(self, index: int | None) -> dict[str, Any] | None:
        if index is None:
            return None
        customer = self.data["customers"][index]
        return {"id": customer["id"], "displayName": customer["displayName"]}

    def _variant(self, variant_id: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The product and variant of a variant id."""
        for product in self.data["products"]:
            for variant in product["variants"]:
                if variant["id"] == variant_id:
                    return product, variant
        return None

    def _product_title(self, variant: Mapping[str, Any]) -> str:
        found = self._variant(variant["id"])
        return str(found[0]["title"]) if found else str(variant["title"])

    def _variant_of_line(self, line: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self._variant((line.get("variant") or {}).get("id"))
        return found[1] if found else None

    def _restock(self, variant: Mapping[str, Any], location_id: str, quantity: int) -> None:
        """Put ``quantity`` of a variant back on sale at a location."""
        level = self.data["levels"].get((variant["inventoryItem"]["id"], location_id))
        if level is not None:
            level["available"] += quantity
            level["on_hand"] += quantity
