"""The BigCommerce sandbox's orders, in the v2 shapes (order, its products, shipping addresses
and shipments) and the v3 refund shape: ten orders in March 2026 across most statuses, one in
NZD, a partly shipped one and a partly refunded one. Built afresh, identically, for each store.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import (
    JSON,
    PRODUCTS,
    STATUSES,
    STORE_HASH,
    money4,
    v2_date,
)

_PEOPLE = {
    0: ("Guest", "Shopper", "guest@example.net", "Wellington", "NZ", "New Zealand"),
    57: ("Noor", "Haddad", "noor@example.com", "Hobart", "AU", "Australia"),
    58: ("Liam", "Chen", "liam.chen@example.com", "Sydney", "AU", "Australia"),
    59: ("Ava", "Wright", "ava.wright@example.com", "Launceston", "AU", "Australia"),
    60: ("Mia", "Okafor", "buying@okafor-cafe.example", "Hobart", "AU", "Australia"),
}


@attrs.frozen
class OrderPlan:
    order_id: int
    created: str
    status_id: int
    customer_id: int
    lines: tuple[tuple[int, int, int], ...]  # (order product id, variant id, quantity)
    shipping: str = "9.95"
    currency: str = "AUD"
    discount: str = "0"
    shipped: tuple[int, ...] = ()  # order product ids shipped in full


PLANS = (
    OrderPlan(3001, "2026-03-01T09:15:00", 10, 57, ((901, 201, 2), (902, 205, 1)),
              shipped=(901, 902)),
    OrderPlan(3002, "2026-03-02T11:00:00", 2, 58, ((903, 203, 1),), shipping="7.95",
              shipped=(903,)),
    OrderPlan(3003, "2026-03-03T08:30:00", 11, 57, ((904, 202, 2), (905, 207, 1))),
    OrderPlan(3004, "2026-03-04T13:45:00", 14, 59, ((906, 204, 3),), shipping="0",
              shipped=(906,)),
    OrderPlan(3005, "2026-03-05T10:10:00", 5, 58, ((907, 206, 1),)),
    OrderPlan(3006, "2026-03-06T16:20:00", 11, 60, ((908, 201, 6), (909, 204, 6)), shipping="0",
              discount="25"),
    OrderPlan(3007, "2026-03-07T05:00:00", 3, 57, ((910, 205, 1), (911, 207, 2)),
              shipped=(910,)),
    OrderPlan(3008, "2026-03-08T09:00:00", 11, 0, ((912, 203, 2),), shipping="12.00",
              currency="NZD"),
    OrderPlan(3009, "2026-03-09T07:30:00", 7, 59, ((913, 202, 1),), shipping="7.95"),
    OrderPlan(3010, "2026-03-09T12:00:00", 0, 0, ((914, 201, 1),), shipping="0"),
)  # fmt: skip
# The refund already made: order 3004, one of its three Earl Greys.
REFUNDS = [(7, 3004, 906, 1, "Tin arrived dented", "2026-03-06T02:00:00+00:00")]


def _variant(variant_id: int) -> tuple[int, str, str, Decimal, int]:
    """(product id, product name, variant SKU, price, brand id) of a variant."""
    for pid, name, _, _, _, _, brand, _, variants in PRODUCTS:
        for vid, sku, _, price in variants:
            if vid == variant_id:
                return pid, name, sku, Decimal(price), brand
    raise KeyError(variant_id)


def address_id(order_id: int) -> int:
    return order_id - 3000 + 80


def _address(customer_id: int) -> JSON:
    first, last, email_address, city, iso2, country = _PEOPLE[customer_id]
    return {
        "first_name": first,
        "last_name": last,
        "company": "",
        "street_1": "12 Harbour Street",
        "street_2": "",
        "city": city,
        "state": "" if iso2 == "NZ" else "Tasmania",
        "zip": "6011" if iso2 == "NZ" else "7000",
        "country": country,
        "country_iso2": iso2,
        "phone": "0400 000 000",
        "email": email_address,
    }


def order_product(plan: OrderPlan, line_id: int, variant_id: int, quantity: int) -> JSON:
    pid, name, sku, price, _ = _variant(variant_id)
    total = price * quantity
    shipped = quantity if line_id in plan.shipped else 0
    refunded = sum(r[3] for r in REFUNDS if r[2] == line_id)
    return {
        "id": line_id,
        "order_id": plan.order_id,
        "product_id": pid,
        "variant_id": variant_id,
        "order_address_id": address_id(plan.order_id),
        "name": name,
        "name_customer": name,
        "name_merchant": name,
        "sku": sku,
        "upc": "",
        "type": "physical",
        "base_price": money4(price),
        "price_ex_tax": money4(price),
        "price_inc_tax": money4(price),
        "price_tax": "0.0000",
        "base_total": money4(total),
        "total_ex_tax": money4(total),
        "total_inc_tax": money4(total),
        "total_tax": "0.0000",
        "weight": "0.2500",
        "quantity": quantity,
        "is_refunded": refunded > 0,
        "quantity_refunded": refunded,
        "refund_amount": money4(price * refunded),
        "return_id": 0,
        "quantity_shipped": shipped,
        "applied_discounts": [],
        "product_options": [],
    }


def _link(order_id: int, what: str) -> JSON:
    return {
        "url": f"https://api.bigcommerce.com/stores/{STORE_HASH}/v2/orders/{order_id}/{what}",
        "resource": f"/orders/{order_id}/{what}",
    }


def order(plan: OrderPlan, lines: list[JSON]) -> JSON:
    subtotal = sum((Decimal(line["total_inc_tax"]) for line in lines), Decimal(0))
    shipping, discount = Decimal(plan.shipping), Decimal(plan.discount)
    total = subtotal + shipping - discount
    refunded = sum((Decimal(line["refund_amount"]) for line in lines), Decimal(0))
    name, _ = STATUSES[plan.status_id]
    shipped = sum(line["quantity_shipped"] for line in lines)
    unpaid = plan.status_id in (0, 1, 7)
    return {
        "id": plan.order_id,
        "customer_id": plan.customer_id,
        "date_created": v2_date(plan.created),
        "date_modified": v2_date(plan.created),
        "date_shipped": v2_date(plan.created) if shipped else "",
        "status_id": plan.status_id,
        "status": name,
        "custom_status": name,
        "subtotal_ex_tax": money4(subtotal),
        "subtotal_inc_tax": money4(subtotal),
        "subtotal_tax": "0.0000",
        "base_shipping_cost": money4(shipping),
        "shipping_cost_ex_tax": money4(shipping),
        "shipping_cost_inc_tax": money4(shipping),
        "shipping_cost_tax": "0.0000",
        "total_ex_tax": money4(total),
        "total_inc_tax": money4(total),
        "total_tax": "0.0000",
        "items_total": sum(line["quantity"] for line in lines),
        "items_shipped": shipped,
        "payment_method": "Credit Card",
        "payment_provider_id": "" if unpaid else f"ch_{plan.order_id}",
        "payment_status": "" if unpaid else ("partially refunded" if refunded else "captured"),
        "refunded_amount": money4(refunded),
        "order_is_digital": False,
        "store_credit_amount": "0.0000",
        "gift_certificate_amount": "0.0000",
        "discount_amount": money4(discount),
        "coupon_discount": "0.0000",
        "currency_code": plan.currency,
        "currency_exchange_rate": "1.0000000000",
        "default_currency_code": plan.currency,
        "staff_notes": "",
        "customer_message": "Gift wrap please" if plan.order_id == 3003 else "",
        "shipping_address_count": 1,
        "ip_address": "203.0.113.9",
        "billing_address": {**_address(plan.customer_id), "form_fields": []},
        "order_source": "www",
        "channel_id": 1,
        "external_source": None,
        "is_deleted": False,
        "products": _link(plan.order_id, "products"),
        "shipping_addresses": _link(plan.order_id, "shipping_addresses"),
        "coupons": _link(plan.order_id, "coupons"),
    }


def shipping_address(plan: OrderPlan, lines: list[JSON]) -> JSON:
    return {
        "id": address_id(plan.order_id),
        "order_id": plan.order_id,
        **_address(plan.customer_id),
        "items_total": sum(line["quantity"] for line in lines),
        "items_shipped": sum(line["quantity_shipped"] for line in lines),
        "shipping_method": "Express Post" if plan.currency == "NZD" else "Parcel Post",
        "base_cost": money4(Decimal(plan.shipping)),
        "cost_ex_tax": money4(Decimal(plan.shipping)),
        "cost_inc_tax": money4(Decimal(plan.shipping)),
        "cost_tax": "0.0000",
        "base_handling_cost": "0.0000",
        "handling_cost_ex_tax": "0.0000",
        "handling_cost_inc_tax": "0.0000",
        "handling_cost_tax": "0.0000",
        "shipping_zone_id": 1,
        "shipping_zone_name": "Australia and New Zealand",
        "form_fields": [],
    }


def shipment(
    shipment_id: int,
    order: JSON,
    address: JSON,
    items: list[JSON],
    created: str,
    fields: dict[str, Any],
) -> JSON:
    """A shipment as v2 answers it (``fields``: tracking number, provider, method, ...)."""
    address_fields = {
        k: address[k]
        for k in ("first_name", "last_name", "company", "street_1", "street_2", "city", "state")
    }
    address_fields |= {k: address[k] for k in ("zip", "country", "country_iso2", "phone")}
    address_fields["email"] = address["email"]
    tracking = fields.get("tracking_number", "")
    provider = fields.get("shipping_provider", "")
    generated = (
        f"https://auspost.com.au/mypost/track/#/details/{tracking}"
        if provider == "auspost" and tracking
        else ""
    )
    return {
        "id": shipment_id,
        "order_id": order["id"],
        "customer_id": order["customer_id"],
        "order_address_id": address["id"],
        "date_created": created,
        "tracking_number": tracking,
        "merchant_shipping_cost": "0.0000",
        "shipping_method": fields.get("shipping_method", address["shipping_method"]),
        "comments": fields.get("comments", ""),
        "shipping_provider": provider,
        "tracking_carrier": fields.get("tracking_carrier", ""),
        "tracking_link": fields.get("tracking_link", ""),
        "generated_tracking_link": generated,
        "billing_address": dict(address_fields),
        "shipping_address": dict(address_fields),
        "items": items,
    }


@attrs.define
class Sales:
    orders: dict[int, JSON]
    lines: dict[int, list[JSON]]
    addresses: dict[int, list[JSON]]
    shipments: dict[int, list[JSON]]
    refunds: dict[int, list[JSON]]


def sales() -> Sales:
    out = Sales({}, {}, {}, {}, {})
    shipment_id = 41
    for plan in PLANS:
        lines = [order_product(plan, *line) for line in plan.lines]
        built = order(plan, lines)
        address = shipping_address(plan, lines)
        out.orders[plan.order_id] = built
        out.lines[plan.order_id] = lines
        out.addresses[plan.order_id] = [address]
        out.shipments[plan.order_id] = []
        out.refunds[plan.order_id] = []
        if plan.shipped:
            items = [
                {"order_product_id": line["id"], "product_id": line["product_id"],
                 "quantity": line["quantity"]}
                for line in lines
                if line["id"] in plan.shipped
            ]  # fmt: skip
            fields = {"tracking_number": f"AP77{plan.order_id}01", "shipping_provider": "auspost"}
            out.shipments[plan.order_id].append(
                shipment(shipment_id, built, address, items, built["date_created"], fields)
            )
            shipment_id += 1
    for refund_id, order_id, line_id, quantity, reason, created in REFUNDS:
        line = next(line for line in out.lines[order_id] if line["id"] == line_id)
        amount = float(Decimal(line["price_inc_tax"]) * quantity)
        out.refunds[order_id].append(
            {
                "id": refund_id,
                "order_id": order_id,
                "user_id": 1,
                "created": created,
                "reason": reason,
                "total_amount": amount,
                "total_tax": 0,
                "uses_merchant_override_values": False,
                "items": [
                    {"item_type": "PRODUCT", "item_id": line_id, "reason": reason,
                     "quantity": quantity, "requested_amount": amount},
                ],
                "payments": [
                    {"id": 11, "provider_id": "stripev3", "amount": amount, "offline": False,
                     "is_declined": False, "declined_message": ""},
                ],
            }
        )  # fmt: skip
    return out
