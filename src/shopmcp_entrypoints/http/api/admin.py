"""``/api/v1/admin``: the staff console. Staff accounts only (the flag is set from the CLI,
``shopmcp account staff``); the caller is authorised before any query, then the owner side of
the store answers across tenants. Metadata only, never a credential or a usage row; inspecting,
suspending and resuming a workspace are written to its audit log, and listing is logged."""

from __future__ import annotations

import logging
import uuid

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from shopmcp_domain.audit import Actor, audit_entry
from shopmcp_domain.dashboard_errors import StaffOnly
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.services.sign_in import SignedIn
from shopmcp_domain.workspaces import WorkspaceStatus
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.auth import SIGNED_IN
from shopmcp_entrypoints.http.api.cursors import decode_cursor, encode_cursor
from shopmcp_entrypoints.http.api.schemas import (
    AdminOverviewOut,
    AdminWorkspaceOut,
    AdminWorkspacePageOut,
)

logger = logging.getLogger("shopmcp.admin")


def staff_actor(signed_in: NamedDependency[SignedIn]) -> Actor:
    if not signed_in.account.is_staff:
        raise StaffOnly()
    return Actor.staff(signed_in.account.id, signed_in.account.email)


class Admin(Controller):
    path = "/api/v1/admin/workspaces"
    tags = ("admin",)
    dependencies = SIGNED_IN

    @get("/")
    async def list_workspaces(
        self,
        signed_in: NamedDependency[SignedIn],
        dashboard: NamedDependency[DashboardPorts],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
    ) -> AdminWorkspacePageOut:
        """Every workspace, oldest first."""
        staff_actor(signed_in)
        limit = max(1, min(limit, 200))
        after = decode_cursor(cursor)
        workspaces = await dashboard.admin.workspaces(
            None if after is None else (after[0], WorkspaceId(after[1])), limit
        )
        logger.info("staff %s listed %d workspaces", signed_in.account.id, len(workspaces))
        last = workspaces[-1] if len(workspaces) == limit else None
        return AdminWorkspacePageOut(
            workspaces=[AdminWorkspaceOut.of(w) for w in workspaces],
            next_cursor=None if last is None else encode_cursor(last.created_at, last.id),
        )

    @get("/{workspace_id:uuid}")
    async def inspect(
        self,
        workspace_id: FromPath[uuid.UUID],
        signed_in: NamedDependency[SignedIn],
        dashboard: NamedDependency[DashboardPorts],
    ) -> AdminOverviewOut:
        actor = staff_actor(signed_in)
        overview = await dashboard.admin.overview(WorkspaceId(workspace_id))
        if overview is None:
            raise NotFound("workspace")
        await dashboard.admin.record_action(
            audit_entry(
                overview.workspace.id,
                actor,
                "admin.inspect",
                "workspace",
                workspace_id,
                dashboard.clock.now(),
            )
        )
        return AdminOverviewOut(
            workspace=AdminWorkspaceOut.of(overview.workspace),
            platforms=list(overview.platforms),
            connections=overview.connections,
            active_keys=overview.active_keys,
            members=overview.members,
        )

    async def _set_status(
        self,
        workspace_id: FromPath[uuid.UUID],
        signed_in: NamedDependency[SignedIn],
        dashboard: NamedDependency[DashboardPorts],
        status: WorkspaceStatus,
        action: str,
    ) -> AdminWorkspaceOut:
        actor = staff_actor(signed_in)
        target = WorkspaceId(workspace_id)
        overview = await dashboard.admin.overview(target)
        if overview is None:
            raise NotFound("workspace")
        current = overview.workspace.status
        if current is WorkspaceStatus.PENDING_DELETION:
            # An erased workspace never serves again, whatever staff do.
            return AdminWorkspaceOut.of(overview.workspace)
        entry = audit_entry(target, actor, action, "workspace", target, dashboard.clock.now())
        changed = await dashboard.admin.set_status(target, status, entry)
        if changed is None:
            raise NotFound("workspace")
        dashboard.forget_scopes(target)
        return AdminWorkspaceOut.of(changed)

    @post("/{workspace_id:uuid}/suspend", status_code=200)
    async def suspend(
        self,
        workspace_id: FromPath[uuid.UUID],
        signed_in: NamedDependency[SignedIn],
        dashboard: NamedDependency[DashboardPorts],
    ) -> AdminWorkspaceOut:
        """Stop the workspace serving tools (every key is refused) until resumed."""
        return await self._set_status(
            workspace_id, signed_in, dashboard, WorkspaceStatus.SUSPENDED, "admin.suspend"
        )

    @post("/{workspace_id:uuid}/resume", status_code=200)
    async def resume(
        self,
        workspace_id: FromPath[uuid.UUID],
        signed_in: NamedDependency[SignedIn],
        dashboard: NamedDependency[DashboardPorts],
    ) -> AdminWorkspaceOut:
        return await self._set_status(
            workspace_id, signed_in, dashboard, WorkspaceStatus.ACTIVE, "admin.resume"
        )


ROUTES = [Admin]
