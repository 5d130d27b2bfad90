"""Write confirmation by form elicitation on the 2026-07-28 revision, through the SDK's own
client (its input-required driver asks the callback, then retries with the answer and the
request state); and the code path for clients that cannot be asked."""

from __future__ import annotations

from typing import Any

import mcp_types as types
import pytest

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from tests.unit.entrypoints.harness import Gateway

MODERN = "2026-07-28"
TOOL = "shopify_update_thing"
ARGS = {"thing_id": 1, "title": "Summer tee"}


class Asker:
    """Stands in for the user: answers each form as told, and keeps what was asked."""

    def __init__(self, action: str = "accept", approve: bool = True) -> None:
        self.action = action
        self.approve = approve
        self.asked: list[types.ElicitRequestParams] = []

    async def __call__(self, context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        self.asked.append(params)
        content = {"approve": self.approve} if self.action == "accept" else None
        return types.ElicitResult(action=self.action, content=content)


def _thing(call: UpstreamCall) -> ToolOutput:
    # What the sample tools' output model promises (the client checks it).
    return ToolOutput(structured={"thing_id": 1, "title": "Summer tee"}, text="ok")


async def _tenant(gateway: Gateway) -> str:
    gateway.world.upstream.answer(TOOL, _thing)
    gateway.world.upstream.answer("shopify_get_thing", _thing)
    _, issued = await gateway.world.tenant(write_enabled=frozenset({Platform.SHOPIFY}))
    return issued.token


async def _statuses(gateway: Gateway) -> list[UsageStatus]:
    [workspace_id] = gateway.world.tokens
    async with gateway.world.store.unit_of_work(workspace_id) as uow:
        return sorted(e.status for e in await uow.usage.recent(100))


async def test_an_approved_form_runs_the_write_once(gateway: Gateway) -> None:
    asker = Asker()
    token = await _tenant(gateway)
    async with gateway.client(token, MODERN, elicitation_callback=asker) as client:
        result = await client.call_tool(TOOL, ARGS)
    assert result.is_error is False, result
    assert [c.tool.name for c in gateway.world.upstream.calls] == [TOOL]
    [asked] = asker.asked
    assert isinstance(asked, types.ElicitRequestFormParams)
    assert "Summer tee" in asked.message and "Nothing has been changed yet" in asked.message
    assert await _statuses(gateway) == sorted([UsageStatus.CONFIRMATION_REQUIRED, UsageStatus.OK])


@pytest.mark.parametrize(
    ("action", "approve"), [("decline", False), ("cancel", False), ("accept", False)]
)
async def test_a_declined_form_sends_nothing(gateway: Gateway, action: str, approve: bool) -> None:
    token = await _tenant(gateway)
    async with gateway.client(token, MODERN, elicitation_callback=Asker(action, approve)) as c:
        result = await c.call_tool(TOOL, ARGS)
    assert result.is_error is True
    assert "did not approve" in result.content[0].text  # type: ignore[union-attr]
    assert gateway.world.upstream.calls == []


async def test_a_modern_client_that_cannot_be_asked_gets_the_code(gateway: Gateway) -> None:
    token = await _tenant(gateway)
    async with gateway.client(token, MODERN) as client:
        preview = await client.call_tool(TOOL, ARGS)
    assert preview.structured_content is not None
    assert preview.structured_content["status"] == "confirmation_required"
    assert gateway.world.upstream.calls == []


async def test_a_legacy_client_gets_the_code_even_if_it_declares_elicitation(
    gateway: Gateway,
) -> None:
    # Stateless JSON responses on the 2025-era revisions carry no server request.
    asker = Asker()
    token = await _tenant(gateway)
    async with gateway.client(token, elicitation_callback=asker) as client:
        preview = await client.call_tool(TOOL, ARGS)
        assert preview.structured_content is not None
        code = preview.structured_content["confirmation"]
        done = await client.call_tool(TOOL, {**ARGS, "confirmation": code})
    assert asker.asked == [] and done.is_error is False
    assert len(gateway.world.upstream.calls) == 1


async def test_reads_are_never_asked_about(gateway: Gateway) -> None:
    asker = Asker()
    token = await _tenant(gateway)
    async with gateway.client(token, MODERN, elicitation_callback=asker) as client:
        read = await client.call_tool("shopify_get_thing", {"thing_id": 1})
    assert read.is_error is False and asker.asked == []
