"""Adversarial: random extra and forbidden fields thrown at every Shopify write tool through
the domain's ``call_tool`` use case never produce an HTTP request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import (
    InvalidArguments,
    WriteFieldRejected,
)
from shopmcp_domain.ids import new_connection_id, new_credential_id
from shopmcp_domain.keys import Access, KeyScopes, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.call_tool import ToolCallDeps
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.whitelist import FORBIDDEN_WRITE_FIELDS
from tests.contract.shopify.helpers import NOW, SHOP, TOKEN, Upstream, make_module, respond
from tests.factories import ADMITTED, World, confirmed_call, make_workspace

SPECS = SHOPIFY.specs

WRITES = {spec.name: spec for spec in SPECS if spec.access is Access.WRITE}
VALID: dict[str, dict[str, Any]] = {
    "shopify_update_product": {"product_id": "1", "title": "New title"},
    "shopify_set_inventory": {
        "inventory_item_id": "1",
        "location_id": "2",
        "expected_quantity": 3,
        "quantity": 5,
    },
    "shopify_update_order": {"order_id": "1", "note": "Ring the bell"},
    "shopify_cancel_order": {"order_id": "1", "reason": "customer", "restock": False},
    "shopify_create_fulfillment": {"fulfillment_order_id": "1"},
    "shopify_create_refund": {
        "order_id": "1",
        "line_items": [{"line_item_id": "2", "quantity": 1}],
    },
    "shopify_create_discount_code": {
        "title": "Ten off",
        "code": "SAVE10",
        "value_type": "percentage",
        "value": 10,
        "starts_at": "2026-10-01T00:00:00Z",
    },
    "shopify_add_products_to_collection": {
        "collection_id": "1",
        "source_id": "2",
        "product_ids": ["3"],
    },
    "shopify_remove_products_from_collection": {
        "collection_id": "1",
        "source_id": "2",
        "product_ids": ["3"],
    },
    "shopify_create_draft_order": {"variants": [{"variant_id": "1", "quantity": 1}]},
    "shopify_add_customer_tags": {"customer_id": "1", "tags": ["vip"]},
    "shopify_remove_customer_tags": {"customer_id": "1", "tags": ["vip"]},
}
ANSWERS = {tool: tool.removeprefix("shopify_") + ".200.json" for tool in VALID}

# Every write tool's MCP hints, stated here rather than read from the code: (destructive,
# idempotent). MCP defines destructiveHint false as "performs only additive updates", so a
# write that overwrites or removes anything (tags replaced, stock set, an order cancelled,
# money refunded, a product taken out of a collection, a tag removed) is destructive;
# idempotentHint true means the same call again has no further effect.
WRITE_HINTS: dict[str, tuple[bool, bool]] = {
    "shopify_update_product": (True, True),  # overwrites fields, tags replaced
    "shopify_set_inventory": (True, True),  # overwrites stock; again: no longer expected
    "shopify_update_order": (True, True),  # overwrites note and tags
    "shopify_cancel_order": (True, True),  # irreversible; a second cancel is refused
    "shopify_create_fulfillment": (False, False),  # adds a shipment; again ships more
    "shopify_create_refund": (True, False),  # money leaves for good; again refunds again
    "shopify_create_discount_code": (False, False),  # adds a discount
    "shopify_add_products_to_collection": (False, True),  # adds; picked products stay
    "shopify_remove_products_from_collection": (True, True),  # removes products
    "shopify_create_draft_order": (False, False),  # adds a draft; again adds another
    "shopify_add_customer_tags": (False, True),  # adds tags a customer does not have
    "shopify_remove_customer_tags": (True, True),  # removes tags
}


def test_every_write_tool_is_covered() -> None:
    assert set(WRITES) == set(VALID) == set(WRITE_HINTS)
    for spec in WRITES.values():
        assert spec.whitelist is not None
        assert spec.whitelist.accepted == set(spec.input_model.model_fields)
        assert not spec.annotations.read_only_hint


@pytest.mark.parametrize("tool", sorted(WRITE_HINTS))
def test_write_hints_are_the_ones_in_the_table(tool: str) -> None:
    hints = WRITES[tool].annotations
    destructive, idempotent = WRITE_HINTS[tool]
    assert hints.read_only_hint is False
    assert hints.destructive_hint is destructive
    assert hints.idempotent_hint is idempotent
    assert hints.open_world_hint is True


class Wired:
    """A workspace with Shopify writes enabled, served by the real module over a mock
    transport that counts requests."""

    def __init__(self) -> None:
        self.upstream = Upstream([])
        self.world = World(clock=FakeClock(NOW), registry=ToolRegistry(SPECS))
        self.scope: RequestScope | None = None

    async def setup(self, answer: str | None = None) -> Wired:
        if answer:
            self.upstream.answers.append(respond(answer))
        workspace = make_workspace(write_enabled=frozenset({Platform.SHOPIFY}))
        issued = issue_key(workspace.id, NOW, KeyScopes(access=frozenset(Access)))
        credential_id = new_credential_id()
        async with self.world.store.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
            await uow.keys.add(issued.key)
            sealed = await self.world.vault.seal(
                EncryptionContext(workspace.id, credential_id),
                CredentialPayload({"access_token": TOKEN}),
            )
            await uow.connections.add(
                Connection(
                    id=new_connection_id(),
                    workspace_id=workspace.id,
                    platform=Platform.SHOPIFY,
                    store_ref=SHOP,
                    credential_id=credential_id,
                    created_at=NOW - dt.timedelta(days=1),
                ),
                sealed,
            )
        self.scope = await self.world.scope(issued.token)
        return self

    @property
    def deps(self) -> ToolCallDeps:
        return ToolCallDeps(
            clock=self.world.clock,
            audit=self.world.store,
            upstreams={Platform.SHOPIFY: make_module(self.upstream)},
            quota=self.world.quota,
            confirmations=self.world.confirmations,
        )

    async def call(self, tool: str, arguments: dict[str, Any]) -> Any:
        assert self.scope is not None
        return await confirmed_call(self.deps, self.scope, ADMITTED, tool, arguments)


SHOPIFY_SPEC = {spec.name: spec for spec in SHOPIFY.specs}


@pytest.mark.parametrize("tool", sorted(VALID))
async def test_valid_write_reaches_the_upstream_once(tool: str) -> None:
    """The positive control: the same wiring does send a request for a clean write."""
    wired = await Wired().setup(ANSWERS[tool])
    await wired.call(tool, VALID[tool])
    # One write request; a write whose preview reads the current values (its own declared
    # read, best effort) also sent that read first.
    writes = [r for r in wired.upstream.requests if b"mutation" in r.content]
    assert len(writes) == 1
    assert len(wired.upstream.requests) == 1 + (SHOPIFY_SPEC[tool].current is not None)


def _spellings(name: str) -> st.SearchStrategy[str]:
    parts = name.split("_")
    camel = parts[0] + "".join(p.title() for p in parts[1:])
    return st.sampled_from(
        sorted({name, name.upper(), camel, name.replace("_", "-"), camel[0].upper() + camel[1:]})
    )


forbidden_key = st.sampled_from(sorted(FORBIDDEN_WRITE_FIELDS)).flatmap(_spellings)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


@st.composite
def hostile(draw: st.DrawFn) -> tuple[str, dict[str, Any], bool]:
    """A write tool, its arguments with something hostile added, and whether what was added
    is a forbidden field (else it is an extra, unlisted one)."""
    tool = draw(st.sampled_from(sorted(VALID)))
    accepted = WRITES[tool].whitelist.accepted  # type: ignore[union-attr]
    arguments = dict(VALID[tool])
    mode = draw(st.sampled_from(["forbidden", "extra", "nested"]))
    if mode == "forbidden":
        arguments[draw(forbidden_key)] = draw(json_value)
        return tool, arguments, True
    if mode == "extra":
        key = draw(st.text(min_size=1, max_size=30).filter(lambda k: k not in accepted))
        arguments[key] = draw(json_value)
        return tool, arguments, False
    # A forbidden key hidden inside the value of an accepted field.
    field = draw(st.sampled_from(sorted(accepted)))
    arguments[field] = {draw(forbidden_key): draw(json_value)}
    return tool, arguments, True


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=hostile())
async def test_hostile_write_arguments_never_reach_the_upstream(
    case: tuple[str, dict[str, Any], bool],
) -> None:
    tool, arguments, has_forbidden = case
    wired = await Wired().setup()
    with pytest.raises((WriteFieldRejected, InvalidArguments)) as caught:
        await wired.call(tool, arguments)
    assert wired.upstream.requests == []
    if has_forbidden:
        assert isinstance(caught.value, WriteFieldRejected)
        assert caught.value.forbidden


@pytest.mark.parametrize(
    ("tool", "extra"),
    [
        ("shopify_update_product", {"handle": "new-handle"}),
        ("shopify_update_product", {"sku": "RENAMED"}),
        ("shopify_update_product", {"id": "gid://shopify/Product/2"}),
        ("shopify_update_product", {"metafields": [{"key": "x"}]}),
        ("shopify_update_order", {"email": "attacker@example.com"}),
        ("shopify_update_order", {"shippingAddress": {"address1": "elsewhere"}}),
        ("shopify_set_inventory", {"compareQuantity": 1}),
        ("shopify_set_inventory", {"changeFromQuantity": None}),
        ("shopify_set_inventory", {"ignoreCompareQuantity": True}),
        ("shopify_set_inventory", {"idempotencyKey": "replayed"}),
        ("shopify_set_inventory", {"name": "on_hand"}),
        ("shopify_cancel_order", {"email": "attacker@example.com"}),
        ("shopify_cancel_order", {"refundMethod": {"storeCreditRefund": {}}}),
        ("shopify_create_refund", {"transactions": [{"id": "gid://shopify/Refund/1"}]}),
        ("shopify_create_refund", {"allowOverRefunding": True}),
        ("shopify_create_fulfillment", {"originAddress": {"countryCode": "AU"}}),
        ("shopify_create_discount_code", {"combinesWith": {"orderDiscounts": True}}),
        ("shopify_create_draft_order", {"variants": [{"variant_id": "1", "sku": "X"}]}),
        ("shopify_create_draft_order", {"email": "someone@example.com"}),
        ("shopify_create_draft_order", {"appliedDiscount": {"value": 100}}),
        ("shopify_add_products_to_collection", {"handle": "renamed"}),
        ("shopify_add_customer_tags", {"email": "someone@example.com"}),
    ],
)
async def test_named_hostile_fields_are_refused(tool: str, extra: dict[str, Any]) -> None:
    wired = await Wired().setup()
    with pytest.raises(WriteFieldRejected):
        await wired.call(tool, {**VALID[tool], **extra})
    assert wired.upstream.requests == []
