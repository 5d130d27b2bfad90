"""Several stores of one platform in one workspace: the ``store`` argument picks the connection
before the tool's own input model sees the arguments; labels are unique per platform."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from shopmcp_domain.connections import ConnectionStatus
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    DuplicateStoreLabel,
    InvalidArguments,
    ToolNotAllowed,
    UsageStatus,
    WriteFieldRejected,
)
from shopmcp_domain.ids import new_workspace_id
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.stores import StoreChoice, with_store_argument
from shopmcp_domain.usage import UsageEvent
from tests.factories import ADMITTED, NOW, World, confirmed_call, make_connection, read_spec

MAGENTO_A = "https://a.shop.example"
MAGENTO_B = "https://b.shop.example"


def echo_store(call: UpstreamCall) -> ToolOutput:
    return ToolOutput({"store_ref": call.connection.store_ref}, "ok")


async def _workspace(world: World, *stores: tuple[str, str]) -> RequestScope:
    """A workspace with Shopify and these Magento stores (store_ref, display name)."""
    workspace, issued = await world.tenant(platforms=(Platform.SHOPIFY,), plan=PlanTier.PORTFOLIO)
    for minutes, (store_ref, display_name) in enumerate(stores):
        await world.connect(
            workspace.id,
            Platform.MAGENTO,
            store_ref,
            display_name=display_name,
            created_at=NOW + dt.timedelta(minutes=minutes),
        )
    world.upstream.answer("magento_get_thing", echo_store)
    world.upstream.answer("shopify_get_thing", echo_store)
    world.upstream.answer("magento_update_thing", echo_store)
    return await world.scope(issued.token)


async def _call(world: World, scope: RequestScope, name: str, arguments: dict[str, Any]) -> Any:
    return await confirmed_call(world.deps, scope, ADMITTED, name, arguments)


async def _events(world: World, scope: RequestScope) -> list[UsageEvent]:
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        return list(await uow.usage.recent(100))


def _magento(scope: RequestScope, label: str) -> Any:
    (connection,) = [c for c in scope.connections if c.label == label]
    return connection


# --------------------------------------------------------------------------- one store


async def test_with_one_store_the_argument_may_be_omitted() -> None:
    world = World()
    scope = await _workspace(world, (MAGENTO_A, ""))
    output = await _call(world, scope, "magento_get_thing", {"thing_id": 1})
    assert output.structured == {"store_ref": MAGENTO_A}
    [call] = world.upstream.calls
    assert call.arguments.model_dump() == {"thing_id": 1}


@pytest.mark.parametrize("by", ["label", "id", "null"])
async def test_with_one_store_it_may_be_named_by_label_or_id(by: str) -> None:
    world = World()
    scope = await _workspace(world, (MAGENTO_A, "Main shop"))
    connection = _magento(scope, "Main shop")
    store = {"label": "Main shop", "id": str(connection.id), "null": None}[by]
    output = await _call(world, scope, "magento_get_thing", {"thing_id": 1, "store": store})
    assert output.structured == {"store_ref": MAGENTO_A}
    [event] = await _events(world, scope)
    assert event.connection_id == connection.id


async def test_with_one_store_an_unknown_name_is_refused_naming_the_store() -> None:
    world = World()
    scope = await _workspace(world, (MAGENTO_A, "Main shop"))
    with pytest.raises(InvalidArguments) as refused:
        await _call(world, scope, "magento_get_thing", {"thing_id": 1, "store": "elsewhere"})
    assert "'Main shop'" in refused.value.message
    assert "elsewhere" not in refused.value.message  # the caller's value is never echoed
    assert world.upstream.calls == []


# --------------------------------------------------------------------------- two stores


async def test_with_two_stores_each_is_reached_by_its_label() -> None:
    world = World()
    scope = await _workspace(world, (MAGENTO_A, ""), (MAGENTO_B, "Outlet"))
    first = await _call(world, scope, "magento_get_thing", {"thing_id": 1, "store": MAGENTO_A})
    second = await _call(world, scope, "magento_get_thing", {"thing_id": 2, "store": "Outlet"})
    assert (first.structured, second.structured) == (
        {"store_ref": MAGENTO_A},
        {"store_ref": MAGENTO_B},
    )
    assert [c.connection.store_ref for c in world.upstream.calls] == [MAGENTO_A, MAGENTO_B]
    assert [c.arguments.model_dump() for c in world.upstream.calls] == [
        {"thing_id": 1},
        {"thing_id": 2},
    ]
    events = {e.connection_id for e in await _events(world, scope)}
    assert events == {_magento(scope, MAGENTO_A).id, _magento(scope, "Outlet").id}


async def test_with_two_stores_a_connection_id_names_one_too() -> None:
    world = World()
    scope = await _workspace(world, (MAGENTO_A, ""), (MAGENTO_B, "Outlet"))
    outlet = _magento(scope, "Outlet")
    output = await _call(
        world, scope, "magento_get_thing", {"thing_id": 1, "store": str(outlet.id).upper()}
    )
    assert output.structured == {"store_ref": MAGENTO_B}


async def test_with_two_stores_the_argument_is_required_and_the_refusal_lists_them() -> None:
    world = World()
    scope = await _workspace(world, (MAGENTO_A, ""), (MAGENTO_B, "Outlet"))
    with pytest.raises(InvalidArguments) as refused:
        await _call(world, scope, "magento_get_thing", {"thing_id": 1})
    message = refused.value.message
    assert "store: required" in message
    assert f"'{MAGENTO_A}'" in message and "'Outlet'" in message
    assert world.upstream.calls == []
    [event] = await _events(world, scope)
    assert (event.status, event.connection_id) == (UsageStatus.INVALID_ARGUMENTS, None)


@pytest.mark.parametrize("store", ["Outlet ", "outlet", 7, ["Outlet"], {"id": "x"}, ""])
async def test_with_two_stores_anything_else_is_refused(store: object) -> None:
    world = World()
    scope = await _workspace(world, (MAGENTO_A, ""), (MAGENTO_B, "Outlet"))
    with pytest.raises(InvalidArguments, match="not one of this workspace's magento stores"):
        await _call(world, scope, "magento_get_thing", {"thing_id": 1, "store": store})
    assert world.upstream.calls == []


async def test_a_store_of_another_platform_is_not_a_choice() -> None:
    world = World()
    scope = await _workspace(world, (MAGENTO_A, ""), (MAGENTO_B, "Outlet"))
    shopify = next(c for c in scope.connections if c.platform is Platform.SHOPIFY)
    with pytest.raises(InvalidArguments):
        await _call(world, scope, "magento_get_thing", {"thing_id": 1, "store": shopify.label})
    with pytest.raises(InvalidArguments):
        await _call(world, scope, "magento_get_thing", {"thing_id": 1, "store": str(shopify.id)})
    # Shopify has one store: its tools still take no store argument.
    output = await _call(world, scope, "shopify_get_thing", {"thing_id": 1})
    assert output.structured == {"store_ref": shopify.store_ref}


async def test_the_tool_model_never_sees_store_and_stays_strict() -> None:
    world = World()
    scope = await _workspace(world, (MAGENTO_A, ""), (MAGENTO_B, "Outlet"))
    with pytest.raises(InvalidArguments, match="stores"):
        await _call(world, scope, "magento_get_thing", {"thing_id": 1, "stores": "Outlet"})
    with pytest.raises(InvalidArguments, match="thing_id"):
        await _call(world, scope, "magento_get_thing", {"store": "Outlet", "thing_id": 0})
    assert world.upstream.calls == []


async def test_a_write_names_its_store_without_tripping_the_whitelist() -> None:
    world = World(writes_locked=frozenset())
    workspace, issued = await world.tenant(
        platforms=(), write_enabled=frozenset({Platform.MAGENTO})
    )
    await world.connect(workspace.id, Platform.MAGENTO, MAGENTO_A)
    await world.connect(workspace.id, Platform.MAGENTO, MAGENTO_B, display_name="Outlet")
    world.upstream.answer("magento_update_thing", echo_store)
    scope = await world.scope(issued.token)
    output = await _call(
        world, scope, "magento_update_thing", {"thing_id": 1, "title": "x", "store": "Outlet"}
    )
    assert output.structured == {"store_ref": MAGENTO_B}
    assert world.upstream.calls[0].arguments.model_dump(exclude_none=True) == {
        "thing_id": 1,
        "title": "x",
    }
    with pytest.raises(WriteFieldRejected):
        await _call(
            world,
            scope,
            "magento_update_thing",
            {"thing_id": 1, "password": "x", "store": "Outlet"},
        )
    assert len(world.upstream.calls) == 1


# --------------------------------------------------------------------------- zero stores


async def test_without_a_usable_store_the_tools_are_not_offered() -> None:
    world = World()
    workspace, issued = await world.tenant(platforms=(Platform.SHOPIFY,))
    broken = await world.connect(workspace.id, Platform.MAGENTO, MAGENTO_A)
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.connections.update(broken.with_status(ConnectionStatus.NEEDS_REAUTH))
    scope = await world.scope(issued.token)
    assert scope.stores(Platform.MAGENTO).labels == ()
    with pytest.raises(ToolNotAllowed):
        await _call(world, scope, "magento_get_thing", {"thing_id": 1, "store": MAGENTO_A})


def test_an_empty_choice_is_connection_unavailable() -> None:
    choice = StoreChoice(Platform.MAGENTO, ())
    with pytest.raises(ConnectionUnavailable):
        choice.resolve("magento_get_thing", None)


async def test_only_usable_connections_are_choices() -> None:
    world = World()
    workspace, issued = await world.tenant(platforms=())
    await world.connect(workspace.id, Platform.MAGENTO, MAGENTO_A)
    broken = await world.connect(workspace.id, Platform.MAGENTO, MAGENTO_B)
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.connections.update(broken.with_status(ConnectionStatus.NEEDS_REAUTH))
    world.upstream.answer("magento_get_thing", echo_store)
    scope = await world.scope(issued.token)
    choice = scope.stores(Platform.MAGENTO)
    assert (choice.labels, choice.required) == ((MAGENTO_A,), False)
    output = await _call(world, scope, "magento_get_thing", {"thing_id": 1})
    assert output.structured == {"store_ref": MAGENTO_A}
    with pytest.raises(InvalidArguments):
        await _call(world, scope, "magento_get_thing", {"thing_id": 1, "store": MAGENTO_B})


# --------------------------------------------------------------------------- labels


def test_a_label_is_the_display_name_else_the_store_reference() -> None:
    workspace_id = new_workspace_id()
    assert make_connection(workspace_id, Platform.MAGENTO, MAGENTO_A).label == MAGENTO_A
    named = make_connection(workspace_id, Platform.MAGENTO, MAGENTO_A, display_name="Main")
    assert named.label == "Main"


def test_labels_shared_by_rows_older_than_the_check_fall_back_to_ids() -> None:
    workspace_id = new_workspace_id()
    first = make_connection(workspace_id, Platform.MAGENTO, MAGENTO_A, display_name="Shop")
    second = make_connection(workspace_id, Platform.MAGENTO, MAGENTO_B, display_name="Shop")
    third = make_connection(workspace_id, Platform.MAGENTO, "https://c.shop.example")
    # StoreChoice keeps the order it is given (the repository's: oldest first).
    choice = StoreChoice.of(Platform.MAGENTO, [first, second, third])
    assert choice.labels == (str(first.id), str(second.id), third.store_ref)
    assert choice.resolve("magento_get_thing", str(second.id)) == second
    with pytest.raises(InvalidArguments):
        choice.resolve("magento_get_thing", "Shop")


# --------------------------------------------------------------------------- connecting


async def _connect(
    world: World, workspace_id: Any, platform: Platform, store_ref: str, display_name: str = ""
) -> Any:
    return await onboarding.connect_store(
        world.store,
        world.vault,
        world.clock,
        workspace_id,
        platform,
        store_ref,
        CredentialPayload({"access_token": "t"}),
        display_name,
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((MAGENTO_A, "Main"), (MAGENTO_B, "Main")),  # the same display name
        ((MAGENTO_A, ""), (MAGENTO_B, MAGENTO_A)),  # a display name that is another's ref
        ((MAGENTO_A, "Main"), (MAGENTO_B, "")),  # fine: distinct labels (control)
        ((MAGENTO_A, MAGENTO_B), (MAGENTO_B, "")),  # a ref that is another's display name
    ],
)
async def test_connecting_refuses_a_label_the_platform_already_has_and_only_that(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    world = World()
    workspace, _ = await world.tenant(platforms=(), plan=PlanTier.PORTFOLIO)
    await _connect(world, workspace.id, Platform.MAGENTO, *first)
    second_label = second[1] or second[0]
    first_label = first[1] or first[0]
    if second_label != first_label:
        await _connect(world, workspace.id, Platform.MAGENTO, *second)
        expected = 2
    else:
        with pytest.raises(DuplicateStoreLabel) as refused:
            await _connect(world, workspace.id, Platform.MAGENTO, *second)
        assert repr(first_label) in refused.value.message
        assert "display name" in refused.value.message
        expected = 1
    async with world.store.unit_of_work(workspace.id) as uow:
        assert len(await uow.connections.list()) == expected
        assert len(await uow.credentials.list()) == expected


async def test_the_same_label_on_another_platform_is_fine() -> None:
    world = World()
    workspace, _ = await world.tenant(platforms=())
    await _connect(world, workspace.id, Platform.MAGENTO, MAGENTO_A, "Main")
    await _connect(world, workspace.id, Platform.SHOPIFY, "main.myshopify.com", "Main")
    async with world.store.unit_of_work(workspace.id) as uow:
        assert {c.label for c in await uow.connections.list()} == {"Main"}


async def test_a_disabled_connection_still_holds_its_label() -> None:
    world = World()
    workspace, _ = await world.tenant(platforms=(), plan=PlanTier.PORTFOLIO)
    old = await _connect(world, workspace.id, Platform.MAGENTO, MAGENTO_A, "Main")
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.connections.update(old.with_status(ConnectionStatus.DISABLED))
    with pytest.raises(DuplicateStoreLabel):
        await _connect(world, workspace.id, Platform.MAGENTO, MAGENTO_B, "Main")


# --------------------------------------------------------------------------- schemas


def test_the_schema_gains_an_optional_store_with_one_label_and_a_required_one_with_two() -> None:
    base = read_spec(Platform.MAGENTO).input_schema()
    snapshot = repr(base)
    one = with_store_argument(base, "Magento", ("Main",))
    two = with_store_argument(base, "Magento", ("Main", "Outlet"))
    store = {
        "type": "string",
        "title": "Store",
        "description": "Which connected Magento store",
        "enum": ["Main"],
    }
    assert one["properties"]["store"] == store
    assert one["required"] == ["thing_id"]
    assert two["properties"]["store"]["enum"] == ["Main", "Outlet"]
    assert two["required"] == ["store", "thing_id"]
    for scoped in (one, two):
        assert scoped["properties"]["thing_id"] == base["properties"]["thing_id"]
        assert scoped["additionalProperties"] is False
    assert repr(base) == snapshot  # the tool's own schema is shared, never changed


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _DeclaresStore(_Strict):
    store: str


class _AliasesStore(_Strict):
    shop: str = Field(alias="store")


class _ChoosesStore(_Strict):
    shop: str = Field(validation_alias=AliasChoices("shop", "store"))


@pytest.mark.parametrize("model", [_DeclaresStore, _AliasesStore, _ChoosesStore])
def test_no_tool_input_model_may_declare_store(model: type[BaseModel]) -> None:
    spec = read_spec(Platform.MAGENTO)
    with pytest.raises(ValueError, match="may not declare 'store'"):
        attrs.evolve(spec, input_model=model)
