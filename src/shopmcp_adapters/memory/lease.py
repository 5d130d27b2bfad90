"""A credential lease over one in-memory payload: the reference semantics of
:class:`~shopmcp_domain.ports.CredentialLease` without a vault or a store."""

from __future__ import annotations

import asyncio

from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import ReauthorizationRequired
from shopmcp_domain.ports import Refresher


class RotationRefused(AssertionError):
    """Raised by a lease built with ``rotation_allowed=False`` when something asks it to
    rotate: for platforms whose credentials never rotate, a rotation is a bug."""


class FakeLease:
    def __init__(self, payload: CredentialPayload, *, rotation_allowed: bool = True) -> None:
        self.payload = payload
        self.rotation_allowed = rotation_allowed
        self.opened = 0
        self.refreshes = 0
        # Set when a refresh raised ReauthorizationRequired (the connection's needs_reauth).
        self.needs_reauth: ReauthorizationRequired | None = None
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"FakeLease(opened={self.opened}, refreshes={self.refreshes})"

    async def current(self) -> CredentialPayload:
        self.opened += 1
        return self.payload

    async def rotate(self, refresh: Refresher, stale: CredentialPayload) -> CredentialPayload:
        if not self.rotation_allowed:
            raise RotationRefused("this credential never rotates")
        async with self._lock:
            if self.payload != stale:
                # Another request refreshed while this one waited: use its result.
                return self.payload
            if self.needs_reauth is not None:
                raise ReauthorizationRequired(self.needs_reauth.platform)
            try:
                self.payload = await refresh(stale)
            except ReauthorizationRequired as error:
                self.needs_reauth = error
                raise
            self.refreshes += 1
            return self.payload
