"""Enabling a per-store library entry: the playbook a workspace stores, built from its stores.

Each connected (not disabled) store platform an entry has steps for contributes its group,
once per store; a platform with several stores gets a copy of the group per store, each step
id numbered (``shopify_low_2``), each reference to a step of the group renamed to match, and
each tool call naming its store by the label the tools' ``store`` argument takes (with one
store the argument is left out, so renaming the store changes nothing). A platform whose tools
the caller may not use (from the chat: the key's own policy) is left out; nothing left, or more
steps than a playbook holds, is refused with each reason. Pure: the caller reads the
connections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.errors import NotFound, PlaybookInvalid
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_definitions import PlaybookDefinition, ToolProblem
from shopmcp_domain.playbook_library import ENTRIES, LIBRARY, Steps
from shopmcp_domain.playbook_steps import (
    MAX_STEPS,
    AnyStep,
    FilterStep,
    ForEach,
    ReconcileSide,
    ToolStep,
)
from shopmcp_domain.tools.stores import STORE_ARGUMENT


def store_labels(connections: Iterable[Connection]) -> dict[Platform, list[str]]:
    """Each platform's connected (not disabled) stores, by the label a tool's ``store``
    argument takes, in the order they were connected (then by label)."""
    out: dict[Platform, list[str]] = {}
    for connection in sorted(connections, key=lambda c: (c.created_at, c.label)):
        if connection.status is not ConnectionStatus.DISABLED:
            out.setdefault(connection.platform, []).append(connection.label)
    return out


def _refusals(steps: Steps, tool_problem: ToolProblem) -> list[str]:
    out: list[str] = []
    for step in steps:
        if isinstance(step, ToolStep):
            reason = tool_problem(step.tool)
            if reason is not None and reason not in out:
                out.append(reason)
    return out


def _for_store(steps: Steps, number: int, label: str) -> list[AnyStep]:
    """A group's steps for the ``number``-th store of its platform: each id suffixed, each
    reference to a step of the group renamed, each tool call naming the store."""
    renamed = {s.id: f"{s.id}_{number}" for s in steps}
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])steps\.(" + "|".join(map(re.escape, renamed)) + r")(?![A-Za-z0-9_])"
    )

    def ref(text: str) -> str:
        return pattern.sub(lambda m: f"steps.{renamed[m.group(1)]}", text)

    def refs(value: Any) -> Any:
        # Every string of a JSON value (arguments, a filter's value), keys left as they are.
        if isinstance(value, str):
            return ref(value)
        if isinstance(value, dict):
            return {k: refs(v) for k, v in value.items()}
        if isinstance(value, list):
            return [refs(v) for v in value]
        return value

    def side(s: ReconcileSide) -> ReconcileSide:
        return s.model_copy(update={"source": ref(s.source)})

    out: list[AnyStep] = []
    for step in steps:
        new_id = renamed[step.id]
        if isinstance(step, ToolStep):
            for_each = (
                None
                if step.for_each is None
                else ForEach(source=ref(step.for_each.source), max=step.for_each.max)
            )
            arguments = refs(step.arguments)
            out.append(
                step.model_copy(
                    update={
                        "id": new_id,
                        "arguments": {**arguments, STORE_ARGUMENT: label},
                        "for_each": for_each,
                    }
                )
            )
        elif isinstance(step, FilterStep):
            update = {"id": new_id, "source": ref(step.source), "value": refs(step.value)}
            out.append(step.model_copy(update=update))
        else:
            out.append(
                step.model_copy(
                    update={"id": new_id, "left": side(step.left), "right": side(step.right)}
                )
            )
    return out


def library_definition(
    key: str, connections: Sequence[Connection], tool_problem: ToolProblem
) -> PlaybookDefinition:
    """The playbook enabling ``key`` stores for a workspace with ``connections``, whose tools
    pass ``tool_problem``. A per-store entry keeps the groups of the connected stores' platforms
    (once per store) whose tools the caller may use; none left is :class:`PlaybookInvalid`
    with each platform's reason. A fixed entry is returned as it is (saving checks its tools).
    Raises :class:`NotFound` for an unknown key."""
    entry = ENTRIES.get(key)
    if entry is None:
        raise NotFound("library playbook")
    if not entry.per_store:
        return LIBRARY[key]
    stores = store_labels(connections)
    steps: list[AnyStep] = []
    kept: list[str] = []
    left_out: list[str] = []
    for platform, group in entry.groups.items():
        labels = stores.get(platform, [])
        refused = _refusals(group, tool_problem)
        if not labels:
            left_out.append(f"{platform.value}: not connected")
        elif refused:
            left_out.append(f"{platform.value}: {'; '.join(refused)}")
        elif len(labels) == 1:
            steps += group
            kept.append(platform.value)
        else:
            for number, label in enumerate(labels, start=1):
                steps += _for_store(group, number, label)
            kept.append(f"{platform.value} ({', '.join(labels)})")
    if not steps:
        names = ", ".join(p.value for p in entry.platforms)
        connected = ", ".join(p.value for p in stores) or "none"
        raise PlaybookInvalid(
            [
                f"{key} needs a connected store of {names} whose tools it may use",
                *left_out,
                f"the workspace's connected platforms: {connected}",
            ]
        )
    if len(steps) > MAX_STEPS:
        raise PlaybookInvalid(
            [
                f"{key} for these stores ({', '.join(kept)}) is {len(steps)} steps; a playbook "
                f"has at most {MAX_STEPS}: export it and split it by store"
            ]
        )
    return entry.definition(steps, f"{entry.summary} Stores: {', '.join(kept)}.")
