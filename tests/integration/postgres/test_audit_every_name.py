"""Every tools/call leaves exactly one usage row, whatever name a client sends: NUL bytes,
control characters, lone surrogates and megabyte names included. Against the in-memory store
and PostgreSQL, whose text type refuses NUL and unencodable characters."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryConfirmationStore
from shopmcp_adapters.memory.quota import InMemoryQuotaCounter
from shopmcp_domain.errors import (
    UnknownTool,
    UsageStatus,
)
from shopmcp_domain.keys import issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.call_tool import ToolCallDeps, call_tool
from shopmcp_domain.services.scope import authenticate
from tests.factories import ADMITTED, NOW, OPERATOR_LOCKED, sample_registry
from tests.ports.tenant_store import Ports

HOSTILE_NAMES = [
    "shopify_get_thing\u0000",
    "\u0000",
    "shopify_get_thing\ud800",
    "shopify_get_thing\n",
    "shopify_get_thing\u202e",
    "SHOPIFY_GET_THING",
    "shopify_get_thing " + "x" * 1_000_000,
    "",
    "é" * 300,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda n: repr(n[:24]))
async def test_a_hostile_tool_name_is_an_unknown_tool_and_audited_once(
    ports: Ports, name: str
) -> None:
    workspace = await ports.new_workspace()
    issued = issue_key(workspace.id, NOW)
    async with ports.tenants.unit_of_work(workspace.id) as uow:
        await uow.keys.add(issued.key)
    vault = FakeVault()
    scope = await authenticate(
        issued.token,
        ports.scopes,
        ports.tenants,
        vault,
        sample_registry(),
        writes_locked=OPERATOR_LOCKED,
    )
    deps = ToolCallDeps(
        clock=FakeClock(NOW),
        audit=ports.audit,
        upstreams={},
        confirmations=InMemoryConfirmationStore(),
        quota=InMemoryQuotaCounter(),
    )

    with pytest.raises(UnknownTool) as refused:
        await call_tool(deps, scope, ADMITTED, name, {})

    assert "\x00" not in refused.value.message and len(refused.value.message) < 200
    async with ports.tenants.unit_of_work(workspace.id) as uow:
        events = list(await uow.usage.recent(10))
    [event] = events
    assert event.status is UsageStatus.UNKNOWN_TOOL
    assert event.tool.isascii() and event.tool.isprintable() and len(event.tool) <= 100
    assert event.tool != "shopify_get_thing"


async def test_a_well_formed_unknown_name_is_recorded_as_sent(ports: Ports) -> None:
    workspace = await ports.new_workspace()
    issued = issue_key(workspace.id, NOW)
    async with ports.tenants.unit_of_work(workspace.id) as uow:
        await uow.keys.add(issued.key)
    scope = await authenticate(
        issued.token,
        ports.scopes,
        ports.tenants,
        FakeVault(),
        sample_registry(),
        writes_locked=OPERATOR_LOCKED,
    )
    deps = ToolCallDeps(
        clock=FakeClock(NOW),
        audit=ports.audit,
        upstreams={},
        confirmations=InMemoryConfirmationStore(),
        quota=InMemoryQuotaCounter(),
    )
    with pytest.raises(UnknownTool):
        await call_tool(deps, scope, ADMITTED, f"{Platform.SHOPIFY.value}_call_rest", {})
    async with ports.tenants.unit_of_work(workspace.id) as uow:
        [event] = await uow.usage.recent(10)
    assert event.tool == "shopify_call_rest"
