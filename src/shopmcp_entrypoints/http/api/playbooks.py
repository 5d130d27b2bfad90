"""A workspace's ``/playbooks``: list, save (a new version with ``?replace=true``), show,
delete, export, import, the built-in library and the export format's JSON Schema, and each
playbook's history: ``/{name}/versions`` (newest first), ``/{name}/versions/{n}`` (exactly as
saved: what a usage row's ``playbook_version`` ran) and ``/{name}/versions/{n}/restore`` (saved
as the next version; nothing is rewritten).

Viewers read; admins change. A definition may name any registered tool (a key's scopes are
checked when a playbook runs, step by step, through ``call_tool``). Refusals are problem
details: an invalid playbook is 422 ``invalid_playbook`` listing each problem.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel

from shopmcp_domain.accounts import Role
from shopmcp_domain.playbook_definitions import (
    PlaybookDefinition,
    PlaybookExport,
    ToolProblem,
    definition_of,
    export_json_schema,
)
from shopmcp_domain.playbook_library import ENTRIES, LIBRARY
from shopmcp_domain.playbooks import Playbook, PlaybookVersion
from shopmcp_domain.services import playbooks as use_cases
from shopmcp_domain.services.dashboard import Access
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.auth import MEMBER, needs
from shopmcp_entrypoints.tool_catalog import registered_tools


class PlaybookOut(BaseModel):
    id: str
    version: int
    definition: PlaybookDefinition

    @classmethod
    def of(cls, playbook: Playbook) -> PlaybookOut:
        return cls(
            id=str(playbook.id), version=playbook.version, definition=definition_of(playbook)
        )


class PlaybookVersionOut(BaseModel):
    id: str
    version: int
    saved_at: dt.datetime
    definition: PlaybookDefinition

    @classmethod
    def of(cls, saved: PlaybookVersion) -> PlaybookVersionOut:
        return cls(
            id=str(saved.playbook.id),
            version=saved.version,
            saved_at=saved.saved_at,
            definition=definition_of(saved.playbook),
        )


class LibraryEntryOut(BaseModel):
    """``per_store``: enabling keeps the steps of ``platforms`` the workspace has stores of
    (once per store); else the definition is stored as it is."""

    key: str
    platforms: list[str]
    per_store: bool
    definition: PlaybookDefinition


def _tools() -> ToolProblem:
    return use_cases.registry_tool_problem(registered_tools())


class Playbooks(Controller):
    path = "/api/v1/workspaces/{workspace_id:uuid}/playbooks"
    tags = ("playbooks",)
    dependencies = MEMBER

    @get("/", opt=needs(Role.VIEWER))
    async def list_all(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> list[PlaybookOut]:
        """Every playbook of the workspace, both modes, at its current version."""
        playbooks = await use_cases.list_playbooks(dashboard.tenants, access.workspace_id)
        return [PlaybookOut.of(p) for p in playbooks]

    @post("/", opt=needs(Role.ADMIN))
    async def create(
        self,
        data: JSONBody[PlaybookDefinition],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
        replace: FromQuery[bool] = False,
    ) -> PlaybookOut:
        """Save a playbook (validated: unknown tools, templates that do not parse, references
        to undeclared arguments or later steps are 422). ``replace=true``: a new version of the
        playbook with this name."""
        access.ensure_active()
        saved = await use_cases.save_playbook(
            dashboard.tenants, dashboard.clock, access.workspace_id, data, _tools(), replace=replace
        )
        return PlaybookOut.of(saved)

    @get("/export", opt=needs(Role.VIEWER))
    async def export(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> PlaybookExport:
        """Every playbook as one document (the schema is at ``/schema``)."""
        return await use_cases.export_playbooks(dashboard.tenants, access.workspace_id)

    @post("/import", opt=needs(Role.ADMIN))
    async def import_document(
        self,
        data: JSONBody[PlaybookExport],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
        replace: FromQuery[bool] = False,
    ) -> list[PlaybookOut]:
        """Import an export document: all validated first, nothing saved unless all pass."""
        access.ensure_active()
        saved = await use_cases.import_playbooks(
            dashboard.tenants,
            dashboard.clock,
            access.workspace_id,
            data.model_dump(mode="json"),
            _tools(),
            replace=replace,
        )
        return [PlaybookOut.of(p) for p in saved]

    @get("/schema", opt=needs(Role.VIEWER))
    async def schema(self, access: NamedDependency[Access]) -> dict[str, Any]:
        """The JSON Schema of the export document. (``access`` is asked for its check: a
        non-member gets the same 404 as on every workspace route.)"""
        return export_json_schema()

    @get("/library", opt=needs(Role.VIEWER))
    async def library(self, access: NamedDependency[Access]) -> list[LibraryEntryOut]:
        """The built-in playbooks a workspace can enable."""
        return [
            LibraryEntryOut(
                key=key,
                platforms=[p.value for p in ENTRIES[key].platforms],
                per_store=ENTRIES[key].per_store,
                definition=definition,
            )
            for key, definition in LIBRARY.items()
        ]

    @post("/library/{key:str}", opt=needs(Role.ADMIN))
    async def enable(
        self,
        key: FromPath[str],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> PlaybookOut:
        """Enable a built-in playbook: a copy saved in the workspace, validated like any; a
        per-store one keeps the steps of the workspace's connected stores (none: 422)."""
        access.ensure_active()
        saved = await use_cases.enable_builtin(
            dashboard.tenants, dashboard.clock, access.workspace_id, key[:64], _tools()
        )
        return PlaybookOut.of(saved)

    @get("/{name:str}", opt=needs(Role.VIEWER))
    async def show(
        self,
        name: FromPath[str],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> PlaybookOut:
        return PlaybookOut.of(
            await use_cases.get_playbook(dashboard.tenants, access.workspace_id, name[:64])
        )

    @get("/{name:str}/versions", opt=needs(Role.VIEWER))
    async def versions(
        self,
        name: FromPath[str],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> list[PlaybookVersionOut]:
        """Every saved version of the playbook, newest first."""
        history = await use_cases.playbook_versions(
            dashboard.tenants, access.workspace_id, name[:64]
        )
        return [PlaybookVersionOut.of(v) for v in history]

    @get("/{name:str}/versions/{version:int}", opt=needs(Role.VIEWER))
    async def version(
        self,
        name: FromPath[str],
        version: FromPath[int],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> PlaybookVersionOut:
        """One version, exactly as it was saved."""
        saved = await use_cases.get_playbook_version(
            dashboard.tenants, access.workspace_id, name[:64], version
        )
        return PlaybookVersionOut.of(saved)

    @post("/{name:str}/versions/{version:int}/restore", opt=needs(Role.ADMIN))
    async def restore(
        self,
        name: FromPath[str],
        version: FromPath[int],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> PlaybookOut:
        """Save this version's definition as the playbook's next version (validated again: a
        tool it names may be gone, 422). The history keeps every version."""
        access.ensure_active()
        restored = await use_cases.restore_playbook(
            dashboard.tenants,
            dashboard.clock,
            access.workspace_id,
            name[:64],
            version,
            _tools(),
        )
        return PlaybookOut.of(restored)

    @delete("/{name:str}", opt=needs(Role.ADMIN))
    async def remove(
        self,
        name: FromPath[str],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> None:
        await use_cases.delete_playbook(dashboard.tenants, access.workspace_id, name[:64])


ROUTES = [Playbooks]
