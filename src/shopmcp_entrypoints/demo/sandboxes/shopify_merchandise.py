"""The Shopify sandbox's discounts, collections, draft orders, abandoned checkouts, metafields
and customer tags. Creating a discount or a draft, changing a collection's hand-picked
products and tagging a customer change the state; reads see the changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from shopmcp_entrypoints.demo.sandboxes.shopify_extras import discount
from shopmcp_entrypoints.demo.sandboxes.shopify_state import (
    SandboxState,
    contains,
    numeric,
    page,
    terms,
    user_error,
)
from shopmcp_entrypoints.demo.sandboxes.shopify_values import money


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class MerchandiseResolvers(SandboxState):
    # ----- discounts

    def _discount_matches(self, node: Mapping[str, Any], query: str | None) -> bool:
        body = node["discount"]
        codes = [c["code"].lower() for c in body.get("codes", {}).get("nodes", [])]
        for field, _, value in terms(query):
            if field is None:
                ok = contains(body["title"], value) or any(value.lower() in c for c in codes)
            elif field == "status":
                ok = body["status"].lower() in value.split(",")
            elif field == "method":
                method = "code" if body["__typename"].startswith("DiscountCode") else "automatic"
                ok = method in value.split(",")
            elif field == "code":
                ok = value.lower() in codes
            else:
                ok = False
            if not ok:
                return False
        return True

    def list_discounts(self, v: Mapping[str, Any]) -> dict[str, Any]:
        matched = [n for n in self.data["discounts"] if self._discount_matches(n, v.get("query"))]
        chunk, info = page(list(reversed(matched)), v["first"], v.get("after"))
        return {"discountNodes": {"pageInfo": info, "nodes": chunk}}

    def get_discount(self, v: Mapping[str, Any]) -> dict[str, Any]:
        return {"discountNode": self._find("discounts", v["id"])}

    def create_discount_code(self, v: Mapping[str, Any]) -> dict[str, Any]:
        spec = v["basicCodeDiscount"]
        taken = {
            c["code"].lower()
            for node in self.data["discounts"]
            for c in node["discount"].get("codes", {}).get("nodes", [])
        }
        if spec["code"].lower() in taken:
            return user_error(
                "discountCodeBasicCreate",
                ["basicCodeDiscount", "code"],
                "Code must be unique. Please try a different code.",
                "TAKEN",
            )
        starts = _moment(spec["startsAt"])
        ends = _moment(spec["endsAt"]) if spec.get("endsAt") else None
        now = dt.datetime.now(dt.UTC)
        status = "SCHEDULED" if starts > now else "EXPIRED" if ends and ends <= now else "ACTIVE"
        value = spec["customerGets"]["value"]
        minimum = (spec.get("minimumRequirement") or {}).get("subtotal") or {}
        node = discount(
            self._new_id("DiscountCodeNode", 1210000000001),
            "DiscountCodeBasic",
            spec["title"],
            status,
            starts=starts,
            ends=ends,
            code=spec["code"],
            percentage=value.get("percentage"),
            amount=float(value["discountAmount"]["amount"]) if "discountAmount" in value else None,
            minimum=float(minimum["greaterThanOrEqualToSubtotal"]) if minimum else None,
            usage_limit=spec.get("usageLimit"),
            once_per_customer=bool(spec.get("appliesOncePerCustomer")),
        )
        self.data["discounts"].append(node)
        created = {"id": node["id"], "codeDiscount": node["discount"]}
        return {"discountCodeBasicCreate": {"codeDiscountNode": created, "userErrors": []}}

    # ----- collections

    def _members(self, collection: Mapping[str, Any]) -> list[dict[str, Any]]:
        picked = {p for source in collection["sources"] for p in source["selections"]}
        tags = {source["tag"] for source in collection["sources"] if source["tag"]}
        return [p for p in self.data["products"] if p["id"] in picked or tags & set(p["tags"])]

    def _collection_node(self, collection: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **{k: collection[k] for k in ("id", "title", "handle", "updatedAt", "sortOrder")},
            "productsCount": {"count": len(self._members(collection))},
            "sources": [
                {k: source[k] for k in ("__typename", "id", "title")}
                for source in collection["sources"]
            ],
        }

    def list_collections(self, v: Mapping[str, Any]) -> dict[str, Any]:
        def matches(collection: Mapping[str, Any]) -> bool:
            smart = any(source["tag"] for source in collection["sources"])
            for field, _, value in terms(v.get("query")):
                if field == "title":
                    ok = contains(collection["title"], value)
                elif field == "collection_type":
                    ok = value == ("smart" if smart else "custom")
                elif field == "product_id":
                    ok = any(numeric(p["id"]) == value for p in self._members(collection))
                else:
                    ok = False
                if not ok:
                    return False
            return True

        matched = sorted(
            (c for c in self.data["collections"] if matches(c)), key=lambda c: c["title"]
        )
        chunk, info = page(matched, v["first"], v.get("after"))
        nodes = [self._collection_node(c) for c in chunk]
        return {"collections": {"pageInfo": info, "nodes": nodes}}

    def get_collection(self, v: Mapping[str, Any]) -> dict[str, Any]:
        collection = self._find("collections", v["id"])
        if collection is None:
            return {"collection": None}
        chunk, info = page(self._members(collection), v["first"], v.get("after"))
        products = [
            {
                **{k: p[k] for k in ("id", "title", "status")},
                "totalInventory": self._total_inventory(p),
            }
            for p in chunk
        ]
        node = {
            **self._collection_node(collection),
            "products": {"pageInfo": info, "nodes": products},
        }
        return {"collection": node}

    def update_collection(self, v: Mapping[str, Any]) -> dict[str, Any]:
        spec = v["collection"]
        collection = self._find("collections", spec.get("id"))
        if collection is None:
            return user_error("collectionUpdate", ["collection", "id"], "Collection does not exist")
        for index, change in enumerate(spec.get("sourcesToUpdate") or []):
            where = ["collection", "sourcesToUpdate", str(index), "condition"]
            condition = change.get("condition") or {}
            source = next(
                (s for s in collection["sources"] if s["id"] == condition.get("id")), None
            )
            if source is None:
                return user_error("collectionUpdate", [*where, "id"], "Source does not exist")
            inclusion = condition.get("inclusion") or {}
            known = {p["id"] for p in self.data["products"]}
            for key in ("selectionsToAdd", "selectionsToRemove"):
                for selection in inclusion.get(key) or []:
                    if selection["productId"] not in known:
                        return user_error(
                            "collectionUpdate", [*where, "inclusion", key], "Product does not exist"
                        )
            for selection in inclusion.get("selectionsToAdd") or []:
                if selection["productId"] not in source["selections"]:
                    source["selections"].append(selection["productId"])
            removed = {s["productId"] for s in inclusion.get("selectionsToRemove") or []}
            source["selections"] = [p for p in source["selections"] if p not in removed]
        collection["updatedAt"] = self._now()
        node = self._collection_node(collection)
        result = {k: node[k] for k in ("id", "title", "productsCount")}
        return {"collectionUpdate": {"collection": result, "job": None, "userErrors": []}}

    # ----- draft orders

    def _draft_node(self, draft: Mapping[str, Any]) -> dict[str, Any]:
        lines = []
        for n, (variant, quantity) in enumerate(draft["lines"]):
            price = float(variant["price"])
            lines.append(
                {
                    "id": f"gid://shopify/DraftOrderLineItem/{numeric(draft['id'])}{n:02d}",
                    "title": self._product_title(variant),
                    "sku": variant["sku"],
                    "quantity": quantity,
                    "variant": {"id": variant["id"]},
                    "originalUnitPriceSet": money(price),
                    "discountedTotalSet": money(price * quantity),
                }
            )
        subtotal = sum(float(line["discountedTotalSet"]["shopMoney"]["amount"]) for line in lines)
        order = self._find("orders", draft["orderId"]) if draft["orderId"] else None
        return {
            **{
                k: draft[k]
                for k in (
                    "id",
                    "name",
                    "status",
                    "createdAt",
                    "updatedAt",
                    "completedAt",
                    "note2",
                    "tags",
                )
            },
            "totalQuantityOfLineItems": sum(quantity for _, quantity in draft["lines"]),
            "customer": self._customer_ref(draft["customerIndex"]),
            "order": {"id": order["id"], "name": order["name"]} if order else None,
            "subtotalPriceSet": money(subtotal),
            "totalTaxSet": money(subtotal / 11),
            "totalShippingPriceSet": money(0),
            "totalPriceSet": money(subtotal),
            "lineItems": {"nodes": lines},
        }

    def list_draft_orders(self, v: Mapping[str, Any]) -> dict[str, Any]:
        def matches(draft: Mapping[str, Any]) -> bool:
            customer = self._customer_ref(draft["customerIndex"])
            for field, _, value in terms(v.get("query")):
                if field == "status":
                    ok = draft["status"].lower() == value
                elif field == "customer_id":
                    ok = customer is not None and numeric(customer["id"]) == value
                else:
                    ok = False
                if not ok:
                    return False
            return True

        matched = sorted(
            (d for d in self.data["draftOrders"] if matches(d)),
            key=lambda d: d["updatedAt"],
            reverse=True,
        )
        chunk, info = page(matched, v["first"], v.get("after"))
        return {"draftOrders": {"pageInfo": info, "nodes": [self._draft_node(d) for d in chunk]}}

    def get_draft_order(self, v: Mapping[str, Any]) -> dict[str, Any]:
        draft = self._find("draftOrders", v["id"])
        return {"draftOrder": self._draft_node(draft) if draft else None}

    def create_draft_order(self, v: Mapping[str, Any]) -> dict[str, Any]:
        spec = v["input"]
        lines = []
        for index, line in enumerate(spec.get("lineItems") or []):
            found = self._variant(line.get("variantId"))
            if found is None:
                return user_error(
                    "draftOrderCreate",
                    ["lineItems", str(index), "variantId"],
                    "Product variant does not exist",
                )
            lines.append((found[1], line["quantity"]))
        customer_id = (spec.get("purchasingEntity") or {}).get("customerId")
        ids = [c["id"] for c in self.data["customers"]]
        if customer_id is not None and customer_id not in ids:
            return user_error(
                "draftOrderCreate", ["purchasingEntity", "customerId"], "Customer does not exist"
            )
        number = len(self.data["draftOrders"]) + 1
        draft = {
            "id": self._new_id("DraftOrder", 1110000000001),
            "name": f"#D{number}",
            "status": "OPEN",
            "createdAt": self._now(),
            "updatedAt": self._now(),
            "completedAt": None,
            "note2": spec.get("note"),
            "tags": list(spec.get("tags") or []),
            "customerIndex": ids.index(customer_id) if customer_id else None,
            "orderId": None,
            "lines": lines,
        }
        self.data["draftOrders"].append(draft)
        return {"draftOrderCreate": {"draftOrder": self._draft_node(draft), "userErrors": []}}

    # ----- abandoned checkouts

    def list_abandoned_checkouts(self, v: Mapping[str, Any]) -> dict[str, Any]:
        def matches(checkout: Mapping[str, Any]) -> bool:
            recovered = checkout["completedAt"] is not None
            for field, op, value in terms(v.get("query")):
                if field == "status":
                    ok = value == ("closed" if recovered else "open")
                elif field == "recovery_state":
                    ok = value == ("recovered" if recovered else "not_recovered")
                elif field == "created_at":
                    created = checkout["createdAt"]
                    ok = created >= value if op == ">=" else created < value
                else:
                    ok = False
                if not ok:
                    return False
            return True

        matched = sorted(
            (c for c in self.data["checkouts"] if matches(c)),
            key=lambda c: c["createdAt"],
            reverse=True,
        )
        chunk, info = page(matched, v["first"], v.get("after"))
        nodes = []
        for checkout in chunk:
            lines = [
                {
                    "title": self._product_title(variant),
                    "sku": variant["sku"],
                    "quantity": quantity,
                    "variant": {"id": variant["id"]},
                }
                for variant, quantity in checkout["lines"]
            ]
            total = sum(
                float(variant["price"]) * quantity for variant, quantity in checkout["lines"]
            )
            nodes.append(
                {
                    **{
                        k: checkout[k]
                        for k in ("id", "name", "createdAt", "updatedAt", "completedAt")
                    },
                    "totalPriceSet": money(total),
                    "customer": self._customer_ref(checkout["customerIndex"]),
                    "lineItems": {"nodes": lines[:5]},
                }
            )
        return {"abandonedCheckouts": {"pageInfo": info, "nodes": nodes}}

    # ----- metafields

    def _metafields(self, kind: str, field: str, name: str, v: Mapping[str, Any]) -> dict[str, Any]:
        owner = self._find(kind, v["id"])
        if owner is None:
            return {field: None}
        fields = [
            m
            for m in self.data["metafields"].get(owner["id"], [])
            if v.get("namespace") is None or m["namespace"] == v["namespace"]
        ]
        chunk, info = page(fields, v["first"], v.get("after"))
        return {
            field: {
                "id": owner["id"],
                name: owner[name],
                "metafields": {"pageInfo": info, "nodes": chunk},
            }
        }

    def product_metafields(self, v: Mapping[str, Any]) -> dict[str, Any]:
        return self._metafields("products", "product", "title", v)

    def order_metafields(self, v: Mapping[str, Any]) -> dict[str, Any]:
        return self._metafields("orders", "order", "name", v)

    def customer_metafields(self, v: Mapping[str, Any]) -> dict[str, Any]:
        return self._metafields("customers", "customer", "displayName", v)

    # ----- customer tags

    def _tag(self, mutation: str, v: Mapping[str, Any], add: bool) -> dict[str, Any]:
        customer = self._find("customers", v["id"])
        if customer is None:
            return user_error(mutation, ["id"], "Resource not found")
        tags = [t.strip() for t in v["tags"]]
        if add:
            customer["tags"] = list(dict.fromkeys([*customer["tags"], *tags]))
        else:
            customer["tags"] = [t for t in customer["tags"] if t not in tags]
        node = {
            "__typename": "Customer",
            "id": customer["id"],
            "displayName": customer["displayName"],
            "tags": customer["tags"],
        }
        return {mutation: {"node": node, "userErrors": []}}

    def add_customer_tags(self, v: Mapping[str, Any]) -> dict[str, Any]:
        return self._tag("tagsAdd", v, add=True)

    def remove_customer_tags(self, v: Mapping[str, Any]) -> dict[str, Any]:
        return self._tag("tagsRemove", v, add=False)
