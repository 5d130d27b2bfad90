"""magento_update_product through the domain's call_tool: forbidden and unknown fields, at the
top level or nested anywhere, are refused before a request exists (zero HTTP requests); a
whitelisted write goes through as exactly one PUT. Plus the table-wide promises: one operation
per tool and no free-form URL, path, query or method input."""

from __future__ import annotations

import json
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import InvalidArguments, WriteFieldRejected
from shopmcp_domain.ids import new_connection_id, new_credential_id
from shopmcp_domain.keys import ALL_ACCESS, Access, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.call_tool import ToolCallDeps, call_tool
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.whitelist import FORBIDDEN_WRITE_FIELDS
from tests.contract.magento.helpers import STORE, TOKEN, Upstream, make_http, response
from tests.factories import ADMITTED, NOW, World, make_workspace
from tests.platforms import module_of

UPDATE_PRODUCT_SPEC = MAGENTO.tools.spec("magento_update_product")
TOOL = UPDATE_PRODUCT_SPEC.name
WRITABLE = sorted(UPDATE_PRODUCT_SPEC.whitelist.writable) if UPDATE_PRODUCT_SPEC.whitelist else []
MAGENTO_FORBIDDEN = {
    "sku",
    "attribute_set_id",
    "website_id",
    "website_ids",
    "custom_attributes",
    "extension_attributes",
}
FORBIDDEN = sorted(FORBIDDEN_WRITE_FIELDS | MAGENTO_FORBIDDEN)


@attrs.define
class Gateway:
    world: World
    upstream: Upstream
    token: str
    deps: ToolCallDeps

    async def call(self, arguments: dict[str, Any]) -> Any:
        scope = await self.world.scope(self.token)
        return await call_tool(self.deps, scope, ADMITTED, TOOL, arguments)


async def gateway() -> Gateway:
    # Magento's writes are operator-locked by default: this gateway's operator unlocked them.
    world = World(registry=ToolRegistry(MAGENTO.specs), writes_locked=frozenset())
    workspace = make_workspace(write_enabled=frozenset({Platform.MAGENTO}))
    issued = issue_key(workspace.id, NOW, ALL_ACCESS)
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.keys.add(issued.key)
        credential_id = new_credential_id()
        sealed = await world.vault.seal(
            EncryptionContext(workspace.id, credential_id),
            CredentialPayload({"access_token": TOKEN}),
        )
        connection = Connection(
            id=new_connection_id(),
            workspace_id=workspace.id,
            platform=Platform.MAGENTO,
            store_ref=STORE,
            credential_id=credential_id,
            created_at=NOW,
        )
        await uow.connections.add(connection, sealed)
    upstream = Upstream([])
    module = module_of(MAGENTO, make_http(httpx.MockTransport(upstream.handle)))
    deps = ToolCallDeps(
        clock=world.clock,
        audit=world.store,
        upstreams={Platform.MAGENTO: module},
    )
    return Gateway(world=world, upstream=upstream, token=issued.token, deps=deps)


_shared: list[Gateway] = []


async def shared_gateway() -> Gateway:
    """One wired gateway for all hypothesis examples (building TLS contexts per example is
    slow); each example checks that no request was added."""
    if not _shared:
        _shared.append(await gateway())
    return _shared[0]


# --------------------------------------------------------------------------- strategies

names = st.one_of(
    st.sampled_from(FORBIDDEN),
    # Spellings a lenient upstream would treat as the same field.
    st.sampled_from(FORBIDDEN).map(lambda n: n.upper()),
    st.sampled_from(FORBIDDEN).map(
        lambda n: n.split("_")[0] + "".join(p.title() for p in n.split("_")[1:])
    ),
    st.sampled_from(FORBIDDEN).map(lambda n: n.replace("_", "-")),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)
valid_base = st.fixed_dictionaries(
    {"sku": st.sampled_from(["24-MB01", "MH01", "sku 2"])},
    optional={"name": st.just("New name"), "price": st.just(12.5), "qty": st.just(3)},
)
random_extra = st.text(min_size=1, max_size=30).filter(
    lambda k: k not in UPDATE_PRODUCT_SPEC.input_model.model_fields
)


@st.composite
def nested(draw: st.DrawFn, name: str) -> Any:
    """A forbidden name buried in a value: {"x": [{"sku": ...}]} and the like."""
    payload: Any = {name: draw(values)}
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["list", "dict"]))
        payload = [payload] if kind == "list" else {"wrap": payload}
    return payload


@st.composite
def hostile_arguments(draw: st.DrawFn) -> dict[str, Any]:
    arguments: dict[str, Any] = draw(valid_base)
    attacks = draw(st.lists(st.sampled_from(["top", "nested", "extra"]), min_size=1, max_size=3))
    for attack in attacks:
        if attack == "top":
            name = draw(names)
            if name == "sku":  # top-level sku is the locator, not an attack
                name = "attribute_set_id"
            arguments[name] = draw(values)
        elif attack == "nested":
            carrier = draw(st.sampled_from([*WRITABLE, "custom_attributes", "product"]))
            arguments[carrier] = draw(nested(draw(names)))
        else:
            arguments[draw(random_extra)] = draw(values)
    return arguments


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(arguments=hostile_arguments())
async def test_forbidden_or_unknown_fields_never_reach_the_upstream(
    arguments: dict[str, Any],
) -> None:
    gw = await shared_gateway()
    with pytest.raises(WriteFieldRejected):
        await gw.call(arguments)
    assert gw.upstream.requests == []


@pytest.mark.parametrize(
    "arguments",
    [
        # SKU rename in any body-like place
        {"sku": "24-MB01", "product": {"sku": "RENAMED"}},
        {"sku": "24-MB01", "name": {"sku": "RENAMED"}},
        {"sku": "24-MB01", "newSku": "RENAMED"},
        # attribute set, websites, bulk custom attributes, raw extension attributes
        {"sku": "24-MB01", "attribute_set_id": 4},
        {"sku": "24-MB01", "attributeSetId": 4},
        {"sku": "24-MB01", "website_id": 1},
        {"sku": "24-MB01", "website_ids": [1, 2]},
        {"sku": "24-MB01", "custom_attributes": [{"attribute_code": "cost", "value": "1"}]},
        {"sku": "24-MB01", "description": [{"custom_attributes": []}]},
        {"sku": "24-MB01", "extension_attributes": {"stock_item": {"qty": 1}}},
        {"sku": "24-MB01", "price": 1, "type_id": "virtual"},
        {"sku": "24-MB01", "price": 1, "cost": 0.5},
    ],
)
async def test_named_attacks_are_refused_before_any_request(arguments: dict[str, Any]) -> None:
    gw = await gateway()
    with pytest.raises(WriteFieldRejected):
        await gw.call(arguments)
    assert gw.upstream.requests == []


@pytest.mark.parametrize(
    "arguments",
    [
        {"sku": "24-MB01"},  # nothing to change
        {"sku": "24-MB01", "name": None},
        {"sku": "../admin", "price": 1},
        {"sku": "a/b", "price": 1},
        {"sku": "24-MB01?x=1", "price": 1},
        {"sku": "24-MB01", "price": -1},
        {"sku": "24-MB01", "status": 1},
        {"sku": "24-MB01", "visibility": "everywhere"},
        {"sku": "24-MB01", "name": {"text": "x"}},
    ],
)
async def test_invalid_values_are_refused_before_any_request(arguments: dict[str, Any]) -> None:
    gw = await gateway()
    with pytest.raises(InvalidArguments):
        await gw.call(arguments)
    assert gw.upstream.requests == []


async def test_a_whitelisted_write_is_exactly_one_put() -> None:
    gw = await gateway()
    gw.upstream.responses.append(response("product_update.200.json"))
    out = await gw.call({"sku": "24-MB01", "name": "New name", "qty": 3, "is_in_stock": True})
    [request] = gw.upstream.requests
    assert (request.method, str(request.url)) == (
        "PUT",
        "https://shop.example.com/rest/all/V1/products/24-MB01",
    )
    assert json.loads(request.content) == {
        "product": {
            "name": "New name",
            "extension_attributes": {"stock_item": {"qty": 3.0, "is_in_stock": True}},
        }
    }
    assert out.structured["product"]["sku"] == "24-MB01"


# --------------------------------------------------------------------------- the table


def test_every_tool_maps_to_exactly_one_operation() -> None:
    registry = ToolRegistry(MAGENTO.specs)  # refuses duplicate names
    assert len(registry) == len(MAGENTO.specs) == 12
    by_key: dict[str, set[str]] = {}
    for spec in MAGENTO.specs:
        by_key.setdefault(spec.operation.key, set()).add(spec.name)
    # Only the order summary shares an endpoint: the orders search with a fixed customer filter.
    assert {k: v for k, v in by_key.items() if len(v) > 1} == {
        "GET /V1/orders": {"magento_search_orders", "magento_get_customer_order_summary"}
    }
    assert all(spec.name.startswith("magento_") for spec in MAGENTO.specs)


def test_reads_are_read_only_and_only_the_update_writes() -> None:
    writes = [s for s in MAGENTO.specs if s.access is Access.WRITE]
    assert writes == [UPDATE_PRODUCT_SPEC]
    a = UPDATE_PRODUCT_SPEC.annotations
    assert (a.read_only_hint, a.destructive_hint, a.idempotent_hint) == (False, False, True)
    for spec in MAGENTO.specs:
        if spec is not UPDATE_PRODUCT_SPEC:
            assert spec.annotations.read_only_hint and spec.operation.method == "GET"


FREE_FORM = {"url", "uri", "path", "endpoint", "query", "method", "document", "body", "headers"}


def test_no_tool_accepts_a_free_form_url_path_query_or_method() -> None:
    for spec in MAGENTO.specs:
        schema = spec.input_schema()
        assert schema.get("additionalProperties") is False, spec.name
        assert not set(schema.get("properties", {})) & FREE_FORM, spec.name
        for field, prop in schema.get("properties", {}).items():
            for variant in prop.get("anyOf", [prop]):
                if variant.get("type") == "string":
                    # a pattern, an enum, a date format, or bounded free text sent only as a
                    # JSON value (descriptions); never an unbounded string
                    constrained = {"pattern", "enum", "format", "maxLength"} & set(variant)
                    assert constrained, f"{spec.name}.{field} is an unconstrained string"
                    if field in {"sku", "status", "increment_id", "email", "customer_email"}:
                        assert "pattern" in variant or "enum" in variant, f"{spec.name}.{field}"
        page_size = schema.get("properties", {}).get("page_size")
        if page_size is not None:
            assert page_size["maximum"] == 100
