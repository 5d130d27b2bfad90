"""Shopify Admin GraphQL (pinned API version), one platform package."""

from shopmcp_adapters.upstreams.package import (
    CredentialField,
    PlatformPackage,
    Probe,
    UpstreamEnv,
)
from shopmcp_adapters.upstreams.shopify.client import (
    ShopifyClient,
    shopify_http,
    validate_shop_domain,
)
from shopmcp_adapters.upstreams.shopify.tools import tools as shopify_tools
from shopmcp_domain.connections import Connection
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease

__all__ = ["PACKAGE"]


def _client(env: UpstreamEnv, connection: Connection, lease: CredentialLease) -> ShopifyClient:
    return ShopifyClient(env.http, connection.store_ref, lease, env.clock, env.base_url)


PACKAGE = PlatformPackage(
    platform=Platform.SHOPIFY,
    display_name="Shopify",
    store_ref_hint="the shop's *.myshopify.com domain",
    normalise_store_ref=lambda ref: validate_shop_domain(ref.strip().lower()),
    credential_fields=(
        CredentialField("access_token", "An Admin API access token (offline)."),
        CredentialField(
            "client_id", "The app's client id (expiring tokens).", secret=False, required=False
        ),
        CredentialField(
            "client_secret", "The app's client secret (expiring tokens).", required=False
        ),
        CredentialField("refresh_token", "The refresh token (expiring tokens).", required=False),
        CredentialField(
            "expires_at", "When the access token expires (ISO 8601).", secret=False, required=False
        ),
    ),
    tools=shopify_tools,
    make_client=_client,
    http_policy=shopify_http,
    probe=Probe("shopify_get_shop"),
    access_guidance=(
        "Create a custom app in the Shopify admin (Settings > Apps and sales channels > Develop "
        "apps), give its Admin API integration only the read_* scopes of what you want the "
        "assistant to see (add write_products or write_inventory only if you will enable "
        "writes), install it and paste its Admin API access token (shpat_...)."
    ),
)
