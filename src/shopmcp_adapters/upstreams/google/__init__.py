"""Google (GA4, Merchant Center, Search Console), one platform package.

A connection is one Google account, connected through OAuth 2.0 (``google.oauth``): its
``store_ref`` is the account's subject id and its label the account's email. Which GA4
property, Merchant Center account or Search Console site a tool reads is the tool's argument;
the list tools show what the account can see. Every tool is a read.
"""

from shopmcp_adapters.upstreams.google.client import GoogleClient, google_http, normalise_store_ref
from shopmcp_adapters.upstreams.google.oauth import GOOGLE_OAUTH

# Under another name: bound as ``tools`` it would hide the tools subpackage on the package.
from shopmcp_adapters.upstreams.google.tools import tools as tool_table
from shopmcp_adapters.upstreams.oauth2 import OAuthTokens
from shopmcp_adapters.upstreams.package import (
    OAUTH_CREDENTIAL_FIELDS,
    PlatformPackage,
    UpstreamEnv,
)
from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import ConnectionUnavailable
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease

__all__ = ["PACKAGE"]


def _client(env: UpstreamEnv, connection: Connection, lease: CredentialLease) -> GoogleClient:
    if env.oauth is None:
        # The composition root always gives an OAuth platform its client; without one an
        # expired access token could not be refreshed.
        raise ConnectionUnavailable(Platform.GOOGLE.value, "Google's OAuth client is not set up")
    return GoogleClient(
        http=env.http, tokens=OAuthTokens(env.oauth, lease, env.clock), base_url=env.base_url
    )


PACKAGE = PlatformPackage(
    platform=Platform.GOOGLE,
    display_name="Google (Analytics, Merchant Center, Search Console)",
    store_ref_hint="a Google account's subject id (set by the OAuth flow)",
    normalise_store_ref=normalise_store_ref,
    credential_fields=OAUTH_CREDENTIAL_FIELDS,
    tools=tool_table,
    make_client=_client,
    http_policy=google_http,
    oauth=GOOGLE_OAUTH,
)
