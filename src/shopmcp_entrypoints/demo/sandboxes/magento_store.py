"""The Magento sandbox's store: its in-memory state, ``searchCriteria`` as Magento reads it, the
catalogue, marketing and inventory writes, and (in ``magento_sales.py``) the sales documents.

- ``searchCriteria`` filters (groups AND'ed, filters in a group OR'ed; eq, neq, like, gt, gteq,
  lt, lteq, in), sort orders, ``pageSize`` and ``currentPage`` are honoured; snake_case and
  camelCase keys are both read, as Magento does.
- The product update applies name, price, status, visibility, weight, custom attributes and
  ``extension_attributes.stock_item`` (qty, is_in_stock; mirrored to the default source). A body
  SKU different from the path is refused (the sandbox does not rename).
- Saving source items upserts each (sku, source_code) row; a new cart price rule gets the next
  id; a coupon is refused for an unknown rule, a rule without coupons or with generated ones,
  a rule that has its code already, and a code that exists.
- A refusal is a ``MagentoRefusal``: Magento's ``{message, parameters}`` error and its status.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from shopmcp_entrypoints.demo.sandboxes import magento_content_data as content
from shopmcp_entrypoints.demo.sandboxes.magento_data import JSON, sample_data
from shopmcp_entrypoints.demo.sandboxes.magento_refusal import (
    NO_ENTITY,
    NO_PRODUCT,
    MagentoRefusal,
)
from shopmcp_entrypoints.demo.sandboxes.magento_sales import SalesBook

_CRITERIA_RE = re.compile(
    r"^searchCriteria\[(filter_groups|filterGroups)\]\[(\d+)\]\[filters\]\[(\d+)\]"
    r"\[(field|value|condition_type|conditionType)\]$"
)
_SORT_RE = re.compile(r"^searchCriteria\[(sortOrders|sort_orders)\]\[(\d+)\]\[(field|direction)\]$")


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
        self.customer_groups = content.customer_groups()
        self.categories = content.categories()
        self.category_links = content.category_links()
        self.sales_rules = content.sales_rules()
        self.coupons = content.coupons()
        self.cms_pages = content.cms_pages()
        self.cms_blocks = content.cms_blocks()
        self.sources = content.sources()
        self.sales = SalesBook(self.orders, self.credit_memos, self)

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

    def restock(self, sku: str, qty: float) -> None:
        """A refunded line returned to stock: back to the default source."""
        for item in self.source_items:
            if item["sku"] == sku and item["source_code"] == "default":
                item["quantity"] += qty
                item["status"] = 1 if item["quantity"] > 0 else 0

    # ------------------------------------------------------------------ catalogue

    def category(self, category_id: int) -> JSON:
        return _by(self.categories, "id", category_id)

    def category_tree(self, query_string: bytes) -> JSON:
        query = dict(parse_qsl(query_string.decode("latin-1")))
        root = self.category(int(query.get("rootCategoryId") or 1))
        depth = int(query.get("depth") or 99)

        def node(category: JSON, levels: int) -> JSON:
            children = [c for c in self.categories if c["parent_id"] == category["id"]]
            children.sort(key=lambda c: c["position"])
            return {
                "id": category["id"],
                "parent_id": category["parent_id"],
                "name": category["name"],
                "is_active": category["is_active"],
                "position": category["position"],
                "level": category["level"],
                "product_count": len(self.category_links.get(category["id"], [])),
                "children_data": [node(c, levels - 1) for c in children] if levels > 0 else [],
            }

        return node(root, depth)

    def category_products(self, category_id: int) -> list[JSON]:
        self.category(category_id)
        return self.category_links.get(category_id, [])

    # ------------------------------------------------------------------ inventory

    def source(self, source_code: str) -> JSON:
        return _by(self.sources, "source_code", source_code)

    def save_source_items(self, body: Any) -> list[JSON]:
        rows = body.get("sourceItems") if isinstance(body, Mapping) else None
        if not isinstance(rows, list) or not rows:
            raise MagentoRefusal(
                400, '"%fieldName" is required. Enter and try again.', {"fieldName": "sourceItems"}
            )
        for row in rows:
            self.product(str(row.get("sku")))
            self.source(str(row.get("source_code")))
        for row in rows:
            key = (row["sku"], row["source_code"])
            found = next(
                (i for i in self.source_items if (i["sku"], i["source_code"]) == key), None
            )
            if found is None:
                found = {"sku": row["sku"], "source_code": row["source_code"]}
                self.source_items.append(found)
            found["quantity"] = float(row.get("quantity", found.get("quantity", 0)))
            found["status"] = int(row.get("status", found.get("status", 0)))
        return []

    # ------------------------------------------------------------------ marketing

    def sales_rule(self, rule_id: int) -> JSON:
        return _by(self.sales_rules, "rule_id", rule_id)

    def create_sales_rule(self, body: Any) -> JSON:
        rule = body.get("rule") if isinstance(body, Mapping) else None
        if not isinstance(rule, Mapping) or not rule.get("name"):
            raise MagentoRefusal(
                400, '"%fieldName" is required. Enter and try again.', {"fieldName": "rule"}
            )
        created = {
            "store_labels": [],
            "condition": None,
            "action_condition": None,
            "product_ids": None,
            "simple_free_shipping": "0",
            "extension_attributes": {},
            **rule,
            "rule_id": max((r["rule_id"] for r in self.sales_rules), default=0) + 1,
        }
        self.sales_rules.append(created)
        return created

    def create_coupon(self, body: Any) -> JSON:
        coupon = body.get("coupon") if isinstance(body, Mapping) else None
        if not isinstance(coupon, Mapping) or not coupon.get("code"):
            raise MagentoRefusal(
                400, '"%fieldName" is required. Enter and try again.', {"fieldName": "coupon"}
            )
        rule = self.sales_rule(int(coupon.get("rule_id") or 0))
        if rule["coupon_type"] == "NO_COUPON":
            raise MagentoRefusal(400, "Specified rule does not allow coupons")
        if rule["use_auto_generation"]:
            raise MagentoRefusal(400, "Specified rule only allows auto generated coupons")
        if any(c["code"].lower() == str(coupon["code"]).lower() for c in self.coupons):
            raise MagentoRefusal(400, "Coupon with the same code already exists.")
        if any(c["rule_id"] == rule["rule_id"] and c["is_primary"] for c in self.coupons):
            raise MagentoRefusal(400, "The rule already has its coupon code.")
        created = {
            **coupon,
            "coupon_id": max((c["coupon_id"] for c in self.coupons), default=0) + 1,
            "created_at": "2026-03-10 12:00:00",
        }
        self.coupons.append(created)
        return created

    # ------------------------------------------------------------------ customers and content

    def customer_group(self, group_id: int) -> JSON:
        return _by(self.customer_groups, "id", group_id)

    def cms_page(self, page_id: int) -> JSON:
        return _by(self.cms_pages, "id", page_id)

    def cms_block(self, block_id: int) -> JSON:
        return _by(self.cms_blocks, "id", block_id)


def _by(rows: list[JSON], key: str, value: object) -> JSON:
    found = next((row for row in rows if row[key] == value), None)
    if found is None:
        raise MagentoRefusal(404, NO_ENTITY)
    return found
