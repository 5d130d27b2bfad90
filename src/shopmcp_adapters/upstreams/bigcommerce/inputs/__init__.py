"""BigCommerce tool inputs: what a chat may ask, one module per resource.

Inputs forbid extra fields, bound every page, size and text, and validate every identifier,
so a request is built only from values already known to be safe. ``common`` holds the shared
types; the other modules hold one resource's inputs each.
"""
