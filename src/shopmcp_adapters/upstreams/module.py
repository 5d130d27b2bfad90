"""A platform module: its declarative tool table plus the one UpstreamClient that runs it.

Each platform package builds a :class:`PlatformModule` from a list of :class:`Tool` rows
(spec + handler) and a factory that makes its thin client for one connection. The module
checks, once at start, that every spec has exactly one handler; at call time it dispatches
by name and holds the handler's structured output to the tool's output model (the MCP SDK's
low-level server does not check ``structuredContent``; the gateway must).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import attrs
from pydantic import BaseModel, ValidationError

from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import UpstreamResponseInvalid
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease, ToolOutput, UpstreamCall
from shopmcp_domain.tools.spec import ToolSpec

ClientT = TypeVar("ClientT")

# A handler takes the platform client and the validated input, sends one upstream request
# (the spec's operation) and returns the parsed result.
Handler = Callable[[ClientT, Any], Awaitable[ToolOutput]]
ClientFactory = Callable[[Connection, CredentialLease], ClientT]


@attrs.frozen
class Tool(Generic[ClientT]):
    spec: ToolSpec
    handler: Handler[ClientT]


class PlatformModule(Generic[ClientT]):
    def __init__(
        self,
        platform: Platform,
        tools: Sequence[Tool[ClientT]],
        client_factory: ClientFactory[ClientT],
    ) -> None:
        names = [t.spec.name for t in tools]
        if len(names) != len(set(names)):
            raise ValueError(f"{platform.value}: duplicate tool names")
        wrong = [t.spec.name for t in tools if t.spec.platform is not platform]
        if wrong:
            raise ValueError(f"{platform.value}: tools of another platform: {wrong}")
        self.platform = platform
        self._tools = {t.spec.name: t for t in tools}
        self._client_factory = client_factory

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return tuple(t.spec for t in self._tools.values())

    async def call(self, call: UpstreamCall) -> ToolOutput:
        tool = self._tools.get(call.tool.name)
        if tool is None or tool.spec is not call.tool:
            raise LookupError(f"{call.tool.name} is not a {self.platform.value} tool")
        client = self._client_factory(call.connection, call.credentials)
        output = await tool.handler(client, call.arguments)
        return checked_output(self.platform, tool.spec.output_model, output)


def checked_output(platform: Platform, model: type[BaseModel], output: ToolOutput) -> ToolOutput:
    """Round-trip the structured content through the output model so what leaves the gateway
    always matches the advertised ``outputSchema``."""
    try:
        parsed = model.model_validate(output.structured)
    except ValidationError:
        raise UpstreamResponseInvalid(
            platform.value, "the upstream response did not match the tool's output schema"
        ) from None
    return ToolOutput(structured=parsed.model_dump(mode="json"), text=output.text)
