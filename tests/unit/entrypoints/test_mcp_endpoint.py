"""The MCP endpoint through the official client (and raw HTTP where HTTP is what is tested),
on the in-memory fakes."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import attrs
import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import TextContent

from shopmcp_domain.errors import (
    UpstreamError,
    UsageStatus,
)
from shopmcp_domain.keys import Access, KeyScopes
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services.playbook_tools import PLAYBOOK_TOOLS
from shopmcp_entrypoints.http import mcp as mcp_layer
from shopmcp_entrypoints.http.jsonrpc_codes import INTERNAL_ERROR
from tests.confirming import call_confirmed
from tests.unit.entrypoints.harness import Gateway, running_gateway

SOLO_LIMIT = PlanTier.SOLO.rate_limit.limit

READ_ONLY = KeyScopes(access=frozenset({Access.READ}))
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}

PLAYBOOK_READS = sorted(n for n, t in PLAYBOOK_TOOLS.items() if not t.write)


def thing(call: UpstreamCall) -> ToolOutput:
    args = call.arguments.model_dump()
    return ToolOutput(
        structured={"thing_id": args["thing_id"], "title": call.connection.store_ref}, text="ok"
    )


@pytest.fixture(autouse=True)
def _answers(gateway: Gateway) -> None:
    for platform in (Platform.SHOPIFY, Platform.MAGENTO, Platform.BIGCOMMERCE):
        gateway.world.upstream.answer(f"{platform.value}_get_thing", thing)
        gateway.world.upstream.answer(f"{platform.value}_update_thing", thing)


async def usage(gateway: Gateway, workspace_id: Any) -> list[Any]:
    async with gateway.world.store.unit_of_work(workspace_id) as uow:
        return list(await uow.usage.recent())


# --------------------------------------------------------------------------- tools/list


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_tools_list_is_the_policy_read_only_by_default(gateway: Gateway, mode: str) -> None:
    _, issued = await gateway.world.tenant(platforms=(Platform.SHOPIFY, Platform.MAGENTO))
    async with gateway.client(issued.token, mode=mode) as client:
        names = sorted(t.name for t in (await client.list_tools()).tools)
    # The policy's tools and the gateway's own playbook tools (this key may write: all four).
    assert names == sorted(["magento_get_thing", "shopify_get_thing", *PLAYBOOK_TOOLS])


async def test_write_tools_listed_only_after_opt_in_and_with_a_write_key(gateway: Gateway) -> None:
    world = gateway.world
    _, writer = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}))
    _, reader = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}), scopes=READ_ONLY)
    async with gateway.client(writer.token) as client:
        assert {t.name for t in (await client.list_tools()).tools} == {
            "shopify_get_thing",
            "shopify_update_thing",
            *PLAYBOOK_TOOLS,
        }
    async with gateway.client(reader.token) as client:
        assert {t.name for t in (await client.list_tools()).tools} == {
            "shopify_get_thing",
            *PLAYBOOK_READS,
        }


async def test_wire_shape_has_schemas_and_camel_case_annotations(gateway: Gateway) -> None:
    _, issued = await gateway.world.tenant()
    response = await gateway.post(f"/mcp/{issued.token}", LIST)
    assert response.status_code == 200
    (tool,) = [t for t in response.json()["result"]["tools"] if t["name"] not in PLAYBOOK_TOOLS]
    assert tool["inputSchema"]["properties"]["thing_id"]["minimum"] == 1
    assert tool["inputSchema"]["additionalProperties"] is False
    assert set(tool["outputSchema"]["required"]) == {"thing_id", "title"}
    assert tool["annotations"]["readOnlyHint"] is True
    assert tool["annotations"]["destructiveHint"] is False
    assert "read_only_hint" not in tool["annotations"]


# --------------------------------------------------------------------------- tools/call


async def test_read_call_returns_structured_content_and_is_audited(gateway: Gateway) -> None:
    workspace, issued = await gateway.world.tenant()
    async with gateway.client(issued.token) as client:
        result = await client.call_tool("shopify_get_thing", {"thing_id": 7})
    assert result.is_error is False
    assert result.structured_content == {
        "thing_id": 7,
        "title": f"shopify-{str(workspace.id)[:8]}.example",
    }
    (event,) = await usage(gateway, workspace.id)
    assert (event.tool, event.status, event.key_prefix) == (
        "shopify_get_thing",
        UsageStatus.OK,
        issued.key.prefix,
    )


async def test_write_refused_until_opt_in_then_allowed(gateway: Gateway) -> None:
    world = gateway.world
    workspace, issued = await world.tenant()
    async with gateway.client(issued.token) as client:
        refused = await client.call_tool("shopify_update_thing", {"thing_id": 1, "title": "x"})
    assert refused.is_error is True
    assert "not enabled" in refused.content[0].text  # type: ignore[union-attr]
    assert world.upstream.calls == []

    async with world.store.unit_of_work(workspace.id) as uow:
        current = await uow.workspaces.get()
        assert current is not None
        await uow.workspaces.update(current.enable_writes(Platform.SHOPIFY))
    async with gateway.client(issued.token) as client:
        _, allowed = await call_confirmed(
            client, "shopify_update_thing", {"thing_id": 1, "title": "x"}
        )
    assert allowed.is_error is False
    assert [c.tool.name for c in world.upstream.calls] == ["shopify_update_thing"]
    statuses = [e.status for e in await usage(gateway, workspace.id)]
    assert sorted(statuses) == sorted(
        [UsageStatus.NOT_ALLOWED, UsageStatus.CONFIRMATION_REQUIRED, UsageStatus.OK]
    )


async def test_an_unknown_tool_is_invalid_params_and_bad_arguments_are_tool_errors(
    gateway: Gateway,
) -> None:
    workspace, issued = await gateway.world.tenant()
    async with gateway.client(issued.token) as client:
        with pytest.raises(MCPError) as unknown:
            await client.call_tool("shopify_drop_everything", {})
        invalid = await client.call_tool("shopify_get_thing", {"thing_id": 0})
        extra = await client.call_tool("shopify_get_thing", {"thing_id": 1, "sql": "x"})
    # The MCP specification: an unknown tool is a protocol error, -32602.
    assert unknown.value.error.code == -32602 and "unknown tool" in unknown.value.error.message
    assert invalid.is_error and "thing_id" in invalid.content[0].text  # type: ignore[union-attr]
    assert extra.is_error and "sql" in extra.content[0].text  # type: ignore[union-attr]
    assert gateway.world.upstream.calls == []
    statuses = {e.status for e in await usage(gateway, workspace.id)}
    assert statuses == {UsageStatus.UNKNOWN_TOOL, UsageStatus.INVALID_ARGUMENTS}


async def test_a_tool_name_with_a_nul_byte_is_an_unknown_tool_and_audited(
    gateway: Gateway,
) -> None:
    workspace, issued = await gateway.world.tenant()
    async with gateway.client(issued.token) as client:
        with pytest.raises(MCPError) as refused:
            await client.call_tool("shopify_get_thing\u0000", {"thing_id": 1})
    text = refused.value.error.message
    assert refused.value.error.code == -32602
    assert "unknown tool" in text and "internal" not in text
    assert "\x00" not in text
    [event] = await usage(gateway, workspace.id)
    assert event.status is UsageStatus.UNKNOWN_TOOL
    assert event.tool == "shopify_get_thing\\x00"
    assert gateway.world.upstream.calls == []


async def test_upstream_errors_are_surfaced_but_internal_details_never_leak(
    gateway: Gateway,
) -> None:
    world = gateway.world
    workspace, issued = await world.tenant(platforms=(Platform.SHOPIFY, Platform.MAGENTO))
    world.upstream.answer("shopify_get_thing", UpstreamError("shopify", 404, "Not Found"))
    world.upstream.answer("magento_get_thing", RuntimeError("dsn=postgres://admin:hunter2@db"))
    async with gateway.client(issued.token) as client:
        upstream = await client.call_tool("shopify_get_thing", {"thing_id": 1})
        internal = await client.call_tool("magento_get_thing", {"thing_id": 1})
    assert upstream.is_error and "404" in upstream.content[0].text  # type: ignore[union-attr]
    text = internal.content[0].text  # type: ignore[union-attr]
    assert internal.is_error and "internal error" in text
    assert "hunter2" not in text and "RuntimeError" not in text
    statuses = {e.status for e in await usage(gateway, workspace.id)}
    assert statuses == {UsageStatus.UPSTREAM_ERROR, UsageStatus.INTERNAL_ERROR}


async def test_request_scope_is_reset_and_closed_after_the_request(gateway: Gateway) -> None:
    _, issued = await gateway.world.tenant()
    seen: list[Any] = []

    def spy(call: UpstreamCall) -> ToolOutput:
        scope = mcp_layer.active_scope()
        seen.append((scope, dict(scope._leases) if scope else None))
        return thing(call)

    gateway.world.upstream.answer("shopify_get_thing", spy)
    async with gateway.client(issued.token) as client:
        await client.call_tool("shopify_get_thing", {"thing_id": 1})
        assert mcp_layer.active_scope() is None
    ((scope, leases_during),) = seen
    assert scope is not None and scope.key.prefix == issued.key.prefix
    assert len(leases_during) == 1  # the call held the connection's credential lease...
    assert scope._leases == {}  # ...and closing the scope dropped it
    assert mcp_layer.active_scope() is None


async def test_two_workspaces_interleaved_never_see_each_other(gateway: Gateway) -> None:
    world = gateway.world
    shop_ws, shop_key = await world.tenant(platforms=(Platform.SHOPIFY,))
    mage_ws, mage_key = await world.tenant(platforms=(Platform.MAGENTO,))

    async def session(token: str, tool: str, expected_store: str) -> None:
        async with gateway.client(token) as client:
            for i in range(1, 6):
                names = {t.name for t in (await client.list_tools()).tools}
                assert names - set(PLAYBOOK_TOOLS) == {tool}
                result = await client.call_tool(tool, {"thing_id": i})
                assert result.structured_content == {"thing_id": i, "title": expected_store}
                other = "magento_get_thing" if tool.startswith("shopify") else "shopify_get_thing"
                refused = await client.call_tool(other, {"thing_id": i})
                assert refused.is_error

    shop_store = f"shopify-{str(shop_ws.id)[:8]}.example"
    mage_store = f"magento-{str(mage_ws.id)[:8]}.example"
    await asyncio.gather(
        *[
            coroutine
            for _ in range(3)
            for coroutine in (
                session(shop_key.token, "shopify_get_thing", shop_store),
                session(mage_key.token, "magento_get_thing", mage_store),
            )
        ]
    )
    assert len(world.upstream.calls) == 3 * 2 * 5
    for call in world.upstream.calls:
        assert call.connection.workspace_id == (
            shop_ws.id if call.tool.platform is Platform.SHOPIFY else mage_ws.id
        )


# --------------------------------------------------------------------------- prompts


async def test_prompts_come_from_the_workspaces_playbooks(gateway: Gateway) -> None:
    from shopmcp_domain.ids import new_playbook_id
    from shopmcp_domain.playbooks import Playbook, PlaybookArgument
    from tests.factories import NOW

    workspace, issued = await gateway.world.tenant()
    _other, other_key = await gateway.world.tenant()
    async with gateway.world.store.unit_of_work(workspace.id) as uow:
        await uow.playbooks.add(
            Playbook(
                id=new_playbook_id(),
                workspace_id=workspace.id,
                name="weekly-refunds",
                description="Summarise refunds",
                template="List refunds since {since} for {store}.",
                created_at=NOW,
                arguments=(PlaybookArgument("since", "ISO date"), PlaybookArgument("store")),
            )
        )
    async with gateway.client(issued.token) as client:
        (prompt,) = (await client.list_prompts()).prompts
        assert prompt.name == "weekly-refunds"
        assert [(a.name, a.required) for a in prompt.arguments or []] == [
            ("since", True),
            ("store", True),
        ]
        got = await client.get_prompt("weekly-refunds", {"since": "2026-01-01", "store": "A"})
        assert got.messages[0].content.text == "List refunds since 2026-01-01 for A."  # type: ignore[union-attr]
        with pytest.raises(Exception, match="missing arguments: store"):
            await client.get_prompt("weekly-refunds", {"since": "2026-01-01"})
        with pytest.raises(Exception, match="unknown prompt"):
            await client.get_prompt("nope", {})
    async with gateway.client(other_key.token) as client:
        assert (await client.list_prompts()).prompts == []
        with pytest.raises(Exception, match="unknown prompt"):
            await client.get_prompt("weekly-refunds", {"since": "x", "store": "y"})


@pytest.mark.parametrize("method", ["prompts/list", "prompts/get"])
async def test_prompt_handler_failures_never_reach_the_client(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    # The SDK answers an uncaught handler exception with its message: a database error (a DSN,
    # a host, a password) would reach the client verbatim.
    secret = "connection to postgres://admin:hunter2@db.internal failed"

    async def broken(*args: Any) -> Any:
        raise RuntimeError(secret)

    monkeypatch.setattr(mcp_layer, "list_playbooks", broken)
    monkeypatch.setattr(mcp_layer, "render_playbook", broken)
    _, issued = await gateway.world.tenant()
    params = {"name": "weekly", "arguments": {}} if method == "prompts/get" else {}
    response = await gateway.post(
        f"/mcp/{issued.token}", {"jsonrpc": "2.0", "id": 3, "method": method, "params": params}
    )
    error = response.json()["error"]
    assert error["code"] == INTERNAL_ERROR
    assert "hunter2" not in response.text
    assert "postgres" not in response.text


# --------------------------------------------------------------------------- authentication


async def test_unknown_revoked_malformed_and_missing_tokens_get_one_401(gateway: Gateway) -> None:
    world = gateway.world
    workspace, issued = await world.tenant()
    _, revoked = await world.tenant()
    async with world.store.unit_of_work(revoked.key.workspace_id) as uow:
        await uow.keys.revoke(revoked.key.id, world.clock.now())
    wrong_secret = issued.token[:-4] + ("AAAA" if not issued.token.endswith("AAAA") else "BBBB")
    unknown = "smcp_" + "a" * 12 + "_" + "B" * 43

    lookups: list[str] = []
    real_find = world.store.load

    async def counting_find(prefix: str) -> Any:
        lookups.append(prefix)
        return await real_find(prefix)

    world.store.load = counting_find  # type: ignore[method-assign]

    answers = []
    for path, headers in [
        (f"/mcp/{unknown}", {}),
        (f"/mcp/{revoked.token}", {}),
        (f"/mcp/{wrong_secret}", {}),
        ("/mcp/not-a-token", {}),
        ("/mcp", {}),
        ("/mcp", {"authorization": "Basic " + issued.token}),
    ]:
        response = await gateway.post(path, LIST, headers)
        answers.append(
            (response.status_code, response.json(), response.headers["www-authenticate"])
        )
    assert len(set(map(str, answers))) == 1
    status, body, _ = answers[0]
    assert status == 401
    assert body == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32001, "message": "invalid or revoked MCP key"},
    }
    assert len(lookups) == 6  # malformed and missing tokens cost a lookup too
    assert world.upstream.calls == []
    assert await usage(gateway, workspace.id) == []


async def test_bearer_header_on_bare_path_authenticates(gateway: Gateway) -> None:
    _, issued = await gateway.world.tenant()
    response = await gateway.post("/mcp", LIST, {"authorization": f"Bearer {issued.token}"})
    assert response.status_code == 200
    names = [t["name"] for t in response.json()["result"]["tools"]]
    assert [n for n in names if n not in PLAYBOOK_TOOLS] == ["shopify_get_thing"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/mcpXYZ", 404), ("/mcp-admin", 404), ("/mcp/{t}/extra", 404), ("/mcp/{t}?x=1", 400)],
)
async def test_path_checks(gateway: Gateway, path: str, status: int) -> None:
    _, issued = await gateway.world.tenant()
    response = await gateway.post(path.format(t=issued.token), LIST)
    assert response.status_code == status
    assert "error" in response.json()


async def test_token_in_query_string_is_refused_without_authenticating(gateway: Gateway) -> None:
    _, issued = await gateway.world.tenant()
    response = await gateway.post(f"/mcp?token={issued.token}", LIST)
    assert response.status_code == 400
    response = await gateway.post(f"/mcp/{issued.token}", LIST)
    # The refused request was not counted against the workspace.
    assert response.headers["ratelimit-remaining"] == str(SOLO_LIMIT - 1)


async def test_tokens_never_reach_the_logs(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    _, issued = await gateway.world.tenant()
    caplog.set_level(logging.DEBUG)
    async with gateway.client(issued.token) as client:
        await client.call_tool("shopify_get_thing", {"thing_id": 1})
    await gateway.post("/mcp/smcp_bogus_token_text", LIST)
    assert caplog.records, "the access log should have written something"
    secret = issued.token.rsplit("_", 1)[1]
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert "smcp_bogus" not in record.getMessage()
    assert any("/mcp/[redacted]" in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------------- transport security


async def test_get_and_delete_are_refused(gateway: Gateway) -> None:
    _, issued = await gateway.world.tenant()
    for method in ("GET", "DELETE"):
        response = await gateway.http.request(
            method, f"/mcp/{issued.token}", headers={"accept": "text/event-stream"}
        )
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"


async def test_foreign_origin_and_host_are_refused_before_authentication(
    gateway: Gateway,
) -> None:
    _, issued = await gateway.world.tenant()
    evil_origin = await gateway.post(
        f"/mcp/{issued.token}", LIST, {"origin": "http://evil.example"}
    )
    assert evil_origin.status_code == 403
    evil_host = await gateway.post(f"/mcp/{issued.token}", LIST, {"host": "evil.example"})
    assert evil_host.status_code == 421
    ok_origin = await gateway.post(
        f"/mcp/{issued.token}", LIST, {"origin": "http://localhost:6274"}
    )
    assert ok_origin.status_code == 200
    assert ok_origin.headers["ratelimit-remaining"] == str(SOLO_LIMIT - 1)


async def test_body_limit(gateway: Gateway) -> None:
    _, issued = await gateway.world.tenant()
    big = {**LIST, "params": {"pad": "x" * 5000}}
    declared = await gateway.post(f"/mcp/{issued.token}", big)
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == -32600

    async def chunks() -> Any:
        for _ in range(10):
            yield b" " * 1000

    streamed = await gateway.post(f"/mcp/{issued.token}", content=chunks())
    assert streamed.status_code == 413


async def test_parse_and_validation_errors_answered_per_spec(gateway: Gateway) -> None:
    _, issued = await gateway.world.tenant()
    parse = await gateway.post(f"/mcp/{issued.token}", content=b"{not json")
    assert parse.json()["error"]["code"] == -32700
    invalid = await gateway.post(f"/mcp/{issued.token}", {"jsonrpc": "2.0", "id": 1})
    assert invalid.json()["error"]["code"] in (-32600, -32602)
    bad_params = await gateway.post(
        f"/mcp/{issued.token}",
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"arguments": 5}},
    )
    assert bad_params.json()["error"]["code"] == -32602


# --------------------------------------------------------------------------- rate limiting


async def test_rate_limit_headers_and_refusals(gateway: Gateway) -> None:
    world = gateway.world
    workspace, issued = await world.tenant()  # Solo: 300 per 60 s
    path = f"/mcp/{issued.token}"
    first = await gateway.post(path, LIST)
    assert first.headers["ratelimit-limit"] == first.headers["x-ratelimit-limit"] == str(SOLO_LIMIT)
    assert first.headers["ratelimit-remaining"] == str(SOLO_LIMIT - 1)
    assert int(first.headers["ratelimit-reset"]) == 60
    assert "retry-after" not in first.headers

    await asyncio.gather(*[gateway.post(path, LIST) for _ in range(SOLO_LIMIT - 1)])
    refused_list = await gateway.post(path, LIST)
    assert refused_list.status_code == 429
    assert refused_list.json()["error"]["code"] == -32029
    assert refused_list.json()["id"] == 1
    assert refused_list.headers["ratelimit-remaining"] == "0"
    assert 1 <= int(refused_list.headers["retry-after"]) <= 60
    # Refused, the window "resets" for this client exactly when it may send again.
    assert refused_list.headers["ratelimit-reset"] == refused_list.headers["retry-after"]
    assert refused_list.headers["x-ratelimit-reset"] == refused_list.headers["retry-after"]

    call = {
        "jsonrpc": "2.0",
        "id": 9,
        "method": "tools/call",
        "params": {"name": "shopify_get_thing", "arguments": {"thing_id": 1}},
    }
    refused_call = await gateway.post(path, call)
    assert refused_call.status_code == 200
    assert "retry-after" in refused_call.headers
    assert refused_call.headers["ratelimit-reset"] == refused_call.headers["retry-after"]
    result = refused_call.json()["result"]
    assert result["isError"] is True
    assert "retry after" in result["content"][0]["text"]
    assert world.upstream.calls == []
    (event,) = await usage(gateway, workspace.id)
    assert event.status is UsageStatus.RATE_LIMITED

    world.clock.advance(61)
    again = await gateway.post(path, call)
    assert again.json()["result"]["isError"] is False


async def test_limiter_failure_fails_closed(world: Any) -> None:
    @attrs.define
    class BrokenLimiter:
        async def hit(self, key: str, limit: Any) -> Any:
            raise ConnectionError("limiter down")

    world.limiter = BrokenLimiter()
    async with running_gateway(world) as gateway:
        workspace, issued = await world.tenant()
        listed = await gateway.post(f"/mcp/{issued.token}", LIST)
        assert listed.status_code == 503
        async with gateway.client(issued.token, mode="2026-07-28") as client:
            result = await client.call_tool("shopify_get_thing", {"thing_id": 1})
        assert result.is_error
        assert world.upstream.calls == []
        (event,) = await usage(gateway, workspace.id)
        assert event.status is UsageStatus.INTERNAL_ERROR


async def test_a_structured_result_also_carries_its_json_as_text(gateway: Gateway) -> None:
    world = gateway.world
    _, issued = await world.tenant()
    world.upstream.answer(
        "shopify_get_thing", ToolOutput({"thing_id": 3, "title": "Tee ☕"}, "Tee (id 3)")
    )
    async with gateway.client(issued.token) as client:
        result = await client.call_tool("shopify_get_thing", {"thing_id": 3})
    summary, serialised = result.content
    assert isinstance(summary, TextContent) and isinstance(serialised, TextContent)
    assert summary.text == "Tee (id 3)"
    assert json.loads(serialised.text) == result.structured_content
    assert result.structured_content == {"thing_id": 3, "title": "Tee ☕"}
