"""Xero contract tests."""
