"""``shopmcp keys``: master-key rotation and local master keys.

Rotating a master key::

    shopmcp keys new-local                      # embedded default: a new local key, made active
    shopmcp keys rewrap --to local:<fingerprint>
    # or, with KMS: point SHOPMCP_KMS_KEY_ID at the new key, restart, then
    shopmcp keys rewrap --to <new key id, alias or ARN>

``rewrap`` re-wraps every credential's data key under the target key; ciphertexts are never
rewritten. It is idempotent and resumable: credentials already under the target are skipped,
so an interrupted run is simply run again (``--after <credential id>`` starts past a point).
Run it again until it reports nothing left; then the old key can be retired.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shopmcp_adapters.vault.rotation import Rewrapper, RewrapReport, RewrapSource, rewrap_all
from shopmcp_domain.ids import CredentialId
from shopmcp_entrypoints.settings import Settings

if TYPE_CHECKING:
    from shopmcp_adapters.vault import LocalKeyRing
    from shopmcp_entrypoints.container import Container

keys_app = typer.Typer(
    no_args_is_help=True, help="Master keys: re-wrap credentials under a new key, local keys."
)


async def run_rewrap(
    source: RewrapSource,
    vault: Rewrapper,
    to_key_id: str,
    *,
    batch_size: int = 100,
    after: CredentialId | None = None,
    console: Console | None = None,
) -> RewrapReport:
    """Re-wrap with a progress bar on ``console``; returns the report."""
    console = console or Console(stderr=True)
    columns = (
        TextColumn("[bold]re-wrapping[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("rewrap", total=None)

        def update(report: RewrapReport) -> None:
            progress.update(task, total=max(report.total, report.seen), completed=report.seen)

        report = await rewrap_all(
            source, vault, to_key_id, batch_size=batch_size, after=after, on_progress=update
        )
        progress.update(task, total=max(report.total, report.seen), completed=report.seen)
    return report


def describe(report: RewrapReport) -> str:
    lines = [
        f"target key: {report.target_key_id}",
        f"re-wrapped {report.rewrapped}, already under the target {report.skipped}, "
        f"changed during the run {report.changed}, failed {len(report.failed)}",
    ]
    if report.failed:
        shown = ", ".join(str(i) for i in report.failed[:20])
        more = f" (and {len(report.failed) - 20} more)" if len(report.failed) > 20 else ""
        lines.append(f"could not re-wrap: {shown}{more} (see the shopmcp.audit.vault log)")
    if report.changed:
        lines.append("some credentials were re-sealed during the run: run the command again")
    if report.complete:
        lines.append("done: nothing is wrapped under another key any more")
    return "\n".join(lines)


async def _rewrap_from_settings(
    settings: Settings,
    to_key_id: str,
    batch_size: int,
    after: CredentialId | None,
    container: Container | None = None,
) -> RewrapReport:
    # Imported here: the container pulls in the web stack, which `shopmcp --help` should not
    # pay for.
    from shopmcp_entrypoints.container import build_container, provided, resolve

    container = container or build_container(settings)
    try:
        vault = container.rewrap_vault(to_key_id=to_key_id)
        await vault.resolve_key_id(to_key_id)  # an unknown target fails before the database opens
        source = await provided(container.rewrap_source)
        return await run_rewrap(source, vault, to_key_id, batch_size=batch_size, after=after)
    finally:
        await resolve(container.shutdown_resources)


def _local_keys() -> LocalKeyRing:
    from shopmcp_entrypoints.container import build_container

    return build_container(Settings()).local_keys()


def _credential_id(value: str | None) -> CredentialId | None:
    if value is None:
        return None
    try:
        return CredentialId(uuid.UUID(value))
    except ValueError:
        raise typer.BadParameter("not a credential id (a UUID)") from None


@keys_app.command("rewrap")
def rewrap(
    to: str = typer.Option(..., "--to", help="Target master key: local:<fingerprint> or KMS."),
    batch_size: int = typer.Option(100, min=1, max=10_000, help="Credentials per batch."),
    after: str | None = typer.Option(None, help="Resume after this credential id."),
) -> None:
    """Re-wrap every credential's data key under the key TO (ciphertexts untouched)."""
    settings = Settings()
    try:
        report = asyncio.run(_rewrap_from_settings(settings, to, batch_size, _credential_id(after)))
    except ValueError as error:  # unknown target key, no master keys configured
        typer.echo(f"rewrap: {error}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(describe(report))
    if not report.complete:
        raise typer.Exit(code=1)


@keys_app.command("new-local")
def new_local(
    activate: bool = typer.Option(True, help="Seal new credentials under it (from next start)."),
) -> None:
    """Create a new local master key in SHOPMCP_DATA_DIR and print its id."""
    ring = _local_keys()
    key_id = ring.create_key()
    if activate:
        ring.activate(key_id)
    typer.echo(key_id)


@keys_app.command("list-local")
def list_local() -> None:
    """List the local master keys in SHOPMCP_DATA_DIR (the active one is marked)."""
    ring = _local_keys()
    for key_id in sorted(ring.key_ids):
        typer.echo(f"{key_id}{'  (active)' if key_id == ring.active_key_id else ''}")
