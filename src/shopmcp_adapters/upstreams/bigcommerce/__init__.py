"""BigCommerce (v3 catalog, customers, inventory, promotions, carts and refunds; v2 orders,
coupons, customer groups and store), one platform package."""

from shopmcp_adapters.upstreams.bigcommerce.client import (
    BigCommerceClient,
    bigcommerce_http,
    validate_store_hash,
)

# Under another name: bound as ``tools`` it would hide the tools submodule on the package.
from shopmcp_adapters.upstreams.bigcommerce.tools import tools as tool_table
from shopmcp_adapters.upstreams.package import CredentialField, PlatformPackage, UpstreamEnv
from shopmcp_domain.connections import Connection
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease

__all__ = ["PACKAGE"]


def _client(env: UpstreamEnv, connection: Connection, lease: CredentialLease) -> BigCommerceClient:
    return BigCommerceClient(env.http, connection.store_ref, lease, base_url=env.base_url)


PACKAGE = PlatformPackage(
    platform=Platform.BIGCOMMERCE,
    display_name="BigCommerce",
    store_ref_hint="the store hash (from the API path /stores/<hash>/)",
    normalise_store_ref=lambda ref: validate_store_hash(ref.strip()),
    credential_fields=(CredentialField("access_token", "A store API account access token."),),
    tools=tool_table,
    make_client=_client,
    http_policy=bigcommerce_http,
)
