"""What every Shopify document shares: the pinned Admin API version, its endpoint, the money
selection and how a document's operation name is read.

The documents themselves are constants in this package's resource modules: every argument
travels as a GraphQL variable, and the search ``$query`` string is assembled only from
validated, quoted values (see ``search.py``). They are written against :data:`API_VERSION` and
checked against that version's schema by the contract tests. The operation name of each
document is what the tool table records as its ``UpstreamOperation.document``.
"""

from __future__ import annotations

import re
from typing import Final

API_VERSION: Final = "2026-07"
GRAPHQL_PATH: Final = f"/admin/api/{API_VERSION}/graphql.json"

MONEY: Final = "shopMoney { amount currencyCode }"

_OPERATION_RE = re.compile(r"^(?:query|mutation) ([A-Za-z]+)\b")


def operation_name(document: str) -> str:
    """The operation name a document declares (its first line)."""
    match = _OPERATION_RE.match(document)
    if match is None:
        raise ValueError("documents start with a named operation")
    return match.group(1)
