"""OAuth connect flows as the gateway's callback route and the CLI run them: the configured
providers, the state secret, and the domain's flow use cases bound to the ports.

The redirect URI registered with each provider is ``<redirect base>/oauth/<platform>/callback``;
the redirect base is ``SHOPMCP_OAUTH_REDIRECT_BASE_URL``, else ``SHOPMCP_PUBLIC_BASE_URL``, else
the gateway's own ``http://<host>:<port>`` (loopback, for trying it out locally).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.oauth2 import OAuthClient, OAuthClientConfig, OAuthProvider
from shopmcp_adapters.upstreams.oauth_providers import oauth_providers
from shopmcp_adapters.vault.secret_file import OAUTH_STATE_SECRET, load_or_create_secret
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import OAuthFlowId, WorkspaceId
from shopmcp_domain.oauth import OAuthFlow, StateClaims, StateSecret, read_state
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    Clock,
    CredentialVault,
    TenantRepository,
)
from shopmcp_domain.services import oauth as flows
from shopmcp_entrypoints.settings import Settings

CALLBACK_PATH = "/oauth/{platform}/callback"


def redirect_base_url(settings: Settings) -> str:
    base = settings.oauth_redirect_base_url or settings.public_base_url
    if base:
        return base.rstrip("/")
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host  # noqa: S104
    return f"http://{host}:{settings.port}"


def redirect_uri(settings: Settings, platform: Platform) -> str:
    return redirect_base_url(settings) + CALLBACK_PATH.format(platform=platform.value)


def missing_hint(platform: Platform) -> str:
    prefix = f"SHOPMCP_{platform.value.upper()}"
    return f"the operator must set {prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET"


def client_config(settings: Settings, platform: Platform) -> OAuthClientConfig | None:
    client_id = getattr(settings, f"{platform.value}_client_id", None)
    secret = getattr(settings, f"{platform.value}_client_secret", None)
    if not client_id or secret is None or not secret.get_secret_value():
        return None
    return OAuthClientConfig(
        client_id=client_id,
        client_secret=secret.get_secret_value(),
        redirect_uri=redirect_uri(settings, platform),
    )


def state_secret(settings: Settings) -> StateSecret:
    if settings.oauth_state_secret is not None:
        return StateSecret.from_text(settings.oauth_state_secret.get_secret_value())
    return StateSecret(load_or_create_secret(settings.data_dir / OAUTH_STATE_SECRET))


def provider_for_settings(settings: Settings, provider: OAuthProvider) -> OAuthProvider:
    """The provider, sent to the sandbox origin when one is configured for its platform."""
    origin = settings.upstream_base_urls.get(provider.platform)
    return provider.with_origin(origin) if origin else provider


def oauth_clients(
    settings: Settings, http: UpstreamHttp, clock: Clock
) -> dict[Platform, OAuthClient]:
    """One client per OAuth provider, configured or not (an unconfigured one refuses with a
    message naming the settings)."""
    return {
        platform: OAuthClient(
            provider_for_settings(settings, provider),
            http,
            clock,
            client_config(settings, platform),
            missing_hint(platform),
        )
        for platform, provider in oauth_providers().items()
    }


@attrs.frozen
class StartedConnect:
    flow: OAuthFlow
    authorization_url: str

    def __repr__(self) -> str:
        return f"StartedConnect(flow={self.flow.id}, platform={self.flow.platform.value})"


@attrs.frozen
class OAuthConnector:
    """What the callback route and ``shopmcp connect <oauth platform>`` use."""

    tenants: TenantRepository
    vault: CredentialVault = attrs.field(repr=False)
    clock: Clock
    secret: StateSecret = attrs.field(repr=False)
    clients: Mapping[Platform, OAuthClient]

    def client(self, platform: Platform | str) -> OAuthClient:
        try:
            client = self.clients.get(Platform(platform))
        except ValueError:
            client = None
        if client is None:
            raise NotFound("OAuth provider")
        return client

    async def begin(
        self, workspace_id: WorkspaceId, platform: Platform | str, store_ref: str | None = None
    ) -> StartedConnect:
        client = self.client(platform)
        client.ensure_configured()  # before a flow is stored
        begun = await flows.begin_flow(
            self.tenants,
            self.vault,
            self.clock,
            self.secret,
            workspace_id,
            client.platform,
            store_ref,
        )
        return StartedConnect(
            flow=begun.flow,
            authorization_url=client.authorization_url(
                begun.state, begun.code_challenge, writes=begun.writes_enabled
            ),
        )

    async def complete(
        self,
        platform: Platform | str,
        *,
        state: str | None,
        code: str | None,
        error: str | None = None,
    ) -> flows.CompletedFlow:
        return await flows.complete_flow(
            self.tenants,
            self.vault,
            self.clock,
            self.secret,
            self.client(platform),
            state=state,
            code=code,
            provider_error=error,
        )

    def claims(self, platform: Platform | str, state: str) -> StateClaims:
        """What a state says, once its signature, platform and expiry are checked."""
        client = self.client(platform)
        return read_state(self.secret, state, platform=client.platform, now=self.clock.now())

    async def flow(self, workspace_id: WorkspaceId, flow_id: OAuthFlowId) -> OAuthFlow | None:
        async with self.tenants.unit_of_work(workspace_id) as uow:
            return await uow.oauth_flows.get(flow_id)
