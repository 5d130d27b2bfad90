"""The Litestar application factory. Importing this module builds nothing.

``create_app`` builds the container (unless given one), the MCP gateway and its session
manager; the lifespan resolves the ports (opening pools and clients), binds them to the gateway,
enters the session manager once, starts the meter-outbox drainer when billing is configured
(unless a separate ``shopmcp worker`` runs it: ``SHOPMCP_RUN_WORKER_IN_GATEWAY=false``), and
undoes all of it on shutdown.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, cast
from urllib.parse import urlsplit

from litestar import Litestar, Request, Response, asgi, get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import Logger, Middleware, Receive, Scope, Send
from starlette.types import ASGIApp, Message
from starlette.types import Receive as AnyReceive
from starlette.types import Scope as AnyScope
from starlette.types import Send as AnySend

from shopmcp_adapters.observability import QUIET_LOGGERS, redact_path
from shopmcp_adapters.observability import context as log_context
from shopmcp_adapters.observability.context import new_request_id
from shopmcp_adapters.observability.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from shopmcp_domain.errors import ShopMcpError
from shopmcp_domain.services.readiness import ReadinessChecks
from shopmcp_entrypoints.container import (
    Container,
    build_container,
    gateway_ports,
    litestar_dependencies,
    resolve,
)
from shopmcp_entrypoints.gateway import MetricsEndpoint
from shopmcp_entrypoints.http import api, web
from shopmcp_entrypoints.http.api.problems import EXCEPTION_HANDLERS, document_problems
from shopmcp_entrypoints.http.mcp import (
    McpGateway,
    McpSettings,
)
from shopmcp_entrypoints.http.oauth import oauth_callback
from shopmcp_entrypoints.http.webhooks import stripe_webhook
from shopmcp_entrypoints.settings import Settings

access_logger = logging.getLogger("shopmcp.access")


@get("/health", sync_to_thread=False, tags=["health"])
def health() -> dict[str, str]:
    """Liveness: the process answers. Says nothing of its dependencies (``/ready`` does), so
    an orchestrator does not restart a replica for a database outage it cannot fix."""
    return {"status": "ok"}


readiness_logger = logging.getLogger("shopmcp.readiness")


@get("/ready", tags=["health"])
async def ready(readiness: NamedDependency[ReadinessChecks]) -> Response[dict[str, Any]]:
    """Readiness: 200 when PostgreSQL, Redis (if configured) and the master key (KMS) all
    answer within 2 s; 503 naming what did not, otherwise."""
    found = await readiness.run()
    if not found.ready:
        readiness_logger.warning(
            "not ready: %s",
            ", ".join(
                f"{name} {found.errors.get(name, outcome)}"
                for name, outcome in found.checks.items()
                if outcome != "ok"
            ),
        )
    return Response(
        {"status": "ready" if found.ready else "not ready", "checks": dict(found.checks)},
        status_code=200 if found.ready else 503,
        headers={"Cache-Control": "no-store"},
    )


_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
metrics_logger = logging.getLogger("shopmcp.metrics")


def _scraper_allowed(request: Request[Any, Any, Any], token: str | None) -> bool:
    if token is None:
        client = request.client
        return client is not None and client.host in _LOOPBACK
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), token.encode()
    )


@get("/metrics", tags=["health"], include_in_schema=False)
async def metrics(
    request: Request[Any, Any, Any], metrics_endpoint: NamedDependency[MetricsEndpoint]
) -> Response[bytes]:
    """Prometheus metrics, on the app's own port (one port to deploy and to firewall; the
    metrics carry no workspace, key or store): with ``SHOPMCP_METRICS_TOKEN`` set, for a
    scraper presenting it as a bearer token; unset, for loopback clients only."""
    endpoint = metrics_endpoint
    if endpoint.metrics is None:
        raise NotFoundException()
    if not _scraper_allowed(request, endpoint.token):
        return Response(b"", status_code=403, media_type="text/plain")
    try:
        async with asyncio.timeout(1.0):
            depth, oldest = await endpoint.backlog.backlog()
        endpoint.metrics.set_outbox(depth, oldest, endpoint.clock.now())
    except Exception as error:  # the previous reading stays; the scrape still answers
        metrics_logger.warning("outbox backlog unavailable: %s", type(error).__name__)
    return Response(
        endpoint.metrics.render(),
        media_type=METRICS_CONTENT_TYPE,
        headers={"Cache-Control": "no-store"},
    )


def transport_allowlists(settings: Settings) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Allowed Host and Origin values: configured ones, else loopback on any port plus the
    public base URL's host (the URL merchants paste)."""
    hosts = list(settings.allowed_hosts) or ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    origins = list(settings.allowed_origins) or [
        "http://127.0.0.1:*",
        "http://localhost:*",
        "http://[::1]:*",
    ]
    if settings.public_base_url:
        parts = urlsplit(settings.public_base_url)
        if parts.netloc and parts.netloc not in hosts:
            hosts.append(parts.netloc)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.netloc and origin not in origins:
            origins.append(origin)
    return tuple(hosts), tuple(origins)


def mcp_settings(settings: Settings) -> McpSettings:
    hosts, origins = transport_allowlists(settings)
    return McpSettings(
        allowed_hosts=hosts,
        allowed_origins=origins,
        max_request_bytes=settings.max_request_bytes,
        fast_path=settings.mcp_fast_path,
    )


def configure_sdk_logging() -> None:
    # The SDK logs at INFO on every request; its warnings and errors still come through.
    # httpx logs every upstream request line at INFO: keep store URLs out of routine logs.
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def access_log(app: ASGIApp) -> ASGIApp:
    """Logs one line per request, with the token removed from the path."""

    async def middleware(scope: AnyScope, receive: AnyReceive, send: AnySend) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        presented = next(
            (v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None
        )
        request_id = new_request_id(presented)
        bound = log_context.request_id.set(request_id)

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await app(scope, receive, watch)
        finally:
            raw = scope.get("raw_path") or scope["path"].encode()
            access_logger.info(
                "%s %s %d %.1fms",
                scope["method"],
                redact_path(raw.decode("latin-1").split("?", 1)[0]),
                status,
                (time.perf_counter() - started) * 1000,
            )
            log_context.request_id.reset(bound)

    return middleware


def litestar_logging() -> LoggingConfig:
    """Litestar's default logging config replaces the root handlers with its own, which would
    drop the redacting handler ``configure_logging`` installed (tokens and emails would reach
    the logs in clear). Leave the root alone; Litestar's own records, uncaught exceptions
    included, propagate to it and are redacted there."""
    return LoggingConfig(
        configure_root_logger=False,
        handlers={},
        formatters={},
        filters={},
        loggers={"litestar": {"level": "INFO", "handlers": [], "propagate": True}},
        log_exceptions="always",
        exception_logging_handler=log_exception,
    )


def log_exception(logger: Logger, scope: Scope, _traceback: list[str]) -> None:
    """Refusals (4xx) are routine: clients probe ``/.well-known/oauth-*`` and other routes all
    the time, so a routing miss is a debug line without a traceback, never an error event.
    Anything else is an error with its traceback (redacted by the root handler)."""
    error = sys.exc_info()[1]
    status = getattr(error, "status_code", 500)
    if isinstance(error, ShopMcpError):
        # The API's refusals (a workspace not found, a role too low): answered as problems.
        status = error.http_status
    path = redact_path(scope.get("path", ""))
    if isinstance(error, HTTPException | ShopMcpError) and isinstance(status, int) and status < 500:
        logger.debug("%s %s refused: %d", scope.get("method", "-"), path, status)
        return
    logger.error("uncaught exception (%s %s)", scope.get("method", "-"), path, exc_info=error)


def openapi_config() -> OpenAPIConfig:
    """``/schema/openapi.json``: the dashboard API's routes (the MCP endpoint is not REST)."""
    return OpenAPIConfig(
        title="ShopMCP dashboard API",
        version="1",
        description=(
            "Sign in with a one-time email code, then manage workspaces, connections, MCP keys, "
            "write opt-ins and review usage. Errors are RFC 9457 problem details."
        ),
        path="/schema",
        components=Components(
            security_schemes={
                "session": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A session token (smss_...), from POST /api/v1/auth/session",
                ),
                "session_cookie": SecurityScheme(
                    type="apiKey",
                    name="shopmcp_session",
                    security_scheme_in="cookie",
                    description="The session cookie; state changes must be JSON or carry "
                    "the X-CSRF-Token header",
                ),
            }
        ),
        security=[{"session": []}, {"session_cookie": []}],
    )


def create_app(settings: Settings | None = None, container: Container | None = None) -> Litestar:
    settings = settings or Settings()
    container = container or build_container(settings)
    configure_sdk_logging()
    gateway = McpGateway(mcp_settings(settings))

    @asgi("/mcp", is_mount=True, copy_scope=False)
    async def mcp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        await gateway(scope, receive, send)  # type: ignore[arg-type]

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            stack.push_async_callback(resolve, container.shutdown_resources)
            gateway.bind(await gateway_ports(container))
            stack.callback(gateway.unbind)
            await stack.enter_async_context(gateway.manager.run())
            drainer = (
                await resolve(container.outbox_drainer) if settings.run_worker_in_gateway else None
            )
            if drainer is not None:
                drainer.start()  # creates its task on the running loop (not a coroutine)
                stack.push_async_callback(drainer.stop)
            app.state.gateway = gateway
            yield

    app = Litestar(
        route_handlers=[
            health,
            ready,
            metrics,
            mcp_endpoint,
            oauth_callback,
            stripe_webhook,
            *api.ROUTES,
            web.router(),
            web.stylesheet,
        ],
        template_config=web.template_config(),
        lifespan=[lifespan],
        middleware=[cast("Middleware", access_log)],
        logging_config=litestar_logging(),
        dependencies=litestar_dependencies(
            clock=container.clock,
            oauth_connector=container.oauth_connector,
            shopify_installs=container.shopify_installs,
            dashboard=container.dashboard,
            readiness=container.readiness_probes,
            stripe_webhooks=container.stripe_webhooks,
            metrics_endpoint=container.metrics_endpoint,
        ),
        exception_handlers=web.for_browsers(EXCEPTION_HANDLERS),
        before_request=api.require_json_body,
        openapi_config=openapi_config(),
    )
    handlers = [h for route in app.routes for h in getattr(route, "route_handlers", ())]
    undeclared = api.undeclared_roles(handlers, (api.WORKSPACE_PREFIX, web.WORKSPACE_PREFIX))
    if undeclared:
        raise RuntimeError(f"workspace routes without a role: {', '.join(undeclared)}")
    document_problems(app.openapi_schema, api.PUBLIC_OPERATIONS)
    return app


__all__ = ["create_app", "mcp_settings", "transport_allowlists"]
