"""The Shopify sandbox's store: in-memory state and one resolver per document the Shopify module
sends, answering in the Admin GraphQL API's shapes (only the fields those documents select, and a
few more that tests ignore). Every mutation changes the state; reads see the changes.

This module holds the shop, orders, products, stock and customers and assembles the resolvers;
the other resources' resolvers are in ``shopify_shipping``, ``shopify_money`` and
``shopify_merchandise``, over the state and search syntax in ``shopify_state``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_entrypoints.demo.sandboxes.shopify_merchandise import MerchandiseResolvers
from shopmcp_entrypoints.demo.sandboxes.shopify_money import MoneyResolvers
from shopmcp_entrypoints.demo.sandboxes.shopify_shipping import ShippingResolvers
from shopmcp_entrypoints.demo.sandboxes.shopify_state import (
    contains,
    numeric,
    page,
    terms,
    user_error,
)
from shopmcp_entrypoints.demo.sandboxes.shopify_values import CURRENCY

# --------------------------------------------------------------------------- the store


class SandboxShop(ShippingResolvers, MoneyResolvers, MerchandiseResolvers):
    """In-memory state plus one resolver per document."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        super().__init__(data)
        self.resolvers: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
            docs.GET_SHOP: self.get_shop,
            docs.LIST_ORDERS: self.list_orders,
            docs.GET_ORDER: self.get_order,
            docs.LIST_ORDER_REFUNDS: self.list_order_refunds,
            docs.LIST_PRODUCTS: self.list_products,
            docs.GET_PRODUCT: self.get_product,
            docs.GET_INVENTORY: self.get_inventory,
            docs.LIST_CUSTOMERS: self.list_customers,
            docs.GET_CUSTOMER: self.get_customer,
            docs.UPDATE_PRODUCT: self.update_product,
            docs.SET_INVENTORY: self.set_inventory,
            docs.UPDATE_ORDER: self.update_order,
            docs.LIST_LOCATIONS: self.list_locations,
            docs.GET_LOCATION: self.get_location,
            docs.LIST_FULFILLMENT_ORDERS: self.list_fulfillment_orders,
            docs.GET_FULFILLMENT_ORDER: self.get_fulfillment_order,
            docs.GET_FULFILLMENT: self.get_fulfillment,
            docs.CREATE_FULFILLMENT: self.create_fulfillment,
            docs.GET_REFUND: self.get_refund,
            docs.SUGGEST_REFUND: self.suggest_refund,
            docs.CREATE_REFUND: self.create_refund,
            docs.CANCEL_ORDER: self.cancel_order,
            docs.SALES_ORDERS: self.sales_orders,
            docs.LIST_DISCOUNTS: self.list_discounts,
            docs.GET_DISCOUNT: self.get_discount,
            docs.CREATE_DISCOUNT_CODE: self.create_discount_code,
            docs.LIST_COLLECTIONS: self.list_collections,
            docs.GET_COLLECTION: self.get_collection,
            docs.ADD_PRODUCTS_TO_COLLECTION: self.update_collection,
            docs.REMOVE_PRODUCTS_FROM_COLLECTION: self.update_collection,
            docs.LIST_DRAFT_ORDERS: self.list_draft_orders,
            docs.GET_DRAFT_ORDER: self.get_draft_order,
            docs.CREATE_DRAFT_ORDER: self.create_draft_order,
            docs.LIST_ABANDONED_CHECKOUTS: self.list_abandoned_checkouts,
            docs.GET_PRODUCT_METAFIELDS: self.product_metafields,
            docs.GET_ORDER_METAFIELDS: self.order_metafields,
            docs.GET_CUSTOMER_METAFIELDS: self.customer_metafields,
            docs.ADD_CUSTOMER_TAGS: self.add_customer_tags,
            docs.REMOVE_CUSTOMER_TAGS: self.remove_customer_tags,
        }

    # ----- reads

    def get_shop(self, _: Mapping[str, Any]) -> dict[str, Any]:
        return {"shop": self.data["shop"]}

    def _order_summary(self, order: Mapping[str, Any]) -> dict[str, Any]:
        customer = self._customer_of(order)
        return {
            "id": order["id"],
            "name": order["name"],
            "createdAt": order["createdAt"],
            "cancelledAt": order["cancelledAt"],
            "closed": order["closed"],
            "displayFinancialStatus": order["displayFinancialStatus"],
            "displayFulfillmentStatus": order["displayFulfillmentStatus"],
            "currentTotalPriceSet": order["currentTotalPriceSet"],
            "customer": {"id": customer["id"], "displayName": customer["displayName"]},
            "subtotalLineItemsQuantity": sum(li["quantity"] for li in order["lineItems"]),
        }

    def list_orders(self, v: Mapping[str, Any]) -> dict[str, Any]:
        matched = [o for o in self.data["orders"] if self._order_matches(o, v.get("query"))]
        matched.sort(key=lambda o: o["createdAt"], reverse=True)
        chunk, info = page(matched, v["first"], v.get("after"))
        return {"orders": {"pageInfo": info, "nodes": [self._order_summary(o) for o in chunk]}}

    def get_order(self, v: Mapping[str, Any]) -> dict[str, Any]:
        order = self._find("orders", v["id"])
        if order is None:
            return {"order": None}
        return {
            "order": {
                **self._order_summary(order),
                **{
                    k: order[k]
                    for k in (
                        "processedAt",
                        "cancelReason",
                        "note",
                        "tags",
                        "subtotalPriceSet",
                        "totalShippingPriceSet",
                        "totalTaxSet",
                        "totalRefundedSet",
                        "fulfillments",
                    )
                },
                "lineItems": {"nodes": order["lineItems"]},
                "refunds": [
                    {k: r[k] for k in ("id", "createdAt", "note", "totalRefundedSet")}
                    for r in order["refunds"]
                ],
            }
        }

    def list_order_refunds(self, v: Mapping[str, Any]) -> dict[str, Any]:
        order = self._find("orders", v["id"])
        if order is None:
            return {"order": None}
        return {
            "order": {
                "id": order["id"],
                "name": order["name"],
                "totalRefundedSet": order["totalRefundedSet"],
                "refunds": [
                    {**r, "refundLineItems": {"nodes": r["refundLineItems"]}}
                    for r in order["refunds"]
                ],
            }
        }

    def _product_matches(self, product: Mapping[str, Any], query: str | None) -> bool:
        for field, _, value in terms(query):
            if field is None:
                ok = any(
                    contains(product[k], value) for k in ("title", "vendor", "productType")
                ) or any(contains(t, value) for t in product["tags"])
            elif field == "status":
                ok = product["status"] in value.split(",")
            elif field == "vendor":
                ok = product["vendor"].lower() == value.lower()
            elif field == "product_type":
                ok = product["productType"].lower() == value.lower()
            elif field == "tag":
                ok = value.lower() in (t.lower() for t in product["tags"])
            elif field == "sku":
                ok = any(var["sku"] == value for var in product["variants"])
            else:
                ok = False
            if not ok:
                return False
        return True

    def list_products(self, v: Mapping[str, Any]) -> dict[str, Any]:
        matched = [p for p in self.data["products"] if self._product_matches(p, v.get("query"))]
        matched.sort(key=lambda p: p["title"])
        chunk, info = page(matched, v["first"], v.get("after"))
        nodes = [
            {
                **{
                    k: p[k]
                    for k in (
                        "id",
                        "title",
                        "handle",
                        "status",
                        "vendor",
                        "productType",
                        "tags",
                        "updatedAt",
                    )
                },
                "totalInventory": self._total_inventory(p),
                "variantsCount": {"count": len(p["variants"])},
                "variants": {"nodes": [{"sku": var["sku"]} for var in p["variants"][:5]]},
            }
            for p in chunk
        ]
        return {"products": {"pageInfo": info, "nodes": nodes}}

    def get_product(self, v: Mapping[str, Any]) -> dict[str, Any]:
        product = self._find("products", v["id"])
        if product is None:
            return {"product": None}
        return {
            "product": {
                **product,
                "totalInventory": self._total_inventory(product),
                "variants": {
                    "nodes": [
                        {**var, "inventoryQuantity": self._variant_quantity(var)}
                        for var in product["variants"]
                    ]
                },
            }
        }

    def get_inventory(self, v: Mapping[str, Any]) -> dict[str, Any]:
        filters = terms(v.get("query"))
        nodes = []
        for product in self.data["products"]:
            for var in product["variants"]:
                wanted = all(
                    (field == "sku" and var["sku"] == value)
                    or (field == "product_id" and numeric(product["id"]) == value)
                    or (field == "id" and numeric(var["id"]) == value)
                    for field, _, value in filters
                )
                if not filters or not wanted:
                    continue
                item = var["inventoryItem"]["id"]
                nodes.append(
                    {
                        "id": var["id"],
                        "title": var["title"],
                        "sku": var["sku"],
                        "product": {"id": product["id"], "title": product["title"]},
                        "inventoryItem": {
                            "id": item,
                            "tracked": var["inventoryItem"]["tracked"],
                            "inventoryLevels": {
                                "nodes": [
                                    self._level(item, loc) for loc in self._stocked_locations()
                                ]
                            },
                        },
                    }
                )
        return {"productVariants": {"nodes": nodes[: v["first"]]}}

    def _customer_summary(self, customer: Mapping[str, Any]) -> dict[str, Any]:
        orders = self._orders_of(customer)
        spent = sum(float(o["currentTotalPriceSet"]["shopMoney"]["amount"]) for o in orders)
        return {
            **{
                k: customer[k]
                for k in (
                    "id",
                    "displayName",
                    "defaultEmailAddress",
                    "defaultPhoneNumber",
                    "state",
                    "tags",
                    "createdAt",
                )
            },
            "numberOfOrders": str(len(orders)),
            "amountSpent": {"amount": f"{spent:.2f}", "currencyCode": CURRENCY},
        }

    def list_customers(self, v: Mapping[str, Any]) -> dict[str, Any]:
        def matches(customer: Mapping[str, Any]) -> bool:
            email = customer["defaultEmailAddress"]["emailAddress"]
            for field, _, value in terms(v.get("query")):
                if field is None:
                    ok = contains(customer["displayName"], value) or contains(email, value)
                elif field == "email":
                    ok = email.lower() == value.lower()
                else:
                    ok = False
                if not ok:
                    return False
            return True

        matched = [c for c in self.data["customers"] if matches(c)]
        chunk, info = page(matched, v["first"], v.get("after"))
        return {
            "customers": {"pageInfo": info, "nodes": [self._customer_summary(c) for c in chunk]}
        }

    def get_customer(self, v: Mapping[str, Any]) -> dict[str, Any]:
        customer = self._find("customers", v["id"])
        if customer is None:
            return {"customer": None}
        orders = sorted(self._orders_of(customer), key=lambda o: o["createdAt"], reverse=True)
        last = orders[0] if orders else None
        return {
            "customer": {
                **self._customer_summary(customer),
                **{k: customer[k] for k in ("firstName", "lastName", "note", "defaultAddress")},
                "lastOrder": {k: last[k] for k in ("id", "name", "createdAt")} if last else None,
                "orders": {
                    "nodes": [
                        {
                            k: o[k]
                            for k in (
                                "id",
                                "name",
                                "createdAt",
                                "displayFinancialStatus",
                                "displayFulfillmentStatus",
                                "currentTotalPriceSet",
                            )
                        }
                        for o in orders[:10]
                    ]
                },
            }
        }

    # ----- writes

    def update_product(self, v: Mapping[str, Any]) -> dict[str, Any]:
        changes = dict(v["product"])
        product = self._find("products", changes.pop("id", None))
        if product is None:
            return user_error("productUpdate", ["product", "id"], "Product does not exist")
        if "title" in changes and not str(changes["title"]).strip():
            return user_error("productUpdate", ["product", "title"], "Title can't be blank")
        allowed = {"title", "descriptionHtml", "status", "tags", "vendor", "productType"}
        product.update({k: val for k, val in changes.items() if k in allowed})
        product["updatedAt"] = self._now()
        fields = ("id", "title", "handle", "status", "vendor", "productType", "tags")
        selected = {k: product[k] for k in (*fields, "descriptionHtml", "updatedAt")}
        return {"productUpdate": {"product": selected, "userErrors": []}}

    def set_inventory(self, v: Mapping[str, Any]) -> dict[str, Any]:
        spec = v["input"]
        if spec.get("name") != "available":
            return user_error(
                "inventorySetQuantities", ["input", "name"], "Invalid name", "INVALID_NAME"
            )
        # Compare-and-set as in 2026-07: each quantity names the stock it replaces
        # (changeFromQuantity, null to skip the check). Every quantity is checked before any
        # changes, so one stale quantity changes nothing.
        targets = []
        for index, entry in enumerate(spec["quantities"]):
            where = ["input", "quantities", str(index)]
            key = (entry["inventoryItemId"], entry["locationId"])
            level = self.data["levels"].get(key)
            if level is None:
                return user_error(
                    "inventorySetQuantities",
                    [*where, "inventoryItemId"],
                    "The specified inventory item is not stocked at the location.",
                    "ITEM_NOT_STOCKED_AT_LOCATION",
                )
            if "changeFromQuantity" not in entry:
                return user_error(
                    "inventorySetQuantities",
                    [*where, "changeFromQuantity"],
                    "changeFromQuantity must be given for each quantity (null skips the check).",
                    "COMPARE_QUANTITY_REQUIRED",
                )
            expected = entry["changeFromQuantity"]
            if expected is not None and expected != level["available"]:
                return user_error(
                    "inventorySetQuantities",
                    [*where, "changeFromQuantity"],
                    "The changeFromQuantity value does not match persisted value.",
                    "CHANGE_FROM_QUANTITY_STALE",
                )
            targets.append((key, level, int(entry["quantity"])))
        changes = []
        for key, level, quantity in targets:
            delta = quantity - level["available"]
            if not delta:
                continue
            level["available"] += delta
            level["on_hand"] += delta
            location = next(
                {"id": loc["id"], "name": loc["name"]}
                for loc in self._stocked_locations()
                if loc["id"] == key[1]
            )
            sku = next(
                var["sku"]
                for p in self.data["products"]
                for var in p["variants"]
                if var["inventoryItem"]["id"] == key[0]
            )
            for name in ("available", "on_hand"):
                changes.append(
                    {
                        "name": name,
                        "delta": delta,
                        "quantityAfterChange": None,
                        "location": location,
                        "item": {"id": key[0], "sku": sku},
                    }
                )
        group = {"reason": spec["reason"], "changes": changes} if changes else None
        return {"inventorySetQuantities": {"inventoryAdjustmentGroup": group, "userErrors": []}}

    def update_order(self, v: Mapping[str, Any]) -> dict[str, Any]:
        changes = dict(v["input"])
        order = self._find("orders", changes.pop("id", None))
        if order is None:
            return user_error("orderUpdate", ["id"], "Order does not exist")
        order.update({k: val for k, val in changes.items() if k in {"note", "tags"}})
        order["updatedAt"] = self._now()
        selected = {k: order[k] for k in ("id", "name", "note", "tags", "updatedAt")}
        return {"orderUpdate": {"order": selected, "userErrors": []}}
