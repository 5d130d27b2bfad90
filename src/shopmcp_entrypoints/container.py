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
from typing import Any, TypeVar

from dependency_injector import containers, providers
from litestar.di import Provide

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.memory.ratelimit import InMemoryRateLimiter
from shopmcp_adapters.upstreams.http import HostGuard, build_async_client
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import Clock, RateLimiter, UpstreamClient
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_entrypoints.http.mcp import GatewayPorts
from shopmcp_entrypoints.settings import Settings

T = TypeVar("T")

# The platforms with a tool module; each gets one pooled HTTP client.
PLATFORMS: tuple[Platform, ...] = ()
Module = PlatformModule[Any]


async def _open_tenant_database(settings: Settings) -> AsyncIterator[Any]:
    raise NotImplementedError("tenant store: waiting for shopmcp_adapters.postgres")
    yield


def _tenants_of(database: Any) -> Any:
    return database.tenants


def _key_directory_of(database: Any) -> Any:
    return database.keys


def _meter_outbox_of(database: Any) -> Any:
    return database.outbox


async def _open_vault(settings: Settings, clock: Clock) -> AsyncIterator[Any]:
    raise NotImplementedError("vault: waiting for shopmcp_adapters.vault")
    yield


async def _open_meter(settings: Settings) -> AsyncIterator[Any]:
    yield None


async def _outbox_drainer(settings: Settings, meter: Any, outbox: Any) -> AsyncIterator[Any]:
    yield None


def _platform_modules(
    settings: Settings, clients: Mapping[Platform, Any], guard: HostGuard
) -> dict[Platform, Module]:
    return {}


async def _rate_limiter(settings: Settings, clock: Clock) -> AsyncIterator[RateLimiter]:
    if settings.redis_url is None:
        yield InMemoryRateLimiter(clock)
        return
    from shopmcp_adapters.ratelimit import RedisRateLimiter

    limiter = RedisRateLimiter.from_url(settings.redis_url.get_secret_value(), clock)
    try:
        yield limiter
    finally:
        await limiter.aclose()


async def _http_clients(settings: Settings) -> AsyncIterator[dict[Platform, Any]]:
    """One pooled client per upstream family, verifying TLS (plus the configured CA bundle)."""
    clients = {
        platform: build_async_client(ca_bundle=settings.upstream_ca_bundle)
        for platform in PLATFORMS
    }
    try:
        yield clients
    finally:
        for client in clients.values():
            await client.aclose()


def _host_guard(settings: Settings) -> HostGuard:
    return HostGuard(allowed_hosts=frozenset(h.lower() for h in settings.upstream_allowed_hosts))


def _registry(modules: Mapping[Platform, Module]) -> ToolRegistry:
    return ToolRegistry(spec for module in modules.values() for spec in module.specs)


def _upstreams(modules: Mapping[Platform, Module]) -> dict[Platform, UpstreamClient]:
    return dict(modules)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)

    # The tenant store: one database object serving three ports.
    database = providers.Resource(_open_tenant_database, settings=settings)
    tenants = providers.Callable(_tenants_of, database)
    key_directory = providers.Callable(_key_directory_of, database)
    meter_outbox = providers.Callable(_meter_outbox_of, database)

    vault = providers.Resource(_open_vault, settings=settings, clock=clock)
    rate_limiter = providers.Resource(_rate_limiter, settings=settings, clock=clock)
    # None without SHOPMCP_STRIPE_API_KEY: the outbox accumulates.
    meter = providers.Resource(_open_meter, settings=settings)

    outbox_drainer = providers.Resource(
        _outbox_drainer, settings=settings, meter=meter, outbox=meter_outbox
    )

    host_guard = providers.Singleton(_host_guard, settings=settings)
    http_clients = providers.Resource(_http_clients, settings=settings)
    platform_modules = providers.Singleton(
        _platform_modules, settings=settings, clients=http_clients, guard=host_guard
    )
    # Built once, from every platform module.
    tool_registry = providers.Singleton(_registry, platform_modules)
    upstreams = providers.Singleton(_upstreams, platform_modules)


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    return container


async def resolve(provider: Callable[[], T | Any]) -> Any:
    """A provider's value, awaiting it when it depends on an async resource."""
    value = provider()
    if inspect.isawaitable(value):
        value = await value
    return value


async def gateway_ports(container: Container) -> GatewayPorts:
    return GatewayPorts(
        clock=await resolve(container.clock),
        directory=await resolve(container.key_directory),
        tenants=await resolve(container.tenants),
        vault=await resolve(container.vault),
        limiter=await resolve(container.rate_limiter),
        registry=await resolve(container.tool_registry),
        upstreams=await resolve(container.upstreams),
    )


def litestar_dependencies(**names: providers.Provider[Any]) -> dict[str, Provide]:
    """The bridge: container providers as Litestar dependencies, so route handlers receive
    ports by parameter name and never reach into the container."""

    def provide(provider: providers.Provider[Any]) -> Provide:
        async def dependency() -> Any:
            return await resolve(provider)

        return Provide(dependency, use_cache=False)

    return {name: provide(provider) for name, provider in names.items()}
