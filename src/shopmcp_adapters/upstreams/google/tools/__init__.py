"""The Google tools: one table, its rows added by one module per API family."""

from shopmcp_adapters.upstreams.google.tools import analytics, merchant, search_console
from shopmcp_adapters.upstreams.google.tools.table import tools

__all__ = ["analytics", "merchant", "search_console", "tools"]
