"""One scenario's world: a fresh PostgreSQL database, workspaces connected to their own
stores on the stand-in, and gateway processes (``shopmcp serve``) started on it.

The pieces are the hot-path benchmark's (:mod:`benchmarks.hot_path`): its fresh database, its
gateway environment and process start-up, its ``/proc`` readers. Workspaces are set up in this
process through the same use cases and container the CLI uses (``shopmcp workspace create``,
``connect shopify``, ``key issue``), on the same database and data directory (so the same
local vault key) as the gateway processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

import asyncpg
import attrs
import httpx
from benchmarks.hot_path import postgres, procs, targets
from benchmarks.hot_path.targets import GatewayConfig
from pydantic import SecretStr

from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.ids import ConnectionId, KeyId, WorkspaceId
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from shopmcp_entrypoints.commands._admin import Admin, admin
from shopmcp_entrypoints.demo.servers import LOOPBACK, LocalTls
from shopmcp_entrypoints.settings import Settings
from tests.resilience.config import Config
from tests.resilience.load import Caller
from tests.resilience.standin import FAULTS_PATH, STATS_PATH, shop_for, token_for

RSS_INTERVAL: Final = 0.5


# --------------------------------------------------------------------------- the stand-in


@attrs.define
class StandIn:
    """The stand-in process and a client for its control endpoints."""

    child: procs.Child
    tls: ssl.SSLContext

    @property
    def port(self) -> int:
        return self.child.port

    async def _request(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient(verify=self.tls, timeout=10) as http:
            response = await http.request(
                method, f"https://{LOOPBACK}:{self.port}{path}", json=body
            )
        response.raise_for_status()
        return response.json()

    async def set_fault(self, slug: str, *, status: int | None = None, hold: bool = False) -> None:
        await self._request("POST", FAULTS_PATH, {"slug": slug, "status": status, "hold": hold})

    async def clear_fault(self, slug: str) -> None:
        await self._request("POST", FAULTS_PATH, {"slug": slug})

    async def requests(self) -> dict[str, int]:
        """Upstream requests received so far, per slug."""
        stats = await self._request("GET", STATS_PATH)
        return {slug: int(counts["requests"]) for slug, counts in stats.items()}


async def start_standin(tls: LocalTls, logs: Path) -> StandIn:
    child = await procs.spawn(
        "standin",
        [sys.executable, "-m", "tests.resilience.standin"],
        targets.child_env({"BENCH_TLS_CERT": str(tls.certfile), "BENCH_TLS_KEY": str(tls.keyfile)}),
        logs,
        cwd=targets.REPO,
        port_on_stdout=True,
    )
    return StandIn(child, targets.client_tls(tls))


# --------------------------------------------------------------------------- workspaces


@attrs.frozen
class Spec:
    slug: str
    plan: PlanTier = PlanTier.PORTFOLIO
    billing_customer: str | None = None
    write_key: bool = False


@attrs.frozen
class Tenant:
    spec: Spec
    workspace_id: WorkspaceId
    token: str = attrs.field(repr=False)
    key_id: KeyId
    key_prefix: str
    connection_id: ConnectionId

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def limit(self) -> int:
        return self.spec.plan.rate_limit.limit

    @property
    def window_seconds(self) -> float:
        return self.spec.plan.rate_limit.window_seconds

    @property
    def caller(self) -> Caller:
        return Caller(self.slug, self.token)


# --------------------------------------------------------------------------- gateways


@attrs.define
class Gateway:
    name: str
    child: procs.Child
    rss: list[tuple[float, int]] = attrs.Factory(list)
    _sampler: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        return self.child.port

    @property
    def pid(self) -> int:
        return self.child.pid

    def start_sampling(self) -> None:
        async def sample() -> None:
            while True:
                rss = procs.rss_bytes(self.pid)
                if rss is not None:
                    self.rss.append((time.time(), rss))
                await asyncio.sleep(RSS_INTERVAL)

        self._sampler = asyncio.create_task(sample(), name=f"rss-{self.name}")

    async def stop_sampling(self) -> None:
        task, self._sampler = self._sampler, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def log_text(self) -> str:
        """Everything the process logged so far (also once it has stopped)."""
        if not self.child.log.closed:
            self.child.log.flush()
        return self.child.log_path.read_text(errors="replace")


@attrs.define
class Stack:
    """A scenario's database, data directory, workspaces and gateways."""

    config: Config
    tls: LocalTls
    standin: StandIn
    work: Path
    database: str
    gateways: list[Gateway] = attrs.Factory(list)

    @classmethod
    @asynccontextmanager
    async def open(
        cls, config: Config, tls: LocalTls, standin: StandIn, work: Path
    ) -> AsyncIterator[Stack]:
        (work / "logs").mkdir(parents=True, exist_ok=True)
        async with postgres.fresh_database(config.postgres_url) as database:
            stack = cls(config, tls, standin, work, database)
            try:
                yield stack
            finally:
                for gateway in stack.gateways:
                    await gateway.stop_sampling()
                    await gateway.child.stop()

    @property
    def database_url(self) -> str:
        return postgres.database_url(self.config.postgres_url, self.database)

    @property
    def data_dir(self) -> Path:
        return self.work / "data"

    @property
    def logs(self) -> Path:
        return self.work / "logs"

    def settings(self, **overrides: Any) -> Settings:
        """Settings for the set-up done in this process: explicit values, nothing from this
        process's own SHOPMCP_* environment."""
        values: dict[str, Any] = {
            "data_dir": self.data_dir,
            "database_url": SecretStr(self.database_url),
            "tenant_database_url": None,
            "mcp_database_url": None,
            "kms_key_id": None,
            "redis_url": None,
            "stripe_api_key": None,
            "sentry_dsn": None,
            **overrides,
        }
        return Settings(**values)

    @asynccontextmanager
    async def admin(self, **overrides: Any) -> AsyncIterator[Admin]:
        """The CLI's view of the store (tenant units of work, the vault, the clock)."""
        async with admin(self.settings(**overrides)) as ports:
            yield ports

    async def seed(self, specs: Sequence[Spec], **settings: Any) -> list[Tenant]:
        """Each spec's workspace, its store connected (the stand-in's token for its slug) and
        a key issued; a billing customer set where the spec has one (as the owner: the
        tenant role may not)."""
        tenants = []
        async with self.admin(**settings) as ports:
            for spec in specs:
                workspace = await onboarding.create_workspace(
                    ports.tenants, ports.clock, spec.slug, spec.plan
                )
                connection = await onboarding.connect_store(
                    ports.tenants,
                    ports.vault,
                    ports.clock,
                    workspace.id,
                    Platform.SHOPIFY,
                    shop_for(spec.slug),
                    CredentialPayload({"access_token": token_for(spec.slug)}),
                    display_name=spec.slug,
                )
                issued = await onboarding.issue_workspace_key(
                    ports.tenants, ports.clock, workspace.id, write=spec.write_key, name="rs"
                )
                tenants.append(
                    Tenant(
                        spec,
                        workspace.id,
                        issued.token,
                        issued.key.id,
                        issued.key.prefix,
                        connection.id,
                    )
                )
        billed = [(t.spec.billing_customer, t.workspace_id) for t in tenants]
        async with self.connection() as conn:
            await conn.executemany(
                "update shopmcp.workspaces set billing_customer_id = $1 where id = $2",
                [(customer, ws) for customer, ws in billed if customer is not None],
            )
        return tenants

    def gateway_env(self, port: int, redis_url: str, extra: Mapping[str, str]) -> dict[str, str]:
        config = GatewayConfig(
            data_dir=self.data_dir,
            database_url=self.database_url,
            redis_url=redis_url,
            tls=self.tls,
            standin_port=self.standin.port,
        )
        return {**config.env(port), **extra}

    async def start_gateway(
        self, name: str, *, redis_url: str | None = None, extra: Mapping[str, str] | None = None
    ) -> Gateway:
        port = targets.free_port()
        env = self.gateway_env(port, redis_url or self.config.redis_url, extra or {})
        child = await targets.spawn_gateway(env, port, self.logs, name=name)
        gateway = Gateway(name, child)
        self.gateways.append(gateway)
        return gateway

    # ---- what the database holds (as its administrator: no RLS)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await asyncpg.connect(self.database_url)
        try:
            yield conn
        finally:
            await conn.close()

    async def cli(self, *args: str) -> str:
        """A ``shopmcp`` command run as its own process against this world's database and data
        directory (as an operator would, beside the gateways); returns what it printed."""
        env = targets.child_env(
            {"SHOPMCP_DATABASE_URL": self.database_url, "SHOPMCP_DATA_DIR": str(self.data_dir)}
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from shopmcp_entrypoints.cli import main; main()",
            *args,
            env=env,
            cwd=targets.REPO,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(
                f"shopmcp {' '.join(args[:2])} exited {process.returncode}: "
                f"{err.decode(errors='replace')[-2000:]}"
            )
        return out.decode(errors="replace")

    async def usage(self) -> dict[WorkspaceId, Counter[str]]:
        """Usage rows per workspace and status."""
        async with self.connection() as conn:
            rows = await conn.fetch(
                "select workspace_id, status, count(*) as n from shopmcp.usage_events"
                " group by workspace_id, status"
            )
        usage: dict[WorkspaceId, Counter[str]] = {}
        for row in rows:
            usage.setdefault(WorkspaceId(row["workspace_id"]), Counter())[row["status"]] = row["n"]
        return usage

    async def outbox(self) -> dict[str, int]:
        async with self.connection() as conn:
            row = await conn.fetchrow(
                "select count(*) as rows, count(*) filter (where sent_at is null) as unsent,"
                " count(*) filter (where sent_at is null and quantity > 0) as billable_unsent"
                " from shopmcp.meter_outbox"
            )
        assert row is not None
        return {
            "rows": row["rows"],
            "unsent": row["unsent"],
            "billable_unsent": row["billable_unsent"],
        }

    async def usage_event_ids(self, *, billable: bool) -> set[str]:
        async with self.connection() as conn:
            rows = await conn.fetch(
                "select usage_event_id from shopmcp.meter_outbox where (quantity > 0) = $1",
                billable,
            )
        return {str(row["usage_event_id"]) for row in rows}

    async def terminate_backends(self, gateway: Gateway) -> list[str]:
        """``pg_terminate_backend`` on every backend serving ``gateway`` (found by the client
        ports of its connections to PostgreSQL, from ``ss``); returns their roles."""
        pg_port = targets.port_of(self.config.postgres_url, 5432)
        segments = await procs.data_segments_out(gateway.pid, pg_port)
        if segments is None:
            raise RuntimeError("ss (iproute2) is needed to find the gateway's backends")
        ports = sorted({int(local.rsplit(":", 1)[1]) for local in segments})
        async with self.connection() as conn:
            rows = await conn.fetch(
                "select usename, pg_terminate_backend(pid) as done from pg_stat_activity"
                " where datname = $1 and client_port = any($2::int[])"
                " and pid <> pg_backend_pid()",
                self.database,
                ports,
            )
        return [str(row["usename"]) for row in rows if row["done"]]


def usage_json(usage: Mapping[WorkspaceId, Counter[str]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for counts in usage.values():
        total.update(counts)
    return dict(sorted(total.items()))


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)
