"""ShopMCP."""
