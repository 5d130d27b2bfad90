"""What a log line says about the request it was written in: its request id, its workspace and
the tool it calls. Context-local (one request's values never reach another's lines), set by the
HTTP layer as it learns them, read by the JSON formatter."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("shopmcp_request_id", default=None)
workspace_id: ContextVar[str | None] = ContextVar("shopmcp_workspace_id", default=None)
tool_name: ContextVar[str | None] = ContextVar("shopmcp_tool_name", default=None)

# A request id a client or proxy sends is kept only when it looks like one (no log injection).
_SANE_ID = re.compile(r"^[A-Za-z0-9._\-]{8,64}$")


def new_request_id(presented: str | None = None) -> str:
    if presented is not None and _SANE_ID.fullmatch(presented):
        return presented
    return uuid.uuid4().hex


def bind_workspace(workspace: object) -> None:
    workspace_id.set(str(workspace))


def bind_tool(name: str) -> None:
    tool_name.set(name[:100])
