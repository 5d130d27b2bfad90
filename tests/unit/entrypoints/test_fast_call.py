"""The tools/call fast path answers exactly what the SDK answers: the same requests sent to a
gateway with it and one without it get the same status, headers and bytes; what the fast path
does not take (other revisions, unusual envelopes, bad params, no JSON in Accept) is the SDK's
either way."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from tests.factories import World
from tests.unit.entrypoints.harness import BASE, Gateway, running_gateway

LEGACY = "2025-11-25"


def thing(call: UpstreamCall) -> ToolOutput:
    args = call.arguments.model_dump()
    return ToolOutput({"thing_id": args["thing_id"], "title": "Café ☕ <b>x</b>"}, "ok")


@pytest_asyncio.fixture
async def pair() -> AsyncIterator[tuple[Gateway, Gateway, str]]:
    world = World()
    world.upstream.answer("shopify_get_thing", thing)
    _, issued = await world.tenant(platforms=(Platform.SHOPIFY,))
    async with (
        running_gateway(world) as fast,
        running_gateway(world, mcp_fast_path=False) as sdk,
    ):
        yield fast, sdk, issued.token


def call(params: Any, request_id: Any = 1, **envelope: Any) -> bytes:
    message = {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}
    return json.dumps({**message, **envelope}).encode()


CASES: list[tuple[str, bytes, dict[str, str]]] = [
    ("success", call({"name": "shopify_get_thing", "arguments": {"thing_id": 7}}), {}),
    ("string id", call({"name": "shopify_get_thing", "arguments": {"thing_id": 7}}, "a-1"), {}),
    ("unknown tool", call({"name": "shopify_drop_tables", "arguments": {}}), {}),
    ("nul name", call({"name": "shopify_get_thing\u0000", "arguments": {}}), {}),
    ("invalid arguments", call({"name": "shopify_get_thing", "arguments": {"thing_id": 0}}), {}),
    ("no arguments", call({"name": "shopify_get_thing"}), {}),
    ("not allowed", call({"name": "magento_get_thing", "arguments": {"thing_id": 1}}), {}),
    (
        "meta",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 2}, "_meta": {"k": 1}}),
        {},
    ),
    (
        "no version header",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 3}}),
        {"mcp-protocol-version": ""},
    ),
    (
        "2025-06-18",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 3}}),
        {"mcp-protocol-version": "2025-06-18"},
    ),
    (
        "2025-03-26",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 3}}),
        {"mcp-protocol-version": "2025-03-26"},
    ),
    (
        "2026-07-28",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 3}}),
        {"mcp-protocol-version": "2026-07-28"},
    ),
    (
        "accept any",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 4}}),
        {"accept": "*/*"},
    ),
    (
        "accept json only",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 4}}),
        {"accept": "application/json"},
    ),
    (
        "accept sse only",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 4}}),
        {"accept": "text/event-stream"},
    ),
    ("params not an object", call(["shopify_get_thing"]), {}),
    ("name missing", call({"arguments": {}}), {}),
    (
        "extra envelope key",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 1}}, extra=1),
        {},
    ),
    (
        "wrong jsonrpc",
        call({"name": "shopify_get_thing", "arguments": {"thing_id": 1}}, jsonrpc="1.0"),
        {},
    ),
]


async def _send(gateway: Gateway, token: str, body: bytes, headers: dict[str, str]) -> Any:
    merged = {
        "content-type": "application/json",
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": LEGACY,
        **headers,
    }
    # An empty value means "send no such header".
    sent = {k: v for k, v in merged.items() if v != ""}
    return await gateway.http.post(f"{BASE}/mcp/{token}", content=body, headers=sent)


def _comparable(response: Any) -> tuple[int, bytes, dict[str, str]]:
    # The request id is unique per request by design (both paths answer one).
    assert response.headers.get("x-request-id")
    headers = {
        k: v for k, v in response.headers.items() if k not in ("date", "server", "x-request-id")
    }
    return response.status_code, response.content, headers


@pytest.mark.parametrize(("case", "body", "headers"), CASES, ids=[c[0] for c in CASES])
async def test_the_fast_path_answers_byte_for_byte_what_the_sdk_answers(
    pair: tuple[Gateway, Gateway, str], case: str, body: bytes, headers: dict[str, str]
) -> None:
    fast, sdk, token = pair
    fast_answer = _comparable(await _send(fast, token, body, headers))
    sdk_answer = _comparable(await _send(sdk, token, body, headers))
    # Rate-limit headers count requests: both gateways share one world (one limiter).
    for answer in (fast_answer, sdk_answer):
        for name in ("ratelimit-remaining", "x-ratelimit-remaining"):
            answer[2].pop(name, None)
    assert fast_answer == sdk_answer


async def test_the_fast_path_is_taken_for_plain_calls_and_not_for_others(
    pair: tuple[Gateway, Gateway, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, _, token = pair
    gateway = fast.app.state.gateway
    taken: list[str] = []
    real = gateway.manager.handle_request

    async def sdk_path(*args: Any) -> None:
        taken.append("sdk")
        await real(*args)

    monkeypatch.setattr(gateway.manager, "handle_request", sdk_path)
    ok = await _send(fast, token, CASES[0][1], {})
    assert ok.status_code == 200 and taken == []
    await _send(fast, token, CASES[0][1], {"mcp-protocol-version": "2026-07-28"})
    listed = json.dumps({"jsonrpc": "2.0", "id": 9, "method": "tools/list"}).encode()
    await _send(fast, token, listed, {})
    assert taken == ["sdk", "sdk"]


async def test_a_call_that_cannot_be_audited_is_a_protocol_error_on_both_paths(
    pair: tuple[Gateway, Gateway, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No audit row, no answer: not a tool result (which would read as the tool's own error, or
    hand back data nothing recorded) but a JSON-RPC internal error that says so."""
    fast, sdk, token = pair

    async def audit_down(*_: Any) -> None:
        raise ConnectionResetError("the database went away")

    monkeypatch.setattr(fast.world.store, "record", audit_down)
    answers = [_comparable(await _send(g, token, CASES[0][1], {})) for g in (fast, sdk)]
    for answer in answers:
        for name in ("ratelimit-remaining", "x-ratelimit-remaining"):
            answer[2].pop(name, None)
    assert answers[0] == answers[1]
    status, body, _ = answers[0]
    message = json.loads(body)
    assert status == 200 and "result" not in message
    assert message["error"]["code"] == -32603
    assert "could not be recorded" in message["error"]["message"]
    assert "database" not in message["error"]["message"]
