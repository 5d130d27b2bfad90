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
from shopmcp_adapters.upstreams.shopify.documents.collections import (
    ADD_PRODUCTS_TO_COLLECTION,
    GET_COLLECTION,
    LIST_COLLECTIONS,
    REMOVE_PRODUCTS_FROM_COLLECTION,
)
from shopmcp_adapters.upstreams.shopify.documents.customers import (
    ADD_CUSTOMER_TAGS,
    GET_CUSTOMER,
    LIST_CUSTOMERS,
    REMOVE_CUSTOMER_TAGS,
)
from shopmcp_adapters.upstreams.shopify.documents.discounts import (
    CREATE_DISCOUNT_CODE,
    GET_DISCOUNT,
    LIST_DISCOUNTS,
)
from shopmcp_adapters.upstreams.shopify.documents.drafts import (
    CREATE_DRAFT_ORDER,
    GET_DRAFT_ORDER,
    LIST_DRAFT_ORDERS,
)
from shopmcp_adapters.upstreams.shopify.documents.fulfilment import (
    CREATE_FULFILLMENT,
    GET_FULFILLMENT,
    GET_FULFILLMENT_ORDER,
    GET_LOCATION,
    LIST_FULFILLMENT_ORDERS,
    LIST_LOCATIONS,
)
from shopmcp_adapters.upstreams.shopify.documents.metafields import (
    GET_CUSTOMER_METAFIELDS,
    GET_ORDER_METAFIELDS,
    GET_PRODUCT_METAFIELDS,
)
from shopmcp_adapters.upstreams.shopify.documents.orders import (
    CANCEL_ORDER,
    GET_ORDER,
    LIST_ABANDONED_CHECKOUTS,
    LIST_ORDER_REFUNDS,
    LIST_ORDERS,
    UPDATE_ORDER,
)
from shopmcp_adapters.upstreams.shopify.documents.refunds import (
    CREATE_REFUND,
    GET_REFUND,
    SUGGEST_REFUND,
)
from shopmcp_adapters.upstreams.shopify.documents.sales import SALES_ORDERS

ALL_DOCUMENTS: Final = (
    # reads
    GET_SHOP,
    LIST_ORDERS,
    GET_ORDER,
    LIST_PRODUCTS,
    GET_PRODUCT,
    GET_INVENTORY,
    LIST_CUSTOMERS,
    GET_CUSTOMER,
    LIST_ORDER_REFUNDS,
    GET_REFUND,
    SUGGEST_REFUND,
    LIST_LOCATIONS,
    GET_LOCATION,
    LIST_FULFILLMENT_ORDERS,
    GET_FULFILLMENT_ORDER,
    GET_FULFILLMENT,
    LIST_DISCOUNTS,
    GET_DISCOUNT,
    LIST_COLLECTIONS,
    GET_COLLECTION,
    LIST_DRAFT_ORDERS,
    GET_DRAFT_ORDER,
    LIST_ABANDONED_CHECKOUTS,
    GET_PRODUCT_METAFIELDS,
    GET_ORDER_METAFIELDS,
    GET_CUSTOMER_METAFIELDS,
    SALES_ORDERS,
    # writes
    UPDATE_PRODUCT,
    SET_INVENTORY,
    UPDATE_ORDER,
    CANCEL_ORDER,
    CREATE_FULFILLMENT,
    CREATE_REFUND,
    CREATE_DISCOUNT_CODE,
    ADD_PRODUCTS_TO_COLLECTION,
    REMOVE_PRODUCTS_FROM_COLLECTION,
    CREATE_DRAFT_ORDER,
    ADD_CUSTOMER_TAGS,
    REMOVE_CUSTOMER_TAGS,
)

__all__ = [
    "ADD_CUSTOMER_TAGS",
    "ADD_PRODUCTS_TO_COLLECTION",
    "ALL_DOCUMENTS",
    "API_VERSION",
    "CANCEL_ORDER",
    "CREATE_DISCOUNT_CODE",
    "CREATE_DRAFT_ORDER",
    "CREATE_FULFILLMENT",
    "CREATE_REFUND",
    "GET_COLLECTION",
    "GET_CUSTOMER",
    "GET_CUSTOMER_METAFIELDS",
    "GET_DISCOUNT",
    "GET_DRAFT_ORDER",
    "GET_FULFILLMENT",
    "GET_FULFILLMENT_ORDER",
    "GET_INVENTORY",
    "GET_LOCATION",
    "GET_ORDER",
    "GET_ORDER_METAFIELDS",
    "GET_PRODUCT",
    "GET_PRODUCT_METAFIELDS",
    "GET_REFUND",
    "GET_SHOP",
    "GRAPHQL_PATH",
    "LIST_ABANDONED_CHECKOUTS",
    "LIST_COLLECTIONS",
    "LIST_CUSTOMERS",
    "LIST_DISCOUNTS",
    "LIST_DRAFT_ORDERS",
    "LIST_FULFILLMENT_ORDERS",
    "LIST_LOCATIONS",
    "LIST_ORDERS",
    "LIST_ORDER_REFUNDS",
    "LIST_PRODUCTS",
    "REMOVE_CUSTOMER_TAGS",
    "REMOVE_PRODUCTS_FROM_COLLECTION",
    "SALES_ORDERS",
    "SET_INVENTORY",
    "SUGGEST_REFUND",
    "UPDATE_ORDER",
    "UPDATE_PRODUCT",
    "operation_name",
]
