"""``/api/v1/workspaces``: a member's workspaces, their members and their audit log."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream

from shopmcp_domain.accounts import Role
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import AccountId, AuditEntryId
from shopmcp_domain.services import dashboard as manage
from shopmcp_domain.services import onboarding, sign_in
from shopmcp_domain.services.dashboard import Access
from shopmcp_domain.services.erasure import request_erasure
from shopmcp_domain.services.export import export_workspace
from shopmcp_domain.services.sign_in import SignedIn
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.auth import MEMBER, SIGNED_IN, needs
from shopmcp_entrypoints.http.api.cursors import decode_cursor, encode_cursor
from shopmcp_entrypoints.http.api.schemas import (
    AuditEntryOut,
    AuditPageOut,
    ErasureOut,
    MemberAdd,
    MemberOut,
    MemberUpdate,
    WorkspaceCreate,
    WorkspaceOut,
    WorkspaceUpdate,
)


async def my_workspaces(dashboard: DashboardPorts, signed_in: SignedIn) -> list[WorkspaceOut]:
    """The workspaces the account is a member of, with its role in each."""
    async with dashboard.identity.transaction() as uow:
        memberships = await uow.memberships.of_account(signed_in.account.id)
    return [WorkspaceOut.of(m.workspace, m.role) for m in memberships]


async def create_workspace(
    dashboard: DashboardPorts, signed_in: SignedIn, data: WorkspaceCreate
) -> WorkspaceOut:
    """A new workspace (free plan); the account is its owner."""
    workspace = await onboarding.create_workspace(
        dashboard.tenants,
        dashboard.clock,
        data.name,
        owner=signed_in.account.id,
        actor=signed_in.actor,
    )
    return WorkspaceOut.of(workspace, Role.OWNER)


class Workspaces(Controller):
    path = "/api/v1/workspaces"
    tags = ("workspaces",)
    dependencies = SIGNED_IN

    @get("/")
    async def list_mine(
        self, signed_in: NamedDependency[SignedIn], dashboard: NamedDependency[DashboardPorts]
    ) -> list[WorkspaceOut]:
        """The workspaces you are a member of, with your role in each."""
        return await my_workspaces(dashboard, signed_in)

    @post("/")
    async def create(
        self,
        data: JSONBody[WorkspaceCreate],
        signed_in: NamedDependency[SignedIn],
        dashboard: NamedDependency[DashboardPorts],
    ) -> WorkspaceOut:
        """A new workspace (Solo until a subscription says otherwise); you are its owner."""
        return await create_workspace(dashboard, signed_in, data)


async def _starting_with(first: str, rest: AsyncIterator[str]) -> AsyncIterator[str]:
    yield first
    async for piece in rest:
        yield piece


class Workspace(Controller):
    path = "/api/v1/workspaces/{workspace_id:uuid}"
    tags = ("workspaces",)
    dependencies = MEMBER

    @get("/", opt=needs(Role.VIEWER))
    async def show(self, access: NamedDependency[Access]) -> WorkspaceOut:
        """Name, plan, limits, status, write opt-ins, and your role."""
        return WorkspaceOut.of(access.workspace, access.role)

    @patch("/", opt=needs(Role.ADMIN))
    async def rename(
        self,
        data: JSONBody[WorkspaceUpdate],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> WorkspaceOut:
        renamed = await manage.rename_workspace(
            dashboard.tenants, dashboard.clock, access, data.name
        )
        return WorkspaceOut.of(renamed, access.role)

    @delete("/", opt=needs(Role.OWNER), status_code=202)
    async def delete_workspace(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> ErasureOut:
        """Erase the workspace: it stops serving at once, its keys are revoked and its
        credentials crypto-shredded; everything else goes within 30 days."""
        request = await request_erasure(
            dashboard.tenants, dashboard.vault, dashboard.clock, access.workspace_id, access.actor
        )
        dashboard.forget_scopes(access.workspace_id)
        return ErasureOut(
            workspace_id=access.workspace_id,
            status="pending_deletion",
            requested_at=request.requested_at,
            detail="keys revoked and credentials deleted; the rest is erased within 30 days",
        )

    @get("/export", opt=needs(Role.ADMIN))
    async def export(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> Stream:
        """Everything held for the workspace as one JSON document, streamed (the access and
        portability rights): the workspace, members (addresses for owners only), connections'
        and keys' metadata (never a credential or a key's hash), playbooks, erasure requests,
        the audit log and every usage event. Recorded in the audit log."""
        pieces = export_workspace(
            dashboard.tenants,
            access.workspace_id,
            access.actor,
            dashboard.clock.now(),
            include_emails=access.role is Role.OWNER,
            approvals=dashboard.approvals,
        )
        # The first piece is read before answering: a refusal is still a problem document,
        # and the export is in the audit log before a byte goes out.
        first = await anext(pieces)
        return Stream(
            _starting_with(first, pieces),
            media_type="application/json",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="shopmcp-export-{access.workspace_id}.json"'
                ),
                "Cache-Control": "no-store",
            },
        )

    # ------------------------------------------------------------------ members

    @get("/members", opt=needs(Role.VIEWER))
    async def members(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> list[MemberOut]:
        async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
            return [MemberOut.of(m) for m in await uow.members.list()]

    @post("/members", opt=needs(Role.OWNER))
    async def add_member(
        self,
        data: JSONBody[MemberAdd],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> MemberOut:
        """Add someone by address (their account is made if they have none; they sign in with
        a code sent to it)."""
        account = await sign_in.create_account(dashboard.identity, dashboard.clock, data.email)
        member = await manage.add_member(
            dashboard.tenants, dashboard.clock, access, account, data.role
        )
        return MemberOut.of(member)

    @patch("/members/{account_id:uuid}", opt=needs(Role.OWNER))
    async def change_role(
        self,
        account_id: FromPath[uuid.UUID],
        data: JSONBody[MemberUpdate],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> MemberOut:
        await manage.change_member(
            dashboard.tenants, dashboard.clock, access, AccountId(account_id), data.role
        )
        async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
            member = await uow.members.get(AccountId(account_id))
        if member is None:
            raise NotFound("member")
        return MemberOut.of(member)

    @delete("/members/{account_id:uuid}", opt=needs(Role.OWNER))
    async def remove_member(
        self,
        account_id: FromPath[uuid.UUID],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> None:
        await manage.change_member(
            dashboard.tenants, dashboard.clock, access, AccountId(account_id), None
        )

    # ------------------------------------------------------------------ audit log

    @get("/audit", opt=needs(Role.VIEWER))
    async def audit(
        self,
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
    ) -> AuditPageOut:
        """Dashboard and admin actions, newest first (tool calls are in /usage)."""
        limit = max(1, min(limit, 200))
        before = decode_cursor(cursor)
        async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
            entries = await uow.audit_entries.list(
                None if before is None else (before[0], AuditEntryId(before[1])), limit
            )
        last = entries[-1] if len(entries) == limit else None
        return AuditPageOut(
            entries=[AuditEntryOut.of(e) for e in entries],
            next_cursor=None if last is None else encode_cursor(last.created_at, last.id),
        )


ROUTES = [Workspaces, Workspace]
