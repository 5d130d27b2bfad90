"""The ``ConfirmationStore`` port: one behavioural suite, run against the in-memory fake
(``tests/unit/domain/test_confirmation_store_port.py``) and PostgreSQL
(``tests/integration/postgres/test_confirmations.py``): issue and find by code hash, consume
exactly once (also under concurrency), workspace fencing, idempotency claims (first wins, an
expired claim is replaced), the kept outcome, and purging."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

import attrs

from shopmcp_domain.confirmations import (
    IDEMPOTENCY_RETENTION,
    Confirmation,
    IdempotentWrite,
    WriteOutcome,
    WriteState,
    hash_code,
)
from shopmcp_domain.ids import WorkspaceId, new_connection_id, new_key_id
from shopmcp_domain.ports import ConfirmationStore
from tests.factories import NOW


@attrs.frozen
class ConfirmationPorts:
    store: ConfirmationStore
    # A new workspace the store may hold rows of (PostgreSQL needs the workspace row).
    new_workspace: Callable[[], Awaitable[WorkspaceId]]


def _issue(workspace_id: WorkspaceId, now: dt.datetime = NOW) -> tuple[Confirmation, str]:
    return Confirmation.issue(
        workspace_id=workspace_id,
        key_id=new_key_id(),
        tool="shopify_update_product",
        connection_id=new_connection_id(),
        arguments_digest="a" * 64,
        policy_version="b" * 64,
        now=now,
    )


def _claim(workspace_id: WorkspaceId, key: str, now: dt.datetime = NOW) -> IdempotentWrite:
    return IdempotentWrite.claim(
        workspace_id=workspace_id,
        idempotency_key=key,
        tool="shopify_update_product",
        arguments_digest="c" * 64,
        now=now,
    )


class ConfirmationStoreSuite:
    async def test_issued_confirmations_are_found_by_code_hash_in_their_workspace(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store = confirmation_ports.store
        workspace = await confirmation_ports.new_workspace()
        stranger = await confirmation_ports.new_workspace()
        confirmation, code = _issue(workspace)
        await store.issue(confirmation)
        assert await store.find(workspace, hash_code(code)) == confirmation
        assert await store.find(stranger, hash_code(code)) is None
        assert await store.consume(stranger, hash_code(code), NOW) is None
        assert await store.find(workspace, hash_code("x" * 32)) is None

    async def test_a_code_is_consumed_once(self, confirmation_ports: ConfirmationPorts) -> None:
        store = confirmation_ports.store
        workspace = await confirmation_ports.new_workspace()
        confirmation, code = _issue(workspace)
        await store.issue(confirmation)
        used = await store.consume(workspace, hash_code(code), NOW + dt.timedelta(seconds=3))
        assert used == attrs.evolve(confirmation, used_at=NOW + dt.timedelta(seconds=3))
        assert await store.consume(workspace, hash_code(code), NOW) is None
        found = await store.find(workspace, hash_code(code))
        assert found is not None and found.used_at == NOW + dt.timedelta(seconds=3)

    async def test_concurrent_consumers_of_one_code_get_it_once(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store = confirmation_ports.store
        workspace = await confirmation_ports.new_workspace()
        confirmation, code = _issue(workspace)
        await store.issue(confirmation)
        results = await asyncio.gather(
            *(store.consume(workspace, hash_code(code), NOW) for _ in range(8))
        )
        assert sum(r is not None for r in results) == 1

    async def test_the_first_claim_of_a_key_wins_and_keeps_its_outcome(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store = confirmation_ports.store
        workspace = await confirmation_ports.new_workspace()
        stranger = await confirmation_ports.new_workspace()
        first = _claim(workspace, "key-00000001")
        assert await store.claim(first) is None
        # The same key in another workspace is another key.
        assert await store.claim(_claim(stranger, "key-00000001")) is None
        earlier = await store.claim(
            _claim(workspace, "key-00000001", NOW + dt.timedelta(seconds=1))
        )
        assert earlier == first and earlier.state is WriteState.IN_PROGRESS
        outcome = WriteOutcome.succeeded({"product": {"id": 1, "title": "x"}}, "updated")
        await store.finish(workspace, "key-00000001", WriteState.SUCCEEDED, outcome)
        kept = await store.written(workspace, "key-00000001", NOW)
        assert kept == attrs.evolve(first, state=WriteState.SUCCEEDED, outcome=outcome)
        failed = WriteOutcome.failed("upstream said no")
        assert await store.claim(_claim(workspace, "key-00000002")) is None
        await store.finish(workspace, "key-00000002", WriteState.FAILED, failed)
        kept_failure = await store.written(workspace, "key-00000002", NOW)
        assert kept_failure is not None and kept_failure.outcome == failed

    async def test_concurrent_claims_of_one_key_admit_one(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store = confirmation_ports.store
        workspace = await confirmation_ports.new_workspace()
        results = await asyncio.gather(
            *(store.claim(_claim(workspace, "racing-key-1")) for _ in range(8))
        )
        assert sum(r is None for r in results) == 1

    async def test_an_expired_claim_is_not_found_and_may_be_claimed_again(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store = confirmation_ports.store
        workspace = await confirmation_ports.new_workspace()
        assert await store.claim(_claim(workspace, "old-key-0001")) is None
        later = NOW + IDEMPOTENCY_RETENTION
        assert await store.written(workspace, "old-key-0001", later) is None
        assert await store.claim(_claim(workspace, "old-key-0001", later)) is None

    async def test_purge_drops_what_expired(self, confirmation_ports: ConfirmationPorts) -> None:
        store = confirmation_ports.store
        workspace = await confirmation_ports.new_workspace()
        old, old_code = _issue(workspace, NOW - dt.timedelta(days=400))
        fresh, fresh_code = _issue(workspace, NOW)
        await store.issue(old)
        await store.issue(fresh)
        await store.claim(_claim(workspace, "ancient-key1", NOW - dt.timedelta(days=400)))
        purged = await store.purge(NOW - dt.timedelta(days=300))
        assert purged >= 2
        assert await store.find(workspace, hash_code(old_code)) is None
        assert await store.find(workspace, hash_code(fresh_code)) == fresh
