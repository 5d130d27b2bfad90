"""Every BigCommerce write tool through the domain's ``call_tool``, wired to the real module over
a MockTransport: a clean call reaches BigCommerce once; a forbidden field (top level or nested
in a list item), a field outside the tool's whitelist, or a write while writes are off never
produces a request. (``test_write_whitelist.py`` fuzzes the product write the same way.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest

from shopmcp_adapters.upstreams.bigcommerce import PACKAGE as BIGCOMMERCE
from shopmcp_domain.errors import (
    ToolNotAllowed,
    WriteFieldRejected,
)
from shopmcp_domain.keys import Access
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.call_tool import ToolCallDeps
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.registry import ToolRegistry
from tests.contract.bigcommerce.harness import STORE_HASH, Upstream, make_upstream
from tests.contract.bigcommerce.test_surface import CALLS
from tests.factories import ADMITTED, World, confirmed_call

WRITES = sorted(spec.name for spec in BIGCOMMERCE.specs if spec.access is Access.WRITE)
# For each write, a list-valued field whose items could smuggle a forbidden key.
NESTED: dict[str, str] = {
    "bigcommerce_create_shipment": "items",
    "bigcommerce_quote_refund": "items",
    "bigcommerce_create_refund": "payments",
    "bigcommerce_set_inventory": "items",
    "bigcommerce_adjust_inventory": "items",
}


@attrs.define
class Wired:
    upstream: Upstream
    world: World
    deps: ToolCallDeps
    writer: RequestScope
    reader: RequestScope

    async def call(self, scope: RequestScope, name: str, arguments: dict[str, Any]) -> Any:
        return await confirmed_call(self.deps, scope, ADMITTED, name, arguments)


async def _tenant(world: World, write: bool) -> RequestScope:
    enabled = frozenset({Platform.BIGCOMMERCE}) if write else frozenset()
    workspace, issued = await world.tenant(platforms=(Platform.BIGCOMMERCE,), write_enabled=enabled)
    async with world.store.unit_of_work(workspace.id) as uow:
        (connection,) = await uow.connections.list()
        await uow.connections.update(attrs.evolve(connection, store_ref=STORE_HASH))
    return await world.scope(issued.token)


@pytest.fixture(scope="module")
async def wired() -> AsyncIterator[Wired]:
    upstream = make_upstream()
    world = World(registry=ToolRegistry(BIGCOMMERCE.specs))
    deps = ToolCallDeps(
        clock=world.clock,
        audit=world.store,
        upstreams={Platform.BIGCOMMERCE: upstream.module},
        quota=world.quota,
        confirmations=world.confirmations,
    )
    yield Wired(upstream, world, deps, await _tenant(world, True), await _tenant(world, False))
    await upstream.client.aclose()


@pytest.fixture
def clean(wired: Wired) -> Wired:
    wired.upstream.requests.clear()
    return wired


def test_there_are_at_least_eight_writes() -> None:
    assert len(WRITES) >= 8
    assert set(NESTED) <= set(WRITES)


@pytest.mark.parametrize("name", WRITES)
async def test_a_clean_write_reaches_bigcommerce_once(clean: Wired, name: str) -> None:
    arguments, answer = CALLS[name]
    clean.upstream.serve(answer)
    spec = BIGCOMMERCE.tools.spec(name)
    await clean.call(clean.writer, name, dict(arguments))
    request = clean.upstream.only_request
    assert request.method == spec.operation.method.value
    assert request.headers["X-Auth-Token"] == "shpat_test_secret-bigcommerce"


@pytest.mark.parametrize("name", WRITES)
async def test_writes_are_refused_while_writes_are_off(clean: Wired, name: str) -> None:
    arguments, answer = CALLS[name]
    clean.upstream.serve(answer)
    with pytest.raises(ToolNotAllowed):
        await clean.call(clean.reader, name, dict(arguments))
    assert clean.upstream.requests == []


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize(
    "field", ["sku", "id", "customer_group_id", "store_credit", "password", "email", "is_active"]
)
async def test_a_forbidden_field_at_the_top_level_is_refused(
    clean: Wired, name: str, field: str
) -> None:
    arguments, answer = CALLS[name]
    clean.upstream.serve(answer)
    with pytest.raises(WriteFieldRejected) as caught:
        await clean.call(clean.writer, name, {**arguments, field: "x"})
    assert caught.value.forbidden == (field,)
    assert clean.upstream.requests == []


@pytest.mark.parametrize(("name", "field"), sorted(NESTED.items()))
@pytest.mark.parametrize("forbidden", ["sku", "id", "Customer-Group-ID", "roleId"])
async def test_a_forbidden_field_nested_in_an_item_is_refused(
    clean: Wired, name: str, field: str, forbidden: str
) -> None:
    arguments, answer = CALLS[name]
    clean.upstream.serve(answer)
    items = [{**arguments[field][0], forbidden: 1}] if field in arguments else [{forbidden: 1}]
    with pytest.raises(WriteFieldRejected):
        await clean.call(clean.writer, name, {**arguments, field: items})
    assert clean.upstream.requests == []


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("field", ["channel_ids", "status", "customer_id", "raw", "rules"])
async def test_a_field_outside_the_whitelist_is_refused(
    clean: Wired, name: str, field: str
) -> None:
    arguments, answer = CALLS[name]
    spec = BIGCOMMERCE.tools.spec(name)
    assert spec.whitelist is not None and field not in spec.whitelist.accepted
    clean.upstream.serve(answer)
    with pytest.raises(WriteFieldRejected) as caught:
        await clean.call(clean.writer, name, {**arguments, field: [1]})
    assert caught.value.not_allowed == (field,)
    assert clean.upstream.requests == []
