"""Every upstream operation a BigCommerce tool may send, named once: the module's whole reach.

Each tool row names one of these; its handler sends exactly that one (the sales summary pages
``ORDERS`` a bounded number of times). Shared by more than one tool: ``CUSTOMERS`` (v3 has no
single-customer endpoint), ``CATEGORIES`` (the category-tree API has none either), ``COUPONS``
(v2 has no single-coupon GET) and ``ORDERS`` (the orders list and the sales summary).
"""

from __future__ import annotations

from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation

GET, POST, PUT = HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT

# store and orders (v2), refunds (v3)
STORE = UpstreamOperation(GET, "/v2/store")
ORDERS = UpstreamOperation(GET, "/v2/orders")
ORDER = UpstreamOperation(GET, "/v2/orders/{order_id}")
ORDER_UPDATE = UpstreamOperation(PUT, "/v2/orders/{order_id}")
ORDER_PRODUCTS = UpstreamOperation(GET, "/v2/orders/{order_id}/products")
ORDER_SHIPPING_ADDRESSES = UpstreamOperation(GET, "/v2/orders/{order_id}/shipping_addresses")
ORDER_SHIPMENTS = UpstreamOperation(GET, "/v2/orders/{order_id}/shipments")
ORDER_SHIPMENT_CREATE = UpstreamOperation(POST, "/v2/orders/{order_id}/shipments")
ORDER_COUNT = UpstreamOperation(GET, "/v2/orders/count")
ORDER_STATUSES = UpstreamOperation(GET, "/v2/order_statuses")
ORDER_REFUNDS = UpstreamOperation(GET, "/v3/orders/{order_id}/payment_actions/refunds")
REFUND_QUOTE = UpstreamOperation(POST, "/v3/orders/{order_id}/payment_actions/refund_quotes")
REFUND_CREATE = UpstreamOperation(POST, "/v3/orders/{order_id}/payment_actions/refunds")

# catalog (v3)
PRODUCTS = UpstreamOperation(GET, "/v3/catalog/products")
PRODUCT = UpstreamOperation(GET, "/v3/catalog/products/{product_id}")
PRODUCT_UPDATE = UpstreamOperation(PUT, "/v3/catalog/products/{product_id}")
CATEGORIES = UpstreamOperation(GET, "/v3/catalog/trees/categories")
BRANDS = UpstreamOperation(GET, "/v3/catalog/brands")
BRAND = UpstreamOperation(GET, "/v3/catalog/brands/{brand_id}")

# inventory (v3)
INVENTORY_ITEMS = UpstreamOperation(GET, "/v3/inventory/items")
LOCATIONS = UpstreamOperation(GET, "/v3/inventory/locations")
LOCATION_ITEMS = UpstreamOperation(GET, "/v3/inventory/locations/{location_id}/items")
ADJUST_ABSOLUTE = UpstreamOperation(PUT, "/v3/inventory/adjustments/absolute")
ADJUST_RELATIVE = UpstreamOperation(POST, "/v3/inventory/adjustments/relative")

# customers (v3), customer groups (v2), carts (v3)
CUSTOMERS = UpstreamOperation(GET, "/v3/customers")
CUSTOMER_GROUPS = UpstreamOperation(GET, "/v2/customer_groups")
CUSTOMER_GROUP = UpstreamOperation(GET, "/v2/customer_groups/{customer_group_id}")
ABANDONED_CART = UpstreamOperation(GET, "/v3/abandoned-carts/{token}")
CART = UpstreamOperation(GET, "/v3/carts/{cart_id}")

# marketing: coupons (v2), promotions and their codes (v3)
COUPONS = UpstreamOperation(GET, "/v2/coupons")
COUPON_CREATE = UpstreamOperation(POST, "/v2/coupons")
PROMOTIONS = UpstreamOperation(GET, "/v3/promotions")
PROMOTION = UpstreamOperation(GET, "/v3/promotions/{promotion_id}")
PROMOTION_CREATE = UpstreamOperation(POST, "/v3/promotions")
PROMOTION_CODES = UpstreamOperation(GET, "/v3/promotions/{promotion_id}/codes")
PROMOTION_CODE_CREATE = UpstreamOperation(POST, "/v3/promotions/{promotion_id}/codes")
