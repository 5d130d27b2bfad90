"""The owner side: cross-tenant work on a pool whose connections run as ``shopmcp_owner``.

``PostgresOwnerStore`` implements ``KeyDirectory`` (token lookup before any workspace is known)
and ``MeterOutbox`` (the billing drain), and offers the re-wrap job's paging and
compare-and-swap. Nothing here is reachable from a request's tenant unit of work; each caller
authorises before it acts on what it reads (the key's secret hash is compared by the caller).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from shopmcp_adapters.postgres import _rows
from shopmcp_adapters.postgres.dashboard import insert_audit
from shopmcp_domain.accounts import Account
from shopmcp_domain.audit import AuditEntry
from shopmcp_domain.credentials import SealedCredential
from shopmcp_domain.ids import CredentialId, UsageEventId, WorkspaceId
from shopmcp_domain.keys import McpKey
from shopmcp_domain.platforms import Platform
from shopmcp_domain.usage import MAX_METER_ATTEMPTS, ParkedMeterRecord, PendingMeterRecord
from shopmcp_domain.workspaces import Workspace, WorkspaceOverview, WorkspaceStatus

# The token lookup, named so the benchmark EXPLAINs exactly what the adapter runs.
FIND_KEY_SQL = (
    "select id, workspace_id, prefix, secret_hash, scopes, name, created_at, revoked_at "
    "from shopmcp.mcp_keys where prefix = $1"
)

_WORKSPACES_FIRST_SQL = (
    "select id, name, plan, status, write_enabled, confirmation_off, write_approval, "
    "billing_customer_id, "
    "created_at from shopmcp.workspaces order by created_at, id limit $1"
)
_WORKSPACES_AFTER_SQL = (
    "select id, name, plan, status, write_enabled, confirmation_off, write_approval, "
    "billing_customer_id, "
    "created_at from shopmcp.workspaces where (created_at, id) > ($1, $2) "
    "order by created_at, id limit $3"
)
_OVERVIEW_SQL = (
    "select w.id, w.name, w.plan, w.status, w.write_enabled, w.confirmation_off, "
    "w.write_approval, "
    "w.billing_customer_id, "
    "w.created_at, "
    "(select coalesce(array_agg(distinct c.platform), '{}') from shopmcp.connections c "
    " where c.workspace_id = w.id) as platforms, "
    "(select count(*) from shopmcp.connections c where c.workspace_id = w.id)::int "
    " as connections, "
    "(select count(*) from shopmcp.mcp_keys k where k.workspace_id = w.id "
    " and k.revoked_at is null)::int as active_keys, "
    "(select count(*) from shopmcp.workspace_members m where m.workspace_id = w.id)::int "
    " as members "
    "from shopmcp.workspaces w where w.id = $1"
)

# A claimed outbox row that was neither sent nor failed within this time (its worker died)
# becomes claimable again. Sending is idempotent per usage event id, so a late duplicate is
# harmless.
DEFAULT_CLAIM_LEASE = dt.timedelta(minutes=5)


class PostgresOwnerStore:
    def __init__(self, pool: asyncpg.Pool, claim_lease: dt.timedelta = DEFAULT_CLAIM_LEASE) -> None:
        self._pool = pool
        self._claim_lease = claim_lease

    @property
    def pool(self) -> asyncpg.Pool:
        """For other owner-side jobs (webhooks, deletion); they authorise before each write."""
        return self._pool

    # ------------------------------------------------------------------ KeyDirectory

    async def find_by_prefix(self, prefix: str) -> McpKey | None:
        row = await self._pool.fetchrow(FIND_KEY_SQL, prefix)
        return None if row is None else _rows.key(row)

    # ------------------------------------------------------------------ MeterOutbox

    async def claim(self, limit: int) -> Sequence[PendingMeterRecord]:
        """Unsent, unclaimed, not dead-lettered records, fewest attempts then oldest first.
        The claim is stored (``claimed_until``), so it holds after this statement commits;
        SKIP LOCKED lets concurrent claimers pass each other instead of waiting."""
        rows = await self._pool.fetch(
            "with picked as ("
            " select workspace_id, usage_event_id from shopmcp.meter_outbox"
            " where sent_at is null and parked_at is null"
            " and (claimed_until is null or claimed_until < now()) and attempts < $3"
            " order by attempts, created_at, usage_event_id limit $1 for update skip locked),"
            " claimed as ("
            " update shopmcp.meter_outbox o set claimed_until = now() + $2::interval"
            " from picked p"
            " where o.workspace_id = p.workspace_id and o.usage_event_id = p.usage_event_id"
            " returning o.workspace_id, o.usage_event_id, o.quantity, o.created_at, o.attempts,"
            " o.overage)"
            " select c.workspace_id, c.usage_event_id, c.quantity, c.created_at, c.attempts,"
            " c.overage, w.billing_customer_id"
            " from claimed c join shopmcp.workspaces w on w.id = c.workspace_id"
            " order by c.attempts, c.created_at, c.usage_event_id",
            limit,
            self._claim_lease,
            MAX_METER_ATTEMPTS,
        )
        return [_rows.pending_meter_record(row) for row in rows]

    async def mark_sent(self, usage_event_ids: Sequence[UsageEventId]) -> None:
        await self._pool.execute(
            "update shopmcp.meter_outbox set sent_at = now(), claimed_until = null "
            "where usage_event_id = any($1::uuid[]) and sent_at is null",
            list(usage_event_ids),
        )

    async def mark_failed(self, usage_event_id: UsageEventId, error_class: str) -> None:
        await self._pool.execute(
            "update shopmcp.meter_outbox set claimed_until = null, attempts = attempts + 1, "
            "last_error = $2 where usage_event_id = $1 and sent_at is null",
            usage_event_id,
            error_class[:200],
        )

    async def park(self, usage_event_id: UsageEventId, error: str) -> None:
        await self._pool.execute(
            "update shopmcp.meter_outbox set claimed_until = null, attempts = attempts + 1, "
            "last_error = $2, parked_at = now() where usage_event_id = $1 and sent_at is null",
            usage_event_id,
            error[:500],
        )

    async def parked(self, limit: int = 100) -> Sequence[ParkedMeterRecord]:
        rows = await self._pool.fetch(
            "select o.workspace_id, o.usage_event_id, o.quantity, o.created_at, o.attempts,"
            " o.overage, o.last_error, o.parked_at, w.billing_customer_id"
            " from shopmcp.meter_outbox o join shopmcp.workspaces w on w.id = o.workspace_id"
            " where o.parked_at is not null and o.sent_at is null"
            " order by o.parked_at, o.usage_event_id limit $1",
            limit,
        )
        return [_rows.parked_meter_record(row) for row in rows]

    async def requeue(self, usage_event_ids: Sequence[UsageEventId] | None = None) -> int:
        if usage_event_ids is None:
            status = await self._pool.execute(
                "update shopmcp.meter_outbox set parked_at = null, attempts = 0 "
                "where parked_at is not null and sent_at is null"
            )
        else:
            status = await self._pool.execute(
                "update shopmcp.meter_outbox set parked_at = null, attempts = 0 "
                "where parked_at is not null and sent_at is null "
                "and usage_event_id = any($1::uuid[])",
                list(usage_event_ids),
            )
        return int(status.rsplit(" ", 1)[-1])

    async def backlog(self) -> tuple[int, dt.datetime | None]:
        """``OutboxBacklog``: unsent records not given up on, and the oldest one's time (the
        0001 partial index of unsent rows serves it)."""
        row = await self._pool.fetchrow(
            "select count(*)::int as depth, min(created_at) as oldest from shopmcp.meter_outbox "
            "where sent_at is null and attempts < $1",
            MAX_METER_ATTEMPTS,
        )
        return (0, None) if row is None else (row["depth"], row["oldest"])

    # ------------------------------------------------------------------ credential re-wrap

    # The shape of shopmcp_adapters.vault.rotation.RewrapSource (``shopmcp keys rewrap``).

    async def count(self) -> int:
        """How many credentials exist, across workspaces (for progress)."""
        value = await self._pool.fetchval("select count(*) from shopmcp.credentials")
        return int(value)

    async def iter_credentials(
        self, after: CredentialId | None, limit: int
    ) -> Sequence[SealedCredential]:
        """Up to ``limit`` sealed credentials with id > ``after``, in id order, across
        workspaces (keyset paging: pass the last id of the previous page; empty means done)."""
        if after is None:
            rows = await self._pool.fetch(
                "select id, workspace_id, ciphertext, nonce, wrapped_dek, kms_key_id, "
                "envelope_version, generation from shopmcp.credentials "
                "order by id limit $1",
                limit,
            )
        else:
            rows = await self._pool.fetch(
                "select id, workspace_id, ciphertext, nonce, wrapped_dek, kms_key_id, "
                "envelope_version, generation from shopmcp.credentials "
                "where id > $1 order by id limit $2",
                after,
                limit,
            )
        return [_rows.sealed(row) for row in rows]

    async def replace_wrapped_key(
        self,
        credential_id: CredentialId,
        workspace_id: WorkspaceId,
        wrapped_dek: bytes,
        kms_key_id: str,
        *,
        expected_wrapped_dek: bytes,
    ) -> bool:
        """Compare-and-swap: store the new wrapped data key and master key id only if the row
        still holds ``expected_wrapped_dek`` (a credential re-sealed meanwhile is left alone).
        Ciphertext, nonce and generation are never written. Returns whether the row was
        updated."""
        status = await self._pool.execute(
            "update shopmcp.credentials set wrapped_dek = $3, kms_key_id = $4, "
            "updated_at = now() where workspace_id = $1 and id = $2 and wrapped_dek = $5",
            workspace_id,
            credential_id,
            wrapped_dek,
            kms_key_id,
            expected_wrapped_dek,
        )
        return int(status.rsplit(" ", 1)[-1]) > 0

    # ------------------------------------------------------------------ AdminDirectory

    # Cross-tenant by nature: the admin console and the operator's CLI, which authorise the
    # actor (a staff account, the operator) before they call any of these.

    async def workspaces(
        self, after: tuple[dt.datetime, WorkspaceId] | None, limit: int
    ) -> Sequence[Workspace]:
        if after is None:
            rows = await self._pool.fetch(_WORKSPACES_FIRST_SQL, limit)
        else:
            rows = await self._pool.fetch(_WORKSPACES_AFTER_SQL, after[0], after[1], limit)
        return [_rows.workspace(row) for row in rows]

    async def overview(self, workspace_id: WorkspaceId) -> WorkspaceOverview | None:
        row = await self._pool.fetchrow(_OVERVIEW_SQL, workspace_id)
        if row is None:
            return None
        return WorkspaceOverview(
            workspace=_rows.workspace(row),
            platforms=tuple(sorted(Platform(p) for p in row["platforms"])),
            connections=row["connections"],
            active_keys=row["active_keys"],
            members=row["members"],
        )

    async def set_status(
        self, workspace_id: WorkspaceId, status: WorkspaceStatus, entry: AuditEntry
    ) -> Workspace | None:
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "update shopmcp.workspaces set status = $2 where id = $1 returning id, name, "
                "plan, status, write_enabled, confirmation_off, write_approval, "
                "billing_customer_id, created_at",
                workspace_id,
                status.value,
            )
            if row is None:
                return None
            await insert_audit(conn, entry)
        return _rows.workspace(row)

    async def record_action(self, entry: AuditEntry) -> None:
        await insert_audit(self._pool, entry)

    async def set_staff(self, email: str, staff: bool) -> Account | None:
        row = await self._pool.fetchrow(
            "update shopmcp.accounts set is_staff = $2 where email = $1 "
            "returning id, email, is_staff, created_at",
            email,
            staff,
        )
        return None if row is None else _rows.account(row)
