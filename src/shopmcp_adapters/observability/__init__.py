"""Observability without leaks: log redaction and Sentry scrubbing.

* ``configure_logging(level)``: root logging through ``RedactingFilter``; MCP SDK at WARNING.
* ``init_sentry(dsn, environment)``: Sentry with ``before_send`` scrubbing, no PII;
  ``tag_workspace(id)`` scopes a request's reports to its workspace (their only identity).
* ``redact_path(path)``: a request path for access logs (``/mcp/[redacted]``).
* ``redact_text`` / ``scrub``: the redaction itself, for anything else that leaves the process.
"""

from shopmcp_adapters.observability.logs import (
    QUIET_LOGGERS,
    RedactingFilter,
    RedactingFormatter,
    configure_logging,
)
from shopmcp_adapters.observability.redaction import redact_path
from shopmcp_adapters.observability.sentry import (
    before_breadcrumb,
    before_send,
    init_sentry,
    tag_workspace,
)
from shopmcp_domain.redaction import redact_text, scrub

__all__ = [
    "QUIET_LOGGERS",
    "RedactingFilter",
    "RedactingFormatter",
    "before_breadcrumb",
    "before_send",
    "configure_logging",
    "init_sentry",
    "redact_path",
    "redact_text",
    "scrub",
    "tag_workspace",
]
