"""A workspace's playbooks page: the playbooks (both modes, at their current version), each
with a page of its own showing its arguments, its instructions or steps, and its history
(every saved version, newest first, each older one with a "Restore" button), the built-in
library with an "Enable" button per entry, delete, import (an export document pasted or
uploaded) and export (the same JSON document as ``GET /api/v1/.../playbooks/export``).

The roles are the REST playbook routes' own: a viewer reads and downloads, an admin changes.
Each action calls the same use case the REST API does (``services.playbooks``), with the same
tool check (the registry: the tool exists). Playbook text is the merchant's (and an imported
document anyone's): it is only ever shown escaped, templates and argument templates as text in
``<pre>``, never interpreted. A refused enable or import is shown on the page with its reasons;
a refused import keeps the submitted text in the form, and saves nothing.

Paths: the export is ``playbooks/export.json`` and the actions have more than one segment
(``{name}/delete``, ``{name}/versions/{n}/restore``, ``library/{key}/enable``), so no
playbook name (``[a-z0-9_-]``, no dot) can shadow a route, and every playbook has its page.
"""

from __future__ import annotations

import json
import re
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from shopmcp_domain.accounts import Role
from shopmcp_domain.errors import PlaybookInvalid, ShopMcpError
from shopmcp_domain.playbook_definitions import ToolProblem
from shopmcp_domain.playbook_library import LIBRARY
from shopmcp_domain.playbook_steps import AnyStep, ToolStep, steps_tools
from shopmcp_domain.playbooks import Playbook, PlaybookMode
from shopmcp_domain.services import playbooks as use_cases
from shopmcp_domain.services.dashboard import Access
from shopmcp_domain.services.sign_in import SignedIn
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.auth import MEMBER, needs
from shopmcp_entrypoints.http.api.schemas import WorkspaceOut
from shopmcp_entrypoints.http.web.account_pages import account_chrome
from shopmcp_entrypoints.http.web.rendering import PAGE_HEADERS, page, see_other, text
from shopmcp_entrypoints.tool_catalog import registered_tools

BASE = "/workspaces/{workspace_id:uuid}/settings/playbooks"
# Refusals a merchant can act on (a name taken, a definition refused, a workspace suspended):
# shown on the page. Anything else (an unknown library key, say) is the error page.
_SHOWN_ON_FORM = (400, 403, 409, 422, 429)
_MODES = {PlaybookMode.INSTRUCTIONS: "instructions", PlaybookMode.TOOL_STEPS: "tool steps"}
_NOTICES = {
    "enabled": "Enabled: a copy of the library playbook is saved in this workspace.",
    "imported": "Imported: every playbook in the document passed its checks and is saved.",
    "deleted": "Playbook deleted.",
    "restored": "Restored: that version's definition is saved as the newest version.",
}
_FILENAME_UNSAFE = re.compile(r"[^a-z0-9]+")


def _tools() -> ToolProblem:
    # The REST API's and the CLI's check: a playbook may name any registered tool (a key's
    # scopes are checked step by step when it runs).
    return use_cases.registry_tool_problem(registered_tools())


def _chrome(
    signed_in: SignedIn, dashboard: DashboardPorts, access: Access, done: str | None = None
) -> dict[str, Any]:
    return {
        **account_chrome(signed_in, dashboard),
        "workspace": WorkspaceOut.of(access.workspace, access.role),
        "role": access.role.value,
        "can_change": access.role.allows(Role.ADMIN),
        "current": "playbooks",
        "notice": _NOTICES.get(done or "", ""),
    }


def _where(access: Access, done: str | None = None) -> str:
    path = f"/workspaces/{access.workspace_id}/settings/playbooks"
    return path + (f"?done={done}" if done else "")


def _shown(error: ShopMcpError) -> bool:
    return error.http_status in _SHOWN_ON_FORM


def _problems(error: ShopMcpError) -> list[str]:
    return list(error.problems) if isinstance(error, PlaybookInvalid) else []


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


def _step_view(number: int, step: AnyStep) -> dict[str, Any]:
    """One step as the detail page lists it: its id and kind, the tool a tool step calls, and
    the rest (argument templates, for_each, a filter's or reconcile's fields) as JSON text."""
    rest = step.model_dump(mode="json", exclude={"kind", "id", "tool"}, exclude_none=True)
    return {
        "number": number,
        "id": step.id,
        "kind": step.kind,
        "tool": step.tool if isinstance(step, ToolStep) else None,
        "details": _pretty(rest) if rest else "",
    }


def _playbook_view(playbook: Playbook) -> dict[str, Any]:
    return {
        "name": playbook.name,
        "description": playbook.description,
        "mode": _MODES[playbook.mode],
        "version": playbook.version,
        "builtin": playbook.builtin,
        "created_at": playbook.created_at,
        "arguments": playbook.arguments,
        "template": playbook.template if playbook.mode is PlaybookMode.INSTRUCTIONS else "",
        "steps": [_step_view(n, s) for n, s in enumerate(playbook.steps, start=1)],
    }


async def _playbooks_page(
    signed_in: SignedIn,
    dashboard: DashboardPorts,
    access: Access,
    status: int = 200,
    done: str | None = None,
    failed: dict[str, Any] | None = None,
) -> Template:
    playbooks = await use_cases.list_playbooks(dashboard.tenants, access.workspace_id)
    names = {p.name for p in playbooks}
    library = [
        {
            "key": key,
            "description": definition.description,
            "tools": sorted(set(steps_tools(definition.steps))),
            "enabled": key in names,
        }
        for key, definition in LIBRARY.items()
    ]
    return page(
        "playbooks.html",
        status,
        playbooks=[_playbook_view(p) for p in playbooks],
        library=library,
        failed=failed or {},
        **_chrome(signed_in, dashboard, access, done),
    )


# --------------------------------------------------------------------------- reading


@get(BASE, dependencies=MEMBER, opt=needs(Role.VIEWER), include_in_schema=False)
async def playbooks(
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
    done: FromQuery[str | None] = None,
) -> Template:
    return await _playbooks_page(signed_in, dashboard, access, done=done)


def _filename(access: Access, day: str) -> str:
    """``shopmcp-playbooks-<workspace name>-<day>.json``: ASCII only, so the header needs no
    encoding and no name can smuggle a quote or a path into it."""
    slug = _FILENAME_UNSAFE.sub("-", access.workspace.name.lower()).strip("-")[:40].strip("-")
    return f"shopmcp-playbooks-{slug or 'workspace'}-{day}.json"


@get(f"{BASE}/export.json", dependencies=MEMBER, opt=needs(Role.VIEWER), include_in_schema=False)
async def export(
    access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
) -> Response[bytes]:
    """Every playbook as one export document, downloaded (what import reads back)."""
    document = await use_cases.export_playbooks(dashboard.tenants, access.workspace_id)
    filename = _filename(access, dashboard.clock.now().date().isoformat())
    return Response(
        document.model_dump_json(indent=2).encode() + b"\n",
        media_type="application/json; charset=utf-8",
        headers={
            **PAGE_HEADERS,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


async def _playbook_page(
    signed_in: SignedIn,
    dashboard: DashboardPorts,
    access: Access,
    name: str,
    status: int = 200,
    done: str | None = None,
    failed: dict[str, Any] | None = None,
) -> Template:
    found = await use_cases.get_playbook(dashboard.tenants, access.workspace_id, name)
    history = await use_cases.playbook_versions(dashboard.tenants, access.workspace_id, name)
    return page(
        "playbook.html",
        status,
        playbook=_playbook_view(found),
        versions=[
            {
                "version": v.version,
                "saved_at": v.saved_at,
                "mode": _MODES[v.playbook.mode],
                "description": v.playbook.description,
                "current": v.version == found.version,
            }
            for v in history
        ],
        failed=failed or {},
        **_chrome(signed_in, dashboard, access, done),
    )


@get(f"{BASE}/{{name:str}}", dependencies=MEMBER, opt=needs(Role.VIEWER), include_in_schema=False)
async def playbook(
    name: FromPath[str],
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
    done: FromQuery[str | None] = None,
) -> Template:
    """The playbook at its current version, and its history (newest first)."""
    return await _playbook_page(signed_in, dashboard, access, name[:64], done=done)


# --------------------------------------------------------------------------- changing


@post(
    f"{BASE}/library/{{key:str}}/enable",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def enable(
    key: FromPath[str],
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Template | Redirect:
    try:
        access.ensure_active()
        await use_cases.enable_builtin(
            dashboard.tenants, dashboard.clock, access.workspace_id, key[:64], _tools()
        )
    except ShopMcpError as error:
        if not _shown(error):
            raise
        failed = {
            "action": "enable",
            "key": key[:64],
            "message": f"{key[:64]} was not enabled: {error.message}",
            "problems": _problems(error),
        }
        return await _playbooks_page(signed_in, dashboard, access, error.http_status, failed=failed)
    return see_other(_where(access, "enabled"))


@post(
    f"{BASE}/{{name:str}}/delete",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def delete(
    name: FromPath[str],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Redirect:
    await use_cases.delete_playbook(dashboard.tenants, access.workspace_id, name[:64])
    return see_other(_where(access, "deleted"))


@post(
    f"{BASE}/{{name:str}}/versions/{{version:int}}/restore",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def restore(
    name: FromPath[str],
    version: FromPath[int],
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Template | Redirect:
    """Save an earlier version's definition as the next version (validated again: a tool it
    names may be gone; the refusal is shown on the playbook's page, nothing saved)."""
    try:
        access.ensure_active()
        restored = await use_cases.restore_playbook(
            dashboard.tenants,
            dashboard.clock,
            access.workspace_id,
            name[:64],
            version,
            _tools(),
        )
    except ShopMcpError as error:
        if not _shown(error):
            raise
        failed = {
            "action": "restore",
            "message": f"Version {version} was not restored: {error.message}",
            "problems": _problems(error),
        }
        return await _playbook_page(
            signed_in, dashboard, access, name[:64], error.http_status, failed=failed
        )
    return see_other(f"{_where(access)}/{restored.name}?done=restored")


async def _submitted(form: FormMultiDict) -> tuple[str, str]:
    """The document's text (an uploaded file's, when one was chosen, else the pasted text),
    and why it cannot be read, if it cannot."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read()
        if raw:
            try:
                return raw.decode("utf-8-sig"), ""
            except UnicodeDecodeError:
                return "", "The file is not UTF-8 text: choose the JSON file an export saved."
    return text(form, "document"), ""


def _parsed(document: str) -> tuple[Any, str]:
    if not document.strip():
        return None, "Paste an export document or choose its file."
    try:
        return json.loads(document), ""
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        return None, f"The document is not valid JSON ({error.msg} at {where})."
    except RecursionError:
        return None, "The document is nested too deeply to be an export document."


@post(f"{BASE}/import", dependencies=MEMBER, opt=needs(Role.ADMIN), include_in_schema=False)
async def import_document(
    request: Request[Any, Any, Any],
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Template | Redirect:
    """Import an export document: every playbook validated first, nothing saved unless all
    pass; a refusal lists each problem and keeps the submitted text in the form."""
    form = await request.form()
    replace = text(form, "replace") == "on"
    submitted, unreadable = await _submitted(form)
    document, message = _parsed(submitted) if not unreadable else (None, unreadable)
    problems: list[str] = []
    status = 400
    if not message:
        try:
            access.ensure_active()
            await use_cases.import_playbooks(
                dashboard.tenants,
                dashboard.clock,
                access.workspace_id,
                document,
                _tools(),
                replace=replace,
            )
        except ShopMcpError as error:
            if not _shown(error):
                raise
            status = error.http_status
            problems = _problems(error)
            message = (
                "Nothing was imported: the document has these problems."
                if problems
                else f"Nothing was imported: {error.message}"
            )
    if message:
        failed = {
            "action": "import",
            "message": message,
            "problems": problems,
            "values": {"document": submitted, "replace": replace},
        }
        return await _playbooks_page(signed_in, dashboard, access, status, failed=failed)
    return see_other(_where(access, "imported"))


ROUTES = [playbooks, export, playbook, enable, delete, restore, import_document]
