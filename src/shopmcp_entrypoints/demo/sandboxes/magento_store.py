"""The Magento sandbox's store: its in-memory state, ``searchCriteria`` as Magento reads it, and
the one write (``PUT /V1/products/{sku}``).

- ``searchCriteria`` filters (groups AND'ed, filters in a group OR'ed; eq, neq, like, gt, gteq,
  lt, lteq, in), sort orders, ``pageSize`` and ``currentPage`` are honoured; snake_case and
  camelCase keys are both read, as Magento does.
- The write applies name, price, status, visibility, weight, custom attributes and
  ``extension_attributes.stock_item`` (qty, is_in_stock; mirrored to the default source). A body
  SKU different from the path is refused (the sandbox does not rename).
- A refusal is a ``MagentoRefusal``: Magento's ``{message, parameters}`` error and its status.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from shopmcp_entrypoints.demo.sandboxes.magento_data import JSON, sample_data

NO_ROUTE = "Request does not match any route."
NO_ENTITY = "The entity that was requested doesn't exist. Verify the entity and try again."
NO_PRODUCT = "The product that was requested doesn't exist. Verify the product and try again."
_CRITERIA_RE = re.compile(
    r"^searchCriteria\[(filter_groups|filterGroups)\]\[(\d+)\]\[filters\]\[(\d+)\]"
    r"\[(field|value|condition_type|conditionType)\]$"
)
_SORT_RE = re.compile(r"^searchCriteria\[(sortOrders|sort_orders)\]\[(\d+)\]\[(field|direction)\]$")


class MagentoRefusal(Exception):
    """An error answer in Magento's shape: ``message`` with ``%name`` or ``%1`` placeholders
    filled from ``parameters``."""

    def __init__(self, status: int, message: str, parameters: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameters = parameters

    def body(self) -> JSON:
        content: JSON = {"message": self.message}
        if self.parameters is not None:
            content["parameters"] = self.parameters
        return content


def _like(pattern: str) -> re.Pattern[str]:
    parts = [".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern]
    return re.compile("^" + "".join(parts) + "$", re.IGNORECASE | re.DOTALL)


def _compare(actual: Any, value: str) -> int:
    try:
        a, b = float(actual), float(value)
    except (TypeError, ValueError):
        a_text, b_text = str(actual), value
        return (a_text > b_text) - (a_text < b_text)
    return (a > b) - (a < b)


def _matches(item: Mapping[str, Any], field: str, value: str, condition: str) -> bool:
    actual = item.get(field)
    if condition == "like":
        return actual is not None and bool(_like(value).match(str(actual)))
    if condition == "in":
        return str(actual) in value.split(",")
    if actual is None:
        return condition == "neq"
    if condition == "eq":
        return _compare(actual, value) == 0
    if condition == "neq":
        return _compare(actual, value) != 0
    order = _compare(actual, value)
    return {"gt": order > 0, "gteq": order >= 0, "lt": order < 0, "lteq": order <= 0}.get(
        condition, False
    )


def _sort_key(field: str) -> Callable[[JSON], tuple[bool, Any]]:
    def key(item: JSON) -> tuple[bool, Any]:
        value = item.get(field)
        return (value is None, value if value is not None else 0)

    return key


def search(items: list[JSON], query_string: bytes) -> JSON:
    groups: dict[int, dict[int, dict[str, str]]] = {}
    sorts: dict[int, dict[str, str]] = {}
    page_size: int | None = None
    current_page = 1
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if match := _CRITERIA_RE.match(key):
            part = "condition_type" if match[4] == "conditionType" else match[4]
            groups.setdefault(int(match[2]), {}).setdefault(int(match[3]), {})[part] = value
        elif match := _SORT_RE.match(key):
            sorts.setdefault(int(match[2]), {})[match[3]] = value
        elif key in ("searchCriteria[pageSize]", "searchCriteria[page_size]"):
            page_size = int(value)
        elif key in ("searchCriteria[currentPage]", "searchCriteria[current_page]"):
            current_page = max(int(value), 1)
    found = [
        item
        for item in items
        if all(
            any(
                _matches(
                    item, f.get("field", ""), f.get("value", ""), f.get("condition_type", "eq")
                )
                for f in group.values()
            )
            for group in groups.values()
        )
    ]
    for s in reversed([sorts[k] for k in sorted(sorts)]):
        field = s.get("field", "")
        found.sort(key=_sort_key(field), reverse=s.get("direction", "ASC").upper() == "DESC")
    total = len(found)
    if page_size:
        found = found[(current_page - 1) * page_size : current_page * page_size]
    criteria: JSON = {
        "filter_groups": [
            {"filters": [groups[g][f] for f in sorted(groups[g])]} for g in sorted(groups)
        ],
        "current_page": current_page,
    }
    if page_size:
        criteria["page_size"] = page_size
    if sorts:
        criteria["sort_orders"] = [sorts[k] for k in sorted(sorts)]
    return {"items": found, "search_criteria": criteria, "total_count": total}


class SandboxStore:
    """One store's state, built from fresh sample data."""

    def __init__(self) -> None:
        data = sample_data()
        self.store_configs = data["store_configs"]
        self.products = data["products"]
        self.source_items = data["source_items"]
        self.customers = data["customers"]
        self.orders = data["orders"]
        self.credit_memos = data["credit_memos"]

    def product(self, sku: str) -> JSON:
        found = next((p for p in self.products if p["sku"] == sku), None)
        if found is None:
            raise MagentoRefusal(404, NO_PRODUCT)
        return found

    def order(self, order_id: int) -> JSON:
        found = next((o for o in self.orders if o["entity_id"] == order_id), None)
        if found is None:
            raise MagentoRefusal(404, NO_ENTITY)
        return found

    def customer(self, customer_id: int) -> JSON:
        found = next((c for c in self.customers if c["id"] == customer_id), None)
        if found is None:
            raise MagentoRefusal(
                404,
                "No such entity with %fieldName = %fieldValue",
                {"fieldName": "customerId", "fieldValue": customer_id},
            )
        return found

    def children(self, sku: str) -> list[JSON]:
        links = self.product(sku)["extension_attributes"].get("configurable_product_links") or []
        return [p for p in self.products if p["id"] in links]

    def search_customers(self, query_string: bytes) -> JSON:
        # Magento filters customers on entity_id as well as id.
        rows = [{**c, "entity_id": c["id"]} for c in self.customers]
        result = search(rows, query_string)
        result["items"] = [
            {k: v for k, v in c.items() if k != "entity_id"} for c in result["items"]
        ]
        return result

    def update_product(self, sku: str, body: Any) -> JSON:
        product = self.product(sku)
        data = body.get("product") if isinstance(body, Mapping) else None
        if not isinstance(data, Mapping):
            raise MagentoRefusal(
                400, '"%fieldName" is required. Enter and try again.', {"fieldName": "product"}
            )
        if "sku" in data and data["sku"] != sku:
            raise MagentoRefusal(400, "The sandbox does not rename products (SKU %1).", [sku])
        for field in ("name", "price", "status", "visibility", "weight"):
            if field in data:
                product[field] = data[field]
        custom = {c["attribute_code"]: c for c in product["custom_attributes"]}
        for entry in data.get("custom_attributes") or []:
            code = entry["attribute_code"]
            if code in custom:
                custom[code]["value"] = entry["value"]
            else:
                product["custom_attributes"].append(dict(entry))
        stock_in = (data.get("extension_attributes") or {}).get("stock_item") or {}
        stock = product["extension_attributes"].get("stock_item")
        if stock_in and stock is not None:
            if "qty" in stock_in:
                stock["qty"] = stock_in["qty"]
            stock["is_in_stock"] = stock_in.get("is_in_stock", stock["qty"] > 0)
            for item in self.source_items:
                if item["sku"] == sku and item["source_code"] == "default":
                    item["quantity"] = stock["qty"]
                    item["status"] = 1 if stock["is_in_stock"] else 0
        product["updated_at"] = "2026-03-10 12:00:00"
        return product
