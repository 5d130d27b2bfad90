"""Sandbox stores for ``shopmcp demo`` and the tests: local stand-ins for Shopify's Admin GraphQL
endpoint and Magento's admin REST API, with deterministic sample data, on one web framework
(Litestar). Production code (the adapters, the app, the container) never imports them."""
