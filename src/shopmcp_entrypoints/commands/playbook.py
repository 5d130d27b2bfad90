"""``shopmcp playbook``: a workspace's playbooks, in both modes::

shopmcp playbook add --workspace <id> --name weekly --template "..." --argument since
shopmcp playbook add --workspace <id> --file steps.json [--replace]   (either mode, as JSON)
shopmcp playbook list --workspace <id>
shopmcp playbook show --workspace <id> --name weekly [--version 2]
shopmcp playbook history --workspace <id> --name weekly      (every saved version, newest first)
shopmcp playbook restore --workspace <id> --name weekly --version 2   (saved as a new version)
shopmcp playbook remove --workspace <id> --name weekly
shopmcp playbook export --workspace <id> [--name weekly ...] [--output FILE]
shopmcp playbook import --workspace <id> --file FILE [--replace]
shopmcp playbook library                      (the built-in playbooks)
shopmcp playbook enable --workspace <id> --name reconcile-shopify-xero
shopmcp playbook schema                       (the export format's JSON Schema)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from shopmcp_domain.errors import NotFound
from shopmcp_domain.playbook_definitions import (
    definition_of,
    export_json_schema,
    parse_definition,
)
from shopmcp_domain.playbook_library import LIBRARY
from shopmcp_domain.playbooks import Playbook, PlaybookArgument, PlaybookVersion
from shopmcp_domain.services import onboarding
from shopmcp_domain.services import playbooks as use_cases
from shopmcp_entrypoints.commands._admin import (
    Admin,
    command_group,
    run_admin,
    workspace_id,
)
from shopmcp_entrypoints.tool_catalog import registered_tools

playbook_app = command_group(
    "Playbooks: saved prompts (served as MCP prompts) and tool-steps jobs (run_playbook)."
)


def _read_json(path: Path) -> Any:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, ValueError) as error:
        raise typer.BadParameter(f"cannot read JSON from {path}: {error}") from None


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=False)


@playbook_app.command("add")
def playbook_add(
    workspace: str = typer.Option(..., help="Workspace id."),
    name: str = typer.Option(
        "", help="Prompt name: 1-64 of [a-z0-9_-], starting with a letter or a digit."
    ),
    template: str = typer.Option("", help="Text with {argument} placeholders."),
    description: str = typer.Option("", help="What the prompt is for."),
    argument: list[str] = typer.Option(  # noqa: B008
        [], help="An argument: name, name:description, or name?:description when optional."
    ),
    file: Path | None = typer.Option(  # noqa: B008
        None, help="A playbook definition as JSON (either mode; '-' reads stdin)."
    ),
    replace: bool = typer.Option(False, help="With --file: save as a new version."),
) -> None:
    """Save a playbook: a prompt from --name/--template, or any playbook from --file."""
    ws = workspace_id(workspace)
    if file is not None:
        definition = parse_definition(_read_json(file))

        async def save(a: Admin) -> Playbook:
            return await use_cases.save_playbook(
                a.tenants,
                a.clock,
                ws,
                definition,
                use_cases.registry_tool_problem(registered_tools()),
                replace=replace,
            )

        saved = run_admin(save)
        typer.echo(f"saved playbook {saved.name} (version {saved.version})")
        return
    if not name or not template:
        raise typer.BadParameter("give --name and --template, or --file")

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
            f"{playbook.name} ({playbook.mode.value}, v{playbook.version}): "
            f"{playbook.description or '-'} [{arguments or 'no arguments'}]"
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


@playbook_app.command("show")
def playbook_show(
    workspace: str = typer.Option(..., help="Workspace id."),
    name: str = typer.Option(..., help="The playbook's name."),
    version: int | None = typer.Option(
        None, min=1, help="An earlier version, as it was saved (see `playbook history`)."
    ),
) -> None:
    """One playbook as JSON (the shape --file and import take): its current version, or
    --version N exactly as it was saved."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> Playbook:
        if version is None:
            return await use_cases.get_playbook(a.tenants, ws, name)
        return (await use_cases.get_playbook_version(a.tenants, ws, name, version)).playbook

    playbook = run_admin(work)
    typer.echo(_dump(definition_of(playbook).model_dump(mode="json", exclude_none=True)))


@playbook_app.command("history")
def playbook_history(
    workspace: str = typer.Option(..., help="Workspace id."),
    name: str = typer.Option(..., help="The playbook's name."),
) -> None:
    """Every saved version of a playbook, newest first: the version a usage row names
    (playbook_version) is shown in full by `playbook show --version N`."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> list[PlaybookVersion]:
        return list(await use_cases.playbook_versions(a.tenants, ws, name))

    for saved in run_admin(work):
        playbook = saved.playbook
        typer.echo(
            f"v{saved.version}  {saved.saved_at.isoformat()}  {playbook.mode.value}  "
            f"{playbook.description or '-'}"
        )


@playbook_app.command("restore")
def playbook_restore(
    workspace: str = typer.Option(..., help="Workspace id."),
    name: str = typer.Option(..., help="The playbook's name."),
    version: int = typer.Option(..., min=1, help="The version to bring back."),
) -> None:
    """Save version N's definition as the playbook's next version (history is kept whole:
    nothing is rewritten). Its tools are checked again, as for any save."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> Playbook:
        return await use_cases.restore_playbook(
            a.tenants,
            a.clock,
            ws,
            name,
            version,
            use_cases.registry_tool_problem(registered_tools()),
        )

    restored = run_admin(work)
    typer.echo(f"restored playbook {restored.name} version {version} as version {restored.version}")


@playbook_app.command("export")
def playbook_export(
    workspace: str = typer.Option(..., help="Workspace id."),
    name: list[str] = typer.Option([], help="Only these playbooks (repeat)."),  # noqa: B008
    output: Path | None = typer.Option(None, help="Write to this file, not stdout."),  # noqa: B008
) -> None:
    """The workspace's playbooks as one JSON document (see `playbook schema`)."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> Any:
        return await use_cases.export_playbooks(a.tenants, ws, name)

    document = run_admin(work)
    text = _dump(document.model_dump(mode="json", exclude_none=True))
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"exported {len(document.playbooks)} playbook(s) to {output}", err=True)


@playbook_app.command("import")
def playbook_import(
    workspace: str = typer.Option(..., help="Workspace id."),
    file: Path = typer.Option(..., help="An export document ('-' reads stdin)."),  # noqa: B008
    replace: bool = typer.Option(False, help="Save existing names as new versions."),
) -> None:
    """Import an export document: every playbook is validated first (unknown tools and
    invalid templates are refused), and nothing is saved unless all pass."""
    ws = workspace_id(workspace)
    document = _read_json(file)

    async def work(a: Admin) -> list[Playbook]:
        return await use_cases.import_playbooks(
            a.tenants,
            a.clock,
            ws,
            document,
            use_cases.registry_tool_problem(registered_tools()),
            replace=replace,
        )

    saved = run_admin(work)
    for playbook in saved:
        typer.echo(f"imported playbook {playbook.name} (version {playbook.version})")


@playbook_app.command("library")
def playbook_library() -> None:
    """The built-in playbooks a workspace can enable."""
    for key, definition in LIBRARY.items():
        typer.echo(f"{key}: {definition.description}")


@playbook_app.command("enable")
def playbook_enable(
    workspace: str = typer.Option(..., help="Workspace id."),
    name: str = typer.Option(..., help="A built-in playbook (see `playbook library`)."),
) -> None:
    """Save a copy of a built-in playbook in the workspace."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> Playbook:
        return await use_cases.enable_builtin(
            a.tenants, a.clock, ws, name, use_cases.registry_tool_problem(registered_tools())
        )

    saved = run_admin(work)
    typer.echo(f"enabled playbook {saved.name}")


@playbook_app.command("schema")
def playbook_schema() -> None:
    """The JSON Schema of the export format (also in docs/playbooks.schema.json)."""
    typer.echo(_dump(export_json_schema()))
