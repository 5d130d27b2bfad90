"""Documents of the draft order tools."""

from __future__ import annotations

from typing import Final

from shopmcp_adapters.upstreams.shopify.documents.base import MONEY

LIST_DRAFT_ORDERS: Final = f"""query ListDraftOrders(
  $first: Int!, $after: String, $query: String
) {{
  draftOrders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT, reverse: true) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id name status createdAt updatedAt totalQuantityOfLineItems
      totalPriceSet {{ {MONEY} }}
      customer {{ id displayName }}
      order {{ id name }}
    }}
  }}
}}"""

_DRAFT_ORDER = f"""id name status createdAt updatedAt completedAt note2 tags
      customer {{ id displayName }}
      order {{ id name }}
      subtotalPriceSet {{ {MONEY} }}
      totalTaxSet {{ {MONEY} }}
      totalShippingPriceSet {{ {MONEY} }}
      totalPriceSet {{ {MONEY} }}
      lineItems(first: 50) {{
        nodes {{
          id title sku quantity
          variant {{ id }}
          originalUnitPriceSet {{ {MONEY} }}
          discountedTotalSet {{ {MONEY} }}
        }}
      }}"""

GET_DRAFT_ORDER: Final = f"""query GetDraftOrder($id: ID!) {{
  draftOrder(id: $id) {{
      {_DRAFT_ORDER}
  }}
}}"""

CREATE_DRAFT_ORDER: Final = f"""mutation CreateDraftOrder($input: DraftOrderInput!) {{
  draftOrderCreate(input: $input) {{
    draftOrder {{
      {_DRAFT_ORDER}
    }}
    userErrors {{ field message }}
  }}
}}"""
