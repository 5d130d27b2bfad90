"""Upstream platform clients. ``http`` holds the one HTTP policy they all share."""
