"""Every Magento endpoint a tool may send, on one screen: the attack surface of the package.

Paths follow the admin REST schema (admin-schema-2.4.9.yaml); placeholders are named after the
tool's input field that fills them (the schema's own names differ: ``{id}``, ``{orderId}``),
so ``tests/contract/magento/test_spec.py`` matches them by position.
"""

from __future__ import annotations

from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation

GET, POST, PUT = HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT

# store and storefront content
STORE_CONFIGS = UpstreamOperation(GET, "/V1/store/storeConfigs")
CMS_PAGES_SEARCH = UpstreamOperation(GET, "/V1/cmsPage/search")
CMS_PAGE_GET = UpstreamOperation(GET, "/V1/cmsPage/{page_id}")
CMS_BLOCKS_SEARCH = UpstreamOperation(GET, "/V1/cmsBlock/search")
CMS_BLOCK_GET = UpstreamOperation(GET, "/V1/cmsBlock/{block_id}")

# orders
ORDERS_SEARCH = UpstreamOperation(GET, "/V1/orders")
ORDER_GET = UpstreamOperation(GET, "/V1/orders/{order_id}")
ORDER_COMMENTS = UpstreamOperation(GET, "/V1/orders/{order_id}/comments")
ORDER_COMMENT_ADD = UpstreamOperation(POST, "/V1/orders/{order_id}/comments")
ORDER_HOLD = UpstreamOperation(POST, "/V1/orders/{order_id}/hold")
ORDER_UNHOLD = UpstreamOperation(POST, "/V1/orders/{order_id}/unhold")
ORDER_CANCEL = UpstreamOperation(POST, "/V1/orders/{order_id}/cancel")

# sales documents
INVOICES_SEARCH = UpstreamOperation(GET, "/V1/invoices")
INVOICE_GET = UpstreamOperation(GET, "/V1/invoices/{invoice_id}")
INVOICE_CREATE = UpstreamOperation(POST, "/V1/order/{order_id}/invoice")
SHIPMENTS_SEARCH = UpstreamOperation(GET, "/V1/shipments")
SHIPMENT_GET = UpstreamOperation(GET, "/V1/shipment/{shipment_id}")
SHIPMENT_CREATE = UpstreamOperation(POST, "/V1/order/{order_id}/ship")
SHIPMENT_TRACK_ADD = UpstreamOperation(POST, "/V1/shipment/track")
CREDITMEMOS_SEARCH = UpstreamOperation(GET, "/V1/creditmemos")
CREDITMEMO_GET = UpstreamOperation(GET, "/V1/creditmemo/{credit_memo_id}")
ORDER_REFUND = UpstreamOperation(POST, "/V1/order/{order_id}/refund")
INVOICE_REFUND = UpstreamOperation(POST, "/V1/invoice/{invoice_id}/refund")

# catalog
PRODUCTS_SEARCH = UpstreamOperation(GET, "/V1/products")
PRODUCT_GET = UpstreamOperation(GET, "/V1/products/{sku}")
PRODUCT_CHILDREN = UpstreamOperation(GET, "/V1/configurable-products/{sku}/children")
PRODUCT_UPDATE = UpstreamOperation(PUT, "/V1/products/{sku}")
CATEGORY_TREE = UpstreamOperation(GET, "/V1/categories")
CATEGORY_GET = UpstreamOperation(GET, "/V1/categories/{category_id}")
CATEGORY_PRODUCTS = UpstreamOperation(GET, "/V1/categories/{category_id}/products")

# inventory (Multi-Source Inventory)
SOURCES_SEARCH = UpstreamOperation(GET, "/V1/inventory/sources")
SOURCE_GET = UpstreamOperation(GET, "/V1/inventory/sources/{source_code}")
SOURCE_ITEMS_SEARCH = UpstreamOperation(GET, "/V1/inventory/source-items")
SOURCE_ITEMS_SAVE = UpstreamOperation(POST, "/V1/inventory/source-items")

# customers
CUSTOMERS_SEARCH = UpstreamOperation(GET, "/V1/customers/search")
CUSTOMER_GET = UpstreamOperation(GET, "/V1/customers/{customer_id}")
CUSTOMER_GROUPS_SEARCH = UpstreamOperation(GET, "/V1/customerGroups/search")
CUSTOMER_GROUP_GET = UpstreamOperation(GET, "/V1/customerGroups/{group_id}")

# marketing: cart price rules and coupons
SALES_RULES_SEARCH = UpstreamOperation(GET, "/V1/salesRules/search")
SALES_RULE_GET = UpstreamOperation(GET, "/V1/salesRules/{rule_id}")
SALES_RULE_CREATE = UpstreamOperation(POST, "/V1/salesRules")
COUPONS_SEARCH = UpstreamOperation(GET, "/V1/coupons/search")
COUPON_CREATE = UpstreamOperation(POST, "/V1/coupons")
