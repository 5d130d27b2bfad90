"""A write through a real MCP client, as a client whose user approves the preview makes it."""

from __future__ import annotations

from typing import Any, Protocol

import mcp_types as types


class ToolCaller(Protocol):
    async def call_tool(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult: ...


async def call_confirmed(
    client: ToolCaller, name: str, arguments: dict[str, Any]
) -> tuple[types.CallToolResult, types.CallToolResult]:
    """(the preview, the confirmed call's result). The preview must be one."""
    preview = await client.call_tool(name, arguments)
    structured = preview.structured_content or {}
    assert preview.is_error is False, preview
    assert structured.get("status") == "confirmation_required", structured
    code = structured["confirmation"]
    return preview, await client.call_tool(name, {**arguments, "confirmation": code})
