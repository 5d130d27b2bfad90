"""Xero Accounting, one platform package.

A connection is one Xero organisation (a *tenant*), connected through OAuth 2.0
(``xero.oauth``): its ``store_ref`` is the tenant id, sent as ``xero-tenant-id`` on every
request, and its label the organisation's name. A workspace may connect several organisations;
with more than one, every Xero tool takes the gateway's ``store`` argument (as every platform
does for several stores). Reads are the default; the two writes (a draft invoice, a contact's
names and phone) are registered only for a workspace that opted in to Xero writes.
"""

from shopmcp_adapters.upstreams.oauth2 import OAuthTokens
from shopmcp_adapters.upstreams.package import (
    OAUTH_CREDENTIAL_FIELDS,
    PlatformPackage,
    Probe,
    UpstreamEnv,
)
from shopmcp_adapters.upstreams.xero.client import XeroClient, normalise_store_ref, xero_http
from shopmcp_adapters.upstreams.xero.oauth import XERO_OAUTH

# Under another name: bound as ``tools`` it would hide the tools submodule on the package.
from shopmcp_adapters.upstreams.xero.tools import tools as tool_table
from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import ConnectionUnavailable
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease

__all__ = ["PACKAGE"]


def _client(env: UpstreamEnv, connection: Connection, lease: CredentialLease) -> XeroClient:
    if env.oauth is None:
        # The composition root always gives an OAuth platform its client; without one an
        # expired access token could not be refreshed.
        raise ConnectionUnavailable(Platform.XERO.value, "Xero's OAuth client is not set up")
    try:
        tenant = normalise_store_ref(connection.store_ref)
    except ValueError as error:
        raise ConnectionUnavailable(Platform.XERO.value, str(error)) from None
    return XeroClient(
        http=env.http,
        tokens=OAuthTokens(env.oauth, lease, env.clock),
        tenant_id=tenant,
        monotonic=env.clock.monotonic,
        base_url=env.base_url,
    )


PACKAGE = PlatformPackage(
    platform=Platform.XERO,
    display_name="Xero",
    store_ref_hint="a Xero organisation's tenant id (set by the OAuth flow)",
    normalise_store_ref=normalise_store_ref,
    credential_fields=OAUTH_CREDENTIAL_FIELDS,
    tools=tool_table,
    make_client=_client,
    http_policy=xero_http,
    oauth=XERO_OAUTH,
    probe=Probe("xero_get_organisation"),
    read_cache=True,
    access_guidance=(
        "Xero asks which organisations to share: tick only the ones this workspace needs. "
        "The gateway asks for read-only accounting scopes."
    ),
)
