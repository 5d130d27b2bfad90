"""Every Magento endpoint a tool may send, on one screen: the attack surface of the package.

Paths follow the admin REST schema (admin-schema-2.4.9.yaml); placeholders are named after the
tool's input field that fills them (the schema's own names differ: ``{id}``, ``{orderId}``),
so ``tests/contract/magento/test_spec.py`` matches them by position.
"""

from __future__ import annotations

from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation

GET, POST, PUT = HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT

# store
STORE_CONFIGS = UpstreamOperation(GET, "/V1/store/storeConfigs")

# orders
ORDERS_SEARCH = UpstreamOperation(GET, "/V1/orders")
ORDER_GET = UpstreamOperation(GET, "/V1/orders/{order_id}")

# catalog
PRODUCTS_SEARCH = UpstreamOperation(GET, "/V1/products")
PRODUCT_GET = UpstreamOperation(GET, "/V1/products/{sku}")
PRODUCT_CHILDREN = UpstreamOperation(GET, "/V1/configurable-products/{sku}/children")
PRODUCT_UPDATE = UpstreamOperation(PUT, "/V1/products/{sku}")

# inventory (Multi-Source Inventory)
SOURCE_ITEMS_SEARCH = UpstreamOperation(GET, "/V1/inventory/source-items")

# customers
CUSTOMERS_SEARCH = UpstreamOperation(GET, "/V1/customers/search")
CUSTOMER_GET = UpstreamOperation(GET, "/V1/customers/{customer_id}")

# sales documents
CREDITMEMOS_SEARCH = UpstreamOperation(GET, "/V1/creditmemos")
