"""``shopmcp billing``: the operator's view of Stripe billing::

    shopmcp billing parked                        # meter records Stripe refused, with the error
    shopmcp billing requeue --all                 # send them again (Stripe dedupes by id)
    shopmcp billing requeue USAGE_EVENT_ID ...    # or only these
    shopmcp billing link --workspace ID --customer cus_...   # the workspace's Stripe customer

``link`` stores the Stripe customer id on the workspace: the meter bills that customer, and
the webhook finds the workspace of a subscription by it.
"""

from __future__ import annotations

import uuid

import typer

from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import UsageEventId
from shopmcp_domain.usage import ParkedMeterRecord
from shopmcp_entrypoints.commands._admin import Admin, command_group, run_admin, workspace_id

billing_app = command_group("Stripe billing: parked meter records, customers.")


@billing_app.command("parked")
def billing_parked(
    limit: int = typer.Option(100, min=1, max=10_000, help="At most this many, oldest first."),
) -> None:
    """Meter records Stripe refused for good (or that ran out of attempts): each with its
    usage event id, workspace, when it was parked and Stripe's error."""

    async def work(a: Admin) -> list[ParkedMeterRecord]:
        from shopmcp_entrypoints.container import provided

        return list(await (await provided(a.container.meter_outbox)).parked(limit))

    parked = run_admin(work)
    if not parked:
        typer.echo("no parked meter records")
        return
    for item in parked:
        kind = "overage" if item.record.overage else "call"
        typer.echo(
            f"{item.record.usage_event_id}  workspace {item.record.workspace_id}  {kind}  "
            f"parked {item.parked_at:%Y-%m-%d %H:%M}Z after {item.attempts} attempt(s)"
        )
        typer.echo(f"    {item.error}")


@billing_app.command("requeue")
def billing_requeue(
    usage_event_ids: list[str] = typer.Argument(None, help="Usage event ids (see `parked`)."),  # noqa: B008
    everything: bool = typer.Option(False, "--all", help="Re-queue every parked record."),
) -> None:
    """Put parked meter records back in the queue (attempts reset). Sending one again never
    bills twice: Stripe deduplicates meter events on their identifier, the usage event id."""
    if bool(usage_event_ids) == everything:
        raise typer.BadParameter("give usage event ids or --all (not both)")
    try:
        ids = None if everything else [UsageEventId(uuid.UUID(v)) for v in usage_event_ids]
    except ValueError:
        raise typer.BadParameter("a usage event id is a UUID") from None

    async def work(a: Admin) -> int:
        from shopmcp_entrypoints.container import provided

        return await (await provided(a.container.meter_outbox)).requeue(ids)

    typer.echo(f"re-queued {run_admin(work)} record(s)")


@billing_app.command("link")
def billing_link(
    workspace: str = typer.Option(..., "--workspace", help="Workspace id."),
    customer: str = typer.Option(..., "--customer", help="Stripe customer id (cus_...)."),
) -> None:
    """Store the workspace's Stripe customer id."""
    if not customer.startswith("cus_") or not 4 < len(customer) <= 255:
        raise typer.BadParameter("a Stripe customer id looks like cus_...")
    ws = workspace_id(workspace)

    async def work(a: Admin) -> None:
        async with a.tenants.unit_of_work(ws) as uow:
            found = await uow.workspaces.get()
            if found is None:
                raise NotFound("workspace")
            await uow.workspaces.update(found.set_billing_customer(customer))

    run_admin(work)
    typer.echo(f"workspace {ws} bills Stripe customer {customer}")
