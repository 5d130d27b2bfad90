"""The one upstream exchange every target serves: Shopify's ``ListOrders`` query, answered with
a fixed page of 20 orders.

The request body is what ``shopify_list_orders`` sends for empty arguments (the document the
Shopify module pins, ``first: 20``, no cursor, no search); the answer holds exactly the fields
that document selects, for 20 orders of a made-up store, pretty-printed with a two-space indent:
13.4 KB (the issue's stand-in sent "about 16 KB"; exactly the selected fields of 20 orders come
to 8 KB compact, so the indent brings the size near the issue's without inventing fields). It is
built the same way every time, so every run, target and repetition moves the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final

from shopmcp_adapters.upstreams.shopify import documents as docs

ORDER_COUNT: Final = 20
TOOL: Final = "shopify_list_orders"
SHOP: Final = "bench-store.myshopify.com"
# The stand-in's access token: a fixed dummy, not a secret (it opens nothing but the stand-in).
STORE_TOKEN: Final = "shpat_bench_standin_token"  # noqa: S105
STATS_PATH: Final = "/__bench/stats"

_FINANCIAL = ("PAID", "PAID", "PARTIALLY_REFUNDED", "PENDING", "PAID", "AUTHORIZED", "REFUNDED")
_FULFILMENT = ("FULFILLED", "UNFULFILLED", "PARTIALLY_FULFILLED", "FULFILLED")
_CUSTOMERS = (
    "Charlotte Nguyen",
    "Oliver Papadopoulos",
    "Amelia Fitzgerald",
    "Jack O'Sullivan",
    "Isla Kowalczyk",
    "Noah Ramachandran",
    "Matilda Henderson",
)
_T0 = dt.datetime(2026, 9, 30, 18, 0, tzinfo=dt.UTC)


def graphql_request() -> dict[str, Any]:
    """The JSON body of the upstream request (the gateway's, for ``arguments: {}``)."""
    return {
        "query": docs.LIST_ORDERS,
        "variables": {"first": ORDER_COUNT, "after": None, "query": None},
    }


def order_nodes() -> list[dict[str, Any]]:
    """Newest first, as ``sortKey: CREATED_AT, reverse: true`` asks."""
    nodes = []
    for i in range(ORDER_COUNT):
        created = _T0 - dt.timedelta(hours=7 * i, minutes=13 * i)
        customer = i % len(_CUSTOMERS)
        financial = _FINANCIAL[i % len(_FINANCIAL)]
        nodes.append(
            {
                "id": f"gid://shopify/Order/{5_812_000_000_000 + 977 * (ORDER_COUNT - i)}",
                "name": f"#{1_480 - i}",
                "createdAt": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "cancelledAt": None,
                "closed": financial == "REFUNDED",
                "displayFinancialStatus": financial,
                "displayFulfillmentStatus": _FULFILMENT[i % len(_FULFILMENT)],
                "currentTotalPriceSet": {
                    "shopMoney": {"amount": f"{39.95 + 17.35 * (i % 9):.2f}", "currencyCode": "AUD"}
                },
                "customer": {
                    "id": f"gid://shopify/Customer/{7_104_000_000_000 + 31 * customer}",
                    "displayName": _CUSTOMERS[customer],
                },
                "subtotalLineItemsQuantity": 1 + i % 4,
            }
        )
    return nodes


def graphql_response_body(nodes: list[dict[str, Any]] | None = None) -> bytes:
    """The fixed answer (or one with these orders), with the query cost Shopify reports on
    every response."""
    nodes = order_nodes() if nodes is None else nodes
    body = {
        "data": {
            "orders": {
                "pageInfo": {
                    "hasNextPage": True,
                    "endCursor": "eyJsYXN0X2lkIjo1ODEyMDAwMDAwOTc3fQ==",
                },
                "nodes": nodes,
            }
        },
        "extensions": {
            "cost": {
                "requestedQueryCost": 22,
                "actualQueryCost": 22,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": 1978.0,
                    "restoreRate": 100.0,
                },
            }
        },
    }
    return json.dumps(body, indent=2).encode()
