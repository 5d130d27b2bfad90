"""The Writes area's approval pages: where a workspace's writes are approved (a form on the
Writes page, posted here) and the pending writes awaiting a person's approval
(``/workspaces/{id}/settings/writes/approvals``), each with an approve and a reject form.

Who: every member sees the list; owners and admins change the mode and decide (the same
dependencies and roles as the REST API, whose functions these call; every form carries the
session's CSRF token). What is shown of a write is what the model asked to send (the tool's
validated arguments, redacted when stored) and the store's label: text that may quote store
data, so it is shown as text, escaped, never as markup or a link.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.accounts import Role
from shopmcp_domain.errors import ApprovalNotPending
from shopmcp_domain.services.dashboard import Access
from shopmcp_domain.services.sign_in import SignedIn
from shopmcp_domain.workspaces import WriteApprovalMode
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api import approvals as approval_actions
from shopmcp_entrypoints.http.api.auth import MEMBER, needs
from shopmcp_entrypoints.http.api.schemas import WorkspaceOut
from shopmcp_entrypoints.http.web.account_pages import account_chrome
from shopmcp_entrypoints.http.web.rendering import page, see_other, text

BASE = "/workspaces/{workspace_id:uuid}/settings"

_NOTICES = {
    "approved": "Approved: the write runs when the chat calls the tool again with the same "
    "arguments. Nothing has been sent yet.",
    "rejected": "Rejected: the chat's next call is refused and nothing is sent.",
    "not_pending": "That write can no longer be decided (already decided, answered or expired).",
    "mode_dashboard": "Writes are now approved here, on the dashboard: the chat gets no code.",
    "mode_in_chat": "Writes are now approved in the chat, by the preview's one-time code.",
}


def _approvals_where(access: Access, done: str | None = None) -> str:
    path = f"/workspaces/{access.workspace_id}/settings/writes/approvals"
    return path + (f"?done={done}" if done else "")


def _changes(changes: dict[str, Any]) -> str:
    """The changes as readable JSON text (escaped by the template like any text)."""
    return json.dumps(changes, indent=2, sort_keys=True, ensure_ascii=False)


@get(
    f"{BASE}/writes/approvals",
    dependencies=MEMBER,
    opt=needs(Role.VIEWER),
    include_in_schema=False,
)
async def approvals_page(
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
    done: FromQuery[str | None] = None,
) -> Template:
    writes = await approval_actions.list_pending(dashboard, access)
    return page(
        "approvals.html",
        writes=writes,
        changes={w.id: _changes(w.changes) for w in writes},
        names={p.platform.value: p.display_name for p in PACKAGES},
        mode=access.workspace.write_approval.value,
        **account_chrome(signed_in, dashboard),
        workspace=WorkspaceOut.of(access.workspace, access.role),
        role=access.role.value,
        can_change=access.role.allows(Role.ADMIN),
        current="writes",
        notice=_NOTICES.get(done or "", ""),
    )


async def _decide(
    access: Access, dashboard: DashboardPorts, approval_id: uuid.UUID, approve: bool
) -> Redirect:
    try:
        await approval_actions.decide(dashboard, access, approval_id, approve=approve)
    except ApprovalNotPending:
        return see_other(_approvals_where(access, "not_pending"))
    return see_other(_approvals_where(access, "approved" if approve else "rejected"))


@post(
    f"{BASE}/writes/approvals/{{approval_id:uuid}}/approve",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def approve(
    approval_id: FromPath[uuid.UUID],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Redirect:
    return await _decide(access, dashboard, approval_id, True)


@post(
    f"{BASE}/writes/approvals/{{approval_id:uuid}}/reject",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def reject(
    approval_id: FromPath[uuid.UUID],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Redirect:
    return await _decide(access, dashboard, approval_id, False)


@post(
    f"{BASE}/write-approval",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def set_mode(
    request: Request[Any, Any, Any],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Redirect:
    chosen = text(await request.form(), "mode")
    try:
        mode = WriteApprovalMode(chosen)
    except ValueError:
        return see_other(_approvals_where(access))  # an unknown value changes nothing
    await approval_actions.set_write_approval(dashboard, access, mode)
    return see_other(_approvals_where(access, f"mode_{mode.value}"))


ROUTES = [approvals_page, approve, reject, set_mode]
