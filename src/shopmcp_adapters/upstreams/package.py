"""The one shape of a platform package.

Every ``upstreams/<platform>/`` package exports exactly one :class:`PlatformPackage` named
``PACKAGE``: its tool table, how to build its thin client for one connection, how to check a
store reference when a merchant connects, and which credential fields it takes. The
composition root builds every module from these objects and nothing else; the tuple in
``upstreams.platforms`` is the only list of platforms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.module import PlatformModule, ToolTable
from shopmcp_adapters.upstreams.oauth2 import OAuthClient, OAuthProvider
from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import ConnectionUnavailable
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    Clock,
    CredentialLease,
)
from shopmcp_domain.tools.spec import ToolSpec

ClientT = TypeVar("ClientT")


class InvalidStoreReference(ValueError):
    """A store reference a platform would never accept, refused at connect time."""


class InvalidCredentialFields(ValueError):
    """Credential fields a platform does not take, or a required one missing."""


@attrs.frozen
class UpstreamEnv:
    """What a platform's client is built from: the shared HTTP policy (already carrying the
    platform's error readers), the clock, an origin that replaces the platform's own for
    every connection (only the demo's sandboxes and tests set it), and for an OAuth platform
    the client that refreshes its tokens (``OAuthTokens(env.oauth, lease, env.clock)``)."""

    http: UpstreamHttp
    clock: Clock
    base_url: str | None = None
    oauth: OAuthClient | None = None


@attrs.frozen
class CredentialField:
    name: str
    description: str
    secret: bool = True
    required: bool = True


# What an OAuth platform's connection holds: written by the connect flow and its refreshes
# (``upstreams.oauth2``), never typed by a merchant. An OAuth package declares these fields.
OAUTH_CREDENTIAL_FIELDS = (
    CredentialField("access_token", "The current access token."),
    CredentialField("refresh_token", "The refresh token (Xero rotates it on every refresh)."),
    CredentialField("expires_at", "When the access token expires (ISO 8601).", secret=False),
    CredentialField("scopes", "The scopes granted, space-separated.", secret=False),
)


@attrs.frozen
class Probe:
    """The validation read made with a candidate credential before it is saved: one cheap read
    tool of the package's own table, with these arguments."""

    tool: str
    arguments: Mapping[str, Any] = attrs.field(factory=dict)


def _no_policy_changes(http: UpstreamHttp) -> UpstreamHttp:
    return http


@attrs.frozen
class PlatformPackage(Generic[ClientT]):
    platform: Platform
    display_name: str
    # How the merchant names a store on this platform, for help texts ("a *.myshopify.com
    # domain"), and the check that normalises it (raises ValueError saying why not).
    store_ref_hint: str
    normalise_store_ref: Callable[[str], str]
    credential_fields: tuple[CredentialField, ...]
    tools: ToolTable[ClientT]
    make_client: Callable[[UpstreamEnv, Connection, CredentialLease], ClientT]
    # The platform's error-body and retry-after readers plugged into the shared policy.
    http_policy: Callable[[UpstreamHttp], UpstreamHttp] = _no_policy_changes
    # Write tools compiled in but locked by the operator until a setting unlocks the platform
    # (the security page's v1 rule for Magento and Neto); only then does a workspace's own
    # opt-in apply.
    writes_operator_locked: bool = False
    # Where requests for a store go, when the merchant names the host (a store URL): the SSRF
    # guard vets that origin when the store is connected, not only when it is called. None for
    # platforms whose API host is fixed or constrained (api.bigcommerce.com, *.myshopify.com).
    store_origin: Callable[[str], str] | None = None
    # How merchants connect it through OAuth 2.0 (Xero, Google); None for token platforms.
    oauth: OAuthProvider | None = None
    # The read that checks a credential before it is saved (None: saved unchecked).
    probe: Probe | None = None
    # Whether identical reads are served briefly from the shared read cache (Xero: its limits
    # are per organisation and low, 60 calls a minute); the TTL is the operator's setting.
    read_cache: bool = False
    # How to mint the narrowest token on this platform (the upstream ACL is the final gate):
    # shown with every connect answer.
    access_guidance: str = ""

    def __attrs_post_init__(self) -> None:
        if self.tools.platform is not self.platform:
            raise ValueError(f"{self.platform.value}: the tool table is another platform's")
        if self.probe is not None:
            spec = next((s for s in self.tools.specs if s.name == self.probe.tool), None)
            if spec is None or spec.access.value != "read":
                raise ValueError(f"{self.platform.value}: the probe must be one of its reads")
        if self.oauth is not None and self.oauth.platform is not self.platform:
            raise ValueError(f"{self.platform.value}: the OAuth provider is another platform's")

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return self.tools.specs

    def build(self, env: UpstreamEnv) -> PlatformModule[ClientT]:
        bound = attrs.evolve(env, http=self.http_policy(env.http))

        def client_for(connection: Connection, credentials: CredentialLease) -> ClientT:
            return self.make_client(bound, connection, credentials)

        return PlatformModule(self.platform, self.tools.tools, client_for)

    def check_store_ref(self, ref: str) -> str:
        """The normalised store reference, or :class:`InvalidStoreReference` saying why not."""
        try:
            return self.normalise_store_ref(ref)
        except ConnectionUnavailable as error:
            raise InvalidStoreReference(error.message) from None
        except ValueError as error:
            raise InvalidStoreReference(f"{self.platform.value}: {error}") from None

    def check_credential_fields(self, names: frozenset[str]) -> None:
        known = {f.name for f in self.credential_fields}
        unknown = sorted(names - known)
        missing = sorted(
            f.name for f in self.credential_fields if f.required and f.name not in names
        )
        problems = []
        if unknown:
            problems.append("unknown fields " + ", ".join(unknown))
        if missing:
            problems.append("missing " + ", ".join(missing))
        if problems:
            raise InvalidCredentialFields(
                f"{self.platform.value} credentials: {'; '.join(problems)} "
                f"(it takes {', '.join(sorted(known))})"
            )


AnyPackage = PlatformPackage[Any]
