"""Which output fields of which tools are third-party free text (issue 19 item 4): one table
for every platform, checked by ``tests/unit/upstreams/test_untrusted_fields.py`` against every
tool's output schema. A string field of an output schema (one without an enum, const or
format) is either listed here for its tool, or its name is in :data:`SAFE_STRING_FIELDS` with
the reason it is not prose someone outside the merchant's company wrote; a new tool or field
that is neither fails the test.

Third-party free text is what customers, upstream users, apps or the upstream itself wrote:
order and customer notes and comments, delivery instructions, product and page descriptions
and content, refund, return and cancellation reasons, metafield values, tags (set by apps
and imports as much as by the merchant), Xero references, Google's issue details and
resolutions. Upstream error messages are marked where they are shown (``errors.py``).

Paths are field names joined by "/", "-" for every item of an array and "*" for every value
of a map (:mod:`shopmcp_domain.untrusted`). The gateway marks the values these paths reach in
every result, centrally in the ``tools/call`` use case.
"""

from __future__ import annotations

from collections.abc import Mapping

from shopmcp_domain.platforms import Platform

UNTRUSTED_FIELDS: Mapping[Platform, Mapping[str, tuple[str, ...]]] = {
    Platform.SHOPIFY: {
        "shopify_list_products": ("products/-/tags/-",),
        "shopify_get_product": (
            "description_html",
            "tags/-",
        ),
        "shopify_update_product": (
            "description_html",
            "tags/-",
        ),
        "shopify_set_inventory": ("reason",),
        "shopify_list_customers": ("customers/-/tags/-",),
        "shopify_get_customer": (
            "note",
            "tags/-",
        ),
        "shopify_add_customer_tags": ("tags/-",),
        "shopify_remove_customer_tags": ("tags/-",),
        "shopify_list_discounts": ("discounts/-/summary",),
        "shopify_get_discount": ("summary",),
        "shopify_create_discount_code": ("summary",),
        "shopify_get_draft_order": (
            "note",
            "tags/-",
        ),
        "shopify_create_draft_order": (
            "note",
            "tags/-",
        ),
        "shopify_get_product_metafields": ("metafields/-/value",),
        "shopify_get_order_metafields": ("metafields/-/value",),
        "shopify_get_customer_metafields": ("metafields/-/value",),
        "shopify_get_order": (
            "cancel_reason",
            "note",
            "refunds/-/note",
            "tags/-",
        ),
        "shopify_list_order_refunds": ("refunds/-/note",),
        "shopify_update_order": (
            "note",
            "tags/-",
        ),
        "shopify_get_refund": ("note",),
        "shopify_create_refund": ("note",),
    },
    Platform.BIGCOMMERCE: {
        "bigcommerce_get_product": ("product/description",),
        "bigcommerce_get_category": (
            "category/description",
            "category/page_title",
        ),
        "bigcommerce_list_brands": ("brands/-/page_title",),
        "bigcommerce_get_brand": ("brand/page_title",),
        "bigcommerce_get_customer": ("customer/notes",),
        "bigcommerce_get_order": ("order/customer_message",),
        "bigcommerce_list_order_refunds": (
            "refunds/-/items/-/reason",
            "refunds/-/reason",
        ),
        "bigcommerce_quote_refund": (
            "quote/refund_methods/-/-/offline_reason",
            "quote/refund_methods/-/-/provider_description",
        ),
        "bigcommerce_create_refund": (
            "refund/items/-/reason",
            "refund/reason",
        ),
    },
    Platform.MAGENTO: {
        "magento_get_product": (
            "description",
            "short_description",
        ),
        "magento_get_category": ("description",),
        "magento_update_product": (
            "description",
            "short_description",
        ),
        "magento_list_sources": ("sources/-/description",),
        "magento_get_source": ("description",),
        "magento_get_invoice": ("comments/-/comment",),
        "magento_list_cart_rules": ("rules/-/description",),
        "magento_get_cart_rule": ("description",),
        "magento_create_cart_rule": ("description",),
        "magento_get_order": ("shipping/description",),
        "magento_list_order_comments": ("comments/-/comment",),
        "magento_get_credit_memo": ("comments/-/comment",),
        "magento_get_shipment": ("comments/-/comment",),
        "magento_list_cms_pages": (
            "pages/-/content_heading",
            "pages/-/meta_description",
            "pages/-/meta_title",
        ),
        "magento_get_cms_page": (
            "content",
            "page/content_heading",
            "page/meta_description",
            "page/meta_title",
        ),
        "magento_get_cms_block": ("content",),
    },
    Platform.NETO: {
        "neto_get_order": ("delivery_instruction",),
        "neto_get_item": ("short_description",),
        "neto_list_rmas": (
            "rmas/-/lines/-/resolution",
            "rmas/-/lines/-/return_reason",
        ),
        "neto_list_warehouses": ("warehouses/-/reference",),
        "neto_list_shipping_methods": ("shipping_methods/-/description",),
    },
    Platform.XERO: {
        "xero_list_invoices": ("invoices/-/reference",),
        "xero_search_invoices": ("invoices/-/reference",),
        "xero_get_invoice": (
            "invoice/line_items/-/description",
            "invoice/payments/-/reference",
            "invoice/reference",
        ),
        "xero_list_payments": ("payments/-/reference",),
        "xero_list_credit_notes": ("credit_notes/-/reference",),
        "xero_list_bank_transactions": ("bank_transactions/-/reference",),
        "xero_list_accounts": ("accounts/-/description",),
        "xero_list_items": ("items/-/description",),
        "xero_list_quotes": ("quotes/-/reference",),
        "xero_list_purchase_orders": ("purchase_orders/-/reference",),
        "xero_create_draft_invoice": (
            "invoice/line_items/-/description",
            "invoice/payments/-/reference",
            "invoice/reference",
        ),
    },
    Platform.GOOGLE: {
        "google_merchant_product_statuses": ("products/-/issues/-/resolution",),
        "google_get_merchant_product": (
            "issues/-/description",
            "issues/-/detail",
            "issues/-/documentation",
            "issues/-/resolution",
        ),
        "google_list_merchant_account_issues": ("issues/-/detail",),
    },
}

# Field names whose strings are not third-party prose, by reason. A name may not appear both
# here and (as a path's last field name) in the table above.
_SAFE_BY_REASON: Mapping[str, tuple[str, ...]] = {
    "an identifier, cursor, handle, number or code the platform assigns": (
        "account_code", "account_id", "account_number", "attribute_id", "bank_transaction_id",
        "carrier_code", "cart_id", "code", "codes", "collection_id", "contact_id",
        "coupon_code", "coupon_codes", "created_from_order_id", "credit_note_id",
        "credit_note_number", "customer_id", "end_cursor", "handle", "id", "identifier",
        "increment_id", "inventory_item_id", "invoice_id", "invoice_number", "issue_id",
        "item_code", "item_id", "job_id", "key", "keys", "line_id", "line_item_id",
        "location_code", "location_id", "method_id", "missing_skus", "model", "namespace",
        "next_cursor", "next_page_token", "number", "offer_id", "order_id", "organisation_id",
        "owner_id", "parent_sku", "parent_transaction_id", "path", "payment_id", "product_id",
        "provider_id", "purchase_order_id", "purchase_order_number", "quote_id",
        "quote_number", "short_code", "sku", "skus", "source_code", "token", "track_number",
        "tracking_number", "transaction_id", "type_id", "url_key", "variant_id",
        "updated_fields",
    ),
    "a date or time (not declared with a format by the upstream's model)": (
        "added_at", "approved_at", "cancelled_at", "completed_at", "covered_until",
        "created_at", "created_from", "created_to", "creation_time", "date", "date_ranges",
        "deactivated_at", "delivered_at", "delivery_date", "dob", "due_date", "end_date",
        "ends_at", "estimated_delivery_at", "expiration_date", "expires_at", "expiry_date",
        "from_date", "fulfill_at", "fully_paid_at", "in_transit_at", "invoiced_at",
        "issued_at", "paid_at", "placed_at", "processed_at", "promotion_ends_at",
        "promotion_starts_at", "refunded_at", "report_date", "required_at", "start_date",
        "starts_at", "to_date", "update_time", "updated_at",
    ),
    "an amount, price, rate or quantity serialised as a string": (
        "adjustment", "amount", "average_order_value", "base_amount", "cart_amount",
        "compare_at_price", "cost_inc_tax", "discount_amount", "discounts",
        "extended_sale_price", "gross", "list_price", "min_purchase", "net", "price",
        "price_inc_tax", "refund_amount", "refunded", "refunded_amount", "requested_amount",
        "rounding", "sale_price", "shipping_cost_inc_tax", "store_credit", "subtotal_inc_tax",
        "total_amount", "total_inc_tax", "total_refund_amount", "total_refund_tax_amount",
        "total_refunded", "total_tax",
    ),
    "a status, type, method, unit, locale or country code (an upstream enumeration)": (
        "account_class", "actions", "address_type", "aggregation", "applicable_countries",
        "applies_to", "approved_countries", "availability", "base_currency",
        "base_currency_code", "category_access", "complete_status", "contact_status",
        "content_language", "country", "country_code", "country_id", "country_iso2",
        "currency", "currency_code", "default_currency", "default_display_currency_code",
        "default_order_type", "default_product_sort", "delivery_method", "dimension_units",
        "disapproved_countries", "display_status", "excluded_statuses", "feed_label",
        "financial_status", "fulfillment_status", "gateway", "holds", "inventory_tracking",
        "item_status", "item_type", "kind", "language", "language_code", "line_amount_types",
        "locale", "method", "metric_types", "order_source", "order_type", "organisation_type",
        "page_layout", "payment_method", "payment_status", "payment_type", "pending_countries",
        "permission_level", "phone_type", "plan", "program_type", "property_type",
        "redemption_type", "region_code", "reporting_context", "request_status",
        "restock_type", "sales_tax_basis", "severity", "simple_action", "sort_order", "status",
        "status_filter", "tax_class_name", "tax_type", "time_zone", "timezone", "type",
        "weight_unit", "weight_units",
    ),
    "a URL or domain": (
        "base_url", "documentation_uri", "domain", "image_url", "link", "myshopify_domain",
        "primary_domain", "secure_base_url", "secure_url", "site_url", "tracking_link", "url",
    ),
    "a postal address part: short structured data, shown as data": (
        "address1", "address2", "address_line1", "city", "phone_area_code",
        "phone_country_code", "phone_number", "postal_code", "postcode", "province", "region",
        "state", "state_or_province", "street", "street_1", "street_2", "zip",
    ),
    "a person's or organisation's name, email, phone or login: identity, not prose": (
        "account_name", "bank_account_name", "billing_email", "billing_name", "company",
        "contact_email", "contact_name", "customer_email", "customer_name",
        "customer_username", "display_name", "email", "email_address", "entity_name",
        "first_name", "firstname", "last_name", "lastname", "legal_name", "name", "owner",
        "owner_name", "phone", "telephone", "user_group", "username",
    ),
    "a short label the merchant maintains in the store's admin (names, titles, options)": (
        "attribute", "attributes", "brand", "carrier", "custom_label", "label",
        "last_order_name", "location_name", "option_display_name", "order_name",
        "plan_name", "product_title", "product_type", "rules", "sales_channel",
        "search_keywords", "shipping_method", "shipping_option", "shipping_provider",
        "system_description", "system_label", "title", "values", "variant_title", "vendor",
        "warehouse_name",
    ),
    "report structure echoed from the request or fixed by the upstream": (
        "columns", "dimensions", "metrics", "report_name", "section", "titles",
    ),
}  # fmt: skip

SAFE_STRING_FIELDS: Mapping[str, str] = {
    name: reason for reason, names in _SAFE_BY_REASON.items() for name in names
}


def untrusted_fields(platform: Platform, tool: str) -> tuple[str, ...]:
    """The paths of ``tool``'s third-party free-text fields (none for an unlisted tool)."""
    return UNTRUSTED_FIELDS.get(platform, {}).get(tool, ())
