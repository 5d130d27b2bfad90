"""What the container builds for the calls a tool makes: the upstream HTTP clients and platform
modules, the rate limiter, the monthly quota counter, the read cache, Stripe's billing events
and webhooks, and the operator's write locks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from shopmcp_adapters.memory.cache import InMemoryCache
from shopmcp_adapters.memory.ratelimit import InMemoryRateLimiter
from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.oauth2 import OAuthClient
from shopmcp_adapters.upstreams.package import UpstreamEnv
from shopmcp_adapters.upstreams.platforms import PACKAGES, writes_locked
from shopmcp_domain.limit_ports import (
    BillingEvents,
    Cache,
    QuotaCounter,
    RateLimiter,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    Clock,
    StoreAddressCheck,
    UpstreamClient,
)
from shopmcp_domain.services.read_cache import CachedReads
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_entrypoints.oauth_connect import oauth_clients
from shopmcp_entrypoints.settings import Settings, plan_prices

if TYPE_CHECKING:
    from shopmcp_adapters.postgres import Database


# A platform's module, whatever its credential type.
Module = PlatformModule[Any]


def _http_policy(settings: Settings) -> HttpPolicy:
    """The one upstream HTTP policy, with the operator's read timeout."""
    return HttpPolicy(read_timeout=settings.upstream_read_timeout_seconds)


def _platform_modules(
    settings: Settings,
    clients: Mapping[Platform, httpx.AsyncClient],
    guard: HostGuard,
    clock: Clock,
    oauth: Mapping[Platform, OAuthClient],
) -> dict[Platform, Module]:
    return {
        package.platform: package.build(
            UpstreamEnv(
                http=UpstreamHttp(
                    platform=package.platform.value,
                    client=clients[package.platform],
                    policy=_http_policy(settings),
                    guard=guard,
                ),
                clock=clock,
                base_url=settings.upstream_base_urls.get(package.platform),
                oauth=oauth.get(package.platform) if package.oauth is not None else None,
            )
        )
        for package in PACKAGES
    }


async def _oauth_http_client(
    settings: Settings, guard: HostGuard
) -> AsyncIterator[httpx.AsyncClient]:
    """The client token endpoints (and Xero's tenant listing) are reached with, under the same
    TLS settings and SSRF guard as every upstream."""
    client = build_async_client(
        _http_policy(settings), ca_bundle=settings.upstream_ca_bundle, guard=guard
    )
    try:
        yield client
    finally:
        await client.aclose()


def _oauth_clients(
    settings: Settings, client: httpx.AsyncClient, guard: HostGuard, clock: Clock
) -> dict[Platform, OAuthClient]:
    http = UpstreamHttp(platform="oauth", client=client, policy=_http_policy(settings), guard=guard)
    return oauth_clients(settings, http, clock)


async def _rate_limiter(settings: Settings, clock: Clock) -> AsyncIterator[RateLimiter]:
    if settings.redis_url is None:
        yield InMemoryRateLimiter(clock)
        return
    from shopmcp_adapters.ratelimit import RedisRateLimiter

    # While Redis is unreachable, each process keeps limiting on its own.
    limiter = RedisRateLimiter.from_url(settings.redis_url.get_secret_value(), clock)
    try:
        yield limiter
    finally:
        await limiter.aclose()


def _billing_events_of(database: Database) -> BillingEvents:
    """The Stripe webhook's store: cross-tenant, on the owner connection."""
    return database.billing_events


def _stripe_webhooks(settings: Settings, events: BillingEvents, clock: Clock) -> Any:
    from shopmcp_entrypoints.http.webhooks import StripeWebhooks

    secret = settings.stripe_webhook_secret
    return StripeWebhooks(
        secret=secret.get_secret_value() if secret else None,
        tolerance_seconds=settings.stripe_webhook_tolerance_seconds,
        prices=plan_prices(settings),
        events=events,
        clock=clock,
    )


async def _quota_counter(settings: Settings, database: Database) -> AsyncIterator[QuotaCounter]:
    """Monthly quotas: on Redis when configured (one script call per tools/call), otherwise on
    PostgreSQL (one statement per tools/call, as the MCP runtime's role)."""
    if settings.redis_url is None:
        from shopmcp_adapters.postgres.quota import PostgresQuotaCounter

        yield PostgresQuotaCounter(database.mcp_pool)
        return
    from shopmcp_adapters.quota import RedisQuotaCounter

    counter = RedisQuotaCounter.from_url(settings.redis_url.get_secret_value())
    try:
        yield counter
    finally:
        await counter.aclose()


async def _http_clients(
    settings: Settings, guard: HostGuard
) -> AsyncIterator[dict[Platform, httpx.AsyncClient]]:
    """One pooled client per upstream family, verifying TLS (plus the configured CA bundle);
    every new connection is vetted by the SSRF guard at connect time."""
    clients = {
        package.platform: build_async_client(
            _http_policy(settings), ca_bundle=settings.upstream_ca_bundle, guard=guard
        )
        for package in PACKAGES
    }
    try:
        yield clients
    finally:
        for client in clients.values():
            await client.aclose()


def _store_check(guard: HostGuard) -> StoreAddressCheck:
    from shopmcp_adapters.upstreams.store_check import GuardedStoreCheck

    return GuardedStoreCheck(guard)


def _host_guard(settings: Settings) -> HostGuard:
    """One guard for every platform: the early check in ``UpstreamHttp`` and the connect-time
    check in each client's network backend apply the same allow-list."""
    return HostGuard(allowed_hosts=frozenset(settings.upstream_allowed_hosts))


def _registry(modules: Mapping[Platform, Module]) -> ToolRegistry:
    return ToolRegistry(spec for module in modules.values() for spec in module.specs)


def _upstreams(
    modules: Mapping[Platform, Module], cache: Cache, settings: Settings
) -> dict[Platform, UpstreamClient]:
    """Every platform's module; those whose package caches reads, behind the read cache."""
    cached = {p.platform for p in PACKAGES if p.read_cache}
    ttl = settings.read_cache_ttl_seconds
    return {
        platform: CachedReads(module, cache, ttl) if platform in cached and ttl > 0 else module
        for platform, module in modules.items()
    }


async def _read_cache(settings: Settings, clock: Clock) -> AsyncIterator[Cache]:
    """Redis (shared by every process: a write in one invalidates reads cached by all) when
    configured, else one process's memory."""
    if settings.redis_url is None:
        yield InMemoryCache(clock, settings.read_cache_max_entries)
        return
    from shopmcp_adapters.cache import RedisCache

    cache = RedisCache.from_url(settings.redis_url.get_secret_value())
    try:
        yield cache
    finally:
        await cache.aclose()


def _writes_locked(settings: Settings) -> frozenset[Platform]:
    return writes_locked(unlocked=settings.writes_unlocked_platforms)
