"""Shopify Admin GraphQL (pinned API version): the tool table, the thin client and a sandbox."""

from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.documents import API_VERSION
from shopmcp_adapters.upstreams.shopify.tools import SPECS, TOOLS, build_shopify_module

__all__ = ["API_VERSION", "SPECS", "TOOLS", "ShopifyClient", "build_shopify_module"]
