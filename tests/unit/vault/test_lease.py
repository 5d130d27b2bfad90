"""The domain's credential lease over the real vaults and the in-memory tenant store: what a
rotation does to the stored envelope. (What every lease promises, concurrency included, is the
port suite's: ``tests/ports/lease.py``.)"""

from __future__ import annotations

import attrs
import pytest

from shopmcp_adapters.memory import InMemoryTenantStore
from shopmcp_adapters.memory import tenants as memory_tenants
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ports import Refresher
from shopmcp_domain.services.credentials import VaultCredentialLease
from tests.factories import World
from tests.unit.vault.conftest import VaultCase


async def setup(case: VaultCase) -> tuple[World, VaultCredentialLease, VaultCredentialLease]:
    world = World(clock=case.clock, store=InMemoryTenantStore())
    world.vault = case.vault  # type: ignore[assignment]
    workspace, _ = await world.tenant(secret="refresh-v1")
    async with world.store.unit_of_work(workspace.id) as uow:
        [connection] = await uow.connections.list()
    return (
        world,
        VaultCredentialLease(connection, case.vault, world.store),
        VaultCredentialLease(connection, case.vault, world.store),
    )


async def test_rotation_reseals_under_a_fresh_data_key(case: VaultCase) -> None:
    world, lease, _ = await setup(case)
    connection = lease._connection
    async with world.store.unit_of_work(connection.workspace_id) as uow:
        before = await uow.credentials.get(connection.credential_id)
    stale = await lease.current()

    async def refresh(old: CredentialPayload) -> CredentialPayload:
        return old.replace(access_token="next")

    await lease.rotate(refresh, stale)
    async with world.store.unit_of_work(connection.workspace_id) as uow:
        after = await uow.credentials.get(connection.credential_id)
    assert before is not None and after is not None
    assert after.wrapped_dek != before.wrapped_dek
    assert after.ciphertext != before.ciphertext
    assert after.id == before.id and after.workspace_id == before.workspace_id
    assert (await case.vault.open(after.context, after))["access_token"] == "next"


def refresh_to(value: str) -> Refresher:
    async def refresh(old: CredentialPayload) -> CredentialPayload:
        return old.replace(access_token=value)

    return refresh


async def rows(world: World, connection: Connection) -> tuple[Connection, SealedCredential]:
    async with world.store.unit_of_work(connection.workspace_id) as uow:
        stored = await uow.connections.get(connection.id)
        sealed = await uow.credentials.get(connection.credential_id)
    assert stored is not None and sealed is not None
    return stored, sealed


async def test_each_rotation_seals_the_next_generation_and_records_it(case: VaultCase) -> None:
    world, lease, _ = await setup(case)
    connection = lease._connection
    for generation in (2, 3):
        stale = await lease.current()
        await lease.rotate(refresh_to(f"refresh-v{generation}"), stale)
        stored, sealed = await rows(world, connection)
        assert sealed.generation == stored.credential_generation == generation
    # A brand-new request opens it against the connection row's generation.
    case.vault.cache.clear()
    fresh = VaultCredentialLease(stored, case.vault, world.store)
    assert (await fresh.current())["access_token"] == "refresh-v3"


async def test_a_rotated_credential_rolled_back_to_its_previous_sealing_is_refused(
    case: VaultCase,
) -> None:
    world, lease, _ = await setup(case)
    connection = lease._connection
    _, previous = await rows(world, connection)
    await lease.rotate(refresh_to("refresh-v2"), await lease.current())
    # A database writer puts the previous sealing (a genuine envelope) back into the row.
    async with world.store.unit_of_work(connection.workspace_id) as uow:
        await uow.credentials.replace(previous)
    stored, _ = await rows(world, connection)
    for cache in ("warm", "cold"):
        if cache == "cold":
            case.vault.cache.clear()
        with pytest.raises(CredentialUnavailable):
            await VaultCredentialLease(stored, case.vault, world.store).current()
        # Also when the scope handed the lease the rolled-back row it read.
        with pytest.raises(CredentialUnavailable):
            await VaultCredentialLease(stored, case.vault, world.store, previous).current()
    # And a rotation does not build on it either.
    with pytest.raises(CredentialUnavailable):
        await VaultCredentialLease(stored, case.vault, world.store).rotate(
            refresh_to("refresh-v3"), CredentialPayload({"access_token": "refresh-v2"})
        )


async def test_a_relabelled_generation_is_refused(case: VaultCase) -> None:
    world, lease, _ = await setup(case)
    connection = lease._connection
    _, previous = await rows(world, connection)
    await lease.rotate(refresh_to("refresh-v2"), await lease.current())
    # The previous sealing written back with the generation number edited to pass the check.
    async with world.store.unit_of_work(connection.workspace_id) as uow:
        await uow.credentials.replace(attrs.evolve(previous, generation=2))
    stored, _ = await rows(world, connection)
    case.vault.cache.clear()
    with pytest.raises(CredentialUnavailable):
        await VaultCredentialLease(stored, case.vault, world.store).current()


async def test_a_raised_connection_generation_refuses_the_current_sealing(
    case: VaultCase,
) -> None:
    world, lease, _ = await setup(case)
    connection = lease._connection
    async with world.store.unit_of_work(connection.workspace_id) as uow:
        await uow.connections.advance_credential_generation(connection.id, 2)
    stored, _ = await rows(world, connection)
    with pytest.raises(CredentialUnavailable):
        await VaultCredentialLease(stored, case.vault, world.store).current()


async def test_a_lease_from_before_a_rotation_still_opens_the_new_sealing(
    case: VaultCase,
) -> None:
    _, first, second = await setup(case)
    stale = await first.current()
    await first.rotate(refresh_to("refresh-v2"), stale)
    # ``second`` was built from the connection as it was before (generation 1).
    assert second._connection.credential_generation == 1
    assert (await second.current())["access_token"] == "refresh-v2"
    # Its rotation finds the newer sealing, opens it and uses it rather than refreshing.
    refreshed = await second.rotate(refresh_to("never"), stale)
    assert refreshed["access_token"] == "refresh-v2"
    assert second._connection.credential_generation == 2


async def test_rotation_writes_both_rows_or_neither(
    case: VaultCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, lease, _ = await setup(case)
    connection = lease._connection
    stale = await lease.current()

    async def failing_write(self: object, connection_id: object, generation: int) -> None:
        raise RuntimeError("the connection row could not be written")

    monkeypatch.setattr(memory_tenants._Connections, "advance_credential_generation", failing_write)
    with pytest.raises(RuntimeError):
        await lease.rotate(refresh_to("refresh-v2"), stale)
    monkeypatch.undo()
    stored, sealed = await rows(world, connection)
    assert (sealed.generation, stored.credential_generation) == (1, 1)
    assert (await case.vault.open(stored.credential_context, sealed)) == stale
