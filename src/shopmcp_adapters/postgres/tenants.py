"""The tenant side: ``PostgresTenantStore`` implements ``TenantRepository``.

Every unit of work is one transaction on a ``shopmcp_tenant`` connection whose first statement
is ``select set_config('app.workspace_id', $1, true)``: transaction-local, so when the
connection goes back to the pool nothing of this workspace stays on it. Row-Level Security
then confines every statement to that workspace. The queries also name the workspace
explicitly (belt and braces, and it keeps them index scans), but isolation never depends on it.

Semantics match ``shopmcp_adapters.memory.tenants`` (the port suite holds both to them):
inserting a row of another workspace raises ``CrossTenantWrite`` (RLS WITH CHECK refused it),
duplicates raise ``Conflict``, updates of missing rows raise ``NotFound``, and a refused write
leaves the unit of work usable (each write runs in a savepoint).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import asyncpg

from shopmcp_adapters.postgres import _rows
from shopmcp_adapters.postgres._errors import domain_errors
from shopmcp_adapters.postgres._repo import WorkspaceRepo, affected_rows
from shopmcp_adapters.postgres._rows import Conn
from shopmcp_adapters.postgres.confirmations import PostgresWriteApprovalDecisions
from shopmcp_adapters.postgres.dashboard import (
    PostgresAuditEntries,
    PostgresErasureRequests,
    PostgresMembers,
    UsageReview,
)
from shopmcp_adapters.postgres.oauth_flows import PostgresOAuthFlows
from shopmcp_adapters.postgres.playbooks import PostgresPlaybooks
from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.credentials import SealedCredential
from shopmcp_domain.errors import (
    Conflict,
    NotFound,
)
from shopmcp_domain.ids import ConnectionId, CredentialId, KeyId, WorkspaceId
from shopmcp_domain.keys import McpKey
from shopmcp_domain.usage import MeterRecord, UsageEvent
from shopmcp_domain.workspaces import Workspace

BIND_WORKSPACE_SQL = "select set_config('app.workspace_id', $1, true)"
# The hot reads, named so the benchmark EXPLAINs exactly what the adapter runs.
RECENT_USAGE_SQL = (
    "select id, workspace_id, key_prefix, tool, connection_id, latency_ms, status, "
    "error_class, created_at, cache_hit, playbook_id, playbook_version, redactions "
    "from shopmcp.usage_events where workspace_id = $1 order by created_at desc limit $2"
)


_WORKSPACE = (
    "select id, name, plan, status, write_enabled, confirmation_off, write_approval, "
    "billing_customer_id, "
    "created_at from shopmcp.workspaces where id = $1"
)
_WORKSPACE_FOR_UPDATE = (
    "select id, name, plan, status, write_enabled, confirmation_off, write_approval, "
    "billing_customer_id, "
    "created_at from shopmcp.workspaces where id = $1 for update"
)


class PostgresWorkspaces(WorkspaceRepo):
    async def get(self, *, for_update: bool = False) -> Workspace | None:
        if for_update:
            row = await self._conn.fetchrow(_WORKSPACE_FOR_UPDATE, self._ws)
        else:
            row = await self._conn.fetchrow(_WORKSPACE, self._ws)
        return None if row is None else _rows.workspace(row)

    async def add(self, workspace: Workspace) -> None:
        async with domain_errors(self._conn, "workspace exists"):
            await self._conn.execute(
                "insert into shopmcp.workspaces "
                "(id, name, plan, status, write_enabled, billing_customer_id, created_at, "
                "confirmation_off, write_approval) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                workspace.id,
                workspace.name,
                workspace.plan.value,
                workspace.status.value,
                sorted(p.value for p in workspace.write_enabled),
                workspace.billing_customer_id,
                workspace.created_at,
                sorted(p.value for p in workspace.confirmation_off),
                workspace.write_approval.value,
            )

    async def update(self, workspace: Workspace) -> None:
        self._own(workspace.id)
        async with domain_errors(self._conn, "workspace exists"):
            status = await self._conn.execute(
                "update shopmcp.workspaces set name = $2, plan = $3, status = $4, "
                "write_enabled = $5, billing_customer_id = $6, created_at = $7, "
                "confirmation_off = $8, write_approval = $9 where id = $1",
                workspace.id,
                workspace.name,
                workspace.plan.value,
                workspace.status.value,
                sorted(p.value for p in workspace.write_enabled),
                workspace.billing_customer_id,
                workspace.created_at,
                sorted(p.value for p in workspace.confirmation_off),
                workspace.write_approval.value,
            )
        if affected_rows(status) == 0:
            raise NotFound("workspace")


class PostgresConnections(WorkspaceRepo):
    async def list(self) -> Sequence[Connection]:
        rows = await self._conn.fetch(
            "select id, workspace_id, platform, store_ref, credential_id, scopes, status, "
            "display_name, created_at, credential_generation from shopmcp.connections "
            "where workspace_id = $1 order by created_at, id",
            self._ws,
        )
        return [_rows.connection(row) for row in rows]

    async def get(self, connection_id: ConnectionId) -> Connection | None:
        row = await self._conn.fetchrow(
            "select id, workspace_id, platform, store_ref, credential_id, scopes, status, "
            "display_name, created_at, credential_generation from shopmcp.connections "
            "where workspace_id = $1 and id = $2",
            self._ws,
            connection_id,
        )
        return None if row is None else _rows.connection(row)

    async def add(self, connection: Connection, credential: SealedCredential) -> None:
        if credential.id != connection.credential_id:
            raise ValueError("connection and credential ids differ")
        conflict = f"{connection.platform.value} store already connected"
        async with domain_errors(self._conn, conflict):
            await _insert_credential(self._conn, credential)
            await self._conn.execute(
                "insert into shopmcp.connections (id, workspace_id, platform, store_ref, "
                "credential_id, scopes, status, display_name, created_at, "
                "credential_generation) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                connection.id,
                connection.workspace_id,
                connection.platform.value,
                connection.store_ref,
                connection.credential_id,
                sorted(connection.scopes),
                connection.status.value,
                connection.display_name,
                connection.created_at,
                connection.credential_generation,
            )

    async def update(self, connection: Connection) -> None:
        self._own(connection.workspace_id)
        conflict = f"{connection.platform.value} store already connected"
        async with domain_errors(self._conn, conflict, missing_parent="credential"):
            status = await self._conn.execute(
                "update shopmcp.connections set platform = $3, store_ref = $4, "
                "credential_id = $5, scopes = $6, status = $7, display_name = $8, "
                "created_at = $9 where workspace_id = $1 and id = $2",
                connection.workspace_id,
                connection.id,
                connection.platform.value,
                connection.store_ref,
                connection.credential_id,
                sorted(connection.scopes),
                connection.status.value,
                connection.display_name,
                connection.created_at,
            )
        if affected_rows(status) == 0:
            raise NotFound("connection")

    async def advance_credential_generation(
        self, connection_id: ConnectionId, generation: int
    ) -> None:
        recorded = await self._conn.fetchval(
            "update shopmcp.connections set credential_generation = $3 "
            "where workspace_id = $1 and id = $2 and credential_generation < $3 "
            "returning credential_generation",
            self._ws,
            connection_id,
            generation,
        )
        if recorded is not None:
            return
        exists = await self._conn.fetchval(
            "select true from shopmcp.connections where workspace_id = $1 and id = $2",
            self._ws,
            connection_id,
        )
        if exists is None:
            raise NotFound("connection")
        raise Conflict("a credential generation only goes up")

    async def set_status(self, connection_id: ConnectionId, status: ConnectionStatus) -> None:
        changed = await self._conn.execute(
            "update shopmcp.connections set status = $3 where workspace_id = $1 and id = $2",
            self._ws,
            connection_id,
            status.value,
        )
        if affected_rows(changed) == 0:
            raise NotFound("connection")

    async def delete(self, connection_id: ConnectionId) -> bool:
        credential_id = await self._conn.fetchval(
            "delete from shopmcp.connections where workspace_id = $1 and id = $2 "
            "returning credential_id",
            self._ws,
            connection_id,
        )
        if credential_id is None:
            return False
        # The wrapped data key goes with the row: crypto-shredding.
        await self._conn.execute(
            "delete from shopmcp.credentials where workspace_id = $1 and id = $2",
            self._ws,
            credential_id,
        )
        return True


async def _insert_credential(conn: Conn, credential: SealedCredential) -> None:
    await conn.execute(
        "insert into shopmcp.credentials (id, workspace_id, ciphertext, nonce, wrapped_dek, "
        "kms_key_id, envelope_version, generation) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        credential.id,
        credential.workspace_id,
        credential.ciphertext,
        credential.nonce,
        credential.wrapped_dek,
        credential.kms_key_id,
        credential.version,
        credential.generation,
    )


class PostgresCredentials(WorkspaceRepo):
    async def get(
        self, credential_id: CredentialId, *, for_update: bool = False
    ) -> SealedCredential | None:
        if for_update:
            row = await self._conn.fetchrow(
                "select id, workspace_id, ciphertext, nonce, wrapped_dek, kms_key_id, "
                "envelope_version, generation from shopmcp.credentials "
                "where workspace_id = $1 and id = $2 for update",
                self._ws,
                credential_id,
            )
        else:
            row = await self._conn.fetchrow(
                "select id, workspace_id, ciphertext, nonce, wrapped_dek, kms_key_id, "
                "envelope_version, generation from shopmcp.credentials "
                "where workspace_id = $1 and id = $2",
                self._ws,
                credential_id,
            )
        return None if row is None else _rows.sealed(row)

    async def list(self) -> Sequence[SealedCredential]:
        rows = await self._conn.fetch(
            "select id, workspace_id, ciphertext, nonce, wrapped_dek, kms_key_id, "
            "envelope_version, generation from shopmcp.credentials "
            "where workspace_id = $1 order by id",
            self._ws,
        )
        return [_rows.sealed(row) for row in rows]

    async def replace(self, sealed: SealedCredential) -> None:
        self._own(sealed.workspace_id)
        async with domain_errors(self._conn, "credential exists"):
            status = await self._conn.execute(
                "update shopmcp.credentials set ciphertext = $3, nonce = $4, wrapped_dek = $5, "
                "kms_key_id = $6, envelope_version = $7, generation = $8, updated_at = now() "
                "where workspace_id = $1 and id = $2",
                sealed.workspace_id,
                sealed.id,
                sealed.ciphertext,
                sealed.nonce,
                sealed.wrapped_dek,
                sealed.kms_key_id,
                sealed.version,
                sealed.generation,
            )
        if affected_rows(status) == 0:
            raise NotFound("credential")


class PostgresKeys(WorkspaceRepo):
    async def add(self, key: McpKey) -> None:
        async with domain_errors(self._conn, "key prefix taken"):
            await self._conn.execute(
                "insert into shopmcp.mcp_keys (id, workspace_id, prefix, secret_hash, scopes, "
                "name, created_at, revoked_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
                key.id,
                key.workspace_id,
                key.prefix,
                key.secret_hash,
                key.scopes.to_strings(),
                key.name,
                key.created_at,
                key.revoked_at,
            )

    async def list(self) -> Sequence[McpKey]:
        rows = await self._conn.fetch(
            "select id, workspace_id, prefix, secret_hash, scopes, name, created_at, revoked_at "
            "from shopmcp.mcp_keys where workspace_id = $1 order by created_at, id",
            self._ws,
        )
        return [_rows.key(row) for row in rows]

    async def revoke(self, key_id: KeyId, at: dt.datetime) -> bool:
        status = await self._conn.execute(
            "update shopmcp.mcp_keys set revoked_at = $3 "
            "where workspace_id = $1 and id = $2 and revoked_at is null",
            self._ws,
            key_id,
            at,
        )
        return affected_rows(status) > 0


class PostgresUsage(UsageReview):
    async def record(self, event: UsageEvent, meter: MeterRecord) -> None:
        # One statement, one round trip: the audit row and its meter row commit together.
        async with domain_errors(self._conn, "usage event exists"):
            await self._conn.execute(
                "with event as ("
                " insert into shopmcp.usage_events (id, workspace_id, key_prefix, tool,"
                " connection_id, latency_ms, status, error_class, created_at, cache_hit,"
                " playbook_id, playbook_version, redactions)"
                " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $14, $15, $16, $17))"
                " insert into shopmcp.meter_outbox (usage_event_id, workspace_id, quantity,"
                " created_at, overage) values ($10, $11, $12, $13, $18)",
                event.id,
                event.workspace_id,
                event.key_prefix,
                event.tool,
                event.connection_id,
                event.latency_ms,
                event.status.value,
                event.error_class,
                event.created_at,
                meter.usage_event_id,
                meter.workspace_id,
                meter.quantity,
                meter.created_at,
                event.cache_hit,
                event.playbook_id,
                event.playbook_version,
                event.redactions,
                meter.overage,
            )

    async def recent(self, limit: int = 50) -> Sequence[UsageEvent]:
        rows = await self._conn.fetch(RECENT_USAGE_SQL, self._ws, limit)
        return [_rows.usage_event(row) for row in rows]


class PostgresUnitOfWork:
    """One transaction bound to one workspace (implements ``TenantUnitOfWork``)."""

    def __init__(self, conn: Conn, workspace_id: WorkspaceId) -> None:
        self._conn = conn
        self._workspace_id = workspace_id
        self._workspaces = PostgresWorkspaces(conn, workspace_id)
        self._connections = PostgresConnections(conn, workspace_id)
        self._credentials = PostgresCredentials(conn, workspace_id)
        self._keys = PostgresKeys(conn, workspace_id)
        self._usage = PostgresUsage(conn, workspace_id)
        self._playbooks = PostgresPlaybooks(conn, workspace_id)
        self._oauth_flows = PostgresOAuthFlows(conn, workspace_id)
        self._members = PostgresMembers(conn, workspace_id)
        self._audit_entries = PostgresAuditEntries(conn, workspace_id)
        self._erasure_requests = PostgresErasureRequests(conn, workspace_id)
        self._write_approvals = PostgresWriteApprovalDecisions(conn, workspace_id)

    @property
    def workspace_id(self) -> WorkspaceId:
        return self._workspace_id

    @property
    def workspaces(self) -> PostgresWorkspaces:
        return self._workspaces

    @property
    def connections(self) -> PostgresConnections:
        return self._connections

    @property
    def credentials(self) -> PostgresCredentials:
        return self._credentials

    @property
    def keys(self) -> PostgresKeys:
        return self._keys

    @property
    def usage(self) -> PostgresUsage:
        return self._usage

    @property
    def playbooks(self) -> PostgresPlaybooks:
        return self._playbooks

    @property
    def oauth_flows(self) -> PostgresOAuthFlows:
        return self._oauth_flows

    @property
    def members(self) -> PostgresMembers:
        return self._members

    @property
    def audit_entries(self) -> PostgresAuditEntries:
        return self._audit_entries

    @property
    def erasure_requests(self) -> PostgresErasureRequests:
        return self._erasure_requests

    @property
    def write_approvals(self) -> PostgresWriteApprovalDecisions:
        return self._write_approvals

    @property
    def connection(self) -> Conn:
        """The transaction's connection, for other adapters of this package and for the
        isolation tests. Request code uses the repositories."""
        return self._conn


class PostgresTenantStore:
    """``TenantRepository`` over a pool of ``shopmcp_tenant`` connections."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def unit_of_work(self, workspace_id: WorkspaceId) -> AsyncIterator[PostgresUnitOfWork]:
        if not isinstance(workspace_id, uuid.UUID):
            raise TypeError("workspace_id must be a UUID")
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(BIND_WORKSPACE_SQL, str(workspace_id))
            yield PostgresUnitOfWork(conn, workspace_id)
