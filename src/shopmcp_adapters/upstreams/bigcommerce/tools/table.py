"""The one BigCommerce tool table: every module of this package adds its rows to it."""

from __future__ import annotations

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient
from shopmcp_adapters.upstreams.module import ToolTable
from shopmcp_domain.platforms import Platform

PLATFORM = Platform.BIGCOMMERCE

tools = ToolTable[BigCommerceClient](PLATFORM)
