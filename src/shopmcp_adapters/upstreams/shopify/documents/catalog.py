"""Documents of the catalogue tools: the shop, products, inventory and locations."""

from __future__ import annotations

from typing import Final

GET_SHOP: Final = """query GetShop {
  shop {
    id name email contactEmail myshopifyDomain currencyCode ianaTimezone
    primaryDomain { host url }
    plan { publicDisplayName partnerDevelopment shopifyPlus }
    shopAddress { city province country countryCodeV2 }
  }
}"""


LIST_PRODUCTS: Final = """query ListProducts($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: TITLE) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title handle status vendor productType tags totalInventory updatedAt
      variantsCount { count }
      variants(first: 5) { nodes { sku } }
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


UPDATE_PRODUCT: Final = """mutation UpdateProduct($product: ProductUpdateInput!) {
  productUpdate(product: $product) {
    product { id title handle status vendor productType tags descriptionHtml updatedAt }
    userErrors { field message }
  }
}"""


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
