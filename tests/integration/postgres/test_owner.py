"""The owner side beyond the port suite: the credential re-wrap source and the owner pool's
identity."""

from __future__ import annotations

import attrs

from shopmcp_adapters.postgres import Database
from shopmcp_domain.credentials import SealedCredential
from shopmcp_domain.ids import CredentialId
from tests.ports.tenant_store import Ports, connection_for, sealed_for


async def test_rewrap_source_pages_across_workspaces_and_swaps_only_unchanged_keys(
    database: Database,
) -> None:
    ports = Ports("postgres", database.tenants, database.runtime, database.owner, database.runtime)
    a, b = await ports.new_workspace(), await ports.new_workspace()
    mine = []
    for workspace in (a, b, a):
        sealed = sealed_for(workspace.id)
        async with database.tenants.unit_of_work(workspace.id) as uow:
            await uow.connections.add(connection_for(workspace.id, sealed), sealed)
        mine.append(sealed)

    total = await database.owner.count()
    seen: list[SealedCredential] = []
    cursor: CredentialId | None = None
    while page := await database.owner.iter_credentials(cursor, 2):
        assert len(page) <= 2
        seen += page
        cursor = page[-1].id
    assert len(seen) == total >= 3
    assert [s.id for s in seen] == sorted(s.id for s in seen)
    assert {s.id: s for s in seen if s.id in {m.id for m in mine}} == {m.id: m for m in mine}

    target = mine[1]
    assert (
        await database.owner.replace_wrapped_key(
            target.id, target.workspace_id, b"rewrapped", "kms:new", expected_wrapped_dek=b"stale"
        )
        is False
    )
    assert (
        await database.owner.replace_wrapped_key(
            target.id,
            target.workspace_id,
            b"rewrapped",
            "kms:new",
            expected_wrapped_dek=target.wrapped_dek,
        )
        is True
    )
    # The wrong workspace for the id matches nothing.
    assert (
        await database.owner.replace_wrapped_key(
            target.id, a.id, b"x", "kms:x", expected_wrapped_dek=b"rewrapped"
        )
        is False
    )
    async with database.tenants.unit_of_work(b.id) as uow:
        stored = await uow.credentials.get(target.id)
    assert stored == attrs.evolve(target, wrapped_dek=b"rewrapped", kms_key_id="kms:new")


async def test_owner_pool_runs_as_the_owner_role_even_after_reuse(database: Database) -> None:
    for _ in range(3):
        async with database.owner_pool.acquire() as conn:
            assert await conn.fetchval("select current_user") == "shopmcp_owner"
            assert await conn.fetchval("select session_user") != "shopmcp_tenant"
