"""The Shopify tool table and what its rows share.

A reviewer can audit the module's whole attack surface in this package: each resource module
(``orders``, ``catalog``, ``customers`` ...) adds its rows to the one :data:`tools` table, each
row (name, access, input model, output model, annotations and the one upstream operation)
directly above its handler. Handlers turn validated input into that operation's variables and
parse the response into the output model; the search strings, mutation variables and reply
texts they use follow the rows of their module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shopmcp_adapters.upstreams.module import ToolTable
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify.client import PLATFORM, ShopifyClient
from shopmcp_adapters.upstreams.shopify.outputs.common import Money, PageInfo
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations, UpstreamOperation

tools = ToolTable[ShopifyClient](Platform.SHOPIFY)


def op(document: str) -> UpstreamOperation:
    return UpstreamOperation(HttpMethod.POST, docs.GRAPHQL_PATH, docs.operation_name(document))


def write_hints(*, destructive: bool, idempotent: bool) -> ToolAnnotations:
    """A write's MCP hints. ``destructive``: it overwrites or removes something (MCP's
    ``false`` means "only additive"); ``idempotent``: repeating the same call changes nothing
    more. Every write reaches the merchant's store, a world outside the gateway."""
    return ToolAnnotations(
        read_only_hint=False,
        destructive_hint=destructive,
        idempotent_hint=idempotent,
        open_world_hint=True,
    )


def found(data: Mapping[str, Any], field: str, ident: str) -> Any:
    node = data.get(field)
    if node is None:
        # Shopify answers a missing node with null rather than an HTTP 404.
        raise UpstreamError(PLATFORM, 404, f"no {field} with id {ident}")
    return node


def created(payload: Mapping[str, Any], field: str) -> Any:
    """The object a create mutation made. Shopify reports a refusal in userErrors (which the
    client has raised already); no errors and no object is not an answer the API gives."""
    node = payload.get(field)
    if node is None:
        raise UpstreamResponseInvalid(PLATFORM, f"no errors, but no {field} was returned")
    return node


# --------------------------------------------------------------------------- reply texts


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def money(amount: Money | None) -> str:
    return f"{amount.amount} {amount.currency}" if amount is not None else "?"


def more(page: PageInfo) -> str:
    return " (more available)" if page.has_next_page else ""


def next_page(page: PageInfo) -> list[str]:
    """The line a list text ends with when there is another page: the cursor to pass."""
    return [f"next page: after={page.end_cursor}"] if page.has_next_page else []
