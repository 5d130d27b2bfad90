"""The Google tool table and what its rows' texts share.

Each API family's module (``analytics``, ``merchant``, ``search_console``) adds its rows to the
one :data:`tools` table, each row directly above its handler; every tool is a read, bound to
one Google API method (``endpoints.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from shopmcp_adapters.upstreams.google.client import GoogleClient
from shopmcp_adapters.upstreams.module import ToolTable
from shopmcp_domain.platforms import Platform

tools = ToolTable[GoogleClient](Platform.GOOGLE)

# Texts list at most this many items; the structured output has them all.
SHOWN = 25


def listed(lines: Sequence[str], limit: int = SHOWN) -> str:
    """Items for a text, one per line, with how many more the structured output holds."""
    shown = [f"- {line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"- ... and {len(lines) - limit} more in the structured result")
    return "\n".join(shown)


def next_token(token: str | None) -> str:
    return f"\nMore available: next page with page_token={token}" if token else ""


def number(value: int | float, kind: str = "") -> str:
    """A figure as a merchant reads it: thousands separated, money to the cent, rates as
    percentages, durations in seconds."""
    if isinstance(value, int):
        return f"{value:,}"
    if kind == "TYPE_CURRENCY":
        return f"{value:,.2f}"
    if kind == "TYPE_SECONDS":
        return f"{value:,.1f}s"
    if kind == "percent":
        return f"{value * 100:.1f}%"
    return f"{value:,.4g}" if abs(value) < 1_000 else f"{value:,.0f}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
