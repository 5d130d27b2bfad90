"""The MCP tools/call hot path: what the gateway costs over a bare MCP server, on this machine.

Three ASGI apps run in one process, each served in-process through ``httpx.ASGITransport`` (no
socket) and driven by the same raw JSON-RPC ``tools/call`` POSTs, sequentially:

* ``baseline``: a bare low-level ``mcp.server.Server`` (stateless Streamable HTTP, JSON
  responses, the same transport-security settings and the same kind of input schema as the
  gateway) whose handler returns a fixed result;
* ``gateway (in-memory)``: ``create_app`` with the container overridden to the in-memory fakes
  (InMemoryTenantStore, FakeVault, InMemoryRateLimiter) and the real tool registry, calling
  ``shopify_get_shop`` on a scripted upstream that returns a small fixed ``ToolOutput``:
  authenticate -> admit -> policy -> validate -> lease -> upstream -> usage record;
* ``gateway (PostgreSQL)``: the same gateway on the real tenant store (a throwaway database on
  BENCH_POSTGRES_URL, default the local server on 127.0.0.1:5432, dropped at the end); skipped
  with a printed reason when the server is unreachable or SHOPMCP_BENCH_POSTGRES=0.

Every gateway request uses its own workspace (one per request, all seeded before the clock
starts), so no request sees state the ones before it left: the in-memory store copies a
workspace's whole partition per unit of work, and one busy workspace would make it slower with
every call (0.1 to 0.2 ms per earlier event, measured here), measuring the fake rather than the
gateway. Its key directory still scans every key; that lookup is timed separately and printed.

Each round measures every variant (the order rotates between rounds, so drift in the machine's
load spreads over all of them); the report pools the rounds. Per variant: median and p95 latency
of one request, requests per second, and CPU time per request (``time.process_time`` over the
measured loop: this process's CPU, so client, ASGI transport and app; PostgreSQL's own CPU is not
in it). Ratios are against the baseline measured in the same run; the difference in ms is the
cost the gateway adds, with the client's share cancelled out.

Every response is checked (HTTP 200, the request's id, ``isError`` false, the expected structured
content), and so are the side effects (one upstream call and one usage event with status ``ok``
per request), so a run cannot quietly measure refusals. Nothing is asserted about speed.

Sizes: SHOPMCP_BENCH_REQUESTS (per variant and round, default 400), SHOPMCP_BENCH_ROUNDS
(default 3), SHOPMCP_BENCH_WARMUP (per variant, default 100). The app's access log (one INFO line
per request through Litestar's default logging) is silenced unless SHOPMCP_BENCH_ACCESS_LOG=1.

Run alone: ``python -m benchmarks mcp_hot_path``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import logging
import os
import re
import shutil
import socket
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any, cast

import asyncpg
import attrs
import httpx
import jsonschema
import mcp_types as types
from dependency_injector import providers
from litestar import Litestar
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.types import Receive, Scope, Send

from shopmcp_adapters.memory import (
    FakeClock,
    FakeVault,
    InMemoryChangeFeed,
    InMemoryRateLimiter,
    InMemoryTenantStore,
    RecordingUpstream,
)
from shopmcp_adapters.postgres import open_database
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import (
    WorkspaceId,
    new_connection_id,
    new_credential_id,
    new_workspace_id,
)
from shopmcp_domain.keys import Access, KeyScopes, issue_key, parse_token
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    AuditLog,
    CredentialVault,
    MeterOutbox,
    ScopeSource,
    TenantRepository,
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services.scope_cache import CachedScopeSource
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.workspaces import Workspace
from shopmcp_entrypoints.container import (
    build_container,
    resolve,
)
from shopmcp_entrypoints.http.app import create_app, mcp_settings
from shopmcp_entrypoints.http.mcp import McpGateway
from shopmcp_entrypoints.settings import Settings

BASE = "http://127.0.0.1:8000"
HEADERS = {
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
}
TOOL = "shopify_get_shop"
PLAN = PlanTier.PORTFOLIO
# A small, fixed answer that matches shopify_get_shop's advertised output schema (checked at start).
SHOP: dict[str, Any] = {
    "id": "gid://shopify/Shop/1",
    "name": "Bench Shop",
    "email": "owner@bench.example",
    "contact_email": None,
    "myshopify_domain": "bench.myshopify.com",
    "primary_domain": "bench.example",
    "currency": "EUR",
    "timezone": "Europe/Berlin",
    "plan": "basic",
    "country": "DE",
}
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
_BENCH_DB_RE = re.compile(r"^shopmcp_bench_[0-9a-f]{12}$")

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _env_int(name: str, default: int, minimum: int) -> int:
    value = int(os.environ.get(name, default))
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}")
    return value


class BenchFailure(Exception):
    """A response or side effect was not what a successful call produces."""


def _check(condition: bool, what: str) -> None:
    # Not ``assert``: the checks must hold under ``python -O`` too.
    if not condition:
        raise BenchFailure(what)


# --------------------------------------------------------------------------- the variants


@attrs.define
class Variant:
    name: str
    http: httpx.AsyncClient
    # The URL path of the n-th request (1-based).
    path: Callable[[int], str]
    # Checks the side effects of ``expected`` successful calls.
    verify: Callable[[int], Awaitable[None]]
    tokens: list[str] = attrs.Factory(list)
    latencies_ms: list[float] = attrs.Factory(list)
    cpu_s: float = 0.0
    wall_s: float = 0.0
    sent: int = 0


@asynccontextmanager
async def baseline_variant() -> AsyncIterator[Variant]:
    """A bare low-level MCP server with one trivial tool, under the same transport settings."""
    settings = mcp_settings(bench_settings(Path(tempfile.gettempdir())))
    security = McpGateway(settings).security
    schema: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}
    tool = types.Tool(name=TOOL, input_schema=schema)
    calls = 0

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[tool])

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        nonlocal calls
        calls += 1
        return types.CallToolResult(
            content=[types.TextContent(text="ok")],
            structured_content=dict(SHOP),
            is_error=False,
        )

    server: Server[Any] = Server(
        "bench",
        version="0",
        get_tool_input_schema=lambda name: schema if name == TOOL else None,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
    manager = StreamableHTTPSessionManager(
        app=server,
        stateless=True,
        json_response=True,
        security_settings=security,
        max_request_body_size=settings.max_request_bytes,
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await manager.handle_request(scope, receive, send)

    async def verify(expected: int) -> None:
        _check(calls == expected, f"baseline: {calls} handler calls, expected {expected}")

    async with manager.run(), _client(app) as http:
        yield Variant("baseline (bare mcp Server)", http, lambda _: "/mcp", verify)


def bench_settings(data_dir: Path) -> Settings:
    # Explicit values win over SHOPMCP_* in the environment: no external service is picked up.
    return Settings(
        data_dir=data_dir,
        database_url=None,
        tenant_database_url=None,
        kms_key_id=None,
        redis_url=None,
        stripe_api_key=None,
        sentry_dsn=None,
        public_base_url=None,
        allowed_hosts=[],
        allowed_origins=[],
    )


@attrs.frozen
class Stores:
    tenants: TenantRepository
    scopes: ScopeSource
    audit: AuditLog
    outbox: MeterOutbox
    # Units of work as the MCP runtime's role (the lease's rotation, playbooks).
    runtime_tenants: TenantRepository


async def seed_tenant(
    tenants: TenantRepository, vault: CredentialVault, now: dt.datetime
) -> tuple[WorkspaceId, str]:
    """One active workspace on the top plan with a Shopify connection and a read key."""
    workspace = Workspace(id=new_workspace_id(), name="Bench", plan=PLAN, created_at=now)
    issued = issue_key(workspace.id, now, KeyScopes(access=frozenset({Access.READ})))
    credential_id = new_credential_id()
    sealed = await vault.seal(
        EncryptionContext(workspace.id, credential_id),
        CredentialPayload({"access_token": "shpat_bench"}),
    )
    connection = Connection(
        id=new_connection_id(),
        workspace_id=workspace.id,
        platform=Platform.SHOPIFY,
        store_ref="bench.myshopify.com",
        credential_id=credential_id,
        created_at=now,
    )
    async with tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.keys.add(issued.key)
        await uow.connections.add(connection, sealed)
    return workspace.id, issued.token


@asynccontextmanager
async def gateway_variant(
    name: str, stores: Stores, data_dir: Path, tenants: int
) -> AsyncIterator[Variant]:
    """``create_app`` on the given tenant store, the fakes for everything else, the real tool
    registry and a scripted upstream; ``tenants`` workspaces, request n uses the n-th."""
    clock = FakeClock()
    vault = FakeVault()
    limiter = InMemoryRateLimiter(clock)
    upstream = RecordingUpstream()

    async def answer(call: UpstreamCall) -> ToolOutput:
        # Every real platform client opens the connection's credential before its request:
        # so does the scripted one, or the benchmark would skip the vault and its read.
        _check((await call.credentials.current()).get("access_token") is not None, "no credential")
        return ToolOutput(structured=SHOP, text="Bench Shop (EUR)")

    upstream.answer(TOOL, answer)

    container = build_container(bench_settings(data_dir))
    container.clock.override(providers.Object(clock))
    container.tenants.override(providers.Object(stores.tenants))
    container.meter_outbox.override(providers.Object(stores.outbox))
    container.mcp_tenants.override(providers.Object(stores.runtime_tenants))
    container.audit_log.override(providers.Object(stores.audit))
    # Authenticated scopes cached as in production (an in-process feed stands in for
    # PostgreSQL's LISTEN: it is always live, and nothing changes during the run).
    container.scope_source.override(
        providers.Object(CachedScopeSource(stores.scopes, InMemoryChangeFeed(), clock))
    )
    container.vault.override(providers.Object(vault))
    container.rate_limiter.override(providers.Object(limiter))
    container.upstreams.override(providers.Object({p: upstream for p in Platform}))
    container.outbox_drainer.override(providers.Object(None))
    registry: ToolRegistry = await resolve(container.tool_registry)
    _check(TOOL in registry, f"{TOOL} is not in the tool registry")
    # The scripted answer is one the real tool could give: it matches the advertised schema.
    jsonschema.Draft202012Validator(registry[TOOL].output_schema()).validate(SHOP)

    seeded = [await seed_tenant(stores.tenants, vault, clock.now()) for _ in range(tenants)]

    def path(n: int) -> str:
        return f"/mcp/{seeded[n - 1][1]}"

    async def verify(expected: int) -> None:
        _check(len(upstream.calls) == expected, f"{name}: {len(upstream.calls)} upstream calls")
        for workspace_id, _ in seeded[:expected]:
            async with stores.tenants.unit_of_work(workspace_id) as uow:
                events = await uow.usage.recent(2)
            _check(
                len(events) == 1 and events[0].status is UsageStatus.OK and events[0].tool == TOOL,
                f"{name}: workspace {workspace_id} has not exactly one ok {TOOL} usage event",
            )

    app = create_app(container.settings(), container)
    async with _lifespan(app), _client(cast("ASGIApp", app)) as http:
        if os.environ.get("SHOPMCP_BENCH_ACCESS_LOG", "0") == "0":
            logging.getLogger("shopmcp.access").setLevel(logging.WARNING)
        yield Variant(name, http, path, verify, tokens=[token for _, token in seeded])


async def directory_scan_ms(store: InMemoryTenantStore, prefixes: list[str]) -> float:
    """Median time of one lookup in the in-memory key directory (a scan over every key)."""
    times = []
    for prefix in prefixes:
        started = time.perf_counter()
        record = await store.load(prefix)
        key = record.key if record is not None else None
        times.append((time.perf_counter() - started) * 1000)
        _check(key is not None, "a seeded key is missing from the in-memory directory")
    return statistics.median(times)


@asynccontextmanager
async def _client(app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=HEADERS) as http:
        yield http


@asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    """The ASGI lifespan protocol, driven the way a server drives it."""
    to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    task = asyncio.create_task(app(scope, to_app.get, from_app.put))  # type: ignore[arg-type]
    await to_app.put({"type": "lifespan.startup"})
    started = await from_app.get()
    _check(started["type"] == "lifespan.startup.complete", f"app did not start: {started}")
    try:
        yield
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        await from_app.get()
        await task


# --------------------------------------------------------------------------- PostgreSQL


def _quoted(name: str) -> str:
    # CREATE/DROP DATABASE take an identifier (no bind parameter): generated, checked, quoted.
    if not _BENCH_DB_RE.fullmatch(name):
        raise ValueError("not a bench database name")
    return '"' + name + '"'


def _unreachable(url: str) -> str | None:
    """None when something listens at the URL's host and port, else why not."""
    host = re.search(r"@([^:/]+)(?::(\d+))?/", url)
    if host is None:
        return "BENCH_POSTGRES_URL has no host"
    try:
        with socket.create_connection((host.group(1), int(host.group(2) or 5432)), timeout=1):
            return None
    except OSError as error:
        return f"PostgreSQL unreachable at {host.group(1)}:{host.group(2) or 5432} ({error})"


@asynccontextmanager
async def postgres_stores(server: str, data_dir: Path) -> AsyncIterator[Stores]:
    """The real tenant store on a fresh database, migrated; the database is dropped after."""
    name = "shopmcp_bench_" + uuid.uuid4().hex[:12]
    conn = await asyncpg.connect(server)
    try:
        await conn.execute("CREATE DATABASE " + _quoted(name))
    finally:
        await conn.close()
    try:
        db = await open_database(server.rsplit("/", 1)[0] + "/" + name, data_dir)
        try:
            yield Stores(
                tenants=db.tenants,
                scopes=db.runtime,
                audit=db.runtime,
                outbox=db.outbox,
                runtime_tenants=db.mcp_tenants,
            )
        finally:
            await db.close()
    finally:
        conn = await asyncpg.connect(server)
        try:
            await conn.execute("DROP DATABASE IF EXISTS " + _quoted(name) + " WITH (FORCE)")
        finally:
            await conn.close()


# --------------------------------------------------------------------------- measuring


def _body(request_id: int) -> bytes:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": request_id,
            "method": "tools/call",
            "params": {"name": TOOL, "arguments": {}},
        }
    ).encode()


def _check_response(variant: Variant, request_id: int, response: httpx.Response) -> None:
    where = f"{variant.name}, request {request_id}"
    _check(response.status_code == 200, f"{where}: HTTP {response.status_code}")
    message = response.json()
    _check(message.get("id") == request_id, f"{where}: answer to id {message.get('id')!r}")
    result = message.get("result")
    _check(isinstance(result, dict), f"{where}: no result: {str(message)[:200]}")
    _check(result.get("isError") is False, f"{where}: isError is not false: {str(result)[:200]}")
    _check(result.get("structuredContent") == SHOP, f"{where}: unexpected structured content")


async def run_requests(variant: Variant, count: int, *, measure: bool) -> None:
    responses: list[tuple[int, httpx.Response]] = []
    latencies: list[float] = []
    gc.collect()
    wall_started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(count):
        variant.sent += 1
        body = _body(variant.sent)
        started = time.perf_counter()
        response = await variant.http.post(variant.path(variant.sent), content=body)
        latencies.append((time.perf_counter() - started) * 1000)
        responses.append((variant.sent, response))
    cpu, wall = time.process_time() - cpu_started, time.perf_counter() - wall_started
    for request_id, response in responses:  # outside the measured loop
        _check_response(variant, request_id, response)
    if measure:
        variant.latencies_ms += latencies
        variant.cpu_s += cpu
        variant.wall_s += wall


@attrs.frozen
class Summary:
    median_ms: float
    p95_ms: float
    rps: float
    cpu_ms: float


def summarise(variant: Variant) -> Summary:
    ms = variant.latencies_ms
    return Summary(
        median_ms=statistics.median(ms),
        p95_ms=statistics.quantiles(ms, n=20, method="inclusive")[18],
        rps=len(ms) / variant.wall_s,
        cpu_ms=variant.cpu_s / len(ms) * 1000,
    )


def report(variants: list[Variant]) -> None:
    base = summarise(variants[0])
    print(
        f"  {'variant':<30} {'median ms':>10} {'p95 ms':>9} {'req/s':>8} {'CPU ms/req':>11}"
        f"   (n={len(variants[0].latencies_ms)} each)"
    )
    for variant in variants:
        s = summarise(variant)
        print(
            f"  {variant.name:<30} {s.median_ms:10.3f} {s.p95_ms:9.3f} {s.rps:8.0f}"
            f" {s.cpu_ms:11.3f}"
        )
    for variant in variants[1:]:
        s = summarise(variant)
        print(
            f"  {variant.name} / baseline: median {s.median_ms / base.median_ms:.2f}x, "
            f"p95 {s.p95_ms / base.p95_ms:.2f}x, CPU {s.cpu_ms / base.cpu_ms:.2f}x, "
            f"throughput {s.rps / base.rps:.2f}x"
        )
        print(
            f"  {'':<{len(variant.name)}}   added: median {s.median_ms - base.median_ms:+.3f} ms, "
            f"CPU {s.cpu_ms - base.cpu_ms:+.3f} ms per request"
        )


async def run() -> None:
    requests = _env_int("SHOPMCP_BENCH_REQUESTS", 400, minimum=20)
    rounds = _env_int("SHOPMCP_BENCH_ROUNDS", 3, minimum=1)
    warmup = _env_int("SHOPMCP_BENCH_WARMUP", 100, minimum=0)
    with_postgres = os.environ.get("SHOPMCP_BENCH_POSTGRES", "1") != "0"
    server = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER)
    print(
        f"MCP tools/call hot path: {requests} sequential requests x {rounds} rounds per variant "
        f"(+{warmup} warm-up), in-process ASGI (httpx.ASGITransport), raw JSON-RPC POSTs"
    )

    tenants = warmup + requests * rounds
    print(
        f"  each gateway request uses its own workspace ({tenants:,} seeded per store), so no "
        "request sees state left by the ones before it"
    )
    if os.environ.get("SHOPMCP_BENCH_ACCESS_LOG", "0") == "0":
        print("  access log off (SHOPMCP_BENCH_ACCESS_LOG=1 keeps the app's INFO line per request)")

    data_dir = Path(tempfile.mkdtemp(prefix="smcp-bench-"))
    try:
        async with AsyncExitStack() as stack:
            variants = [await stack.enter_async_context(baseline_variant())]
            memory = InMemoryTenantStore()
            started = time.perf_counter()
            variants.append(
                await stack.enter_async_context(
                    gateway_variant(
                        "gateway (in-memory store)",
                        Stores(memory, memory, memory, memory, memory),
                        data_dir,
                        tenants,
                    )
                )
            )
            print(f"  in-memory store seeded in {time.perf_counter() - started:.1f}s")
            scan_ms = await directory_scan_ms(
                memory,
                [parse_token(t).prefix for t in variants[-1].tokens[:: max(1, tenants // 200)]],
            )
            skip = None if with_postgres else "SHOPMCP_BENCH_POSTGRES=0"
            skip = skip or _unreachable(server)
            if skip is None:
                started = time.perf_counter()
                stores = await stack.enter_async_context(postgres_stores(server, data_dir))
                variants.append(
                    await stack.enter_async_context(
                        gateway_variant("gateway (PostgreSQL store)", stores, data_dir, tenants)
                    )
                )
                print(
                    f"  PostgreSQL store created and seeded in {time.perf_counter() - started:.1f}s"
                )
            else:
                print(f"  gateway on PostgreSQL skipped: {skip}")

            for variant in variants:
                await run_requests(variant, warmup, measure=False)
            for round_no in range(rounds):
                shift = round_no % len(variants)
                for variant in variants[shift:] + variants[:shift]:
                    await run_requests(variant, requests, measure=True)
            for variant in variants:
                await variant.verify(variant.sent)
            report(variants)
            print(
                f"  (the in-memory key directory scans every key: {scan_ms:.3f} ms per lookup "
                f"at {tenants:,} keys, included in its numbers above)"
            )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _bench_failure(group: BaseExceptionGroup[BaseException]) -> BenchFailure | None:
    for error in group.exceptions:
        if isinstance(error, BenchFailure):
            return error
        if isinstance(error, BaseExceptionGroup) and (found := _bench_failure(error)):
            return found
    return None


def main() -> None:
    try:
        asyncio.run(run())
    except BaseExceptionGroup as group:
        # The app's task groups wrap a failed check; report the check itself.
        failure = _bench_failure(group)
        if failure is None:
            raise
        raise failure from None


if __name__ == "__main__":
    main()
