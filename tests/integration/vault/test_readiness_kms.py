"""The master key's readiness probe against a KMS-compatible endpoint (moto)."""

from __future__ import annotations

import collections
from typing import Any

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault import KmsVault
from shopmcp_adapters.vault.health import KmsReadiness
from shopmcp_domain.services.readiness import check_readiness


async def test_kms_is_asked_again_once_a_success_is_stale(
    kms_client: Any, kms_key: str, kms_calls: collections.Counter[str]
) -> None:
    clock = FakeClock()
    probe = KmsReadiness(KmsVault(kms_client, kms_key, clock), clock, reuse_seconds=30)
    assert (await check_readiness([probe])).ready
    assert kms_calls["DescribeKey"] == 1
    # A success is reused for a while (readiness is polled often; KMS meters requests) ...
    assert (await check_readiness([probe])).ready
    assert kms_calls["DescribeKey"] == 1
    clock.advance(31)
    # ... then KMS itself is asked again (not the key ring's remembered ARN).
    assert (await check_readiness([probe])).ready
    assert kms_calls["DescribeKey"] == 2


async def test_kms_is_not_ready_for_a_key_it_does_not_have(kms_client: Any) -> None:
    clock = FakeClock()
    missing = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    found = await check_readiness([KmsReadiness(KmsVault(kms_client, missing, clock), clock)])
    assert found.checks == {"kms": "unavailable"}
