"""``shopmcp account``: the dashboard's people, for the operator::

    shopmcp account create --email you@example.com --owner-of <workspace id>   # the first one
    shopmcp account staff --email you@example.com            # opens the admin console
    shopmcp account staff --email you@example.com --revoke
    shopmcp account sessions --email you@example.com --revoke-all

Accounts sign in with a one-time code mailed to their address (``shopmcp mail tail`` shows the
embedded default's mail). The staff flag is set only here, as the database owner: no API route
and no tenant-role statement can set it.
"""

from __future__ import annotations

import typer

from shopmcp_domain.accounts import Account, Membership, Role, normalise_email
from shopmcp_domain.audit import Actor, audit_entry
from shopmcp_domain.dashboard_errors import InvalidRequest
from shopmcp_domain.errors import (
    Conflict,
    NotFound,
)
from shopmcp_domain.services import sign_in
from shopmcp_entrypoints.commands._admin import Admin, command_group, fail, run_admin, workspace_id

account_app = command_group("Dashboard accounts: create one, make it staff, end its sessions.")


def _email(value: str) -> str:
    try:
        return normalise_email(value)
    except InvalidRequest:
        raise typer.BadParameter("not an email address", param_hint="--email") from None


@account_app.command("create")
def account_create(
    email: str = typer.Option(..., help="The address the account signs in with."),
    owner_of: str | None = typer.Option(
        None, help="A workspace id: the account becomes a member of it (owner by default)."
    ),
    role: Role = typer.Option(Role.OWNER, help="Its role in --owner-of's workspace."),  # noqa: B008
) -> None:
    """Create an account (the existing one if the address has one) and print its id."""
    address = _email(email)
    ws = workspace_id(owner_of) if owner_of else None

    async def work(a: Admin) -> str:
        account = await sign_in.create_account(await a.identity(), a.clock, address)
        if ws is not None:
            async with a.tenants.unit_of_work(ws) as uow:
                if await uow.workspaces.get() is None:
                    raise NotFound("workspace")
                try:
                    await uow.members.add(Membership(ws, account.id, role, a.clock.now()))
                except Conflict:
                    fail(f"{address} is already a member of that workspace")
                await uow.audit_entries.add(
                    audit_entry(
                        ws,
                        Actor.cli(),
                        "member.add",
                        "account",
                        account.id,
                        a.clock.now(),
                        role=role.value,
                    )
                )
        return str(account.id)

    typer.echo(run_admin(work))
    typer.echo(
        f"sign in with a code sent to {address}: POST /api/v1/auth/code "
        '{"email": "..."} (shopmcp mail tail shows the mail of the embedded default)',
        err=True,
    )


@account_app.command("staff")
def account_staff(
    email: str = typer.Option(..., help="The account's address."),
    revoke: bool = typer.Option(False, "--revoke", help="Take the staff flag away."),
) -> None:
    """Let an account use the admin console (/api/v1/admin), or stop it."""
    address = _email(email)

    async def work(a: Admin) -> Account | None:
        return await (await a.directory()).set_staff(address, not revoke)

    changed = run_admin(work)
    if changed is None:
        fail(f"no account has the address {address} (shopmcp account create --email ...)")
    typer.echo(f"{address} is {'staff' if changed.is_staff else 'not staff'}")


@account_app.command("sessions")
def account_sessions(
    email: str = typer.Option(..., help="The account's address."),
    revoke_all: bool = typer.Option(False, "--revoke-all", help="Sign it out everywhere."),
) -> None:
    """List an account's sessions, or revoke them all (a lost laptop, a departed colleague)."""
    address = _email(email)

    async def work(a: Admin) -> list[str]:
        identity = await a.identity()
        async with identity.transaction() as uow:
            account = await uow.accounts.find_by_email(address)
            if account is None:
                raise NotFound("account")
            sessions = list(await uow.sessions.list_for(account.id))
        lines = []
        for session in sessions:
            if revoke_all and session.revoked_at is None:
                await sign_in.revoke_session(identity, a.clock, account.id, session.id)
                session = session.revoke(a.clock.now())
            state = (
                "revoked" if session.revoked_at else f"until {session.expires_at:%Y-%m-%d %H:%M}"
            )
            lines.append(f"{session.id}  since {session.created_at:%Y-%m-%d %H:%M}  {state}")
        return lines or ["no sessions"]

    for line in run_admin(work):
        typer.echo(line)
