"""``SHOPMCP_LOG_FORMAT=json``: one JSON object per line, with the request id (also answered as
``X-Request-ID``), the workspace id and the tool of the request it was written in, and the same
redaction as text lines: no token, no email, in the message, the extras or the traceback."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from shopmcp_adapters.observability import RedactingFilter
from shopmcp_adapters.observability.logs import JsonFormatter
from shopmcp_domain.keys import parse_token
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from tests.factories import World
from tests.unit.entrypoints.harness import running_gateway

EMAIL = "jane.customer@example.org"


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    access = logging.getLogger("shopmcp.access")
    access_level = access.level
    access.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)
    access.setLevel(access_level)


async def _failing(call: UpstreamCall) -> ToolOutput:
    raise RuntimeError(f"refused for {EMAIL}")


def _call() -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "shopify_get_thing", "arguments": {"thing_id": 7}},
    }


async def test_json_lines_carry_the_request_and_nothing_secret(lines: io.StringIO) -> None:
    world = World()
    workspace, issued = await world.tenant()
    world.upstream.answer("shopify_get_thing", _failing)
    async with running_gateway(world) as gateway:
        answered = await gateway.post(f"/mcp/{issued.token}", _call())
        presented = await gateway.http.get("/health", headers={"x-request-id": "edge-1234abcd"})
        injected = await gateway.http.get("/health", headers={"x-request-id": "a\nb {}"})

    records = [json.loads(line) for line in lines.getvalue().splitlines() if line.strip()]
    request_id = answered.headers["x-request-id"]
    failure = next(r for r in records if r["message"].startswith("tools/call failed"))
    assert failure["request_id"] == request_id
    assert failure["workspace_id"] == str(workspace.id)
    assert failure["tool"] == "shopify_get_thing"
    assert failure["level"] == "ERROR" and "RuntimeError" in failure["exception"]
    access = next(r for r in records if r["logger"] == "shopmcp.access" and "/mcp/" in r["message"])
    assert access["request_id"] == request_id and access["workspace_id"] == str(workspace.id)
    assert presented.headers["x-request-id"] == "edge-1234abcd"
    assert injected.headers["x-request-id"] != "a\nb {}"
    text = lines.getvalue()
    for leak in (issued.token, parse_token(issued.token).secret, EMAIL):
        assert leak not in text
