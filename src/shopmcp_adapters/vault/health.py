"""KMS's readiness probe: ``DescribeKey`` on the configured master key, asked of KMS itself
(the key ring remembers a key's ARN for good, so its own lookups would say nothing about KMS
now). A success is reused for a while: readiness is polled every few seconds by every replica,
and KMS requests are metered and rate-limited per account."""

from __future__ import annotations

from shopmcp_adapters.vault.vault import KmsVault
from shopmcp_domain.ports import Clock

SUCCESS_REUSED_SECONDS = 30.0


class KmsReadiness:
    name = "kms"

    def __init__(
        self, vault: KmsVault, clock: Clock, reuse_seconds: float = SUCCESS_REUSED_SECONDS
    ) -> None:
        self._vault = vault
        self._clock = clock
        self._reuse = reuse_seconds
        self._ok_until: float | None = None

    async def check(self) -> None:
        now = self._clock.monotonic()
        if self._ok_until is not None and now < self._ok_until:
            return
        await self._vault.kms.ping(self._vault.key_id)
        self._ok_until = now + self._reuse
