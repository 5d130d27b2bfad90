"""BigCommerce tools: the whole attack surface of this package, one row per tool.

Every tool sends one upstream request: its row's operation (``operations``), filled from
validated input; the sales summary alone sends its operation a bounded number of times. The
rows live beside their handlers, one module per resource, all adding to the one table in
``table``; importing this package registers them (in the order of the imports below). Order
sub-resources (line items, shipping addresses, shipments, refunds) and a customer's order
history are separate tools, since BigCommerce serves each from its own endpoint: a chat asks
for what it needs and every call is one audited, metered request.
"""

from shopmcp_adapters.upstreams.bigcommerce.tools import (  # noqa: F401 - registers the rows
    catalog,
    customers,
    inventory,
    marketing,
    orders,
    refunds,
    sales,
)
from shopmcp_adapters.upstreams.bigcommerce.tools.operations import STORE
from shopmcp_adapters.upstreams.bigcommerce.tools.table import tools

__all__ = ["STORE", "tools"]
