"""Transactional email (the ``EmailSender`` port): a provider's HTTP API (production) or a
local outbox file under the data dir (the embedded default; ``shopmcp mail tail`` reads it)."""

from shopmcp_adapters.email.http_provider import HttpEmailSender
from shopmcp_adapters.email.outbox import LocalOutbox, read_outbox

__all__ = ["HttpEmailSender", "LocalOutbox", "read_outbox"]
