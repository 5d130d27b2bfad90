"""Tools in their MCP wire form.

Each registered tool's wire form is built once per process. What a request lists is that form
with the ``store`` argument added for the request's stores of the tool's platform; those are
cached per (tool, store labels), so a request whose workspace has the same stores as an earlier
one rebuilds nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import mcp_types as types

from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_domain.tools.stores import with_store_argument

# Each entry shares the tool's schemas and annotations with its base form and adds a few small
# dicts, so this many stay cheap; the bound keeps a gateway serving many workspaces (each with
# its own store names) from growing without end.
SCOPED_WIRE_TOOLS = 8192


def wire_tool(spec: ToolSpec) -> types.Tool:
    """A registry spec as an MCP tool (snake_case here, camelCase on the wire)."""
    hints = spec.annotations
    return types.Tool(
        name=spec.name,
        title=spec.title,
        description=spec.description,
        input_schema=spec.input_schema(),
        output_schema=spec.output_schema(),
        annotations=types.ToolAnnotations(
            title=spec.title,
            read_only_hint=hints.read_only_hint,
            destructive_hint=hints.destructive_hint,
            idempotent_hint=hints.idempotent_hint,
            open_world_hint=hints.open_world_hint,
        ),
    )


class WireTools:
    """The wire forms of one registry: built once, then per (tool, labels) on first use."""

    def __init__(
        self,
        registry: ToolRegistry,
        platform_names: Mapping[Platform, str],
        cache_size: int = SCOPED_WIRE_TOOLS,
    ) -> None:
        self._base = {name: wire_tool(spec) for name, spec in registry.items()}
        self._platform_name = {
            spec.name: platform_names.get(spec.platform, spec.platform.value)
            for spec in registry.values()
        }
        self._scoped = functools.lru_cache(maxsize=cache_size)(self._build)

    def _build(self, name: str, labels: tuple[str, ...]) -> types.Tool:
        base = self._base[name]
        if not labels:
            return base
        schema = with_store_argument(base.input_schema, self._platform_name[name], labels)
        return base.model_copy(update={"input_schema": schema})

    def for_scope(self, scope: RequestScope, spec: ToolSpec) -> types.Tool:
        """The tool as this scope sees it: its input schema with the ``store`` argument
        listing the scope's stores of the tool's platform."""
        return self._scoped(spec.name, scope.stores(spec.platform).labels)

    def input_schema(self, scope: RequestScope, spec: ToolSpec) -> dict[str, Any]:
        return self.for_scope(scope, spec).input_schema

    def cache_info(self) -> functools._CacheInfo:
        return self._scoped.cache_info()
