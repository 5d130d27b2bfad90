"""A playbook as portable JSON: what ``create_playbook`` takes, what export writes and import
reads. The JSON Schema published in ``docs/playbooks.schema.json`` is generated from
:class:`PlaybookExport` (``shopmcp playbook schema`` prints it; a test keeps the file current).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopmcp_domain.errors import PlaybookInvalid
from shopmcp_domain.ids import PlaybookId, WorkspaceId, new_playbook_id
from shopmcp_domain.playbook_steps import Step, StepsError, check_steps
from shopmcp_domain.playbooks import Playbook, PlaybookArgument, PlaybookMode

EXPORT_FORMAT: Literal["shopmcp.playbooks"] = "shopmcp.playbooks"
EXPORT_FORMAT_VERSION: Literal[1] = 1
MAX_EXPORTED = 500

ToolProblem = Callable[[str], str | None]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArgumentDefinition(_Model):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
    description: str = Field(default="", max_length=500)
    required: bool = True


class PlaybookDefinition(_Model):
    """One playbook. ``instructions`` mode uses ``template`` (``{argument}`` placeholders);
    ``tool_steps`` mode uses ``steps`` (``{{ args.x }}`` / ``{{ steps.y.path }}`` references)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    description: str = Field(default="", max_length=2_000)
    mode: PlaybookMode = PlaybookMode.INSTRUCTIONS
    arguments: list[ArgumentDefinition] = Field(default_factory=list, max_length=20)
    template: str = Field(default="", max_length=20_000)
    steps: list[Step] = Field(default_factory=list, max_length=20)
    # Informational on export (the version exported); a fresh import starts at version 1.
    version: int | None = Field(default=None, ge=1)
    builtin: str | None = Field(default=None, max_length=64)


class PlaybookExport(_Model):
    format: Literal["shopmcp.playbooks"] = EXPORT_FORMAT
    format_version: Literal[1] = EXPORT_FORMAT_VERSION
    playbooks: list[PlaybookDefinition] = Field(max_length=MAX_EXPORTED)


def definition_of(playbook: Playbook) -> PlaybookDefinition:
    return PlaybookDefinition(
        name=playbook.name,
        description=playbook.description,
        mode=playbook.mode,
        arguments=[
            ArgumentDefinition(name=a.name, description=a.description, required=a.required)
            for a in playbook.arguments
        ],
        template=playbook.template,
        steps=list(playbook.steps),
        version=playbook.version,
        builtin=playbook.builtin,
    )


def parse_definition(data: Any) -> PlaybookDefinition:
    try:
        return PlaybookDefinition.model_validate(data)
    except ValidationError as error:
        raise PlaybookInvalid(_problems(error)) from None


def parse_export(data: Any) -> PlaybookExport:
    try:
        return PlaybookExport.model_validate(data)
    except ValidationError as error:
        raise PlaybookInvalid(_problems(error)) from None


def _problems(error: ValidationError) -> list[str]:
    # Where and what only: pydantic's input echo stays out of messages.
    return [
        f"{'.'.join(str(p) for p in item['loc']) or '(document)'}: {item['msg']}"
        for item in error.errors(include_url=False, include_input=False)
    ]


def build_playbook(
    definition: PlaybookDefinition,
    workspace_id: WorkspaceId,
    now: dt.datetime,
    tool_problem: ToolProblem,
    *,
    playbook_id: PlaybookId | None = None,
    version: int = 1,
) -> Playbook:
    """The domain playbook, validated: every referenced tool passes ``tool_problem`` (it
    exists, and the caller may use it), every template parses, every reference points at a
    declared argument or an earlier step. Raises :class:`PlaybookInvalid` listing each problem."""
    if definition.mode is PlaybookMode.TOOL_STEPS:
        try:
            check_steps(definition.steps, [a.name for a in definition.arguments], tool_problem)
        except StepsError as error:
            raise PlaybookInvalid(error.problems) from None
        if definition.template:
            raise PlaybookInvalid(["a tool-steps playbook has steps, not a template"])
    elif not definition.template.strip():
        raise PlaybookInvalid(["an instructions playbook needs a template"])
    try:
        return Playbook(
            id=playbook_id or new_playbook_id(),
            workspace_id=workspace_id,
            name=definition.name,
            description=definition.description,
            template=definition.template,
            created_at=now,
            arguments=tuple(
                PlaybookArgument(a.name, description=a.description, required=a.required)
                for a in definition.arguments
            ),
            mode=definition.mode,
            steps=tuple(definition.steps),
            version=version,
            builtin=definition.builtin,
        )
    except ValueError as error:
        raise PlaybookInvalid([str(error)]) from None


def export_document(playbooks: Iterable[Playbook]) -> PlaybookExport:
    return PlaybookExport(playbooks=[definition_of(p) for p in playbooks])


def export_json_schema() -> dict[str, Any]:
    schema = PlaybookExport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://shopmcp.dev/schemas/playbooks-v1.json"
    return schema
