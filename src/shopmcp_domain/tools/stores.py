"""The ``store`` argument: which of a workspace's connections of a platform a tool call uses.

Every tool of a platform takes it. With one usable connection it is optional (an enum of that
one label); with several it is required, so a call never lands on a store the merchant did not
mean. It is the gateway's argument, not the tool's: the use case takes it out of the arguments
and resolves the connection before the tool's own strict input model sees the rest, and no
input model may declare a field of that name (see :class:`~shopmcp_domain.tools.spec.ToolSpec`).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    InvalidArguments,
)
from shopmcp_domain.platforms import Platform

STORE_ARGUMENT = "store"


def split_store_argument(arguments: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """``(store, the other arguments)``; ``store`` is ``None`` when absent or null."""
    rest = dict(arguments)
    return rest.pop(STORE_ARGUMENT, None), rest


def _labels(connections: tuple[Connection, ...]) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for connection in connections:
        counts[connection.label] = counts.get(connection.label, 0) + 1
    # Labels are unique from the moment connecting checks them; rows written before that check
    # could still share one, and an enum needs distinct values: those are named by their id.
    return tuple(c.label if counts[c.label] == 1 else str(c.id) for c in connections)


def _quoted(labels: Iterable[str]) -> str:
    return ", ".join(repr(label) for label in labels)


@attrs.frozen
class StoreChoice:
    """The usable connections of one platform in a workspace, in the order they were made."""

    platform: Platform
    connections: tuple[Connection, ...]

    @classmethod
    def of(cls, platform: Platform, connections: Iterable[Connection]) -> StoreChoice:
        return cls(
            platform, tuple(c for c in connections if c.platform is platform and c.is_usable)
        )

    @functools.cached_property
    def labels(self) -> tuple[str, ...]:
        return _labels(self.connections)

    @property
    def required(self) -> bool:
        return len(self.connections) > 1

    def resolve(self, tool: str, store: object) -> Connection:
        """The connection ``store`` names (its label, else its id), or the only one when
        ``store`` is ``None`` and there is only one. Refusals name the valid labels, never
        the value given."""
        if not self.connections:
            raise ConnectionUnavailable(self.platform.value)
        platform = self.platform.value
        if store is None:
            if self.required:
                raise InvalidArguments(
                    tool,
                    [
                        f"{STORE_ARGUMENT}: required, this workspace has "
                        f"{len(self.connections)} {platform} stores: {_quoted(self.labels)}"
                    ],
                )
            return self.connections[0]
        if isinstance(store, str):
            for connection, label in zip(self.connections, self.labels, strict=True):
                if label == store:
                    return connection
            named = _connection_id(store)
            for connection in self.connections:
                if connection.id == named:
                    return connection
        raise InvalidArguments(
            tool,
            [
                f"{STORE_ARGUMENT}: not one of this workspace's {platform} stores "
                f"({_quoted(self.labels)}) or their connection ids"
            ],
        )


def _connection_id(value: str) -> uuid.UUID | None:
    if len(value) > 64:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def store_property(platform_name: str, labels: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "string",
        "title": "Store",
        "description": f"Which connected {platform_name} store",
        "enum": list(labels),
    }


def with_store_argument(
    schema: Mapping[str, Any], platform_name: str, labels: tuple[str, ...]
) -> dict[str, Any]:
    """A tool's input schema as a scope with these stores sees it: ``store`` added first (an
    enum of the labels), required when there is more than one. The tool's own properties and
    nested definitions are shared with ``schema``, not copied."""
    properties = {STORE_ARGUMENT: store_property(platform_name, labels)}
    properties.update(schema.get("properties", {}))
    scoped = {**schema, "properties": properties}
    if len(labels) > 1:
        scoped["required"] = [STORE_ARGUMENT, *schema.get("required", ())]
    return scoped
