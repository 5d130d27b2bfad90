"""bigcommerce_update_product through the domain's ``call_tool``, wired to the real BigCommerce
module over a MockTransport: hostile arguments (random extra fields, the globally forbidden
fields in any spelling, forbidden names nested in allowed values) never produce an HTTP request.
A positive control proves the same wiring does send a request for a clean write."""

from __future__ import annotations

from collections.abc import AsyncIterator

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopmcp_adapters.upstreams.bigcommerce import PACKAGE as BIGCOMMERCE
from shopmcp_domain.errors import (
    InvalidArguments,
    WriteFieldRejected,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.call_tool import ToolCallDeps
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.whitelist import FORBIDDEN_WRITE_FIELDS
from shopmcp_domain.usage import UsageEvent
from tests.contract.bigcommerce.harness import STORE_HASH, Upstream, make_upstream
from tests.factories import ADMITTED, World, confirmed_call

SPECS = BIGCOMMERCE.specs

TOOL = "bigcommerce_update_product"
ACCEPTED = {"product_id", "name", "price", "sale_price", "inventory_level", "is_visible"} | {
    "description"
}


async def _wired(upstream: Upstream) -> tuple[World, ToolCallDeps, RequestScope]:
    world = World(registry=ToolRegistry(SPECS))
    workspace, issued = await world.tenant(
        platforms=(Platform.BIGCOMMERCE,), write_enabled=frozenset({Platform.BIGCOMMERCE})
    )
    async with world.store.unit_of_work(workspace.id) as uow:
        (connection,) = await uow.connections.list()
        await uow.connections.update(attrs.evolve(connection, store_ref=STORE_HASH))
    deps = ToolCallDeps(
        clock=world.clock,
        audit=world.store,
        upstreams={Platform.BIGCOMMERCE: upstream.module},
        quota=world.quota,
        confirmations=world.confirmations,
    )
    return world, deps, await world.scope(issued.token)


def _spellings(name: str) -> st.SearchStrategy[str]:
    parts = name.split("_")
    camel = parts[0] + "".join(p.title() for p in parts[1:])
    return st.sampled_from([name, name.upper(), camel, name.replace("_", "-"), name.title()])


field_names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P")), min_size=1, max_size=20
).filter(lambda k: k not in ACCEPTED)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(field_names, inner, max_size=3),
    max_leaves=8,
)
forbidden = st.sampled_from(sorted(FORBIDDEN_WRITE_FIELDS)).flatmap(_spellings)


@st.composite
def hostile(draw: st.DrawFn) -> dict[str, object]:
    """A valid update plus at least one extra or forbidden field (top level or nested)."""
    payload: dict[str, object] = {"product_id": draw(st.integers(1, 10**6))}
    payload.update(
        draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "name": st.text(min_size=1, max_size=20),
                    "price": st.decimals(0, 1000, places=2).map(str),
                    "is_visible": st.booleans(),
                    "inventory_level": st.integers(0, 1000),
                },
            )
        )
    )
    how = draw(st.sampled_from(["extra", "forbidden", "nested"]))
    if how == "extra":
        payload[draw(field_names)] = draw(json_values)
    elif how == "forbidden":
        payload[draw(forbidden)] = draw(json_values)
    else:
        allowed = draw(st.sampled_from(["name", "description", "price", "is_visible"]))
        payload[allowed] = {draw(forbidden): draw(json_values)}
    extra = draw(st.dictionaries(field_names, json_values, max_size=2))
    payload.update({k: v for k, v in extra.items() if k not in payload})
    return payload


async def test_a_clean_write_does_reach_bigcommerce() -> None:
    upstream = make_upstream()
    try:
        _, deps, scope = await _wired(upstream)
        upstream.serve("update_product.200")
        out = await confirmed_call(
            deps, scope, ADMITTED, TOOL, {"product_id": 112, "is_visible": False}
        )
        assert out.structured["updated_fields"] == ["is_visible"]
        request = upstream.only_request
        assert request.headers["X-Auth-Token"] == "shpat_test_secret-bigcommerce"
        assert request.url.path == f"/stores/{STORE_HASH}/v3/catalog/products/112"
        assert request.method == "PUT"
    finally:
        await upstream.client.aclose()


@attrs.define
class Wired:
    upstream: Upstream
    world: World
    deps: ToolCallDeps
    scope: RequestScope


@pytest.fixture(scope="module")
async def wired() -> AsyncIterator[Wired]:
    # One wiring for every example (building a TLS context per example would dominate the run);
    # each example starts from an empty request log.
    upstream = make_upstream()
    world, deps, scope = await _wired(upstream)
    yield Wired(upstream, world, deps, scope)
    await upstream.client.aclose()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=hostile())
async def test_hostile_writes_send_no_request(wired: Wired, payload: dict[str, object]) -> None:
    wired.upstream.requests.clear()
    wired.upstream.serve("update_product.200")
    before = await _events(wired)
    with pytest.raises((WriteFieldRejected, InvalidArguments)):
        await confirmed_call(wired.deps, wired.scope, ADMITTED, TOOL, payload)
    assert wired.upstream.requests == []
    after = await _events(wired)
    assert len(after) == len(before) + 1  # the refusal is audited, once
    assert {e.status.value for e in after} <= {"write_field_rejected", "invalid_arguments"}


async def _events(wired: Wired) -> list[UsageEvent]:
    async with wired.world.store.unit_of_work(wired.scope.workspace.id) as uow:
        return list(await uow.usage.recent(limit=10_000))


@pytest.mark.parametrize("field", sorted(FORBIDDEN_WRITE_FIELDS))
async def test_every_forbidden_field_is_refused_by_name(field: str) -> None:
    upstream = make_upstream()
    try:
        _, deps, scope = await _wired(upstream)
        upstream.serve("update_product.200")
        with pytest.raises(WriteFieldRejected) as caught:
            await confirmed_call(
                deps, scope, ADMITTED, TOOL, {"product_id": 1, "name": "x", field: "y"}
            )
        assert caught.value.forbidden == (field,)
        assert upstream.requests == []
    finally:
        await upstream.client.aclose()


@pytest.mark.parametrize(
    "field",
    ["categories", "custom_fields", "channels", "variants", "type", "weight", "brand_id", "url"],
)
async def test_product_fields_outside_the_whitelist_are_refused(field: str) -> None:
    upstream = make_upstream()
    try:
        _, deps, scope = await _wired(upstream)
        upstream.serve("update_product.200")
        with pytest.raises(WriteFieldRejected) as caught:
            await confirmed_call(deps, scope, ADMITTED, TOOL, {"product_id": 1, field: [1]})
        assert caught.value.not_allowed == (field,)
        assert upstream.requests == []
    finally:
        await upstream.client.aclose()
