"""neto_update_item through the domain's call_tool: forbidden and unknown fields, at the top
level or nested anywhere, are refused before a request exists (zero HTTP requests); a
whitelisted write goes through as exactly one UpdateItem POST. Plus the table-wide promises:
one action per tool, reads that cannot write, data Neto is never asked for, and the package's
writes compiled in but locked by the operator."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_adapters.upstreams.neto import selectors
from shopmcp_adapters.upstreams.neto.selectors import NEVER_SELECTED
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import (
    InvalidArguments,
    UpstreamError,
    WriteFieldRejected,
)
from shopmcp_domain.ids import new_connection_id, new_credential_id
from shopmcp_domain.keys import ALL_ACCESS, Access, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.call_tool import ToolCallDeps
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.whitelist import FORBIDDEN_WRITE_FIELDS
from tests.contract.neto.helpers import (
    CREDENTIALS,
    STORE,
    Upstream,
    answer,
    harness,
    make_http,
    response,
    sent,
)
from tests.contract.neto.test_errors import CALLS
from tests.factories import ADMITTED, NOW, World, confirmed_call, make_workspace
from tests.platforms import module_of

UPDATE_ITEM_SPEC = NETO.tools.spec("neto_update_item")
TOOL = UPDATE_ITEM_SPEC.name
WRITABLE = sorted(UPDATE_ITEM_SPEC.whitelist.writable) if UPDATE_ITEM_SPEC.whitelist else []
# Neto's own spellings of fields no tool may set: renames, activation, approval, visibility,
# the raw nested structures of UpdateItem.
NETO_FORBIDDEN = {
    "SKU",
    "ParentSKU",
    "InventoryID",
    "IsActive",
    "Active",
    "Approved",
    "Visible",
    "Password",
    "Categories",
    "PriceGroups",
    "WarehouseQuantity",
    "Item",
}
FORBIDDEN = sorted(FORBIDDEN_WRITE_FIELDS | NETO_FORBIDDEN)
# Nested anywhere, the global forbidden set is refused by name (and Neto's CamelCase spellings
# of it); other names nested in a value fail validation instead (every writable field is a
# scalar), which also sends nothing.
NETO_SPELLINGS_OF_FORBIDDEN = ["SKU", "IsActive", "Active", "Password", "ApiKey", "RoleId"]


@attrs.define
class Gateway:
    world: World
    upstream: Upstream
    token: str
    deps: ToolCallDeps

    async def call(self, arguments: dict[str, Any]) -> Any:
        scope = await self.world.scope(self.token)
        return await confirmed_call(self.deps, scope, ADMITTED, TOOL, arguments)


async def gateway() -> Gateway:
    # Neto's writes are operator-locked by default: this gateway's operator unlocked them.
    world = World(registry=ToolRegistry(NETO.specs), writes_locked=frozenset())
    workspace = make_workspace(write_enabled=frozenset({Platform.NETO}))
    issued = issue_key(workspace.id, NOW, ALL_ACCESS)
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.keys.add(issued.key)
        credential_id = new_credential_id()
        sealed = await world.vault.seal(
            EncryptionContext(workspace.id, credential_id), CredentialPayload(CREDENTIALS)
        )
        connection = Connection(
            id=new_connection_id(),
            workspace_id=workspace.id,
            platform=Platform.NETO,
            store_ref=STORE,
            credential_id=credential_id,
            created_at=NOW,
        )
        await uow.connections.add(connection, sealed)
    upstream = Upstream([])
    module = module_of(NETO, make_http(httpx.MockTransport(upstream.handle)))
    deps = ToolCallDeps(
        clock=world.clock,
        audit=world.store,
        upstreams={Platform.NETO: module},
        confirmations=world.confirmations,
        quota=world.quota,
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


def spellings(pool: list[str]) -> st.SearchStrategy[str]:
    # The names, and spellings a lenient upstream would treat as the same field.
    return st.one_of(
        st.sampled_from(pool),
        st.sampled_from(pool).map(lambda n: n.upper()),
        st.sampled_from(pool).map(
            lambda n: n.split("_")[0] + "".join(p.title() for p in n.split("_")[1:])
        ),
        st.sampled_from(pool).map(lambda n: n.replace("_", "-")),
    )


names = spellings(FORBIDDEN)
nested_names = st.one_of(
    spellings(sorted(FORBIDDEN_WRITE_FIELDS)), st.sampled_from(NETO_SPELLINGS_OF_FORBIDDEN)
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
    {"sku": st.sampled_from(["TENT-2P-GRN", "MUG-TI-450", "A1"])},
    optional={
        "default_price": st.just(12.5),
        "rrp": st.just("19.95"),
        "quantity": st.just(3),
        "warehouse_id": st.just(1),
    },
)
random_extra = st.text(min_size=1, max_size=30).filter(
    lambda k: k not in UPDATE_ITEM_SPEC.input_model.model_fields
)


@st.composite
def nested(draw: st.DrawFn, name: str) -> Any:
    """A forbidden name buried in a value: {"x": [{"IsActive": ...}]} and the like."""
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
            if name == "sku":  # the top-level sku is the locator, not an attack
                name = "ParentSKU"
            arguments[name] = draw(values)
        elif attack == "nested":
            carrier = draw(st.sampled_from([*WRITABLE, "Item", "sku"]))
            arguments[carrier] = draw(nested(draw(nested_names)))
        else:
            arguments[draw(random_extra)] = draw(values)
    return arguments


@settings(
    max_examples=150,
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
        # a SKU rename, in Neto's spelling or nested in a value
        {"sku": "TENT-2P-GRN", "SKU": "RENAMED"},
        {"sku": "TENT-2P-GRN", "default_price": {"SKU": "RENAMED"}},
        {"sku": "TENT-2P-GRN", "Item": [{"SKU": "OTHER", "DefaultPrice": "1"}]},
        {"sku": "TENT-2P-GRN", "ParentSKU": "OTHER"},
        # activation, approval, visibility, categories, price groups, raw stock rows
        {"sku": "TENT-2P-GRN", "IsActive": False},
        {"sku": "TENT-2P-GRN", "is_active": False},
        {"sku": "TENT-2P-GRN", "Approved": "False"},
        {"sku": "TENT-2P-GRN", "default_price": 1, "Visible": "False"},
        {"sku": "TENT-2P-GRN", "Categories": {"Category": [{"CategoryID": "1"}]}},
        {"sku": "TENT-2P-GRN", "PriceGroups": {"PriceGroup": [{"Group": "2", "Price": 0}]}},
        {"sku": "TENT-2P-GRN", "WarehouseQuantity": {"WarehouseID": "1", "Quantity": "0"}},
        {"sku": "TENT-2P-GRN", "cost_price": 1},
        {"sku": "TENT-2P-GRN", "quantity": 1, "warehouse_id": 1, "action": "increment"},
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
        {"sku": "TENT-2P-GRN"},  # nothing to change
        {"sku": "TENT-2P-GRN", "default_price": None},
        {"sku": "TENT-2P-GRN", "quantity": 5},  # which warehouse?
        {"sku": "TENT-2P-GRN", "warehouse_id": 1},  # a warehouse but no quantity
        {"sku": "TENT-2P-GRN", "default_price": -1},
        {"sku": "TENT-2P-GRN", "default_price": "1e9999"},
        {"sku": "TENT-2P-GRN", "default_price": "12.345678"},
        {"sku": "TENT-2P-GRN", "quantity": -3, "warehouse_id": 1},
        {"sku": "TENT-2P-GRN", "quantity": 2.5, "warehouse_id": 1},
        {"sku": "TENT-2P-GRN", "quantity": 1, "warehouse_id": 0},
        {"sku": "../admin", "default_price": 1},
        {"sku": "A B", "default_price": 1},
        {"sku": "X" * 26, "default_price": 1},
        {"sku": "TENT\r\nX", "default_price": 1},
        {"sku": "TENT-2P-GRN", "rrp": {"value": 1}},
    ],
)
async def test_invalid_values_are_refused_before_any_request(arguments: dict[str, Any]) -> None:
    gw = await gateway()
    with pytest.raises(InvalidArguments):
        await gw.call(arguments)
    assert gw.upstream.requests == []


async def test_a_whitelisted_write_is_exactly_one_update_item_post() -> None:
    gw = await gateway()
    gw.upstream.responses.append(response("updateitem.200.json"))
    out = await gw.call(
        {"sku": "TENT-2P-GRN", "promotion_price": 139.95, "quantity": 0, "warehouse_id": 2}
    )
    [request] = gw.upstream.requests
    assert sent(request, "UpdateItem") == {
        "Item": [
            {
                "SKU": "TENT-2P-GRN",
                "PromotionPrice": "139.95",
                "WarehouseQuantity": {"WarehouseID": "2", "Quantity": "0", "Action": "set"},
            }
        ]
    }
    assert out.structured == {
        "sku": "TENT-2P-GRN",
        "updated_fields": ["promotion_price", "quantity"],
    }


# --------------------------------------------------------------------------- the table


def test_writes_are_compiled_in_but_locked_by_the_operator() -> None:
    assert NETO.writes_operator_locked is True
    assert [s.name for s in NETO.specs if s.access is Access.WRITE] == ["neto_update_item"]


def test_every_tool_is_one_neto_action() -> None:
    registry = ToolRegistry(NETO.specs)  # refuses duplicate names
    assert len(registry) == len(NETO.specs) == 14
    reads = [s for s in NETO.specs if s.access is Access.READ]
    assert len(reads) >= 12
    for spec in NETO.specs:
        assert spec.name.startswith("neto_")
        assert (spec.operation.method, spec.operation.path) == ("POST", "/do/WS/NetoAPI")
        assert spec.operation.document is not None
        # A read names a Get* action; only the write names an action that changes data.
        assert spec.operation.document.startswith("Get") == (spec.access is Access.READ)
    a = UPDATE_ITEM_SPEC.annotations
    assert (a.read_only_hint, a.destructive_hint, a.idempotent_hint) == (False, False, True)
    assert UPDATE_ITEM_SPEC.operation.document == "UpdateItem"
    assert UPDATE_ITEM_SPEC.whitelist is not None
    assert UPDATE_ITEM_SPEC.whitelist.locators == {"sku", "warehouse_id"}


def test_selectors_never_ask_for_passwords_card_bank_or_voucher_secrets() -> None:
    lists = [v for k, v in vars(selectors).items() if k.isupper() and isinstance(v, tuple)]
    assert len(lists) >= 10
    for chosen in lists:
        assert not NEVER_SELECTED.intersection(chosen)
        assert len(chosen) == len(set(chosen))
    with pytest.raises(ValueError, match="never requested"):
        selectors.neto_filter(("ID", "Password"), {})


async def test_no_read_sends_an_update_results_or_write_field() -> None:
    # GetOrder's UpdateResults would mark orders exported: no tool ever sends it.
    for spec in NETO.specs:
        if spec.access is not Access.READ:
            continue
        h = harness([answer({"Ack": "Success"})])
        with contextlib.suppress(UpstreamError):  # a get finds nothing in an empty answer
            await h.call(spec.name, CALLS[spec.name])
        body = json.loads(h.requests[0].content)
        assert "UpdateResults" not in json.dumps(body)
        assert set(body) <= {"Filter"}
