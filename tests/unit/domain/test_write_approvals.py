"""Dashboard approval of writes (migration 0017) against the in-memory fakes: the runtime's
side (request, wait, execute once, refuse) and the dashboard's (approve, reject, who may).
Every refusal here must also leave the fake upstream untouched."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import uuid
from typing import Any

import attrs
import pytest

from shopmcp_domain.accounts import Account, Role
from shopmcp_domain.approvals import (
    APPROVAL_TTL,
    MAX_APPROVAL_CHANGES_BYTES,
    ApprovalId,
    ApprovalState,
    Step,
    WriteApproval,
    approval_changes,
    approvals_path,
    next_step,
)
from shopmcp_domain.audit import Actor
from shopmcp_domain.confirmations import policy_version
from shopmcp_domain.dashboard_errors import RoleRequired
from shopmcp_domain.errors import (
    ApprovalNotPending,
    ApprovalRefused,
    NotFound,
    ShopMcpError,
    UsageStatus,
    WriteInProgress,
)
from shopmcp_domain.ids import new_account_id, new_workspace_id
from shopmcp_domain.keys import issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.call_tool import call_tool
from shopmcp_domain.services.dashboard import Access
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.services.write_approvals import decide_approval, list_approvals
from shopmcp_domain.workspaces import Workspace, WriteApprovalMode
from tests.factories import ADMITTED, NOW, UpdateThingInput, World
from tests.ports.confirmations import approval_for, binding_for

TOOL = "shopify_update_thing"
ARGS: dict[str, Any] = {"thing_id": 7, "title": "New title"}
# What an in-chat confirmation code looks like: none may appear in a dashboard-mode answer.
CODE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])")


async def _dashboard_world() -> tuple[World, Workspace, RequestScope]:
    world = World()
    workspace, issued = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}))
    workspace = await _set_mode(world, workspace, WriteApprovalMode.DASHBOARD)
    return world, workspace, await world.scope(issued.token)


async def _set_mode(world: World, workspace: Workspace, mode: WriteApprovalMode) -> Workspace:
    return await onboarding.set_write_approval(
        world.store, world.clock, workspace.id, mode, actor=Actor.cli()
    )


def _access(workspace: Workspace, role: Role = Role.ADMIN) -> Access:
    account = Account(new_account_id(), f"{role.value}@example.com", NOW)
    return Access(account=account, workspace=workspace, role=role)


async def _call(world: World, scope: RequestScope, args: dict[str, Any] = ARGS) -> ToolOutput:
    return await call_tool(world.deps, scope, ADMITTED, TOOL, args)


async def _request(world: World, scope: RequestScope, args: dict[str, Any] = ARGS) -> ApprovalId:
    out = await _call(world, scope, args)
    assert out.structured["status"] == "approval_required", out.structured
    return ApprovalId(uuid.UUID(out.structured["approval_id"]))


async def _decide(
    world: World, workspace: Workspace, approval_id: ApprovalId, *, approve: bool = True
) -> WriteApproval:
    return await decide_approval(
        world.confirmations,
        world.store,
        world.clock,
        _access(workspace),
        approval_id,
        approve=approve,
    )


async def _statuses(world: World, workspace: Workspace) -> list[UsageStatus]:
    async with world.store.unit_of_work(workspace.id) as uow:
        return sorted(e.status for e in await uow.usage.recent(100))


# --------------------------------------------------------------------------- the first call


async def test_the_first_call_stores_a_pending_write_and_returns_no_code() -> None:
    world, workspace, scope = await _dashboard_world()
    out = await _call(world, scope)
    assert world.upstream.calls == []
    preview = out.structured
    assert preview["status"] == "approval_required"
    assert "confirmation" not in preview and world.confirmations.issued == 0
    assert not CODE.search(out.text) and not CODE.search(str(preview["changes"]))
    assert preview["approve_at"] == approvals_path(workspace.id)
    assert approvals_path(workspace.id) in out.text and "Writes page" in out.text
    [stored] = await world.confirmations.list(workspace.id)
    assert str(stored.id) == preview["approval_id"]
    assert stored.tool == TOOL and stored.store == scope.connections[0].label
    assert stored.changes == {"thing_id": 7, "title": "New title"} == preview["changes"]
    assert stored.state is ApprovalState.PENDING and stored.decided_by is None
    assert stored.expires_at == NOW + APPROVAL_TTL == NOW + dt.timedelta(minutes=30)
    assert await _statuses(world, workspace) == [UsageStatus.CONFIRMATION_REQUIRED]


async def test_a_retry_before_approval_waits_and_sends_nothing() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    for _ in range(3):
        out = await _call(world, scope)
        assert out.structured["status"] == "awaiting_approval"
        assert out.structured["approval_id"] == str(approval_id)
        assert out.text.startswith("Still awaiting approval")
    assert world.upstream.calls == []
    assert len(await world.confirmations.list(workspace.id)) == 1


async def test_the_stored_changes_are_redacted_and_bounded() -> None:
    kept = approval_changes({"title": "mail me at jo@example.com", "api_token": "s3cret-value"})
    assert "jo@example.com" not in str(kept) and "s3cret-value" not in str(kept)
    with pytest.raises(ValueError, match="too large"):
        approval_changes({"description": "x" * MAX_APPROVAL_CHANGES_BYTES})


# --------------------------------------------------------------------------- approve, execute


async def test_an_approved_write_runs_exactly_once_on_the_retry() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    decided = await _decide(world, workspace, approval_id)
    assert decided.state is ApprovalState.APPROVED and decided.decided_at == NOW
    out = await _call(world, scope)
    assert out.structured["tool"] == TOOL
    [sent] = world.upstream.calls
    assert sent.arguments == UpdateThingInput(thing_id=7, title="New title")
    assert sent.idempotency_key == str(approval_id)
    # A repeat gets the first result: nothing more is sent.
    again = await _call(world, scope)
    assert again.structured == out.structured and len(world.upstream.calls) == 1
    [closed] = await world.confirmations.list(workspace.id)
    assert closed.used_at == NOW
    assert UsageStatus.OK in await _statuses(world, workspace)
    assert UsageStatus.REPLAYED in await _statuses(world, workspace)


async def test_concurrent_retries_of_an_approved_write_execute_once() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    await _decide(world, workspace, approval_id)
    results = await asyncio.gather(*(_call(world, scope) for _ in range(6)), return_exceptions=True)
    assert len(world.upstream.calls) == 1
    for result in results:
        if isinstance(result, BaseException):
            assert isinstance(result, WriteInProgress), result
        else:
            assert result.structured["tool"] == TOOL


async def test_the_approval_is_bound_to_the_key_that_asked() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    await _decide(world, workspace, approval_id)
    other = issue_key(workspace.id, NOW, scope.key.scopes)
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.keys.add(other.key)
    other_scope = await world.scope(other.token)
    # Another key's identical call is not approved by it: it asks for its own approval.
    out = await _call(world, other_scope)
    assert out.structured["status"] == "approval_required"
    assert out.structured["approval_id"] != str(approval_id)
    assert world.upstream.calls == []
    # The approval is still the asking key's, once.
    await _call(world, scope)
    assert len(world.upstream.calls) == 1


@pytest.mark.parametrize(
    "changed",
    [
        {"thing_id": 8, "title": "New title"},
        {"thing_id": 7, "title": "Other title"},
        {"thing_id": 7, "title": "New title", "status": "draft"},
        {"thing_id": 7},
    ],
    ids=["locator", "value", "added-field", "dropped-field"],
)
async def test_changed_arguments_are_not_approved(changed: dict[str, Any]) -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    await _decide(world, workspace, approval_id)
    out = await _call(world, scope, changed)
    assert out.structured["status"] == "approval_required"
    assert out.structured["approval_id"] != str(approval_id)
    assert world.upstream.calls == []


async def test_a_confirmation_argument_is_refused_in_dashboard_mode() -> None:
    world = World()
    workspace, issued = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}))
    scope = await world.scope(issued.token)
    code = (await _call(world, scope)).structured["confirmation"]
    await _set_mode(world, workspace, WriteApprovalMode.DASHBOARD)
    scope = await world.scope(issued.token)
    for attempt in (code, "A" * 32):
        with pytest.raises(ApprovalRefused, match="no confirmation code"):
            await _call(world, scope, {**ARGS, "confirmation": attempt})
    assert world.upstream.calls == []
    assert await world.confirmations.list(workspace.id) == []


# --------------------------------------------------------------------------- reject, expiry


async def test_a_rejected_write_is_refused_once_then_asks_anew() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    decided = await _decide(world, workspace, approval_id, approve=False)
    assert decided.state is ApprovalState.REJECTED
    with pytest.raises(ApprovalRefused, match="rejected"):
        await _call(world, scope)
    assert world.upstream.calls == []
    out = await _call(world, scope)
    assert out.structured["status"] == "approval_required"
    assert out.structured["approval_id"] != str(approval_id)
    assert world.upstream.calls == []


async def test_an_expired_request_is_refused_and_cannot_be_approved() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    world.clock.advance(APPROVAL_TTL.total_seconds())
    with pytest.raises(ApprovalNotPending, match="expired"):
        await _decide(world, workspace, approval_id)
    with pytest.raises(ApprovalRefused, match="expired"):
        await _call(world, scope)
    assert world.upstream.calls == []
    # Answered: a decision now is refused for that reason.
    with pytest.raises(ApprovalNotPending):
        await _decide(world, workspace, approval_id)
    assert (await _call(world, scope)).structured["status"] == "approval_required"


async def test_an_approval_unused_until_its_expiry_is_refused() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    await _decide(world, workspace, approval_id)
    world.clock.advance(APPROVAL_TTL.total_seconds())
    with pytest.raises(ApprovalRefused, match="expired"):
        await _call(world, scope)
    assert world.upstream.calls == []


async def test_a_decision_is_made_once() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    await _decide(world, workspace, approval_id, approve=False)
    with pytest.raises(ApprovalNotPending, match="already rejected"):
        await _decide(world, workspace, approval_id)
    with pytest.raises(ApprovalRefused, match="rejected"):
        await _call(world, scope)
    assert world.upstream.calls == []


# --------------------------------------------------------------------------- who decides


async def test_a_viewer_cannot_approve() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    with pytest.raises(RoleRequired):
        await decide_approval(
            world.confirmations,
            world.store,
            world.clock,
            _access(workspace, Role.VIEWER),
            approval_id,
            approve=True,
        )
    assert (await _call(world, scope)).structured["status"] == "awaiting_approval"
    assert world.upstream.calls == []


async def test_another_workspaces_write_is_not_found() -> None:
    world, _, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    stranger, _ = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}))
    with pytest.raises(NotFound) as refused:
        await decide_approval(
            world.confirmations,
            world.store,
            world.clock,
            _access(stranger, Role.OWNER),
            approval_id,
            approve=True,
        )
    assert refused.value.http_status == 404
    assert await list_approvals(world.confirmations, _access(stranger)) == []
    assert (await _call(world, scope)).structured["status"] == "awaiting_approval"


async def test_decisions_and_the_mode_are_audited() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    access = _access(workspace, Role.OWNER)
    await decide_approval(
        world.confirmations, world.store, world.clock, access, approval_id, approve=True
    )
    async with world.store.unit_of_work(workspace.id) as uow:
        entries = await uow.audit_entries.list(None, 100)
    seen = {(e.action, e.actor.label, e.target_id) for e in entries}
    assert ("writes.approve", "owner@example.com", str(approval_id)) in seen
    assert ("writes.approval_dashboard", "cli", str(workspace.id)) in seen
    [decided] = await world.confirmations.list(workspace.id)
    assert decided.decided_by == access.account.id


# --------------------------------------------------------------------------- the mode


async def test_flipping_the_mode_changes_the_policy_version() -> None:
    versions = {
        policy_version(
            platform=Platform.SHOPIFY,
            write_enabled=frozenset({Platform.SHOPIFY}),
            confirmation_off=frozenset(),
            writable=frozenset({"title"}),
            locators=frozenset({"id"}),
            write_approval=mode.value,
        )
        for mode in WriteApprovalMode
    }
    assert len(versions) == 2


async def test_a_pending_approval_does_not_survive_a_switch_to_in_chat() -> None:
    world, workspace, scope = await _dashboard_world()
    approval_id = await _request(world, scope)
    await _decide(world, workspace, approval_id)
    await _set_mode(world, workspace, WriteApprovalMode.IN_CHAT)
    scope = await world.scope(world.tokens[workspace.id])
    out = await _call(world, scope)
    assert out.structured["status"] == "confirmation_required"
    assert world.upstream.calls == []


async def test_in_chat_is_the_default_and_keeps_the_code() -> None:
    world = World()
    workspace, issued = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}))
    assert workspace.write_approval is WriteApprovalMode.IN_CHAT
    out = await _call(world, await world.scope(issued.token))
    assert out.structured["status"] == "confirmation_required"
    assert await world.confirmations.list(workspace.id) == []


async def test_an_owner_opt_out_still_runs_on_the_first_call_in_dashboard_mode() -> None:
    world, workspace, _ = await _dashboard_world()
    await onboarding.set_confirmation(
        world.store, world.clock, workspace.id, Platform.SHOPIFY, False, actor=Actor.cli()
    )
    scope = await world.scope(world.tokens[workspace.id])
    out = await _call(world, scope)
    assert out.structured["tool"] == TOOL and len(world.upstream.calls) == 1


# --------------------------------------------------------------------------- next_step


def test_next_step_prefers_an_approval_then_a_rejection_then_waiting() -> None:
    binding = binding_for()
    workspace_id = new_workspace_id()
    who = new_account_id()
    pending = approval_for(workspace_id, binding, NOW)
    approved = approval_for(workspace_id, binding, NOW).decide(True, who, NOW)
    rejected = approval_for(workspace_id, binding, NOW).decide(False, who, NOW)
    later = NOW + dt.timedelta(minutes=1)
    assert next_step([], later) == (Step.REQUEST, None)
    assert next_step([pending, rejected, approved], later) == (Step.EXECUTE, approved)
    assert next_step([pending, rejected], later) == (Step.REJECTED, rejected)
    assert next_step([pending], later) == (Step.WAIT, pending)
    expired = NOW + APPROVAL_TTL
    assert next_step([pending], expired) == (Step.EXPIRED, pending)
    assert next_step([approved], expired) == (Step.EXPIRED, approved)
    closed = attrs.evolve(approved, used_at=later)
    assert next_step([closed], later) == (Step.REPLAY, closed)
    assert next_step([closed], expired) == (Step.REQUEST, None)
    assert next_step([attrs.evolve(rejected, used_at=later)], later) == (Step.REQUEST, None)


def test_every_refusal_is_a_domain_error() -> None:
    for error in (ApprovalRefused("t", "x"), ApprovalNotPending("x")):
        assert isinstance(error, ShopMcpError) and error.http_status == 409
