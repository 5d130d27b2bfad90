"""Neto (Maropost Commerce Cloud) JSON API, one platform package."""

from shopmcp_adapters.upstreams.neto.client import (
    InvalidStoreAddress,
    NetoClient,
    StoreAddress,
    neto_http,
    normalise_store_ref,
)

# Under another name: bound as ``tools`` it would hide the tools submodule on the package.
from shopmcp_adapters.upstreams.neto.tools import tools as tool_table
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


def _client(env: UpstreamEnv, connection: Connection, lease: CredentialLease) -> NetoClient:
    try:
        address = StoreAddress.parse(connection.store_ref)
    except InvalidStoreAddress as error:
        raise ConnectionUnavailable(Platform.NETO.value, str(error)) from None
    return NetoClient(http=env.http, address=address, credentials=lease)


PACKAGE = PlatformPackage(
    platform=Platform.NETO,
    display_name="Neto (Maropost Commerce Cloud)",
    store_ref_hint="the store's https URL (https://www.example.com.au)",
    normalise_store_ref=normalise_store_ref,
    credential_fields=(
        CredentialField(
            "username", "The Neto user the API key belongs to (NETOAPI_USERNAME).", secret=False
        ),
        CredentialField("api_key", "The Neto API secure key (NETOAPI_KEY)."),
    ),
    tools=tool_table,
    make_client=_client,
    http_policy=neto_http,
    # The security page's v1 rule: Neto's write tools stay locked until the operator unlocks
    # the platform.
    writes_operator_locked=True,
    store_origin=lambda ref: StoreAddress.parse(ref).origin,
    probe=Probe("neto_list_warehouses", {"limit": 1}),
    access_guidance=(
        "In Neto (Settings & tools > All settings & tools > API) create a staff user for the "
        "API whose permissions allow only viewing products, orders, customers and warehouses, "
        "generate its secure API key, and give that user's name and the key."
    ),
)
