"""How the Shopify sandbox writes the values it stores: ids, times and money, in the Admin
API's forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

CURRENCY = "AUD"


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def money_v2(amount: float) -> dict[str, Any]:
    """A MoneyV2: an amount (a decimal string) and its currency."""
    return {"amount": f"{amount:.2f}", "currencyCode": CURRENCY}


def money(amount: float) -> dict[str, Any]:
    """A MoneyBag, of which the sandbox fills the shop's money only."""
    return {"shopMoney": money_v2(amount)}
