"""Every write tool of every platform goes through the confirmation, whatever its module.

Parametrised over the real registry (every package's specs): a write tool added without the
confirmation -- or a registry change that lets one skip it -- fails here. Each write's first
call must send nothing upstream and return a preview with a code; the same call with the code
sends exactly one request; the same confirmed call repeated sends nothing more.
"""

from __future__ import annotations

from typing import Any

import pytest

from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.confirmations import CONFIRMATION_ARGUMENT, IDEMPOTENCY_ARGUMENT
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.services.call_tool import call_tool
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.spec import ToolSpec
from tests.contract.bigcommerce.test_surface import CALLS as BIGCOMMERCE_CALLS
from tests.contract.google.helpers import SANDBOX_CALLS as GOOGLE_CALLS
from tests.contract.test_one_request_per_tool import MAGENTO_CALLS, NETO_CALLS, SHOPIFY_CALLS
from tests.contract.xero.helpers import CALLS as XERO_CALLS
from tests.factories import ADMITTED, World

ALL_SPECS = [spec for package in PACKAGES for spec in package.specs]
WRITES = [spec for spec in ALL_SPECS if spec.is_write]
ARGUMENTS: dict[str, dict[str, Any]] = {
    **SHOPIFY_CALLS,
    **MAGENTO_CALLS,
    # (arguments, fixture) pairs
    **{name: call[0] for name, call in BIGCOMMERCE_CALLS.items()},
    **NETO_CALLS,
    **{name: call[0] for name, call in XERO_CALLS.items()},
    **GOOGLE_CALLS,
    # Its table entry is read from the sandbox first; any valid ids do here.
    "shopify_set_inventory": {
        "inventory_item_id": 4300000000001,
        "location_id": 60000000001,
        "expected_quantity": 3,
        "quantity": 4,
    },
}


def test_there_are_write_tools_on_every_platform_that_has_any() -> None:
    # Guards the parametrisation below against silently testing nothing.
    assert len(WRITES) >= 20
    assert {spec.platform for spec in WRITES} >= {
        p.platform for p in PACKAGES if any(s.is_write for s in p.specs)
    }


@pytest.mark.parametrize("spec", WRITES, ids=lambda s: s.name)
def test_every_write_advertises_the_confirmation_arguments(spec: ToolSpec) -> None:
    properties = spec.input_schema()["properties"]
    assert CONFIRMATION_ARGUMENT in properties and IDEMPOTENCY_ARGUMENT in properties
    assert CONFIRMATION_ARGUMENT not in spec.input_schema().get("required", [])
    # Its output schema also admits the preview (clients check structured content against it).
    assert "anyOf" in spec.output_schema()


@pytest.mark.parametrize("spec", [s for s in ALL_SPECS if not s.is_write], ids=lambda s: s.name)
def test_reads_take_no_confirmation(spec: ToolSpec) -> None:
    assert CONFIRMATION_ARGUMENT not in spec.input_schema().get("properties", {})


@pytest.mark.parametrize("spec", WRITES, ids=lambda s: s.name)
async def test_every_write_previews_then_runs_once_when_confirmed(spec: ToolSpec) -> None:
    world = World(registry=ToolRegistry(ALL_SPECS), writes_locked=frozenset())
    _, issued = await world.tenant(
        platforms=(spec.platform,), write_enabled=frozenset({spec.platform})
    )
    scope = await world.scope(issued.token)
    arguments = ARGUMENTS[spec.name]

    preview = await call_tool(world.deps, scope, ADMITTED, spec.name, arguments)
    assert preview.structured["status"] == "confirmation_required"
    # Nothing but, for a write that declares one, its own read of the current values.
    reads = [spec.current.read] if spec.current is not None else []
    assert [c.tool.name for c in world.upstream.calls] == reads
    assert not any(c.tool.is_write for c in world.upstream.calls)
    code = preview.structured["confirmation"]

    confirmed = {**arguments, CONFIRMATION_ARGUMENT: code}
    await call_tool(world.deps, scope, ADMITTED, spec.name, confirmed)
    writes = [c for c in world.upstream.calls if c.tool.is_write]
    assert [c.tool.name for c in writes] == [spec.name]
    assert writes[0].idempotency_key == preview.structured["idempotency_key"]

    # The same confirmed call again (a client's retry): the first result, nothing sent.
    sent = len(world.upstream.calls)
    again = await call_tool(world.deps, scope, ADMITTED, spec.name, confirmed)
    assert len(world.upstream.calls) == sent
    assert again.structured == {"tool": spec.name, "store": scope.connections[0].store_ref}
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        statuses = [e.status for e in await uow.usage.recent(10)]
    assert sorted(statuses) == sorted(
        [UsageStatus.CONFIRMATION_REQUIRED, UsageStatus.OK, UsageStatus.REPLAYED]
    )
