"""``shopmcp billing``: parked meter records listed with their error and re-queued; a
workspace linked to its Stripe customer. ``shopmcp usage limits``: the plan and the month's
quota."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from dependency_injector import providers
from typer.testing import CliRunner

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryTenantStore
from shopmcp_adapters.memory.quota import InMemoryQuotaCounter
from shopmcp_domain.plans import billing_month
from shopmcp_entrypoints.cli import app
from shopmcp_entrypoints.commands import _admin
from shopmcp_entrypoints.container import build_container
from shopmcp_entrypoints.settings import Settings
from tests.factories import billable_workspace, record_calls

QUOTA = InMemoryQuotaCounter()
CLOCK = FakeClock()


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryTenantStore:
    tenants = InMemoryTenantStore()
    real_admin = _admin.admin

    def admin(settings: Settings) -> AbstractAsyncContextManager[_admin.Admin]:
        container = build_container(settings)
        container.tenants.override(providers.Object(tenants))
        container.meter_outbox.override(providers.Object(tenants))
        container.quota_counter.override(providers.Object(QUOTA))
        container.vault.override(providers.Object(FakeVault()))
        container.clock.override(providers.Object(CLOCK))
        return real_admin(settings, container)

    monkeypatch.setattr(_admin, "admin", admin)
    return tenants


def test_parked_records_are_listed_and_requeued(store: InMemoryTenantStore) -> None:
    async def park() -> list[str]:
        workspace = await billable_workspace(store, "cus_1")
        records = await record_calls(store, workspace, ok=2)
        await store.claim(10)
        for record in records:
            await store.park(record.usage_event_id, "MeterRejected: status 400, code x")
        return [str(r.usage_event_id) for r in records]

    ids = asyncio.run(park())
    assert invoke("billing", "parked").output.count("MeterRejected: status 400") == 2
    assert invoke("billing", "requeue").exit_code != 0  # neither ids nor --all
    assert "re-queued 1 record(s)" in invoke("billing", "requeue", ids[0]).output
    assert ids[0] not in invoke("billing", "parked").output
    assert "re-queued 1 record(s)" in invoke("billing", "requeue", "--all").output
    assert "no parked meter records" in invoke("billing", "parked").output


def test_link_stores_the_stripe_customer(store: InMemoryTenantStore) -> None:
    workspace = asyncio.run(billable_workspace(store, None))
    result = invoke("billing", "link", "--workspace", str(workspace.id), "--customer", "cus_X1")
    assert result.exit_code == 0, result.output
    [found] = store.all_workspaces()
    assert found.billing_customer_id == "cus_X1"
    assert invoke("billing", "link", "--workspace", str(workspace.id), "--customer", "x").exit_code


def test_usage_limits_shows_the_months_quota(store: InMemoryTenantStore) -> None:
    workspace = asyncio.run(billable_workspace(store, None))
    QUOTA.counts[(workspace.id, billing_month(CLOCK.now()))] = 3_000
    result = invoke("usage", "limits", "--workspace", str(workspace.id))
    assert result.exit_code == 0, result.output
    assert "Solo (300 requests/min)" in result.output
    assert "3,000 of 3,000 (0 left; refused past the quota)" in result.output
    assert "quota used up" in result.output
    as_json = invoke("usage", "limits", "--workspace", str(workspace.id), "--json")
    assert '"remaining": 0' in as_json.output and '"exhausted": true' in as_json.output
