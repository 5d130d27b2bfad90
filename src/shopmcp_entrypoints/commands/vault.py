"""``shopmcp vault``: the master keys that wrap every credential's data key.

Rotating a master key::

    shopmcp vault new-local-key                   # embedded default: a new local key, active
    shopmcp vault rewrap --to local:<fingerprint>
    shopmcp vault retire-key local:<old fingerprint>
    # or, with KMS: point SHOPMCP_KMS_KEY_ID at the new key, restart, then
    shopmcp vault rewrap --to <new key id, alias or ARN>
    shopmcp vault retire-key <old key ARN>        # checks, then says how to disable it in KMS

``rewrap`` re-wraps every credential's data key under the target key; ciphertexts are never
rewritten. It is idempotent and resumable: credentials already under the target are skipped,
so an interrupted run is simply run again (``--after <credential id>`` starts past a point).
Run it again until it reports nothing left; then retire the old key.

The commands' former spellings (``shopmcp keys rewrap|new-local|list-local``) still work,
hidden, for one release.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shopmcp_adapters.vault.keyring import LOCAL_PREFIX
from shopmcp_adapters.vault.rotation import (
    Rewrapper,
    RewrapReport,
    RewrapSource,
    count_wrapped_under,
    rewrap_all,
)
from shopmcp_domain.ids import CredentialId
from shopmcp_entrypoints.commands._admin import command_group, fail
from shopmcp_entrypoints.settings import Settings

if TYPE_CHECKING:
    from shopmcp_adapters.vault import LocalKeyRing
    from shopmcp_entrypoints.container import Container

vault_app = command_group(
    "Master keys: re-wrap credentials under a new key, create local keys, retire old keys."
)
# The former spellings, hidden: `shopmcp keys rewrap|new-local|list-local`.
legacy_keys_app = command_group("Former name of `shopmcp vault`.", hidden_alias=True)


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
    from shopmcp_entrypoints.container import (
        build_container,
        provided,
        resolve,
    )

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


@vault_app.command("rewrap")
@legacy_keys_app.command("rewrap")
def rewrap(
    to: str = typer.Option(..., "--to", help="Target master key: local:<fingerprint> or KMS."),
    batch_size: int = typer.Option(100, min=1, max=10_000, help="Credentials per batch."),
    after: str | None = typer.Option(None, help="Resume after this credential id."),
) -> None:
    """Re-wrap every credential's data key under the key TO (ciphertexts untouched); then
    retire the old key with `shopmcp vault retire-key`."""
    settings = Settings()
    try:
        report = asyncio.run(_rewrap_from_settings(settings, to, batch_size, _credential_id(after)))
    except ValueError as error:  # unknown target key, no master keys configured
        typer.echo(f"rewrap: {error}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(describe(report))
    if not report.complete:
        raise typer.Exit(code=1)


@vault_app.command("new-local-key")
@legacy_keys_app.command("new-local")
def new_local(
    activate: bool = typer.Option(True, help="Seal new credentials under it (from next start)."),
) -> None:
    """Create a new local master key in SHOPMCP_DATA_DIR and print its id."""
    ring = _local_keys()
    key_id = ring.create_key()
    if activate:
        ring.activate(key_id)
    typer.echo(key_id)


@vault_app.command("list-local-keys")
@legacy_keys_app.command("list-local")
def list_local() -> None:
    """List the local master keys in SHOPMCP_DATA_DIR (the active one is marked)."""
    ring = _local_keys()
    for key_id in sorted(ring.key_ids):
        typer.echo(f"{key_id}{'  (active)' if key_id == ring.active_key_id else ''}")


async def _retire_check(settings: Settings, key_id: str, container: Container | None = None) -> str:
    """The stored form of ``key_id`` (a KMS alias resolves to its ARN), once sure it may go:
    not the key new credentials are sealed under, and nothing wrapped under it any more."""
    from shopmcp_entrypoints.container import (
        build_container,
        provided,
        resolve,
    )

    container = container or build_container(settings)
    try:
        if key_id.startswith(LOCAL_PREFIX):
            ring = container.local_keys()
            if key_id not in ring.key_ids:
                fail(f"no local key {key_id} in {ring.directory}")
            if key_id == ring.active_key_id and not settings.kms_key_id:
                fail(
                    f"{key_id} is the active key: create another (shopmcp vault new-local-key), "
                    "rewrap to it, then retire this one"
                )
            stored = key_id
        else:
            if settings.kms_key_id and key_id == settings.kms_key_id:
                fail(f"{key_id} is SHOPMCP_KMS_KEY_ID, the key new credentials are sealed under")
            stored = await container.rewrap_vault(to_key_id=key_id).resolve_key_id(key_id)
        source = await provided(container.rewrap_source)
        remaining = await count_wrapped_under(source, stored)
        if remaining:
            fail(
                f"{remaining} credential(s) are still wrapped under {stored}: run "
                "`shopmcp vault rewrap --to <the current key>` until it reports done, then retry"
            )
        return stored
    finally:
        await resolve(container.shutdown_resources)


@vault_app.command("retire-key")
def retire_key(
    key_id: str = typer.Argument(..., help="The old master key: local:<fingerprint> or KMS."),
    yes: bool = typer.Option(False, "--yes", help="Delete a local key file without asking."),
) -> None:
    """Retire a master key once nothing is wrapped under it. A local key file is deleted; a KMS
    key is checked, and the commands that disable and delete it in KMS are printed (the
    gateway's AWS role should not be allowed to delete keys)."""
    settings = Settings()
    try:
        stored = asyncio.run(_retire_check(settings, key_id))
    except ValueError as error:  # a KMS key the vault cannot resolve
        fail(f"retire-key: {error}", code=2)
    if key_id.startswith(LOCAL_PREFIX):
        if not yes:
            typer.confirm(
                f"Nothing is wrapped under {key_id}. Delete its key file for good (a database "
                "backup from before the rewrap could then never be opened)?",
                abort=True,
            )
        _local_keys().remove_key(key_id)
        typer.echo(f"retired {key_id}: its key file is deleted")
        return
    typer.echo(f"nothing is wrapped under {stored} any more. Retire it in KMS:")
    typer.echo(f"  aws kms disable-key --key-id {stored}          # reversible: enable-key")
    typer.echo(f"  aws kms schedule-key-deletion --key-id {stored} --pending-window-in-days 30")
