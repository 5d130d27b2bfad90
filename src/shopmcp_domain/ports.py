"""Ports: what the domain needs from the outside world, as structural protocols.

Every port has an in-memory fake in ``shopmcp_adapters.memory`` with the reference semantics;
the fake and the real adapters pass the same port suite (``tests/ports``), so a drift on
either side fails it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

import attrs
from pydantic import BaseModel

from shopmcp_domain.accounts import Member, Membership, Role
from shopmcp_domain.approvals import ApprovalId, ApprovalState, WriteApproval
from shopmcp_domain.audit import AuditEntry
from shopmcp_domain.audit_chain import ChainHead, ChainLink
from shopmcp_domain.changes import ChangeListener, Unsubscribe
from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.ids import (
    AccountId,
    AuditEntryId,
    ConnectionId,
    CredentialId,
    KeyId,
    OAuthFlowId,
    PlaybookId,
    UsageEventId,
    WorkspaceId,
)
from shopmcp_domain.keys import McpKey
from shopmcp_domain.oauth import FlowOutcome, Grant, OAuthFlow
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbooks import Playbook, PlaybookVersion
from shopmcp_domain.retention import HistoryExpired, SignInsPurged
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_domain.usage import (
    MeterRecord,
    ParkedMeterRecord,
    PendingMeterRecord,
    ToolUsage,
    UsageEvent,
    UsageQuery,
)
from shopmcp_domain.workspaces import Workspace

# --------------------------------------------------------------------------- time


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Timezone-aware UTC wall time."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; only differences mean anything."""
        ...


# --------------------------------------------------------------------------- credentials


class CredentialVault(Protocol):
    """Envelope encryption. ``open`` raises ``CredentialUnavailable`` for every failure (wrong
    context, tampering, unknown key), with one generic message."""

    async def seal(
        self, context: EncryptionContext, payload: CredentialPayload
    ) -> SealedCredential:
        """A sealing bound to ``context``: its ids and its generation."""
        ...

    async def open(self, context: EncryptionContext, sealed: SealedCredential) -> CredentialPayload:
        """``context`` is the *requesting* workspace's, never read from the row itself; its
        ``generation`` is the one the connection row records, and a sealing of a lower
        generation (an older token put back) is refused."""
        ...

    async def rewrap(self, sealed: SealedCredential, to_key_id: str) -> SealedCredential:
        """Re-wrap the data key under another master key; ciphertext, nonce and generation are
        untouched."""
        ...

    def forget_credential(self, workspace_id: WorkspaceId, credential_id: CredentialId) -> None:
        """Drop every cached data key of this credential now (it was deleted or re-sealed)."""
        ...

    def forget_workspace(self, workspace_id: WorkspaceId) -> None:
        """Drop every cached data key of this workspace now (erasure)."""
        ...


# --------------------------------------------------------------------------- change feed


class ChangeFeed(Protocol):
    """Cross-replica notices that cached state about a workspace changed (see
    :mod:`shopmcp_domain.changes`). Every committed write of a credential, connection, key or
    workspace, by any writer, reaches every subscriber of every replica within about a second;
    a rolled-back write sends nothing. When notices may have been lost, subscribers get a
    ``FeedReset``."""

    def subscribe(self, listener: ChangeListener) -> Unsubscribe:
        """Call ``listener`` with every notice from now on, on the event loop; it must be quick
        and must not block (drop cached entries, nothing more). Returns the unsubscriber."""
        ...

    @property
    def live(self) -> bool:
        """Whether notices are flowing now. While not, a cache must not serve what a missed
        notice could have invalidated."""
        ...


# --------------------------------------------------------------------------- tenant store


class WorkspaceRepository(Protocol):
    async def get(self, *, for_update: bool = False) -> Workspace | None:
        """The workspace this unit of work is bound to. ``for_update`` locks its row until the
        unit of work ends (serialises changes that count what the workspace holds)."""
        ...

    async def add(self, workspace: Workspace) -> None: ...

    async def update(self, workspace: Workspace) -> None: ...


class ConnectionRepository(Protocol):
    async def list(self) -> Sequence[Connection]: ...

    async def get(self, connection_id: ConnectionId) -> Connection | None: ...

    async def add(self, connection: Connection, credential: SealedCredential) -> None:
        """Store a connection with its sealed credential, atomically."""
        ...

    async def update(self, connection: Connection) -> None:
        """Store every field but ``credential_generation``, which only
        :meth:`advance_credential_generation` changes (so a connection read before a rotation
        and written back after it cannot lower it)."""
        ...

    async def advance_credential_generation(
        self, connection_id: ConnectionId, generation: int
    ) -> None:
        """Record that the connection's credential was re-sealed at ``generation`` (only this
        column changes). ``NotFound`` if there is no such connection, ``Conflict`` unless
        ``generation`` is above the recorded one: a recorded generation never goes down."""
        ...

    async def set_status(self, connection_id: ConnectionId, status: ConnectionStatus) -> None:
        """Change only the connection's status (the MCP runtime marks a connection whose grant
        the provider revoked). ``NotFound`` if there is no such connection."""
        ...

    async def delete(self, connection_id: ConnectionId) -> bool:
        """Delete the connection and its sealed credential in the same transaction
        (crypto-shredding: the wrapped data key goes with it)."""
        ...


class CredentialRepository(Protocol):
    async def get(
        self, credential_id: CredentialId, *, for_update: bool = False
    ) -> SealedCredential | None:
        """``for_update`` locks the row until the unit of work ends (serialises refreshes)."""
        ...

    async def list(self) -> Sequence[SealedCredential]:
        """Every sealed credential of the workspace (ciphertext only: nothing is opened)."""
        ...

    async def replace(self, sealed: SealedCredential) -> None: ...


class KeyRepository(Protocol):
    async def add(self, key: McpKey) -> None: ...

    async def list(self) -> Sequence[McpKey]: ...

    async def revoke(self, key_id: KeyId, at: dt.datetime) -> bool: ...


class UsageRepository(Protocol):
    async def record(self, event: UsageEvent, meter: MeterRecord) -> None:
        """Write the usage event and its meter-outbox row together."""
        ...

    async def recent(self, limit: int = 50) -> Sequence[UsageEvent]: ...

    async def search(self, query: UsageQuery) -> Sequence[UsageEvent]:
        """Events matching the query's filters, newest first by ``(created_at, id)``,
        starting strictly below ``query.before``; at most ``query.limit``."""
        ...

    async def summary(
        self, since: dt.datetime | None, until: dt.datetime | None
    ) -> Sequence[ToolUsage]:
        """Per tool, in ``[since, until)``: calls, failed calls and latency percentiles
        (``percentile_cont``), by tool name."""
        ...

    async def last_used(self) -> Mapping[str, dt.datetime]:
        """The latest event of each of the workspace's keys that made one, by prefix."""
        ...


class MemberRepository(Protocol):
    """The workspace's members (each an account with a role)."""

    async def list(self) -> Sequence[Member]: ...

    async def get(self, account_id: AccountId) -> Member | None: ...

    async def add(self, membership: Membership) -> None:
        """``Conflict`` when the account is a member already."""
        ...

    async def set_role(self, account_id: AccountId, role: Role) -> bool: ...

    async def remove(self, account_id: AccountId) -> bool: ...


class AuditEntryRepository(Protocol):
    """The workspace's audit log: append-only."""

    async def add(self, entry: AuditEntry) -> None: ...

    async def list(
        self, before: tuple[dt.datetime, AuditEntryId] | None = None, limit: int = 100
    ) -> Sequence[AuditEntry]:
        """Newest first by ``(created_at, id)``, strictly below ``before``."""
        ...


class ErasureRequestRepository(Protocol):
    async def get(self) -> ErasureRequest | None: ...

    async def add(self, request: ErasureRequest) -> None:
        """``Conflict`` when the workspace's erasure was already requested."""
        ...


class PlaybookRepository(Protocol):
    async def list(self) -> Sequence[Playbook]: ...

    async def get_by_name(self, name: str) -> Playbook | None: ...

    async def add(self, playbook: Playbook) -> None:
        """Store a new playbook, and its version in the history (saved at its
        ``created_at``), in the same unit of work."""
        ...

    async def replace(self, playbook: Playbook, *, saved_at: dt.datetime) -> bool:
        """Store ``playbook`` as the next version of the one with its id: True when the stored
        one was at ``playbook.version - 1`` (and is now replaced, the new version added to the
        history as saved at ``saved_at``), False otherwise (missing, or edited meanwhile:
        nothing changes then)."""
        ...

    async def delete(self, playbook_id: PlaybookId) -> bool:
        """Delete the playbook; its history stays (see :class:`PlaybookVersion`)."""
        ...

    async def versions(self, playbook_id: PlaybookId) -> Sequence[PlaybookVersion]:
        """Every stored version of the playbook, newest first (empty for an unknown id)."""
        ...

    async def get_version(
        self, playbook_id: PlaybookId, version: int
    ) -> PlaybookVersion | None: ...

    async def all_versions(self) -> Sequence[PlaybookVersion]:
        """The workspace's whole history, deleted playbooks' too (the export's section):
        ordered by name, playbook id, then version."""
        ...


class OAuthFlowRepository(Protocol):
    """Pending OAuth connect flows (see :mod:`shopmcp_domain.oauth`)."""

    async def add(self, flow: OAuthFlow) -> None: ...

    async def get(self, flow_id: OAuthFlowId, *, for_update: bool = False) -> OAuthFlow | None:
        """``for_update`` locks the row until the unit of work ends (one consumer at a time)."""
        ...

    async def mark_used(self, flow_id: OAuthFlowId, at: dt.datetime) -> bool:
        """Record the flow's single use and drop its sealed verifier, if it is still unused.
        False when it was already used (or does not exist): nothing changes then."""
        ...

    async def record_outcome(self, flow_id: OAuthFlowId, outcome: FlowOutcome) -> None:
        """How a used flow ended. ``NotFound`` if there is no such flow."""
        ...

    async def purge(self, expired_before: dt.datetime) -> int:
        """Delete the workspace's flows that expired before ``expired_before``; how many."""
        ...


class WriteApprovalDecisions(Protocol):
    """The dashboard's decisions on the workspace's pending writes (migration 0017), inside a
    unit of work: a decision commits with the audit entry that records it, or not at all."""

    async def decide(
        self, approval_id: ApprovalId, state: ApprovalState, by: AccountId, at: dt.datetime
    ) -> WriteApproval | None:
        """Approve or reject, atomically, only while it is pending, open and unexpired at
        ``at``; the decided approval, or None when it was not decidable (or does not exist)."""
        ...


class TenantUnitOfWork(Protocol):
    """One transaction, bound to one workspace: nothing inside can see another's rows.
    Commits when the block exits normally, rolls back when it raises."""

    @property
    def workspace_id(self) -> WorkspaceId: ...

    @property
    def workspaces(self) -> WorkspaceRepository: ...

    @property
    def connections(self) -> ConnectionRepository: ...

    @property
    def credentials(self) -> CredentialRepository: ...

    @property
    def keys(self) -> KeyRepository: ...

    @property
    def usage(self) -> UsageRepository: ...

    @property
    def playbooks(self) -> PlaybookRepository: ...

    @property
    def oauth_flows(self) -> OAuthFlowRepository: ...

    @property
    def members(self) -> MemberRepository: ...

    @property
    def audit_entries(self) -> AuditEntryRepository: ...

    @property
    def erasure_requests(self) -> ErasureRequestRepository: ...

    @property
    def write_approvals(self) -> WriteApprovalDecisions: ...


class TenantRepository(Protocol):
    def unit_of_work(
        self, workspace_id: WorkspaceId
    ) -> AbstractAsyncContextManager[TenantUnitOfWork]: ...


# --------------------------------------------------------------------------- the store's reads


@attrs.frozen(repr=False)
class ScopeRecord:
    """Everything one MCP request needs from the store, read together: the key (found by its
    public prefix, before any workspace is known), its workspace, and that workspace's
    connections and sealed credentials (ciphertext only: nothing is opened)."""

    key: McpKey
    workspace: Workspace
    connections: tuple[Connection, ...]
    credentials: Mapping[CredentialId, SealedCredential]

    def __repr__(self) -> str:
        return f"ScopeRecord(key={self.key!r}, workspace={self.workspace.id})"


class ScopeSource(Protocol):
    """The MCP runtime's read side. The caller compares the presented secret with the key's
    hash (in constant time) before trusting anything it got."""

    async def load(self, prefix: str) -> ScopeRecord | None:
        """The scope of the key with this prefix, or None when there is no such key. A key
        whose workspace row is gone yields None too."""
        ...


class StoreAddressCheck(Protocol):
    """Connect-time SSRF check: a store whose address the merchant names is vetted (resolved,
    every address public, or explicitly allow-listed) before anything is stored."""

    async def check(self, platform: Platform, store_ref: str) -> None:
        """Raises ``StoreAddressRefused``; returns for a platform whose host is fixed."""
        ...


class AuditLog(Protocol):
    """The MCP runtime's write side: one usage event and its meter record per tools/call."""

    async def record(self, event: UsageEvent, meter: MeterRecord) -> None:
        """Write both, atomically. When this returns they are committed (durable); when it
        raises, neither is. Concurrent calls may share one commit."""
        ...


class MeterOutbox(Protocol):
    """Cross-tenant: the drain worker's view of unsent meter records."""

    async def claim(self, limit: int) -> Sequence[PendingMeterRecord]:
        """Unsent records, fewest failed attempts first, then oldest (so a record that keeps
        failing goes to the back of the queue instead of blocking it), never one that has
        failed ``MAX_METER_ATTEMPTS`` times; concurrent claimers never get the same record."""
        ...

    async def mark_sent(self, usage_event_ids: Sequence[UsageEventId]) -> None: ...

    async def mark_failed(self, usage_event_id: UsageEventId, error_class: str) -> None: ...

    async def park(self, usage_event_id: UsageEventId, error: str) -> None:
        r"""Set an unsent record aside with its error (the provider refused it for good): never
        claimed again until :meth:`requeue`\ d, listed by :meth:`parked`."""
        ...

    async def parked(self, limit: int = 100) -> Sequence[ParkedMeterRecord]:
        """Parked records, oldest parked first."""
        ...

    async def requeue(self, usage_event_ids: Sequence[UsageEventId] | None = None) -> int:
        """Put parked records (these, or all when None) back in the queue with their attempts
        reset; how many. Sending one again is safe: the provider deduplicates on its id."""
        ...


class RetentionStore(Protocol):
    """Cross-tenant (the owner connection): the retention sweep's reads and deletes
    (:func:`shopmcp_domain.services.sweep.sweep`)."""

    async def erasable(self, requested_before: dt.datetime) -> Sequence[WorkspaceId]:
        """Workspaces whose erasure was requested before ``requested_before``, oldest first."""
        ...

    async def erase(self, workspace_id: WorkspaceId, requested_before: dt.datetime) -> bool:
        """Delete every row of the workspace, in every table, in one transaction, if (checked
        in that transaction) its erasure was requested before ``requested_before``. False,
        and nothing deleted, otherwise."""
        ...

    async def expire_history(self, plan: PlanTier, before: dt.datetime) -> HistoryExpired:
        """Delete the usage events and audit entries created before ``before`` of every
        workspace on ``plan``. A usage event whose meter record is still owed to billing
        (unsent and not given up on) stays until it is sent."""
        ...

    async def purge_sign_ins(self, now: dt.datetime) -> SignInsPurged:
        """Delete sign-in codes that expired and left the send-limit window
        (``CODE_RETENTION``), sessions that expired or were revoked, and OAuth connect flows
        that expired, as of ``now``."""
        ...


class AuditChainReader(Protocol):
    """Cross-tenant (the owner connection): a workspace's audit hash chain, read for
    verification (``shopmcp audit verify``; :mod:`shopmcp_domain.audit_chain`)."""

    async def head(self, workspace_id: WorkspaceId) -> ChainHead | None:
        """The chain's anchor and end (an empty chain's ``ChainHead()``); None when there is
        no such workspace."""
        ...

    async def links(
        self, workspace_id: WorkspaceId, after_seq: int, limit: int
    ) -> Sequence[ChainLink]:
        """Up to ``limit`` of the workspace's usage events with ``chain_seq > after_seq``, in
        ``chain_seq`` order, exactly as stored."""
        ...


# --------------------------------------------------------------------------- upstreams


@attrs.frozen
class ToolOutput:
    """What a tool returns: structured content (matching its output model) and a short text."""

    structured: Mapping[str, Any]
    text: str
    # The result's ``_meta`` (for Xero, the organisation's remaining rate budget), or None.
    meta: Mapping[str, Any] | None = None
    # Served from the read cache, with no upstream request (recorded on the usage event).
    cache_hit: bool = False


Refresher = Callable[[CredentialPayload], Awaitable[CredentialPayload]]


class CredentialLease(Protocol):
    """A connection's credential for one request, opened lazily."""

    async def current(self) -> CredentialPayload: ...

    async def rotate(self, refresh: Refresher, stale: CredentialPayload) -> CredentialPayload:
        """Replace ``stale`` with what ``refresh`` returns, sealed and stored atomically.
        Refreshes of one connection are serialised; if another request already replaced
        ``stale``, its result is returned and ``refresh`` is not called. When ``refresh`` raises
        ``ReauthorizationRequired`` the connection is marked ``needs_reauth`` (stored) and the
        error re-raised; a rotation of a connection so marked raises it without refreshing."""
        ...


@attrs.frozen
class UpstreamCall:
    tool: ToolSpec
    arguments: BaseModel
    connection: Connection
    credentials: CredentialLease
    # A confirmed write's idempotency key, for a platform whose operation takes one. None of
    # the current write tools' operations does (see ``shopmcp_domain.confirmations``).
    idempotency_key: str | None = None


class AuthorizationServer(Protocol):
    """One OAuth provider as a connect flow's callback uses it: configured with the gateway's
    client credentials and redirect URI."""

    @property
    def platform(self) -> Platform: ...

    async def exchange(self, code: str, code_verifier: str) -> Grant:
        """Exchange an authorization code (with its PKCE verifier; never retried: a code is
        spent by use) and find the stores the grant opens. ``OAuthFlowRefused`` when the
        provider refuses the code; the Upstream* errors otherwise."""
        ...


class UpstreamClient(Protocol):
    """One platform's tools. Raises the domain's Upstream* errors, never transport errors."""

    async def call(self, call: UpstreamCall) -> ToolOutput: ...


class CredentialProbe(Protocol):
    """One cheap read against a store with a candidate credential, before it is saved."""

    async def probe(
        self, platform: Platform, store_ref: str, credentials: CredentialPayload
    ) -> CredentialPayload:
        """The credential to save (the candidate, or what a refresh on the way made of it)
        when the store accepted it; ``ProbeFailed`` saying why when it did not
        (``PlatformUnavailable`` for a platform without tools)."""
        ...
