"""Every tool the gateway can register, as one registry: what a playbook saved from the CLI or
the dashboard API may name (the chat's create_playbook checks the key's own policy instead)."""

from __future__ import annotations

import functools

from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.tools.registry import ToolRegistry


@functools.cache
def registered_tools() -> ToolRegistry:
    # Built on first use, not at import: the specs are static, the registry is shared.
    return ToolRegistry(spec for package in PACKAGES for spec in package.tools.specs)
