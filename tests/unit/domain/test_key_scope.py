"""Keys scoped to some connections: the scopes round-trip through their stored strings, and
the scope source leaves every other connection and its sealed credential out of the key's
scope record (a key without connection scopes sees them all)."""

from __future__ import annotations

from shopmcp_domain.ids import new_connection_id
from shopmcp_domain.keys import Access, KeyScopes, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.key_scope import ConnectionScopedSource
from tests.factories import NOW, World


def test_connection_scopes_round_trip() -> None:
    one, other = new_connection_id(), new_connection_id()
    scopes = KeyScopes(
        access=frozenset({Access.READ}),
        platforms=frozenset({Platform.SHOPIFY}),
        connections=frozenset({one}),
    )
    assert KeyScopes.from_strings(scopes.to_strings()) == scopes
    assert f"connection:{one}" in scopes.to_strings()
    assert scopes.permits_connection(one) and not scopes.permits_connection(other)
    assert KeyScopes().permits_connection(other)
    assert KeyScopes.from_strings(KeyScopes().to_strings()).connections is None


async def test_a_scoped_key_sees_only_its_connections() -> None:
    world = World()
    workspace, _ = await world.tenant(platforms=(Platform.SHOPIFY, Platform.BIGCOMMERCE))
    async with world.store.unit_of_work(workspace.id) as uow:
        shopify, bigcommerce = await uow.connections.list()
        scoped = issue_key(workspace.id, NOW, KeyScopes(connections=frozenset({shopify.id})))
        everything = issue_key(workspace.id, NOW)
        await uow.keys.add(scoped.key)
        await uow.keys.add(everything.key)
    assert KeyScopes.from_strings(scoped.key.scopes.to_strings()) == scoped.key.scopes
    source = ConnectionScopedSource(world.store)
    record = await source.load(scoped.key.prefix)
    assert record is not None
    assert [c.id for c in record.connections] == [shopify.id]
    assert set(record.credentials) == {shopify.credential_id}
    full = await source.load(everything.key.prefix)
    assert full is not None and {c.id for c in full.connections} == {shopify.id, bigcommerce.id}
    assert await source.load("nosuchprefix") is None
