"""The retention-store port suite on PostgreSQL (the owner pool's sweep store)."""

from __future__ import annotations

import pytest

from shopmcp_adapters.postgres import Database
from shopmcp_adapters.postgres.quota import PostgresQuotaCounter
from tests.ports.retention import RetentionSuite, SweepPorts


@pytest.fixture
def sweep_ports(database: Database) -> SweepPorts:
    return SweepPorts(
        tenants=database.tenants,
        retention=database.retention,
        identity=database.identity,
        outbox=database.owner,
        quota=PostgresQuotaCounter(database.mcp_pool),
        confirmations=database.confirmations,
    )


class TestRetentionPortOnPostgres(RetentionSuite):
    pass
