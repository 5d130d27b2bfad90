"""The Shopify sandbox's locations, fulfilment orders and fulfilments: reads, and shipping a
fulfilment order (which changes what it still has to ship and the order's status)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shopmcp_entrypoints.demo.sandboxes.shopify_state import (
    SandboxState,
    contains,
    page,
    terms,
    user_error,
)

_OPEN = ("OPEN", "IN_PROGRESS")


class ShippingResolvers(SandboxState):
    # ----- locations

    def list_locations(self, v: Mapping[str, Any]) -> dict[str, Any]:
        wanted = terms(v.get("query"))
        matched = [
            loc
            for loc in self.data["locations"]
            if (loc["isActive"] or v.get("includeInactive"))
            and all(
                contains(loc["name"], value) or contains(loc["address"]["city"], value)
                for _, _, value in wanted
            )
        ]
        matched.sort(key=lambda loc: loc["name"])
        chunk, info = page(matched, v["first"], v.get("after"))
        return {"locations": {"pageInfo": info, "nodes": chunk}}

    def get_location(self, v: Mapping[str, Any]) -> dict[str, Any]:
        location = self._find("locations", v["id"])
        if location is None:
            return {"location": None}
        waiting = any(
            fo["location"]["id"] == location["id"]
            and fo["status"] in _OPEN
            and any(line["remainingQuantity"] for line in fo["lines"])
            for order in self.data["orders"]
            for fo in order["fulfillmentOrders"]
        )
        return {"location": {**location, "hasUnfulfilledOrders": waiting}}

    # ----- fulfilment orders

    def _fulfillment_order(self, fo_id: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        for order in self.data["orders"]:
            for fo in order["fulfillmentOrders"]:
                if fo["id"] == fo_id:
                    return order, fo
        return None

    def _fo_node(self, fo: Mapping[str, Any]) -> dict[str, Any]:
        actions = ["CREATE_FULFILLMENT", "HOLD", "MOVE"] if fo["status"] in _OPEN else []
        return {
            **{k: fo[k] for k in ("id", "status", "requestStatus", "fulfillAt", "updatedAt")},
            "assignedLocation": {
                "name": fo["location"]["name"],
                "location": {"id": fo["location"]["id"]},
            },
            "deliveryMethod": fo["deliveryMethod"],
            "supportedActions": [{"action": action} for action in actions],
            "fulfillmentHolds": [{"reason": reason} for reason in fo["holds"]],
            "lineItems": {
                "nodes": [
                    {
                        **{
                            k: line[k]
                            for k in (
                                "id",
                                "sku",
                                "productTitle",
                                "variantTitle",
                                "totalQuantity",
                                "remainingQuantity",
                            )
                        },
                        "lineItem": {"id": line["lineItemId"]},
                    }
                    for line in fo["lines"]
                ]
            },
        }

    def list_fulfillment_orders(self, v: Mapping[str, Any]) -> dict[str, Any]:
        order = self._find("orders", v["id"])
        if order is None:
            return {"order": None}
        chunk, info = page(order["fulfillmentOrders"], 5, v.get("after"))
        return {
            "order": {
                "id": order["id"],
                "name": order["name"],
                "displayFulfillmentStatus": order["displayFulfillmentStatus"],
                "fulfillmentOrders": {
                    "pageInfo": info,
                    "nodes": [self._fo_node(fo) for fo in chunk],
                },
            }
        }

    def get_fulfillment_order(self, v: Mapping[str, Any]) -> dict[str, Any]:
        found = self._fulfillment_order(v["id"])
        if found is None:
            return {"fulfillmentOrder": None}
        order, fo = found
        node = {**self._fo_node(fo), "orderId": order["id"], "orderName": order["name"]}
        return {"fulfillmentOrder": node}

    # ----- fulfilments

    def _fulfillment_node(
        self, order: Mapping[str, Any], fulfillment: Mapping[str, Any]
    ) -> dict[str, Any]:
        items = {line["id"]: line for line in order["lineItems"]}
        return {
            **{
                k: fulfillment[k]
                for k in (
                    "id",
                    "name",
                    "status",
                    "displayStatus",
                    "createdAt",
                    "updatedAt",
                    "deliveredAt",
                    "estimatedDeliveryAt",
                    "inTransitAt",
                    "totalQuantity",
                    "location",
                    "trackingInfo",
                )
            },
            "order": {"id": order["id"], "name": order["name"]},
            "fulfillmentLineItems": {
                "nodes": [
                    {
                        "id": line["id"],
                        "quantity": line["quantity"],
                        "lineItem": {
                            k: items[line["lineItemId"]][k] for k in ("id", "title", "sku")
                        },
                    }
                    for line in fulfillment["lines"]
                ]
            },
        }

    def get_fulfillment(self, v: Mapping[str, Any]) -> dict[str, Any]:
        for order in self.data["orders"]:
            for fulfillment in order["fulfillments"]:
                if fulfillment["id"] == v["id"]:
                    return {"fulfillment": self._fulfillment_node(order, fulfillment)}
        return {"fulfillment": None}

    def create_fulfillment(self, v: Mapping[str, Any]) -> dict[str, Any]:
        spec = v["fulfillment"]
        where = ["fulfillment", "lineItemsByFulfillmentOrder"]
        shipped: list[tuple[dict[str, Any], dict[str, Any], int]] = []
        orders: dict[str, dict[str, Any]] = {}
        for index, entry in enumerate(spec["lineItemsByFulfillmentOrder"]):
            found = self._fulfillment_order(entry["fulfillmentOrderId"])
            if found is None:
                return user_error(
                    "fulfillmentCreate",
                    [*where, str(index), "fulfillmentOrderId"],
                    "Fulfillment order does not exist.",
                )
            order, fo = found
            orders[order["id"]] = order
            if fo["status"] not in _OPEN:
                return user_error(
                    "fulfillmentCreate",
                    [*where, str(index), "fulfillmentOrderId"],
                    f"Fulfillment order {fo['id']} has an unfulfillable status= {fo['status']}.",
                )
            lines = {line["id"]: line for line in fo["lines"]}
            asked = entry.get("fulfillmentOrderLineItems")
            wanted = (
                [(line["id"], line["remainingQuantity"]) for line in fo["lines"]]
                if asked is None
                else [(item["id"], item["quantity"]) for item in asked]
            )
            for line_id, quantity in wanted:
                line = lines.get(line_id)
                if line is None or not 0 <= quantity <= line["remainingQuantity"]:
                    return user_error(
                        "fulfillmentCreate",
                        [*where, str(index), "fulfillmentOrderLineItems"],
                        "Invalid fulfillment order line item quantity requested.",
                    )
                if quantity:
                    shipped.append((fo, line, quantity))
        if len(orders) != 1 or not shipped:
            return user_error(
                "fulfillmentCreate", where, "The fulfillment orders have nothing to ship."
            )
        [order] = orders.values()
        return {
            "fulfillmentCreate": {"fulfillment": self._ship(order, shipped, spec), "userErrors": []}
        }

    def _ship(
        self,
        order: dict[str, Any],
        shipped: list[tuple[dict[str, Any], dict[str, Any], int]],
        spec: Mapping[str, Any],
    ) -> dict[str, Any]:
        for fo, line, quantity in shipped:
            line["remainingQuantity"] -= quantity
            left = any(item["remainingQuantity"] for item in fo["lines"])
            fo["status"] = "IN_PROGRESS" if left else "CLOSED"
            fo["updatedAt"] = self._now()
        remaining = any(
            line["remainingQuantity"] for fo in order["fulfillmentOrders"] for line in fo["lines"]
        )
        order["displayFulfillmentStatus"] = "PARTIALLY_FULFILLED" if remaining else "FULFILLED"
        tracking = spec.get("trackingInfo") or {}
        fulfillment = {
            "id": self._new_id("Fulfillment", 4500000000001),
            "name": f"{order['name']}.{len(order['fulfillments']) + 1}",
            "status": "SUCCESS",
            "displayStatus": "FULFILLED",
            "createdAt": self._now(),
            "updatedAt": self._now(),
            "inTransitAt": None,
            "estimatedDeliveryAt": None,
            "deliveredAt": None,
            "totalQuantity": sum(quantity for _, _, quantity in shipped),
            "location": shipped[0][0]["location"],
            "trackingInfo": [{key: tracking.get(key) for key in ("company", "number", "url")}]
            if tracking
            else [],
            "lines": [
                {
                    "id": self._new_id("FulfillmentLineItem", 17100000000001),
                    "quantity": quantity,
                    "lineItemId": line["lineItemId"],
                }
                for _, line, quantity in shipped
            ],
        }
        order["fulfillments"].append(fulfillment)
        return self._fulfillment_node(order, fulfillment)
