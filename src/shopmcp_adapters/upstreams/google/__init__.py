"""Google (GA4 Data API, Merchant API). Only its OAuth provider lives here so far
(``google.oauth``); the tool package (``PACKAGE``) comes with its tools."""
