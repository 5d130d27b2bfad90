"""create_playbook and delete_playbook in a workspace that approves writes on its dashboard: no
code is issued (a model obeying injected text could otherwise create a playbook and confirm it
itself); the call stores a pending write a person approves or rejects; the approved retry of
exactly that call, by the key that asked, against the playbook state the request saw, saves or
deletes once."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from shopmcp_domain.accounts import Account, Role
from shopmcp_domain.approvals import ApprovalId, ApprovalState, WriteApproval
from shopmcp_domain.audit import Actor
from shopmcp_domain.confirmations import GATEWAY_CONNECTION_ID
from shopmcp_domain.errors import ApprovalRefused, UsageStatus
from shopmcp_domain.ids import new_account_id
from shopmcp_domain.keys import issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_definitions import PlaybookDefinition
from shopmcp_domain.playbooks import Playbook
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.services import onboarding
from shopmcp_domain.services import playbooks as use_cases
from shopmcp_domain.services.dashboard import Access
from shopmcp_domain.services.playbook_tools import PlaybookToolDeps, call_playbook_tool
from shopmcp_domain.services.run_playbook import PlaybookRunDeps
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.services.write_approvals import decide_approval
from shopmcp_domain.workspaces import Workspace, WriteApprovalMode
from tests.factories import NOW, World

DEFINITION: dict[str, Any] = {
    "name": "daily",
    "description": "One thing.",
    "mode": "tool_steps",
    "arguments": [{"name": "thing"}],
    "steps": [
        {"id": "get", "tool": "shopify_get_thing", "arguments": {"thing_id": "{{ args.thing }}"}}
    ],
}
EDITED: dict[str, Any] = {**DEFINITION, "description": "One thing, edited."}
# What an in-chat confirmation code looks like: none may appear in a dashboard-mode answer.
CODE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])")


async def _dashboard_world() -> tuple[World, Workspace, RequestScope]:
    world = World()
    workspace, issued = await world.tenant(platforms=(Platform.SHOPIFY,))
    workspace = await onboarding.set_write_approval(
        world.store, world.clock, workspace.id, WriteApprovalMode.DASHBOARD, actor=Actor.cli()
    )
    return world, workspace, await world.scope(issued.token)


def _deps(world: World) -> PlaybookToolDeps:
    return PlaybookToolDeps(
        clock=world.clock,
        audit=world.store,
        run=PlaybookRunDeps(tool_call=world.deps, limiter=world.limiter),
        confirmations=world.confirmations,
    )


async def _call(world: World, scope: RequestScope, tool: str, **arguments: Any) -> ToolOutput:
    return await call_playbook_tool(_deps(world), scope, await world.admit(scope), tool, arguments)


async def _request(world: World, scope: RequestScope, tool: str, **arguments: Any) -> ApprovalId:
    out = await _call(world, scope, tool, **arguments)
    assert out.structured["status"] == "approval_required", out.structured
    assert CODE.search(out.text) is None and "confirmation" not in out.structured
    return ApprovalId(uuid.UUID(out.structured["approval_id"]))


async def _decide(
    world: World, workspace: Workspace, approval_id: ApprovalId, *, approve: bool = True
) -> WriteApproval:
    account = Account(new_account_id(), "admin@example.com", NOW)
    return await decide_approval(
        world.confirmations,
        world.store,
        world.clock,
        Access(account=account, workspace=workspace, role=Role.ADMIN),
        approval_id,
        approve=approve,
    )


async def _stored(world: World, scope: RequestScope) -> list[Playbook]:
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        return list(await uow.playbooks.list())


async def _statuses(world: World, scope: RequestScope) -> list[UsageStatus]:
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        events = sorted(await uow.usage.recent(100), key=lambda e: e.created_at)
    return [e.status for e in events]


async def _save_directly(world: World, scope: RequestScope, definition: dict[str, Any]) -> Playbook:
    return await use_cases.save_playbook(
        world.store,
        world.clock,
        scope.workspace.id,
        PlaybookDefinition.model_validate(definition),
        use_cases.scope_tool_problem(scope),
        replace=True,
    )


async def test_create_waits_for_a_person_then_the_approved_retry_saves_once() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope, "create_playbook", playbook=DEFINITION)
    assert world.confirmations.issued == 0

    # What the dashboard lists: the tool, the gateway as the store, the definition.
    stored = await world.confirmations.get(workspace.id, approval_id)
    assert stored is not None and stored.state is ApprovalState.PENDING
    assert (stored.tool, stored.platform, stored.store) == ("create_playbook", "gateway", "gateway")
    assert stored.connection_id == GATEWAY_CONNECTION_ID and stored.key_id == scope.key.id
    assert stored.changes["action"] == "create"
    assert stored.changes["playbook"]["steps"] == [{"kind": "tool", **DEFINITION["steps"][0]}]

    # A retry before a decision saves nothing.
    waiting = await _call(world, scope, "create_playbook", playbook=DEFINITION)
    assert waiting.structured["status"] == "awaiting_approval"
    assert waiting.structured["approval_id"] == str(approval_id)
    assert await _stored(world, scope) == []

    await _decide(world, workspace, approval_id)
    done = await _call(world, scope, "create_playbook", playbook=DEFINITION)
    [saved] = await _stored(world, scope)
    assert done.structured["saved"]["version"] == saved.version == 1
    # The approval is spent: the same call again changes nothing more.
    again = await _call(world, scope, "create_playbook", playbook=DEFINITION, replace=True)
    assert again.structured["status"] == "approval_required"
    assert [p.version for p in await _stored(world, scope)] == [1]
    statuses = await _statuses(world, scope)
    assert sorted(statuses) == sorted([UsageStatus.OK] + [UsageStatus.CONFIRMATION_REQUIRED] * 3)


async def test_a_rejected_create_is_refused_and_saves_nothing() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope, "create_playbook", playbook=DEFINITION)
    decided = await _decide(world, workspace, approval_id, approve=False)
    assert decided.state is ApprovalState.REJECTED
    with pytest.raises(ApprovalRefused, match="rejected"):
        await _call(world, scope, "create_playbook", playbook=DEFINITION)
    assert await _stored(world, scope) == []
    # Refused once; the next identical call asks anew.
    assert await _request(world, scope, "create_playbook", playbook=DEFINITION) != approval_id


async def test_a_code_is_refused_in_dashboard_mode() -> None:
    world = World()
    workspace, issued = await world.tenant(platforms=(Platform.SHOPIFY,))
    scope = await world.scope(issued.token)
    code = (await _call(world, scope, "create_playbook", playbook=DEFINITION)).structured[
        "confirmation"
    ]
    await onboarding.set_write_approval(
        world.store, world.clock, workspace.id, WriteApprovalMode.DASHBOARD, actor=Actor.cli()
    )
    scope = await world.scope(issued.token)
    for attempt in (code, "A" * 32):
        with pytest.raises(ApprovalRefused, match="no confirmation code"):
            await _call(world, scope, "create_playbook", playbook=DEFINITION, confirmation=attempt)
    assert await _stored(world, scope) == []
    assert await world.confirmations.list(workspace.id) == []


async def test_another_keys_retry_does_not_use_the_approval() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope, "create_playbook", playbook=DEFINITION)
    await _decide(world, workspace, approval_id)
    other = issue_key(workspace.id, NOW, scope.key.scopes)
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.keys.add(other.key)
    other_scope = await world.scope(other.token)

    out = await _call(world, other_scope, "create_playbook", playbook=DEFINITION)
    assert out.structured["status"] == "approval_required"
    assert out.structured["approval_id"] != str(approval_id)
    assert await _stored(world, scope) == []
    # Nor does another definition under the asking key.
    out = await _call(world, scope, "create_playbook", playbook=EDITED)
    assert out.structured["status"] == "approval_required"
    assert await _stored(world, scope) == []
    # The approval is still the asking key's, once.
    await _call(world, scope, "create_playbook", playbook=DEFINITION)
    assert [p.description for p in await _stored(world, scope)] == ["One thing."]


async def test_an_approval_is_for_the_playbook_state_it_showed() -> None:
    world, workspace, scope = await _dashboard_world()
    first = await _save_directly(world, scope, DEFINITION)
    approval_id = await _request(world, scope, "create_playbook", playbook=EDITED, replace=True)
    stored = await world.confirmations.get(workspace.id, approval_id)
    assert stored is not None
    assert (stored.changes["action"], stored.changes["replaces_version"]) == ("new_version", 1)
    await _decide(world, workspace, approval_id)
    # Another editor saves version 2 meanwhile: the approval (of replacing version 1) is not
    # for this state, so the retry asks anew and saves nothing.
    await _save_directly(world, scope, {**DEFINITION, "description": "Someone else's."})
    out = await _call(world, scope, "create_playbook", playbook=EDITED, replace=True)
    assert out.structured["status"] == "approval_required"
    [current] = await _stored(world, scope)
    assert (current.id, current.version, current.description) == (first.id, 2, "Someone else's.")


async def test_delete_shows_its_target_and_deletes_once_approved() -> None:
    world, workspace, scope = await _dashboard_world()
    saved = await _save_directly(world, scope, DEFINITION)
    approval_id = await _request(world, scope, "delete_playbook", name="daily")
    stored = await world.confirmations.get(workspace.id, approval_id)
    assert stored is not None and stored.changes["delete"] == {
        "name": "daily",
        "id": str(saved.id),
        "version": 1,
    }
    assert len(await _stored(world, scope)) == 1
    await _decide(world, workspace, approval_id)
    done = await _call(world, scope, "delete_playbook", name="daily")
    assert done.structured == {"deleted": "daily"}
    assert await _stored(world, scope) == []
