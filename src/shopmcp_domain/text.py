"""Text that reaches storage: bounded, and free of what PostgreSQL's text type refuses.

A NUL character cannot be stored in a ``text`` column, and a lone surrogate cannot be encoded
as UTF-8; either would make an insert fail, and a failed audit insert would let a call escape
the audit trail. So values from outside (a client's tool name, a merchant's labels) are checked
before they are stored, and a value that must be recorded whatever it is (the tool name a
client sent) is stored as a bounded, escaped label.
"""

from __future__ import annotations

import re
import unicodedata

# Control characters (C0, DEL, C1) and UTF-16 surrogates.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\n\r\t]")


def plain_text_problem(value: str, *, max_chars: int, multiline: bool = False) -> str | None:
    """Why ``value`` may not be stored as it is, or None. Multiline text may hold line breaks
    and tabs; nothing may hold other control characters or surrogates."""
    if len(value) > max_chars:
        return f"is longer than {max_chars} characters"
    if _UNSTORABLE.search(value):
        return "contains control characters"
    if not multiline and _LINE_BREAKS.search(value):
        return "contains line breaks"
    if any(unicodedata.category(ch) == "Cn" and ord(ch) > 0xFFFF for ch in value):
        return "contains unassigned characters"
    return None


def check_plain_text(value: str, *, what: str, max_chars: int, multiline: bool = False) -> str:
    problem = plain_text_problem(value, max_chars=max_chars, multiline=multiline)
    if problem is not None:
        raise ValueError(f"{what} {problem}")
    return value


def escaped_label(value: str, *, max_chars: int) -> str:
    """A printable-ASCII rendering of any string, at most ``max_chars`` long: what an audit row
    records when the value itself could not be stored (``\\x00``, ``\\ud800`` and non-ASCII
    characters appear as escapes, so the row still says what was sent)."""
    escaped = value.encode("unicode_escape", errors="backslashreplace").decode("ascii")
    if len(escaped) > max_chars:
        escaped = escaped[: max_chars - 3] + "..."
    return escaped
