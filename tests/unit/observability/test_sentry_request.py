"""Sentry end to end through the gateway: an error raised while serving a tools/call (the token
in the URL or the Authorization header, an email in the request's payload and in the error's
message, the store credential in a local variable of the failing code) reaches the transport
tagged with the workspace id, with the workspace id as its only user identity, and holding none
of the token, the email or the credential. The envelopes are captured in process."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.integrations.litestar import LitestarIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.transport import Transport

from shopmcp_adapters.observability import init_sentry
from shopmcp_domain.keys import parse_token
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from tests.factories import World
from tests.unit.entrypoints.harness import running_gateway

EMAIL = "jane.customer@example.org"
CREDENTIAL = "KNOWN-STORE-CREDENTIAL-7f3a9c"


class Captured(Transport):
    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict[str, Any]]:
        found = []
        for envelope in self.envelopes:
            for item in envelope.items:
                if item.type == "event" and item.payload.json is not None:
                    found.append(item.payload.json)
        return found

    def text(self) -> str:
        return "\n".join(e.serialize().decode("utf-8", "replace") for e in self.envelopes)


@pytest.fixture
def sentry() -> Iterator[Captured]:
    transport = Captured()
    assert init_sentry(
        "https://public@o0.ingest.example.invalid/1",
        "test",
        transport=transport,
        default_integrations=False,
        auto_enabling_integrations=False,
        integrations=[
            LitestarIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
    )
    yield transport
    sentry_sdk.get_client().close(timeout=0)
    sentry_sdk.get_global_scope().set_client(None)


async def _failing_upstream(call: UpstreamCall) -> ToolOutput:
    credential = (await call.credentials.current())["access_token"]
    assert credential.startswith(CREDENTIAL)  # held in a local variable of the failing frame
    raise RuntimeError(f"upstream refused the order of {EMAIL}")


def _call(email: str) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {
            "name": "shopify_get_thing",
            "arguments": {"thing_id": 7},
            "_meta": {"customer": email},
        },
    }


@pytest.mark.parametrize("token_in", ["path", "header"])
async def test_an_error_report_names_the_workspace_and_nothing_else(
    sentry: Captured, token_in: str
) -> None:
    world = World()
    workspace, issued = await world.tenant(secret=CREDENTIAL)
    world.upstream.answer("shopify_get_thing", _failing_upstream)
    async with running_gateway(world) as gateway:
        if token_in == "path":
            answered = await gateway.post(f"/mcp/{issued.token}", _call(EMAIL))
        else:
            answered = await gateway.post(
                "/mcp", _call(EMAIL), headers={"authorization": f"Bearer {issued.token}"}
            )
    assert answered.status_code == 200, answered.text
    assert answered.json()["result"]["isError"] is True
    sentry_sdk.flush()

    events = sentry.events()
    assert events, "the failure reached no transport"
    failure = next(e for e in events if "tools/call failed" in json.dumps(e))
    assert failure["tags"]["workspace_id"] == str(workspace.id)
    assert failure["user"] == {"id": str(workspace.id)}
    assert "RuntimeError" in json.dumps(failure["exception"])  # the stack is there ...
    text = sentry.text()
    secret = parse_token(issued.token).secret  # may itself hold "_": never split on it
    for leak in (issued.token, secret, EMAIL, CREDENTIAL, "jane.customer"):
        assert leak not in text, leak  # ... and none of these
    for event in events:
        for value in event.get("exception", {}).get("values", []):
            for frame in value.get("stacktrace", {}).get("frames", []):
                assert "vars" not in frame


async def test_two_workspaces_reports_are_each_tagged_with_their_own(sentry: Captured) -> None:
    world = World()
    first, first_key = await world.tenant(secret=CREDENTIAL)
    second, second_key = await world.tenant(secret=CREDENTIAL)
    world.upstream.answer("shopify_get_thing", _failing_upstream)
    async with running_gateway(world) as gateway:
        for key in (first_key, second_key, first_key):
            await gateway.post(f"/mcp/{key.token}", _call(EMAIL))
    sentry_sdk.flush()

    tagged = [e["tags"]["workspace_id"] for e in sentry.events() if "tools/call" in json.dumps(e)]
    assert tagged == [str(first.id), str(second.id), str(first.id)]
