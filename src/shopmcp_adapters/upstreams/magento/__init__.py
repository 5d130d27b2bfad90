"""Magento 2 / Adobe Commerce: the tool table, its thin REST client and a sandbox store
(``shopmcp_adapters.upstreams.magento.sandbox``, imported separately)."""

from shopmcp_adapters.upstreams.magento.client import MagentoClient, StoreAddress
from shopmcp_adapters.upstreams.magento.tools import (
    MAGENTO_TOOL_SPECS,
    TOOLS,
    UPDATE_PRODUCT_SPEC,
    build_magento_module,
)

__all__ = [
    "MAGENTO_TOOL_SPECS",
    "TOOLS",
    "UPDATE_PRODUCT_SPEC",
    "MagentoClient",
    "StoreAddress",
    "build_magento_module",
]
