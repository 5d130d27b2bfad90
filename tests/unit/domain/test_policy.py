"""The tool policy: connected platforms x read-only default x write opt-in x key scopes."""

import itertools

import pytest

from shopmcp_domain.connections import ConnectionStatus
from shopmcp_domain.errors import (
    ToolNotAllowed,
    UnknownTool,
)
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
    world = World(writes_locked=frozenset())  # the operator has unlocked Magento's writes
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
        policy = tool_policy(registry, workspace, connections, scopes, writes_locked=frozenset())
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
    policy = tool_policy(
        sample_registry(), workspace, [broken], READ_WRITE, writes_locked=frozenset()
    )
    assert policy.names == frozenset()


# --------------------------------------------------------------------------- operator write lock


async def test_a_locked_platform_hides_its_writes_whatever_the_opt_in_says() -> None:
    world = World()  # nothing unlocked: Magento's writes are locked
    _, issued = await world.tenant(
        platforms=(Platform.SHOPIFY, Platform.MAGENTO),
        write_enabled=frozenset({Platform.SHOPIFY, Platform.MAGENTO}),
    )
    scope = await world.scope(issued.token)
    assert scope.policy.names == {"shopify_get_thing", "shopify_update_thing", "magento_get_thing"}
    with pytest.raises(ToolNotAllowed, match="operator has locked write tools for magento"):
        scope.policy.authorise("magento_update_thing")


def _lock_refusal(locked: bool, opted_in: bool, scopes: KeyScopes) -> str | None:
    """What the lock rule says of magento_update_thing (connected, active workspace)."""
    if Access.WRITE not in scopes.access:
        return "no write access"
    if locked:
        return "operator has locked write tools for magento"
    if not opted_in:
        return "not enabled for this workspace"
    return None


@pytest.mark.parametrize("locked", [True, False], ids=["locked", "unlocked"])
@pytest.mark.parametrize("opted_in", [True, False], ids=["opted-in", "not-opted-in"])
@pytest.mark.parametrize("scopes", [READ_ONLY, READ_WRITE], ids=["read-only-key", "read-write-key"])
def test_operator_lock_x_opt_in_x_key_scope(
    locked: bool, opted_in: bool, scopes: KeyScopes
) -> None:
    """A write tool is listed only when the platform is unlocked, the workspace opted in and
    the key may write; otherwise the refusal names the first rule that hides it."""
    registry = sample_registry()
    workspace = make_workspace(
        write_enabled=frozenset({Platform.MAGENTO}) if opted_in else frozenset()
    )
    connections = [make_connection(workspace.id, p) for p in Platform]
    policy = tool_policy(
        registry,
        workspace,
        connections,
        scopes,
        writes_locked=frozenset({Platform.MAGENTO}) if locked else frozenset(),
    )
    refusal = _lock_refusal(locked, opted_in, scopes)
    if refusal is None:
        assert policy.authorise("magento_update_thing").name == "magento_update_thing"
        assert "magento_update_thing" in policy.names
    else:
        assert "magento_update_thing" not in policy.names
        with pytest.raises(ToolNotAllowed, match=refusal):
            policy.authorise("magento_update_thing")
    # The lock is per platform: it never touches reads, nor another platform's writes.
    assert "magento_get_thing" in policy.names
    assert ("shopify_update_thing" in policy.names) is False  # shopify never opted in here


def test_policy_with_a_lock_matches_its_specification_over_every_combination() -> None:
    """The whole space again, with every locked set: a locked platform's writes are hidden,
    and nothing else changes."""
    registry = sample_registry()
    platforms = (Platform.SHOPIFY, Platform.MAGENTO, Platform.BIGCOMMERCE)
    subsets = [frozenset(c) for n in range(4) for c in itertools.combinations(platforms, n)]
    scope_options = [
        KeyScopes(access=frozenset(a), platforms=p)
        for a in ({Access.READ}, {Access.WRITE}, {Access.READ, Access.WRITE})
        for p in (None, frozenset({Platform.MAGENTO}))
    ]
    checked = 0
    for locked, write_enabled, scopes in itertools.product(subsets, subsets, scope_options):
        workspace = make_workspace(write_enabled=write_enabled)
        connections = [make_connection(workspace.id, p) for p in platforms]
        policy = tool_policy(registry, workspace, connections, scopes, writes_locked=locked)
        expected = {
            spec.name
            for spec in registry.values()
            if _expected(
                spec.platform, spec.access, frozenset(platforms), write_enabled, scopes, True
            )
            and not (spec.access is Access.WRITE and spec.platform in locked)
        }
        assert policy.names == expected
        for name in set(registry) - expected:
            with pytest.raises(ToolNotAllowed):
                policy.authorise(name)
        checked += 1
    assert checked == 8 * 8 * 6
