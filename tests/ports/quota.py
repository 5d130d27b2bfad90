"""The QuotaCounter port's suite: exact monthly counts, refusals that count nothing, overage
where the plan bills it, months and workspaces apart, and no over-admission under
concurrency.

Run on ``InMemoryQuotaCounter`` (``tests/unit/domain/test_quota.py``), on Redis
(``tests/integration/ratelimit/test_quota_redis.py``) and on PostgreSQL
(``tests/integration/postgres/test_quota.py``). Each ``new_workspace`` is a workspace the
counter may count (on PostgreSQL a row must exist for the counter's foreign key).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.limit_ports import QuotaCounter

MONTH = "2026-11"
NEXT_MONTH = "2026-12"

NewWorkspace = Callable[[], Awaitable[WorkspaceId]]


async def check_refuses_exactly_past_the_quota(counter: QuotaCounter, new: NewWorkspace) -> None:
    ws = await new()
    assert await counter.used(ws, MONTH) == 0
    decisions = [await counter.count(ws, MONTH, 3, overage=False) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.used for d in decisions] == [1, 2, 3, 3, 3]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    assert not any(d.overage for d in decisions)
    # A refusal counted nothing.
    assert await counter.used(ws, MONTH) == 3


async def check_overage_is_allowed_and_flagged(counter: QuotaCounter, new: NewWorkspace) -> None:
    ws = await new()
    decisions = [await counter.count(ws, MONTH, 2, overage=True) for _ in range(4)]
    assert all(d.allowed for d in decisions)
    assert [d.overage for d in decisions] == [False, False, True, True]
    assert await counter.used(ws, MONTH) == 4


async def check_months_and_workspaces_are_apart(counter: QuotaCounter, new: NewWorkspace) -> None:
    ours, theirs = await new(), await new()
    for _ in range(2):
        await counter.count(ours, MONTH, 2, overage=False)
    assert not (await counter.count(ours, MONTH, 2, overage=False)).allowed
    assert (await counter.count(ours, NEXT_MONTH, 2, overage=False)).used == 1
    assert (await counter.count(theirs, MONTH, 2, overage=False)).used == 1
    assert await counter.used(theirs, NEXT_MONTH) == 0


async def check_concurrent_counts_never_exceed_the_quota(
    counter: QuotaCounter, new: NewWorkspace
) -> None:
    ws = await new()
    decisions = await asyncio.gather(
        *(counter.count(ws, MONTH, 20, overage=False) for _ in range(60))
    )
    assert sum(d.allowed for d in decisions) == 20
    assert sorted(d.used for d in decisions if d.allowed) == list(range(1, 21))
    assert await counter.used(ws, MONTH) == 20


SUITE = (
    check_refuses_exactly_past_the_quota,
    check_overage_is_allowed_and_flagged,
    check_months_and_workspaces_are_apart,
    check_concurrent_counts_never_exceed_the_quota,
)
