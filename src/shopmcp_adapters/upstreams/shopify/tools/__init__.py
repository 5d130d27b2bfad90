"""The Shopify tools: one table, its rows added by one module per resource."""

from shopmcp_adapters.upstreams.shopify.tools import catalog, customers, orders
from shopmcp_adapters.upstreams.shopify.tools.table import tools

__all__ = ["catalog", "customers", "orders", "tools"]
