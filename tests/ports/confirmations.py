"""The ``ConfirmationStore`` port: one behavioural suite, run against the in-memory fake
(``tests/unit/domain/test_confirmation_store_port.py``) and PostgreSQL
(``tests/integration/postgres/test_confirmations.py``): issue and find by code hash, consume
exactly once (also under concurrency), workspace fencing, idempotency claims (first wins, an
expired claim is replaced), the kept outcome, and purging. And dashboard approvals (migration
0017): the runtime's side (request, find by binding, close once) and the dashboard's
(``WriteApprovalReview``: list, get, decide once, only while pending and unexpired)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

import attrs
import pytest

from shopmcp_domain.approvals import (
    APPROVAL_TTL,
    ApprovalBinding,
    ApprovalState,
    WriteApproval,
)
from shopmcp_domain.confirmation_ports import ConfirmationStore, WriteApprovalReview
from shopmcp_domain.confirmations import (
    IDEMPOTENCY_RETENTION,
    Confirmation,
    IdempotentWrite,
    WriteOutcome,
    WriteState,
    hash_code,
)
from shopmcp_domain.ids import WorkspaceId, new_account_id, new_connection_id, new_key_id
from tests.factories import NOW


@attrs.frozen
class ConfirmationPorts:
    store: ConfirmationStore
    # A new workspace the store may hold rows of (PostgreSQL needs the workspace row).
    new_workspace: Callable[[], Awaitable[WorkspaceId]]
    # The dashboard's side of the same approvals (the fake's is the store itself).
    review: WriteApprovalReview


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


def binding_for(digest: str = "d" * 64) -> ApprovalBinding:
    return ApprovalBinding(
        key_id=new_key_id(),
        tool="shopify_update_product",
        connection_id=new_connection_id(),
        arguments_digest=digest,
        policy_version="e" * 64,
    )


def approval_for(
    workspace_id: WorkspaceId,
    binding: ApprovalBinding | None = None,
    now: dt.datetime = NOW,
    changes: dict[str, object] | None = None,
) -> WriteApproval:
    return WriteApproval.request(
        workspace_id=workspace_id,
        binding=binding or binding_for(),
        platform="shopify",
        store="acme.myshopify.com",
        changes=changes if changes is not None else {"id": "gid://1", "title": "New"},
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

    # ---- dashboard approvals

    async def test_an_approval_is_found_by_its_exact_binding_in_its_workspace(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store = confirmation_ports.store
        workspace = await confirmation_ports.new_workspace()
        stranger = await confirmation_ports.new_workspace()
        changes = {"id": "gid://1", "title": "<b>Ünïcode</b>", "tags": ["a", "b"], "n": 3}
        approval = approval_for(workspace, changes=changes)
        await store.request_approval(approval)
        assert await store.approvals_for(workspace, approval.binding) == [approval]
        assert (await store.approvals_for(workspace, approval.binding))[0].changes == changes
        assert await store.approvals_for(stranger, approval.binding) == []
        for other in (
            attrs.evolve(approval.binding, key_id=new_key_id()),
            attrs.evolve(approval.binding, tool="shopify_update_variant"),
            attrs.evolve(approval.binding, connection_id=new_connection_id()),
            attrs.evolve(approval.binding, arguments_digest="f" * 64),
            attrs.evolve(approval.binding, policy_version="f" * 64),
        ):
            assert await store.approvals_for(workspace, other) == []
        later = approval_for(workspace, approval.binding, NOW + dt.timedelta(seconds=1))
        await store.request_approval(later)
        assert await store.approvals_for(workspace, approval.binding) == [later, approval]

    async def test_the_runtime_stores_pending_approvals_only(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        workspace = await confirmation_ports.new_workspace()
        decided = approval_for(workspace).decide(True, new_account_id(), NOW)
        with pytest.raises(ValueError, match="pending"):
            await confirmation_ports.store.request_approval(decided)
        assert await confirmation_ports.review.list(workspace) == []

    async def test_a_decision_is_made_once_while_pending_and_unexpired(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store, review = confirmation_ports.store, confirmation_ports.review
        workspace = await confirmation_ports.new_workspace()
        stranger = await confirmation_ports.new_workspace()
        approval = approval_for(workspace)
        await store.request_approval(approval)
        assert await review.get(workspace, approval.id) == approval
        assert await review.get(stranger, approval.id) is None
        who, at = new_account_id(), NOW + dt.timedelta(minutes=1)
        approved = ApprovalState.APPROVED
        assert await review.decide(stranger, approval.id, approved, who, at) is None
        decided = await review.decide(workspace, approval.id, approved, who, at)
        assert decided == attrs.evolve(approval, state=approved, decided_by=who, decided_at=at)
        assert await review.decide(workspace, approval.id, ApprovalState.REJECTED, who, at) is None
        assert await review.get(workspace, approval.id) == decided
        assert await store.approvals_for(workspace, approval.binding) == [decided]
        # Expired, or already answered to the chat: not decidable.
        late = approval_for(workspace)
        await store.request_approval(late)
        end = late.expires_at
        assert await review.decide(workspace, late.id, approved, who, end) is None
        closed = approval_for(workspace)
        await store.request_approval(closed)
        assert await store.close_approval(workspace, closed.id, NOW) is not None
        assert await review.decide(workspace, closed.id, approved, who, NOW) is None
        with pytest.raises(ValueError):
            await review.decide(workspace, closed.id, ApprovalState.PENDING, who, NOW)

    async def test_concurrent_decisions_decide_once(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store, review = confirmation_ports.store, confirmation_ports.review
        workspace = await confirmation_ports.new_workspace()
        approval = approval_for(workspace)
        await store.request_approval(approval)
        results = await asyncio.gather(
            *(
                review.decide(workspace, approval.id, state, new_account_id(), NOW)
                for state in [ApprovalState.APPROVED, ApprovalState.REJECTED] * 4
            )
        )
        assert len([r for r in results if r is not None]) == 1

    async def test_an_approval_is_closed_once(self, confirmation_ports: ConfirmationPorts) -> None:
        store = confirmation_ports.store
        workspace = await confirmation_ports.new_workspace()
        stranger = await confirmation_ports.new_workspace()
        approval = approval_for(workspace)
        await store.request_approval(approval)
        assert await store.close_approval(stranger, approval.id, NOW) is None
        at = NOW + dt.timedelta(minutes=2)
        results = await asyncio.gather(
            *(store.close_approval(workspace, approval.id, at) for _ in range(8))
        )
        assert [r for r in results if r is not None] == [attrs.evolve(approval, used_at=at)]
        assert await store.approvals_for(workspace, approval.binding) == [
            attrs.evolve(approval, used_at=at)
        ]

    async def test_the_review_lists_its_workspace_newest_first(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store, review = confirmation_ports.store, confirmation_ports.review
        workspace = await confirmation_ports.new_workspace()
        stranger = await confirmation_ports.new_workspace()
        first = approval_for(workspace)
        second = approval_for(workspace, now=NOW + dt.timedelta(seconds=5))
        theirs = approval_for(stranger)
        for approval in (first, second, theirs):
            await store.request_approval(approval)
        assert await review.list(workspace) == [second, first]
        assert await review.list(workspace, 1) == [second]
        assert await review.list(stranger) == [theirs]

    async def test_purge_drops_expired_approvals(
        self, confirmation_ports: ConfirmationPorts
    ) -> None:
        store, review = confirmation_ports.store, confirmation_ports.review
        workspace = await confirmation_ports.new_workspace()
        old = approval_for(workspace, now=NOW - dt.timedelta(days=400))
        fresh = approval_for(workspace)
        await store.request_approval(old)
        await store.request_approval(fresh)
        assert await store.purge(NOW - APPROVAL_TTL) >= 1
        assert await review.list(workspace) == [fresh]
