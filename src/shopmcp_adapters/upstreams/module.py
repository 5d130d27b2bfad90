"""How a platform declares its tools, and the one UpstreamClient that runs them.

Every platform declares its tools the same way: a :class:`ToolTable` for the platform, and
one row per tool written as a decorator (``ToolSpec.read``/``ToolSpec.write`` arguments)
directly above its small handler::

    tools = ToolTable[ShopifyClient](Platform.SHOPIFY)

    @tools.read("shopify_get_shop", "Shop details", "The connected store ...",
                m.GetShopInput, m.ShopOutput, op(docs.GET_SHOP))
    async def get_shop(client: ShopifyClient, args: m.GetShopInput) -> Reply:
        return Reply(m.ShopOutput.model_validate(await client.query(...)), "text")

A handler sends its spec's one upstream operation and parses the response into the tool's
output model (pydantic, with validators for the upstream's shape). A response of the wrong
shape fails that validation, and :class:`PlatformModule` turns the failure into
``UpstreamResponseInvalid`` here, in one place, for every platform; the values that failed
never reach the message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs
from pydantic import BaseModel, ValidationError

from shopmcp_adapters.upstreams.untrusted_fields import untrusted_fields
from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import UpstreamResponseInvalid
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    CredentialLease,
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.tools.spec import CurrentValues, ToolAnnotations, ToolSpec, UpstreamOperation
from shopmcp_domain.tools.whitelist import WriteWhitelist

ClientT = TypeVar("ClientT")
HandlerT = TypeVar("HandlerT", bound=Callable[..., Awaitable["Reply"]])


@attrs.frozen
class Reply:
    """A handler's result: the tool's output model, parsed from the upstream response, and a
    short text for clients that show only text."""

    output: BaseModel
    text: str
    # Protocol-level metadata for the result's ``_meta`` (Xero's remaining rate budget), never
    # part of the structured output.
    meta: Mapping[str, Any] | None = None


# A handler takes the platform client and the validated input, sends one upstream request
# (the spec's operation) and returns the parsed result.
Handler = Callable[[ClientT, Any], Awaitable[Reply]]
ClientFactory = Callable[[Connection, CredentialLease], ClientT]


@attrs.frozen
class Tool(Generic[ClientT]):
    spec: ToolSpec
    handler: Handler[ClientT]


class ToolTable(Generic[ClientT]):
    """A platform's tools, in declaration order. Rows are added by the decorators; the table
    refuses a tool of another platform or a second tool of the same name."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._tools: dict[str, Tool[ClientT]] = {}

    def add(self, spec: ToolSpec, handler: Handler[ClientT]) -> None:
        if spec.platform is not self.platform:
            raise ValueError(f"{spec.name} is not a {self.platform.value} tool")
        if spec.name in self._tools:
            raise ValueError(f"duplicate tool name {spec.name!r}")
        self._tools[spec.name] = Tool(spec, handler)

    def read(
        self,
        name: str,
        title: str,
        description: str,
        input_model: type[BaseModel],
        output_model: type[BaseModel],
        operation: UpstreamOperation,
    ) -> Callable[[HandlerT], HandlerT]:
        spec = ToolSpec.read(
            name, self.platform, title, description, input_model, output_model, operation
        )
        return self._row(spec)

    def write(
        self,
        name: str,
        title: str,
        description: str,
        input_model: type[BaseModel],
        output_model: type[BaseModel],
        operation: UpstreamOperation,
        *,
        whitelist: WriteWhitelist,
        annotations: ToolAnnotations,
        current: CurrentValues | None = None,
    ) -> Callable[[HandlerT], HandlerT]:
        spec = ToolSpec.write(
            name,
            self.platform,
            title,
            description,
            input_model,
            output_model,
            operation,
            whitelist,
            annotations,
            current,
        )
        return self._row(spec)

    def _row(self, spec: ToolSpec) -> Callable[[HandlerT], HandlerT]:
        # Every tool's third-party text fields come from the one table, not from its row.
        spec = attrs.evolve(spec, untrusted_fields=untrusted_fields(spec.platform, spec.name))

        def register(handler: HandlerT) -> HandlerT:
            self.add(spec, handler)
            return handler

        return register

    @property
    def tools(self) -> tuple[Tool[ClientT], ...]:
        return tuple(self._tools.values())

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return tuple(t.spec for t in self._tools.values())

    def spec(self, name: str) -> ToolSpec:
        return self._tools[name].spec

    def __len__(self) -> int:
        return len(self._tools)


class PlatformModule(Generic[ClientT]):
    """A platform's tools bound to its client factory: the platform's ``UpstreamClient``."""

    def __init__(
        self,
        platform: Platform,
        tools: Sequence[Tool[ClientT]],
        client_factory: ClientFactory[ClientT],
    ) -> None:
        table = ToolTable[ClientT](platform)
        for tool in tools:
            table.add(tool.spec, tool.handler)
        self.platform = platform
        self._tools = {t.spec.name: t for t in table.tools}
        self._client_factory = client_factory

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return tuple(t.spec for t in self._tools.values())

    async def call(self, call: UpstreamCall) -> ToolOutput:
        tool = self._tools.get(call.tool.name)
        if tool is None or tool.spec is not call.tool:
            raise LookupError(f"{call.tool.name} is not a {self.platform.value} tool")
        client = self._client_factory(call.connection, call.credentials)
        try:
            reply = await tool.handler(client, call.arguments)
        except ValidationError:
            # The upstream answered 2xx with a body that does not have the documented shape.
            raise UpstreamResponseInvalid(
                self.platform.value, "the response did not have the documented shape"
            ) from None
        return structured_output(tool.spec, reply)


def structured_output(spec: ToolSpec, reply: Reply) -> ToolOutput:
    """What leaves the gateway always matches the advertised ``outputSchema``: the reply must
    be an instance of the tool's output model, serialised by it."""
    if not isinstance(reply.output, spec.output_model):
        raise TypeError(
            f"{spec.name} returned {type(reply.output).__name__}, "
            f"not its output model {spec.output_model.__name__}"
        )
    return ToolOutput(
        structured=reply.output.model_dump(mode="json"), text=reply.text, meta=reply.meta
    )
