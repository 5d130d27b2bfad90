"""Contract tests of the Google module (GA4, Merchant API, Search Console)."""
