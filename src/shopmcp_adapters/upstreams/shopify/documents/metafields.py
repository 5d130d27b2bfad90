"""Documents of the metafield tools: the same page of metafields, read from three owners."""

from __future__ import annotations

from typing import Final

_METAFIELDS = """metafields(first: $first, after: $after, namespace: $namespace) {
      pageInfo { hasNextPage endCursor }
      nodes { id namespace key type value updatedAt }
    }"""
_VARIABLES = "$id: ID!, $first: Int!, $after: String, $namespace: String"

GET_PRODUCT_METAFIELDS: Final = f"""query GetProductMetafields({_VARIABLES}) {{
  product(id: $id) {{
    id title
    {_METAFIELDS}
  }}
}}"""

GET_ORDER_METAFIELDS: Final = f"""query GetOrderMetafields({_VARIABLES}) {{
  order(id: $id) {{
    id name
    {_METAFIELDS}
  }}
}}"""

GET_CUSTOMER_METAFIELDS: Final = f"""query GetCustomerMetafields({_VARIABLES}) {{
  customer(id: $id) {{
    id displayName
    {_METAFIELDS}
  }}
}}"""
