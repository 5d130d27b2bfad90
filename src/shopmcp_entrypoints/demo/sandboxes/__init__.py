"""Sandbox stores for ``shopmcp demo`` and the tests: local stand-ins for Shopify's Admin GraphQL
endpoint, BigCommerce's management API (v2 and v3), Magento's admin REST API and Neto's JSON
API, with deterministic sample data, on one web framework (Litestar). Production code (the
adapters, the app, the container) never imports them."""
