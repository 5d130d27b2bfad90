"""Magento tools: one row per tool (name, title, description, input, output, operation, and for
a write its whitelist and annotations) directly above its small handler, in one module per
resource area, all adding rows to the one table ``tools``.

Every handler sends exactly one request, its row's operation, and parses the answer into the
tool's output model (``outputs/``); the one exception is ``magento_get_sales_summary``, which
pages the orders search a bounded number of times (see ``reports.py``).
"""

# Importing each area module registers its rows in the table.
from shopmcp_adapters.upstreams.magento.tools import (  # noqa: F401
    catalog,
    customers,
    inventory,
    invoices,
    marketing,
    orders,
    refunds,
    reports,
    shipments,
    storefront,
)
from shopmcp_adapters.upstreams.magento.tools.table import tools

__all__ = ["tools"]
