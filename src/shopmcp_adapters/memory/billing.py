"""A meter that remembers what it was sent, deduplicating on the usage event id like Stripe's
``identifier`` does. Held to the Meter port suite with the Stripe meter."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shopmcp_adapters.memory.tenants import InMemoryTenantStore
from shopmcp_domain.ids import UsageEventId, WorkspaceId
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.usage import MeterRecord
from shopmcp_domain.workspaces import Workspace


class InMemoryMeter:
    def __init__(self) -> None:
        self.sent: dict[UsageEventId, tuple[MeterRecord, str]] = {}
        self.calls = 0
        # The next send raises this, and nothing is recorded (the sink was unreachable).
        self.fail_next: Exception | None = None
        # The next send is recorded, then raises this (the sink took it, the answer was lost):
        # the sender cannot tell it from ``fail_next`` and will send the record again.
        self.fail_next_after_accepting: Exception | None = None

    async def send(self, record: MeterRecord, customer_id: str) -> None:
        self.calls += 1
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        self.sent.setdefault(record.usage_event_id, (record, customer_id))
        if self.fail_next_after_accepting is not None:
            error, self.fail_next_after_accepting = self.fail_next_after_accepting, None
            raise error


class InMemoryBillingEvents:
    """``BillingEvents`` over an ``InMemoryTenantStore``: one transaction at a time; a plan
    change and the event's record are kept only when the transaction exits cleanly."""

    def __init__(self, store: InMemoryTenantStore) -> None:
        self._store = store
        self._lock = asyncio.Lock()
        # event id -> (type, outcome, processed at)
        self.processed: dict[str, tuple[str, str, dt.datetime]] = {}

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_BillingTransaction]:
        async with self._lock:
            tx = _BillingTransaction(self)
            yield tx
            for workspace_id, plan in tx.plans.items():
                async with self._store.unit_of_work(workspace_id) as uow:
                    workspace = await uow.workspaces.get()
                    if workspace is not None:
                        await uow.workspaces.update(workspace.change_plan(plan))
            self.processed.update(tx.claimed)


class _BillingTransaction:
    def __init__(self, events: InMemoryBillingEvents) -> None:
        self._events = events
        self.claimed: dict[str, tuple[str, str, dt.datetime]] = {}
        self.plans: dict[WorkspaceId, PlanTier] = {}

    async def claim(self, event_id: str, event_type: str, at: dt.datetime) -> bool:
        if event_id in self._events.processed or event_id in self.claimed:
            return False
        self.claimed[event_id] = (event_type, "", at)
        return True

    async def workspace_for_customer(self, customer_id: str) -> Workspace | None:
        found = [
            w for w in self._events._store.all_workspaces() if w.billing_customer_id == customer_id
        ]
        return found[0] if len(found) == 1 else None

    async def set_plan(self, workspace_id: WorkspaceId, plan: PlanTier) -> None:
        self.plans[workspace_id] = plan

    async def settle(self, event_id: str, outcome: str) -> None:
        event_type, _, at = self.claimed[event_id]
        self.claimed[event_id] = (event_type, outcome, at)
