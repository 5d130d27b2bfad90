"""Usage (audit) events and billing meter records.

A usage event has no field that could hold arguments' values or a response body: only who
called which tool, through which connection, how long it took and how it ended.
"""

from __future__ import annotations

import datetime as dt

import attrs

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import ConnectionId, UsageEventId, WorkspaceId


@attrs.frozen
class UsageEvent:
    id: UsageEventId
    workspace_id: WorkspaceId
    key_prefix: str
    tool: str
    connection_id: ConnectionId | None
    latency_ms: float
    status: UsageStatus
    error_class: str | None
    created_at: dt.datetime

    @property
    def succeeded(self) -> bool:
        return self.status is UsageStatus.OK


@attrs.frozen
class MeterRecord:
    """One billing meter event, written with its usage event in one transaction (the outbox)
    and later sent to the billing provider with ``identifier`` = the usage event id, so a retry
    never bills twice."""

    usage_event_id: UsageEventId
    workspace_id: WorkspaceId
    quantity: int
    created_at: dt.datetime

    @classmethod
    def for_event(cls, event: UsageEvent) -> MeterRecord:
        # Every call is recorded; only successful calls are billable.
        return cls(
            usage_event_id=event.id,
            workspace_id=event.workspace_id,
            quantity=1 if event.succeeded else 0,
            created_at=event.created_at,
        )


# After this many failed sends a record is dead-lettered: kept (and exported), never claimed
# again. Billing providers refuse events older than a few weeks for good, and such records
# must not stall the ones behind them.
MAX_METER_ATTEMPTS = 20


@attrs.frozen
class PendingMeterRecord:
    """An outbox row as the drain worker sees it: the record plus the billing customer."""

    record: MeterRecord
    billing_customer_id: str | None
    attempts: int = 0
