"""BigCommerce: v3 catalog, customers and inventory, v2 orders and store, behind
``X-Auth-Token`` and the store hash (``connection.store_ref``).

Credentials payload: ``{"access_token": ...}`` (an API account or app token).
"""

from __future__ import annotations

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient, bigcommerce_http
from shopmcp_adapters.upstreams.bigcommerce.tools import SPECS, TOOLS
from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_domain.connections import Connection
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease

__all__ = ["SPECS", "BigCommerceClient", "build_bigcommerce_module"]


def build_bigcommerce_module(http: UpstreamHttp) -> PlatformModule[BigCommerceClient]:
    """The module for every BigCommerce connection. ``http`` is the shared policy (one pooled
    client for api.bigcommerce.com); BigCommerce's error and retry-after readers are set here."""
    policy = bigcommerce_http(http)

    def client_for(connection: Connection, credentials: CredentialLease) -> BigCommerceClient:
        return BigCommerceClient(policy, connection.store_ref, credentials)

    return PlatformModule(Platform.BIGCOMMERCE, TOOLS, client_for)
