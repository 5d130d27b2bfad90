"""``shopmcp audit``: the audit trail's integrity, checked on the owner connection::

    shopmcp audit verify --workspace <id>     # OK, or the first broken link; exit 1 on a break

Each workspace's usage events form a hash chain (migration 0011). ``verify`` walks it from
its anchor (where retention last pruned it) to its end and recomputes every link; an edited,
deleted, inserted or reordered row, or missing newest rows, is reported with the row, what
was expected and what was found.
"""

from __future__ import annotations

import typer

from shopmcp_domain.audit_chain import ChainReport
from shopmcp_domain.services.audit_verify import verify_audit
from shopmcp_entrypoints.commands._admin import Admin, command_group, run_admin, workspace_id

audit_app = command_group("The audit trail's integrity (the usage events' hash chain).")


def report_lines(report: ChainReport) -> list[str]:
    if report.broken is None:
        return [f"OK: workspace {report.workspace_id}, {report.links_checked} links verified"]
    broken = report.broken
    where = f"row {broken.row_id}" if broken.row_id is not None else "the chain's end"
    return [
        f"BROKEN: workspace {report.workspace_id}, at {where} (link {broken.chain_seq}): "
        f"{broken.problem}",
        f"  expected {broken.expected}",
        f"  found    {broken.found}",
        f"  ({report.links_checked} links before it verified)",
    ]


@audit_app.command("verify")
def verify(workspace: str = typer.Option(..., help="Workspace id.")) -> None:
    """Check the workspace's audit chain; print OK or the first broken link (row id,
    expected vs found). Exit code 1 when the chain is broken."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> ChainReport:
        return await verify_audit(await a.audit_chain(), ws)

    report = run_admin(work)
    for line in report_lines(report):
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(code=1)
