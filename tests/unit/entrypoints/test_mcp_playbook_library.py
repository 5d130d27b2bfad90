"""The built-in playbook library from the chat: list_playbooks offers it (with whether this
workspace has each entry) and enable_library_playbook saves an entry built for the key's stores
and tools, previewed and confirmed like create_playbook (by code, or on the dashboard); refused,
before any code, for an unknown entry, a per-store entry with no usable store, an entry already
enabled, and a key without write access."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.accounts import Account, Role
from shopmcp_domain.approvals import ApprovalId
from shopmcp_domain.audit import Actor
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import new_account_id
from shopmcp_domain.keys import Access, KeyScopes
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_library import ENTRIES
from shopmcp_domain.services.dashboard import Access as DashboardAccess
from shopmcp_domain.services.onboarding import set_write_approval
from shopmcp_domain.services.write_approvals import decide_approval
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.workspaces import WriteApprovalMode
from tests.factories import World
from tests.unit.entrypoints.harness import Gateway
from tests.unit.entrypoints.test_write_elicitation import MODERN

ENABLE = "enable_library_playbook"
READ_ONLY = KeyScopes(access=frozenset({Access.READ}))


@pytest.fixture
def world() -> World:
    # The platforms' real tools: the library's steps name them.
    return World(registry=ToolRegistry(s for package in PACKAGES for s in package.tools.specs))


async def _playbooks(gateway: Gateway, workspace_id: Any) -> list[Any]:
    async with gateway.world.store.unit_of_work(workspace_id) as uow:
        return list(await uow.playbooks.list())


def _text(result: Any) -> str:
    return str(result.content[0].text)


async def test_the_library_is_listed_with_whether_the_workspace_has_each_entry(
    gateway: Gateway,
) -> None:
    _, issued = await gateway.world.tenant(platforms=(Platform.NETO,))
    async with gateway.client(issued.token) as client:
        before = await client.call_tool("list_playbooks", {})
        preview = await client.call_tool(ENABLE, {"key": "low-stock"})
        code = (preview.structured_content or {})["confirmation"]
        await client.call_tool(ENABLE, {"key": "low-stock", "confirmation": code})
        after = await client.call_tool("list_playbooks", {})
    listed = before.structured_content or {}
    assert listed["playbooks"] == []
    library = {e["key"]: e for e in listed["library"]}
    assert set(library) == set(ENTRIES)
    assert library["low-stock"] == {
        "key": "low-stock",
        "description": ENTRIES["low-stock"].description,
        "platforms": ["shopify", "bigcommerce", "magento", "neto"],
        "per_store": True,
        "enabled": False,
    }
    assert library["reconcile-neto-xero"]["per_store"] is False
    assert not any(e["enabled"] for e in library.values())
    assert "low-stock" in _text(before)
    shown = after.structured_content or {}
    assert [p["name"] for p in shown["playbooks"]] == ["low-stock"]
    assert [e["key"] for e in shown["library"] if e["enabled"]] == ["low-stock"]


async def test_enable_previews_then_saves_the_keys_build_once(gateway: Gateway) -> None:
    workspace, issued = await gateway.world.tenant(platforms=(Platform.NETO,))
    async with gateway.client(issued.token) as client:
        preview = await client.call_tool(ENABLE, {"key": "low-stock"})
        assert preview.is_error is False, preview
        assert await _playbooks(gateway, workspace.id) == []
        structured = preview.structured_content or {}
        assert structured["status"] == "confirmation_required"
        assert (structured["tool"], structured["action"]) == (ENABLE, "create")
        # Built for this workspace's one store: Neto's steps only.
        assert [s["id"] for s in structured["playbook"]["steps"]] == ["neto_products", "neto_low"]
        assert "Nothing has been saved yet" in _text(preview)
        arguments = {"key": "low-stock", "confirmation": structured["confirmation"]}
        saved = await client.call_tool(ENABLE, arguments)
        repeated = await client.call_tool(ENABLE, arguments)
        again = await client.call_tool(ENABLE, {"key": "low-stock"})
    assert saved.is_error is False, saved
    assert (saved.structured_content or {})["saved"]["builtin"] == "low-stock"
    # The used code answers with the first outcome; nothing is saved twice.
    assert repeated.structured_content == saved.structured_content
    [stored] = await _playbooks(gateway, workspace.id)
    assert (stored.name, stored.version, stored.builtin) == ("low-stock", 1, "low-stock")
    assert [s.id for s in stored.steps] == ["neto_products", "neto_low"]
    assert again.is_error is True
    assert "already enabled" in _text(again)
    assert gateway.world.confirmations.issued == 1
    async with gateway.world.store.unit_of_work(workspace.id) as uow:
        events = sorted(await uow.usage.recent(100), key=lambda e: e.created_at)
    assert [(e.tool, e.status, e.playbook_id) for e in events] == [
        (ENABLE, UsageStatus.CONFIRMATION_REQUIRED, None),
        (ENABLE, UsageStatus.OK, stored.id),
        (ENABLE, UsageStatus.REPLAYED, None),
        (ENABLE, events[3].status, None),
    ]
    assert events[3].error_class == "Conflict"


async def test_a_code_is_for_the_definition_previewed(gateway: Gateway) -> None:
    # A store connected after the preview changes what enabling would save: the code was for
    # the Neto-only build, so it no longer matches.
    world = gateway.world
    workspace, issued = await world.tenant(platforms=(Platform.NETO,))
    async with gateway.client(issued.token) as client:
        preview = await client.call_tool(ENABLE, {"key": "low-stock"})
        code = (preview.structured_content or {})["confirmation"]
        await world.connect(workspace.id, Platform.SHOPIFY, "later.myshopify.com")
        other = await client.call_tool(ENABLE, {"key": "low-stock", "confirmation": code})
        assert other.is_error is True
        assert "arguments differ" in _text(other)
        assert await _playbooks(gateway, workspace.id) == []
        # A new preview shows both stores, and its code saves that.
        preview = await client.call_tool(ENABLE, {"key": "low-stock"})
        code = (preview.structured_content or {})["confirmation"]
        saved = await client.call_tool(ENABLE, {"key": "low-stock", "confirmation": code})
    assert saved.is_error is False, saved
    [stored] = await _playbooks(gateway, workspace.id)
    assert {s.id.split("_")[0] for s in stored.steps} == {"shopify", "neto"}


async def test_refused_before_any_code(gateway: Gateway) -> None:
    world = gateway.world
    _, issued = await world.tenant(platforms=(Platform.XERO,))
    _, reader = await world.tenant(platforms=(Platform.NETO,), scopes=READ_ONLY)
    async with gateway.client(issued.token) as client:
        unknown = await client.call_tool(ENABLE, {"key": "make-money"})
        no_store = await client.call_tool(ENABLE, {"key": "slow-movers"})
    async with gateway.client(reader.token) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        read_key = await client.call_tool(ENABLE, {"key": "low-stock"})
        listed = await client.call_tool("list_playbooks", {})
    assert unknown.is_error and "library playbook" in _text(unknown)
    assert no_store.is_error
    assert "slow-movers needs a connected store of shopify, magento" in _text(no_store)
    assert "connected platforms: xero" in _text(no_store)
    assert ENABLE not in names and read_key.is_error
    assert "no write access" in _text(read_key)
    # A read key still sees the library.
    assert len((listed.structured_content or {})["library"]) == len(ENTRIES)
    assert world.confirmations.issued == 0


async def test_tools_list_shows_enable_to_write_keys_only(gateway: Gateway) -> None:
    _, issued = await gateway.world.tenant()
    async with gateway.client(issued.token, MODERN) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    tool = tools[ENABLE]
    assert {"key", "confirmation", "idempotency_key"} <= set(tool.input_schema["properties"])
    assert tool.input_schema["required"] == ["key"]
    assert tool.annotations is not None
    assert tool.annotations.read_only_hint is False
    # Enabling only adds a playbook: never replaces or removes one.
    assert tool.annotations.destructive_hint is False
    assert tool.annotations.open_world_hint is False


async def test_in_dashboard_mode_enable_waits_for_an_approval(gateway: Gateway) -> None:
    world = gateway.world
    workspace, issued = await world.tenant(platforms=(Platform.NETO,))
    workspace = await set_write_approval(
        world.store, world.clock, workspace.id, WriteApprovalMode.DASHBOARD, actor=Actor.cli()
    )
    async with gateway.client(issued.token) as client:
        asked = await client.call_tool(ENABLE, {"key": "low-stock"})
        pending = asked.structured_content or {}
        assert pending["status"] == "approval_required" and "confirmation" not in pending
        assert (pending["tool"], pending["store"]) == (ENABLE, "gateway")
        made_up = await client.call_tool(ENABLE, {"key": "low-stock", "confirmation": "A" * 32})
        assert made_up.is_error is True
        assert await _playbooks(gateway, workspace.id) == []
        account = Account(new_account_id(), "admin@example.com", world.clock.now())
        await decide_approval(
            world.confirmations,
            world.store,
            world.clock,
            DashboardAccess(account=account, workspace=workspace, role=Role.ADMIN),
            ApprovalId(uuid.UUID(pending["approval_id"])),
            approve=True,
        )
        enabled = await client.call_tool(ENABLE, {"key": "low-stock"})
    assert enabled.is_error is False, enabled
    [stored] = await _playbooks(gateway, workspace.id)
    assert stored.builtin == "low-stock"
    assert world.confirmations.issued == 0
