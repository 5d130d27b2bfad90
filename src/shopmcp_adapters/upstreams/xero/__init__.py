"""Xero Accounting. Only its OAuth provider lives here so far (``xero.oauth``); the tool
package (``PACKAGE``) comes with its tools."""
