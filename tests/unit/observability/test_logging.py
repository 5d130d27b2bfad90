"""Log records never carry a token, a bearer credential or an email address, however they
get into the record."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from shopmcp_adapters.observability import RedactingFilter, RedactingFormatter, configure_logging
from tests.unit.observability.secrets_ import BEARER, EMAIL, PREFIX, SECRET, TOKEN, leaks

Captured = tuple[logging.Logger, io.StringIO]


@pytest.fixture
def captured() -> Iterator[Captured]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s %(ctx)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.observability.leaky")
    logger.handlers, logger.propagate, logger.level = [handler], False, logging.DEBUG
    yield logger, stream
    logger.handlers = []


def test_tokens_in_the_message_keep_only_the_prefix(captured: Captured) -> None:
    logger, stream = captured
    logger.info(f"request for {TOKEN}", extra={"ctx": "-"})
    assert f"smcp_{PREFIX}_[redacted]" in stream.getvalue()
    assert leaks(stream.getvalue()) == []


def test_secrets_passed_as_arguments(captured: Captured) -> None:
    logger, stream = captured
    logger.warning(
        "path %s auth %r user %s count %d",
        f"/mcp/{TOKEN}",
        {"Authorization": f"Bearer {BEARER}"},
        EMAIL,
        3,
        extra={"ctx": "-"},
    )
    assert leaks(stream.getvalue()) == [], stream.getvalue()
    assert "count 3" in stream.getvalue()


def test_secrets_in_exception_text_and_tracebacks(captured: Captured) -> None:
    logger, stream = captured
    try:
        raise ValueError(f"bad key {TOKEN} for {EMAIL}")
    except ValueError:
        logger.exception("failed", extra={"ctx": "-"})
    text = stream.getvalue()
    assert "ValueError" in text and "Traceback" in text
    assert leaks(text) == [], text


def test_secrets_in_stack_info() -> None:
    record = logging.makeLogRecord({"msg": "x", "stack_info": f"Stack: {TOKEN}"})
    RedactingFilter().filter(record)
    assert SECRET not in str(record.stack_info)


def test_secrets_in_nested_extra_fields(captured: Captured) -> None:
    logger, stream = captured
    logger.info(
        "with context",
        extra={
            "ctx": {
                "request": {
                    "headers": {"AuThOrIzAtIoN": "Basic dXNlcjpwYXNz"},
                    "path": f"/mcp/{TOKEN}",
                    "who": [EMAIL],
                }
            }
        },
    )
    text = stream.getvalue()
    assert leaks(text) == [] and "dXNlcjpwYXNz" not in text, text


def test_a_broken_format_string_does_not_print_the_raw_arguments() -> None:
    record = logging.makeLogRecord(
        {"msg": "two %s %s", "args": (TOKEN,), "levelname": "INFO", "ctx": "-"}
    )
    RedactingFilter().filter(record)
    assert SECRET not in repr(record.__dict__)


def test_the_formatter_alone_also_redacts() -> None:
    record = logging.makeLogRecord({"msg": "key %s", "args": (TOKEN,), "levelname": "INFO"})
    assert leaks(RedactingFormatter("%(message)s").format(record)) == []


def test_configure_logging_covers_propagated_records_and_quiets_the_mcp_sdk() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    # An in-process uvicorn (the e2e sandboxes) may have reconfigured its access logger:
    # start from the library default so this test does not depend on test order.
    names = ("uvicorn", "uvicorn.error", "uvicorn.access")
    uvicorn_loggers = [logging.getLogger(n) for n in names]
    saved_uvicorn = [
        (lg.handlers[:], lg.level, lg.propagate, lg.disabled) for lg in uvicorn_loggers
    ]
    for lg in uvicorn_loggers:
        lg.handlers, lg.level, lg.propagate, lg.disabled = [], logging.NOTSET, True, False
    access = uvicorn_loggers[2]
    try:
        configure_logging(logging.INFO, stream=stream)
        configure_logging(logging.INFO, stream=stream)  # idempotent: one handler
        assert sum(getattr(h, "_shopmcp", False) for h in root.handlers) == 1
        logging.getLogger("shopmcp.deep.child").warning("token %s for %s", TOKEN, EMAIL)
        access = logging.getLogger("uvicorn.access")
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "POST", f"/mcp/{TOKEN}", "1.1", 200)
        logging.getLogger("mcp.server.streamable_http").info("per-request chatter")
        assert (
            logging.getLogger("mcp.server.lowlevel.server").getEffectiveLevel() == logging.WARNING
        )
        text = stream.getvalue()
        assert "shopmcp.deep.child" in text and "/mcp/[redacted]" in text
        assert "per-request chatter" not in text
        assert leaks(text) == [], text
    finally:
        for handler in root.handlers[:]:
            if getattr(handler, "_shopmcp", False):
                root.removeHandler(handler)
        root.handlers, root.level = saved[0], saved[1]
        access.filters = [f for f in access.filters if not isinstance(f, RedactingFilter)]
        for lg, state in zip(uvicorn_loggers, saved_uvicorn, strict=True):
            lg.handlers, lg.level, lg.propagate, lg.disabled = state
