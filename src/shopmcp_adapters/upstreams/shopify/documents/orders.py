"""Documents of the order tools: orders, refunds and order updates."""

from __future__ import annotations

from typing import Final

from shopmcp_adapters.upstreams.shopify.documents.base import MONEY

LIST_ORDERS: Final = f"""query ListOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT, reverse: true) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id name createdAt cancelledAt closed displayFinancialStatus displayFulfillmentStatus
      currentTotalPriceSet {{ {MONEY} }}
      customer {{ id displayName }}
      subtotalLineItemsQuantity
    }}
  }}
}}"""


GET_ORDER: Final = f"""query GetOrder($id: ID!) {{
  order(id: $id) {{
    id name createdAt processedAt cancelledAt cancelReason closed note tags
    displayFinancialStatus displayFulfillmentStatus
    subtotalPriceSet {{ {MONEY} }}
    totalShippingPriceSet {{ {MONEY} }}
    totalTaxSet {{ {MONEY} }}
    currentTotalPriceSet {{ {MONEY} }}
    totalRefundedSet {{ {MONEY} }}
    customer {{ id displayName }}
    lineItems(first: 50) {{
      nodes {{
        id title sku quantity currentQuantity
        originalUnitPriceSet {{ {MONEY} }}
        variant {{ id }}
      }}
    }}
    fulfillments(first: 20) {{
      id status createdAt
      trackingInfo(first: 5) {{ company number url }}
    }}
    refunds(first: 20) {{
      id createdAt note
      totalRefundedSet {{ {MONEY} }}
    }}
  }}
}}"""


LIST_ORDER_REFUNDS: Final = f"""query ListOrderRefunds($id: ID!) {{
  order(id: $id) {{
    id name
    totalRefundedSet {{ {MONEY} }}
    refunds(first: 50) {{
      id createdAt note
      totalRefundedSet {{ {MONEY} }}
      refundLineItems(first: 50) {{
        nodes {{
          quantity restockType
          lineItem {{ id title sku }}
          subtotalSet {{ {MONEY} }}
        }}
      }}
    }}
  }}
}}"""


UPDATE_ORDER: Final = """mutation UpdateOrder($input: OrderInput!) {
  orderUpdate(input: $input) {
    order { id name note tags updatedAt }
    userErrors { field message }
  }
}"""


CANCEL_ORDER: Final = """mutation CancelOrder(
  $orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!,
  $refundMethod: OrderCancelRefundMethodInput, $notifyCustomer: Boolean, $staffNote: String
) {
  orderCancel(
    orderId: $orderId, reason: $reason, restock: $restock, refundMethod: $refundMethod,
    notifyCustomer: $notifyCustomer, staffNote: $staffNote
  ) {
    job { id done }
    orderCancelUserErrors { code field message }
  }
}"""

LIST_ABANDONED_CHECKOUTS: Final = f"""query ListAbandonedCheckouts(
  $first: Int!, $after: String, $query: String
) {{
  abandonedCheckouts(
    first: $first, after: $after, query: $query, sortKey: CREATED_AT, reverse: true
  ) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id name createdAt updatedAt completedAt
      totalPriceSet {{ {MONEY} }}
      customer {{ id displayName }}
      lineItems(first: 5) {{ nodes {{ title sku quantity variant {{ id }} }} }}
    }}
  }}
}}"""
