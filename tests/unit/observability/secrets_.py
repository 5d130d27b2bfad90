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


def stable_id(value: object) -> str:
    """A test id with the issued token's random parts named, not shown: the same on every
    collection (pytest-xdist's workers must collect identical ids)."""
    text = str(value).replace(SECRET, "<secret>").replace(SECRET[:-5], "<secret[:-5]>")
    text = text.replace(PREFIX, "<prefix>")
    return text.replace(SECRET.upper(), "<SECRET>").replace(PREFIX.upper(), "<PREFIX>")


def leaks(text: str) -> list[str]:
    """Every secret (or a recognisable piece of one) found in ``text``."""
    found = [s for s in ALL if s in text]
    # A secret's first 16 characters alone are still too much.
    found += [s[:16] for s in (SECRET, BEARER) if s[:16] in text and s not in found]
    return found
