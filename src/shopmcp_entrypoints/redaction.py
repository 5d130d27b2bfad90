"""Path redaction for access logs: an MCP token never reaches a log line."""

from __future__ import annotations

import re

_MCP_PATH = re.compile(r"^(/mcp)(/[^/?#]*)?")
_TOKEN = re.compile(r"smcp_[A-Za-z0-9_-]+")


def redact_path(path: str) -> str:
    """``/mcp/<anything>`` -> ``/mcp/<redacted>``; any token-shaped text elsewhere too."""
    path = _MCP_PATH.sub(lambda m: m.group(1) + ("/<redacted>" if m.group(2) else ""), path)
    return _TOKEN.sub("smcp_<redacted>", path)
