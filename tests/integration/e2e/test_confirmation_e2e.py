"""Write confirmation and idempotency, end to end: the gateway process, PostgreSQL (migration
0010) and the Shopify sandbox, through the official MCP client over HTTP on both protocol
paths. "Nothing upstream" is read back from the sandbox store itself: its stock is unchanged."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import mcp_types as types
import pytest
from mcp import Client

from shopmcp_domain.accounts import Account, Role
from shopmcp_domain.approvals import ApprovalId
from shopmcp_domain.audit import Actor
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import new_account_id
from shopmcp_domain.keys import Access, KeyScopes, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.dashboard import Access as DashboardAccess
from shopmcp_domain.services.write_approvals import decide_approval
from shopmcp_domain.workspaces import WriteApprovalMode
from tests.integration.e2e.conftest import E2E
from tests.integration.e2e.test_gateway_e2e import MODERN, statuses, text

pytestmark = pytest.mark.integration

SKU = "BLA-TEE-M"


def client(e2e: E2E, token: str, mode: str) -> Client:
    return Client(e2e.mcp_url(token), mode=mode, cache=None)


async def _stock(mcp: Client) -> dict[str, Any]:
    read = await mcp.call_tool("shopify_get_inventory", {"sku": SKU})
    assert read.structured_content is not None, text(read)
    variant = read.structured_content["variants"][0]
    level = variant["levels"][0]
    return {
        "inventory_item_id": variant["inventory_item_id"],
        "location_id": level["location_id"],
        "expected_quantity": level["available"],
    }


async def _writer(e2e: E2E) -> tuple[Any, str]:
    workspace, issued = await e2e.tenant(platforms=(Platform.SHOPIFY,), write=True)
    await onboarding.set_writes(e2e.database.tenants, workspace.id, Platform.SHOPIFY, True)
    return workspace, issued.token


@pytest.mark.parametrize("mode", ["legacy", MODERN])
async def test_a_confirmed_call_with_a_changed_argument_is_refused_and_the_store_unchanged(
    e2e: E2E, mode: str
) -> None:
    workspace, token = await _writer(e2e)
    async with client(e2e, token, mode) as mcp:
        tools = {t.name: t for t in (await mcp.list_tools()).tools}
        schema = tools["shopify_set_inventory"].input_schema
        assert "confirmation" in schema["properties"]
        assert "idempotency_key" in schema["properties"]

        seen = await _stock(mcp)
        wanted = {**seen, "quantity": seen["expected_quantity"] + 3}
        preview = await mcp.call_tool("shopify_set_inventory", wanted)
        assert preview.is_error is False, text(preview)
        structured = preview.structured_content
        assert structured is not None and structured["status"] == "confirmation_required"
        assert structured["changes"]["quantity"] == wanted["quantity"]
        code = structured["confirmation"]
        assert await _stock(mcp) == seen  # the preview changed nothing

        # The model (or an injected instruction) swaps a value in after the user approved.
        changed = {**wanted, "quantity": 0, "confirmation": code}
        refused = await mcp.call_tool("shopify_set_inventory", changed)
        assert refused.is_error and "arguments differ" in text(refused)
        assert await _stock(mcp) == seen

        # The code is spent: even the approved call needs a new preview now.
        reused = await mcp.call_tool("shopify_set_inventory", {**wanted, "confirmation": code})
        assert reused.is_error and "refused" in text(reused)
        assert await _stock(mcp) == seen
    assert UsageStatus.CONFIRMATION_REFUSED in await statuses(e2e, workspace.id)


async def test_another_keys_confirmation_is_refused(e2e: E2E) -> None:
    workspace, token = await _writer(e2e)
    other = issue_key(workspace.id, e2e.clock.now(), KeyScopes(frozenset(Access)))
    async with e2e.database.tenants.unit_of_work(workspace.id) as uow:
        await uow.keys.add(other.key)
    async with client(e2e, token, MODERN) as mcp:
        seen = await _stock(mcp)
        wanted = {**seen, "quantity": seen["expected_quantity"] + 1}
        preview = await mcp.call_tool("shopify_set_inventory", wanted)
        assert preview.structured_content is not None
        code = preview.structured_content["confirmation"]
    async with client(e2e, other.token, MODERN) as intruder:
        refused = await intruder.call_tool(
            "shopify_set_inventory", {**wanted, "confirmation": code}
        )
        assert refused.is_error and "another MCP key" in text(refused)
        assert await _stock(intruder) == seen


async def test_a_repeated_idempotency_key_returns_the_first_result_and_sends_nothing(
    e2e: E2E,
) -> None:
    workspace, token = await _writer(e2e)
    async with client(e2e, token, MODERN) as mcp:
        seen = await _stock(mcp)
        after = seen["expected_quantity"] + 2
        wanted = {**seen, "quantity": after, "idempotency_key": f"e2e-{workspace.id}"}
        preview = await mcp.call_tool("shopify_set_inventory", wanted)
        assert preview.structured_content is not None
        code = preview.structured_content["confirmation"]
        first = await mcp.call_tool("shopify_set_inventory", {**wanted, "confirmation": code})
        assert first.is_error is False, text(first)
        assert (await _stock(mcp))["expected_quantity"] == after

        # Sent again, the write would now be stale (expected_quantity no longer matches) and
        # the store would refuse it: a successful, identical answer proves nothing was sent.
        again = await mcp.call_tool("shopify_set_inventory", wanted)
        assert again.is_error is False, text(again)
        assert again.structured_content == first.structured_content
        assert (await _stock(mcp))["expected_quantity"] == after
    seen_statuses = await statuses(e2e, workspace.id)
    assert seen_statuses.count(UsageStatus.REPLAYED) == 1


async def test_a_client_that_can_be_asked_confirms_by_form(e2e: E2E) -> None:
    """2026-07-28 with form elicitation declared: the user is asked in the client, the SDK
    client's retry carries the answer, and the store changes once; declined, it does not."""
    asked: list[str] = []

    def answering(approve: bool) -> Any:
        async def callback(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
            asked.append(params.message)
            return types.ElicitResult(action="accept", content={"approve": approve})

        return callback

    workspace, token = await _writer(e2e)
    async with client(e2e, token, MODERN) as mcp:
        seen = await _stock(mcp)
    wanted = {**seen, "quantity": seen["expected_quantity"] + 4}
    async with Client(
        e2e.mcp_url(token), mode=MODERN, cache=None, elicitation_callback=answering(False)
    ) as mcp:
        declined = await mcp.call_tool("shopify_set_inventory", wanted)
        assert declined.is_error and "did not approve" in text(declined)
        assert await _stock(mcp) == seen
    async with Client(
        e2e.mcp_url(token), mode=MODERN, cache=None, elicitation_callback=answering(True)
    ) as mcp:
        done = await mcp.call_tool("shopify_set_inventory", wanted)
        assert done.is_error is False, text(done)
        assert (await _stock(mcp))["expected_quantity"] == wanted["quantity"]
    assert len(asked) == 2 and all("Nothing has been changed yet" in m for m in asked)
    assert UsageStatus.CONFIRMATION_REQUIRED in await statuses(e2e, workspace.id)


async def _approve(e2e: E2E, workspace: Any, approval_id: str) -> None:
    """An admin approves the pending write on the dashboard (the tenant role's side)."""
    admin = Account(new_account_id(), f"admin-{workspace.id}@example.com", e2e.clock.now())
    await decide_approval(
        e2e.database.write_approvals,
        e2e.database.tenants,
        e2e.clock,
        DashboardAccess(account=admin, workspace=workspace, role=Role.ADMIN),
        ApprovalId(uuid.UUID(approval_id)),
        approve=True,
    )


@pytest.mark.parametrize("mode", ["legacy", MODERN])
async def test_dashboard_approval_runs_the_write_once_and_only_after_the_approval(
    e2e: E2E, mode: str
) -> None:
    """A workspace that approves writes on the dashboard (migration 0017): no code in the
    preview, no form even for a client that could be asked (its approval would not count),
    nothing sent before a person approves on the dashboard, and once after: concurrent
    retries of the approved call change the store once."""
    asked: list[str] = []

    async def approving(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"approve": True})

    workspace, token = await _writer(e2e)
    workspace = await onboarding.set_write_approval(
        e2e.database.tenants,
        e2e.clock,
        workspace.id,
        WriteApprovalMode.DASHBOARD,
        actor=Actor.cli(),
    )
    extra: dict[str, Any] = {"elicitation_callback": approving} if mode == MODERN else {}
    async with Client(e2e.mcp_url(token), mode=mode, cache=None, **extra) as mcp:
        seen = await _stock(mcp)
        wanted = {**seen, "quantity": seen["expected_quantity"] + 5}
        first = await mcp.call_tool("shopify_set_inventory", wanted)
        assert first.is_error is False, text(first)
        structured = first.structured_content
        assert structured is not None and structured["status"] == "approval_required"
        assert "confirmation" not in structured
        assert structured["approve_at"] in text(first)
        waiting = await mcp.call_tool("shopify_set_inventory", wanted)
        assert waiting.structured_content is not None
        assert waiting.structured_content["status"] == "awaiting_approval"
        coded = await mcp.call_tool("shopify_set_inventory", {**wanted, "confirmation": "A" * 32})
        assert coded.is_error and "no confirmation code" in text(coded)
        assert await _stock(mcp) == seen

        await _approve(e2e, workspace, structured["approval_id"])
        results = await asyncio.gather(
            *(mcp.call_tool("shopify_set_inventory", wanted) for _ in range(4))
        )
        assert any(r.is_error is False for r in results), [text(r) for r in results]
        assert (await _stock(mcp))["expected_quantity"] == wanted["quantity"]
    assert asked == []
    async with e2e.database.tenants.unit_of_work(workspace.id) as uow:
        writes = [
            e.status for e in await uow.usage.recent(500) if e.tool == "shopify_set_inventory"
        ]
    # Executed once; the other retries were answered with its outcome or told it is running.
    assert writes.count(UsageStatus.OK) == 1, writes
    assert UsageStatus.CONFIRMATION_REFUSED in writes
