"""The meter outbox's parking on PostgreSQL: a parked record is kept with its error, never
claimed again until re-queued, and keeps its overage flag."""

from __future__ import annotations

from shopmcp_adapters.postgres import Database
from shopmcp_domain.usage import MeterRecord
from tests.factories import make_workspace
from tests.ports.tenant_store import usage_event


async def test_park_list_and_requeue(database: Database) -> None:
    workspace = make_workspace().set_billing_customer("cus_parking")
    event = usage_event(workspace.id)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.usage.record(event, MeterRecord.for_event(event, overage=True))
    outbox = database.owner

    claimed = [p for p in await outbox.claim(1000) if p.record.usage_event_id == event.id]
    assert [p.record.overage for p in claimed] == [True]
    await outbox.park(event.id, "MeterRejected: InvalidRequestError (status 400, code x)")

    parked = [p for p in await outbox.parked(1000) if p.record.usage_event_id == event.id]
    assert len(parked) == 1
    assert parked[0].error.startswith("MeterRejected") and parked[0].attempts == 1
    assert parked[0].record.overage and parked[0].billing_customer_id == "cus_parking"
    assert event.id not in {p.record.usage_event_id for p in await outbox.claim(1000)}

    assert await outbox.requeue([event.id]) == 1
    assert await outbox.requeue([event.id]) == 0
    again = [p for p in await outbox.claim(1000) if p.record.usage_event_id == event.id]
    assert len(again) == 1 and again[0].attempts == 0
    await outbox.mark_sent([event.id])
    assert event.id not in {p.record.usage_event_id for p in await outbox.parked(1000)}
