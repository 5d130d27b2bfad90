"""The in-memory tenant store: TenantRepository, MeterOutbox, and the MCP runtime's
ScopeSource and AuditLog.

Semantics the PostgreSQL adapter is held to: a unit of work sees and writes only its own
workspace; writing a row of another workspace raises ``CrossTenantWrite``; a unit of work
that raises leaves nothing behind; unique key prefixes; deleting a connection deletes its
credential; with a ``feed``, every committed write of a credential, connection, key or
workspace row publishes a change notice (as PostgreSQL's row triggers do).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager

import attrs

from shopmcp_adapters.memory import dashboard
from shopmcp_adapters.memory.changes import InMemoryChangeFeed
from shopmcp_adapters.memory.confirmations import InMemoryConfirmationStore
from shopmcp_adapters.memory.identity import IdentityFake
from shopmcp_adapters.memory.playbooks import InMemoryPlaybooks
from shopmcp_adapters.memory.repo_base import RepoBase
from shopmcp_domain.accounts import CODE_RETENTION, Membership
from shopmcp_domain.approvals import ApprovalId, ApprovalState, WriteApproval
from shopmcp_domain.audit import AuditEntry
from shopmcp_domain.changes import Change, ChangeKind
from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.credentials import SealedCredential
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.errors import (
    Conflict,
    NotFound,
)
from shopmcp_domain.ids import (
    AccountId,
    ConnectionId,
    CredentialId,
    KeyId,
    OAuthFlowId,
    PlaybookId,
    UsageEventId,
    WorkspaceId,
)
from shopmcp_domain.keys import McpKey
from shopmcp_domain.oauth import FlowOutcome, OAuthFlow
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.playbooks import Playbook, PlaybookVersion
from shopmcp_domain.ports import ScopeRecord
from shopmcp_domain.retention import HistoryExpired, SignInsPurged
from shopmcp_domain.usage import (
    MAX_METER_ATTEMPTS,
    MeterRecord,
    ParkedMeterRecord,
    PendingMeterRecord,
    ToolUsage,
    UsageEvent,
    UsageQuery,
)
from shopmcp_domain.workspaces import Workspace


@attrs.define
class _OutboxRow:
    record: MeterRecord
    sent: bool = False
    claimed: bool = False
    attempts: int = 0
    last_error: str | None = None
    parked_at: dt.datetime | None = None


@attrs.define
class _Partition:
    workspace: Workspace | None = None
    connections: dict[ConnectionId, Connection] = attrs.Factory(dict)
    credentials: dict[CredentialId, SealedCredential] = attrs.Factory(dict)
    keys: dict[KeyId, McpKey] = attrs.Factory(dict)
    usage: list[UsageEvent] = attrs.Factory(list)
    outbox: dict[UsageEventId, _OutboxRow] = attrs.Factory(dict)
    playbooks: dict[PlaybookId, Playbook] = attrs.Factory(dict)
    # Append-only: kept when a playbook is deleted, gone with the partition (erasure).
    playbook_versions: dict[tuple[PlaybookId, int], PlaybookVersion] = attrs.Factory(dict)
    oauth_flows: dict[OAuthFlowId, OAuthFlow] = attrs.Factory(dict)
    members: dict[AccountId, Membership] = attrs.Factory(dict)
    audit: list[AuditEntry] = attrs.Factory(list)
    erasure: ErasureRequest | None = None

    def snapshot(self) -> _Partition:
        """A copy a unit of work may change freely. Shallow is enough: the domain objects are
        frozen, and a unit of work only ever adds outbox rows (the drain mutates them, outside
        any unit of work). A deep copy made every call O(history) and slowed long tests."""
        return _Partition(
            workspace=self.workspace,
            connections=dict(self.connections),
            credentials=dict(self.credentials),
            keys=dict(self.keys),
            usage=list(self.usage),
            outbox=dict(self.outbox),
            playbooks=dict(self.playbooks),
            playbook_versions=dict(self.playbook_versions),
            oauth_flows=dict(self.oauth_flows),
            members=dict(self.members),
            audit=list(self.audit),
            erasure=self.erasure,
        )


class _Workspaces(RepoBase):
    async def get(self, *, for_update: bool = False) -> Workspace | None:
        # One unit of work at a time per workspace here: nothing to lock.
        return self._p.workspace

    async def add(self, workspace: Workspace) -> None:
        self._own(workspace.id)
        if self._p.workspace is not None:
            raise Conflict("workspace exists")
        self._p.workspace = workspace
        self._changed(ChangeKind.WORKSPACE, workspace.id)

    async def update(self, workspace: Workspace) -> None:
        self._own(workspace.id)
        if self._p.workspace is None:
            raise NotFound("workspace")
        self._p.workspace = workspace
        self._changed(ChangeKind.WORKSPACE, workspace.id)


class _Connections(RepoBase):
    async def list(self) -> Sequence[Connection]:
        return sorted(self._p.connections.values(), key=lambda c: (c.created_at, str(c.id)))

    async def get(self, connection_id: ConnectionId) -> Connection | None:
        return self._p.connections.get(connection_id)

    async def add(self, connection: Connection, credential: SealedCredential) -> None:
        self._own(connection.workspace_id)
        self._own(credential.workspace_id)
        if self._p.workspace is None:
            raise NotFound("workspace")
        if credential.id != connection.credential_id:
            raise ValueError("connection and credential ids differ")
        if any(
            c.platform is connection.platform and c.store_ref == connection.store_ref
            for c in self._p.connections.values()
        ):
            raise Conflict(f"{connection.platform.value} store already connected")
        self._p.credentials[credential.id] = credential
        self._p.connections[connection.id] = connection
        self._changed(ChangeKind.CREDENTIAL, credential.id)
        self._changed(ChangeKind.CONNECTION, connection.id)

    async def update(self, connection: Connection) -> None:
        self._own(connection.workspace_id)
        stored = self._p.connections.get(connection.id)
        if stored is None:
            raise NotFound("connection")
        # The generation is advance_credential_generation's alone: a connection read before a
        # rotation and written back after it must not lower it.
        self._p.connections[connection.id] = attrs.evolve(
            connection, credential_generation=stored.credential_generation
        )
        self._changed(ChangeKind.CONNECTION, connection.id)

    async def advance_credential_generation(
        self, connection_id: ConnectionId, generation: int
    ) -> None:
        connection = self._p.connections.get(connection_id)
        if connection is None:
            raise NotFound("connection")
        if generation <= connection.credential_generation:
            raise Conflict("a credential generation only goes up")
        self._p.connections[connection_id] = attrs.evolve(
            connection, credential_generation=generation
        )
        self._changed(ChangeKind.CONNECTION, connection_id)

    async def set_status(self, connection_id: ConnectionId, status: ConnectionStatus) -> None:
        connection = self._p.connections.get(connection_id)
        if connection is None:
            raise NotFound("connection")
        self._p.connections[connection_id] = connection.with_status(status)
        self._changed(ChangeKind.CONNECTION, connection_id)

    async def delete(self, connection_id: ConnectionId) -> bool:
        connection = self._p.connections.pop(connection_id, None)
        if connection is None:
            return False
        self._p.credentials.pop(connection.credential_id, None)
        self._changed(ChangeKind.CONNECTION, connection_id)
        self._changed(ChangeKind.CREDENTIAL, connection.credential_id)
        return True


class _Credentials(RepoBase):
    async def get(
        self, credential_id: CredentialId, *, for_update: bool = False
    ) -> SealedCredential | None:
        return self._p.credentials.get(credential_id)

    async def list(self) -> Sequence[SealedCredential]:
        return sorted(self._p.credentials.values(), key=lambda c: str(c.id))

    async def replace(self, sealed: SealedCredential) -> None:
        self._own(sealed.workspace_id)
        if sealed.id not in self._p.credentials:
            raise NotFound("credential")
        self._p.credentials[sealed.id] = sealed
        self._changed(ChangeKind.CREDENTIAL, sealed.id)


class _Keys(RepoBase):
    def __init__(self, uow: _UnitOfWork, store: InMemoryTenantStore) -> None:
        super().__init__(uow)
        self._store = store

    async def add(self, key: McpKey) -> None:
        self._own(key.workspace_id)
        if self._p.workspace is None:
            raise NotFound("workspace")
        if self._store._prefix_taken(key.prefix) or any(
            k.prefix == key.prefix for k in self._p.keys.values()
        ):
            raise Conflict("key prefix taken")
        self._p.keys[key.id] = key
        self._changed(ChangeKind.KEY, key.id)

    async def list(self) -> Sequence[McpKey]:
        return sorted(self._p.keys.values(), key=lambda k: (k.created_at, str(k.id)))

    async def revoke(self, key_id: KeyId, at: dt.datetime) -> bool:
        key = self._p.keys.get(key_id)
        if key is None or key.is_revoked:
            return False
        self._p.keys[key_id] = key.revoke(at)
        self._changed(ChangeKind.KEY, key_id)
        return True


class _Usage(RepoBase):
    async def record(self, event: UsageEvent, meter: MeterRecord) -> None:
        self._own(event.workspace_id)
        self._own(meter.workspace_id)
        if self._p.workspace is None:
            raise NotFound("workspace")
        self._p.usage.append(event)
        self._p.outbox[meter.usage_event_id] = _OutboxRow(record=meter)

    async def recent(self, limit: int = 50) -> Sequence[UsageEvent]:
        return sorted(self._p.usage, key=lambda e: e.created_at, reverse=True)[:limit]

    async def search(self, query: UsageQuery) -> Sequence[UsageEvent]:
        return dashboard.search(self._p.usage, query)

    async def summary(
        self, since: dt.datetime | None, until: dt.datetime | None
    ) -> Sequence[ToolUsage]:
        return dashboard.summary(self._p.usage, since, until)

    async def last_used(self) -> Mapping[str, dt.datetime]:
        prefixes = {k.prefix for k in self._p.keys.values()}
        return {p: t for p, t in dashboard.last_used(self._p.usage).items() if p in prefixes}


class _OAuthFlows(RepoBase):
    async def add(self, flow: OAuthFlow) -> None:
        self._own(flow.workspace_id)
        if self._p.workspace is None:
            raise NotFound("workspace")
        if flow.id in self._p.oauth_flows:
            raise Conflict("flow exists")
        self._p.oauth_flows[flow.id] = flow

    async def get(self, flow_id: OAuthFlowId, *, for_update: bool = False) -> OAuthFlow | None:
        return self._p.oauth_flows.get(flow_id)

    async def mark_used(self, flow_id: OAuthFlowId, at: dt.datetime) -> bool:
        flow = self._p.oauth_flows.get(flow_id)
        if flow is None or flow.used_at is not None:
            return False
        self._p.oauth_flows[flow_id] = attrs.evolve(flow, used_at=at, sealed_verifier=None)
        return True

    async def record_outcome(self, flow_id: OAuthFlowId, outcome: FlowOutcome) -> None:
        flow = self._p.oauth_flows.get(flow_id)
        if flow is None:
            raise NotFound("flow")
        self._p.oauth_flows[flow_id] = attrs.evolve(flow, outcome=outcome)

    async def purge(self, expired_before: dt.datetime) -> int:
        old = [f.id for f in self._p.oauth_flows.values() if f.expires_at < expired_before]
        for flow_id in old:
            del self._p.oauth_flows[flow_id]
        return len(old)


class _UnitOfWork:
    def __init__(self, store: InMemoryTenantStore, workspace_id: WorkspaceId) -> None:
        self.store = store
        self.workspace_id = workspace_id
        # Work on a copy; the store swaps it in only on a clean exit (rollback = discard).
        self.partition = store._partitions.get(workspace_id, _Partition()).snapshot()
        # Published only when the unit of work commits, as PostgreSQL delivers NOTIFY.
        self.changes: list[Change] = []
        self.workspaces = _Workspaces(self)
        self.connections = _Connections(self)
        self.credentials = _Credentials(self)
        self.keys = _Keys(self, store)
        self.usage = _Usage(self)
        self.playbooks = InMemoryPlaybooks(self)
        self.oauth_flows = _OAuthFlows(self)
        self.members = dashboard.Members(self)
        self.audit_entries = dashboard.AuditEntries(self)
        self.erasure_requests = dashboard.ErasureRequests(self)
        self.write_approvals = _ApprovalDecisions(self)
        # Decisions made in this unit of work, applied to the approvals only on commit.
        self.decided: list[WriteApproval] = []


class _ApprovalDecisions:
    """The fake's decisions on pending writes: kept by the linked approvals store
    (``InMemoryTenantStore.approvals``), staged here and applied when the unit of work commits,
    so a decision whose audit entry fails is discarded with it, as in a PostgreSQL
    transaction."""

    def __init__(self, uow: _UnitOfWork) -> None:
        self._uow = uow

    async def decide(
        self, approval_id: ApprovalId, state: ApprovalState, by: AccountId, at: dt.datetime
    ) -> WriteApproval | None:
        if state is ApprovalState.PENDING:
            raise ValueError("a decision approves or rejects")
        approvals = self._uow.store.approvals
        if approvals is None:
            raise RuntimeError("this tenant store has no approvals store linked")
        found = await approvals.get(self._uow.workspace_id, approval_id)
        staged = any(d.id == approval_id for d in self._uow.decided)
        if found is None or staged or not found.decidable(at):
            return None
        decided = attrs.evolve(found, state=state, decided_by=by, decided_at=at)
        self._uow.decided.append(decided)
        return decided


class InMemoryTenantStore(IdentityFake):
    def __init__(self, feed: InMemoryChangeFeed | None = None) -> None:
        self._init_people()
        self._partitions: dict[WorkspaceId, _Partition] = {}
        self._locks: dict[WorkspaceId, asyncio.Lock] = {}
        self.units_opened = 0
        self.scope_loads = 0
        self.feed = feed
        # Where the dashboard's decisions on pending writes land (the runtime's confirmation
        # store, which keeps the approvals): linked by whoever wires the fakes together.
        self.approvals: InMemoryConfirmationStore | None = None

    @asynccontextmanager
    async def unit_of_work(self, workspace_id: WorkspaceId) -> AsyncIterator[_UnitOfWork]:
        # Units of work on one workspace are serialised: the fake's stand-in for row locks.
        lock = self._locks.setdefault(workspace_id, asyncio.Lock())
        async with lock:
            self.units_opened += 1
            uow = _UnitOfWork(self, workspace_id)
            yield uow
            self._partitions[workspace_id] = uow.partition
            for decided in uow.decided:
                assert self.approvals is not None
                assert decided.decided_by is not None
                assert decided.decided_at is not None
                await self.approvals.decide(
                    workspace_id, decided.id, decided.state, decided.decided_by, decided.decided_at
                )
        if self.feed is not None:
            for change in dict.fromkeys(uow.changes):  # once each, like NOTIFY in a transaction
                self.feed.publish(change)

    def _store(self) -> InMemoryTenantStore:
        return self

    def partitions(self) -> list[_Partition]:
        return list(self._partitions.values())

    def partition(self, workspace_id: WorkspaceId) -> _Partition | None:
        return self._partitions.get(workspace_id)

    def _prefix_taken(self, prefix: str) -> bool:
        return any(k.prefix == prefix for p in self._partitions.values() for k in p.keys.values())

    # ---- ScopeSource (the MCP runtime's read side; the key is found before any workspace)
    async def load(self, prefix: str) -> ScopeRecord | None:
        self.scope_loads += 1
        for partition in self._partitions.values():
            key = next((k for k in partition.keys.values() if k.prefix == prefix), None)
            if key is None:
                continue
            if partition.workspace is None:
                return None
            return ScopeRecord(
                key=key,
                # The runtime may not read billing (PostgreSQL grants it no such column).
                workspace=attrs.evolve(partition.workspace, billing_customer_id=None),
                connections=tuple(
                    sorted(partition.connections.values(), key=lambda c: (c.created_at, c.id))
                ),
                credentials=dict(partition.credentials),
            )
        return None

    # ---- AuditLog (the MCP runtime's write side)
    async def record(self, event: UsageEvent, meter: MeterRecord) -> None:
        if meter.usage_event_id != event.id or meter.workspace_id != event.workspace_id:
            raise ValueError("a meter record belongs to its own usage event")
        async with self.unit_of_work(event.workspace_id) as uow:
            await uow.usage.record(event, meter)

    # ---- MeterOutbox (cross-tenant)
    def _outbox_rows(self) -> list[tuple[Workspace | None, _OutboxRow]]:
        return [(p.workspace, row) for p in self._partitions.values() for row in p.outbox.values()]

    async def claim(self, limit: int) -> Sequence[PendingMeterRecord]:
        rows = sorted(
            (
                (ws, row)
                for ws, row in self._outbox_rows()
                if not row.sent
                and not row.claimed
                and row.parked_at is None
                and row.attempts < MAX_METER_ATTEMPTS
            ),
            key=lambda item: (item[1].attempts, item[1].record.created_at),
        )[:limit]
        out = []
        for ws, row in rows:
            row.claimed = True
            out.append(
                PendingMeterRecord(
                    record=row.record,
                    billing_customer_id=ws.billing_customer_id if ws else None,
                    attempts=row.attempts,
                )
            )
        return out

    async def mark_sent(self, usage_event_ids: Sequence[UsageEventId]) -> None:
        wanted = set(usage_event_ids)
        for _, row in self._outbox_rows():
            if row.record.usage_event_id in wanted:
                row.sent, row.claimed = True, False

    async def mark_failed(self, usage_event_id: UsageEventId, error_class: str) -> None:
        for _, row in self._outbox_rows():
            if row.record.usage_event_id == usage_event_id:
                row.claimed = False
                row.attempts += 1
                row.last_error = error_class

    async def park(self, usage_event_id: UsageEventId, error: str) -> None:
        for _, row in self._outbox_rows():
            if row.record.usage_event_id == usage_event_id and not row.sent:
                row.claimed = False
                row.attempts += 1
                row.last_error = error[:500]
                row.parked_at = dt.datetime.now(dt.UTC)

    async def parked(self, limit: int = 100) -> Sequence[ParkedMeterRecord]:
        rows = sorted(
            ((ws, row) for ws, row in self._outbox_rows() if row.parked_at and not row.sent),
            key=lambda item: (item[1].parked_at, item[1].record.usage_event_id),
        )[:limit]
        return [
            ParkedMeterRecord(
                record=row.record,
                billing_customer_id=ws.billing_customer_id if ws else None,
                attempts=row.attempts,
                error=row.last_error or "",
                parked_at=row.parked_at,
            )
            for ws, row in rows
            if row.parked_at is not None
        ]

    async def requeue(self, usage_event_ids: Sequence[UsageEventId] | None = None) -> int:
        wanted = None if usage_event_ids is None else set(usage_event_ids)
        count = 0
        for _, row in self._outbox_rows():
            if row.parked_at is None or row.sent:
                continue
            if wanted is None or row.record.usage_event_id in wanted:
                row.parked_at, row.attempts = None, 0
                count += 1
        return count

    def all_workspaces(self) -> list[Workspace]:
        """Every workspace, across tenants (the owner side's view)."""
        return [p.workspace for p in self._partitions.values() if p.workspace is not None]

    def outbox_records(self, workspace_id: WorkspaceId) -> list[MeterRecord]:
        """Every meter record of the workspace in the outbox, sent or not (for tests)."""
        partition = self._partitions.get(workspace_id)
        return [] if partition is None else [row.record for row in partition.outbox.values()]

    async def backlog(self) -> tuple[int, dt.datetime | None]:
        owed = [
            row.record.created_at
            for _, row in self._outbox_rows()
            if not row.sent and row.attempts < MAX_METER_ATTEMPTS
        ]
        return len(owed), min(owed, default=None)

    def unsent_count(self) -> int:
        return sum(1 for _, row in self._outbox_rows() if not row.sent)

    # ---- RetentionStore (cross-tenant: the sweep)
    async def erasable(self, requested_before: dt.datetime) -> Sequence[WorkspaceId]:
        requests = [
            p.erasure
            for p in self._partitions.values()
            if p.erasure is not None and p.erasure.requested_at < requested_before
        ]
        return [r.workspace_id for r in sorted(requests, key=lambda r: r.requested_at)]

    async def erase(self, workspace_id: WorkspaceId, requested_before: dt.datetime) -> bool:
        lock = self._locks.setdefault(workspace_id, asyncio.Lock())
        async with lock:
            partition = self._partitions.get(workspace_id)
            if (
                partition is None
                or partition.erasure is None
                or partition.erasure.requested_at >= requested_before
            ):
                return False
            del self._partitions[workspace_id]
        return True

    async def expire_history(self, plan: PlanTier, before: dt.datetime) -> HistoryExpired:
        usage = audit = 0
        for workspace_id, partition in list(self._partitions.items()):
            if partition.workspace is None or partition.workspace.plan is not plan:
                continue
            async with self._locks.setdefault(workspace_id, asyncio.Lock()):
                current = self._partitions[workspace_id]

                def owed(event: UsageEvent, p: _Partition = current) -> bool:
                    row = p.outbox.get(event.id)
                    return row is not None and not row.sent and row.attempts < MAX_METER_ATTEMPTS

                # A prefix of the history, as PostgreSQL's prune of the audit chain deletes
                # (migration 0011): up to the first event that is newer or still owed.
                first_kept = next(
                    (i for i, e in enumerate(current.usage) if e.created_at >= before or owed(e)),
                    len(current.usage),
                )
                kept_usage = current.usage[first_kept:]
                expired_ids = {e.id for e in current.usage} - {e.id for e in kept_usage}
                kept_audit = [e for e in current.audit if e.created_at >= before]
                usage += len(expired_ids)
                audit += len(current.audit) - len(kept_audit)
                current.usage = kept_usage
                current.audit = kept_audit
                for event_id in expired_ids:
                    current.outbox.pop(event_id, None)
        return HistoryExpired(usage_events=usage, audit_entries=audit)

    async def purge_sign_ins(self, now: dt.datetime) -> SignInsPurged:
        async with self._people_lock:
            people = self.people
            kept_codes = [
                c
                for c in people.codes
                if c.expires_at >= now or c.created_at >= now - CODE_RETENTION
            ]
            ended = [
                s.id
                for s in people.sessions.values()
                if s.expires_at < now or (s.revoked_at is not None and s.revoked_at <= now)
            ]
            codes = len(people.codes) - len(kept_codes)
            people.codes = kept_codes
            for session_id in ended:
                del people.sessions[session_id]
        flows = 0
        for workspace_id in list(self._partitions):
            async with self._locks.setdefault(workspace_id, asyncio.Lock()):
                current = self._partitions.get(workspace_id)
                if current is None:
                    continue
                old = [f.id for f in current.oauth_flows.values() if f.expires_at < now]
                for flow_id in old:
                    del current.oauth_flows[flow_id]
                flows += len(old)
        return SignInsPurged(codes=codes, sessions=len(ended), oauth_flows=flows)
