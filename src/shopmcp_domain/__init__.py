"""ShopMCP domain core: models, tool policy, write whitelists, use cases and ports.

Nothing in this package performs I/O or imports a library that does; adapters implement the
ports in :mod:`shopmcp_domain.ports` and entrypoints compose them.
"""
