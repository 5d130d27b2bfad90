"""The Magento writes through the domain's call_tool: forbidden and unknown fields, at the top
level or nested anywhere, are refused before a request exists (zero HTTP requests; property
tested on magento_update_product, named attacks on every other write); a whitelisted write goes
through as exactly one request. Plus the table-wide promises: one operation per tool, every
write's MCP hints stated in one table, and no free-form URL, path, query or method input."""

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
from shopmcp_domain.errors import (
    InvalidArguments,
    WriteFieldRejected,
)
from shopmcp_domain.ids import new_connection_id, new_credential_id
from shopmcp_domain.keys import ALL_ACCESS, Access, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.call_tool import ToolCallDeps
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.whitelist import FORBIDDEN_WRITE_FIELDS
from tests.contract.magento.helpers import STORE, TOKEN, Upstream, make_http, response
from tests.factories import ADMITTED, NOW, World, confirmed_call, make_workspace
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

    async def call(self, arguments: dict[str, Any], tool: str = TOOL) -> Any:
        scope = await self.world.scope(self.token)
        return await confirmed_call(self.deps, scope, ADMITTED, tool, arguments)


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
        quota=world.quota,
        confirmations=world.confirmations,
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


async def test_a_whitelisted_post_is_exactly_one_request() -> None:
    gw = await gateway()
    gw.upstream.responses.append(response("coupon_create.200.json"))
    out = await gw.call(
        {"rule_id": 5, "code": "VIP10", "usage_limit": 100}, "magento_create_coupon"
    )
    [request] = gw.upstream.requests
    assert (request.method, str(request.url)) == (
        "POST",
        "https://shop.example.com/rest/all/V1/coupons",
    )
    assert json.loads(request.content)["coupon"]["code"] == "VIP10"
    assert out.structured["coupon_id"] == 5


# --------------------------------------------------------------------------- the table


def test_every_tool_maps_to_exactly_one_operation() -> None:
    registry = ToolRegistry(MAGENTO.specs)  # refuses duplicate names
    assert len(registry) == len(MAGENTO.specs) == 46
    by_key: dict[str, set[str]] = {}
    for spec in MAGENTO.specs:
        by_key.setdefault(spec.operation.key, set()).add(spec.name)
    # Shared endpoints, each with its own fixed filters: the orders search (a customer's
    # history, a date range's summary) and the source-items search (one SKU everywhere, one
    # source's stock).
    assert {k: v for k, v in by_key.items() if len(v) > 1} == {
        "GET /V1/orders": {
            "magento_search_orders",
            "magento_get_customer_order_summary",
            "magento_get_sales_summary",
        },
        "GET /V1/inventory/source-items": {"magento_get_inventory", "magento_list_source_items"},
    }
    assert all(spec.name.startswith("magento_") for spec in MAGENTO.specs)


# Every write tool's MCP hints, stated here on purpose: destructiveHint false means "performs
# only additive updates", idempotentHint true means "repeating the same call has no further
# effect". name -> (destructive, idempotent)
WRITE_HINTS: dict[str, tuple[bool, bool]] = {
    # overwrites name, prices, descriptions, stock; the same values again change nothing
    "magento_update_product": (True, True),
    # replaces a source's quantity; the same quantity again changes nothing
    "magento_set_source_item": (True, True),
    # adds an invoice, a shipment, a tracking number; a repeat adds another
    "magento_create_invoice": (False, False),
    "magento_create_shipment": (False, False),
    "magento_add_shipment_track": (False, False),
    # refunds money and changes the order's totals for good; a repeat refunds again
    "magento_create_credit_memo": (True, False),
    "magento_refund_invoice": (True, False),
    # adds to the order's history; a repeat adds the comment again
    "magento_add_order_comment": (False, False),
    # overwrite the order's state; a repeat is refused (hold, release) or declined (cancel)
    "magento_hold_order": (True, True),
    "magento_unhold_order": (True, True),
    "magento_cancel_order": (True, True),
    # adds a rule; a repeat adds a second one
    "magento_create_cart_rule": (False, False),
    # adds a code; codes are unique, so a repeat is refused and changes nothing
    "magento_create_coupon": (False, True),
}


def test_reads_are_read_only_and_the_writes_are_the_listed_ones() -> None:
    writes = {s.name for s in MAGENTO.specs if s.access is Access.WRITE}
    assert writes == set(WRITE_HINTS)
    for spec in MAGENTO.specs:
        if spec.access is Access.READ:
            assert spec.annotations.read_only_hint and spec.operation.method == "GET"
        else:
            assert spec.operation.method in {"POST", "PUT"}


@pytest.mark.parametrize(("name", "hints"), sorted(WRITE_HINTS.items()))
def test_every_write_states_its_hints_truthfully(name: str, hints: tuple[bool, bool]) -> None:
    a = MAGENTO.tools.spec(name).annotations
    assert (a.read_only_hint, a.destructive_hint, a.idempotent_hint) == (False, *hints)
    assert a.open_world_hint  # every write reaches a third-party store


# Forbidden and unknown fields sent to the other writes, each refused before any request.
OTHER_WRITE_ATTACKS: list[tuple[str, dict[str, Any]]] = [
    ("magento_create_cart_rule", {"name": "x", "website_ids": [1]}),
    ("magento_create_cart_rule", {"name": "x", "is_active": False}),
    ("magento_create_cart_rule", {"name": "x", "customer_group_id": 4}),
    ("magento_create_cart_rule", {"name": "x", "rule": {"simple_action": "by_percent"}}),
    ("magento_create_coupon", {"rule_id": 5, "code": "X", "coupon_id": 9}),
    ("magento_create_coupon", {"rule_id": 5, "code": "X", "id": 9}),
    ("magento_set_source_item", {"sku": "A", "source_code": "s", "quantity": 1, "status": 1}),
    ("magento_set_source_item", {"sku": "A", "source_code": "s", "quantity": {"sku": "B"}}),
    ("magento_create_invoice", {"order_id": 1, "items": [{"order_item_id": 1, "sku": "X"}]}),
    ("magento_create_invoice", {"order_id": 1, "capture": True}),
    ("magento_create_shipment", {"order_id": 1, "tracks": [{"entity_id": 3}]}),
    ("magento_create_shipment", {"order_id": 1, "arguments": {"source_code": "x"}}),
    ("magento_add_shipment_track", {"shipment_id": 1, "order_id": 1, "parent_id": 2}),
    ("magento_create_credit_memo", {"order_id": 1, "store_credit": 10}),
    ("magento_create_credit_memo", {"order_id": 1, "extension_attributes": {}}),
    ("magento_refund_invoice", {"invoice_id": 1, "refund_to": "offline", "isOnline": True}),
    ("magento_add_order_comment", {"order_id": 1, "comment": "x", "status": "complete"}),
    ("magento_add_order_comment", {"order_id": 1, "comment": "x", "email": "a@b.c"}),
    ("magento_hold_order", {"order_id": 1, "state": "holded"}),
    ("magento_cancel_order", {"order_id": 1, "password": "x"}),
]


@pytest.mark.parametrize(("tool", "arguments"), OTHER_WRITE_ATTACKS)
async def test_other_writes_refuse_forbidden_or_unknown_fields_before_any_request(
    tool: str, arguments: dict[str, Any]
) -> None:
    gw = await gateway()
    with pytest.raises(WriteFieldRejected):
        await gw.call(arguments, tool)
    assert gw.upstream.requests == []


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
