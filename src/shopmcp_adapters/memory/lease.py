"""A credential lease over one in-memory payload: the reference semantics of
:class:`~shopmcp_domain.ports.CredentialLease` without a vault or a store (the port suite holds
it and the domain's ``VaultCredentialLease`` to the same behaviour)."""

from __future__ import annotations

import asyncio

from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import ReauthorizationRequired
from shopmcp_domain.ports import Refresher


class RotationRefused(AssertionError):
    """Raised by a lease built with ``rotation_allowed=False`` when something asks it to
    rotate: for platforms whose credentials never rotate, a rotation is a bug."""


class _StoredCredential:
    """What the connection has stored, shared by every request's lease on it."""

    def __init__(self, payload: CredentialPayload) -> None:
        self.payload = payload
        self.refreshes = 0
        # Stands in for the row lock: refreshes of one connection are serialised.
        self.lock = asyncio.Lock()
        # The platform whose grant a refresh found dead (the connection's needs_reauth).
        self.needs_reauth: str | None = None


class FakeLease:
    def __init__(self, payload: CredentialPayload, *, rotation_allowed: bool = True) -> None:
        self._stored = _StoredCredential(payload)
        self.rotation_allowed = rotation_allowed
        self.opened = 0

    def __repr__(self) -> str:
        return f"FakeLease(opened={self.opened}, refreshes={self.refreshes})"

    @property
    def payload(self) -> CredentialPayload:
        return self._stored.payload

    @property
    def refreshes(self) -> int:
        return self._stored.refreshes

    def another_request(self) -> FakeLease:
        """A lease for another request on the same connection: it sees what any of them
        stored, and their rotations are serialised together."""
        other = FakeLease(self.payload, rotation_allowed=self.rotation_allowed)
        other._stored = self._stored
        return other

    async def current(self) -> CredentialPayload:
        self.opened += 1
        return self._stored.payload

    async def rotate(self, refresh: Refresher, stale: CredentialPayload) -> CredentialPayload:
        if not self.rotation_allowed:
            raise RotationRefused("this credential never rotates")
        stored = self._stored
        async with stored.lock:
            if stored.payload != stale:
                # Another request refreshed while this one waited: use its result.
                return stored.payload
            if stored.needs_reauth is not None:
                # The connection is marked: asking the provider again would only be refused.
                raise ReauthorizationRequired(stored.needs_reauth)
            try:
                stored.payload = await refresh(stale)
            except ReauthorizationRequired as error:
                stored.needs_reauth = error.platform
                raise
            stored.refreshes += 1
            return stored.payload
