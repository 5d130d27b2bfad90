"""``shopmcp playbook``: a workspace's saved prompts, which MCP clients list as prompts::

shopmcp playbook add --workspace <id> --name weekly --template "..." --argument since
shopmcp playbook list --workspace <id>
shopmcp playbook remove --workspace <id> --name weekly
"""

from __future__ import annotations

import typer

from shopmcp_domain.errors import NotFound
from shopmcp_domain.playbooks import Playbook, PlaybookArgument
from shopmcp_domain.services import onboarding
from shopmcp_entrypoints.commands._admin import (
    Admin,
    command_group,
    run_admin,
    workspace_id,
)

playbook_app = command_group("Playbooks: saved prompts, served as MCP prompts.")


@playbook_app.command("add")
def playbook_add(
    workspace: str = typer.Option(..., help="Workspace id."),
    name: str = typer.Option(
        ..., help="Prompt name: 1-64 of [a-z0-9_-], starting with a letter or a digit."
    ),
    template: str = typer.Option(..., help="Text with {argument} placeholders."),
    description: str = typer.Option("", help="What the prompt is for."),
    argument: list[str] = typer.Option(  # noqa: B008
        [], help="An argument: name, name:description, or name?:description when optional."
    ),
) -> None:
    """Save a playbook; MCP clients list it as a prompt."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> Playbook:
        # Built inside, so a malformed argument is the same one-line refusal as a bad name.
        arguments = []
        for spec in argument:
            arg_name, _, arg_description = spec.partition(":")
            arguments.append(
                PlaybookArgument(
                    arg_name.rstrip("?"),
                    description=arg_description,
                    required=not arg_name.endswith("?"),
                )
            )
        return await onboarding.add_playbook(
            a.tenants, a.clock, ws, name, description, template, arguments
        )

    playbook = run_admin(work)
    typer.echo(f"saved playbook {playbook.name}")


@playbook_app.command("list")
def playbook_list(workspace: str = typer.Option(..., help="Workspace id.")) -> None:
    """The workspace's playbooks, with their arguments."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> list[Playbook]:
        async with a.tenants.unit_of_work(ws) as uow:
            if await uow.workspaces.get() is None:
                raise NotFound("workspace")
            return list(await uow.playbooks.list())

    playbooks = run_admin(work)
    if not playbooks:
        typer.echo("no playbooks")
    for playbook in playbooks:
        arguments = ", ".join(
            a.name if a.required else f"{a.name} (optional)" for a in playbook.arguments
        )
        typer.echo(
            f"{playbook.name}: {playbook.description or '-'} [{arguments or 'no arguments'}]"
        )


@playbook_app.command("remove")
def playbook_remove(
    workspace: str = typer.Option(..., help="Workspace id."),
    name: str = typer.Option(..., help="The playbook's name."),
) -> None:
    """Delete a playbook; clients stop listing its prompt."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> None:
        async with a.tenants.unit_of_work(ws) as uow:
            playbook = await uow.playbooks.get_by_name(name)
            if playbook is None:
                raise NotFound("playbook")
            await uow.playbooks.delete(playbook.id)

    run_admin(work)
    typer.echo(f"removed playbook {name}")
