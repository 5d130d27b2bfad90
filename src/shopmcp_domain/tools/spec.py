"""A tool is a declaration: one name, one platform, one upstream operation, one strict input
model. Specs are validated when built, so a loose tool cannot be registered at all."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import Any

import attrs
from pydantic import AliasChoices, AliasPath, BaseModel

from shopmcp_domain.approvals import with_approval_output
from shopmcp_domain.confirmations import (
    WRITE_CONTROL_ARGUMENTS,
    with_preview_output,
    with_write_controls,
)
from shopmcp_domain.keys import Access
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.stores import STORE_ARGUMENT
from shopmcp_domain.tools.whitelist import FORBIDDEN_WRITE_FIELDS, WriteWhitelist
from shopmcp_domain.untrusted import UNTRUSTED_KEY, UNTRUSTED_SCHEMA

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{2,63}$")


def is_tool_name(name: str) -> bool:
    """Whether ``name`` has the form every tool name has (lowercase snake_case, 3-64 ASCII
    characters). Anything else cannot name a tool, whatever is registered."""
    return _NAME_RE.fullmatch(name) is not None


class HttpMethod(enum.StrEnum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"


@attrs.frozen
class UpstreamOperation:
    """The one upstream endpoint a tool is bound to.

    ``path`` is a template with ``{placeholders}`` filled from validated input; ``document`` names
    the fixed GraphQL operation for GraphQL APIs (the document itself is a constant in the
    adapter, never built from input).
    """

    method: HttpMethod
    path: str
    document: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.path.startswith("/"):
            raise ValueError("upstream paths are absolute templates")
        if "?" in self.path or "://" in self.path:
            raise ValueError("upstream paths carry no query string or host")

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}" + (f" #{self.document}" if self.document else "")


@attrs.frozen
class ToolAnnotations:
    """MCP tool annotations (hints to the client; the policy, not these, enforces access)."""

    read_only_hint: bool
    destructive_hint: bool
    idempotent_hint: bool
    open_world_hint: bool = True

    @classmethod
    def read(cls) -> ToolAnnotations:
        return cls(read_only_hint=True, destructive_hint=False, idempotent_hint=True)


@attrs.frozen
class CurrentValues:
    """How a write's preview shows the values it would replace (before -> after), best effort:
    by one of the same platform's own read tools (never a generic request), called with
    arguments taken from the write's locators, whose output names each writable field's
    current value. Data only, so a reviewer sees on one line what the preview reads."""

    read: str
    # read tool argument -> the write's locator field that supplies it
    arguments: Mapping[str, str]
    # the write's writable field -> the read output's top-level field holding its value
    fields: Mapping[str, str]


def _is_strict(model: type[BaseModel]) -> bool:
    return model.model_config.get("extra") == "forbid"


def _alias_keys(alias: str | AliasChoices | AliasPath | None) -> set[str]:
    if isinstance(alias, str):
        return {alias}
    if isinstance(alias, AliasPath):
        first = alias.path[0] if alias.path else None
        return {first} if isinstance(first, str) else set()
    if isinstance(alias, AliasChoices):
        return set().union(*(_alias_keys(choice) for choice in alias.choices))
    return set()


def accepted_keys(model: type[BaseModel]) -> set[str]:
    """Every top-level argument name the model reads: field names and their aliases."""
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys |= {name} | _alias_keys(field.alias) | _alias_keys(field.validation_alias)
    return keys


@attrs.frozen
class ToolSpec:
    name: str
    platform: Platform
    access: Access
    title: str
    description: str
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    operation: UpstreamOperation
    annotations: ToolAnnotations
    whitelist: WriteWhitelist | None = None
    current: CurrentValues | None = None
    # Paths of the output's third-party free-text fields ("orders/-/note"): marked in every
    # result (``shopmcp_domain.untrusted``); the platform's table lists them.
    untrusted_fields: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise ValueError(f"tool spec {self.name!r} is invalid: " + "; ".join(problems))

    def _problems(self) -> list[str]:
        out: list[str] = []
        if not _NAME_RE.fullmatch(self.name):
            out.append("name must be lowercase snake_case")
        if not self.name.startswith(f"{self.platform.value}_"):
            out.append(f"name must start with '{self.platform.value}_'")
        if not _is_strict(self.input_model):
            out.append("input model must forbid extra fields")
        if not self.description.strip():
            out.append("a description is required")
        if STORE_ARGUMENT in accepted_keys(self.input_model):
            # The gateway's own argument: it picks the connection before the input model runs.
            out.append(f"the input model may not declare {STORE_ARGUMENT!r}")
        clash_controls = WRITE_CONTROL_ARGUMENTS & accepted_keys(self.input_model)
        if clash_controls:
            # The gateway's write arguments: taken out before the input model runs.
            out.append(f"the input model may not declare {sorted(clash_controls)}")
        fields = set(self.input_model.model_fields)
        if self.access is Access.READ:
            if not self.annotations.read_only_hint or self.annotations.destructive_hint:
                out.append("read tools are annotated readOnlyHint=true, destructiveHint=false")
            if self.whitelist is not None:
                out.append("read tools have no write whitelist")
            if self.operation.method not in (HttpMethod.GET, HttpMethod.POST):
                out.append("read tools use GET (or POST for a GraphQL query)")
        else:
            if self.annotations.read_only_hint:
                out.append("write tools are annotated readOnlyHint=false")
            if self.whitelist is None:
                out.append("write tools need a field whitelist")
            else:
                if self.whitelist.accepted != fields:
                    out.append("the whitelist must name exactly the input model's fields")
                clash = self.whitelist.writable & FORBIDDEN_WRITE_FIELDS
                if clash:
                    out.append(f"whitelist names forbidden fields {sorted(clash)}")
                out += self._current_problems(self.whitelist)
        if self.access is Access.READ and self.current is not None:
            out.append("read tools have no current-values read")
        return out

    def _current_problems(self, whitelist: WriteWhitelist) -> list[str]:
        current = self.current
        if current is None:
            return []
        out = []
        if not current.read.startswith(f"{self.platform.value}_") or current.read == self.name:
            out.append("the current-values read is another of the platform's tools")
        if not set(current.arguments.values()) <= whitelist.locators:
            out.append("the current-values read takes only the write's locators")
        if not set(current.fields) <= whitelist.writable:
            out.append("current values are shown only for writable fields")
        return out

    @classmethod
    def read(
        cls,
        name: str,
        platform: Platform,
        title: str,
        description: str,
        input_model: type[BaseModel],
        output_model: type[BaseModel],
        operation: UpstreamOperation,
    ) -> ToolSpec:
        """A read tool: read-only, non-destructive, idempotent, no whitelist."""
        return cls(
            name=name,
            platform=platform,
            access=Access.READ,
            title=title,
            description=description,
            input_model=input_model,
            output_model=output_model,
            operation=operation,
            annotations=ToolAnnotations.read(),
        )

    @classmethod
    def write(
        cls,
        name: str,
        platform: Platform,
        title: str,
        description: str,
        input_model: type[BaseModel],
        output_model: type[BaseModel],
        operation: UpstreamOperation,
        whitelist: WriteWhitelist,
        annotations: ToolAnnotations,
        current: CurrentValues | None = None,
    ) -> ToolSpec:
        """A write tool: its whitelist names exactly the input model's fields, and its hints
        (destructive, idempotent) are stated per tool, never defaulted."""
        return cls(
            current=current,
            name=name,
            platform=platform,
            access=Access.WRITE,
            title=title,
            description=description,
            input_model=input_model,
            output_model=output_model,
            operation=operation,
            annotations=annotations,
            whitelist=whitelist,
        )

    @property
    def is_write(self) -> bool:
        return self.access is Access.WRITE

    def input_schema(self) -> dict[str, Any]:
        schema = self.input_model.model_json_schema()
        # Every write is confirmed: its ``confirmation`` and ``idempotency_key`` arguments are
        # added here, once for every write tool, never declared per tool.
        return with_write_controls(schema) if self.is_write else schema

    def output_schema(self) -> dict[str, Any]:
        # What leaves the gateway is the model's serialised form (field names, not the
        # upstream's validation aliases), plus the list that marks third-party text.
        schema = self.output_model.model_json_schema(mode="serialization")
        if self.untrusted_fields:
            schema["properties"] = {
                **schema.get("properties", {}),
                UNTRUSTED_KEY: UNTRUSTED_SCHEMA,
            }
        if not self.is_write:
            return schema
        # A write answers with its result or its preview (``anyOf``); the marking list is
        # advertised beside both, at the top, as for reads.
        combined = with_approval_output(with_preview_output(schema))
        if self.untrusted_fields:
            combined["properties"] = {UNTRUSTED_KEY: UNTRUSTED_SCHEMA}
        return combined
