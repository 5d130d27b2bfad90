"""The gateway's own MCP tools for playbooks: ``run_playbook``, ``list_playbooks``,
``create_playbook``, ``enable_library_playbook`` and ``delete_playbook``.

They are not upstream tools (no platform, no connection), so they are not in the registry; the
MCP endpoint lists them beside the policy's tools and routes their calls here. Each call is
admitted and audited like any tools/call (one usage event and meter record, with the
playbook's id and version when there is one); ``run_playbook``'s steps are ``call_tool``
calls of their own (see :mod:`shopmcp_domain.services.run_playbook`).

``create_playbook``, ``enable_library_playbook`` and ``delete_playbook`` change the workspace:
they are write tools (annotated so, listed only to a key with write access, refused to any
other), previewed and confirmed like a platform's writes
(:mod:`shopmcp_domain.services.playbook_writes`): their input schemas carry ``confirmation`` and
``idempotency_key``, and a first call saves or deletes nothing.

``list_playbooks`` also lists the built-in library (so a model can offer an entry), and
``enable_library_playbook`` saves one: the definition is built as ``enable_builtin`` builds it
from the CLI or the dashboard, here from the key's scope (its stores, and the tools its policy
lets it call), then planned as a ``create_playbook`` of that definition. Its confirmation is
bound to the built definition, not only to the key: a store connected between the preview and
the confirmation changes what would be saved, so the code no longer matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopmcp_domain.confirmation_ports import ConfirmationStore
from shopmcp_domain.confirmations import (
    WriteControls,
    split_write_controls,
    with_write_controls,
)
from shopmcp_domain.errors import (
    AuditUnavailable,
    Conflict,
    InternalError,
    InvalidArguments,
    ShopMcpError,
    ToolNotAllowed,
    UsageStatus,
)
from shopmcp_domain.ids import new_usage_event_id
from shopmcp_domain.keys import Access
from shopmcp_domain.playbook_definitions import PlaybookDefinition, definition_of
from shopmcp_domain.playbook_library import ENTRIES
from shopmcp_domain.playbook_library_stores import library_definition
from shopmcp_domain.ports import (
    AuditLog,
    Clock,
    ToolOutput,
)
from shopmcp_domain.services import playbooks as use_cases
from shopmcp_domain.services.admission import Admission, raise_if_refused
from shopmcp_domain.services.call_tool import PlaybookStamp
from shopmcp_domain.services.playbook_writes import ManagedCall, managed_call
from shopmcp_domain.services.run_playbook import (
    PlaybookRunDeps,
    RunArgumentsError,
    run_playbook,
    summary_text,
)
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.usage import MeterRecord, UsageEvent


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunPlaybookInput(_Input):
    name: str = Field(max_length=64, description="The playbook's name (list_playbooks).")
    arguments: dict[str, Any] = Field(default_factory=dict, description="The playbook's arguments.")
    confirmations: dict[str, str] = Field(
        default_factory=dict,
        max_length=50,
        description="After a run stopped with status confirmation_required: each pending "
        "write's key mapped to the confirmation code the run returned.",
    )


class ListPlaybooksInput(_Input):
    pass


class CreatePlaybookInput(_Input):
    playbook: PlaybookDefinition
    replace: bool = Field(
        default=False, description="Save as a new version of the playbook with this name."
    )


class EnableLibraryPlaybookInput(_Input):
    key: str = Field(max_length=64, description="A library entry's key (list_playbooks' library).")


class DeletePlaybookInput(_Input):
    name: str = Field(max_length=64)


@attrs.frozen
class GatewayTool:
    name: str
    title: str
    description: str
    input_model: type[BaseModel]
    write: bool

    def input_schema(self) -> dict[str, Any]:
        schema = self.input_model.model_json_schema()
        # A write's first call is a preview: the gateway's confirmation arguments, as on every
        # platform write tool.
        return with_write_controls(schema) if self.write else schema


PLAYBOOK_TOOLS: dict[str, GatewayTool] = {
    t.name: t
    for t in (
        GatewayTool(
            "run_playbook",
            "Run a playbook",
            "Run a tool-steps playbook of this workspace: each step is a tool call with this "
            "key's permissions. Returns each step's outcome. A write step may stop the run "
            "asking for confirmation: call again with the confirmations it lists.",
            RunPlaybookInput,
            write=False,
        ),
        GatewayTool(
            "list_playbooks",
            "List playbooks",
            "This workspace's playbooks (both modes), with their arguments, steps and version; "
            "and the built-in library: each entry's key, description, platforms, whether it "
            "is built per store, and whether this workspace has it (enable_library_playbook).",
            ListPlaybooksInput,
            write=False,
        ),
        GatewayTool(
            "create_playbook",
            "Create a playbook",
            "Save a playbook: 'instructions' (a prompt template with {argument} placeholders) "
            "or 'tool_steps' (steps of tool calls whose arguments may use {{ args.x }} and "
            "{{ steps.id.path }}; filter and reconcile steps). Every tool must be one this key "
            "may call. replace=true saves a new version in place of the current one. The "
            "first call saves nothing: it returns a preview and a confirmation code to use "
            "after the user approves (or, where writes are approved on the dashboard, no code: "
            "call again once a person has approved it there).",
            CreatePlaybookInput,
            write=True,
        ),
        GatewayTool(
            "enable_library_playbook",
            "Enable a library playbook",
            "Save a copy of a built-in library playbook (its key from list_playbooks' library) "
            "in this workspace: a per-store entry keeps the steps of this workspace's stores "
            "whose tools this key may call. The first call saves nothing: it returns a preview "
            "and a confirmation code to use after the user approves (or, where writes are "
            "approved on the dashboard, no code: call again once a person has approved it "
            "there).",
            EnableLibraryPlaybookInput,
            write=True,
        ),
        GatewayTool(
            "delete_playbook",
            "Delete a playbook",
            "Delete one of this workspace's playbooks by name. The first call deletes nothing: "
            "it returns a preview and a confirmation code to use after the user approves (or, "
            "where writes are approved on the dashboard, no code: call again once a person has "
            "approved it there).",
            DeletePlaybookInput,
            write=True,
        ),
    )
}


def visible_playbook_tools(scope: RequestScope) -> tuple[GatewayTool, ...]:
    if not scope.workspace.is_active:
        return ()
    can_write = Access.WRITE in scope.key.scopes.access
    return tuple(t for t in PLAYBOOK_TOOLS.values() if can_write or not t.write)


@attrs.frozen
class PlaybookToolDeps:
    clock: Clock
    audit: AuditLog
    run: PlaybookRunDeps
    # create_playbook and delete_playbook are confirmed like a platform's writes.
    confirmations: ConfirmationStore


def _validated(tool: GatewayTool, arguments: Mapping[str, Any]) -> Any:
    try:
        return tool.input_model.model_validate(dict(arguments))
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or '(arguments)'}: {e['msg']}"
            for e in error.errors(include_url=False, include_input=False)
        ]
        raise InvalidArguments(tool.name, problems) from None


def _listing(playbooks: Any) -> ToolOutput:
    items = [definition_of(p).model_dump(mode="json", exclude_none=True) for p in playbooks]
    lines = [
        f"- {p.name} ({p.mode.value}, version {p.version}): {p.description}" for p in playbooks
    ]
    text = "\n".join(lines) if lines else "No playbooks yet."
    # Enabled means a playbook with the entry's name exists, as the dashboard's library says.
    names = {p.name for p in playbooks}
    library = [
        {
            "key": entry.key,
            "description": entry.description,
            "platforms": [p.value for p in entry.platforms],
            "per_store": entry.per_store,
            "enabled": entry.key in names,
        }
        for entry in ENTRIES.values()
    ]
    offered = [f"- {e['key']}" for e in library if not e["enabled"]]
    if offered:
        text += "\nLibrary playbooks this workspace can enable (enable_library_playbook):\n"
        text += "\n".join(offered)
    return ToolOutput({"playbooks": items, "library": library}, text)


def _library_call(scope: RequestScope, name: str, args: EnableLibraryPlaybookInput) -> ManagedCall:
    """A create of the library entry as ``enable_builtin`` would build it for this key: its
    stores and the tools its policy lets it call. Planned and confirmed as that create, with the
    built definition as the arguments the code is bound to. An unknown key or a per-store entry
    with no usable store is refused here, before any code."""
    definition = library_definition(
        args.key, scope.connections, use_cases.scope_tool_problem(scope)
    )
    return ManagedCall(scope, name, CreatePlaybookInput(playbook=definition), definition=definition)


async def call_playbook_tool(
    deps: PlaybookToolDeps,
    scope: RequestScope,
    admission: Admission,
    name: str,
    arguments: Mapping[str, Any] | None,
) -> ToolOutput:
    """One call of a playbook tool, audited whatever its outcome."""
    started = deps.clock.monotonic()
    status = UsageStatus.OK
    error_class: str | None = None
    stamp: PlaybookStamp | None = None
    try:
        raise_if_refused(admission)
        tool = PLAYBOOK_TOOLS[name]
        if tool not in visible_playbook_tools(scope):
            raise ToolNotAllowed(name, "this key has no write access")
        arguments = arguments or {}
        controls = WriteControls()
        if tool.write:
            # Taken out first, as for a platform write: the input model never sees them.
            controls, arguments = split_write_controls(name, arguments)
        args = _validated(tool, arguments)
        ws = scope.workspace.id
        tenants = scope.tenants
        if isinstance(args, RunPlaybookInput):
            playbook = await use_cases.get_playbook(tenants, ws, args.name)
            stamp = PlaybookStamp(playbook.id, playbook.version)
            try:
                summary = await run_playbook(
                    deps.run, scope, playbook, args.arguments, args.confirmations
                )
            except RunArgumentsError as error:
                raise InvalidArguments(name, [str(error)]) from None
            return ToolOutput(summary, summary_text(summary))
        if isinstance(args, ListPlaybooksInput):
            return _listing(await use_cases.list_playbooks(tenants, ws, check_workspace=False))
        if isinstance(args, CreatePlaybookInput):
            call = ManagedCall(scope, name, args, definition=args.playbook, replace=args.replace)
        elif isinstance(args, EnableLibraryPlaybookInput):
            call = _library_call(scope, name, args)
        else:
            assert isinstance(args, DeletePlaybookInput)
            call = ManagedCall(scope, name, args, playbook_name=args.name)
        try:
            managed = await managed_call(deps.clock, deps.confirmations, tenants, call, controls)
        except Conflict as error:
            # A playbook with the entry's name exists (enabling never replaces one).
            if type(error) is not Conflict or not isinstance(args, EnableLibraryPlaybookInput):
                raise
            raise Conflict(
                f"library playbook {args.key!r} is already enabled in this workspace "
                f"(a playbook named {args.key!r} exists)"
            ) from None
        status = managed.status
        if managed.playbook is not None:
            stamp = PlaybookStamp(managed.playbook.id, managed.playbook.version)
        return managed.output
    except ShopMcpError as error:
        status = error.usage_status
        error_class = type(error).__name__
        raise
    except Exception as error:
        status = UsageStatus.INTERNAL_ERROR
        error_class = type(error).__name__
        raise InternalError() from error
    finally:
        event = UsageEvent(
            id=new_usage_event_id(),
            workspace_id=scope.workspace.id,
            key_prefix=scope.key.prefix,
            tool=name,
            connection_id=None,
            latency_ms=round((deps.clock.monotonic() - started) * 1000, 3),
            status=status,
            error_class=error_class,
            created_at=deps.clock.now(),
            playbook_id=stamp.playbook_id if stamp else None,
            playbook_version=stamp.version if stamp else None,
        )
        try:
            await deps.audit.record(event, MeterRecord.for_event(event))
        except Exception as error:
            if isinstance(error, ShopMcpError) and not isinstance(error, InternalError):
                raise
            raise AuditUnavailable() from error
