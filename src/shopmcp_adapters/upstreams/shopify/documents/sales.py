"""The document the sales summary pages through: a period's orders with what they sold.

The page sizes keep one page's requested query cost near 900 of the 1,000 points Shopify
allows a single query (20 orders, 10 line items each; the page size is
``inputs.sales.SALES_PAGE_SIZE``); an order with more lines says so.
"""

from __future__ import annotations

from typing import Final

from shopmcp_adapters.upstreams.shopify.documents.base import MONEY

SALES_ORDERS: Final = f"""query SalesOrders($first: Int!, $after: String, $query: String!) {{
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id name createdAt cancelledAt test
      currentTotalPriceSet {{ {MONEY} }}
      lineItems(first: 10) {{
        pageInfo {{ hasNextPage }}
        nodes {{
          title sku currentQuantity
          product {{ id }}
          discountedUnitPriceAfterAllDiscountsSet {{ {MONEY} }}
        }}
      }}
    }}
  }}
}}"""
