"""The Shopify tools: one table, its rows added by one module per resource."""

from shopmcp_adapters.upstreams.shopify.tools import (
    catalog,
    collections,
    customers,
    discounts,
    drafts,
    fulfilment,
    metafields,
    orders,
    refunds,
    sales,
)
from shopmcp_adapters.upstreams.shopify.tools.table import tools

__all__ = [
    "catalog",
    "collections",
    "customers",
    "discounts",
    "drafts",
    "fulfilment",
    "metafields",
    "orders",
    "refunds",
    "sales",
    "tools",
]
