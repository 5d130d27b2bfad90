"""The write approval API: the per-workspace mode (owners and admins, audited) and the pending
writes (viewers list, admins and owners decide; another workspace's write is not found), with
the MCP runtime's side in between: the model's retry runs only after an approval here."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from shopmcp_domain.errors import ApprovalRefused
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.keys import Access, KeyScopes, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.services.call_tool import call_tool
from shopmcp_domain.services.scope import RequestScope
from tests.factories import ADMITTED, NOW
from tests.ports.confirmations import approval_for
from tests.unit.api.harness import Api

TOOL = "shopify_update_thing"
ARGS: dict[str, Any] = {"thing_id": 7, "title": "New title"}


async def _member(api: Api, owner: str, workspace: str, email: str, role: str) -> str:
    added = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/members",
        owner,
        json={"email": email, "role": role},
    )
    assert added.status_code == 201, added.text
    return await api.sign_in(email)


async def _writable(api: Api, owner: str, workspace: str) -> str:
    """A connected store, writes enabled, and a write key: the model's token."""
    workspace_id = WorkspaceId(uuid.UUID(workspace))
    await api.world.connect(workspace_id, Platform.SHOPIFY, "acme.myshopify.com")
    enabled = await api.call(
        "PUT", f"/api/v1/workspaces/{workspace}/writes/shopify", owner, json={"enabled": True}
    )
    assert enabled.status_code == 200, enabled.text
    issued = issue_key(workspace_id, NOW, KeyScopes(access=frozenset({Access.READ, Access.WRITE})))
    async with api.world.store.unit_of_work(workspace_id) as uow:
        await uow.keys.add(issued.key)
    return issued.token


async def _model(api: Api, scope: RequestScope) -> ToolOutput:
    return await call_tool(api.world.deps, scope, ADMITTED, TOOL, ARGS)


async def test_the_mode_is_in_chat_until_an_owner_or_admin_changes_it(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    admin = await _member(api, owner, workspace, "admin@example.com", "admin")
    viewer = await _member(api, owner, workspace, "viewer@example.com", "viewer")
    path = f"/api/v1/workspaces/{workspace}/write-approval"

    shown = await api.call("GET", path, viewer)
    assert shown.status_code == 200 and shown.json()["mode"] == "in_chat"
    assert shown.json()["approvals_page"] == f"/workspaces/{workspace}/settings/writes/approvals"
    refused = await api.call("PUT", path, viewer, json={"mode": "dashboard"})
    assert refused.status_code == 403
    for bad in ({"mode": "email"}, {"mode": "dashboard", "extra": 1}, {}):
        assert (await api.call("PUT", path, admin, json=bad)).status_code in (400, 422), bad

    changed = await api.call("PUT", path, admin, json={"mode": "dashboard"})
    assert changed.status_code == 200 and changed.json()["mode"] == "dashboard"
    listed = await api.call("GET", f"/api/v1/workspaces/{workspace}", owner)
    assert listed.json()["write_approval"] == "dashboard"
    back = await api.call("PUT", path, owner, json={"mode": "in_chat"})
    assert back.json()["mode"] == "in_chat"
    audit = await api.call("GET", f"/api/v1/workspaces/{workspace}/audit", owner)
    entries = sorted(
        (e["action"], e["actor"])
        for e in audit.json()["entries"]
        if e["action"].startswith("writes.approval")
    )
    assert entries == [
        ("writes.approval_dashboard", "admin@example.com"),
        ("writes.approval_in_chat", "owner@example.com"),
    ]


async def test_a_write_runs_only_after_an_admin_approves_it(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    admin = await _member(api, owner, workspace, "admin@example.com", "admin")
    viewer = await _member(api, owner, workspace, "viewer@example.com", "viewer")
    token = await _writable(api, owner, workspace)
    mode = await api.call(
        "PUT", f"/api/v1/workspaces/{workspace}/write-approval", owner, json={"mode": "dashboard"}
    )
    assert mode.status_code == 200
    scope = await api.world.scope(token)

    first = await _model(api, scope)
    assert first.structured["status"] == "approval_required"
    approval_id = first.structured["approval_id"]
    pending = f"/api/v1/workspaces/{workspace}/pending-writes"
    listed = await api.call("GET", pending, viewer)
    assert listed.status_code == 200
    [shown] = listed.json()
    assert shown["id"] == approval_id and shown["state"] == "pending" and shown["decidable"]
    assert shown["changes"] == ARGS and shown["tool"] == TOOL
    assert shown["store"] == "acme.myshopify.com"

    assert (await api.call("POST", f"{pending}/{approval_id}/approve", viewer)).status_code == 403
    assert (await _model(api, scope)).structured["status"] == "awaiting_approval"
    assert api.world.upstream.calls == []

    approved = await api.call("POST", f"{pending}/{approval_id}/approve", admin)
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved" and not approved.json()["decidable"]
    again = await api.call("POST", f"{pending}/{approval_id}/reject", owner)
    assert again.status_code == 409

    ran = await _model(api, scope)
    assert ran.structured["tool"] == TOOL and len(api.world.upstream.calls) == 1
    assert (await _model(api, scope)).structured == ran.structured
    assert len(api.world.upstream.calls) == 1
    audit = await api.call("GET", f"/api/v1/workspaces/{workspace}/audit", owner)
    assert ("writes.approve", "admin@example.com", approval_id) in {
        (e["action"], e["actor"], e["target_id"]) for e in audit.json()["entries"]
    }


async def test_a_rejected_write_is_refused(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    token = await _writable(api, owner, workspace)
    await api.call(
        "PUT", f"/api/v1/workspaces/{workspace}/write-approval", owner, json={"mode": "dashboard"}
    )
    scope = await api.world.scope(token)
    approval_id = (await _model(api, scope)).structured["approval_id"]
    pending = f"/api/v1/workspaces/{workspace}/pending-writes"
    rejected = await api.call("POST", f"{pending}/{approval_id}/reject", owner)
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    with pytest.raises(ApprovalRefused, match="rejected"):
        await _model(api, scope)
    assert api.world.upstream.calls == []


async def test_another_workspaces_pending_write_is_not_found(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    mine = await api.workspace(owner)
    theirs = await api.workspace(owner, "Other")
    approval = approval_for(WorkspaceId(uuid.UUID(theirs)))
    await api.world.confirmations.request_approval(approval)
    pending = f"/api/v1/workspaces/{mine}/pending-writes"
    assert (await api.call("GET", pending, owner)).json() == []
    for verb in ("approve", "reject"):
        found = await api.call("POST", f"{pending}/{approval.id}/{verb}", owner)
        assert found.status_code == 404, found.text
    missing = await api.call("POST", f"{pending}/{uuid.uuid4()}/approve", owner)
    assert missing.status_code == 404
    [still] = await api.world.confirmations.list(approval.workspace_id)
    assert still.state.value == "pending"
    # Someone who is not a member of the workspace learns nothing either.
    stranger = await api.sign_in("stranger@example.com")
    theirs_path = f"/api/v1/workspaces/{theirs}/pending-writes/{approval.id}/approve"
    assert (await api.call("POST", theirs_path, stranger)).status_code == 404
