"""A scripted upstream: records every call it receives and answers from a script."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)

Answer = ToolOutput | Exception | Callable[[UpstreamCall], ToolOutput | Awaitable[ToolOutput]]


class RecordingUpstream:
    def __init__(self, default: Answer | None = None) -> None:
        self.calls: list[UpstreamCall] = []
        self._answers: dict[str, Answer] = {}
        self._default = default

    def answer(self, tool: str, answer: Answer) -> None:
        self._answers[tool] = answer

    async def call(self, call: UpstreamCall) -> ToolOutput:
        self.calls.append(call)
        answer = self._answers.get(call.tool.name, self._default)
        if answer is None:
            return ToolOutput(structured=_echo(call), text=f"{call.tool.name} ok")
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, ToolOutput):
            return answer
        result = answer(call)
        return await result if inspect.isawaitable(result) else result


def _echo(call: UpstreamCall) -> dict[str, Any]:
    return {"tool": call.tool.name, "store": call.connection.store_ref}
