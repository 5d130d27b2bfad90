"""Documents of the collection tools.

From 2026-07 a collection's products come from its sources; hand-picked products are the
selections of its conditions source, added and removed through ``collectionUpdate`` (the
``collectionAddProducts`` family is deprecated).
"""

from __future__ import annotations

from typing import Final

_SOURCES = "sources { __typename id title }"

LIST_COLLECTIONS: Final = f"""query ListCollections($first: Int!, $after: String, $query: String) {{
  collections(first: $first, after: $after, query: $query, sortKey: TITLE) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id title handle updatedAt
      productsCount {{ count }}
      {_SOURCES}
    }}
  }}
}}"""

GET_COLLECTION: Final = f"""query GetCollection($id: ID!, $first: Int!, $after: String) {{
  collection(id: $id) {{
    id title handle updatedAt sortOrder
    productsCount {{ count }}
    {_SOURCES}
    products(first: $first, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ id title status totalInventory }}
    }}
  }}
}}"""

_UPDATED = """collection { id title productsCount { count } }
    job { id done }
    userErrors { field message }"""

ADD_PRODUCTS_TO_COLLECTION: Final = f"""mutation AddProductsToCollection(
  $collection: CollectionUpdateInput!
) {{
  collectionUpdate(collection: $collection) {{
    {_UPDATED}
  }}
}}"""

REMOVE_PRODUCTS_FROM_COLLECTION: Final = f"""mutation RemoveProductsFromCollection(
  $collection: CollectionUpdateInput!
) {{
  collectionUpdate(collection: $collection) {{
    {_UPDATED}
  }}
}}"""
