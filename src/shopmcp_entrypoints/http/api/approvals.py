"""A workspace's write approval: where its writes are approved (``/write-approval``) and the
writes awaiting a person's approval on the dashboard (``/pending-writes``).

``write_approval`` is ``in_chat`` (the default: the user confirms a preview's one-time code in
the chat) or ``dashboard`` (the chat gets no code; a member with the admin or owner role
approves each write here or on the Writes page, and the model's next identical call runs it
once). Owners and admins change it; every change and every decision is audited with who and
when. Viewers may list pending writes but not decide them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, ConfigDict

from shopmcp_domain.accounts import Role
from shopmcp_domain.approvals import ApprovalId, ApprovalState, WriteApproval, approvals_path
from shopmcp_domain.services import onboarding
from shopmcp_domain.services import write_approvals as approvals
from shopmcp_domain.services.dashboard import Access
from shopmcp_domain.workspaces import WriteApprovalMode
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.auth import MEMBER, needs

# How many approvals a listing shows (they are purged after their 30-minute expiry).
LISTED = 100


class WriteApprovalUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: WriteApprovalMode


class WriteApprovalOut(BaseModel):
    mode: WriteApprovalMode
    # The dashboard page that lists the pending writes.
    approvals_page: str


class PendingWriteOut(BaseModel):
    id: uuid.UUID
    tool: str
    platform: str
    store: str
    connection_id: uuid.UUID
    # The validated arguments the write would send, secrets and addresses redacted. The
    # values come from the chat (and may quote store text): show them as text, never markup.
    changes: dict[str, Any]
    created_at: dt.datetime
    expires_at: dt.datetime
    # pending, approved or rejected; ``expired`` once past expires_at undecided.
    state: str
    decided_by: uuid.UUID | None
    decided_at: dt.datetime | None
    # When the chat got its final answer (executed, or refused).
    answered_at: dt.datetime | None
    # Still decidable now.
    decidable: bool

    @classmethod
    def of(cls, approval: WriteApproval, now: dt.datetime) -> PendingWriteOut:
        expired = approval.state is ApprovalState.PENDING and approval.expired(now)
        return cls(
            id=approval.id,
            tool=approval.tool,
            platform=approval.platform,
            store=approval.store,
            connection_id=approval.connection_id,
            changes=dict(approval.changes),
            created_at=approval.created_at,
            expires_at=approval.expires_at,
            state="expired" if expired else approval.state.value,
            decided_by=approval.decided_by,
            decided_at=approval.decided_at,
            answered_at=approval.used_at,
            decidable=approval.decidable(now),
        )


def write_approval_out(access: Access, mode: WriteApprovalMode) -> WriteApprovalOut:
    return WriteApprovalOut(mode=mode, approvals_page=approvals_path(access.workspace_id))


async def set_write_approval(
    dashboard: DashboardPorts, access: Access, mode: WriteApprovalMode
) -> WriteApprovalOut:
    """Set where the workspace's writes are approved (owner or admin; audited). Pending
    confirmations and approvals of the workspace stop working either way."""
    access.ensure_active()
    changed = await onboarding.set_write_approval(
        dashboard.tenants, dashboard.clock, access.workspace_id, mode, actor=access.actor
    )
    # The runtime reads the mode with the key's scope: this replica's next request reloads it
    # (other replicas on the change notice of the workspace row).
    dashboard.forget_scopes(access.workspace_id)
    return write_approval_out(access, changed.write_approval)


async def list_pending(dashboard: DashboardPorts, access: Access) -> list[PendingWriteOut]:
    now = dashboard.clock.now()
    found = await approvals.list_approvals(dashboard.approvals, access, LISTED)
    return [PendingWriteOut.of(a, now) for a in found]


async def decide(
    dashboard: DashboardPorts, access: Access, approval_id: uuid.UUID, *, approve: bool
) -> PendingWriteOut:
    decided = await approvals.decide_approval(
        dashboard.approvals,
        dashboard.tenants,
        dashboard.clock,
        access,
        ApprovalId(approval_id),
        approve=approve,
    )
    return PendingWriteOut.of(decided, dashboard.clock.now())


class WriteApprovalSetting(Controller):
    path = "/api/v1/workspaces/{workspace_id:uuid}/write-approval"
    tags = ("writes",)
    dependencies = MEMBER

    @get("/", opt=needs(Role.VIEWER))
    async def show(self, access: NamedDependency[Access]) -> WriteApprovalOut:
        """Where the workspace's writes are approved: ``in_chat`` or ``dashboard``."""
        return write_approval_out(access, access.workspace.write_approval)

    @put("/", opt=needs(Role.ADMIN))
    async def update(
        self,
        data: JSONBody[WriteApprovalUpdate],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> WriteApprovalOut:
        """``dashboard``: a write's preview carries no code, and a member with the admin or
        owner role approves it on the dashboard before the model's next identical call runs it.
        ``in_chat`` (the default): the user confirms the preview's code in the chat. Owners
        and admins; audited."""
        return await set_write_approval(dashboard, access, data.mode)


class PendingWrites(Controller):
    path = "/api/v1/workspaces/{workspace_id:uuid}/pending-writes"
    tags = ("writes",)
    dependencies = MEMBER

    @get("/", opt=needs(Role.VIEWER))
    async def list_all(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> list[PendingWriteOut]:
        """The writes awaiting (or given) a dashboard approval, newest first."""
        return await list_pending(dashboard, access)

    @post("/{approval_id:uuid}/approve", opt=needs(Role.ADMIN), status_code=200)
    async def approve(
        self,
        approval_id: FromPath[uuid.UUID],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> PendingWriteOut:
        """Approve a pending write: the model's next call with the same arguments runs it once.
        Nothing is sent now. 409 when it is no longer pending; 404 for another workspace's."""
        return await decide(dashboard, access, approval_id, approve=True)

    @post("/{approval_id:uuid}/reject", opt=needs(Role.ADMIN), status_code=200)
    async def reject(
        self,
        approval_id: FromPath[uuid.UUID],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> PendingWriteOut:
        """Reject a pending write: the model's next call is refused and nothing is sent."""
        return await decide(dashboard, access, approval_id, approve=False)


ROUTES = [WriteApprovalSetting, PendingWrites]
