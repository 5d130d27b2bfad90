"""Output models of the Shopify tools, one module per resource (``common`` holds the base
model, money and page info).

Each model is both the structured content a tool returns (its field names, serialised) and
the parser of the upstream node it comes from (see ``common.py``).
"""
