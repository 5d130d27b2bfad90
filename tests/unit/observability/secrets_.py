"""Secrets the tests try to leak, in the shapes the product really produces."""

from __future__ import annotations

from shopmcp_domain.ids import new_workspace_id
from shopmcp_domain.keys import issue_key
from tests.factories import NOW

ISSUED = issue_key(new_workspace_id(), NOW)
TOKEN = ISSUED.token
PREFIX = ISSUED.key.prefix
SECRET = TOKEN.split("_", 2)[2]
EMAIL = "jane.doe+orders@example-shop.com.au"
BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
STRIPE_KEY = "sk_live_51AbCdEfGhIjKlMnOpQrStUv"
SHOPIFY_TOKEN = "shpat_0123456789abcdef0123456789abcdef"

ALL = (SECRET, EMAIL, BEARER, STRIPE_KEY, SHOPIFY_TOKEN, "jane.doe")


def leaks(text: str) -> list[str]:
    """Every secret (or a recognisable piece of one) found in ``text``."""
    found = [s for s in ALL if s in text]
    # A secret's first 16 characters alone are still too much.
    found += [s[:16] for s in (SECRET, BEARER) if s[:16] in text and s not in found]
    return found
