"""Documents of the refund tools (an order's refund list is in ``orders``)."""

from __future__ import annotations

from typing import Final

from shopmcp_adapters.upstreams.shopify.documents.base import MONEY

_REFUND = f"""id createdAt note
      order {{ id name }}
      totalRefundedSet {{ {MONEY} }}
      refundLineItems(first: 50) {{
        nodes {{
          quantity restockType
          lineItem {{ id title sku }}
          subtotalSet {{ {MONEY} }}
        }}
      }}
      transactions(first: 10) {{
        nodes {{ id kind status gateway processedAt amountSet {{ {MONEY} }} }}
      }}"""

GET_REFUND: Final = f"""query GetRefund($id: ID!) {{
  refund(id: $id) {{
      {_REFUND}
  }}
}}"""

SUGGEST_REFUND: Final = f"""query SuggestRefund(
  $id: ID!, $refundLineItems: [RefundLineItemInput!], $refundShipping: Boolean
) {{
  order(id: $id) {{
    id name
    suggestedRefund(refundLineItems: $refundLineItems, refundShipping: $refundShipping) {{
      amountSet {{ {MONEY} }}
      subtotalSet {{ {MONEY} }}
      totalTaxSet {{ {MONEY} }}
      maximumRefundableSet {{ {MONEY} }}
      shipping {{ amountSet {{ {MONEY} }} }}
      refundLineItems {{
        quantity restockType
        lineItem {{ id title sku }}
        subtotalSet {{ {MONEY} }}
      }}
      suggestedTransactions {{
        gateway kind
        amountSet {{ {MONEY} }}
        parentTransaction {{ id }}
      }}
    }}
  }}
}}"""

# Shopify requires an idempotency key on this mutation from 2026-04 on.
CREATE_REFUND: Final = f"""mutation CreateRefund($input: RefundInput!, $idempotencyKey: String!) {{
  refundCreate(input: $input) @idempotent(key: $idempotencyKey) {{
    refund {{
      {_REFUND}
    }}
    userErrors {{ field message }}
  }}
}}"""
