"""Input models of the Shopify tools, one module per resource (``common`` holds the shared
identifier, cursor and search-text types)."""
