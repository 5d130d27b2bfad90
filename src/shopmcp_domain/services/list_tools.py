"""The tools/list use case: exactly the tools the scope's policy allows."""

from __future__ import annotations

from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.spec import ToolSpec


def list_tools(scope: RequestScope) -> tuple[ToolSpec, ...]:
    return scope.policy.allowed
