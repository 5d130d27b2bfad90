"""Request paths and URLs for access logs and error reports (the text redaction itself is the
domain's, shared with what reaches chat clients)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from shopmcp_domain.redaction import REDACTED, redact_text


def redact_path(path: str) -> str:
    """A request path (or URL) safe for an access log or error report: the segment after
    ``/mcp/`` becomes ``[redacted]``, the query string and fragment are dropped (they may hold
    anything), and the rest is passed through ``redact_text``."""
    parts = urlsplit(path)
    route = re.sub(r"(?i)^(/mcp/)[^/]+", lambda m: m.group(1) + REDACTED, parts.path)
    query = REDACTED if parts.query else ""
    cleaned = urlunsplit((parts.scheme, _strip_userinfo(parts.netloc), route, query, ""))
    return redact_text(cleaned)


def _strip_userinfo(netloc: str) -> str:
    return netloc.rpartition("@")[2] if "@" in netloc else netloc
