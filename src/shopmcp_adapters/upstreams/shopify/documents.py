"""The fixed GraphQL documents the Shopify module sends, one per tool.

Each is a constant: every argument travels as a GraphQL variable, and the search ``$query``
string is assembled only from validated, quoted values (see ``search.py``). The documents are
written against the Admin API version pinned in :data:`API_VERSION` and checked against that
version's schema by the contract tests. The operation name of each document is what the tool
table records as its ``UpstreamOperation.document``.
"""

from __future__ import annotations

import re
from typing import Final

API_VERSION: Final = "2026-07"
GRAPHQL_PATH: Final = f"/admin/api/{API_VERSION}/graphql.json"

_MONEY = "shopMoney { amount currencyCode }"

GET_SHOP: Final = """query GetShop {
  shop {
    id name email contactEmail myshopifyDomain currencyCode ianaTimezone
    primaryDomain { host url }
    plan { publicDisplayName partnerDevelopment shopifyPlus }
    shopAddress { city province country countryCodeV2 }
  }
}"""

LIST_ORDERS: Final = f"""query ListOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT, reverse: true) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id name createdAt cancelledAt closed displayFinancialStatus displayFulfillmentStatus
      currentTotalPriceSet {{ {_MONEY} }}
      customer {{ id displayName }}
      subtotalLineItemsQuantity
    }}
  }}
}}"""

GET_ORDER: Final = f"""query GetOrder($id: ID!) {{
  order(id: $id) {{
    id name createdAt processedAt cancelledAt cancelReason closed note tags
    displayFinancialStatus displayFulfillmentStatus
    subtotalPriceSet {{ {_MONEY} }}
    totalShippingPriceSet {{ {_MONEY} }}
    totalTaxSet {{ {_MONEY} }}
    currentTotalPriceSet {{ {_MONEY} }}
    totalRefundedSet {{ {_MONEY} }}
    customer {{ id displayName }}
    lineItems(first: 50) {{
      nodes {{
        id title sku quantity currentQuantity
        originalUnitPriceSet {{ {_MONEY} }}
        variant {{ id }}
      }}
    }}
    fulfillments(first: 20) {{
      id status createdAt
      trackingInfo(first: 5) {{ company number url }}
    }}
    refunds(first: 20) {{
      id createdAt note
      totalRefundedSet {{ {_MONEY} }}
    }}
  }}
}}"""

LIST_PRODUCTS: Final = """query ListProducts($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: TITLE) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title handle status vendor productType tags totalInventory updatedAt
      variantsCount { count }
    }
  }
}"""

GET_PRODUCT: Final = """query GetProduct($id: ID!) {
  product(id: $id) {
    id title handle status vendor productType tags descriptionHtml
    createdAt updatedAt totalInventory
    variants(first: 100) {
      nodes {
        id title sku price compareAtPrice inventoryQuantity
        inventoryItem { id tracked }
      }
    }
  }
}"""

GET_INVENTORY: Final = """query GetInventory($first: Int!, $query: String!) {
  productVariants(first: $first, query: $query) {
    nodes {
      id title sku
      product { id title }
      inventoryItem {
        id tracked
        inventoryLevels(first: 20) {
          nodes {
            location { id name }
            quantities(names: ["available", "on_hand", "committed", "incoming"]) {
              name quantity
            }
          }
        }
      }
    }
  }
}"""

LIST_CUSTOMERS: Final = """query ListCustomers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT, reverse: true) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id displayName state tags createdAt
      defaultEmailAddress { emailAddress }
      defaultPhoneNumber { phoneNumber }
      numberOfOrders
      amountSpent { amount currencyCode }
    }
  }
}"""

GET_CUSTOMER: Final = f"""query GetCustomer($id: ID!) {{
  customer(id: $id) {{
    id displayName firstName lastName state tags note createdAt
    defaultEmailAddress {{ emailAddress }}
    defaultPhoneNumber {{ phoneNumber }}
    numberOfOrders
    amountSpent {{ amount currencyCode }}
    defaultAddress {{ city province country }}
    lastOrder {{ id name createdAt }}
    orders(first: 10, sortKey: CREATED_AT, reverse: true) {{
      nodes {{
        id name createdAt displayFinancialStatus displayFulfillmentStatus
        currentTotalPriceSet {{ {_MONEY} }}
      }}
    }}
  }}
}}"""

LIST_ORDER_REFUNDS: Final = f"""query ListOrderRefunds($id: ID!) {{
  order(id: $id) {{
    id name
    totalRefundedSet {{ {_MONEY} }}
    refunds(first: 50) {{
      id createdAt note
      totalRefundedSet {{ {_MONEY} }}
      refundLineItems(first: 50) {{
        nodes {{
          quantity restockType
          lineItem {{ id title sku }}
          subtotalSet {{ {_MONEY} }}
        }}
      }}
    }}
  }}
}}"""

UPDATE_PRODUCT: Final = """mutation UpdateProduct($product: ProductUpdateInput!) {
  productUpdate(product: $product) {
    product { id title handle status vendor productType tags descriptionHtml updatedAt }
    userErrors { field message }
  }
}"""

# Shopify requires an idempotency key on this mutation from 2026-04 on.
SET_INVENTORY: Final = """mutation SetInventory(
  $input: InventorySetQuantitiesInput!, $idempotencyKey: String!
) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup {
      reason
      changes { name delta quantityAfterChange location { id name } item { id sku } }
    }
    userErrors { code field message }
  }
}"""

UPDATE_ORDER: Final = """mutation UpdateOrder($input: OrderInput!) {
  orderUpdate(input: $input) {
    order { id name note tags updatedAt }
    userErrors { field message }
  }
}"""

ALL_DOCUMENTS: Final = (
    GET_SHOP,
    LIST_ORDERS,
    GET_ORDER,
    LIST_PRODUCTS,
    GET_PRODUCT,
    GET_INVENTORY,
    LIST_CUSTOMERS,
    GET_CUSTOMER,
    LIST_ORDER_REFUNDS,
    UPDATE_PRODUCT,
    SET_INVENTORY,
    UPDATE_ORDER,
)

_OPERATION_RE = re.compile(r"^(?:query|mutation) ([A-Za-z]+)\b")


def operation_name(document: str) -> str:
    """The operation name a document declares (its first line)."""
    match = _OPERATION_RE.match(document)
    if match is None:
        raise ValueError("documents start with a named operation")
    return match.group(1)
