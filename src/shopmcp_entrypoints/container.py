"""The composition root: the one place that knows which adapter serves which port.

One container serves every deployment. The embedded default (embedded PostgreSQL, local vault,
in-process limiter, no billing) and production (``SHOPMCP_DATABASE_URL``,
``SHOPMCP_KMS_KEY_ID``, ``SHOPMCP_REDIS_URL``, ``SHOPMCP_STRIPE_API_KEY``) are configuration of
the same providers; tests override providers with the in-memory fakes.

Nothing here runs at import. Resources (pools, clients, the embedded server) open on first use,
which is the app's lifespan, and close in ``shutdown_resources``.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import httpx
from dependency_injector import containers, providers
from litestar.di import Provide

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.platforms import platform_names
from shopmcp_domain.accounts import AuthSecret
from shopmcp_domain.confirmation_ports import ConfirmationStore, WriteApprovalReview
from shopmcp_domain.identity import AdminDirectory, EmailSender, IdentityStore
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.limit_ports import (
    RateLimiter,
)
from shopmcp_domain.operability_ports import (
    OutboxBacklog,
    ReadinessProbe,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    AuditChainReader,
    AuditLog,
    ChangeFeed,
    Clock,
    CredentialVault,
    MeterOutbox,
    RetentionStore,
    ScopeSource,
    TenantRepository,
)
from shopmcp_domain.services.call_tool import NO_OBSERVER
from shopmcp_domain.services.key_scope import ConnectionScopedSource
from shopmcp_domain.services.readiness import ReadinessChecks
from shopmcp_domain.services.scope_cache import CachedScopeSource
from shopmcp_entrypoints.call_resources import (
    _billing_events_of,
    _host_guard,
    _http_clients,
    _oauth_clients,
    _oauth_http_client,
    _platform_modules,
    _quota_counter,
    _rate_limiter,
    _read_cache,
    _registry,
    _store_check,
    _stripe_webhooks,
    _upstreams,
    _writes_locked,
)
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.gateway import GatewayPorts, MetricsEndpoint
from shopmcp_entrypoints.oauth_connect import OAuthConnector, state_secret
from shopmcp_entrypoints.probing import ModuleProbe
from shopmcp_entrypoints.settings import Settings
from shopmcp_entrypoints.shopify_connect import ShopifyInstalls, shopify_app

if TYPE_CHECKING:
    from shopmcp_adapters.observability.metrics import PrometheusMetrics
    from shopmcp_adapters.postgres import Database
    from shopmcp_adapters.vault import LocalKeyRing
    from shopmcp_adapters.vault.rotation import Rewrapper, RewrapSource

T = TypeVar("T")


def _system_clock() -> Clock:
    return SystemClock()


async def _open_tenant_database(settings: Settings) -> AsyncIterator[Database]:
    """Embedded PostgreSQL under the data dir, or SHOPMCP_DATABASE_URL; migrations applied."""
    from shopmcp_adapters.postgres import open_database

    url = settings.database_url.get_secret_value() if settings.database_url else None
    tenant_url = (
        settings.tenant_database_url.get_secret_value() if settings.tenant_database_url else None
    )
    mcp_url = settings.mcp_database_url.get_secret_value() if settings.mcp_database_url else None
    database = await open_database(
        url, settings.data_dir, tenant_database_url=tenant_url, mcp_database_url=mcp_url
    )
    try:
        yield database
    finally:
        await database.close()


def _tenants_of(database: Database) -> TenantRepository:
    return database.tenants


class ScopesAndAudit(ScopeSource, AuditLog, Protocol):
    """The MCP runtime's store: both sides of its hot path (one adapter serves both)."""


def _mcp_tenants_of(database: Database) -> TenantRepository:
    """Units of work as the MCP runtime's role (shopmcp_mcp): a lease's rotation, playbooks."""
    return database.mcp_tenants


def _runtime_of(database: Database) -> ScopesAndAudit:
    """The MCP runtime's store: a key's scope in one read, audit rows group-committed."""
    return database.runtime


def _confirmations_of(database: Database) -> ConfirmationStore:
    """Write confirmations and idempotency keys, as the MCP runtime's role (migration 0010)."""
    return database.confirmations


def _write_approvals_of(database: Database) -> WriteApprovalReview:
    """The dashboard's side of write approvals, as the tenant role (migration 0017)."""
    return database.write_approvals


def _audit_log_of(runtime: ScopesAndAudit) -> AuditLog:
    return runtime


async def _cached_scopes(
    runtime: ScopesAndAudit, changes: ChangeFeed, clock: Clock
) -> AsyncIterator[ScopeSource]:
    """Authenticated scopes from memory, dropped by the change feed when anything of their
    workspace changes on any replica (see ``CachedScopeSource``)."""
    # Keys scoped to some connections see only those (filtered before caching: a key's scopes
    # never change).
    cache = CachedScopeSource(ConnectionScopedSource(runtime), changes, clock)
    try:
        yield cache
    finally:
        cache.close()


def _identity_of(database: Database) -> IdentityStore:
    """Accounts, sessions and sign-in codes, as shopmcp_tenant (migration 0006's policies)."""
    return database.identity


def _admin_of(database: Database) -> AdminDirectory:
    """The admin console's cross-tenant reads and changes: the owner side of the store."""
    return database.owner


def _audit_chain_of(database: Database) -> AuditChainReader:
    """The usage events' hash chain, read by ``shopmcp audit verify``: the owner side."""
    return database.audit_chain


def _readiness_probes(
    database: Database, limiter: RateLimiter, vault: CredentialVault, clock: Clock
) -> ReadinessChecks:
    """What ``/ready`` asks: PostgreSQL (each runtime pool), Redis when the rate limiter uses
    it, and KMS when the vault uses it (the local vault has nothing to reach)."""
    from shopmcp_adapters.postgres.health import PostgresReadiness
    from shopmcp_adapters.ratelimit import RedisRateLimiter
    from shopmcp_adapters.ratelimit.health import RedisReadiness
    from shopmcp_adapters.vault import KmsVault
    from shopmcp_adapters.vault.health import KmsReadiness

    probes: list[ReadinessProbe] = [
        PostgresReadiness((database.mcp_pool, database.tenant_pool, database.owner_pool))
    ]
    if isinstance(limiter, RedisRateLimiter):
        probes.append(RedisReadiness(limiter))
    if isinstance(vault, KmsVault):
        probes.append(KmsReadiness(vault, clock))
    return ReadinessChecks(tuple(probes))


def _metrics(settings: Settings, vault: CredentialVault) -> PrometheusMetrics | None:
    """The metrics the hot path reports to and ``/metrics`` renders; None when they are off."""
    if not settings.metrics_enabled:
        return None
    from shopmcp_adapters.observability.metrics import PrometheusMetrics
    from shopmcp_adapters.vault import EnvelopeVault

    metrics = PrometheusMetrics()
    if isinstance(vault, EnvelopeVault):
        cache = vault.cache
        metrics.watch_data_key_cache(lambda: (cache.hits, cache.misses))
    return metrics


def _backlog_of(database: Database) -> OutboxBacklog:
    """The billing drain's backlog, for metrics (owner side: counts only)."""
    return database.owner


def _metrics_endpoint(
    settings: Settings,
    metrics: PrometheusMetrics | None,
    backlog: OutboxBacklog,
    clock: Clock,
) -> MetricsEndpoint:
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    return MetricsEndpoint(metrics=metrics, backlog=backlog, clock=clock, token=token)


def _retention_of(database: Database) -> RetentionStore:
    """The retention sweep's cross-tenant deletes: the owner side of the store."""
    return database.retention


def _auth_secret(settings: Settings) -> AuthSecret:
    if settings.auth_secret is not None:
        return AuthSecret.from_text(settings.auth_secret.get_secret_value())
    from shopmcp_adapters.vault.secret_file import load_or_create_secret

    return AuthSecret(load_or_create_secret(settings.data_dir / "auth" / "auth.secret"))


def _mailer(
    settings: Settings, clock: Clock, client: httpx.AsyncClient, guard: HostGuard
) -> EmailSender:
    """The provider's HTTP API with SHOPMCP_EMAIL_API_URL, else the local outbox file."""
    from shopmcp_adapters.email import HttpEmailSender, LocalOutbox

    if settings.email_api_url is None:
        return LocalOutbox(settings.data_dir, clock.now)
    key = settings.email_api_key.get_secret_value() if settings.email_api_key else ""
    return HttpEmailSender(
        http=UpstreamHttp(platform="email", client=client, guard=guard),
        url=settings.email_api_url,
        api_key=key,
        sender=settings.email_from,
    )


def _scope_forgetter(scopes: ScopeSource) -> Callable[[WorkspaceId], None]:
    if isinstance(scopes, CachedScopeSource):
        return scopes.forget_workspace

    def nothing_cached(_: WorkspaceId) -> None:
        return None

    return nothing_cached


def _shopify_installs(
    settings: Settings,
    tenants: TenantRepository,
    vault: CredentialVault,
    clock: Clock,
    secret: Any,
    clients: Mapping[Platform, httpx.AsyncClient],
    guard: HostGuard,
) -> ShopifyInstalls:
    from shopmcp_adapters.upstreams.shopify.client import shopify_http

    http = shopify_http(
        UpstreamHttp(platform="shopify", client=clients[Platform.SHOPIFY], guard=guard)
    )
    return ShopifyInstalls(
        tenants=tenants,
        vault=vault,
        clock=clock,
        secret=secret,
        http=http,
        app=shopify_app(settings),
        sandbox_origin=settings.upstream_base_urls.get(Platform.SHOPIFY),
    )


def _dashboard_base_url(settings: Settings) -> str:
    from shopmcp_entrypoints.commands._admin import mcp_base_url

    return mcp_base_url(settings)


def _meter_outbox_of(database: Database) -> MeterOutbox:
    return database.outbox


def _rewrap_source_of(database: Database) -> RewrapSource:
    """The owner side of the store, which ``shopmcp keys rewrap`` pages and swaps through
    (cross-tenant by nature: never reachable from a request)."""
    return database.owner


async def _open_change_feed(database: Database) -> AsyncIterator[ChangeFeed]:
    """The cross-replica change notices: one LISTEN connection to the tenant database, which
    the row triggers notify on every write of a credential, connection, key or workspace."""
    from shopmcp_adapters.postgres.changes import PostgresChangeFeed

    feed = PostgresChangeFeed(database.connect_tenant)
    await feed.start()
    try:
        yield feed
    finally:
        await feed.stop()


async def _open_vault(
    settings: Settings, clock: Clock, changes: ChangeFeed
) -> AsyncIterator[CredentialVault]:
    """KMS with SHOPMCP_KMS_KEY_ID, else the local vault under the data dir. Running, it evicts
    data keys as they expire and as soon as any replica deletes or re-seals their credential."""
    from shopmcp_adapters.vault import build_vault

    vault = build_vault(
        settings.kms_key_id, settings.data_dir, clock, cache_seconds=settings.dek_cache_seconds
    )
    await vault.start(changes)
    try:
        yield vault
    finally:
        await vault.aclose()


def _rewrap_vault(settings: Settings, clock: Clock, to_key_id: str) -> Rewrapper:
    """The vault ``shopmcp keys rewrap`` uses: it opens data keys under every configured
    master key and wraps them under ``to_key_id`` (given when the provider is called)."""
    from shopmcp_adapters.vault import build_rewrap_vault

    return build_rewrap_vault(settings.kms_key_id, settings.data_dir, clock, to_key_id)


def _local_keys(settings: Settings) -> LocalKeyRing:
    """The local master key files under the data dir (``shopmcp keys new-local``)."""
    from shopmcp_adapters.vault import LocalKeyRing

    return LocalKeyRing.load(settings.data_dir)


async def _outbox_drainer(settings: Settings, outbox: MeterOutbox) -> AsyncIterator[Any]:
    """The Stripe drain worker, or None without SHOPMCP_STRIPE_API_KEY (the outbox accumulates).
    The app's lifespan starts and stops it."""
    if settings.stripe_api_key is None:
        yield None
        return
    from shopmcp_adapters.billing import stripe_outbox_drainer

    yield stripe_outbox_drainer(
        outbox,
        settings.stripe_api_key.get_secret_value(),
        settings.stripe_meter_event_name,
        overage_event_name=settings.stripe_overage_event_name,
        api_base=settings.stripe_api_base,
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(_system_clock)

    # The tenant store: one database object serving three ports.
    database = providers.Resource(_open_tenant_database, settings=settings)
    tenants = providers.Callable(_tenants_of, database)
    meter_outbox = providers.Callable(_meter_outbox_of, database)
    # The MCP runtime's side of the store, as its own confined role.
    runtime_store = providers.Callable(_runtime_of, database)
    audit_log = providers.Callable(_audit_log_of, runtime_store)
    confirmations = providers.Callable(_confirmations_of, database)
    write_approvals = providers.Callable(_write_approvals_of, database)
    mcp_tenants = providers.Callable(_mcp_tenants_of, database)

    change_feed = providers.Resource(_open_change_feed, database=database)
    scope_source = providers.Resource(
        _cached_scopes, runtime=runtime_store, changes=change_feed, clock=clock
    )
    vault = providers.Resource(_open_vault, settings=settings, clock=clock, changes=change_feed)
    # Master-key rotation (``shopmcp keys``): the owner side of the store, a vault built per
    # target key (``rewrap_vault(to_key_id=...)``), and the local key files.
    rewrap_source = providers.Callable(_rewrap_source_of, database)
    rewrap_vault = providers.Factory(_rewrap_vault, settings=settings, clock=clock)
    local_keys = providers.Factory(_local_keys, settings=settings)
    rate_limiter = providers.Resource(_rate_limiter, settings=settings, clock=clock)
    quota_counter = providers.Resource(_quota_counter, settings=settings, database=database)
    billing_events = providers.Callable(_billing_events_of, database)
    stripe_webhooks = providers.Singleton(
        _stripe_webhooks, settings=settings, events=billing_events, clock=clock
    )
    # None without SHOPMCP_STRIPE_API_KEY: the outbox accumulates.

    # The meter (Stripe) lives inside the drainer; None without SHOPMCP_STRIPE_API_KEY.
    outbox_drainer = providers.Resource(_outbox_drainer, settings=settings, outbox=meter_outbox)

    host_guard = providers.Singleton(_host_guard, settings=settings)
    # The same guard, at connect time: a store URL a merchant names is vetted before it is kept.
    store_check = providers.Singleton(_store_check, guard=host_guard)
    http_clients = providers.Resource(_http_clients, settings=settings, guard=host_guard)
    # OAuth platforms (Xero, Google): their token endpoints' client, one OAuthClient each, the
    # state secret, and the connect flows the callback route and the CLI run.
    oauth_http_client = providers.Resource(_oauth_http_client, settings=settings, guard=host_guard)
    oauth_clients = providers.Singleton(
        _oauth_clients, settings=settings, client=oauth_http_client, guard=host_guard, clock=clock
    )
    oauth_state_secret = providers.Singleton(state_secret, settings=settings)
    oauth_connector = providers.Singleton(
        OAuthConnector,
        tenants=tenants,
        vault=vault,
        clock=clock,
        secret=oauth_state_secret,
        clients=oauth_clients,
    )
    platform_modules = providers.Singleton(
        _platform_modules,
        settings=settings,
        clients=http_clients,
        guard=host_guard,
        clock=clock,
        oauth=oauth_clients,
    )
    # Built once, from every platform module.
    tool_registry = providers.Singleton(_registry, platform_modules)
    read_cache = providers.Resource(_read_cache, settings=settings, clock=clock)
    upstreams = providers.Singleton(
        _upstreams, platform_modules, cache=read_cache, settings=settings
    )
    # The operator's write lock, as data for the tool policy: computed once, from the packages
    # and SHOPMCP_WRITES_UNLOCKED_PLATFORMS.
    writes_locked = providers.Singleton(_writes_locked, settings=settings)
    platform_names = providers.Singleton(platform_names)

    # The dashboard REST API: people, the admin directory, mail, the auth secret, the
    # validation read and Shopify's install flow.
    identity = providers.Callable(_identity_of, database)
    admin_directory = providers.Callable(_admin_of, database)
    # Metrics: the hot path's observer, and what /metrics renders (with the outbox's backlog).
    metrics = providers.Singleton(_metrics, settings=settings, vault=vault)
    outbox_backlog = providers.Callable(_backlog_of, database)
    metrics_endpoint = providers.Singleton(
        _metrics_endpoint, settings=settings, metrics=metrics, backlog=outbox_backlog, clock=clock
    )
    # ``/ready``: resolved on its first request (opening nothing the app has not opened).
    readiness_probes = providers.Singleton(
        _readiness_probes, database=database, limiter=rate_limiter, vault=vault, clock=clock
    )
    # The retention sweep (``shopmcp sweep``): erasures past their window, history past retention.
    retention = providers.Callable(_retention_of, database)
    # ``shopmcp audit verify``: the usage events' hash chain (migration 0011).
    audit_chain = providers.Callable(_audit_chain_of, database)
    auth_secret = providers.Singleton(_auth_secret, settings=settings)
    mailer = providers.Singleton(
        _mailer, settings=settings, clock=clock, client=oauth_http_client, guard=host_guard
    )
    credential_probe = providers.Singleton(ModuleProbe, modules=platform_modules)
    shopify_installs = providers.Singleton(
        _shopify_installs,
        settings=settings,
        tenants=tenants,
        vault=vault,
        clock=clock,
        secret=oauth_state_secret,
        clients=http_clients,
        guard=host_guard,
    )
    dashboard = providers.Singleton(
        DashboardPorts,
        clock=clock,
        tenants=tenants,
        identity=identity,
        admin=admin_directory,
        vault=vault,
        mailer=mailer,
        secret=auth_secret,
        probe=credential_probe,
        store_check=store_check,
        shopify=shopify_installs,
        forget_scopes=providers.Callable(_scope_forgetter, scope_source),
        writes_locked=writes_locked,
        signup_open=settings.provided.signup_open,
        mcp_base_url=providers.Callable(_dashboard_base_url, settings),
        quota=quota_counter,
        approvals=write_approvals,
    )


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    return container


async def resolve(provider: Callable[[], T | Any]) -> Any:
    """A provider's value, awaiting it when it depends on an async resource."""
    value = provider()
    if inspect.isawaitable(value):
        value = await value
    return value


async def provided(provider: providers.Provider[T]) -> T:
    """``resolve`` for one provider, typed as the provider is: what the commands use, so a
    port reaches them as its protocol rather than as ``Any``."""
    value = provider()
    if inspect.isawaitable(value):
        return cast(T, await value)
    return value


async def gateway_ports(container: Container) -> GatewayPorts:
    return GatewayPorts(
        clock=await resolve(container.clock),
        scopes=await resolve(container.scope_source),
        audit=await resolve(container.audit_log),
        tenants=await resolve(container.mcp_tenants),
        vault=await resolve(container.vault),
        limiter=await resolve(container.rate_limiter),
        quota=await resolve(container.quota_counter),
        registry=await resolve(container.tool_registry),
        upstreams=await resolve(container.upstreams),
        writes_locked=await resolve(container.writes_locked),
        platform_names=await resolve(container.platform_names),
        confirmations=await resolve(container.confirmations),
        observer=await resolve(container.metrics) or NO_OBSERVER,
    )


def litestar_dependencies(**names: providers.Provider[Any]) -> dict[str, Provide]:
    """The bridge: container providers as Litestar dependencies, so route handlers receive
    ports by parameter name and never reach into the container."""

    def provide(provider: providers.Provider[Any]) -> Provide:
        async def dependency() -> Any:
            return await resolve(provider)

        return Provide(dependency, use_cache=False)

    return {name: provide(provider) for name, provider in names.items()}
