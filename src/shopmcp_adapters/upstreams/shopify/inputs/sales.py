"""Input of the sales summary."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.shopify.inputs.common import EARLIEST, LATEST, StrictModel

# Orders read per page by the sales summary, and the most pages one call may read: each page
# is one request of a few hundred query-cost points, so a call stays well inside Shopify's
# bucket.
SALES_PAGE_SIZE = 20
MAX_SALES_PAGES = 10


class SalesSummaryInput(StrictModel):
    created_from: dt.date = Field(
        ge=EARLIEST, le=LATEST, description="First day of the period (UTC), included."
    )
    created_to: dt.date = Field(
        ge=EARLIEST, le=LATEST, description="Last day of the period (UTC), included."
    )
    max_pages: int = Field(
        default=4,
        ge=1,
        le=MAX_SALES_PAGES,
        description=f"Pages of {SALES_PAGE_SIZE} orders to read at most; the summary says "
        "when the period has more orders than that.",
    )
    top: int = Field(default=5, ge=1, le=20, description="How many best-selling products.")

    @model_validator(mode="after")
    def _range(self) -> SalesSummaryInput:
        if self.created_from > self.created_to:
            raise ValueError("created_from must not be after created_to")
        return self
