"""Playbook use cases shared by the MCP tools, the REST API and the CLI: save (create, or a new
version of an existing one), delete, export, import, enable a library entry.

Which tools a definition may name is the caller's question, passed in as ``tool_problem``:
from the chat, the key's own policy (:func:`scope_tool_problem`: a key cannot save a playbook
that calls a tool it could not call); from the CLI and the dashboard, the registry
(:func:`registry_tool_problem`: the tool exists). Either way, ``run_playbook`` checks every
step against the running key's policy again, through ``call_tool``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shopmcp_domain.errors import (
    Conflict,
    NotFound,
    PlaybookInvalid,
    ToolNotAllowed,
    UnknownTool,
)
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.playbook_definitions import (
    PlaybookDefinition,
    PlaybookExport,
    ToolProblem,
    build_playbook,
    export_document,
    parse_export,
)
from shopmcp_domain.playbook_library import LIBRARY
from shopmcp_domain.playbooks import Playbook
from shopmcp_domain.ports import (
    Clock,
    TenantRepository,
)
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.registry import ToolRegistry


def registry_tool_problem(registry: ToolRegistry) -> ToolProblem:
    def problem(name: str) -> str | None:
        return None if name in registry else f"unknown tool {name!r}"

    return problem


def scope_tool_problem(scope: RequestScope) -> ToolProblem:
    def problem(name: str) -> str | None:
        try:
            scope.policy.authorise(name)
        except UnknownTool as error:
            return error.message
        except ToolNotAllowed as error:
            return f"tool {name!r} is not available to this key: {error.reason}"
        return None

    return problem


async def save_playbook(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    definition: PlaybookDefinition,
    tool_problem: ToolProblem,
    *,
    replace: bool = False,
) -> Playbook:
    """Create ``definition``, or with ``replace`` store it as the next version of the playbook
    with its name. Raises :class:`PlaybookInvalid`, :class:`Conflict` (the name exists and
    ``replace`` is off, or an edit raced this one), :class:`NotFound` (no such workspace)."""
    # No read of the workspace row first: the MCP runtime role may not read all of it, and
    # adding to a workspace that does not exist is the repository's NotFound.
    async with tenants.unit_of_work(workspace_id) as uow:
        existing = await uow.playbooks.get_by_name(definition.name)
        if existing is None:
            playbook = build_playbook(definition, workspace_id, clock.now(), tool_problem)
            await uow.playbooks.add(playbook)
            return playbook
        if not replace:
            raise Conflict(f"playbook {definition.name!r} exists")
        playbook = build_playbook(
            definition,
            workspace_id,
            existing.created_at,
            tool_problem,
            playbook_id=existing.id,
            version=existing.version + 1,
        )
        if not await uow.playbooks.replace(playbook):
            raise Conflict(f"playbook {definition.name!r} was changed meanwhile; try again")
        return playbook


async def get_playbook(tenants: TenantRepository, workspace_id: WorkspaceId, name: str) -> Playbook:
    async with tenants.unit_of_work(workspace_id) as uow:
        playbook = await uow.playbooks.get_by_name(name)
    if playbook is None:
        raise NotFound("playbook")
    return playbook


async def list_playbooks(
    tenants: TenantRepository, workspace_id: WorkspaceId, *, check_workspace: bool = True
) -> Sequence[Playbook]:
    """``check_workspace``: an unknown workspace is NotFound rather than an empty list (the
    CLI's and the API's question; the MCP runtime, whose scope proved it, skips the read)."""
    async with tenants.unit_of_work(workspace_id) as uow:
        if check_workspace and await uow.workspaces.get() is None:
            raise NotFound("workspace")
        return list(await uow.playbooks.list())


async def delete_playbook(
    tenants: TenantRepository, workspace_id: WorkspaceId, name: str
) -> Playbook:
    async with tenants.unit_of_work(workspace_id) as uow:
        playbook = await uow.playbooks.get_by_name(name)
        if playbook is None or not await uow.playbooks.delete(playbook.id):
            raise NotFound("playbook")
    return playbook


async def export_playbooks(
    tenants: TenantRepository, workspace_id: WorkspaceId, names: Sequence[str] = ()
) -> PlaybookExport:
    playbooks = await list_playbooks(tenants, workspace_id)
    if names:
        missing = set(names) - {p.name for p in playbooks}
        if missing:
            raise NotFound(f"playbook {sorted(missing)[0]!r}")
        playbooks = [p for p in playbooks if p.name in names]
    return export_document(playbooks)


async def import_playbooks(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    document: Any,
    tool_problem: ToolProblem,
    *,
    replace: bool = False,
) -> list[Playbook]:
    """Every playbook of an export document, validated first (unknown tools, templates that do
    not parse: nothing is saved unless all of them pass), then saved one by one."""
    parsed = parse_export(document)
    problems: list[str] = []
    names = [d.name for d in parsed.playbooks]
    if len(set(names)) != len(names):
        problems.append("the document names a playbook twice")
    for definition in parsed.playbooks:
        try:
            build_playbook(definition, workspace_id, clock.now(), tool_problem)
        except PlaybookInvalid as error:
            problems += [f"{definition.name}: {p}" for p in error.problems]
    if problems:
        raise PlaybookInvalid(problems)
    if not replace:
        # A name already taken is refused before the first save, not after some are saved.
        taken = {p.name for p in await list_playbooks(tenants, workspace_id)}
        clash = next((name for name in names if name in taken), None)
        if clash is not None:
            raise Conflict(f"playbook {clash!r} exists (import with replace for a new version)")
    saved = []
    for definition in parsed.playbooks:
        fresh = definition.model_copy(update={"version": None})
        saved.append(
            await save_playbook(tenants, clock, workspace_id, fresh, tool_problem, replace=replace)
        )
    return saved


async def enable_builtin(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    key: str,
    tool_problem: ToolProblem,
) -> Playbook:
    definition = LIBRARY.get(key)
    if definition is None:
        raise NotFound("library playbook")
    return await save_playbook(tenants, clock, workspace_id, definition, tool_problem)
