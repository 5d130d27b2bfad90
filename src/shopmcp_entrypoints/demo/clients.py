"""Ready-to-paste client configuration for an MCP URL: one snippet per client, each in that
client's own documented format (one mixed block pasted whole loads every server twice, or not
at all). Where each shape comes from:

* Claude Code: ``claude mcp add --transport http <name> <url>``, options before the name
  (Claude Code docs, "Connect Claude Code to tools via MCP": code.claude.com/docs/en/mcp).
* Cursor: ``~/.cursor/mcp.json`` or ``.cursor/mcp.json``, a top-level ``mcpServers`` object; a
  remote server is an entry with ``url`` (and optional ``headers``) (cursor.com/docs/mcp).
* VS Code: ``.vscode/mcp.json``, a top-level ``servers`` object; an HTTP server needs
  ``"type": "http"`` and ``url`` (VS Code docs, "MCP configuration reference":
  code.visualstudio.com/docs/copilot/reference/mcp-configuration).
* Claude Desktop: ``claude_desktop_config.json``'s ``mcpServers`` takes command-launched
  (stdio) servers, so a remote one goes through ``mcp-remote``: ``"command": "npx", "args":
  ["-y", "mcp-remote", <url>]``; plain ``http://`` is accepted for localhost/127.0.0.1 only,
  else ``--allow-http`` (mcp-remote's README, github.com/geelen/mcp-remote).
* MCP Inspector: ``npx @modelcontextprotocol/inspector --cli <url> --transport http --method
  tools/list`` (the Inspector's CLI README, "Remote Servers": without ``--transport http`` it
  tries SSE). Pinned to ``@latest`` as mcp-remote's README does for the same reason: npx
  reuses a cached copy, and older Inspector releases replaced a path not ending in ``/mcp``
  with ``/mcp``, dropping the key from the URL (tried here: a cached 0.15 got a 401; 0.22 and
  2.12 use the URL as given and list the tools).
"""

from __future__ import annotations

import json
import shlex
from urllib.parse import urlsplit

import attrs

SERVER_NAME = "shopmcp-demo"
_LOOPBACK_NAMES = ("localhost", "127.0.0.1")


@attrs.frozen
class ClientSnippet:
    client: str
    where: str
    text: str


def claude_code(url: str, name: str = SERVER_NAME) -> str:
    return shlex.join(["claude", "mcp", "add", "--transport", "http", name, url])


def cursor(url: str, name: str = SERVER_NAME) -> str:
    return json.dumps({"mcpServers": {name: {"url": url}}}, indent=2)


def vscode(url: str, name: str = SERVER_NAME) -> str:
    return json.dumps({"servers": {name: {"type": "http", "url": url}}}, indent=2)


def mcp_remote_args(url: str) -> list[str]:
    parts = urlsplit(url)
    plain_http_elsewhere = parts.scheme == "http" and parts.hostname not in _LOOPBACK_NAMES
    return ["-y", "mcp-remote", url, *(["--allow-http"] if plain_http_elsewhere else [])]


def claude_desktop(url: str, name: str = SERVER_NAME) -> str:
    config = {"mcpServers": {name: {"command": "npx", "args": mcp_remote_args(url)}}}
    return json.dumps(config, indent=2)


def inspector(url: str) -> str:
    argv = ["npx", "@modelcontextprotocol/inspector@latest", "--cli", url, "--transport", "http"]
    return shlex.join([*argv, "--method", "tools/list"])


def client_snippets(url: str) -> list[ClientSnippet]:
    return [
        ClientSnippet("Claude Code", "run in a terminal", claude_code(url)),
        ClientSnippet("Cursor", "merge into ~/.cursor/mcp.json (or .cursor/mcp.json)", cursor(url)),
        ClientSnippet("VS Code", "merge into .vscode/mcp.json", vscode(url)),
        ClientSnippet(
            "Claude Desktop",
            "merge into claude_desktop_config.json (needs Node.js for npx)",
            claude_desktop(url),
        ),
        ClientSnippet("MCP Inspector", "run in a terminal", inspector(url)),
    ]


def render(snippets: list[ClientSnippet]) -> list[str]:
    lines: list[str] = []
    for snippet in snippets:
        lines.append(f"{snippet.client} ({snippet.where}):")
        lines += [f"  {line}" for line in snippet.text.splitlines()]
        lines.append("")
    return lines
