"""Enabling a per-store library entry builds it from the workspace's stores: only the connected
platforms' steps, once per store when a platform has several, without the platforms whose
tools the caller may not use; none left (or too many stores) is refused with the reason."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.errors import NotFound, PlaybookInvalid
from shopmcp_domain.ids import WorkspaceId, new_workspace_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_library import LIBRARY
from shopmcp_domain.playbook_steps import FilterStep, ToolStep
from shopmcp_domain.services import playbooks as use_cases
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.stores import STORE_ARGUMENT
from tests.factories import World

REGISTRY = ToolRegistry(spec for package in PACKAGES for spec in package.tools.specs)
KNOWN = use_cases.registry_tool_problem(REGISTRY)


async def _enable(
    world: World,
    workspace: WorkspaceId,
    key: str,
    connections: Sequence[Connection] | None = None,
) -> list[str]:
    saved = await use_cases.enable_builtin(
        world.store, world.clock, workspace, key, KNOWN, connections=connections
    )
    stored = await use_cases.get_playbook(world.store, saved.workspace_id, key)
    assert stored == saved
    return [step.id for step in saved.steps]


async def test_only_the_connected_platforms_steps_are_stored() -> None:
    world = World(registry=REGISTRY)
    workspace, _ = await world.tenant(platforms=(Platform.NETO,))
    assert await _enable(world, workspace.id, "low-stock") == ["neto_products", "neto_low"]
    saved = await use_cases.get_playbook(world.store, workspace.id, "low-stock")
    assert saved.builtin == "low-stock"
    assert saved.description.endswith("Stores: neto.")


async def test_every_connected_store_platform_is_included_in_the_library_order() -> None:
    world = World(registry=REGISTRY)
    workspace, _ = await world.tenant(
        platforms=(Platform.NETO, Platform.XERO, Platform.SHOPIFY, Platform.GOOGLE)
    )
    assert await _enable(world, workspace.id, "daily-sales-digest") == ["shopify", "neto"]


async def test_none_connected_is_refused_with_each_reason() -> None:
    world = World(registry=REGISTRY)
    workspace, _ = await world.tenant(platforms=(Platform.XERO,))
    with pytest.raises(PlaybookInvalid) as refused:
        await _enable(world, workspace.id, "slow-movers")
    assert refused.value.problems == (
        "slow-movers needs a connected store of shopify, magento whose tools it may use",
        "shopify: not connected",
        "magento: not connected",
        "the workspace's connected platforms: xero",
    )
    # A platform the entry has no steps for does not count: Neto has no slow movers.
    neto, _ = await world.tenant(platforms=(Platform.NETO,))
    with pytest.raises(PlaybookInvalid, match=r"connected platforms: neto$"):
        await _enable(world, neto.id, "slow-movers")
    assert [p.name for p in await use_cases.list_playbooks(world.store, neto.id)] == []


async def test_a_disabled_store_does_not_count() -> None:
    world = World(registry=REGISTRY)
    workspace, _ = await world.tenant(platforms=(Platform.SHOPIFY, Platform.MAGENTO))
    async with world.store.unit_of_work(workspace.id) as uow:
        [magento] = [c for c in await uow.connections.list() if c.platform is Platform.MAGENTO]
        await uow.connections.set_status(magento.id, ConnectionStatus.DISABLED)
    assert await _enable(world, workspace.id, "low-stock") == ["shopify_products", "shopify_low"]


async def test_several_stores_of_a_platform_get_their_steps_each_naming_the_store() -> None:
    world = World(registry=REGISTRY)
    workspace, _ = await world.tenant(platforms=(Platform.BIGCOMMERCE,))
    await world.connect(workspace.id, Platform.SHOPIFY, "one.myshopify.com", display_name="AU")
    await world.connect(workspace.id, Platform.SHOPIFY, "two.myshopify.com")
    ids = await _enable(world, workspace.id, "low-stock")
    assert ids == [
        "shopify_products_1",
        "shopify_low_1",
        "shopify_products_2",
        "shopify_low_2",
        "bigcommerce_products",
        "bigcommerce_low",
    ]
    saved = await use_cases.get_playbook(world.store, workspace.id, "low-stock")
    steps = {s.id: s for s in saved.steps}
    first, second = steps["shopify_products_1"], steps["shopify_products_2"]
    assert isinstance(first, ToolStep) and isinstance(second, ToolStep)
    assert first.arguments == {"first": 50, STORE_ARGUMENT: "AU"}
    assert second.arguments == {"first": 50, STORE_ARGUMENT: "two.myshopify.com"}
    low = steps["shopify_low_2"]
    assert isinstance(low, FilterStep) and low.source == "steps.shopify_products_2.products"
    bigcommerce = steps["bigcommerce_products"]
    assert isinstance(bigcommerce, ToolStep) and STORE_ARGUMENT not in bigcommerce.arguments
    assert "Stores: shopify (AU, two.myshopify.com), bigcommerce." in saved.description


async def test_more_stores_than_a_playbook_holds_is_refused_clearly() -> None:
    world = World(registry=REGISTRY)
    workspace, _ = await world.tenant(platforms=())
    for n in range(6):  # refunds-over-threshold: four steps a store
        await world.connect(workspace.id, Platform.MAGENTO, f"https://m{n}.example")
    with pytest.raises(PlaybookInvalid, match="24 steps; a playbook has at most 20"):
        await _enable(world, workspace.id, "refunds-over-threshold")


async def test_the_callers_tools_decide_too() -> None:
    """From the chat, a key's policy: a platform whose tools it may not call is left out."""
    world = World(registry=REGISTRY)
    workspace, _ = await world.tenant(platforms=(Platform.SHOPIFY, Platform.MAGENTO))

    def no_shopify(name: str) -> str | None:
        return "not available to this key" if name.startswith("shopify_") else KNOWN(name)

    saved = await use_cases.enable_builtin(
        world.store, world.clock, workspace.id, "customers-at-risk", no_shopify
    )
    assert {s.id.split("_")[0] for s in saved.steps} == {"magento"}

    def nothing(name: str) -> str | None:
        return "not available to this key"

    with pytest.raises(PlaybookInvalid) as refused:
        await use_cases.enable_builtin(world.store, world.clock, workspace.id, "low-stock", nothing)
    assert "shopify: not available to this key" in refused.value.problems
    assert "bigcommerce: not connected" in refused.value.problems


async def test_the_callers_connections_when_given_are_the_stores() -> None:
    world = World(registry=REGISTRY)
    workspace, _ = await world.tenant(platforms=(Platform.SHOPIFY, Platform.NETO))
    async with world.store.unit_of_work(workspace.id) as uow:
        neto = [c for c in await uow.connections.list() if c.platform is Platform.NETO]
    ids = await _enable(world, workspace.id, "daily-sales-digest", connections=neto)
    assert ids == ["neto"]


async def test_a_fixed_entry_is_stored_as_listed_and_an_unknown_key_is_not_found() -> None:
    world = World(registry=REGISTRY)
    workspace, _ = await world.tenant(platforms=())
    await _enable(world, workspace.id, "reconcile-neto-xero")
    saved = await use_cases.get_playbook(world.store, workspace.id, "reconcile-neto-xero")
    assert list(saved.steps) == LIBRARY["reconcile-neto-xero"].steps
    with pytest.raises(NotFound, match="library playbook"):
        await _enable(world, workspace.id, "reconcile-woo-xero")
    with pytest.raises(NotFound, match="workspace"):
        await _enable(world, new_workspace_id(), "low-stock")
