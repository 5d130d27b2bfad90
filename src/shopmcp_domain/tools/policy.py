"""Tool policy: the single place that decides which tools a request may see and call.

It is a pure function of data (the registry, the platforms whose writes the operator has
locked, the workspace's connected platforms and write opt-ins, the key's scopes), so a test can
enumerate it. A tool outside the policy is never listed and never callable.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import attrs

from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import (
    ToolNotAllowed,
    UnknownTool,
    writes_locked_reason,
)
from shopmcp_domain.keys import Access, KeyScopes
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.spec import ToolSpec, is_tool_name
from shopmcp_domain.workspaces import Workspace


@attrs.frozen
class ToolPolicy:
    allowed: tuple[ToolSpec, ...]
    # Why each registered-but-hidden tool is hidden: used only to word a refusal.
    refusals: dict[str, str] = attrs.field(eq=False, hash=False)

    @functools.cached_property
    def _by_name(self) -> dict[str, ToolSpec]:
        return {spec.name: spec for spec in self.allowed}

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._by_name)

    def authorise(self, name: str) -> ToolSpec:
        if not is_tool_name(name):
            # A NUL byte, a control character or an unbounded string names no tool.
            raise UnknownTool(name)
        spec = self._by_name.get(name)
        if spec is not None:
            return spec
        reason = self.refusals.get(name)
        if reason is None:
            raise UnknownTool(name)
        raise ToolNotAllowed(name, reason)


def _refusal(
    spec: ToolSpec,
    writes_locked: frozenset[Platform],
    active: bool,
    write_enabled: frozenset[Platform],
    connected: frozenset[Platform],
    scopes: KeyScopes,
) -> str | None:
    if not active:
        return "the workspace is pending deletion"
    if spec.platform not in connected:
        return f"no active {spec.platform.value} connection"
    if not scopes.permits(spec.platform, spec.access):
        return f"this key has no {spec.access.value} access to {spec.platform.value}"
    # The operator's lock comes before the workspace's opt-in: an opt-in applies only to a
    # platform the operator has unlocked.
    if spec.access is Access.WRITE and spec.platform in writes_locked:
        return writes_locked_reason(spec.platform.value)
    if spec.access is Access.WRITE and spec.platform not in write_enabled:
        return f"write tools for {spec.platform.value} are not enabled for this workspace"
    return None


# Keyed on the few inputs that matter, so workspaces with the same shape share one entry.
@functools.lru_cache(maxsize=4096)
def _compute(
    registry: ToolRegistry,
    writes_locked: frozenset[Platform],
    active: bool,
    write_enabled: frozenset[Platform],
    connected: frozenset[Platform],
    scopes: KeyScopes,
) -> ToolPolicy:
    allowed: list[ToolSpec] = []
    refusals: dict[str, str] = {}
    for spec in registry.values():
        reason = _refusal(spec, writes_locked, active, write_enabled, connected, scopes)
        if reason is None:
            allowed.append(spec)
        else:
            refusals[spec.name] = reason
    return ToolPolicy(allowed=tuple(allowed), refusals=refusals)


def tool_policy(
    registry: ToolRegistry,
    workspace: Workspace,
    connections: Iterable[Connection],
    scopes: KeyScopes,
    *,
    writes_locked: frozenset[Platform],
) -> ToolPolicy:
    """Connected platforms x read-only default x operator write lock x per-module write opt-in
    x key scopes. ``writes_locked``: the platforms whose write tools the operator has not
    unlocked (computed once at start); their write tools stay hidden whatever the opt-in."""
    connected = frozenset(c.platform for c in connections if c.is_usable)
    return _compute(
        registry, writes_locked, workspace.is_active, workspace.write_enabled, connected, scopes
    )
