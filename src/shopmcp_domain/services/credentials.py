"""Credential leases: a connection's credential, opened on first use within one request and
rotated (for providers whose tokens rotate on refresh) with per-connection serialisation.

A refresher that raises ``ReauthorizationRequired`` (the provider's ``invalid_grant``) marks the
connection ``needs_reauth`` in the same transaction, which commits; a rotation of a connection
so marked raises it at once, without calling the refresher: one refusal per dead grant.

Every re-seal is one generation higher, and the connection row records it in the same unit of
work: the credential is always opened against the generation its connection row records, so an
older sealing written back into the credential row is refused (see
:mod:`shopmcp_domain.credentials`).
"""

from __future__ import annotations

import asyncio
import weakref

import attrs

from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.credentials import CredentialPayload, SealedCredential
from shopmcp_domain.errors import (
    CredentialUnavailable,
    ReauthorizationRequired,
)
from shopmcp_domain.ids import ConnectionId
from shopmcp_domain.ports import (
    CredentialVault,
    Refresher,
    TenantRepository,
)

# In-process half of "serialise refreshes per connection": the row lock taken in the unit of
# work serialises across processes; this lock stops one process queueing many requests on it.
_refresh_locks: weakref.WeakValueDictionary[ConnectionId, asyncio.Lock] = (
    weakref.WeakValueDictionary()
)


def _lock_for(connection_id: ConnectionId) -> asyncio.Lock:
    lock = _refresh_locks.get(connection_id)
    if lock is None:
        lock = asyncio.Lock()
        _refresh_locks[connection_id] = lock
    return lock


class VaultCredentialLease:
    """Implements :class:`~shopmcp_domain.ports.CredentialLease` over the vault and the tenant
    store. Holds plaintext only for the life of one request scope."""

    def __init__(
        self,
        connection: Connection,
        vault: CredentialVault,
        tenants: TenantRepository,
        sealed: SealedCredential | None = None,
    ) -> None:
        self._connection = connection
        self._vault = vault
        self._tenants = tenants
        # Fetched with the request's scope when available: saves a transaction per call.
        self._sealed = (
            sealed if sealed is not None and sealed.id == connection.credential_id else None
        )
        self._payload: CredentialPayload | None = None

    def __repr__(self) -> str:
        opened = self._payload is not None
        return f"VaultCredentialLease(connection={self._connection.id}, opened={opened})"

    async def current(self) -> CredentialPayload:
        if self._payload is None:
            sealed = self._sealed
            if sealed is None:
                async with self._tenants.unit_of_work(self._connection.workspace_id) as uow:
                    sealed = await uow.credentials.get(self._connection.credential_id)
            if sealed is None:
                raise CredentialUnavailable()
            self._payload = await self._vault.open(self._connection.credential_context, sealed)
        return self._payload

    async def rotate(self, refresh: Refresher, stale: CredentialPayload) -> CredentialPayload:
        revoked: ReauthorizationRequired | None = None
        async with _lock_for(self._connection.id):
            async with self._tenants.unit_of_work(self._connection.workspace_id) as uow:
                sealed = await uow.credentials.get(self._connection.credential_id, for_update=True)
                # Read after the lock: the generation recorded by the last rotation to commit.
                connection = await uow.connections.get(self._connection.id)
                if (
                    sealed is None
                    or connection is None
                    or connection.credential_id != self._connection.credential_id
                ):
                    raise CredentialUnavailable()
                stored = await self._vault.open(connection.credential_context, sealed)
                if stored != stale:
                    # Someone else refreshed (or the merchant reconnected) while we waited.
                    self._connection = connection
                    self._sealed = sealed
                    self._payload = stored
                    return stored
                if connection.status is ConnectionStatus.NEEDS_REAUTH:
                    # A refresh already found the grant dead: another would only be refused.
                    raise ReauthorizationRequired(connection.platform.value)
                try:
                    fresh = await refresh(stored)
                except ReauthorizationRequired as error:
                    # Recorded in this transaction, which commits: every later request sees
                    # the connection needs the merchant, and nothing asks the provider again.
                    await uow.connections.set_status(connection.id, ConnectionStatus.NEEDS_REAUTH)
                    revoked = error
                else:
                    generation = sealed.generation + 1
                    context = attrs.evolve(connection.credential_context, generation=generation)
                    resealed = await self._vault.seal(context, fresh)
                    await uow.credentials.replace(resealed)
                    await uow.connections.advance_credential_generation(connection.id, generation)
            if revoked is not None:
                self._connection = connection.with_status(ConnectionStatus.NEEDS_REAUTH)
                raise revoked
            self._connection = attrs.evolve(connection, credential_generation=generation)
            self._sealed = resealed
            self._payload = fresh
            return fresh

    def forget(self) -> None:
        """Drop the opened credential; the next use reads the stored one afresh."""
        self._payload = None
        self._sealed = None
