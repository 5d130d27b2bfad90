"""A workspace's ``/usage``: every tool call made under its keys (metadata only: never
arguments or responses), newest first with keyset pagination on ``(created_at, id)``; per-tool
counts and latency percentiles for a period; and the same rows as a streamed CSV or JSON
download."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import AsyncIterator
from typing import Literal

import attrs
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Stream

from shopmcp_domain.accounts import Role
from shopmcp_domain.errors import (
    NotFound,
    UsageStatus,
)
from shopmcp_domain.ids import ConnectionId, PlaybookId, UsageEventId, WorkspaceId
from shopmcp_domain.ports import TenantRepository
from shopmcp_domain.services.dashboard import Access
from shopmcp_domain.services.quota import limits_state
from shopmcp_domain.usage import MAX_USAGE_PAGE, UsageCursor, UsageEvent, UsageQuery
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.auth import MEMBER, needs
from shopmcp_entrypoints.http.api.cursors import decode_cursor, encode_cursor
from shopmcp_entrypoints.http.api.schemas import (
    LimitsStateOut,
    ToolUsageOut,
    UsageEventOut,
    UsagePageOut,
    UsageSummaryOut,
)

CSV_COLUMNS = (
    "created_at",
    "id",
    "tool",
    "status",
    "key_prefix",
    "connection_id",
    "latency_ms",
    "error_class",
    "cache_hit",
    "playbook_id",
    "playbook_version",
)
EXPORT_PAGE = 500


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def usage_query(
    tool: str | None,
    status: UsageStatus | None,
    connection: uuid.UUID | None,
    key_prefix: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    cursor: str | None,
    limit: int,
    playbook: uuid.UUID | None = None,
) -> UsageQuery:
    before = decode_cursor(cursor)
    return UsageQuery(
        tool=tool[:100] if tool else None,
        status=status,
        connection_id=None if connection is None else ConnectionId(connection),
        key_prefix=key_prefix[:64] if key_prefix else None,
        playbook_id=None if playbook is None else PlaybookId(playbook),
        since=_utc(since),
        until=_utc(until),
        before=None if before is None else UsageCursor(before[0], UsageEventId(before[1])),
        limit=max(1, min(limit, MAX_USAGE_PAGE)),
    )


async def _pages(
    tenants: TenantRepository, workspace_id: WorkspaceId, query: UsageQuery
) -> AsyncIterator[list[UsageEvent]]:
    """Every matching event, a page (one short transaction) at a time."""
    page_query = attrs.evolve(query, limit=EXPORT_PAGE)
    while True:
        async with tenants.unit_of_work(workspace_id) as uow:
            events = list(await uow.usage.search(page_query))
        if events:
            yield events
        if len(events) < EXPORT_PAGE:
            return
        last = events[-1]
        page_query = attrs.evolve(page_query, before=UsageCursor(last.created_at, last.id))


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def _row(event: UsageEvent) -> list[str]:
    return [
        event.created_at.isoformat(),
        str(event.id),
        event.tool,
        event.status.value,
        event.key_prefix,
        "" if event.connection_id is None else str(event.connection_id),
        f"{event.latency_ms:.3f}",
        event.error_class or "",
        "true" if event.cache_hit else "false",
        "" if event.playbook_id is None else str(event.playbook_id),
        "" if event.playbook_version is None else str(event.playbook_version),
    ]


async def _csv(pages: AsyncIterator[list[UsageEvent]]) -> AsyncIterator[str]:
    yield _csv_line(list(CSV_COLUMNS))
    async for events in pages:
        yield "".join(_csv_line(_row(e)) for e in events)


async def _json(pages: AsyncIterator[list[UsageEvent]]) -> AsyncIterator[str]:
    yield "["
    first = True
    async for events in pages:
        for event in events:
            yield ("" if first else ",") + UsageEventOut.of(event).model_dump_json()
            first = False
    yield "]"


async def usage_page(dashboard: DashboardPorts, access: Access, query: UsageQuery) -> UsagePageOut:
    """One page of tool calls, newest first, with the cursor of the next page."""
    async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
        events = list(await uow.usage.search(query))
    last = events[-1] if len(events) == query.limit else None
    return UsagePageOut(
        events=[UsageEventOut.of(e) for e in events],
        next_cursor=None if last is None else encode_cursor(last.created_at, last.id),
    )


async def usage_summary(
    dashboard: DashboardPorts,
    access: Access,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> UsageSummaryOut:
    """Per tool in the period: calls, failed calls, and p50/p90/p99 latency."""
    since, until = _utc(since), _utc(until)
    async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
        tools = await uow.usage.summary(since, until)
    return UsageSummaryOut(since=since, until=until, tools=[ToolUsageOut.of(t) for t in tools])


class Usage(Controller):
    path = "/api/v1/workspaces/{workspace_id:uuid}/usage"
    tags = ("usage",)
    dependencies = MEMBER

    @get("/", opt=needs(Role.VIEWER))
    async def events(
        self,
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
        tool: FromQuery[str | None] = None,
        status: FromQuery[UsageStatus | None] = None,
        connection: FromQuery[uuid.UUID | None] = None,
        key_prefix: FromQuery[str | None] = None,
        playbook: FromQuery[uuid.UUID | None] = None,
        since: FromQuery[dt.datetime | None] = None,
        until: FromQuery[dt.datetime | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 100,
    ) -> UsagePageOut:
        """Tool calls, newest first. Filters combine; ``playbook`` (a playbook's id) keeps
        its runs and their steps; ``since`` is inclusive, ``until`` exclusive; pass
        ``next_cursor`` back as ``cursor`` for the next page."""
        query = usage_query(
            tool, status, connection, key_prefix, since, until, cursor, limit, playbook
        )
        return await usage_page(dashboard, access, query)

    @get("/summary", opt=needs(Role.VIEWER))
    async def summary(
        self,
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
        since: FromQuery[dt.datetime | None] = None,
        until: FromQuery[dt.datetime | None] = None,
    ) -> UsageSummaryOut:
        """Per tool in the period: calls, failed calls, and p50/p90/p99 latency."""
        return await usage_summary(dashboard, access, since, until)

    @get("/limits", opt=needs(Role.VIEWER))
    async def limits(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> LimitsStateOut:
        """The plan's rate limit and monthly tool-call quota, and this month's calls against
        it (remaining, overage, when it resets)."""
        async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
            workspace = await uow.workspaces.get()
        if workspace is None:
            raise NotFound("workspace")
        state = await limits_state(dashboard.quota, dashboard.clock, workspace)
        return LimitsStateOut.of(state)

    @get("/export", opt=needs(Role.VIEWER))
    async def export(
        self,
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
        format: FromQuery[Literal["csv", "json"]] = "csv",
        tool: FromQuery[str | None] = None,
        status: FromQuery[UsageStatus | None] = None,
        connection: FromQuery[uuid.UUID | None] = None,
        key_prefix: FromQuery[str | None] = None,
        playbook: FromQuery[uuid.UUID | None] = None,
        since: FromQuery[dt.datetime | None] = None,
        until: FromQuery[dt.datetime | None] = None,
    ) -> Stream:
        """Every matching call as CSV or a JSON array, streamed (same filters as the list)."""
        query = usage_query(
            tool, status, connection, key_prefix, since, until, None, EXPORT_PAGE, playbook
        )
        pages = _pages(dashboard.tenants, access.workspace_id, query)
        body = _csv(pages) if format == "csv" else _json(pages)
        media = "text/csv; charset=utf-8" if format == "csv" else "application/json"
        name = f"usage-{access.workspace_id}.{format}"
        return Stream(
            body,
            media_type=media,
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )


ROUTES = [Usage]
