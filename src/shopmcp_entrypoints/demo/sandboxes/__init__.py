"""Sandbox stores for ``shopmcp demo`` and the tests: local stand-ins for Shopify's Admin GraphQL
endpoint, Magento's admin REST API and Neto's JSON API, with deterministic sample data, on one
web framework (Litestar). Production code (the adapters, the app, the container) never imports
them."""
