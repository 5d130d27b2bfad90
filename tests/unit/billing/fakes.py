"""A stand-in for Stripe's meter event endpoint behind the real StripeMeter (no sockets):
it keeps accepted identifiers and answers a repeated identifier the way Stripe does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import stripe

from shopmcp_adapters.memory import InMemoryTenantStore
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import new_connection_id, new_usage_event_id
from shopmcp_domain.usage import MeterRecord, UsageEvent
from shopmcp_domain.workspaces import Workspace
from tests.factories import NOW, make_workspace


class FakeMeterEvents:
    def __init__(self) -> None:
        self.accepted: dict[str, Mapping[str, Any]] = {}
        self.requests: list[Mapping[str, Any]] = []
        self.fail_next: list[Exception] = []
        self.lose_next_response = False

    async def create_async(self, params: Mapping[str, Any]) -> dict[str, Any]:
        self.requests.append(params)
        if self.fail_next:
            raise self.fail_next.pop(0)
        identifier = params["identifier"]
        if identifier in self.accepted:
            raise stripe.InvalidRequestError(
                f"An event already exists with identifier {identifier}.",
                param=None,
                http_status=400,
            )
        self.accepted[identifier] = params
        if self.lose_next_response:
            self.lose_next_response = False
            raise stripe.APIConnectionError("Request timed out")
        return {"object": "billing.meter_event", **params}


def fake_stripe_client() -> tuple[stripe.StripeClient, FakeMeterEvents]:
    events = FakeMeterEvents()
    client = SimpleNamespace(v1=SimpleNamespace(billing=SimpleNamespace(meter_events=events)))
    return client, events  # type: ignore[return-value]


async def billable_workspace(store: InMemoryTenantStore, customer: str | None) -> Workspace:
    workspace = make_workspace().set_billing_customer(customer)
    async with store.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    return workspace


async def record_calls(
    store: InMemoryTenantStore, workspace: Workspace, ok: int = 0, failed: int = 0
) -> list[MeterRecord]:
    records = []
    async with store.unit_of_work(workspace.id) as uow:
        for i in range(ok + failed):
            event = UsageEvent(
                id=new_usage_event_id(),
                workspace_id=workspace.id,
                key_prefix="abcdefghijkl",
                tool="shopify_get_product",
                connection_id=new_connection_id(),
                latency_ms=12.5,
                status=UsageStatus.OK if i < ok else UsageStatus.UPSTREAM_ERROR,
                error_class=None if i < ok else "UpstreamError",
                created_at=NOW + dt.timedelta(seconds=i),
            )
            record = MeterRecord.for_event(event)
            await uow.usage.record(event, record)
            records.append(record)
    return records
