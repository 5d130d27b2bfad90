"""``shopmcp migrate``: create the database roles if missing and apply pending migrations."""

from __future__ import annotations

import asyncio

import typer

from shopmcp_entrypoints.settings import Settings


async def _migrate(settings: Settings) -> str:
    import asyncpg

    from shopmcp_adapters.postgres import migrate, start_embedded

    embedded = None
    if settings.database_url is None:
        embedded = await start_embedded(settings.data_dir)
        url = embedded.admin_url()
    else:
        url = settings.database_url.get_secret_value()
    try:
        conn = await asyncpg.connect(url)
        try:
            report = await migrate(conn)
        finally:
            await conn.close()
    finally:
        if embedded is not None:
            embedded.stop()
    where = "embedded PostgreSQL" if embedded is not None else "SHOPMCP_DATABASE_URL"
    lines = []
    if report.applied:
        lines.append(f"applied {', '.join(f'{v:04d}' for v in report.applied)} on {where}")
    else:
        lines.append(f"database is up to date on {where} (nothing to apply)")
    if report.unknown:
        known = ", ".join(f"{v:04d}" for v in report.unknown)
        lines.append(f"note: the database has migrations this version does not know: {known}")
    return "\n".join(lines)


def migrate() -> None:
    """Create the roles if missing and apply pending migrations (a second run does nothing).

    Uses SHOPMCP_DATABASE_URL, or the embedded PostgreSQL under SHOPMCP_DATA_DIR when unset.
    """
    from shopmcp_adapters.postgres import MigrationError, RoleSetupError

    settings = Settings()
    try:
        message = asyncio.run(_migrate(settings))
    except (MigrationError, RoleSetupError) as error:
        typer.echo(f"migrate: {error}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(message)
