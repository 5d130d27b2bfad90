"""Playbooks from the chat, through the official MCP client: create_playbook, list_playbooks,
run_playbook across two platforms (each step in the usage review with the playbook's id),
delete_playbook; the write tools are a write key's only."""

from __future__ import annotations

from typing import Any

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.keys import Access, KeyScopes
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from tests.unit.entrypoints.harness import Gateway

READ_ONLY = KeyScopes(access=frozenset({Access.READ}))

TWO_PLATFORMS = {
    "name": "two-stores",
    "description": "One thing from each store.",
    "mode": "tool_steps",
    "arguments": [{"name": "thing"}],
    "steps": [
        {"id": "shop", "tool": "shopify_get_thing", "arguments": {"thing_id": "{{ args.thing }}"}},
        {
            "id": "big",
            "tool": "bigcommerce_get_thing",
            "arguments": {"thing_id": "{{ steps.shop.thing_id }}"},
        },
    ],
}


def _thing(call: UpstreamCall) -> ToolOutput:
    thing = call.arguments.model_dump()["thing_id"]
    return ToolOutput({"thing_id": thing, "title": call.connection.store_ref}, "ok")


async def _usage(gateway: Gateway, workspace_id: Any) -> list[Any]:
    async with gateway.world.store.unit_of_work(workspace_id) as uow:
        return sorted(await uow.usage.recent(100), key=lambda e: e.created_at)


async def test_created_from_the_chat_run_across_two_platforms_and_audited(gateway: Gateway) -> None:
    world = gateway.world
    workspace, issued = await world.tenant(platforms=(Platform.SHOPIFY, Platform.BIGCOMMERCE))
    world.upstream.answer("shopify_get_thing", _thing)
    world.upstream.answer("bigcommerce_get_thing", _thing)
    async with gateway.client(issued.token) as client:
        created = await client.call_tool("create_playbook", {"playbook": TWO_PLATFORMS})
        assert not created.is_error, created.content
        listed = await client.call_tool("list_playbooks", {})
        assert [p["name"] for p in listed.structured_content["playbooks"]] == ["two-stores"]
        ran = await client.call_tool(
            "run_playbook", {"name": "two-stores", "arguments": {"thing": 4}}
        )
    assert not ran.is_error, ran.content
    summary = ran.structured_content
    assert summary["status"] == "completed"
    assert [s["result"]["title"].split("-")[0] for s in summary["steps"]] == [
        "shopify",
        "bigcommerce",
    ]
    events = await _usage(gateway, workspace.id)
    run_id = summary["playbook_id"]
    steps = [(e.tool, str(e.playbook_id), e.playbook_version) for e in events if e.playbook_id]
    assert steps == [
        ("create_playbook", run_id, 1),
        ("shopify_get_thing", run_id, 1),
        ("bigcommerce_get_thing", run_id, 1),
        ("run_playbook", run_id, 1),
    ]
    assert all(e.status is UsageStatus.OK for e in events)


async def test_create_refuses_unknown_tools_forward_references_and_bad_templates(
    gateway: Gateway,
) -> None:
    _, issued = await gateway.world.tenant()
    bad = {
        **TWO_PLATFORMS,
        "steps": [
            {"id": "a", "tool": "shopify_drop_tables", "arguments": {}},
            {"id": "b", "tool": "shopify_get_thing", "arguments": {"thing_id": "{{ steps.c.x }}"}},
            {"id": "c", "tool": "shopify_get_thing", "arguments": {"thing_id": "{{ args.thing }"}},
        ],
    }
    async with gateway.client(issued.token) as client:
        result = await client.call_tool("create_playbook", {"playbook": bad})
        listed = await client.call_tool("list_playbooks", {})
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "unknown tool 'shopify_drop_tables'" in text
    assert "later step" in text
    assert "unbalanced" in text
    assert listed.structured_content == {"playbooks": []}


async def test_create_refuses_a_tool_the_key_may_not_call(gateway: Gateway) -> None:
    # The workspace has no BigCommerce connection: the key cannot call its tools.
    _, issued = await gateway.world.tenant(platforms=(Platform.SHOPIFY,))
    async with gateway.client(issued.token) as client:
        result = await client.call_tool("create_playbook", {"playbook": TWO_PLATFORMS})
    assert result.is_error
    assert "no active bigcommerce connection" in result.content[0].text  # type: ignore[union-attr]


async def test_a_read_only_key_neither_sees_nor_calls_create_and_delete(gateway: Gateway) -> None:
    world = gateway.world
    _, issued = await world.tenant(scopes=READ_ONLY)
    async with gateway.client(issued.token) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        refused = await client.call_tool("create_playbook", {"playbook": TWO_PLATFORMS})
        deleted = await client.call_tool("delete_playbook", {"name": "x"})
    assert {"run_playbook", "list_playbooks"} <= names
    assert not {"create_playbook", "delete_playbook"} & names
    assert refused.is_error and deleted.is_error


async def test_a_new_version_on_edit_and_delete(gateway: Gateway) -> None:
    world = gateway.world
    workspace, issued = await world.tenant(platforms=(Platform.SHOPIFY, Platform.BIGCOMMERCE))
    async with gateway.client(issued.token) as client:
        await client.call_tool("create_playbook", {"playbook": TWO_PLATFORMS})
        again = await client.call_tool("create_playbook", {"playbook": TWO_PLATFORMS})
        assert again.is_error  # the name exists: replace says it is an edit
        edited = await client.call_tool(
            "create_playbook",
            {"playbook": {**TWO_PLATFORMS, "steps": TWO_PLATFORMS["steps"][:1]}, "replace": True},
        )
        assert edited.structured_content["saved"]["version"] == 2
        ran = await client.call_tool(
            "run_playbook", {"name": "two-stores", "arguments": {"thing": 1}}
        )
        assert ran.structured_content["version"] == 2
        gone = await client.call_tool("delete_playbook", {"name": "two-stores"})
        assert not gone.is_error
        missing = await client.call_tool("run_playbook", {"name": "two-stores"})
    assert missing.is_error
    events = await _usage(gateway, workspace.id)
    assert [e.playbook_version for e in events if e.tool == "shopify_get_thing"] == [2]
