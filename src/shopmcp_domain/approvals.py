"""Dashboard approval of writes: the model, its binding and the choice of the next step.

Why: with in-chat confirmation (``confirmations``) the chat receives the one-time code, so a
model obeying text injected into store data can send its own code back and "confirm" a write
nobody approved (issue #19's known limit). A workspace whose owner or admin sets its write
approval to ``dashboard`` gets no code at all: a write's first call stores a
:class:`WriteApproval` (what a person needs to judge it) and answers with a preview that only
tells the user where to approve it. A member with the admin or owner role approves or rejects
it on the dashboard's Writes page (or the REST API). The model's next call with exactly the
same arguments -- same MCP key, tool, store, arguments digest and write policy version --
executes once, atomically (the store closes an approval once); before a decision it is told
the write still awaits approval, and nothing is sent.

Expiry: 30 minutes (:data:`APPROVAL_TTL`). A person has to notice the request, open the
dashboard and read the change, which five minutes (the code's lifetime, sized for a user who
is looking at the chat) does not allow; much longer and an approved change may be applied to
a store that moved on since it was read. After the expiry the request is refused once and the
next identical call asks again.

Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal, NewType

import attrs
from pydantic import BaseModel, ConfigDict, Field

from shopmcp_domain.errors import ApprovalNotPending
from shopmcp_domain.ids import AccountId, ConnectionId, KeyId, WorkspaceId
from shopmcp_domain.redaction import scrub

ApprovalId = NewType("ApprovalId", uuid.UUID)

APPROVAL_TTL = dt.timedelta(minutes=30)
# What a pending write keeps of its changes (redacted) is at most this large; a write whose
# changes are larger is refused in dashboard mode (a person could not read it all).
MAX_APPROVAL_CHANGES_BYTES = 32 * 1024
# How many approvals of one binding a lookup reads (newest first): more is never needed.
APPROVALS_PER_BINDING = 20


def new_approval_id() -> ApprovalId:
    return ApprovalId(uuid.uuid4())


def approvals_path(workspace_id: WorkspaceId) -> str:
    """The dashboard page that lists a workspace's pending writes."""
    return f"/workspaces/{workspace_id}/settings/writes/approvals"


class ApprovalState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def approval_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """What a pending write keeps of its validated arguments: redacted (secrets, addresses)
    and bounded. :class:`ValueError` when too large to keep (and to read)."""
    kept: dict[str, Any] = scrub(dict(changes))
    if len(json.dumps(kept, separators=(",", ":"), default=str)) > MAX_APPROVAL_CHANGES_BYTES:
        raise ValueError(
            f"the changes are larger than {MAX_APPROVAL_CHANGES_BYTES // 1024} KiB: too large "
            "to show for approval on the dashboard; split the write into smaller ones"
        )
    return kept


@attrs.frozen
class ApprovalBinding:
    """The exact call an approval is for: the retry must repeat all of it."""

    key_id: KeyId
    tool: str
    connection_id: ConnectionId
    arguments_digest: str
    policy_version: str


@attrs.frozen
class WriteApproval:
    """One write awaiting (or given) a person's approval on the dashboard."""

    id: ApprovalId
    workspace_id: WorkspaceId
    key_id: KeyId
    tool: str
    platform: str
    connection_id: ConnectionId
    # The connection's label when requested, as the tool's ``store`` argument names it.
    store: str
    arguments_digest: str
    policy_version: str
    # Redacted and bounded (:func:`approval_changes`).
    changes: Mapping[str, Any]
    created_at: dt.datetime
    expires_at: dt.datetime
    state: ApprovalState = ApprovalState.PENDING
    decided_by: AccountId | None = None
    decided_at: dt.datetime | None = None
    # When the runtime answered it for good: executed, or refused as rejected or expired.
    used_at: dt.datetime | None = None

    @classmethod
    def request(
        cls,
        *,
        workspace_id: WorkspaceId,
        binding: ApprovalBinding,
        platform: str,
        store: str,
        changes: Mapping[str, Any],
        now: dt.datetime,
        ttl: dt.timedelta = APPROVAL_TTL,
    ) -> WriteApproval:
        return cls(
            id=new_approval_id(),
            workspace_id=workspace_id,
            key_id=binding.key_id,
            tool=binding.tool,
            platform=platform,
            connection_id=binding.connection_id,
            store=store,
            arguments_digest=binding.arguments_digest,
            policy_version=binding.policy_version,
            changes=approval_changes(changes),
            created_at=now,
            expires_at=now + ttl,
        )

    @property
    def binding(self) -> ApprovalBinding:
        return ApprovalBinding(
            key_id=self.key_id,
            tool=self.tool,
            connection_id=self.connection_id,
            arguments_digest=self.arguments_digest,
            policy_version=self.policy_version,
        )

    @property
    def is_open(self) -> bool:
        return self.used_at is None

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at

    def decidable(self, now: dt.datetime) -> bool:
        return self.state is ApprovalState.PENDING and self.is_open and not self.expired(now)

    def decide(self, approve: bool, by: AccountId, at: dt.datetime) -> WriteApproval:
        """Approved or rejected by ``by``; :class:`ApprovalNotPending` unless still pending,
        unanswered and unexpired."""
        if self.state is not ApprovalState.PENDING:
            raise ApprovalNotPending(f"it was already {self.state.value}")
        if not self.is_open:
            raise ApprovalNotPending("the chat was already answered")
        if self.expired(at):
            raise ApprovalNotPending("it has expired")
        state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
        return attrs.evolve(self, state=state, decided_by=by, decided_at=at)


class Step(enum.Enum):
    """What a write's call does in dashboard mode, given its binding's approvals."""

    EXECUTE = "execute"  # an open approval a person approved, unexpired
    REJECTED = "rejected"  # an open approval a person rejected
    WAIT = "wait"  # an open, pending, unexpired approval
    EXPIRED = "expired"  # an open approval that expired undecided (or approved, unused)
    REPLAY = "replay"  # an approval already executed, unexpired: its write's outcome
    REQUEST = "request"  # none of the above: a new approval request


def next_step(
    approvals: Sequence[WriteApproval], now: dt.datetime
) -> tuple[Step, WriteApproval | None]:
    """The step for a call whose binding has these approvals (any order), and the approval
    it concerns (None for a new request). An approved one wins; a rejection is reported
    before waiting on another; an expired one is reported once (it is then closed)."""
    newest = sorted(approvals, key=lambda a: a.created_at, reverse=True)
    open_ = [a for a in newest if a.is_open]
    for approval in open_:
        if approval.state is ApprovalState.APPROVED and not approval.expired(now):
            return Step.EXECUTE, approval
    for approval in open_:
        if approval.state is ApprovalState.REJECTED:
            return Step.REJECTED, approval
    for approval in open_:
        if not approval.expired(now):
            return Step.WAIT, approval
    if open_:
        return Step.EXPIRED, open_[0]
    for approval in newest:
        if approval.state is ApprovalState.APPROVED and not approval.expired(now):
            return Step.REPLAY, approval
    return Step.REQUEST, None


class ApprovalPreview(BaseModel):
    """The structured result of a write's call in dashboard mode while it is not approved:
    what would change and where to approve it. No code: nothing the model sends can approve
    it. Nothing has been sent upstream."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["approval_required", "awaiting_approval"]
    tool: str
    platform: str
    store: str = Field(description="The store the write would change.")
    connection_id: str
    changes: dict[str, Any] = Field(
        description="The validated arguments, as shown for approval (secrets redacted)."
    )
    approval_id: str = Field(description="The pending write, as the dashboard lists it.")
    approve_at: str = Field(description="The dashboard page where a person approves it.")
    expires_at: dt.datetime


def approval_text(preview: ApprovalPreview) -> str:
    waiting = preview.status == "awaiting_approval"
    opening = (
        "Still awaiting approval: nothing has been changed."
        if waiting
        else "Nothing has been changed yet."
    )
    return (
        f"{opening} This workspace approves writes on its dashboard, not in the chat. Ask "
        f"the user to open the dashboard's Writes page ({preview.approve_at}) and approve "
        f"this change to {preview.store} (the 'changes' below; request "
        f"{preview.approval_id[:8]}). After it is approved, call {preview.tool} again with "
        "exactly the same arguments; it then runs once. Do not call it again before the user "
        f"says it is approved. The request expires at {preview.expires_at.isoformat()}."
    )


def with_approval_output(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A write tool's output schema (as ``confirmations.with_preview_output`` made it) that
    also accepts the dashboard-mode preview."""
    out = dict(schema)
    preview = ApprovalPreview.model_json_schema(mode="serialization")
    defs = dict(out.get("$defs", {}))
    defs.update(preview.pop("$defs", {}))
    out["anyOf"] = [*out.get("anyOf", [schema]), preview]
    if defs:
        out["$defs"] = defs
    return out
