"""The domain's credential lease over the real vaults and the in-memory tenant store: the
re-seal path for providers that rotate credentials (Xero rotates its refresh token on use)."""

from __future__ import annotations

import asyncio

from shopmcp_adapters.memory import InMemoryTenantStore
from shopmcp_domain.credentials import CredentialPayload
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


async def test_concurrent_rotations_call_the_refresher_once(case: VaultCase) -> None:
    world, first, second = await setup(case)
    stale = await first.current()
    assert stale == await second.current()
    calls: list[CredentialPayload] = []

    async def refresh(old: CredentialPayload) -> CredentialPayload:
        calls.append(old)
        await asyncio.sleep(0.01)  # a slow token endpoint: the other request queues meanwhile
        return old.replace(access_token=f"refresh-v{len(calls) + 1}")

    results = await asyncio.gather(
        first.rotate(refresh, stale), second.rotate(refresh, stale), first.rotate(refresh, stale)
    )
    assert len(calls) == 1
    assert calls[0] == stale
    assert {r["access_token"] for r in results} == {"refresh-v2"}

    # Stored re-sealed (a fresh data key), readable by a brand-new request with a cold cache.
    case.vault.cache.clear()
    third = VaultCredentialLease(first._connection, case.vault, world.store)
    assert (await third.current())["access_token"] == "refresh-v2"


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
