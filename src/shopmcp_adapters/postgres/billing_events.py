"""Stripe webhook events on PostgreSQL: the ``shopmcp.stripe_events`` ledger (migration 0007)
and the plan change, in one transaction on the owner connection (the webhook is a
cross-tenant path: it resolves the workspace from the Stripe customer first)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from shopmcp_adapters.postgres import _rows
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.workspaces import Workspace

_CLAIM_SQL = (
    "insert into shopmcp.stripe_events (id, type, outcome, processed_at) "
    "values ($1, $2, '', $3) on conflict (id) do nothing returning id"
)
# Two rows at most: a customer shared by several workspaces is ambiguous and changes none.
_WORKSPACE_SQL = (
    "select id, name, plan, status, write_enabled, confirmation_off, write_approval, "
    "billing_customer_id, "
    "created_at from shopmcp.workspaces where billing_customer_id = $1 order by id limit 2 "
    "for update"
)
_SET_PLAN_SQL = "update shopmcp.workspaces set plan = $2 where id = $1"
_SETTLE_SQL = "update shopmcp.stripe_events set outcome = $2 where id = $1"


class PostgresBillingEvents:
    def __init__(self, owner_pool: asyncpg.Pool) -> None:
        self._pool = owner_pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresBillingTransaction]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield PostgresBillingTransaction(conn)


class PostgresBillingTransaction:
    def __init__(self, conn: _rows.Conn) -> None:
        self._conn = conn

    async def claim(self, event_id: str, event_type: str, at: dt.datetime) -> bool:
        return await self._conn.fetchval(_CLAIM_SQL, event_id, event_type[:255], at) is not None

    async def workspace_for_customer(self, customer_id: str) -> Workspace | None:
        rows = await self._conn.fetch(_WORKSPACE_SQL, customer_id)
        return _rows.workspace(rows[0]) if len(rows) == 1 else None

    async def set_plan(self, workspace_id: WorkspaceId, plan: PlanTier) -> None:
        await self._conn.execute(_SET_PLAN_SQL, workspace_id, plan.value)

    async def settle(self, event_id: str, outcome: str) -> None:
        await self._conn.execute(_SETTLE_SQL, event_id, outcome[:200])
