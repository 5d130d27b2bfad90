"""Marking third-party text: what an upstream (or its customers: order notes, reviews, return
reasons, error messages) wrote is data, never instructions, and a chat client or model must be
able to tell it apart from the gateway's own words.

In text content it is wrapped in one consistent delimiter::

    <untrusted-text source="magento">...</untrusted-text>

and anything inside that looks like the delimiter itself is defused, so injected text cannot
close the wrapper early and speak in the gateway's voice.
"""

from __future__ import annotations

import re

from shopmcp_domain.redaction import redact_text

OPEN_TAG = "<untrusted-text"
CLOSE_TAG = "</untrusted-text>"
# Upstream error text shown to a client: enough to say what went wrong, never a whole page.
MAX_UPSTREAM_TEXT = 300

_DELIMITER_LOOKALIKE = re.compile(r"<\s*/?\s*untrusted-text", re.IGNORECASE)
_SOURCE_RE = re.compile(r"^[a-z0-9_-]{1,40}$")


def defuse(text: str) -> str:
    return _DELIMITER_LOOKALIKE.sub(lambda m: m.group(0).replace("<", "\u2039"), text)


def mark_untrusted(text: str, source: str) -> str:
    if not _SOURCE_RE.fullmatch(source):
        raise ValueError("an untrusted-text source is a short lowercase name")
    return f'{OPEN_TAG} source="{source}">{defuse(text)}{CLOSE_TAG}'


def clean_upstream_text(text: str, max_chars: int = MAX_UPSTREAM_TEXT) -> str:
    """An upstream's message as a client may see it: secrets, emails and card numbers
    redacted, control characters dropped, and capped."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in redact_text(text)).strip()
    if len(cleaned) > max_chars:
        cleaned = cleaned[: max_chars - 3].rstrip() + "..."
    return cleaned
