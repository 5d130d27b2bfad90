"""The upstream platforms a workspace can connect. One platform is one tool module."""

from __future__ import annotations

import enum


class Platform(enum.StrEnum):
    SHOPIFY = "shopify"
    BIGCOMMERCE = "bigcommerce"
    MAGENTO = "magento"
    NETO = "neto"
    XERO = "xero"
    GOOGLE = "google"
