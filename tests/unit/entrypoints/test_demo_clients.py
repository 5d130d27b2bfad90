"""Each client snippet ``shopmcp demo`` prints parses as that client's documented format.

The models below restate each client's documented shape, strictly (unknown keys refused), so a
snippet in another client's format fails here instead of in a merchant's editor:

* Claude Code: ``claude mcp add --transport http <name> <url>``, options before the name
  (code.claude.com/docs/en/mcp, "Option 1: Add a remote HTTP server").
* Cursor: ``mcp.json`` with a top-level ``mcpServers``; a remote server is ``{"url", "headers"?}``
  (cursor.com/docs/mcp).
* VS Code: ``.vscode/mcp.json`` with a top-level ``servers`` (and optional ``inputs``); an HTTP
  server is ``{"type": "http" | "sse", "url", "headers"?}``
  (code.visualstudio.com/docs/copilot/reference/mcp-configuration).
* Claude Desktop: ``claude_desktop_config.json``'s ``mcpServers`` entries launch a command
  (``command``, ``args``, ``env``?); remote servers go through ``npx mcp-remote <url>``, which
  takes plain http only for localhost/127.0.0.1 unless ``--allow-http`` (the MCP user
  quickstart and github.com/geelen/mcp-remote's README).
* MCP Inspector CLI: ``--cli <url> --transport http --method tools/list``; ``--transport`` is
  one of stdio, sse, http (the Inspector's clients/cli README and mcp-server-configuration).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, HttpUrl

from shopmcp_entrypoints.demo.clients import (
    SERVER_NAME,
    claude_code,
    claude_desktop,
    client_snippets,
    cursor,
    inspector,
    render,
    vscode,
)

URL = "http://127.0.0.1:8000/mcp/smcp_abcdefghijkl_" + "x" * 43
REMOTE_HTTP = "http://gateway.internal:8000/mcp/smcp_abcdefghijkl_" + "x" * 43


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CursorRemote(Strict):
    url: HttpUrl
    headers: dict[str, str] | None = None


class CursorConfig(Strict):
    mcpServers: dict[str, CursorRemote]  # the documented key


class VsCodeHttp(Strict):
    type: Literal["http", "sse"]
    url: HttpUrl
    headers: dict[str, str] | None = None


class VsCodeConfig(Strict):
    servers: dict[str, VsCodeHttp]
    inputs: list[dict[str, object]] | None = None


class DesktopCommand(Strict):
    command: str
    args: list[str] = []
    env: dict[str, str] | None = None


class DesktopConfig(Strict):
    mcpServers: dict[str, DesktopCommand]  # the documented key


def test_cursor_gets_one_remote_entry_in_its_format() -> None:
    config = CursorConfig.model_validate_json(cursor(URL))
    assert list(config.mcpServers) == [SERVER_NAME]  # one entry: tools never listed twice
    assert str(config.mcpServers[SERVER_NAME].url) == URL


def test_vscode_gets_servers_with_type_http() -> None:
    raw = json.loads(vscode(URL))
    assert set(raw) == {"servers"}  # not mcpServers: VS Code ignores that key
    config = VsCodeConfig.model_validate(raw)
    entry = config.servers[SERVER_NAME]
    assert entry.type == "http"
    assert str(entry.url) == URL


def test_claude_desktop_launches_mcp_remote_and_lists_no_url_entry() -> None:
    config = DesktopConfig.model_validate_json(claude_desktop(URL))
    (entry,) = config.mcpServers.values()
    assert entry.command == "npx"
    assert entry.args == ["-y", "mcp-remote", URL]  # loopback http needs no --allow-http


def test_claude_desktop_allows_plain_http_only_where_mcp_remote_needs_the_flag() -> None:
    config = DesktopConfig.model_validate_json(claude_desktop(REMOTE_HTTP))
    assert config.mcpServers[SERVER_NAME].args == ["-y", "mcp-remote", REMOTE_HTTP, "--allow-http"]
    https = REMOTE_HTTP.replace("http://", "https://")
    assert (
        "--allow-http"
        not in DesktopConfig.model_validate_json(claude_desktop(https)).mcpServers[SERVER_NAME].args
    )


def test_claude_code_command_is_the_documented_add_http_form() -> None:
    argv = shlex.split(claude_code(URL))
    assert argv == ["claude", "mcp", "add", "--transport", "http", SERVER_NAME, URL]


def test_inspector_command_uses_the_streamable_http_transport() -> None:
    argv = shlex.split(inspector(URL))
    assert argv[:3] == ["npx", "@modelcontextprotocol/inspector@latest", "--cli"]
    options = dict(zip(argv[4::2], argv[5::2], strict=True))
    assert argv[3] == URL
    assert options == {"--transport": "http", "--method": "tools/list"}


def test_the_demo_prints_one_labelled_snippet_per_client() -> None:
    snippets = client_snippets(URL)
    assert [s.client for s in snippets] == [
        "Claude Code",
        "Cursor",
        "VS Code",
        "Claude Desktop",
        "MCP Inspector",
    ]
    lines = render(snippets)
    for snippet in snippets:
        assert any(line.startswith(f"{snippet.client} (") for line in lines)
    assert sum(URL in line for line in lines) == len(snippets)


@pytest.mark.parametrize("make", [cursor, vscode, claude_desktop])
def test_json_snippets_are_valid_json_objects(make: Callable[[str], str]) -> None:
    assert isinstance(json.loads(make(URL)), dict)
