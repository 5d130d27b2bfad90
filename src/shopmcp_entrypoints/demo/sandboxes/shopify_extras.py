"""The Shopify sandbox's sample discounts, collections, draft orders, abandoned checkouts and
metafields, built from its products, customers and orders (deterministic, like the rest)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shopmcp_entrypoints.demo.sandboxes.shopify_values import iso, money_v2

_T0 = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def discount(
    node_id: str,
    kind: str,
    title: str,
    status: str,
    *,
    starts: dt.datetime,
    ends: dt.datetime | None = None,
    code: str | None = None,
    percentage: float | None = None,
    amount: float | None = None,
    minimum: float | None = None,
    usage_limit: int | None = None,
    once_per_customer: bool = False,
    used: int = 0,
) -> dict[str, Any]:
    """A discount node in the Admin API's shape (its ``discount`` one of the union's types)."""
    value = (
        {"__typename": "DiscountPercentage", "percentage": percentage}
        if percentage is not None
        else {
            "__typename": "DiscountAmount",
            "amount": money_v2(amount or 0),
            "appliesOnEachItem": False,
        }
    )
    off = f"{percentage * 100:g}% off" if percentage is not None else f"${amount or 0:.2f} off"
    needs = f" • Minimum purchase of ${minimum:.2f}" if minimum else ""
    body: dict[str, Any] = {
        "__typename": kind,
        "title": title,
        "status": status,
        "summary": f"{off} entire order{needs}",
        "startsAt": iso(starts),
        "endsAt": iso(ends) if ends else None,
        "asyncUsageCount": used,
        "customerGets": {
            "value": value,
            "items": {"__typename": "AllDiscountItems", "allItems": True},
        },
        "minimumRequirement": {
            "__typename": "DiscountMinimumSubtotal",
            "greaterThanOrEqualToSubtotal": money_v2(minimum),
        }
        if minimum
        else None,
    }
    if code is not None:
        body.update(
            usageLimit=usage_limit,
            appliesOncePerCustomer=once_per_customer,
            codesCount={"count": 1, "precision": "EXACT"},
            codes={"nodes": [{"code": code}]},
        )
    return {"id": node_id, "discount": body}


def extra_samples(
    products: list[dict[str, Any]], customers: list[dict[str, Any]], orders: list[dict[str, Any]]
) -> dict[str, Any]:
    discounts = [
        discount(
            "gid://shopify/DiscountCodeNode/1200000000001",
            "DiscountCodeBasic",
            "Welcome 10%",
            "ACTIVE",
            starts=_T0 - dt.timedelta(days=60),
            code="WELCOME10",
            percentage=0.1,
            once_per_customer=True,
            used=14,
        ),
        discount(
            "gid://shopify/DiscountCodeNode/1200000000002",
            "DiscountCodeBasic",
            "Spring $5 off",
            "EXPIRED",
            starts=_T0 - dt.timedelta(days=150),
            ends=_T0 - dt.timedelta(days=90),
            code="SPRING5",
            amount=5.0,
            minimum=50.0,
            usage_limit=200,
            used=57,
        ),
        discount(
            "gid://shopify/DiscountAutomaticNode/1200000000003",
            "DiscountAutomaticBasic",
            "Winter wool 15%",
            "SCHEDULED",
            starts=_T0 + dt.timedelta(days=60),
            percentage=0.15,
        ),
    ]
    # An app's discount: Shopify knows its codes and uses but not what it gives.
    discounts.append(
        {
            "id": "gid://shopify/DiscountCodeNode/1200000000004",
            "discount": {
                "__typename": "DiscountCodeApp",
                "title": "Loyalty app codes",
                "status": "ACTIVE",
                "startsAt": iso(_T0 - dt.timedelta(days=10)),
                "endsAt": None,
                "asyncUsageCount": 3,
                "usageLimit": None,
                "appliesOncePerCustomer": True,
                "codesCount": {"count": 250, "precision": "EXACT"},
                "codes": {"nodes": [{"code": "LOYAL-7Q2X"}]},
            },
        }
    )
    by_title = {p["title"]: p["id"] for p in products}
    collections = [
        {
            "id": "gid://shopify/Collection/1300000000001",
            "title": "Summer Picks",
            "handle": "summer-picks",
            "updatedAt": iso(_T0 - dt.timedelta(days=5)),
            "sortOrder": "MANUAL",
            "sources": [
                {
                    "__typename": "CollectionConditionsSource",
                    "id": "gid://shopify/CollectionConditionsSource/1400000000001",
                    "title": "Hand-picked",
                    "selections": [by_title["Black Tee"], by_title["Linen Shirt"]],
                    "tag": None,
                }
            ],
        },
        {
            "id": "gid://shopify/Collection/1300000000002",
            "title": "Wool",
            "handle": "wool",
            "updatedAt": iso(_T0 - dt.timedelta(days=20)),
            "sortOrder": "BEST_SELLING",
            "sources": [
                {
                    "__typename": "CollectionConditionsSource",
                    "id": "gid://shopify/CollectionConditionsSource/1400000000002",
                    "title": "Tagged wool",
                    "selections": [],
                    "tag": "wool",
                }
            ],
        },
    ]
    drafts = [
        {
            "id": "gid://shopify/DraftOrder/1100000000001",
            "name": "#D1",
            "status": "OPEN",
            "createdAt": iso(_T0 + dt.timedelta(days=25)),
            "updatedAt": iso(_T0 + dt.timedelta(days=26)),
            "completedAt": None,
            "note2": "Wholesale quote",
            "tags": ["wholesale"],
            "customerIndex": 2,
            "orderId": None,
            "lines": [(products[5]["variants"][0], 12), (products[3]["variants"][0], 4)],
        },
        {
            "id": "gid://shopify/DraftOrder/1100000000002",
            "name": "#D2",
            "status": "COMPLETED",
            "createdAt": iso(_T0 + dt.timedelta(days=8)),
            "updatedAt": iso(_T0 + dt.timedelta(days=9)),
            "completedAt": iso(_T0 + dt.timedelta(days=9)),
            "note2": None,
            "tags": [],
            "customerIndex": 0,
            "orderId": orders[3]["id"],
            "lines": [(products[4]["variants"][0], 1)],
        },
    ]
    checkouts = [
        {
            "id": f"gid://shopify/AbandonedCheckout/{1500000000001 + n}",
            "name": f"#{1500000000001 + n}",
            "createdAt": iso(_T0 + dt.timedelta(days=4 * n + 2)),
            "updatedAt": iso(_T0 + dt.timedelta(days=4 * n + 2, hours=1)),
            "completedAt": iso(_T0 + dt.timedelta(days=4 * n + 3)) if n == 1 else None,
            "customerIndex": customer,
            "lines": lines,
        }
        for n, (customer, lines) in enumerate(
            [
                (3, [(products[4]["variants"][1], 1)]),
                (1, [(products[0]["variants"][0], 2), (products[2]["variants"][0], 1)]),
                (None, [(products[3]["variants"][0], 1)]),
            ]
        )
    ]
    metafields = {
        products[0]["id"]: [
            ("custom", "material", "single_line_text_field", "100% organic cotton"),
            ("custom", "care", "json", '{"wash": "cold", "dry": "line"}'),
        ],
        orders[1]["id"]: [("custom", "gift_message", "multi_line_text_field", "Happy birthday!")],
        customers[0]["id"]: [("loyalty", "tier", "single_line_text_field", "gold")],
    }
    return {
        "discounts": discounts,
        "collections": collections,
        "draftOrders": drafts,
        "checkouts": checkouts,
        "metafields": {
            owner: [
                {
                    "id": f"gid://shopify/Metafield/{1600000000001 + 10 * o + n}",
                    "namespace": namespace,
                    "key": key,
                    "type": kind,
                    "value": value,
                    "updatedAt": iso(_T0),
                }
                for n, (namespace, key, kind, value) in enumerate(fields)
            ]
            for o, (owner, fields) in enumerate(metafields.items())
        },
    }
