"""Magento 2 / Adobe Commerce REST, one platform package."""

from shopmcp_adapters.upstreams.magento.client import (
    InvalidStoreAddress,
    MagentoClient,
    StoreAddress,
    magento_http,
)
from shopmcp_adapters.upstreams.magento.tools import tools
from shopmcp_adapters.upstreams.package import (
    CredentialField,
    PlatformPackage,
    Probe,
    UpstreamEnv,
)
from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import ConnectionUnavailable
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease

__all__ = ["PACKAGE"]


def _normalise(ref: str) -> str:
    ref = ref.strip().rstrip("/")
    StoreAddress.parse(ref)
    return ref


def _client(env: UpstreamEnv, connection: Connection, lease: CredentialLease) -> MagentoClient:
    try:
        address = StoreAddress.parse(connection.store_ref)
    except InvalidStoreAddress as error:
        raise ConnectionUnavailable(Platform.MAGENTO.value, str(error)) from None
    return MagentoClient(http=env.http, address=address, credentials=lease)


PACKAGE = PlatformPackage(
    platform=Platform.MAGENTO,
    display_name="Magento (Adobe Commerce)",
    store_ref_hint="the store's base URL (https://host[/path][/rest/<store_code>])",
    normalise_store_ref=_normalise,
    credential_fields=(
        CredentialField("access_token", "The integration's access token."),
        CredentialField("consumer_key", "OAuth 1.0a consumer key.", secret=False, required=False),
        CredentialField("consumer_secret", "OAuth 1.0a consumer secret.", required=False),
        CredentialField("access_token_secret", "OAuth 1.0a access token secret.", required=False),
    ),
    tools=tools,
    make_client=_client,
    http_policy=magento_http,
    writes_operator_locked=True,
    store_origin=lambda ref: StoreAddress.parse(ref).origin,
    probe=Probe("magento_get_store"),
    access_guidance=(
        "In the Magento admin (System > Extensions > Integrations) add an integration whose "
        "API resource access is Custom, ticking only the read resources you want (Catalog, "
        "Sales > Operations > Orders > Actions > View, Customers, Stores > Settings), "
        "activate it and paste its access token."
    ),
)
