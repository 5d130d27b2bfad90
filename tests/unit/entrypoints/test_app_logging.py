"""Starting the app keeps the redacting log handler: Litestar's default logging config would
replace the root handlers and let tokens and emails reach the logs in clear."""

from __future__ import annotations

import io
import logging

from shopmcp_adapters.observability import configure_logging
from shopmcp_adapters.observability.logs import RedactingFilter
from tests.factories import World
from tests.unit.entrypoints.harness import running_gateway

EMAIL = "jane.doe@example.com"
TOKEN = "smcp_abcdefghijkl_" + "S" * 43


async def test_the_redacting_handler_survives_app_startup_and_redacts_app_logs() -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    try:
        configure_logging(logging.INFO, stream=stream)
        async with running_gateway(World()):
            assert any(
                any(isinstance(f, RedactingFilter) for f in handler.filters)
                for handler in root.handlers
            ), root.handlers
            assert all(
                any(isinstance(f, RedactingFilter) for f in handler.filters)
                for handler in root.handlers
            ), "every root handler redacts"
            logging.getLogger("shopmcp.anything").warning("mail %s key %s", EMAIL, TOKEN)
            logging.getLogger("litestar").error("uncaught for %s", EMAIL)
        text = stream.getvalue()
        assert "shopmcp.anything" in text
        assert "litestar" in text
        assert EMAIL not in text
        assert "S" * 43 not in text
    finally:
        for handler in root.handlers[:]:
            if getattr(handler, "_shopmcp", False):
                root.removeHandler(handler)
        root.handlers, root.level = saved
