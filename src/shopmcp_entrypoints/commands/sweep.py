"""``shopmcp sweep``: the retention sweep, an operator job on the owner connection::

    shopmcp sweep                                  # erasures past 30 days, history past retention
    shopmcp sweep --now 2026-03-01T00:00:00Z       # as if run then (tests, catching up)
    shopmcp sweep --erasure-window-days 7          # erase sooner than the 30-day default

Run it at least daily (cron, a scheduled job; the worker's scheduler once it lands): an
erasure request is honoured by the first sweep after its window, so the window plus the sweep
interval must stay within the 30 days the security page promises.
"""

from __future__ import annotations

import datetime as dt

import typer

from shopmcp_domain.retention import DEFAULT_ERASURE_WINDOW, SweepReport
from shopmcp_domain.services.sweep import sweep as run_sweep
from shopmcp_entrypoints.commands._admin import Admin, run_admin


def _instant(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("an ISO 8601 time, e.g. 2026-03-01T00:00:00Z") from None
    if parsed.tzinfo is None:
        raise typer.BadParameter("give a time zone (Z or +00:00)")
    return parsed.astimezone(dt.UTC)


def sweep(
    now: str | None = typer.Option(
        None, "--now", help="Sweep as of this ISO 8601 time instead of the clock's (tests)."
    ),
    erasure_window_days: float = typer.Option(
        DEFAULT_ERASURE_WINDOW.days,
        "--erasure-window-days",
        min=0,
        max=DEFAULT_ERASURE_WINDOW.days,
        help="Erase workspaces whose erasure was requested at least this long ago.",
    ),
) -> None:
    """Remove what the gateway no longer keeps: every row of workspaces whose erasure window
    has passed, usage events and audit entries past their plan's retention, spent sign-in codes,
    ended sessions, expired OAuth connect flows, and expired write confirmations and kept
    write results. Prints counts only."""
    at = _instant(now)
    window = dt.timedelta(days=erasure_window_days)

    async def work(a: Admin) -> SweepReport:
        return await run_sweep(
            await a.retention(),
            a.clock,
            now=at,
            erasure_window=window,
            confirmations=await a.confirmations(),
        )

    for line in run_admin(work).lines():
        typer.echo(line)
