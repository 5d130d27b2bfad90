"""The tool policy: connected platforms x read-only default x write opt-in x key scopes."""

import itertools

import pytest

from shopmcp_domain.connections import ConnectionStatus
from shopmcp_domain.errors import ToolNotAllowed, UnknownTool
from shopmcp_domain.keys import Access, KeyScopes
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.policy import tool_policy
from tests.factories import World, make_connection, make_workspace, sample_registry

READ_WRITE = KeyScopes(access=frozenset({Access.READ, Access.WRITE}))
READ_ONLY = KeyScopes(access=frozenset({Access.READ}))


async def test_read_only_by_default() -> None:
    world = World()
    _, issued = await world.tenant(platforms=(Platform.SHOPIFY, Platform.MAGENTO))
    scope = await world.scope(issued.token)
    assert scope.policy.names == {"shopify_get_thing", "magento_get_thing"}


async def test_write_tools_appear_only_for_the_opted_in_module() -> None:
    world = World()
    _, issued = await world.tenant(
        platforms=(Platform.SHOPIFY, Platform.MAGENTO),
        write_enabled=frozenset({Platform.SHOPIFY}),
    )
    scope = await world.scope(issued.token)
    assert scope.policy.names == {"shopify_get_thing", "shopify_update_thing", "magento_get_thing"}
    with pytest.raises(ToolNotAllowed, match="not enabled"):
        scope.policy.authorise("magento_update_thing")


async def test_tools_of_unconnected_platforms_are_neither_listed_nor_callable() -> None:
    world = World()
    _, issued = await world.tenant(platforms=(Platform.SHOPIFY,))
    scope = await world.scope(issued.token)
    with pytest.raises(ToolNotAllowed, match="no active bigcommerce connection"):
        scope.policy.authorise("bigcommerce_get_thing")
    with pytest.raises(UnknownTool):
        scope.policy.authorise("shopify_call_rest")


async def test_a_read_only_key_never_sees_writes_even_when_the_workspace_opted_in() -> None:
    world = World()
    _, issued = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}), scopes=READ_ONLY)
    scope = await world.scope(issued.token)
    assert scope.policy.names == {"shopify_get_thing"}
    with pytest.raises(ToolNotAllowed, match="no write access"):
        scope.policy.authorise("shopify_update_thing")


def _expected(
    platform: Platform,
    access: Access,
    connected: frozenset[Platform],
    write_enabled: frozenset[Platform],
    scopes: KeyScopes,
    active: bool,
) -> bool:
    return (
        active
        and platform in connected
        and access in scopes.access
        and (scopes.platforms is None or platform in scopes.platforms)
        and (access is Access.READ or platform in write_enabled)
    )


def test_policy_matches_its_specification_over_every_combination() -> None:
    """Enumerate the whole input space for three platforms and compare with the rule."""
    registry = sample_registry()
    platforms = (Platform.SHOPIFY, Platform.MAGENTO, Platform.BIGCOMMERCE)
    subsets = [frozenset(c) for n in range(4) for c in itertools.combinations(platforms, n)]
    scope_options = [
        KeyScopes(access=frozenset(a), platforms=p)
        for a in ({Access.READ}, {Access.WRITE}, {Access.READ, Access.WRITE}, set())
        for p in (None, frozenset({Platform.SHOPIFY}))
    ]
    checked = 0
    for connected, write_enabled, scopes, active in itertools.product(
        subsets, subsets, scope_options, (True, False)
    ):
        workspace = make_workspace(write_enabled=write_enabled)
        if not active:
            workspace = workspace.mark_pending_deletion()
        connections = [make_connection(workspace.id, p) for p in connected]
        policy = tool_policy(registry, workspace, connections, scopes)
        expected = {
            spec.name
            for spec in registry.values()
            if _expected(spec.platform, spec.access, connected, write_enabled, scopes, active)
        }
        assert policy.names == expected
        checked += 1
    assert checked == 8 * 8 * 8 * 2


def test_inactive_connections_do_not_count_as_connected() -> None:
    workspace = make_workspace()
    broken = make_connection(workspace.id, Platform.SHOPIFY).with_status(
        ConnectionStatus.NEEDS_REAUTH
    )
    policy = tool_policy(sample_registry(), workspace, [broken], READ_WRITE)
    assert policy.names == frozenset()
