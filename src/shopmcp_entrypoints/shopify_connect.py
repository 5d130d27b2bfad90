"""Shopify's OAuth install as the dashboard and the callback route run it: the operator's app
(``SHOPMCP_SHOPIFY_CLIENT_ID`` / ``_SECRET`` / ``_SCOPES``), flows stored and consumed like
every OAuth platform's (:mod:`shopmcp_domain.services.oauth`), and Shopify's own callback
checks and token exchange (:mod:`shopmcp_adapters.upstreams.shopify_install`).

The redirect URI to register with the app is ``<redirect base>/oauth/shopify/callback``."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.shopify_install import (
    ShopifyApp,
    ShopifyInstallServer,
    authorization_url,
    verify_callback,
)
from shopmcp_domain.errors import (
    FlowRefusal,
    OAuthFlowRefused,
    OAuthNotConfigured,
)
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.oauth import OAuthFlow, StateSecret, invalid_state, read_state
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    Clock,
    CredentialVault,
    TenantRepository,
)
from shopmcp_domain.services import oauth as flows
from shopmcp_entrypoints.oauth_connect import redirect_uri
from shopmcp_entrypoints.settings import Settings

MISSING = "the operator must set SHOPMCP_SHOPIFY_CLIENT_ID and SHOPMCP_SHOPIFY_CLIENT_SECRET"


def shopify_app(settings: Settings) -> ShopifyApp | None:
    secret = settings.shopify_client_secret
    if not settings.shopify_client_id or secret is None or not secret.get_secret_value():
        return None
    return ShopifyApp(
        client_id=settings.shopify_client_id,
        client_secret=secret.get_secret_value(),
        redirect_uri=redirect_uri(settings, Platform.SHOPIFY),
        scopes=tuple(settings.shopify_scopes),
    )


@attrs.frozen
class StartedInstall:
    flow: OAuthFlow
    authorization_url: str


@attrs.frozen
class ShopifyInstalls:
    tenants: TenantRepository
    vault: CredentialVault = attrs.field(repr=False)
    clock: Clock
    secret: StateSecret = attrs.field(repr=False)
    http: UpstreamHttp
    app: ShopifyApp | None
    # The demo's sandbox origin for every shop; None in production.
    sandbox_origin: str | None = None

    @property
    def configured_app(self) -> ShopifyApp:
        if self.app is None:
            raise OAuthNotConfigured("shopify", MISSING)
        return self.app

    async def begin(self, workspace_id: WorkspaceId, shop: str) -> StartedInstall:
        """A pending flow for ``shop`` (already checked as a myshopify domain)."""
        app = self.configured_app
        begun = await flows.begin_flow(
            self.tenants, self.vault, self.clock, self.secret, workspace_id, Platform.SHOPIFY, shop
        )
        url = authorization_url(app, shop, begun.state, self.sandbox_origin)
        return StartedInstall(flow=begun.flow, authorization_url=url)

    async def complete(self, query: Sequence[tuple[str, str]]) -> flows.CompletedFlow:
        """The callback: Shopify's signature first (nothing else is read before it holds),
        then the state (signed, unexpired, used once), the code exchange and the scope check,
        and the store connected (or reconnected: one generation up)."""
        app = self.configured_app
        shop = verify_callback(query, app.client_secret)
        values = dict(query)
        await self._check_shop(values.get("state"), shop)
        server = ShopifyInstallServer(self.http, self.clock, app, shop, self.sandbox_origin)
        return await flows.complete_flow(
            self.tenants,
            self.vault,
            self.clock,
            self.secret,
            server,
            state=values.get("state"),
            code=values.get("code"),
            provider_error=values.get("error"),
        )

    async def _check_shop(self, state: str | None, shop: str) -> None:
        """A signed callback for another shop than the flow was started for is refused before
        its code is exchanged (the flow stays usable for its own shop)."""
        if not state:
            raise invalid_state()
        claims = read_state(self.secret, state, platform=Platform.SHOPIFY, now=self.clock.now())
        async with self.tenants.unit_of_work(claims.workspace_id) as uow:
            flow = await uow.oauth_flows.get(claims.flow_id)
        if flow is not None and flow.store_ref is not None and flow.store_ref != shop:
            raise OAuthFlowRefused(
                FlowRefusal.NO_STORE,
                f"this authorisation was started for {flow.store_ref}, not {shop}; start "
                "connecting again from the store you mean",
            )
