"""The fixed GraphQL documents the Shopify module sends, one per tool, by resource.

Every document is a constant (see ``base.py`` for what they share); ``ALL_DOCUMENTS`` lists
them for the schema checks, the pruned schema and the sandbox.
"""

from __future__ import annotations

from typing import Final

from shopmcp_adapters.upstreams.shopify.documents.base import (
    API_VERSION,
    GRAPHQL_PATH,
    operation_name,
)
from shopmcp_adapters.upstreams.shopify.documents.catalog import (
    GET_INVENTORY,
    GET_PRODUCT,
    GET_SHOP,
    LIST_PRODUCTS,
    SET_INVENTORY,
    UPDATE_PRODUCT,
)
from shopmcp_adapters.upstreams.shopify.documents.customers import GET_CUSTOMER, LIST_CUSTOMERS
from shopmcp_adapters.upstreams.shopify.documents.orders import (
    GET_ORDER,
    LIST_ORDER_REFUNDS,
    LIST_ORDERS,
    UPDATE_ORDER,
)

ALL_DOCUMENTS: Final = (
    GET_SHOP,
    LIST_ORDERS,
    GET_ORDER,
    LIST_PRODUCTS,
    GET_PRODUCT,
    GET_INVENTORY,
    LIST_CUSTOMERS,
    GET_CUSTOMER,
    LIST_ORDER_REFUNDS,
    UPDATE_PRODUCT,
    SET_INVENTORY,
    UPDATE_ORDER,
)

__all__ = [
    "ALL_DOCUMENTS",
    "API_VERSION",
    "GET_CUSTOMER",
    "GET_INVENTORY",
    "GET_ORDER",
    "GET_PRODUCT",
    "GET_SHOP",
    "GRAPHQL_PATH",
    "LIST_CUSTOMERS",
    "LIST_ORDERS",
    "LIST_ORDER_REFUNDS",
    "LIST_PRODUCTS",
    "SET_INVENTORY",
    "UPDATE_ORDER",
    "UPDATE_PRODUCT",
    "operation_name",
]
