"""The Google sandbox's sample data: one Google account's GA4 accounts and properties, its
Merchant Center accounts with products and issues, and its Search Console sites, plus the
weighted facets the report engines split traffic over. Everything is invented and fixed; the
figures are functions of the day and the facets (``google_reports``), so the same request
always gets the same answer."""

from __future__ import annotations

from typing import Any, Final

import attrs

# The sandbox's Google account (the demo connection's store_ref) and its OAuth client.
ACCOUNT_SUB: Final = "104857600000000000001"
ACCOUNT_EMAIL: Final = "owner@acme-outdoors.example"
CLIENT_ID: Final = "shopmcp-demo.apps.googleusercontent.example"
CLIENT_SECRET: Final = "sandbox-google-client-secret"  # noqa: S105 - the sandbox's own
SCOPES: Final = (
    "openid email https://www.googleapis.com/auth/analytics.readonly "
    "https://www.googleapis.com/auth/content https://www.googleapis.com/auth/webmasters.readonly"
)

# --------------------------------------------------------------------------- GA4


@attrs.frozen
class AnalyticsAccount:
    account_id: str
    name: str
    properties: tuple[tuple[str, str], ...]  # (property id, display name)


ANALYTICS_ACCOUNTS: Final = (
    AnalyticsAccount(
        "100200300",
        "Acme Outdoors",
        (("412345678", "Acme Outdoors - Online store"), ("412345679", "Acme Outdoors - Journal")),
    ),
    AnalyticsAccount("100200301", "Acme Wholesale", (("498765432", "Acme Wholesale B2B portal"),)),
)
# Each property's share of the online store's traffic.
PROPERTY_SCALE: Final = {"412345678": 1.0, "412345679": 0.35, "498765432": 0.08}
PROPERTY_CURRENCY: Final = "AUD"
PROPERTY_TIME_ZONE: Final = "Australia/Sydney"


@attrs.frozen
class Facet:
    """Dimensions whose values go together (a landing page and its title), as weighted
    tuples; ``rates`` scale a tuple's conversion, engagement and order value."""

    dimensions: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], float, dict[str, float]], ...]


def _facet(dimensions: tuple[str, ...], *rows: tuple[Any, ...]) -> Facet:
    return Facet(
        dimensions,
        tuple(
            (
                tuple(row[: len(dimensions)]),
                float(row[len(dimensions)]),
                dict(*row[len(dimensions) + 1 :]),
            )
            for row in rows
        ),
    )


# conversion (cr), engagement (eng) and order value (aov) relative to the average.
CHANNELS: Final = _facet(
    (
        "sessionDefaultChannelGroup", "firstUserDefaultChannelGroup", "sessionSource",
        "sessionMedium", "sessionSourceMedium", "sessionCampaignName",
    ),
    ("Organic Search", "Organic Search", "google", "organic", "google / organic", "(organic)",
     0.34, {"cr": 1.0, "eng": 1.05}),
    ("Direct", "Direct", "(direct)", "(none)", "(direct) / (none)", "(direct)",
     0.22, {"cr": 1.3, "eng": 1.1, "aov": 1.1}),
    ("Paid Search", "Paid Search", "google", "cpc", "google / cpc", "spring_sale",
     0.14, {"cr": 1.4, "eng": 0.95}),
    ("Organic Social", "Organic Social", "instagram.com", "referral",
     "instagram.com / referral", "(referral)", 0.09, {"cr": 0.5, "eng": 0.8, "aov": 0.8}),
    ("Email", "Email", "newsletter", "email", "newsletter / email", "newsletter_weekly",
     0.07, {"cr": 2.0, "eng": 1.2, "aov": 1.15}),
    ("Referral", "Referral", "outdoorgearlab.example", "referral",
     "outdoorgearlab.example / referral", "(referral)", 0.06, {"cr": 0.8}),
    ("Paid Social", "Paid Social", "facebook", "paid_social", "facebook / paid_social",
     "spring_sale", 0.05, {"cr": 0.6, "eng": 0.75}),
    ("Organic Shopping", "Organic Shopping", "google", "product_sync",
     "google / product_sync", "(organic)", 0.03, {"cr": 1.6, "aov": 0.9}),
)  # fmt: skip
PAGES: Final = _facet(
    ("landingPage", "pagePath", "pageTitle", "unifiedScreenName"),
    ("/", "/", "Acme Outdoors", "Acme Outdoors", 0.30, {}),
    ("/collections/tents", "/collections/tents", "Tents", "Tents", 0.15, {"cr": 1.2}),
    ("/products/alpine-2p-tent", "/products/alpine-2p-tent", "Alpine 2-Person Tent",
     "Alpine 2-Person Tent", 0.12, {"cr": 1.6, "aov": 1.8}),
    ("/products/trail-runner-shoes", "/products/trail-runner-shoes", "Trail Runner Shoes",
     "Trail Runner Shoes", 0.10, {"cr": 1.3}),
    ("/collections/sale", "/collections/sale", "Sale", "Sale", 0.09, {"cr": 1.4, "aov": 0.7}),
    ("/blogs/guides/how-to-pick-a-tent", "/blogs/guides/how-to-pick-a-tent",
     "How to pick a tent", "How to pick a tent", 0.08, {"cr": 0.3, "eng": 1.3}),
    ("/products/titanium-mug-450", "/products/titanium-mug-450", "Titanium Mug 450ml",
     "Titanium Mug 450ml", 0.06, {"cr": 1.5, "aov": 0.4}),
    ("/cart", "/cart", "Your cart", "Your cart", 0.04, {"cr": 4.0}),
    ("/pages/contact", "/pages/contact", "Contact us", "Contact us", 0.03, {"cr": 0.1}),
    ("(not set)", "(not set)", "(not set)", "(not set)", 0.03, {"cr": 0.5, "eng": 0.3}),
)  # fmt: skip
DEVICES: Final = _facet(
    ("deviceCategory", "browser", "operatingSystem", "platform"),
    ("mobile", "Safari", "iOS", "web", 0.36, {"cr": 0.8, "eng": 0.95}),
    ("mobile", "Chrome", "Android", "web", 0.26, {"cr": 0.75, "eng": 0.93}),
    ("desktop", "Chrome", "Windows", "web", 0.19, {"cr": 1.45, "eng": 1.1, "aov": 1.1}),
    ("desktop", "Safari", "Macintosh", "web", 0.14, {"cr": 1.5, "eng": 1.12, "aov": 1.15}),
    ("tablet", "Safari", "iOS", "web", 0.05, {"cr": 1.0}),
)  # fmt: skip
PLACES: Final = _facet(
    ("country", "countryId", "region", "city", "language"),
    ("Australia", "AU", "Victoria", "Melbourne", "English", 0.29, {}),
    ("Australia", "AU", "New South Wales", "Sydney", "English", 0.25, {}),
    ("Australia", "AU", "Queensland", "Brisbane", "English", 0.11, {}),
    ("Australia", "AU", "Western Australia", "Perth", "English", 0.06, {}),
    ("New Zealand", "NZ", "Auckland", "Auckland", "English", 0.12, {"cr": 0.7}),
    ("United States", "US", "California", "Los Angeles", "English", 0.08, {"cr": 0.3}),
    ("United Kingdom", "GB", "England", "London", "English", 0.05, {"cr": 0.3}),
    ("Canada", "CA", "Ontario", "Toronto", "French", 0.04, {"cr": 0.3}),
)  # fmt: skip
VISITORS: Final = _facet(
    ("newVsReturning",),
    ("new", 0.58, {"cr": 0.6, "eng": 0.9, "new": 1.0}),
    ("returning", 0.42, {"cr": 1.55, "eng": 1.15, "new": 0.0}),
)
EVENTS: Final = _facet(
    ("eventName",),
    ("page_view", 0.45, {}), ("user_engagement", 0.2, {}), ("view_item", 0.12, {}),
    ("scroll", 0.109, {}), ("session_start", 0.07, {}), ("add_to_cart", 0.03, {}),
    ("begin_checkout", 0.015, {}), ("purchase", 0.006, {}),
)  # fmt: skip
MINUTES: Final = _facet(("minutesAgo",), *((f"{m:02d}", 1 / 30, {}) for m in range(30)))
ITEMS: Final = _facet(
    ("itemName", "itemId", "itemBrand", "itemCategory"),
    ("Alpine 2-Person Tent", "TENT-2P", "Acme", "Tents", 0.16, {"price": 449.0, "buy": 1.3}),
    ("Basecamp 4-Person Tent", "TENT-4P", "Acme", "Tents", 0.08, {"price": 699.0, "buy": 0.8}),
    ("Titanium Mug 450ml", "MUG-TI-450", "Summit Ti", "Kitchen", 0.14,
     {"price": 49.95, "buy": 2.1}),
    ("Trail Runner Shoes", "SHOE-TR-42", "Ridgeline", "Footwear", 0.17,
     {"price": 189.0, "buy": 1.0}),
    ("Down Jacket", "JKT-DOWN-M", "Acme", "Clothing", 0.12, {"price": 329.0, "buy": 0.7}),
    ("Compact Gas Stove", "STOVE-GAS", "Summit Ti", "Kitchen", 0.09,
     {"price": 89.0, "buy": 1.4}),
    ("Headlamp 300lm", "HEADLAMP-300", "Lumen", "Lighting", 0.13, {"price": 59.0, "buy": 1.6}),
    ("Hiking Pack 45L", "PACK-45L", "Acme", "Packs", 0.11, {"price": 259.0, "buy": 0.9}),
)  # fmt: skip
REPORT_FACETS: Final = (CHANNELS, PAGES, DEVICES, PLACES, VISITORS, EVENTS, ITEMS)
REALTIME_FACETS: Final = (PAGES, DEVICES, PLACES, EVENTS, MINUTES)

# --------------------------------------------------------------------------- Merchant Center

MERCHANT_ACCOUNTS: Final = (
    {"accountId": "5551234567", "accountName": "Acme Outdoors AU", "timeZone": "Australia/Sydney",
     "languageCode": "en"},
    {"accountId": "5551234568", "accountName": "Acme Outdoors NZ", "timeZone": "Pacific/Auckland",
     "languageCode": "en"},
)  # fmt: skip


@attrs.frozen
class Issue:
    code: str
    severity: str  # DISAPPROVED, DEMOTED, NOT_IMPACTED
    attribute: str | None
    description: str
    detail: str
    countries: tuple[str, ...]
    context: str = "SHOPPING_ADS"
    merchant_action: bool = True


@attrs.frozen
class SandboxProduct:
    account_id: str
    feed_label: str
    offer_id: str
    title: str
    price: str  # in the currency's units
    currency: str
    availability: str
    brand: str
    status: str  # product_view's aggregated status
    issues: tuple[Issue, ...] = ()

    @property
    def plain_id(self) -> str:
        return f"en~{self.feed_label}~{self.offer_id}"


_BROKEN_IMAGE = Issue(
    "image_link_broken", "DISAPPROVED", "image_link", "Invalid image [image_link]",
    "Google could not download the product's image; update image_link to a working URL.",
    ("AU", "NZ"),
)  # fmt: skip
_LANDING_PAGE = Issue(
    "landing_page_error", "DISAPPROVED", "link", "Unavailable desktop landing page",
    "The product page answered 404 when Google crawled it.", ("AU",), "FREE_LISTINGS",
)  # fmt: skip
_MISSING_GTIN = Issue(
    "missing_gtin", "DEMOTED", "gtin", "Missing value [gtin]",
    "Add the product's GTIN so it can show in more places.", ("AU",),
)  # fmt: skip
_SHIPPING = Issue(
    "missing_shipping", "DISAPPROVED", "shipping", "Missing shipping information",
    "No shipping cost is set for New Zealand.", ("NZ",),
)  # fmt: skip
_REVIEW = Issue(
    "pending_initial_policy_review", "DISAPPROVED", None, "Pending initial review",
    "Google is reviewing the product.", ("AU",), merchant_action=False,
)  # fmt: skip
_STRIKETHROUGH = Issue(
    "strikethrough_price_invalid", "DEMOTED", "sale_price", "Invalid sale price",
    "The sale price is not lower than the price.", ("AU",), "FREE_LISTINGS",
)  # fmt: skip

PRODUCTS: Final = (
    SandboxProduct("5551234567", "AU", "TENT-2P", "Alpine 2-Person Tent", "449.00", "AUD",
                   "IN_STOCK", "Acme", "ELIGIBLE"),
    SandboxProduct("5551234567", "AU", "TENT-4P", "Basecamp 4-Person Tent", "699.00", "AUD",
                   "IN_STOCK", "Acme", "ELIGIBLE_LIMITED", (_MISSING_GTIN,)),
    SandboxProduct("5551234567", "AU", "MUG-TI-450", "Titanium Mug 450ml", "49.95", "AUD",
                   "IN_STOCK", "Summit Ti", "ELIGIBLE"),
    SandboxProduct("5551234567", "AU", "SHOE-TR-42", "Trail Runner Shoes", "189.00", "AUD",
                   "OUT_OF_STOCK", "Ridgeline", "NOT_ELIGIBLE_OR_DISAPPROVED",
                   (_BROKEN_IMAGE, _LANDING_PAGE)),
    SandboxProduct("5551234567", "AU", "JKT-DOWN-M", "Down Jacket (M)", "329.00", "AUD",
                   "PREORDER", "Acme", "PENDING", (_REVIEW,)),
    SandboxProduct("5551234567", "AU", "STOVE-GAS", "Compact Gas Stove", "89.00", "AUD",
                   "IN_STOCK", "Summit Ti", "ELIGIBLE_LIMITED", (_STRIKETHROUGH,)),
    SandboxProduct("5551234567", "AU", "HEADLAMP-300", "Headlamp 300lm", "59.00", "AUD",
                   "IN_STOCK", "Lumen", "ELIGIBLE"),
    SandboxProduct("5551234567", "AU", "PACK-45L", "Hiking Pack 45L", "259.00", "AUD",
                   "IN_STOCK", "Acme", "NOT_ELIGIBLE_OR_DISAPPROVED", (_LANDING_PAGE,)),
    SandboxProduct("5551234567", "AU", "SLEEP-BAG-0C", "Sleeping Bag 0C", "279.00", "AUD",
                   "IN_STOCK", "Acme", "ELIGIBLE_LIMITED", (_SHIPPING,)),
    SandboxProduct("5551234567", "AU", "CHAIR/LITE-2", "Camp Chair Lite", "79.00", "AUD",
                   "IN_STOCK", "Acme", "ELIGIBLE"),
    SandboxProduct("5551234568", "NZ", "TENT-2P", "Alpine 2-Person Tent", "489.00", "NZD",
                   "IN_STOCK", "Acme", "ELIGIBLE"),
    SandboxProduct("5551234568", "NZ", "MUG-TI-450", "Titanium Mug 450ml", "54.95", "NZD",
                   "IN_STOCK", "Summit Ti", "NOT_ELIGIBLE_OR_DISAPPROVED", (_BROKEN_IMAGE,)),
)  # fmt: skip

ACCOUNT_ISSUES: Final = {
    "5551234567": (
        {"name": "accounts/5551234567/issues/return-policy-missing",
         "title": "Add a return policy", "severity": "ERROR",
         "detail": "Products cannot show in free listings until the return policy is set.",
         "documentationUri": "https://support.google.com/merchants/answer/10220642",
         "impactedDestinations": [{"reportingContext": "FREE_LISTINGS",
                                   "impacts": [{"regionCode": "AU", "severity": "ERROR"}]}]},
        {"name": "accounts/5551234567/issues/nz-shipping-missing",
         "title": "Set shipping for New Zealand", "severity": "CRITICAL",
         "detail": "Products targeting New Zealand have no shipping cost.",
         "documentationUri": "https://support.google.com/merchants/answer/6069284",
         "impactedDestinations": [{"reportingContext": "SHOPPING_ADS",
                                   "impacts": [{"regionCode": "NZ", "severity": "CRITICAL"}]}]},
        {"name": "accounts/5551234567/issues/phone-verification",
         "title": "Verify your business phone number", "severity": "SUGGESTION",
         "detail": "A verified phone number builds shoppers' trust.",
         "documentationUri": "https://support.google.com/merchants/answer/12158066"},
    ),
    "5551234568": (),
}  # fmt: skip

# --------------------------------------------------------------------------- Search Console

SITES: Final = (
    {"siteUrl": "sc-domain:acme-outdoors.example", "permissionLevel": "siteOwner"},
    {"siteUrl": "https://journal.acme-outdoors.example/", "permissionLevel": "siteFullUser"},
)
SITE_SCALE: Final = {"sc-domain:acme-outdoors.example": 1.0,
                     "https://journal.acme-outdoors.example/": 0.3}  # fmt: skip
SEARCH_QUERIES: Final = _facet(
    ("query",),
    ("acme outdoors", 0.10, {"ctr": 0.38, "pos": 1.2}),
    ("2 person tent", 0.16, {"ctr": 0.045, "pos": 6.8}),
    ("lightweight hiking tent", 0.13, {"ctr": 0.032, "pos": 8.9}),
    ("titanium mug", 0.12, {"ctr": 0.06, "pos": 4.1}),
    ("trail running shoes australia", 0.15, {"ctr": 0.018, "pos": 12.4}),
    ("how to choose a tent", 0.14, {"ctr": 0.051, "pos": 3.7}),
    ("camp stove gas", 0.11, {"ctr": 0.027, "pos": 9.5}),
    ("down jacket sale", 0.09, {"ctr": 0.022, "pos": 11.1}),
)  # fmt: skip
# ctr scales the click rate; rank scales the average position (below 1: nearer the top).
SEARCH_PAGES: Final = _facet(
    ("page",),
    ("https://acme-outdoors.example/", 0.22, {"ctr": 1.4, "rank": 0.5}),
    ("https://acme-outdoors.example/collections/tents", 0.24, {"rank": 1.1}),
    ("https://acme-outdoors.example/products/alpine-2p-tent", 0.18, {"ctr": 1.1, "rank": 0.9}),
    ("https://acme-outdoors.example/products/titanium-mug-450", 0.12, {"rank": 0.8}),
    ("https://acme-outdoors.example/products/trail-runner-shoes", 0.14,
     {"ctr": 0.8, "rank": 1.5}),
    ("https://acme-outdoors.example/blogs/guides/how-to-pick-a-tent", 0.10,
     {"ctr": 1.2, "rank": 0.7}),
)  # fmt: skip
SEARCH_COUNTRIES: Final = _facet(
    ("country",),
    ("aus", 0.68, {"ctr": 1.1}), ("nzl", 0.12, {}), ("usa", 0.11, {"ctr": 0.5}),
    ("gbr", 0.05, {"ctr": 0.6}), ("can", 0.04, {"ctr": 0.6}),
)  # fmt: skip
SEARCH_DEVICES: Final = _facet(
    ("device",),
    ("MOBILE", 0.61, {"ctr": 0.9}), ("DESKTOP", 0.34, {"ctr": 1.2}), ("TABLET", 0.05, {}),
)  # fmt: skip
SEARCH_FACETS: Final = (SEARCH_QUERIES, SEARCH_PAGES, SEARCH_COUNTRIES, SEARCH_DEVICES)
