"""Documents of the customer tools."""

from __future__ import annotations

from typing import Final

from shopmcp_adapters.upstreams.shopify.documents.base import MONEY

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
        currentTotalPriceSet {{ {MONEY} }}
      }}
    }}
  }}
}}"""


# tagsAdd and tagsRemove answer with the tagged node: a customer here.
_TAGGED = """node {
      __typename id
      ... on Customer { displayName tags }
    }
    userErrors { field message }"""

ADD_CUSTOMER_TAGS: Final = f"""mutation AddCustomerTags($id: ID!, $tags: [String!]!) {{
  tagsAdd(id: $id, tags: $tags) {{
    {_TAGGED}
  }}
}}"""

REMOVE_CUSTOMER_TAGS: Final = f"""mutation RemoveCustomerTags($id: ID!, $tags: [String!]!) {{
  tagsRemove(id: $id, tags: $tags) {{
    {_TAGGED}
  }}
}}"""
