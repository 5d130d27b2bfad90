"""Documents of the locations and fulfilment tools."""

from __future__ import annotations

from typing import Final

_LOCATION = "id name isActive fulfillsOnlineOrders shipsInventory"

LIST_LOCATIONS: Final = f"""query ListLocations(
  $first: Int!, $after: String, $query: String, $includeInactive: Boolean
) {{
  locations(
    first: $first, after: $after, query: $query, includeInactive: $includeInactive,
    sortKey: NAME
  ) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      {_LOCATION}
      address {{ city province country }}
    }}
  }}
}}"""

GET_LOCATION: Final = f"""query GetLocation($id: ID!) {{
  location(id: $id) {{
    {_LOCATION} hasActiveInventory hasUnfulfilledOrders createdAt deactivatedAt
    address {{ address1 address2 city province zip country countryCode phone }}
  }}
}}"""

# What both fulfilment-order documents select of a fulfilment order: enough to ship it (its
# open lines, with their ids) and to see why it cannot be shipped (status, holds, actions).
_FULFILLMENT_ORDER = """id status requestStatus fulfillAt updatedAt
      assignedLocation { name location { id } }
      deliveryMethod { methodType }
      supportedActions { action }
      fulfillmentHolds { reason }
      lineItems(first: 50) {
        nodes {
          id sku productTitle variantTitle totalQuantity remainingQuantity
          lineItem { id }
        }
      }"""

LIST_FULFILLMENT_ORDERS: Final = f"""query ListFulfillmentOrders($id: ID!, $after: String) {{
  order(id: $id) {{
    id name displayFulfillmentStatus
    fulfillmentOrders(first: 5, after: $after, displayable: true) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
      {_FULFILLMENT_ORDER}
      }}
    }}
  }}
}}"""

GET_FULFILLMENT_ORDER: Final = f"""query GetFulfillmentOrder($id: ID!) {{
  fulfillmentOrder(id: $id) {{
      orderId orderName
      {_FULFILLMENT_ORDER}
  }}
}}"""

_FULFILLMENT = """id name status displayStatus createdAt updatedAt deliveredAt
      estimatedDeliveryAt inTransitAt totalQuantity
      order { id name }
      location { id name }
      trackingInfo(first: 5) { company number url }
      fulfillmentLineItems(first: 50) {
        nodes { id quantity lineItem { id title sku } }
      }"""

GET_FULFILLMENT: Final = f"""query GetFulfillment($id: ID!) {{
  fulfillment(id: $id) {{
      {_FULFILLMENT}
  }}
}}"""

CREATE_FULFILLMENT: Final = f"""mutation CreateFulfillment($fulfillment: FulfillmentInput!) {{
  fulfillmentCreate(fulfillment: $fulfillment) {{
    fulfillment {{
      {_FULFILLMENT}
    }}
    userErrors {{ field message }}
  }}
}}"""
