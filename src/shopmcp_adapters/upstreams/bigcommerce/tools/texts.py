"""Pieces of the short reply texts: money, counts and lists. Every list text names each item's
id (and SKU where there is one) so a model can call the matching get tool with it."""

from __future__ import annotations

from decimal import Decimal

SHOWN = 10  # items a list text names; the structured output has them all


def money(value: Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return "?"
    amount = f"{value.quantize(Decimal('0.01'))}"
    return f"{amount} {currency}" if currency else amount


def plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return f"{n} {word[:-1]}ies"
    return f"{n} {word}{'es' if word.endswith(('s', 'x', 'ch')) else 's'}"


def listed(head: str, lines: list[str], more: str | None = None) -> str:
    """``head: line; line`` (at most SHOWN lines, the rest counted), then ``more`` (what to ask
    for when the upstream has further pages)."""
    shown = lines[:SHOWN]
    if len(lines) > SHOWN:
        shown.append(f"and {len(lines) - SHOWN} more")
    text = head + (": " + "; ".join(shown) if shown else ".")
    if more:
        text += (". " if shown else " ") + more
    return text


def full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def next_page(page: int | None, full: bool) -> str | None:
    """The hint a v2 list text ends with after a full page (v2 says no more than that)."""
    return f"More may exist: ask for page {page + 1}." if full and page is not None else None


def v3_more(current: int | None, total_pages: int | None) -> str | None:
    """The hint a v3 list text ends with when its pagination counts further pages."""
    if current is None or total_pages is None or current >= total_pages:
        return None
    return f"More exist: ask for page {current + 1} of {total_pages}."
