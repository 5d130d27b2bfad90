"""The one Magento tool table, and the small text helpers every area's texts share."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.outputs.common import Paging
from shopmcp_adapters.upstreams.magento.search import SearchCriteria, SearchResults
from shopmcp_adapters.upstreams.module import ToolTable
from shopmcp_domain.platforms import Platform

tools = ToolTable[MagentoClient](Platform.MAGENTO)


def money(amount: float | None, currency: str | None) -> str:
    return f"{amount:.2f} {currency or ''}".strip() if amount is not None else "?"


def page_text(noun: str, paging: Paging, count: int, shown: str) -> str:
    return f"{paging.total_count} {noun} match; page {paging.page} shows {count}" + (
        f": {shown}" if shown else "."
    )


def paging(found: SearchResults[Any], criteria: SearchCriteria) -> Paging:
    # The page the tool asked for, not Magento's echo of it.
    return Paging(
        total_count=found.total_count, page=criteria.current_page, page_size=criteria.page_size
    )
