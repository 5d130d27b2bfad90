"""Documents of the discount tools.

A discount is one of eight types (a union): each is selected with its own fragment, all with
the same field names, so one output model reads any of them. Fields a type lacks (an app
discount has no summary, an automatic one no codes) are simply absent.
"""

from __future__ import annotations

from typing import Final

_CODE_TYPES = ("DiscountCodeBasic", "DiscountCodeBxgy", "DiscountCodeFreeShipping")
_AUTOMATIC_TYPES = (
    "DiscountAutomaticBasic",
    "DiscountAutomaticBxgy",
    "DiscountAutomaticFreeShipping",
)
_APP_TYPES = ("DiscountCodeApp", "DiscountAutomaticApp")

_COMMON = "title status startsAt endsAt asyncUsageCount"
_CODE = "usageLimit appliesOncePerCustomer codesCount { count }"
# What a basic (amount off) discount gives and needs.
_BASIC = """customerGets {
          value {
            __typename
            ... on DiscountPercentage { percentage }
            ... on DiscountAmount { amount { amount currencyCode } appliesOnEachItem }
          }
        }
        minimumRequirement {
          __typename
          ... on DiscountMinimumSubtotal { greaterThanOrEqualToSubtotal { amount currencyCode } }
          ... on DiscountMinimumQuantity { greaterThanOrEqualToQuantity }
        }"""


def _fragments(codes: str, *, detail: bool) -> str:
    """One inline fragment per discount type; ``codes`` selects a code type's codes."""
    parts = []
    for kind in (*_CODE_TYPES, *_AUTOMATIC_TYPES, *_APP_TYPES):
        fields = [_COMMON]
        if kind not in _APP_TYPES:
            fields.append("summary")
        if kind.startswith("DiscountCode"):
            fields += [_CODE, codes]
        if detail and kind.endswith("Basic"):
            fields.append(_BASIC)
        parts.append(f"... on {kind} {{\n        {' '.join(fields)}\n      }}")
    return "\n      ".join(parts)


LIST_DISCOUNTS: Final = f"""query ListDiscounts($first: Int!, $after: String, $query: String) {{
  discountNodes(first: $first, after: $after, query: $query, sortKey: UPDATED_AT, reverse: true) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id
      discount {{
      __typename
      {_fragments("codes(first: 1) { nodes { code } }", detail=False)}
      }}
    }}
  }}
}}"""

GET_DISCOUNT: Final = f"""query GetDiscount($id: ID!) {{
  discountNode(id: $id) {{
    id
    discount {{
      __typename
      {_fragments("codes(first: 20) { nodes { code } }", detail=True)}
    }}
  }}
}}"""

CREATE_DISCOUNT_CODE: Final = f"""mutation CreateDiscountCode(
  $basicCodeDiscount: DiscountCodeBasicInput!
) {{
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {{
    codeDiscountNode {{
      id
      codeDiscount {{
        __typename
        ... on DiscountCodeBasic {{
          {_COMMON} summary {_CODE} codes(first: 20) {{ nodes {{ code }} }}
          {_BASIC}
        }}
      }}
    }}
    userErrors {{ code field message }}
  }}
}}"""
