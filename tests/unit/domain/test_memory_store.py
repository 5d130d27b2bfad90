"""The in-memory tenant store through the product's own setup (``World.tenant``); the port
suite both stores pass is ``tests/ports/tenant_store.py``."""

import pytest

from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import (
    Conflict,
    CrossTenantWrite,
)
from shopmcp_domain.platforms import Platform
from tests.factories import NOW, World, make_connection, make_workspace


async def test_a_unit_of_work_that_raises_leaves_nothing_behind() -> None:
    world = World()
    workspace = make_workspace()
    with pytest.raises(RuntimeError):
        async with world.store.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
            raise RuntimeError("boom")
    async with world.store.unit_of_work(workspace.id) as uow:
        assert await uow.workspaces.get() is None


async def test_writing_another_workspaces_row_is_refused() -> None:
    world = World()
    workspace_a, _ = await world.tenant()
    workspace_b, _ = await world.tenant()
    connection = make_connection(workspace_b.id, Platform.MAGENTO)
    sealed = await world.vault.seal(
        EncryptionContext(workspace_b.id, connection.credential_id),
        CredentialPayload({"access_token": "x"}),
    )
    async with world.store.unit_of_work(workspace_a.id) as uow:
        with pytest.raises(CrossTenantWrite):
            await uow.connections.add(connection, sealed)
        with pytest.raises(CrossTenantWrite):
            await uow.workspaces.update(workspace_b)


async def test_units_of_work_see_only_their_own_workspace() -> None:
    world = World()
    workspace_a, _ = await world.tenant(platforms=(Platform.SHOPIFY,))
    await world.tenant(platforms=(Platform.MAGENTO, Platform.SHOPIFY))
    async with world.store.unit_of_work(workspace_a.id) as uow:
        assert (await uow.workspaces.get()).id == workspace_a.id  # type: ignore[union-attr]
        assert [c.workspace_id for c in await uow.connections.list()] == [workspace_a.id]
        assert len(await uow.keys.list()) == 1


async def test_deleting_a_connection_shreds_its_credential() -> None:
    world = World()
    workspace, _ = await world.tenant()
    async with world.store.unit_of_work(workspace.id) as uow:
        [connection] = await uow.connections.list()
        assert await uow.connections.delete(connection.id)
        assert await uow.credentials.get(connection.credential_id) is None
        assert not await uow.connections.delete(connection.id)


async def test_the_same_store_cannot_be_connected_twice_in_one_workspace() -> None:
    world = World()
    workspace, _ = await world.tenant(platforms=())
    first = make_connection(workspace.id, Platform.SHOPIFY)
    second = make_connection(workspace.id, Platform.SHOPIFY)
    async with world.store.unit_of_work(workspace.id) as uow:
        for connection in (first, second):
            sealed = await world.vault.seal(
                EncryptionContext(workspace.id, connection.credential_id),
                CredentialPayload({"access_token": "x"}),
            )
            if connection is first:
                await uow.connections.add(connection, sealed)
            else:
                with pytest.raises(Conflict):
                    await uow.connections.add(connection, sealed)


async def test_revoked_keys_stay_revoked() -> None:
    world = World()
    workspace, issued = await world.tenant()
    async with world.store.unit_of_work(workspace.id) as uow:
        assert await uow.keys.revoke(issued.key.id, NOW)
        assert not await uow.keys.revoke(issued.key.id, NOW)
    found = await world.store.load(issued.key.prefix)
    assert found is not None and found.key.is_revoked
