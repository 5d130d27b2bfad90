"""The CredentialLease port's suite: a connection's credential for one request, rotated with
per-connection serialisation.

Run on ``FakeLease`` and on the domain's ``VaultCredentialLease`` over the in-memory store
with the fake and the real vaults (``tests/unit/vault``), and on ``VaultCredentialLease`` over
PostgreSQL and KMS (``tests/integration/vault``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import attrs
import pytest

from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import ReauthorizationRequired
from shopmcp_domain.ids import new_connection_id, new_credential_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    CredentialLease,
    CredentialVault,
    TenantRepository,
)
from shopmcp_domain.services.credentials import VaultCredentialLease
from tests.factories import NOW, make_workspace

INITIAL = CredentialPayload({"access_token": "refresh-v1", "refresh_token": "rt-1"})


@attrs.define
class LeasePort:
    """Leases on one stored credential (initially ``INITIAL``)."""

    name: str
    lease: Callable[[], CredentialLease]  # the lease of one more request on the connection
    stored: Callable[[], Awaitable[CredentialPayload]]  # what is stored now, read afresh


async def vault_lease_port(
    name: str,
    tenants: TenantRepository,
    vault: CredentialVault,
    forget: Callable[[], None],
    lease_tenants: TenantRepository | None = None,
) -> LeasePort:
    """``VaultCredentialLease`` on a fresh workspace's connection in ``tenants``; ``forget``
    drops the vault's cached data keys, so ``stored`` reads as a new process would. The lease
    works through ``lease_tenants`` when given (the MCP runtime's own, narrower role)."""
    workspace = make_workspace()
    connection = Connection(
        id=new_connection_id(),
        workspace_id=workspace.id,
        platform=Platform.XERO,
        store_ref=f"tenant-{workspace.id}",
        credential_id=new_credential_id(),
        created_at=NOW,
    )
    context = EncryptionContext(workspace.id, connection.credential_id)
    sealed = await vault.seal(context, INITIAL)
    async with tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.connections.add(connection, sealed)

    async def stored() -> CredentialPayload:
        forget()
        async with tenants.unit_of_work(workspace.id) as uow:
            row = await uow.credentials.get(connection.credential_id)
        assert row is not None
        return await vault.open(context, row)

    return LeasePort(
        name=name,
        lease=lambda: VaultCredentialLease(connection, vault, lease_tenants or tenants),
        stored=stored,
    )


class Refresher:
    """A token endpoint: slow enough that concurrent requests queue behind it, counting calls."""

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.calls: list[CredentialPayload] = []
        self.fail_with = fail_with

    async def __call__(self, old: CredentialPayload) -> CredentialPayload:
        self.calls.append(old)
        await asyncio.sleep(0.01)
        if self.fail_with is not None:
            raise self.fail_with
        return old.replace(access_token=f"refresh-v{len(self.calls) + 1}")


class CredentialLeaseSuite:
    async def test_current_is_the_stored_credential(self, case: LeasePort) -> None:
        lease = case.lease()
        assert await lease.current() == INITIAL
        assert await lease.current() == INITIAL

    async def test_a_rotation_stores_what_the_refresher_returns(self, case: LeasePort) -> None:
        lease = case.lease()
        stale = await lease.current()
        refresh = Refresher()
        fresh = await lease.rotate(refresh, stale)
        assert refresh.calls == [stale]
        assert fresh == INITIAL.replace(access_token="refresh-v2")
        assert await lease.current() == fresh
        assert await case.stored() == fresh
        assert await case.lease().current() == fresh  # the next request reads it

    async def test_concurrent_rotations_call_the_refresher_once(self, case: LeasePort) -> None:
        first, second, third = case.lease(), case.lease(), case.lease()
        stale = await first.current()
        assert stale == await second.current()
        refresh = Refresher()
        results = await asyncio.gather(
            first.rotate(refresh, stale),
            second.rotate(refresh, stale),
            first.rotate(refresh, stale),
            third.rotate(refresh, stale),
        )
        assert refresh.calls == [stale]
        assert {r["access_token"] for r in results} == {"refresh-v2"}
        # Stored, and readable by a brand-new request (with a cold cache where there is one).
        assert (await case.stored())["access_token"] == "refresh-v2"
        assert (await case.lease().current())["access_token"] == "refresh-v2"

    async def test_a_rotation_that_lost_the_race_returns_the_winner_without_refreshing(
        self, case: LeasePort
    ) -> None:
        early, late = case.lease(), case.lease()
        stale = await early.current()
        assert await late.current() == stale
        winner = await early.rotate(Refresher(), stale)
        refresh = Refresher()
        assert await late.rotate(refresh, stale) == winner
        assert refresh.calls == []
        assert await case.stored() == winner

    async def test_a_failed_refresh_stores_nothing_and_can_be_retried(
        self, case: LeasePort
    ) -> None:
        lease = case.lease()
        stale = await lease.current()
        with pytest.raises(ConnectionError, match="token endpoint down"):
            await lease.rotate(Refresher(fail_with=ConnectionError("token endpoint down")), stale)
        assert await case.stored() == INITIAL
        retried = await case.lease().rotate(Refresher(), stale)
        assert retried["access_token"] == "refresh-v2"
        assert await case.stored() == retried

    async def test_a_refused_grant_is_asked_about_once_and_then_refused_at_once(
        self, case: LeasePort
    ) -> None:
        leases = [case.lease() for _ in range(5)]
        stale = [await lease.current() for lease in leases]
        refresh = Refresher(fail_with=ReauthorizationRequired("xero"))
        outcomes = await asyncio.gather(
            *(lease.rotate(refresh, old) for lease, old in zip(leases, stale, strict=True)),
            return_exceptions=True,
        )
        assert all(isinstance(o, ReauthorizationRequired) for o in outcomes), outcomes
        assert len(refresh.calls) == 1
        # The connection is marked: a later request is refused without asking the provider.
        later = Refresher()
        with pytest.raises(ReauthorizationRequired, match="xero connection unavailable"):
            await case.lease().rotate(later, INITIAL)
        assert later.calls == []
        assert await case.stored() == INITIAL
