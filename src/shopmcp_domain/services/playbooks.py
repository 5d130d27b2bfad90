"""Playbook use cases shared by the MCP tools, the REST API and the CLI: save (create, or a new
version of an existing one), delete, export, import, enable a library entry, and the history:
every saved version, read back, and restored as a new version (history is never rewritten).

Which tools a definition may name is the caller's question, passed in as ``tool_problem``:
from the chat, the key's own policy (:func:`scope_tool_problem`: a key cannot save a playbook
that calls a tool it could not call); from the CLI and the dashboard, the registry
(:func:`registry_tool_problem`: the tool exists). Either way, ``run_playbook`` checks every
step against the running key's policy again, through ``call_tool``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from shopmcp_domain.connections import Connection
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
    definition_of,
    export_document,
    parse_export,
)
from shopmcp_domain.playbook_library import ENTRIES
from shopmcp_domain.playbook_library_stores import library_definition
from shopmcp_domain.playbooks import MAX_PLAYBOOK_VERSION, Playbook, PlaybookVersion
from shopmcp_domain.ports import (
    Clock,
    PlaybookRepository,
    TenantRepository,
    TenantUnitOfWork,
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


def _next(
    existing: Playbook | None,
    clock: Clock,
    workspace_id: WorkspaceId,
    definition: PlaybookDefinition,
    tool_problem: ToolProblem,
    *,
    replace: bool,
) -> Playbook:
    """The playbook a save stores over ``existing`` (the one with the definition's name, if
    any): validated, version 1 when new, else the next version with the same id."""
    if existing is None:
        return build_playbook(definition, workspace_id, clock.now(), tool_problem)
    if not replace:
        raise Conflict(f"playbook {definition.name!r} exists")
    return build_playbook(
        definition,
        workspace_id,
        existing.created_at,
        tool_problem,
        playbook_id=existing.id,
        version=existing.version + 1,
    )


async def _store(
    playbooks: PlaybookRepository,
    playbook: Playbook,
    replaces: Playbook | None,
    *,
    saved_at: dt.datetime,
) -> None:
    if replaces is None:
        await playbooks.add(playbook)
    elif not await playbooks.replace(playbook, saved_at=saved_at):
        raise Conflict(f"playbook {playbook.name!r} was changed meanwhile; try again")


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
        playbook = _next(existing, clock, workspace_id, definition, tool_problem, replace=replace)
        await _store(uow.playbooks, playbook, existing, saved_at=clock.now())
        return playbook


async def preview_save(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    definition: PlaybookDefinition,
    tool_problem: ToolProblem,
    *,
    replace: bool = False,
) -> tuple[Playbook, Playbook | None]:
    """What :func:`save_playbook` would store now, and the playbook it would replace (None:
    a new one), with the same checks and errors; nothing is stored."""
    async with tenants.unit_of_work(workspace_id) as uow:
        existing = await uow.playbooks.get_by_name(definition.name)
    playbook = _next(existing, clock, workspace_id, definition, tool_problem, replace=replace)
    return playbook, existing


async def store_previewed(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    playbook: Playbook,
    replaces: Playbook | None,
) -> Playbook:
    """Store a playbook :func:`preview_save` returned: only if the workspace still has
    exactly what the preview saw (no playbook with its name, or ``replaces`` at its version);
    :class:`Conflict` otherwise."""
    async with tenants.unit_of_work(workspace_id) as uow:
        await _store(uow.playbooks, playbook, replaces, saved_at=clock.now())
    return playbook


async def get_playbook(tenants: TenantRepository, workspace_id: WorkspaceId, name: str) -> Playbook:
    async with tenants.unit_of_work(workspace_id) as uow:
        playbook = await uow.playbooks.get_by_name(name)
    if playbook is None:
        raise NotFound("playbook")
    return playbook


async def _current(uow: TenantUnitOfWork, name: str) -> Playbook:
    playbook = await uow.playbooks.get_by_name(name)
    if playbook is not None:
        return playbook
    # Which of the two is missing, for the CLI (the API has checked the workspace already).
    raise NotFound("playbook" if await uow.workspaces.get() is not None else "workspace")


async def playbook_versions(
    tenants: TenantRepository, workspace_id: WorkspaceId, name: str
) -> Sequence[PlaybookVersion]:
    """Every stored version of the playbook called ``name``, newest first. A deleted
    playbook's history is kept (it is in the workspace export) but is no longer found by
    name: a new playbook may take the name, with a history of its own."""
    async with tenants.unit_of_work(workspace_id) as uow:
        playbook = await _current(uow, name)
        return list(await uow.playbooks.versions(playbook.id))


async def get_playbook_version(
    tenants: TenantRepository, workspace_id: WorkspaceId, name: str, version: int
) -> PlaybookVersion:
    """Version ``version`` of the playbook called ``name``, exactly as it was saved."""
    async with tenants.unit_of_work(workspace_id) as uow:
        playbook = await _current(uow, name)
        return await _version_of(uow, playbook, version)


async def _version_of(uow: TenantUnitOfWork, playbook: Playbook, version: int) -> PlaybookVersion:
    # Out of range is simply not found (and never reaches a 32-bit column as an error).
    in_range = 1 <= version <= MAX_PLAYBOOK_VERSION
    found = await uow.playbooks.get_version(playbook.id, version) if in_range else None
    if found is None:
        # Versions saved before history was kept (migration 0016) are not stored either.
        raise NotFound(f"playbook {playbook.name!r} version {version}")
    return found


async def restore_playbook(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    name: str,
    version: int,
    tool_problem: ToolProblem,
) -> Playbook:
    """Save version ``version``'s definition as the playbook's next version: the history
    keeps every version in between, and usage rows keep naming what they ran. The old
    definition is validated again (a tool it names may be gone): :class:`PlaybookInvalid`.
    :class:`Conflict` if an edit raced this one, :class:`NotFound` for no such playbook or
    version."""
    async with tenants.unit_of_work(workspace_id) as uow:
        current = await _current(uow, name)
        old = await _version_of(uow, current, version)
        playbook = _next(
            current,
            clock,
            workspace_id,
            definition_of(old.playbook),
            tool_problem,
            replace=True,
        )
        await _store(uow.playbooks, playbook, current, saved_at=clock.now())
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
    tenants: TenantRepository,
    workspace_id: WorkspaceId,
    name: str,
    *,
    expected: Playbook | None = None,
) -> Playbook:
    """Delete the playbook named ``name``. With ``expected`` (a confirmed delete), only if it
    is still that playbook at that version: :class:`Conflict` otherwise."""
    async with tenants.unit_of_work(workspace_id) as uow:
        playbook = await uow.playbooks.get_by_name(name)
        if playbook is None:
            raise NotFound("playbook")
        if expected is not None and (playbook.id, playbook.version) != (
            expected.id,
            expected.version,
        ):
            raise Conflict(f"playbook {name!r} was changed meanwhile; try again")
        if not await uow.playbooks.delete(playbook.id):
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
    *,
    connections: Sequence[Connection] | None = None,
) -> Playbook:
    """Save a copy of the library entry ``key``. A per-store entry is built from the
    workspace's stores (``connections``: the caller's, e.g. a key's scope; else read here) and
    the tools ``tool_problem`` lets the caller use (see :func:`library_definition`). Raises
    :class:`NotFound` (no such entry, or workspace), :class:`PlaybookInvalid`, :class:`Conflict`."""
    if key not in ENTRIES:
        raise NotFound("library playbook")
    if connections is None and ENTRIES[key].per_store:
        async with tenants.unit_of_work(workspace_id) as uow:
            if await uow.workspaces.get() is None:
                raise NotFound("workspace")
            connections = list(await uow.connections.list())
    definition = library_definition(key, connections or (), tool_problem)
    return await save_playbook(tenants, clock, workspace_id, definition, tool_problem)
