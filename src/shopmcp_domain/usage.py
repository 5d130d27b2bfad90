"""Usage (audit) events and billing meter records.

A usage event has no field that could hold arguments' values or a response body: only who
called which tool, through which connection, how long it took and how it ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import ConnectionId, PlaybookId, UsageEventId, WorkspaceId
from shopmcp_domain.text import escaped_label, plain_text_problem
from shopmcp_domain.tools.spec import is_tool_name


def _storable(max_chars: int) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        problem = plain_text_problem(value, max_chars=max_chars)
        if problem is not None:
            raise ValueError(f"usage event {attribute.name} {problem}")

    return check


def tool_label(name: str) -> str:
    """What the audit row records for the tool a client named: the name itself when it has a
    tool name's form, else an escaped, bounded rendering (never NUL, never unbounded)."""
    return name if is_tool_name(name) else escaped_label(name, max_chars=100)


@attrs.frozen
class UsageEvent:
    id: UsageEventId
    workspace_id: WorkspaceId
    key_prefix: str = attrs.field(validator=_storable(64))
    tool: str = attrs.field(validator=_storable(100))
    connection_id: ConnectionId | None
    latency_ms: float
    status: UsageStatus
    error_class: str | None = attrs.field(validator=_storable(100))
    created_at: dt.datetime
    # Answered from the short-lived read cache, with no upstream request.
    cache_hit: bool = False
    # Set on the steps of a playbook run (and the run itself): which playbook, which version.
    playbook_id: PlaybookId | None = None
    playbook_version: int | None = None
    # Credential-shaped strings and card numbers removed from the call's result.
    redactions: int = attrs.field(default=0, validator=attrs.validators.ge(0))

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
    # The call went past the plan's monthly quota, which the plan bills beyond: it goes to
    # the overage meter instead of the included-usage one.
    overage: bool = False

    @classmethod
    def for_event(cls, event: UsageEvent, *, overage: bool = False) -> MeterRecord:
        # Every call is recorded; only successful calls are billable.
        return cls(
            usage_event_id=event.id,
            workspace_id=event.workspace_id,
            quantity=1 if event.succeeded else 0,
            created_at=event.created_at,
            overage=overage,
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


@attrs.frozen
class ParkedMeterRecord:
    """A record the billing provider refused for good (or that failed ``MAX_METER_ATTEMPTS``
    times): kept with its error for an operator, never claimed again until re-queued."""

    record: MeterRecord
    billing_customer_id: str | None
    attempts: int
    error: str
    parked_at: dt.datetime


# --------------------------------------------------------------------------- usage review

MAX_USAGE_PAGE = 500


@attrs.frozen
class UsageCursor:
    """Where a page of usage events ends: events are listed newest first, ordered by
    ``(created_at, id)``, and the next page starts strictly below this pair."""

    created_at: dt.datetime
    id: UsageEventId


@attrs.frozen
class UsageQuery:
    """Filters of the usage review; each None filter matches everything. ``since`` is
    inclusive, ``until`` exclusive."""

    tool: str | None = None
    status: UsageStatus | None = None
    connection_id: ConnectionId | None = None
    key_prefix: str | None = None
    # A playbook's run and its steps (every version of it).
    playbook_id: PlaybookId | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    before: UsageCursor | None = None
    limit: int = attrs.field(
        default=100, validator=attrs.validators.in_(range(1, 1 + MAX_USAGE_PAGE))
    )


@attrs.frozen
class ToolUsage:
    """One tool's calls in a period: how many, how many failed, and latency percentiles
    (continuous, as PostgreSQL's ``percentile_cont``)."""

    tool: str
    calls: int
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float


def percentile_cont(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks: what ``percentile_cont`` computes."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)
