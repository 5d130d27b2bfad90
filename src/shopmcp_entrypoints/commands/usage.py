"""``shopmcp usage``: a workspace's tool calls (metadata only: never arguments or responses),
with the dashboard API's filters, as a table or JSON::

    shopmcp usage show --workspace <id> --tool shopify_list_orders --status upstream_error
    shopmcp usage show --workspace <id> --since 2026-11-01 --json
    shopmcp usage summary --workspace <id> --since 2026-11-01     # calls, errors, p50/p90/p99
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import typer

from shopmcp_domain.errors import (
    NotFound,
    UsageStatus,
)
from shopmcp_domain.ids import ConnectionId, WorkspaceId
from shopmcp_domain.services.quota import LimitsState, limits_state
from shopmcp_domain.usage import MAX_USAGE_PAGE, ToolUsage, UsageEvent, UsageQuery
from shopmcp_entrypoints.commands._admin import Admin, command_group, run_admin, workspace_id

usage_app = command_group("A workspace's audit trail: one row per tools/call.")
STATUSES = ", ".join(s.value for s in UsageStatus)


def _when(value: str | None, option: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("an ISO 8601 date or time", param_hint=option) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _line(event: UsageEvent) -> str:
    error = f" {event.error_class}" if event.error_class else ""
    error += " (cached)" if event.cache_hit else ""
    return (
        f"{event.created_at:%Y-%m-%d %H:%M:%S} {event.status.value:<22} {event.tool} "
        f"key {event.key_prefix} {event.latency_ms:.0f}ms{error}"
    )


def _json(event: UsageEvent) -> dict[str, object]:
    return {
        "id": str(event.id),
        "created_at": event.created_at.isoformat(),
        "tool": event.tool,
        "status": event.status.value,
        "key_prefix": event.key_prefix,
        "connection_id": None if event.connection_id is None else str(event.connection_id),
        "latency_ms": event.latency_ms,
        "error_class": event.error_class,
        "cache_hit": event.cache_hit,
    }


async def _exists(a: Admin, ws: WorkspaceId) -> None:
    async with a.tenants.unit_of_work(ws) as uow:
        if await uow.workspaces.get() is None:
            raise NotFound("workspace")


@usage_app.command("show")
def usage_show(
    workspace: str = typer.Option(..., help="Workspace id."),
    limit: int = typer.Option(20, min=1, max=MAX_USAGE_PAGE, help="How many of the latest."),
    tool: str | None = typer.Option(None, help="Only this tool."),
    status: str | None = typer.Option(None, help=f"Only this outcome: {STATUSES}."),
    connection: str | None = typer.Option(None, help="Only calls through this connection id."),
    key_prefix: str | None = typer.Option(None, help="Only calls made with this key."),
    since: str | None = typer.Option(None, help="From this time on (ISO 8601, inclusive)."),
    until: str | None = typer.Option(None, help="Before this time (ISO 8601, exclusive)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON array instead of a table."),
) -> None:
    """The workspace's latest tools/call records, newest first (never arguments or
    responses)."""
    ws = workspace_id(workspace)
    try:
        wanted = UsageStatus(status) if status else None
        through = ConnectionId(uuid.UUID(connection)) if connection else None
    except ValueError:
        raise typer.BadParameter("not a status or a connection id") from None
    query = UsageQuery(
        tool=tool,
        status=wanted,
        connection_id=through,
        key_prefix=key_prefix,
        since=_when(since, "--since"),
        until=_when(until, "--until"),
        limit=limit,
    )

    async def work(a: Admin) -> list[UsageEvent]:
        await _exists(a, ws)
        async with a.tenants.unit_of_work(ws) as uow:
            return list(await uow.usage.search(query))

    events = run_admin(work)
    if as_json:
        typer.echo(json.dumps([_json(e) for e in events], indent=2))
        return
    if not events:
        typer.echo("no tool calls yet")
    for event in events:
        typer.echo(_line(event))


@usage_app.command("summary")
def usage_summary(
    workspace: str = typer.Option(..., help="Workspace id."),
    since: str | None = typer.Option(None, help="From this time on (ISO 8601, inclusive)."),
    until: str | None = typer.Option(None, help="Before this time (ISO 8601, exclusive)."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
) -> None:
    """Per tool: calls, failed calls, and p50/p90/p99 latency in the period."""
    ws = workspace_id(workspace)
    start, end = _when(since, "--since"), _when(until, "--until")

    async def work(a: Admin) -> list[ToolUsage]:
        await _exists(a, ws)
        async with a.tenants.unit_of_work(ws) as uow:
            return list(await uow.usage.summary(start, end))

    tools = run_admin(work)
    if as_json:
        typer.echo(json.dumps([_tool(t) for t in tools], indent=2))
        return
    if not tools:
        typer.echo("no tool calls in that period")
    for t in tools:
        typer.echo(
            f"{t.tool:<40} {t.calls:>7} calls {t.errors:>6} failed  "
            f"p50 {t.p50_ms:.0f}ms  p90 {t.p90_ms:.0f}ms  p99 {t.p99_ms:.0f}ms"
        )


def _tool(usage: ToolUsage) -> dict[str, object]:
    return {
        "tool": usage.tool,
        "calls": usage.calls,
        "errors": usage.errors,
        "p50_ms": usage.p50_ms,
        "p90_ms": usage.p90_ms,
        "p99_ms": usage.p99_ms,
    }


@usage_app.command("limits")
def usage_limits(
    workspace: str = typer.Option(..., help="Workspace id."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """The plan's rate limit and monthly tool-call quota, and this month's calls against it."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> LimitsState:
        from shopmcp_entrypoints.container import provided

        async with a.tenants.unit_of_work(ws) as uow:
            found = await uow.workspaces.get()
        if found is None:
            raise NotFound("workspace")
        return await limits_state(await provided(a.container.quota_counter), a.clock, found)

    state = run_admin(work)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "plan": state.plan.value,
                    "requests_per_minute": state.requests_per_minute,
                    "month": state.month,
                    "monthly_calls": state.monthly_calls,
                    "used": state.used,
                    "remaining": state.remaining,
                    "overage_billed": state.overage_billed,
                    "overage_calls": state.overage_calls,
                    "exhausted": state.exhausted,
                    "resets_at": state.resets_at.isoformat(),
                },
                indent=2,
            )
        )
        return
    overage = "billed past the quota" if state.overage_billed else "refused past the quota"
    typer.echo(f"plan: {state.plan.plan.title} ({state.requests_per_minute} requests/min)")
    typer.echo(
        f"tool calls {state.month}: {state.used:,} of {state.monthly_calls:,} "
        f"({state.remaining:,} left; {overage})"
    )
    if state.overage_calls:
        typer.echo(f"overage calls: {state.overage_calls:,}")
    if state.exhausted:
        typer.echo("quota used up: tool calls are refused until the month resets")
    typer.echo(f"resets: {state.resets_at:%Y-%m-%d %H:%M} UTC")
